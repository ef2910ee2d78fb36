//! The knowledge search on Postgres: its statements (table-wide HNSW index, the partial indexes
//! of `ctxlens migrate`, an untyped column) and its rows as hits or malformed rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Row;

use super::pg_rows::{Repeats, bad_row, column, duplicate, timestamp};
use super::postgres::{PgStore, Within};
use super::vectors::{UNSCORABLE_SQL, norm, unscorable};
use super::{KnowledgeHits, KnowledgeQuery, StoreError};
use crate::engine::embed::cosine;
use crate::engine::snapshot::{KnowledgeEntry, Malformed, Note};

/// How long the rows pgvector cannot score, found by a scan where no index finds them, are
/// reused before the next scan.
pub const UNSCORABLE_TTL: Duration = Duration::from_secs(60);

/// At most this many unscorable rows are held (a search reports at most its limit of them).
const UNSCORABLE_HELD: i64 = 10_000;

impl PgStore {
    /// What a knowledge search is called in its errors: with the table it reads when that is
    /// not SPEC §1's (a column of another type there is that table's, not `knowledge`'s).
    fn search_label(&self) -> String {
        match self.tables().knowledge.as_str() {
            "\"knowledge\"" => "knowledge search".into(),
            other => format!("knowledge search of table {other}"),
        }
    }

    /// The statement for `q`; with `many`, its form for many query vectors (a typed column's).
    fn search_sql(&self, q: &KnowledgeQuery, many: bool) -> Arc<str> {
        let s = &self.sql;
        match (self.dim, &q.milestone_filter, many) {
            (None, _, _) => s.untyped_search.clone(),
            (Some(_), Some(_), false) if self.general_index => s.typed_milestone_search.clone(),
            (Some(_), Some(_), true) if self.general_index => s.typed_milestone_search_many.clone(),
            (Some(_), _, false) => s.typed_search.clone(),
            (Some(_), _, true) => s.typed_search_many.clone(),
        }
    }

    /// Whether unscorable rows are found by a scan of their own: a typed column without
    /// `ctxlens migrate`'s index of them (the untyped search reads every row anyway).
    fn scans_for_unscorable(&self) -> bool {
        self.dim.is_some() && (!self.unscorable_index || self.embedding_nullable)
    }

    /// The knowledge search, in one statement: milestone filter, threshold window, limit, by cosine
    /// distance so an HNSW index serves it (filtered: the milestone's and the general rows' partial
    /// indexes, where `ctxlens migrate` made them; else the table-wide one). An untyped `vector`
    /// column cannot be indexed, and may hold vectors of other dimensions: then the distance is
    /// guarded and those rows reported. Rows whose embedding pgvector cannot score are reported on
    /// every path, never ranked. A query vector that cannot be scored finds nothing.
    ///
    /// A search as of an earlier instant (`created_by`) is an exact scan ([`PgStore::search_exact`]):
    /// an HNSW walk returns `hnsw.ef_search` candidates before the filter applies, so when many
    /// rows are newer than the instant it would miss older ones that rank within the limit.
    pub async fn search(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        if unscorable(norm(&q.embedding)).is_some() {
            return Ok(KnowledgeHits::default());
        }
        if q.created_by.is_some() {
            return self.search_exact(q).await;
        }
        let rows = self
            .search_query(q)
            .fetch_all(self.pool())
            .within(self, &self.search_label())
            .await?;
        let extra = self.unscorable_rows(q).await?;
        Ok(self.hits(q, &rows, extra))
    }

