//! Where a live store connects and how its backends answer: the endpoints, each backend
//! connected within the connect timeout, and each one's health (a PING, `SELECT 1`).

use std::time::Duration;

use crate::store::postgres::{PgStore, QUERY_TIMEOUT};
use crate::store::redis::RedisStore;
use crate::store::{Health, StoreError};

/// Where to connect, from flags, the environment or the config file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoints {
    pub redis_url: Option<String>,
    pub database_url: Option<String>,
    /// Prepended to every Redis key and channel.
    pub key_prefix: String,
    /// The Postgres tables (SPEC §1's names by default).
    pub tables: crate::store::tables::Tables,
    pub connect_timeout: Duration,
    /// How long a Postgres statement waits for its answer (`None`: [`QUERY_TIMEOUT`]).
    pub query_timeout: Option<Duration>,
}

/// Connects `e`'s Redis (configured: `e.redis_url` is set) within the connect timeout.
pub(in crate::store) async fn connect_redis(e: &Endpoints) -> Result<RedisStore, StoreError> {
    let url = e.redis_url.as_deref().unwrap_or_default();
    RedisStore::connect(url, &e.key_prefix, e.connect_timeout).await
}

/// Connects `e`'s Postgres (configured: `e.database_url` is set) within the connect timeout.
pub(in crate::store) async fn connect_pg(e: &Endpoints) -> Result<PgStore, StoreError> {
    let url = e.database_url.as_deref().unwrap_or_default();
    let deadline = e.query_timeout.unwrap_or(QUERY_TIMEOUT);
    PgStore::connect_reading(url, e.connect_timeout, &e.tables, deadline).await
}

/// A store's label (`redis host:port`) as the name and host a health answer carries.
pub(in crate::store) fn name_host(label: &str) -> (String, String) {
    let (name, host) = label.split_once(' ').unwrap_or((label, ""));
    (name.to_string(), host.to_string())
}

/// Redis's state now: a PING within `wait`.
pub(in crate::store) async fn redis_health(r: &RedisStore, wait: Duration) -> Health {
    let (name, host) = name_host(&r.label);
    health(name, host, tokio::time::timeout(wait, r.ping()).await, wait)
}

/// Postgres's state now: `SELECT 1` within `wait`. No answer in time: a server gone after the
/// start leaves the pool waiting for a connection, which does not say why; a connection made
/// directly does (refused), as fast as the server answers.
pub(in crate::store) async fn pg_health(p: &PgStore, wait: Duration) -> Health {
    let (name, host) = name_host(&p.label);
    let mut ping = tokio::time::timeout(wait, p.ping()).await;
    // No answer through the pool: its connections may all be busy (statements waiting on a
    // locked table) while the server answers at once. A connection made directly says which
    // (and why it is refused, when it is).
    if matches!(ping, Err(_) | Ok(Err(StoreError::Busy { .. })))
        && let Some(answer) = p.answers(wait).await
    {
        ping = Ok(answer);
    }
    health(name, host, ping, wait)
}

fn health(
    name: String,
    host: String,
    ping: Result<Result<Duration, StoreError>, tokio::time::error::Elapsed>,
    waited: Duration,
) -> Health {
    let (latency, error) = match ping {
        Ok(Ok(d)) => (Some(d), None),
        Ok(Err(e)) => (None, Some(e.to_string())),
        Err(_) => (
            None,
            Some(format!("no answer within {} s", waited.as_secs_f64())),
        ),
    };
    Health {
        name,
        host,
        latency,
        error,
    }
}
