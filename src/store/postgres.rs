//! Reading Postgres (+pgvector): user_journeys, memory_bank and the knowledge search. Read-only.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{Connection, PgConnection, PgPool, Row};

use super::tables::{Quoted, Tables};
use super::user::RawMemoryRow;
use super::{KnowledgeHits, KnowledgeQuery, StoreError, fault};
use crate::engine::embed::cosine;
use crate::engine::snapshot::{KnowledgeEntry, Malformed};

/// A user's `user_journeys` row (current milestone, display name), if any, and `memory_bank` rows.
pub type PgUser = (Option<(String, Option<String>)>, Vec<RawMemoryRow>);

fn journey_row(r: &sqlx::postgres::PgRow) -> Result<(String, Option<String>), sqlx::Error> {
    Ok((r.try_get("current_milestone")?, r.try_get("display_name")?))
}

fn memory_row(r: &sqlx::postgres::PgRow) -> Result<RawMemoryRow, sqlx::Error> {
    Ok(RawMemoryRow {
        id: r.try_get("id")?,
        context_type: r.try_get("context_type")?,
        milestone: r.try_get("milestone")?,
        data: r.try_get::<Value, _>("data")?,
        created_at: Some(r.try_get::<DateTime<Utc>, _>("created_at")?),
    })
}

/// A connected Postgres, and the knowledge embedding dimension read from the column.
pub struct PgStore {
    pool: PgPool,
    /// `postgres host:port/db`, password never included.
    pub label: String,
    /// `Some(n)` for a `vector(n)` column; `None` for an untyped `vector` column.
    pub dim: Option<usize>,
    /// Whether `ctxlens migrate`'s partial indexes were there at connect time (the general rows'
    /// HNSW index and the all-zero vectors' index): a search filtered to a milestone is then
    /// split so that it reads them; without them it stays one scan of the table-wide index.
    milestone_indexes: bool,
    /// The statements, with the configured table names in.
    sql: Statements,
}

/// A statement as text (cheap to clone into a query).
type Sql = std::sync::Arc<str>;

/// Every statement `PgStore` runs, its table names filled in from [`Tables`].
#[derive(Debug, Clone)]
struct Statements {
    journeys: Sql,
    memory: Sql,
    users_page: Sql,
    known: Sql,
    typed_search: Sql,
    typed_milestone_search: Sql,
    untyped_search: Sql,
}

impl Statements {
    fn new(t: &Quoted) -> Self {
        let fill = |sql: &str| -> Sql {
            sql.replace("{user_journeys}", &t.user_journeys)
                .replace("{memory_bank}", &t.memory_bank)
                .replace("{knowledge}", &t.knowledge)
                .into()
        };
        Statements {
            journeys: fill(
                "SELECT user_id, current_milestone, display_name FROM {user_journeys} WHERE user_id = ANY($1)",
            ),
            memory: fill(
                "SELECT user_id, id, context_type, milestone, data, created_at FROM {memory_bank} WHERE user_id = ANY($1) ORDER BY user_id, created_at, id",
            ),
            users_page: fill(
                "SELECT user_id, current_milestone, display_name FROM {user_journeys} WHERE user_id > $1 ORDER BY user_id LIMIT $2",
            ),
            known: fill("SELECT user_id FROM {user_journeys} WHERE user_id = ANY($1)"),
            typed_search: fill(TYPED_SEARCH),
            typed_milestone_search: fill(TYPED_MILESTONE_SEARCH),
            untyped_search: fill(UNTYPED_SEARCH),
        }
    }
}

/// A query of `sql`, whose only variable parts are quoted table names.
fn query(sql: &Sql) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
}

