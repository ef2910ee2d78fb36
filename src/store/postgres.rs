//! Reading Postgres (+pgvector): user_journeys, memory_bank and the knowledge search. Read-only.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{PgPool, Row};

use super::pg_rows::{self, Repeats, duplicate};
use super::pg_schema::{typed_milestone_search, typed_search, untyped_search};
use super::tables::{Quoted, Tables};
use super::user::RawMemoryRow;
use super::{JourneyIds, StoreError, fault};
use crate::engine::snapshot::{Malformed, Note};

/// A user's rows as read: the first `user_journeys` row (current milestone, display name), if
/// any, the `memory_bank` rows, rows that could not be decoded, and notes (odd values, repeats).
#[derive(Debug, Clone, Default)]
pub struct PgUser {
    pub journey: Option<(String, Option<String>)>,
    pub memory: Vec<RawMemoryRow>,
    pub malformed: Vec<Malformed>,
    pub notes: Vec<Note>,
    /// When rows in `malformed` were written, where that could be read (see [`super::user::RawUser::written`]).
    pub written: Vec<(String, chrono::DateTime<chrono::Utc>)>,
}

/// Ids looked up in one `= ANY` statement, at most.
const LOOKUP_CHUNK: usize = 10_000;

/// Unscorable rows found by a scan: (id, milestone, norm (`None`: a NULL embedding),
/// created_at as epoch seconds), by id.
pub(super) type UnscorableRows =
    std::sync::Arc<Vec<(i64, Option<String>, Option<f64>, Option<f64>)>>;

/// The scan's cache: when it ran and what it found.
pub(super) type UnscorableCache = tokio::sync::Mutex<Option<(std::time::Instant, UnscorableRows)>>;

/// A connected Postgres, and the knowledge embedding dimension read from the column.
pub struct PgStore {
    pool: PgPool,
    /// `postgres host:port/db`, password never included.
    pub label: String,
    /// `Some(n)` for a `vector(n)` column; `None` for an untyped `vector` column.
    pub dim: Option<usize>,
    /// Whether `ctxlens migrate`'s general rows' HNSW index was there at connect time: a search
    /// filtered to a milestone is then split so that it reads the partial indexes; without it
    /// it stays one walk of the table-wide index.
    pub(super) general_index: bool,
    /// Whether `ctxlens migrate`'s index of unscorable embeddings was there at connect time: the
    /// search then finds them through it; without it a scan finds them, at most once a minute.
    pub(super) unscorable_index: bool,
    /// Whether the embedding column may hold NULL (SPEC §1 has it NOT NULL; a table made
    /// otherwise): no search returns such a row, so the scan of unscorable rows names them.
    pub(super) embedding_nullable: bool,
    /// The statements, with the configured table names in.
    pub(super) sql: Statements,
    /// The configured tables, quoted (`seed` and `migrate` write them).
    tables: Quoted,
    /// Unscorable rows found by the scan, and when.
    pub(super) unscorable: UnscorableCache,
    /// How long a statement may wait for its answer (`--query-timeout`): a server that stops
    /// answering mid-statement, or a lock held for longer, is then an outage named so.
    deadline: Duration,
}

/// A statement given its store's deadline to answer: `.fetch_all(pool).within(store, what)`.
pub(super) trait Within<T>:
    std::future::Future<Output = Result<T, sqlx::Error>> + Sized
{
    fn within<'a>(
        self,
        store: &'a PgStore,
        what: &'a str,
    ) -> impl std::future::Future<Output = Result<T, StoreError>> + 'a
    where
        Self: 'a,
        T: 'a,
    {
        store.answered(what, self)
    }
}

impl<T, F: std::future::Future<Output = Result<T, sqlx::Error>>> Within<T> for F {}

/// How long a statement waits for its answer unless `--query-timeout` says otherwise.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// A statement as text (cheap to clone into a query).
type Sql = std::sync::Arc<str>;