    /// [`PgStore::search`] for many queries, answers in their order: queries alike but for
    /// their vector (milestone filter, threshold, limit) are answered by one statement
    /// (`pg_schema::typed_search` and the like, `many`), with the same rows, in the same order, as one search
    /// each. An untyped column, a query of another dimension, or one as of an earlier instant
    /// (an exact scan) is searched alone.
    pub async fn search_many(
        &self,
        qs: &[KnowledgeQuery],
    ) -> Vec<Result<KnowledgeHits, StoreError>> {
        type Key<'a> = (Option<&'a str>, u64, usize);
        let mut groups: Vec<(Key, Vec<usize>)> = Vec::new();
        let mut alone = Vec::new();
        for (i, q) in qs.iter().enumerate() {
            if self.dim != Some(q.embedding.len())
                || unscorable(norm(&q.embedding)).is_some()
                || q.created_by.is_some()
            {
                alone.push(i);
                continue;
            }
            let key = (
                q.milestone_filter.as_deref(),
                q.min_similarity.to_bits(),
                q.limit,
            );
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(i),
                None => groups.push((key, vec![i])),
            }
        }
        let mut out: Vec<Option<Result<KnowledgeHits, StoreError>>> = vec![None; qs.len()];
        // Once a statement finds the store out of reach, the rest are not asked: each would
        // wait its whole deadline for the same answer (ten groups, ten deadlines).
        let mut gone: Option<StoreError> = None;
        for (_, members) in groups {
            if members.len() == 1 {
                alone.extend(members);
                continue;
            }
            if let Some(e) = &gone {
                for i in members {
                    out[i] = Some(Err(e.clone()));
                }
                continue;
            }
            let group: Vec<&KnowledgeQuery> = members.iter().map(|&i| &qs[i]).collect();
            for (i, answer) in members.iter().zip(self.search_group(&group).await) {
                if let Err(e) = &answer
                    && e.is_outage()
                {
                    gone.get_or_insert_with(|| e.clone());
                }
                out[*i] = Some(answer);
            }
        }
        match gone {
            Some(e) => {
                for i in alone {
                    out[i] = Some(Err(e.clone()));
                }
            }
            None => {
                let singles =
                    futures_util::future::join_all(alone.iter().map(|&i| self.search(&qs[i])));
                for (i, answer) in alone.iter().zip(singles.await) {
                    out[*i] = Some(answer);
                }
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| Ok(KnowledgeHits::default())))
            .collect()
    }

    /// One statement for queries alike but for their vectors (of the column's dimension).
    async fn search_group(
        &self,
        group: &[&KnowledgeQuery],
    ) -> Vec<Result<KnowledgeHits, StoreError>> {
        let Some(first) = group.first() else {
            return vec![];
        };
        let sql = self.search_sql(first, true);
        let vectors: Vec<pgvector::Vector> = group
            .iter()
            .map(|q| pgvector::Vector::from(q.embedding.clone()))
            .collect();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(vectors)
            .bind(first.milestone_filter.clone())
            .bind(first.min_similarity)
            .bind(i64::try_from(first.limit).unwrap_or(i64::MAX))
            .bind(i32::try_from(first.embedding.len()).unwrap_or(i32::MAX))
            .bind(first.created_by.map(pg_instant))
            .fetch_all(self.pool())
            .within(self, &self.search_label())
            .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => return group.iter().map(|_| Err(e.clone())).collect(),
        };
        // Rows come ordered by `ord`, 1 for the first vector.
        let mut per: Vec<Vec<sqlx::postgres::PgRow>> = group.iter().map(|_| Vec::new()).collect();
        for r in rows {
            let ord = column::<i64>(&r, "ord")
                .ok()
                .and_then(|o| usize::try_from(o).ok());
            if let Some(mine) = ord.and_then(|o| per.get_mut(o.wrapping_sub(1))) {
                mine.push(r);
            }
        }
        let mut out = Vec::with_capacity(group.len());
        let mut gone: Option<StoreError> = None;
        for (q, rows) in group.iter().zip(per) {
            if let Some(e) = &gone {
                out.push(Err(e.clone()));
                continue;
            }
            out.push(match self.unscorable_rows(q).await {
                Ok(extra) => Ok(self.hits(q, &rows, extra)),
                Err(e) => {
                    if e.is_outage() {
                        gone = Some(e.clone());
                    }
                    Err(e)
                }
            });
        }
        out
    }

    /// The same search as an exact scan (index scans off, in a transaction rolled back): what
    /// the HNSW index should find, for measuring its recall.
    pub async fn search_exact(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        if unscorable(norm(&q.embedding)).is_some() {
            return Ok(KnowledgeHits::default());
        }
        let exact = async {
            let mut tx = self.pool().begin().await?;
            for set in [
                "SET LOCAL enable_indexscan = off",
                "SET LOCAL enable_bitmapscan = off",
            ] {
                sqlx::query(set).execute(&mut *tx).await?;
            }
            let rows = self.search_query(q).fetch_all(&mut *tx).await?;
            tx.rollback().await?;
            Ok(rows)
        };
        let rows = exact.within(self, "exact knowledge search").await?;
        let extra = self.unscorable_rows(q).await?;
        let mut hits = self.hits(q, &rows, extra);
        hits.notes.extend(self.undated_rows(q).await?);
        Ok(hits)
    }

    /// The rows a search as of an instant leaves out because their `created_at` cannot be
    /// placed in time (NULL, `infinity`, `-infinity`), of the milestones the search looks at:
    /// named in a note, never left out without a word.
    async fn undated_rows(&self, q: &KnowledgeQuery) -> Result<Option<Note>, StoreError> {
        const SHOWN: i64 = 5;
        let sql = format!(
            "SELECT id, count(*) OVER () AS n FROM {}
              WHERE ($1::text IS NULL OR milestone = $1 OR milestone IS NULL)
                AND (created_at IS NULL OR NOT isfinite(created_at))
              ORDER BY id LIMIT {SHOWN}",
            self.sql.knowledge
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(q.milestone_filter.clone())
            .fetch_all(self.pool())
            .within(self, "undated knowledge rows")
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let total: i64 = first.try_get("n").unwrap_or_default();
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<i64, _>("id").ok())
            .map(|id| format!("kn:{id}"))
            .collect();
        let more = match total - ids.len() as i64 {
            n if n > 0 => format!(" and {n} more"),
            _ => String::new(),
        };
        Ok(Some(Note {
            kind: crate::engine::snapshot::NoteKind::Undated,
            source: "knowledge".into(),
            message: format!(
                "{}{more} without a readable created_at cannot be placed in time: left out of \
                 the search at T",
                ids.join(", ")
            ),
        }))
    }

    /// The plan Postgres picks for the search of `q` (`EXPLAIN`, one line per row): which index,
    /// if any, serves it under this connection's settings.
    pub async fn explain_search(&self, q: &KnowledgeQuery) -> Result<String, StoreError> {
        let sql = format!("EXPLAIN {}", self.search_sql(q, false));
        let rows = bind_search(sqlx::query(sqlx::AssertSqlSafe(sql)), q)
            .fetch_all(self.pool())
            .within(self, "EXPLAIN knowledge search")
            .await?;
        let lines = rows
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail("EXPLAIN knowledge search", e))?;
        Ok(lines.join("\n"))
    }

    fn search_query<'q>(
        &self,
        q: &'q KnowledgeQuery,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        bind_search(
            sqlx::query(sqlx::AssertSqlSafe(self.search_sql(q, false))),
            q,
        )
    }

    /// The unscorable rows the statement does not return itself (a typed column without
    /// `ctxlens migrate`'s index of them), as malformed rows matching `q`'s filter, by id.
    async fn unscorable_rows(&self, q: &KnowledgeQuery) -> Result<Vec<Malformed>, StoreError> {
        if !self.scans_for_unscorable() {
            return Ok(vec![]);
        }
        let rows = {
            let mut held = self.unscorable.lock().await;
            match &*held {
                Some((at, rows)) if at.elapsed() < UNSCORABLE_TTL => rows.clone(),
                _ => {
                    let rows = Arc::new(self.scan_unscorable().await?);
                    *held = Some((Instant::now(), rows.clone()));
                    rows
                }
            }
        };
        let by = q.created_by.map(|t| t.timestamp_micros() as f64 / 1e6);
        Ok(rows
            .iter()
            .filter(|(_, m, ..)| match (&q.milestone_filter, m) {
                (Some(want), Some(m)) => want == m,
                _ => true,
            })
            // `-infinity` cannot be placed in time: left out as of an instant.
            .filter(|(.., created)| {
                by.is_none_or(|by| created.is_some_and(|c| c.is_finite() && c <= by))
            })
            .take(q.limit)
            .filter_map(|(id, _, n, _)| {
                let why = n.map_or_else(|| Some("embedding is NULL".into()), unscorable);
                why.map(|r| bad_row("knowledge", "kn", *id, r))
            })
            .collect())
    }

    /// One scan of the table for rows pgvector cannot score, and those of a NULL embedding
    /// (where the column allows one) that no search returns; those the search's own statement
    /// returns (through `ctxlens migrate`'s index) are left to it.
    async fn scan_unscorable(
        &self,
    ) -> Result<Vec<(i64, Option<String>, Option<f64>, Option<f64>)>, StoreError> {
        let which = match (self.unscorable_index, self.embedding_nullable) {
            (false, false) => UNSCORABLE_SQL.to_string(),
            (false, true) => format!("({UNSCORABLE_SQL} OR embedding IS NULL)"),
            (true, _) => "embedding IS NULL".to_string(),
        };
        // Creation as epoch seconds: a float holds `infinity`, which a timestamp decode cannot.
        let sql = format!(
            "SELECT id, milestone, vector_norm(embedding) AS norm, \
             extract(epoch FROM created_at)::float8 AS created FROM {} WHERE {which} \
             AND id IS NOT NULL ORDER BY id LIMIT {UNSCORABLE_HELD}",
            self.sql.knowledge
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .within(self, "knowledge rows pgvector cannot score")
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let id = column::<i64>(r, "id").ok()?;
                let norm = column::<Option<f64>>(r, "norm").ok()?;
                let created = column(r, "created").ok().flatten();
                Some((id, column(r, "milestone").ok().flatten(), norm, created))
            })
            .collect())
    }

    /// Search rows as hits, or as malformed rows when they cannot be scored or decoded; `extra`
    /// are unscorable rows found apart. An id repeated in the answer is read once, with a note.
    fn hits(
        &self,
        q: &KnowledgeQuery,
        rows: &[sqlx::postgres::PgRow],
        extra: Vec<Malformed>,
    ) -> KnowledgeHits {
        let mut out = KnowledgeHits::default();
        let mut repeats = Repeats::default();
        for r in rows {
            let id = match super::pg_rows::id(r, "knowledge") {
                Ok(id) => id,
                Err(m) => {
                    out.malformed.push(m);
                    continue;
                }
            };
            if !repeats.first(&id) {
                continue;
            }
            match hit(q, r, id, &mut out.notes) {
                Ok(h) => out.hits.push(h),
                Err(m) => out.malformed.push(m),
            }
        }
        out.malformed.extend(extra);
        for (id, n) in repeats.repeated() {
            out.notes
                .push(duplicate(format!("knowledge id={id}"), n, "id"));
        }
        out
    }
}

