//! The status bar's state: the data source, the stores' health and when to check it next, and
//! the message shown.

/// The status bar: data source, stores, and the last message.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusState {
    pub source: String,
    pub demo: bool,
    pub stores: Vec<StoreStatus>,
    pub message: Option<Message>,
    /// What is loading right now, and since when (spinner while non-empty).
    pub loading: crate::app::task::Loading,
    pub health: Health,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreStatus {
    pub name: String,
    /// Host and port, password masked.
    pub host: String,
    pub up: bool,
    pub last_error: Option<String>,
    /// Round-trip time of the last health check.
    pub latency: Option<std::time::Duration>,
}

/// When to check the stores next, and how long to wait after that while one is down.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Health {
    pub next_check: u64,
    /// Seconds between checks while a store is down: 1, 2, 4 … 30.
    pub backoff: u64,
    pub checking: bool,
    /// A user whose load failed, to load again when the stores are back.
    pub failed_user: Option<String>,
    /// `R` was pressed while a store was down: the users list (kept meanwhile) is read again
    /// when the stores are back.
    pub reload_users: bool,
    /// A next page of users failed at an outage: read when the stores are back.
    pub reload_page: bool,
    /// `R` was pressed while a check was under way: if that check still finds a store down,
    /// the next one runs at once, not after the backoff (the store may be back since).
    pub asked_again: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    /// The tick after which it is no longer shown.
    pub until: u64,
}
