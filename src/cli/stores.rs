//! Opening the stores a command reads: the endpoints from flags, environment and config, the
//! embedded demo when none is configured, and the TUI's wait for stores out of reach.

use super::{CliError, GlobalArgs};
use crate::config::Config;
use crate::store::{MemoryStore, Store, StoreError};

/// The store endpoints from flags, environment and config (flags and environment win).
pub fn endpoints(global: &GlobalArgs, config: &Config) -> crate::store::live::Endpoints {
    crate::store::live::Endpoints {
        redis_url: global
            .redis_url
            .clone()
            .or_else(|| config.stores.redis_url.clone()),
        database_url: global
            .database_url
            .clone()
            .or_else(|| config.stores.database_url.clone()),
        key_prefix: global
            .key_prefix
            .clone()
            .or_else(|| config.stores.key_prefix.clone())
            .unwrap_or_default(),
        tables: config.stores.tables.clone(),
        connect_timeout: global.connect_timeout,
        query_timeout: Some(global.query_timeout),
    }
}

/// The stores configured, or the embedded demo when none is.
pub async fn open_store(global: &GlobalArgs, config: &Config) -> Result<Box<dyn Store>, CliError> {
    open_store_for(global, config, Waits::No, Reads::Both).await
}

/// Which configured stores a command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reads {
    Both,
    /// `watch`: progress events come from Redis alone, so a Postgres out of reach (or not
    /// configured) does not stop it.
    RedisOnly,
}

/// Whether a store out of reach at the start is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Waits {
    /// A command: it fails, exit 1, naming the store.
    No,
    /// The TUI: it opens anyway, says which store is down, and connects when it is back
    /// ([`crate::store::reconnecting`]). A bad URL or setting still stops it (exit 2).
    ForTheStore,
}

pub(super) async fn open_store_for(
    global: &GlobalArgs,
    config: &Config,
    waits: Waits,
    reads: Reads,
) -> Result<Box<dyn Store>, CliError> {
    let mut ends = endpoints(global, config);
    if reads == Reads::RedisOnly && ends.redis_url.is_some() {
        ends.database_url = None;
    }
    if ends.redis_url.is_none() && ends.database_url.is_none() {
        return Ok(Box::new(MemoryStore::demo()));
    }
    let connect = crate::store::live::LiveStore::connect(&ends);
    // The TUI draws at once: stores that have not answered within a moment (a silent host, a
    // slow network) are connected behind it, their state on the status bar meanwhile. What is
    // refused at once — a bad URL or setting — still stops it first.
    let connected = match waits {
        Waits::ForTheStore => match tokio::time::timeout(TUI_CONNECT_GRACE, connect).await {
            Ok(answer) => answer,
            Err(_) => {
                return Ok(Box::new(crate::store::reconnecting::Reconnecting::new(
                    ends,
                )));
            }
        },
        Waits::No => connect.await,
    };
    match connected {
        Ok(live) => Ok(Box::new(live)),
        Err(e) if waits == Waits::ForTheStore && e.is_outage() => Ok(Box::new(
            crate::store::reconnecting::Reconnecting::new(ends),
        )),
        Err(e) => Err(url_named(e, global, config).into()),
    }
}

/// A URL that cannot be read, named by where it came from: the flag, the environment
/// variable (said when it is empty), or the config file's `FILE:LINE:COLUMN`.
pub(super) fn url_named(e: StoreError, global: &GlobalArgs, config: &Config) -> StoreError {
    let StoreError::Config { store, what, cause } = e else {
        return e;
    };
    let (flag, env, given, place) = match store.as_str() {
        "redis" => (
            "--redis-url",
            "REDIS_URL",
            global.redis_url.as_deref(),
            &config.url_places.redis_url,
        ),
        "postgres" => (
            "--database-url",
            "DATABASE_URL",
            global.database_url.as_deref(),
            &config.url_places.database_url,
        ),
        _ => return StoreError::Config { store, what, cause },
    };
    if !what.starts_with("URL (") {
        return StoreError::Config { store, what, cause };
    }
    let from = match given {
        Some(v) => {
            let typed = std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
            let from = if !typed && std::env::var(env).is_ok_and(|e| e == v) {
                env
            } else {
                flag
            };
            if v.is_empty() {
                format!("{from}, empty")
            } else {
                from.to_string()
            }
        }
        None => match place {
            Some(at) => format!("[stores] {} at {at}", &flag[2..].replace('-', "_")),
            None => return StoreError::Config { store, what, cause },
        },
    };
    StoreError::Config {
        store,
        what: format!("URL ({from})"),
        cause,
    }
}

/// How long the TUI waits for its stores before it draws: past it, they are connected behind
/// the first frame.
const TUI_CONNECT_GRACE: std::time::Duration = std::time::Duration::from_millis(500);