/// One search row as a hit, or why it is none.
fn hit(
    q: &KnowledgeQuery,
    r: &sqlx::postgres::PgRow,
    id: i64,
    notes: &mut Vec<Note>,
) -> Result<KnowledgeEntry, Malformed> {
    let bad = |reason: String| bad_row("knowledge", "kn", id, reason);
    let norm: Option<f64> = column(r, "norm").map_err(bad)?;
    let Some(norm) = norm else {
        return Err(bad("embedding is NULL".into()));
    };
    if let Some(reason) = unscorable(norm) {
        return Err(bad(reason));
    }
    let similarity: Option<f64> = column(r, "similarity").map_err(bad)?;
    let sim = match similarity {
        None => {
            let dims: Option<i32> = column(r, "dims").map_err(bad)?;
            let dims = match dims {
                None => "no dimensions".to_string(),
                Some(d) => {
                    crate::text::count(u64::try_from(d).unwrap_or(0), "dimension", "dimensions")
                }
            };
            let want = q.embedding.len();
            return Err(bad(format!("embedding has {dims}, the query {want}")));
        }
        Some(s) if s.is_nan() => return Err(bad("similarity is NaN".into())),
        Some(s) if !(-1.0..=1.0).contains(&s) => {
            return Err(bad(format!("similarity {s} is outside [-1, 1]")));
        }
        Some(s) => s,
    };
    // The similarity reported is computed here, from the stored vector, exactly as the
    // embedded store computes it: pgvector's SIMD sums may differ in the last bits.
    let stored: pgvector::Vector = column(r, "embedding").map_err(bad)?;
    let similarity = if stored.as_slice().len() == q.embedding.len() {
        cosine(&q.embedding, stored.as_slice())
    } else {
        sim
    };
    let section: Option<Value> = column(r, "section").map_err(bad)?;
    let mut mine = Vec::new();
    let entry = KnowledgeEntry {
        id: format!("kn:{id}"),
        milestone: column(r, "milestone").map_err(bad)?,
        title: column(r, "title").map_err(bad)?,
        content: column(r, "content").map_err(bad)?,
        section: section.as_ref().and_then(Value::as_str).map(str::to_string),
        similarity,
        timestamp: timestamp(r, "created_at", &format!("knowledge id={id}"), &mut mine)
            .map_err(bad)?,
    };
    notes.extend(mine);
    Ok(entry)
}

