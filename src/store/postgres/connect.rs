//! Connecting: a pool whose every connection runs its settings, one connection made directly
//! (which says why it fails, where a pool only times out), and the embedding column read.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::store::StoreError;
use crate::store::pg_schema::{general_index, qualified, unscorable_index};
use crate::store::tables::Quoted;

/// A pool of connections with `settings` applied to each; one connection made directly first,
/// since a pool that cannot connect says only that it timed out, not why (refused,
/// authentication, TLS).
pub(super) async fn connect(
    opts: PgConnectOptions,
    timeout: Duration,
    settings: Vec<String>,
    label: &str,
    fail: &(dyn Fn(&str, sqlx::Error) -> StoreError + Sync),
) -> Result<PgPool, StoreError> {
    match connect_once(&opts, timeout).await {
        None => {
            return Err(StoreError::TimedOut {
                store: label.into(),
                what: "connect".into(),
                secs: timeout.as_secs_f32(),
            });
        }
        Some(Err(e)) => return Err(fail("connect", e)),
        Some(Ok(())) => {}
    }
    let settings = std::sync::Arc::new(settings);
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(timeout)
        // Set before any statement is prepared, since a plan keeps the settings it was made with.
        .after_connect(move |conn, _| {
            let settings = settings.clone();
            Box::pin(async move {
                for set in settings.iter() {
                    sqlx::Executor::execute(&mut *conn, sqlx::AssertSqlSafe(set.clone())).await?;
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .map_err(|e| fail("connect", e))
}

/// One connection made directly within `wait`, then closed: what a pool does not say (why it
/// has no connection). `None`: no answer in time.
pub(super) async fn connect_once(
    opts: &PgConnectOptions,
    wait: Duration,
) -> Option<Result<(), sqlx::Error>> {
    match tokio::time::timeout(wait, PgConnection::connect_with(opts)).await {
        Err(_) => None,
        Ok(Err(e)) => Some(Err(e)),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Some(Ok(()))
        }
    }
}

/// The knowledge table's embedding column: its dimension (atttypmod of a vector(n) column is
/// n; -1 without one), whether the general and unscorable partial indexes are on it, and
/// whether it is NOT NULL.
async fn embedding_column(
    pool: &PgPool,
    quoted: &Quoted,
    knowledge: &str,
    fail: &(dyn Fn(&str, sqlx::Error) -> StoreError + Sync),
) -> Result<Option<(i32, bool, bool, bool)>, StoreError> {
    // The partial indexes `ctxlens migrate` makes are on SPEC §1's table; another table is
    // searched the same way only where an index of those names is on it.
    sqlx::query_as(
        "SELECT atttypmod,
                EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass($2) AND indrelid = attrelid),
                EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass($3) AND indrelid = attrelid),
                attnotnull
           FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'embedding'",
    )
    .bind(&quoted.knowledge)
    .bind(qualified(quoted, &general_index(quoted)))
    .bind(qualified(quoted, &unscorable_index(quoted)))
    .fetch_optional(pool)
    .await
    .map_err(|e| fail(&format!("reading {knowledge}.embedding"), e))
}

/// [`embedding_column`] within `timeout`: no answer in time is the store `label` timed out.
pub(super) async fn embedding_column_within(
    pool: &PgPool,
    quoted: &Quoted,
    knowledge: &str,
    fail: &(dyn Fn(&str, sqlx::Error) -> StoreError + Sync),
    label: &str,
    timeout: Duration,
) -> Result<Option<(i32, bool, bool, bool)>, StoreError> {
    match tokio::time::timeout(timeout, embedding_column(pool, quoted, knowledge, fail)).await {
        Ok(column) => column,
        Err(_) => Err(StoreError::TimedOut {
            store: label.to_string(),
            what: format!("reading {knowledge}.embedding"),
            secs: timeout.as_secs_f32(),
        }),
    }
}