/// `postgres host:port/db` for messages: no user, no password.
pub fn label(opts: &PgConnectOptions) -> String {
    format!(
        "postgres {}:{}/{}",
        opts.get_host(),
        opts.get_port(),
        opts.get_database().unwrap_or("")
    )
}

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
        let opts: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| {
            fault::config_error("postgres", "DATABASE_URL", &e.to_string(), url)
        })?;
        let label = label(&opts);
        let verifies = matches!(
            opts.get_ssl_mode(),
            PgSslMode::VerifyCa | PgSslMode::VerifyFull
        );
        let fail = |what: &str, e: sqlx::Error| {
            let cause = fault::mask_password(&fault::pg_cause(&e), url);
            let cause = if verifies && cause.contains("certificate") {
                format!(
                    "{cause} (verify-ca and verify-full trust Mozilla's root CAs and the sslrootcert= file)"
                )
            } else {
                cause
            };
            fault::classify(fault::pg_outage(&e), &label, what, cause)
        };
        // A pool retries a failed connection until its timeout and then says only that it timed
        // out: one connection made directly first reports why (refused, authentication, TLS).
        match tokio::time::timeout(timeout, PgConnection::connect_with(&opts)).await {
            Err(_) => {
                return Err(StoreError::Unavailable {
                    store: label.clone(),
                    what: "connect".into(),
                    cause: format!("no answer within {} s", timeout.as_secs_f32()),
                });
            }
            Ok(Err(e)) => return Err(fail("connect", e)),
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
        }
        let settings = std::sync::Arc::new(settings);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(timeout)
            // Set before any statement is prepared, since a plan keeps the settings it was made with.
            .after_connect(move |conn, _| {
                let settings = settings.clone();
                Box::pin(async move {
                    for set in settings.iter() {
                        sqlx::Executor::execute(&mut *conn, sqlx::AssertSqlSafe(set.clone()))
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| fail("connect", e))?;
        // atttypmod of a vector(n) column is n; -1 when the column has no dimension.
        // The partial indexes `ctxlens migrate` makes are on SPEC §1's table; another table is
        // searched the same way only where an index of those names is on it.
        let column: Option<(i32, bool)> = sqlx::query_as(
            "SELECT atttypmod,
                    EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass($2) AND indrelid = attrelid)
                AND EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass($3) AND indrelid = attrelid)
               FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'embedding'",
        )
        .bind(&quoted.knowledge)
        .bind(super::seed::GENERAL_INDEX)
        .bind(super::seed::ZERO_INDEX)
        .fetch_optional(&pool)
        .await
        .map_err(|e| fail(&format!("reading {}.embedding", tables.knowledge), e))?;
        let dim = column
            .and_then(|(d, _)| usize::try_from(d).ok())
            .filter(|d| *d > 0);
        Ok(PgStore {
            pool,
            label: label.clone(),
            dim,
            milestone_indexes: column.is_some_and(|(_, indexed)| indexed),
            sql: Statements::new(&quoted),
        })
    }

    fn fail(&self, what: &str, e: sqlx::Error) -> StoreError {
        fault::pg_error(&self.label, what, &e)
    }

    /// Round-trip time of `SELECT 1`.
    pub async fn ping(&self) -> Result<Duration, StoreError> {
        let start = std::time::Instant::now();
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail("SELECT 1", e))?;
        Ok(start.elapsed())
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The user's `user_journeys` row and `memory_bank` rows: two statements, run together.
    pub async fn load(&self, user: &str) -> Result<PgUser, StoreError> {
        let mut rows = self.load_many(&[user.to_string()]).await?;
        Ok(rows.remove(user).unwrap_or_default())
    }

    /// Several users' `user_journeys` and `memory_bank` rows: two statements (`= ANY`), run
    /// together; by user id, users without rows left out.
    pub async fn load_many(&self, users: &[String]) -> Result<HashMap<String, PgUser>, StoreError> {
        let journey = query(&self.sql.journeys).bind(users).fetch_all(&self.pool);
        let memory = query(&self.sql.memory).bind(users).fetch_all(&self.pool);
        let (journey, memory) = tokio::join!(journey, memory);
        let mut out: HashMap<String, PgUser> = HashMap::new();
        for r in journey.map_err(|e| self.fail("user_journeys", e))? {
            let row = (|| Ok::<_, sqlx::Error>((r.try_get("user_id")?, journey_row(&r)?)))();
            let (id, j): (String, _) = row.map_err(|e| self.fail("user_journeys", e))?;
            out.entry(id).or_default().0 = Some(j);
        }
        for r in memory.map_err(|e| self.fail("memory_bank", e))? {
            let row = (|| Ok::<_, sqlx::Error>((r.try_get("user_id")?, memory_row(&r)?)))();
            let (id, m): (String, _) = row.map_err(|e| self.fail("memory_bank", e))?;
            out.entry(id).or_default().1.push(m);
        }
        Ok(out)
    }

    /// One page of `user_journeys` after `after`, by user id: (id, milestone, name).
    pub async fn users(
        &self,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let rows = query(&self.sql.users_page)
            .bind(after)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail("user_journeys", e))?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("user_id")?,
                    r.try_get("current_milestone")?,
                    r.try_get("display_name")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.fail("user_journeys", e))
    }

    /// Which of `ids` have a `user_journeys` row.
    pub async fn known(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(self.sql.known.clone()))
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail("user_journeys", e))
    }

    /// The knowledge search, in one statement: milestone filter, threshold window, limit, by cosine
    /// distance so an HNSW index serves it (filtered: the milestone's and the general rows' partial
    /// indexes, where `ctxlens migrate` made them; else the table-wide one). An untyped `vector` column cannot be indexed, and may
    /// hold vectors of other dimensions: then the distance is guarded and those rows reported.
    pub async fn search(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        let rows = self
            .search_query(q)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail("knowledge search", e))?;
        self.hits(q, &rows)
    }

    /// The same search as an exact scan (index scans off, in a transaction rolled back): what
    /// the HNSW index should find, for measuring its recall.
    pub async fn search_exact(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        let fail = |e| self.fail("exact knowledge search", e);
        let mut tx = self.pool.begin().await.map_err(fail)?;
        for set in [
            "SET LOCAL enable_indexscan = off",
            "SET LOCAL enable_bitmapscan = off",
        ] {
            sqlx::query(set).execute(&mut *tx).await.map_err(fail)?;
        }
        let rows = self
            .search_query(q)
            .fetch_all(&mut *tx)
            .await
            .map_err(fail)?;
        tx.rollback().await.map_err(fail)?;
        self.hits(q, &rows)
    }

    /// The plan Postgres picks for the search of `q` (`EXPLAIN`, one line per row): which index,
    /// if any, serves it under this connection's settings.
    pub async fn explain_search(&self, q: &KnowledgeQuery) -> Result<String, StoreError> {
        let sql = format!("EXPLAIN {}", self.search_sql(q));
        let fail = |e| self.fail("EXPLAIN knowledge search", e);
        let rows = bind_search(sqlx::query(sqlx::AssertSqlSafe(sql)), q)
            .fetch_all(&self.pool)
            .await
            .map_err(fail)?;
        let lines = rows
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        Ok(lines.join("\n"))
    }

    fn search_sql(&self, q: &KnowledgeQuery) -> &Sql {
        match (self.dim, &q.milestone_filter) {
            (None, _) => &self.sql.untyped_search,
            (Some(_), Some(_)) if self.milestone_indexes => &self.sql.typed_milestone_search,
            (Some(_), _) => &self.sql.typed_search,
        }
    }

    fn search_query<'q>(
        &self,
        q: &'q KnowledgeQuery,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        bind_search(query(self.search_sql(q)), q)
    }

    /// Search rows as hits, or as malformed rows when they cannot be scored.
    fn hits(
        &self,
        q: &KnowledgeQuery,
        rows: &[sqlx::postgres::PgRow],
    ) -> Result<KnowledgeHits, StoreError> {
        let mut out = KnowledgeHits::default();
        for r in rows {
            let id: i64 = r.try_get("id").map_err(|e| self.fail("knowledge", e))?;
            let similarity: Option<f64> = r
                .try_get("similarity")
                .map_err(|e| self.fail("knowledge", e))?;
            let dims: i32 = r.try_get("dims").map_err(|e| self.fail("knowledge", e))?;
            let source = format!("knowledge id={id}");
            let bad = |reason: String| Malformed {
                id: Some(format!("kn:{id}")),
                source: source.clone(),
                reason,
            };
            let sim = match similarity {
                None => {
                    let want = q.embedding.len();
                    out.malformed.push(bad(format!(
                        "embedding has {dims} dimensions, the query {want}"
                    )));
                    continue;
                }
                Some(s) if s.is_nan() => {
                    out.malformed
                        .push(bad("similarity is NaN (an all-zero embedding?)".into()));
                    continue;
                }
                Some(s) if !(-1.0..=1.0).contains(&s) => {
                    out.malformed
                        .push(bad(format!("similarity {s} is outside [-1, 1]")));
                    continue;
                }
                Some(s) => s,
            };
            // The similarity reported is computed here, from the stored vector, exactly as the
            // embedded store computes it: pgvector's SIMD sums may differ in the last bits.
            let stored: pgvector::Vector = r
                .try_get("embedding")
                .map_err(|e| self.fail("knowledge", e))?;
            let sim = if stored.as_slice().len() == q.embedding.len() {
                cosine(&q.embedding, stored.as_slice())
            } else {
                sim
            };
            let metadata: Value = r
                .try_get("metadata")
                .map_err(|e| self.fail("knowledge", e))?;
            out.hits.push(KnowledgeEntry {
                id: format!("kn:{id}"),
                milestone: r
                    .try_get("milestone")
                    .map_err(|e| self.fail("knowledge", e))?,
                title: r.try_get("title").map_err(|e| self.fail("knowledge", e))?,
                content: r
                    .try_get("content")
                    .map_err(|e| self.fail("knowledge", e))?,
                section: metadata
                    .get("section")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                similarity: sim,
                timestamp: Some(
                    r.try_get("created_at")
                        .map_err(|e| self.fail("knowledge", e))?,
                ),
            });
        }
        Ok(out)
    }
}