/// Every statement `PgStore` runs, its table names filled in from [`Tables`].
#[derive(Debug, Clone)]
pub(super) struct Statements {
    journeys: Sql,
    memory: Sql,
    users_page: Sql,
    known: Sql,
    pub(super) typed_search: Sql,
    pub(super) typed_milestone_search: Sql,
    /// The two typed searches for many query vectors at once.
    pub(super) typed_search_many: Sql,
    pub(super) typed_milestone_search_many: Sql,
    pub(super) untyped_search: Sql,
    /// The knowledge table's quoted name.
    pub(super) knowledge: Sql,
}

impl Statements {
    /// `unscorable_index`: whether the searches read `ctxlens migrate`'s index of unscorable rows.
    fn new(t: &Quoted, unscorable_index: bool) -> Self {
        let fill = |sql: &str| -> Sql {
            sql.replace("{user_journeys}", &t.user_journeys)
                .replace("{memory_bank}", &t.memory_bank)
                .replace("{knowledge}", &t.knowledge)
                .into()
        };
        Statements {
            // Ordered so that, of several rows for one id, the same one is read first every time.
            journeys: fill(
                "SELECT user_id, current_milestone, display_name FROM {user_journeys} WHERE user_id = ANY($1) ORDER BY user_id, current_milestone, display_name",
            ),
            memory: fill(
                "SELECT user_id, id, context_type, milestone, data, created_at FROM {memory_bank} WHERE user_id = ANY($1) ORDER BY user_id, created_at, id",
            ),
            // One row per id, the one a load reads first. A row without a user id (a table
            // that lets it be NULL) belongs to no user: not listed.
            users_page: fill(
                "SELECT DISTINCT ON (user_id) user_id, current_milestone, display_name FROM {user_journeys} WHERE user_id IS NOT NULL AND ($1::text IS NULL OR user_id > $1) ORDER BY user_id, current_milestone, display_name LIMIT $2",
            ),
            known: fill("SELECT DISTINCT user_id FROM {user_journeys} WHERE user_id = ANY($1)"),
            typed_search: fill(&typed_search(unscorable_index, false)),
            typed_milestone_search: fill(&typed_milestone_search(unscorable_index, false)),
            typed_search_many: fill(&typed_search(unscorable_index, true)),
            typed_milestone_search_many: fill(&typed_milestone_search(unscorable_index, true)),
            untyped_search: fill(&untyped_search()),
            knowledge: t.knowledge.clone().into(),
        }
    }
}

/// A query of `sql`, whose only variable parts are quoted table names.
fn query(sql: &Sql) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
}

#[cfg(test)]
mod tests;

mod address;
mod connect;
mod tls;

pub use address::label;
use connect::{connect, connect_once, embedding_column_within};

impl PgStore {
    /// Connects within `timeout`; the error names the server, never the password. Every
    /// connection runs [`SEARCH_SETTINGS`].
    pub async fn connect(url: &str, timeout: Duration) -> Result<PgStore, StoreError> {
        PgStore::connect_tables(url, timeout, &Tables::default()).await
    }

    /// Connects to read `tables` instead of SPEC §1's.
    pub async fn connect_tables(
        url: &str,
        timeout: Duration,
        tables: &Tables,
    ) -> Result<PgStore, StoreError> {
        let settings = SEARCH_SETTINGS.iter().map(|s| (*s).to_string()).collect();
        PgStore::open(url, timeout, settings, tables).await
    }

    /// Connects to read `tables`, every statement given `deadline` to answer — on the server
    /// too (`statement_timeout`), so a statement given up on (a lock held, a slow scan) is
    /// cancelled there rather than left waiting on a production database.
    pub async fn connect_reading(
        url: &str,
        timeout: Duration,
        tables: &Tables,
        deadline: Duration,
    ) -> Result<PgStore, StoreError> {
        let mut settings: Vec<String> = SEARCH_SETTINGS.iter().map(|s| (*s).to_string()).collect();
        settings.push(statement_timeout(deadline));
        Ok(PgStore::open(url, timeout, settings, tables)
            .await?
            .with_query_timeout(deadline))
    }