impl PgStore {
    /// Knowledge rows whose title contains `text` (ignoring case), by id.
    pub async fn find_knowledge(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let sql = format!(
            "SELECT id, title FROM {} WHERE strpos(lower(title), lower($1)) > 0 ORDER BY id LIMIT $2",
            self.sql.knowledge
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(text)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .within(self, "knowledge title search")
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((column::<i64>(r, "id").ok()?, column(r, "title").ok()?)))
            .collect())
    }

    /// Row `id` scored against `embedding` alone: one exact cosine (`WHERE id = $2`, no index),
    /// guarded as the untyped search is (another dimension or an unscorable norm is reported).
    pub async fn knowledge_row(
        &self,
        id: i64,
        embedding: &[f32],
    ) -> Result<Option<Result<KnowledgeEntry, Malformed>>, StoreError> {
        let q = KnowledgeQuery {
            embedding: embedding.to_vec(),
            milestone_filter: None,
            min_similarity: -1.0,
            limit: 1,
            created_by: None,
        };
        if let Some(reason) = unscorable(norm(embedding)) {
            return Ok(Some(Err(super::pg_rows::bad_row(
                "knowledge",
                "kn",
                id,
                format!("the query vector: {reason}"),
            ))));
        }
        let sql = super::pg_schema::row_score(&self.sql.knowledge);
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pgvector::Vector::from(q.embedding.clone()))
            .bind(i32::try_from(q.embedding.len()).unwrap_or(i32::MAX))
            .bind(id)
            .fetch_optional(self.pool())
            .within(self, "knowledge row score")
            .await?;
        Ok(row.map(|r| hit(&q, &r, id, &mut Vec::new())))
    }
}

/// The search's parameters, the same for every statement: $1 the query vector, $2 the milestone
/// filter, $3 the threshold, $4 the limit, $5 the query's dimension, $6 the `--at` instant.
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
        .bind(q.created_by.map(pg_instant))
}

/// An instant Postgres can hold: one before its first (4713 BC) is that first — no row was
/// created before it either way (`--at` may go back as far as the calendar does).
fn pg_instant(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let first = chrono::NaiveDate::from_ymd_opt(-4712, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    first.map_or(t, |first| t.max(first))
}