/// The search's parameters, the same for every statement: $1 the query vector, $2 the milestone
/// filter, $3 the threshold, $4 the limit, $5 the query's dimension.
fn bind_search<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    q: &KnowledgeQuery,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(pgvector::Vector::from(q.embedding.clone()))
        .bind(q.milestone_filter.clone())
        .bind(q.min_similarity)
        .bind(i64::try_from(q.limit).unwrap_or(i64::MAX))
        .bind(i32::try_from(q.embedding.len()).unwrap_or(i32::MAX))
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

/// `vector(n)` without a milestone filter, or with one where the partial indexes are missing:
/// every row has the query's dimension; ORDER BY the distance uses the table-wide HNSW index.
/// NaN distances (all-zero vectors) pass the filter (NaN sorts above every number) and are reported.
const TYPED_SEARCH: &str = "
SELECT id, milestone, title, content, metadata, created_at, embedding, $5::int AS dims,
       1 - (embedding <=> $1) AS similarity
  FROM {knowledge}
 WHERE ($2::text IS NULL OR milestone = $2 OR milestone IS NULL)
   AND 1 - (embedding <=> $1) >= $3
 ORDER BY embedding <=> $1
 LIMIT $4";

/// `vector(n)` with a milestone filter, where `ctxlens migrate` made the partial indexes: the
/// milestone's rows and the general rows are searched apart, each by distance alone and limited,
/// so that each branch walks its own partial HNSW index (`seed::partial_indexes`) with the filter
/// inside the graph instead of after it. HNSW indexes leave all-zero vectors out, so a third
/// branch finds those (NaN distance, reported as malformed) through their own small index, and
/// the first two skip them so that a sequential scan does not return them twice. The branches
/// are merged by distance, then id, as the embedded store breaks ties; NaN sorts last.
const TYPED_MILESTONE_SEARCH: &str = "
SELECT id, milestone, title, content, metadata, created_at, embedding, $5::int AS dims, similarity
  FROM ((SELECT id, milestone, title, content, metadata, created_at, embedding,
                embedding <=> $1 AS distance, 1 - (embedding <=> $1) AS similarity
           FROM {knowledge}
          WHERE milestone = $2::text
            AND 1 - (embedding <=> $1) >= $3
            AND (embedding <=> $1) <> 'NaN'
          ORDER BY embedding <=> $1
          LIMIT $4)
        UNION ALL
        (SELECT id, milestone, title, content, metadata, created_at, embedding,
                embedding <=> $1 AS distance, 1 - (embedding <=> $1) AS similarity
           FROM {knowledge}
          WHERE milestone IS NULL
            AND 1 - (embedding <=> $1) >= $3
            AND (embedding <=> $1) <> 'NaN'
          ORDER BY embedding <=> $1
          LIMIT $4)
        UNION ALL
        (SELECT id, milestone, title, content, metadata, created_at, embedding,
                embedding <=> $1 AS distance, 1 - (embedding <=> $1) AS similarity
           FROM {knowledge}
          WHERE vector_norm(embedding) = 0
            AND (milestone = $2::text OR milestone IS NULL)
          ORDER BY id
          LIMIT $4)) AS hits
 ORDER BY distance, id
 LIMIT $4";

/// Untyped `vector`: the distance only where the dimensions match (CASE fixes the order of
/// evaluation); rows of another dimension come back with a NULL similarity, at most five.
const UNTYPED_SEARCH: &str = "
WITH scored AS (
  SELECT id, milestone, title, content, metadata, created_at, embedding, vector_dims(embedding) AS dims,
         CASE WHEN vector_dims(embedding) = $5 THEN 1 - (embedding <=> $1) END AS similarity
    FROM {knowledge}
   WHERE ($2::text IS NULL OR milestone = $2 OR milestone IS NULL))
(SELECT * FROM scored WHERE similarity >= $3 OR similarity = 'NaN' ORDER BY similarity DESC, id LIMIT $4)
UNION ALL
(SELECT * FROM scored WHERE similarity IS NULL ORDER BY id LIMIT 5)";