    /// Connects with other per-connection `SET` statements than [`SEARCH_SETTINGS`] (the
    /// knowledge benchmark measures alternatives this way).
    pub async fn connect_with(
        url: &str,
        timeout: Duration,
        settings: Vec<String>,
    ) -> Result<PgStore, StoreError> {
        PgStore::open(url, timeout, settings, &Tables::default()).await
    }

    async fn open(
        url: &str,
        timeout: Duration,
        settings: Vec<String>,
        tables: &Tables,
    ) -> Result<PgStore, StoreError> {
        let quoted = tables
            .quoted()
            .map_err(|cause| fault::config_error("postgres", "config", &cause, url))?;
        let opts: PgConnectOptions = address::options(url)?;
        let label = label(&opts, url);
        let verifies = matches!(
            opts.get_ssl_mode(),
            PgSslMode::VerifyCa | PgSslMode::VerifyFull
        );
        let fail = |what: &str, e: sqlx::Error| {
            let cause = fault::server_message(&fault::pg_cause(&e), url);
            let cause = if verifies && cause.contains("certificate") {
                format!(
                    "{cause} (verify-ca and verify-full trust Mozilla's root CAs and the sslrootcert= file)"
                )
            } else {
                cause
            };
            fault::classify(fault::pg_outage(&e), &label, what, cause)
        };
        let pool = connect(opts, timeout, settings, &label, &fail).await?;
        let column =
            embedding_column_within(&pool, &quoted, &tables.knowledge, &fail, &label, timeout)
                .await?;
        let dim = column
            .and_then(|(d, ..)| usize::try_from(d).ok())
            .filter(|d| *d > 0);
        let unscorable_index = column.is_some_and(|(_, _, u, _)| u);
        Ok(PgStore {
            pool,
            label: label.clone(),
            dim,
            general_index: column.is_some_and(|(_, g, ..)| g),
            unscorable_index,
            embedding_nullable: column.is_some_and(|(.., not_null)| !not_null),
            sql: Statements::new(&quoted, unscorable_index),
            tables: quoted,
            unscorable: Default::default(),
            deadline: QUERY_TIMEOUT,
        })
    }

    /// A read's failure; one the schema explains (a table, column or type not as SPEC §1 has
    /// them) says what tells more.
    pub(super) fn fail(&self, what: &str, e: sqlx::Error) -> StoreError {
        let mut cause = fault::pg_cause(&e);
        if fault::pg_schema_mismatch(&e) {
            cause = format!("{cause}; {}", fault::SCHEMA_HINT);
        }
        fault::classify(fault::pg_outage(&e), &self.label, what, cause)
    }

    /// The same store with statements waiting at most `deadline` for their answer.
    pub fn with_query_timeout(mut self, deadline: Duration) -> PgStore {
        self.deadline = deadline;
        self
    }

    /// `statement` (named `what` in its error) given the store's deadline to answer: past it,
    /// the store is out of reach ("no answer within N s"), as Redis is past its own.
    pub(super) async fn answered<T>(
        &self,
        what: &str,
        statement: impl std::future::Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        let timed_out = || StoreError::TimedOut {
            store: self.label.clone(),
            what: what.into(),
            secs: self.deadline.as_secs_f32(),
        };
        match tokio::time::timeout(self.deadline, statement).await {
            Ok(Err(sqlx::Error::PoolTimedOut)) => Err(self.why_no_connection(what).await),
            // The server's own `statement_timeout` (the same deadline) ended it first.
            Ok(Err(sqlx::Error::Database(e))) if e.code().as_deref() == Some("57014") => {
                Err(timed_out())
            }
            Ok(answer) => answer.map_err(|e| self.fail(what, e)),
            Err(_) => Err(timed_out()),
        }
    }

