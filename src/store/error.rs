//! A store failure, named: which store, what was asked of it, and whether it is an outage.

/// A store failure, naming the store and what was asked of it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error("user {} not found in {store}", crate::text::quoted(.user))]
    UserNotFound { store: String, user: String },
    /// A user of several snapshot files, each listed under its own `USER@FILE` label: the bare
    /// id names none of them.
    #[error(
        "user {} is listed by file in the snapshots: open it as {}",
        crate::text::quoted(.user),
        listed_labels(.labels)
    )]
    UserInFiles { user: String, labels: Vec<String> },
    #[error(
        "user {} has no session {} in {store} (sessions: {have})",
        crate::text::quoted(.user),
        crate::text::quoted(.session)
    )]
    SessionNotFound {
        store: String,
        user: String,
        session: String,
        have: String,
    },
    /// The session asked for is under a key another user could own: read as no one's.
    #[error("user {user:?}'s session {session:?} in {store}: its key {key} {why}")]
    SessionAmbiguous {
        store: String,
        user: String,
        session: String,
        key: String,
        why: String,
    },
    #[error("{store}: {what}: {cause}")]
    Backend {
        store: String,
        what: String,
        cause: String,
    },
    /// The store could not be reached, or went away: connection refused, reset or closed, no
    /// answer in time. Whatever was asked next of it would fail the same way.
    #[error("{store}: {what}: {cause}")]
    Unavailable {
        store: String,
        what: String,
        cause: String,
    },
    /// The store did not answer within `secs` seconds: out of reach too, but asking again at
    /// once would wait as long again.
    #[error("{store}: {what}: no answer within {secs} s")]
    TimedOut {
        store: String,
        what: String,
        secs: f32,
    },
    /// Every connection of the store's pool was busy for `secs` seconds (statements waiting on
    /// a locked table, or slow ones) while the server itself answers: like [`Self::TimedOut`],
    /// asking again at once would wait as long again; the server is not down.
    #[error(
        "{store}: {what}: no connection free within {secs} s: all {connections} are busy \
         (statements waiting on a locked table, or slow ones?)"
    )]
    Busy {
        store: String,
        what: String,
        secs: f32,
        connections: u32,
    },
    /// A store address or setting is malformed (a usage error, exit code 2).
    #[error("{store}: {what}: {cause}")]
    Config {
        store: String,
        what: String,
        cause: String,
    },
}

/// Labels to open a user by: the first few, and how many more.
fn listed_labels(labels: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut said = labels
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(" or ");
    if labels.len() > SHOWN {
        said.push_str(&format!(
            " (… and {} more: see the users list)",
            labels.len() - SHOWN
        ));
    }
    said
}

impl StoreError {
    /// Whether the store is out of reach (as opposed to one request or one user's data failing).
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable { .. } | StoreError::TimedOut { .. } | StoreError::Busy { .. }
        )
    }

    /// Whether the store kept what was asked waiting past a deadline (a statement, or a free
    /// connection) while it may answer anything else at once: not a store gone.
    pub fn is_late(&self) -> bool {
        matches!(self, StoreError::TimedOut { .. } | StoreError::Busy { .. })
    }

    /// An outage that another try may not meet: a connection refused, reset or closed (a
    /// backend terminated), not a store that kept a statement past its deadline (a second
    /// try would wait as long again).
    pub fn is_worth_another_try(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }

    /// The store that is out of reach (`redis …`, `postgres …`): `None` when the error is about
    /// what was asked (a missing user or session, a query the server refused, a bad setting).
    pub fn unavailable_store(&self) -> Option<&str> {
        match self {
            StoreError::Unavailable { store, .. }
            | StoreError::TimedOut { store, .. }
            | StoreError::Busy { store, .. } => Some(store),
            _ => None,
        }
    }
}

#[cfg(test)]
mod error_tests {
    use super::StoreError;

    /// A store past its deadline is out of reach, but not asked again at once (that would wait
    /// as long again); a refused or reset connection is.
    #[test]
    fn a_timeout_is_an_outage_not_tried_again() {
        let late = StoreError::TimedOut {
            store: "postgres h:5432/db".into(),
            what: "user_journeys".into(),
            secs: 3.0,
        };
        assert!(late.is_outage());
        assert!(!late.is_worth_another_try());
        assert_eq!(late.unavailable_store(), Some("postgres h:5432/db"));
        assert_eq!(
            late.to_string(),
            "postgres h:5432/db: user_journeys: no answer within 3 s"
        );
        let refused = StoreError::Unavailable {
            store: "redis h:6379".into(),
            what: "connect".into(),
            cause: "connection refused".into(),
        };
        assert!(refused.is_outage() && refused.is_worth_another_try());
    }
}