    /// Whether the server answers a connection made directly within `wait`, not through the
    /// pool (whose connections may all be busy): how long it took, or why not (`None`: no
    /// answer in time).
    pub(super) async fn answers(&self, wait: Duration) -> Option<Result<Duration, StoreError>> {
        let start = std::time::Instant::now();
        Some(
            match connect_once(&self.pool.connect_options(), wait).await? {
                Ok(()) => Ok(start.elapsed()),
                Err(e) => Err(self.fail("connect", e)),
            },
        )
    }

    /// Why the pool found no connection in time, which it does not say: a connection made
    /// directly says why (`connect: connection refused`, as for a server down at the start);
    /// made, the pool's connections were all busy (statements waiting on a locked table): the
    /// server is not down.
    async fn why_no_connection(&self, what: &str) -> StoreError {
        let wait = self.pool.options().get_acquire_timeout();
        // Busy only when every connection the pool may hold is taken: with one free slot, the
        // pool's own connect stalled, which is the server's (or the network's) doing.
        let full = self.pool.size() >= self.pool.options().get_max_connections()
            && self.pool.num_idle() == 0;
        match self.answers(wait).await {
            Some(Err(why)) => why,
            Some(Ok(_)) if full => StoreError::Busy {
                store: self.label.clone(),
                what: what.into(),
                secs: wait.as_secs_f32(),
                connections: self.pool.size(),
            },
            _ => self.fail(what, sqlx::Error::PoolTimedOut),
        }
    }

    /// Round-trip time of `SELECT 1`.
    pub async fn ping(&self) -> Result<Duration, StoreError> {
        let start = std::time::Instant::now();
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .within(self, "SELECT 1")
            .await?;
        Ok(start.elapsed())
    }

    /// The tables read (and, by `seed` and `migrate`, written), quoted.
    pub fn tables(&self) -> &Quoted {
        &self.tables
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool's connections with Postgres's Terminate message, waiting at most
    /// [`super::CLOSE_WAIT`] for those in use (see [`super::Store::close`]).
    pub async fn close(&self) {
        let _ = tokio::time::timeout(super::CLOSE_WAIT, self.pool.close()).await;
    }

    /// The user's `user_journeys` row and `memory_bank` rows: two statements, run together.
    pub async fn load(&self, user: &str) -> Result<PgUser, StoreError> {
        let mut rows = self.load_many(&[user.to_string()]).await?;
        Ok(rows.remove(user).unwrap_or_default())
    }

    /// Several users' `user_journeys` and `memory_bank` rows: two statements (`= ANY`), run
    /// together; by user id, users without rows left out. A row that cannot be decoded is a
    /// malformed item of its user; several journey rows for one user, or several memory rows
    /// with one id, are read once, with a note.
    pub async fn load_many(&self, users: &[String]) -> Result<HashMap<String, PgUser>, StoreError> {
        let journey = query(&self.sql.journeys)
            .bind(users)
            .fetch_all(&self.pool)
            .within(self, "user_journeys");
        let memory = query(&self.sql.memory)
            .bind(users)
            .fetch_all(&self.pool)
            .within(self, "memory_bank");
        let (journey, memory) = tokio::join!(journey, memory);
        let mut out: HashMap<String, PgUser> = HashMap::new();
        let mut repeats = Repeats::default();
        for r in journey? {
            let id: String = r
                .try_get("user_id")
                .map_err(|e| self.fail("user_journeys", e))?;
            if !repeats.first(&id) {
                continue;
            }
            let entry = out.entry(id.clone()).or_default();
            match pg_rows::journey(&r, &id) {
                Ok(j) => entry.journey = Some(j),
                Err(m) => entry.malformed.push(m),
            }
        }
        for (id, n) in repeats.repeated() {
            let note = duplicate(
                format!("user_journeys user_id={}", crate::text::shown_id(id)),
                n,
                "user id",
            );
            out.entry(id.clone()).or_default().notes.push(note);
        }
        let mut repeats = Repeats::default();
        for r in memory? {
            let user: String = r
                .try_get("user_id")
                .map_err(|e| self.fail("memory_bank", e))?;
            let entry = out.entry(user.clone()).or_default();
            let id = match pg_rows::id(&r, "memory_bank") {
                Ok(id) => id,
                Err(m) => {
                    entry.malformed.push(m);
                    continue;
                }
            };
            if !repeats.first(&(user, id)) {
                continue;
            }
            match pg_rows::memory(&r, id, &mut entry.notes) {
                Ok(row) => entry.memory.push(row),
                Err((m, written)) => {
                    if let Some(t) = written {
                        entry.written.push((m.source.clone(), t));
                    }
                    entry.malformed.push(m);
                }
            }
        }
        for ((user, id), n) in repeats.repeated() {
            let note = duplicate(super::user::memory_row(*id), n, "id");
            out.entry(user.clone()).or_default().notes.push(note);
        }
        Ok(out)
    }

    /// One page of `user_journeys` after `after` (from the first id, the empty one included,
    /// without), by user id: (id, milestone, name). A column that cannot be read is left empty:
    /// the user's load says why.
    pub async fn users(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, StoreError> {
        let rows = query(&self.sql.users_page)
            .bind(after)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .within(self, "user_journeys")
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("user_id")?,
                    r.try_get("current_milestone").ok().flatten(),
                    r.try_get("display_name").ok().flatten(),
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.fail("user_journeys", e))
    }

    /// Which of `ids` have a `user_journeys` row.
    pub async fn known(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(LOOKUP_CHUNK) {
            let found: Vec<String> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(self.sql.known.clone()))
                    .bind(chunk)
                    .fetch_all(&self.pool)
                    .within(self, "user_journeys")
                    .await?;
            out.extend(found);
        }
        Ok(out)
    }
}

#[async_trait]
impl JourneyIds for PgStore {
    async fn with_journey(&self, ids: &[String]) -> Result<HashSet<String>, StoreError> {
        Ok(self.known(ids).await?.into_iter().collect())
    }
}

/// `SET statement_timeout` to `deadline` (whole milliseconds, at least 1).
fn statement_timeout(deadline: Duration) -> String {
    format!("SET statement_timeout = {}", deadline.as_millis().max(1))
}

/// What every connection runs first, before any statement is prepared.
pub const SEARCH_SETTINGS: &[&str] = &[
    // Candidates per HNSW walk. A milestone-filtered search walks the milestone's and the general
    // rows' partial indexes, whose graphs hold only rows the filter lets through. Measured with
    // `cargo bench --bench knowledge_scale` (README) on 100 k distinct articles from the built-in
    // embedder, 500 founder questions, limit 10 + 5, a quiet 2-core machine: 100 gives p50
    // 4.7-5.7 ms, p99 6.8-8.1 ms with the default shared_buffers (3.7-4.0 / 4.9-5.4 ms with 1 GB)
    // and recall 0.995-0.999 over ten index builds; 60 dipped below 0.99 on two builds of six,
    // 80 gave 0.993-0.997; 200 adds 0.002-0.004 of recall for p99 12.7-14.9 ms. Under load (other
    // builds on the 2 cores) p99 rose to 12.9-17.9 ms at 100. Without the partial indexes the
    // filters apply after one walk of the table-wide index: recall 0.869 at 100, 0.885 at 200.
    "SET hnsw.ef_search = 100",
    // A generic plan of the prepared search cannot see the query vector or the limit and falls
    // back to scanning every row, nor the milestone to pick its partial index: plan each execution.
    "SET plan_cache_mode = force_custom_plan",
];
