//! The only writers: the schema migration ([`super::migrate`]) and loading a dataset into
//! Redis and Postgres.

use chrono::{DateTime, Utc};

use super::dataset::{Dataset, DemoUser, KnowledgeRow, RedisValue};
pub use super::migrate::{Migrated, SeedError, create_partial_indexes, migrate, migrate_for};
pub use super::pg_schema::{PartialIndex, general_index, partial_indexes};
use super::postgres::PgStore;
use super::redis::RedisStore;
use crate::engine::embed::embed;

fn ts(s: &str) -> Result<DateTime<Utc>, SeedError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| SeedError(format!("dataset timestamp {s:?}: {e}")))
}

/// The tables a seed writes (quoted, as configured).
fn seed_tables(pg: &PgStore) -> [String; 3] {
    let t = pg.tables();
    [
        t.user_journeys.clone(),
        t.memory_bank.clone(),
        t.knowledge.clone(),
    ]
}

/// Refuses, before anything is written, a Postgres that would not take the whole seed: not
/// migrated, read-only (a standby, or transactions read-only for this role), missing a privilege
/// the seed uses (INSERT and TRUNCATE on the tables, UPDATE on their id sequences), or not empty
/// without `force`. One short message names the store.
pub async fn check_postgres(pg: &PgStore, force: bool) -> Result<(), SeedError> {
    let refuse = |why: String| SeedError(format!("{}: {why}: seed wrote nothing", pg.label));
    let fail = |what: &str, e: sqlx::Error| {
        SeedError(super::fault::pg_error(&pg.label, what, &e).to_string())
    };
    if pg.dim.is_none() {
        return Err(refuse(format!(
            "{}.embedding is not a pgvector column (missing, or of another type): run ctxlens \
             migrate, which makes it or names what the table lacks",
            pg.tables().knowledge
        )));
    }
    // In a transaction, so that the role's default_transaction_read_only shows as the seed's
    // transaction will see it.
    let mut tx = pg.pool().begin().await.map_err(|e| fail("begin", e))?;
    let (read_only, standby): (bool, bool) = sqlx::query_as(
        "SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery()",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail("checking write access", e))?;
    if standby {
        return Err(refuse(
            "refuses writes: the server is a standby (in recovery)".into(),
        ));
    }
    if read_only {
        return Err(refuse(
            "refuses writes: transactions are read-only for this role (default_transaction_read_only)"
                .into(),
        ));
    }
    let rows: Vec<(String, bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT t, to_regclass(t) IS NOT NULL,
                COALESCE(has_table_privilege(to_regclass(t)::oid, 'INSERT'), false),
                COALESCE(has_table_privilege(to_regclass(t)::oid, 'TRUNCATE'), false),
                CASE WHEN NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass(t)
                                         AND attname = 'id' AND NOT attisdropped) THEN true
                     ELSE COALESCE(has_sequence_privilege(pg_get_serial_sequence(t, 'id'), 'UPDATE'), true) END
           FROM unnest($1::text[]) AS t",
    )
    .bind(seed_tables(pg))
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| fail("checking privileges", e))?;
    for (table, present, insert, truncate, sequence) in rows {
        let missing = match (present, insert, truncate, sequence) {
            (false, ..) => {
                return Err(refuse(format!(
                    "no table {table}: run ctxlens migrate first"
                )));
            }
            (_, false, ..) => "INSERT",
            (_, _, false, _) => "TRUNCATE",
            (.., false) => "UPDATE on its id sequence",
            _ => continue,
        };
        return Err(refuse(format!(
            "refuses writes: no {missing} privilege on {table}"
        )));
    }
    let rows = count_rows(pg, &mut tx)
        .await
        .map_err(|e| fail("counting rows", e))?;
    if rows > 0 && !force {
        return Err(SeedError(format!(
            "{}: not empty ({rows} rows): seed refuses without --force",
            pg.label
        )));
    }
    tx.rollback().await.map_err(|e| fail("rollback", e))
}

async fn count_rows(pg: &PgStore, tx: &mut sqlx::PgConnection) -> Result<i64, sqlx::Error> {
    let [uj, mb, kn] = seed_tables(pg);
    let sql = format!(
        "SELECT (SELECT count(*) FROM {uj}) + (SELECT count(*) FROM {mb}) + (SELECT count(*) FROM {kn})"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(tx)
        .await
}

/// Refuses, before anything is written, a Redis that would not take the seed: a probe key under
/// the prefix is set (with a 10 s expiry) and deleted, which a read-only ACL user, a replica or
/// a full server refuses; and a non-empty keyspace without `force`.
pub async fn check_redis(r: &RedisStore, force: bool) -> Result<(), SeedError> {
    if !force && r.has_keys().await? {
        return Err(SeedError(format!(
            "{}: not empty: seed refuses without --force",
            r.label
        )));
    }
    let probe = format!("{}ctxlens:seed-probe:{}", r.prefix, std::process::id());
    let refused = |e: super::StoreError| match e {
        super::StoreError::Backend { store, cause, .. } => SeedError(format!(
            "{store}: refuses writes ({cause}): seed wrote nothing"
        )),
        other => SeedError(format!("{other}: seed wrote nothing")),
    };
    let set = redis::cmd("SET")
        .arg(&probe)
        .arg(1)
        .arg("PX")
        .arg(10_000)
        .clone();
    r.write(vec![set]).await.map_err(refused)?;
    r.write(vec![redis::cmd("DEL").arg(&probe).clone()])
        .await
        .map_err(refused)
}

/// Seeds Postgres in one transaction, committed.
pub async fn seed_postgres(pg: &PgStore, data: &Dataset, force: bool) -> Result<(), SeedError> {
    let mut staged = stage_postgres(pg, &data.knowledge, force).await?;
    staged.add(&data.users).await?;
    staged.seal().await?;
    staged.commit().await
}

/// Postgres's part of a seed, in a transaction not yet committed: the caller commits once the
/// other store has its part too, and a dropped one rolls back.
pub struct PgSeed<'a> {
    pg: &'a PgStore,
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
}

/// Empties the tables (`force`, else refuses rows already there) and writes `knowledge`, in a
/// transaction left open for the users ([`PgSeed::add`]).
pub async fn stage_postgres<'a>(
    pg: &'a PgStore,
    knowledge: &[KnowledgeRow],
    force: bool,
) -> Result<PgSeed<'a>, SeedError> {
    let fail = pg_fail(&pg.label);
    let dim = pg.dim.ok_or_else(|| {
        SeedError(format!(
            "{}: {}.embedding is not a pgvector column (missing, or of another type): run \
             ctxlens migrate, which makes it or names what the table lacks",
            pg.label,
            pg.tables().knowledge
        ))
    })?;
    let mut tx = pg.pool().begin().await.map_err(|e| fail("begin", e))?;
    let rows = count_rows(pg, &mut tx)
        .await
        .map_err(|e| fail("counting rows (run ctxlens migrate first?)", e))?;
    let [uj, mb, kn] = seed_tables(pg);
    if rows > 0 && !force {
        return Err(SeedError(format!(
            "{}: not empty ({rows} rows): seed refuses without --force",
            pg.label
        )));
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "TRUNCATE {uj}, {mb}, {kn} RESTART IDENTITY"
    )))
    .execute(&mut *tx)
    .await
    .map_err(|e| fail("truncate", e))?;
    insert_knowledge(&mut tx, &kn, knowledge, dim, &pg.label).await?;
    Ok(PgSeed { pg, tx })
}

impl PgSeed<'_> {
    /// Writes `users`' journeys and memory-bank rows.
    pub async fn add(&mut self, users: &[DemoUser]) -> Result<(), SeedError> {
        let [uj, mb, _] = seed_tables(self.pg);
        insert_users(&mut self.tx, [&uj, &mb], users, &self.pg.label).await
    }

    /// Moves the id sequences past the rows written: the last step before the commit.
    pub async fn seal(&mut self) -> Result<(), SeedError> {
        let fail = pg_fail(&self.pg.label);
        let [_, mb, kn] = seed_tables(self.pg);
        for table in [&mb, &kn] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT max(id) FROM {table}), 1))"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(table)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| fail(table, e))?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), SeedError> {
        self.tx.commit().await.map_err(|e| {
            SeedError(super::fault::pg_error(&self.pg.label, "commit", &e).to_string())
        })
    }

    /// Undoes the transaction; whether the store confirmed it.
    pub async fn rollback(self) -> bool {
        self.tx.rollback().await.is_ok()
    }
}

/// An error of one step of the seed, named as the store names its errors.
fn pg_fail(label: &str) -> impl Fn(&str, sqlx::Error) -> SeedError + '_ {
    move |what, e| SeedError(super::fault::pg_error(label, what, &e).to_string())
}

/// The knowledge rows, each with its builtin embedding.
async fn insert_knowledge(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    kn: &str,
    knowledge: &[KnowledgeRow],
    dim: usize,
    label: &str,
) -> Result<(), SeedError> {
    let fail = pg_fail(label);
    for k in knowledge {
        let v = pgvector::Vector::from(embed(
            crate::store::memory::knowledge_embedding_text(k),
            dim.max(1),
        ));
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {kn} (id, milestone, title, content, metadata, embedding, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")))
            .bind(k.id)
            .bind(&k.milestone)
            .bind(&k.title)
            .bind(&k.content)
            .bind(&k.metadata)
            .bind(v)
            .bind(ts(&k.created_at)?)
            .execute(&mut **tx)
            .await
            .map_err(|e| fail("knowledge", e))?;
    }
    Ok(())
}

/// The journeys and memory-bank rows, one insert per table.
async fn insert_users(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    [uj, mb]: [&str; 2],
    users: &[DemoUser],
    label: &str,
) -> Result<(), SeedError> {
    let fail = pg_fail(label);
    let (mut ids, mut ms, mut names, mut ups) = (vec![], vec![], vec![], vec![]);
    let (mut mb_id, mut mb_user, mut mb_type, mut mb_m, mut mb_data, mut mb_at) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for u in users {
        if let Some(j) = &u.journey {
            ids.push(u.user_id.clone());
            ms.push(j.current_milestone.clone());
            names.push(j.display_name.clone());
            ups.push(ts(&j.updated_at)?);
        }
        for row in &u.memory_bank {
            mb_id.push(row.id);
            mb_user.push(u.user_id.clone());
            mb_type.push(row.context_type.clone());
            mb_m.push(row.milestone.clone());
            mb_data.push(row.data.clone());
            mb_at.push(ts(&row.created_at)?);
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {uj} (user_id, current_milestone, display_name, updated_at) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::timestamptz[])")))
        .bind(&ids)
        .bind(&ms)
        .bind(&names)
        .bind(&ups)
        .execute(&mut **tx)
        .await
        .map_err(|e| fail("user_journeys", e))?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {mb} (id, user_id, context_type, milestone, data, created_at)
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])"
    )))
    .bind(&mb_id)
    .bind(&mb_user)
    .bind(&mb_type)
    .bind(&mb_m)
    .bind(&mb_data)
    .bind(&mb_at)
    .execute(&mut **tx)
    .await
    .map_err(|e| fail("memory_bank", e))?;
    Ok(())
}

/// Seeds Redis: see [`RedisSeed`].
pub async fn seed_redis(
    r: &RedisStore,
    data: &Dataset,
    no_ttl: bool,
    force: bool,
) -> Result<usize, SeedError> {
    let mut staged = RedisSeed::begin(r, no_ttl, force).await?;
    staged.add(&data.users).await?;
    staged.exec().await
}

/// Redis's part of a seed: one `MULTI … EXEC` on a connection of its own, so nothing is seen
/// (and no key of the last seed is gone) until [`RedisSeed::exec`]; a seed stopped before it,
/// its connection closed, is discarded by the server whole. A cluster takes no transaction
/// across its slots: there each write is made as it is added.
pub struct RedisSeed<'a> {
    r: &'a RedisStore,
    /// The transaction's connection; `None` on a cluster.
    conn: Option<redis::aio::MultiplexedConnection>,
    no_ttl: bool,
    /// Keys written so far.
    keys: usize,
}

/// Commands sent to the server at once.
const SEED_BATCH: usize = 1_000;

impl<'a> RedisSeed<'a> {
    /// Refuses a keyspace with keys under the prefix unless `force`; with it, the session and
    /// context keys of the prefix (and only of it: the prefix is matched literally) are
    /// unlinked in the transaction.
    pub async fn begin(r: &'a RedisStore, no_ttl: bool, force: bool) -> Result<Self, SeedError> {
        if r.has_keys().await? && !force {
            return Err(SeedError(format!(
                "{}: not empty: seed refuses without --force",
                r.label
            )));
        }
        let mut old = Vec::new();
        if force {
            for pattern in [
                super::keys::session_pattern(&r.prefix),
                super::keys::context_pattern(&r.prefix),
            ] {
                old.extend(r.key_names(&pattern).await?);
            }
        }
        let conn = match r.cluster {
            Some(_) => None,
            None => Some(r.transaction().await?),
        };
        let mut staged = RedisSeed {
            r,
            conn,
            no_ttl,
            keys: 0,
        };
        for chunk in old.chunks(SEED_BATCH) {
            let unlink = chunk
                .iter()
                .map(|k| redis::cmd("UNLINK").arg(k).clone())
                .collect();
            staged.send(unlink).await?;
        }
        Ok(staged)
    }

    async fn send(&mut self, cmds: Vec<redis::Cmd>) -> Result<(), SeedError> {
        match &mut self.conn {
            Some(conn) => self.r.queue(conn, cmds).await?,
            None => self.r.write(cmds).await?,
        }
        Ok(())
    }

    /// Writes (queues, on a single server) `users`' session and cached-context keys.
    pub async fn add(&mut self, users: &[DemoUser]) -> Result<(), SeedError> {
        let p = self.r.prefix.clone();
        let no_ttl = self.no_ttl;
        let ttl = |t: Option<u64>| if no_ttl { None } else { t };
        let mut cmds = Vec::new();
        for u in users {
            for s in &u.sessions {
                let key = super::keys::session_key(&p, &u.user_id, &s.session_id);
                cmds.push(match &s.value {
                    RedisValue::String(v) => redis::cmd("SET").arg(&key).arg(v).clone(),
                    RedisValue::List(items) => redis::cmd("RPUSH").arg(&key).arg(items).clone(),
                });
                if let Some(t) = ttl(s.ttl) {
                    cmds.push(redis::cmd("EXPIRE").arg(&key).arg(t).clone());
                }
                self.keys += 1;
            }
            for c in &u.cached_contexts {
                let key = super::keys::context_key(&p, &u.user_id, &c.milestone);
                cmds.push(redis::cmd("SET").arg(&key).arg(&c.value).clone());
                if let Some(t) = ttl(c.ttl) {
                    cmds.push(redis::cmd("EXPIRE").arg(&key).arg(t).clone());
                }
                self.keys += 1;
            }
            if cmds.len() >= SEED_BATCH {
                self.send(std::mem::take(&mut cmds)).await?;
            }
        }
        self.send(cmds).await
    }

    /// Makes every write of the seed at once; how many keys it wrote.
    pub async fn exec(self) -> Result<usize, SeedError> {
        if let Some(mut conn) = self.conn {
            self.r.commit(&mut conn).await?;
        }
        Ok(self.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::milestones::MilestoneMap;
    use crate::store::pg_schema::{MAX_PLAIN_ID, unscorable_index};

    #[test]
    fn plain_ids_name_their_index_as_they_are() {
        assert_eq!(
            PartialIndex::new(Some("M3")).name,
            "knowledge_embedding_m_M3"
        );
        assert_eq!(PartialIndex::new(None).name, "knowledge_embedding_general");
        let longest = "x".repeat(MAX_PLAIN_ID);
        assert_eq!(PartialIndex::new(Some(&longest)).name.len(), 63);
    }

    #[test]
    fn other_ids_get_a_hash_and_never_share_a_name() {
        let ids = [
            "launch day",
            "launch-day",
            "launch_day",
            "",
            "étape 1",
            "it's",
            &"y".repeat(MAX_PLAIN_ID + 1),
            &"y".repeat(MAX_PLAIN_ID + 2),
        ];
        let names: Vec<String> = ids
            .iter()
            .map(|id| PartialIndex::new(Some(id)).name)
            .collect();
        for (id, name) in ids.iter().zip(&names) {
            assert!(name.len() <= 63, "{id:?}: {name} is over 63 bytes");
            assert!(
                name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "{name}"
            );
        }
        assert_eq!(names[2], "knowledge_embedding_m_launch_day");
        assert!(
            names[0].starts_with("knowledge_embedding_h_launch_day_"),
            "{}",
            names[0]
        );
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:?}");
    }

    #[test]
    fn literals_are_quoted_as_postgres_quotes_them() {
        let sql = PartialIndex::new(Some("it's")).create_sql();
        assert!(sql.ends_with(" WHERE milestone = 'it''s'"), "{sql}");
        let sql = PartialIndex::new(Some(r"a\'b")).create_sql();
        assert!(sql.ends_with(r" WHERE milestone = E'a\\''b'"), "{sql}");
        let sql = PartialIndex::new(None).create_sql();
        assert_eq!(
            sql,
            "CREATE INDEX IF NOT EXISTS \"knowledge_embedding_general\" ON \"knowledge\" USING hnsw (embedding vector_cosine_ops) WHERE milestone IS NULL"
        );
    }

    #[test]
    fn the_seed_map_gives_one_index_per_milestone_and_the_general_one() {
        let spec = crate::store::tables::Tables::default()
            .quoted()
            .expect("quoted");
        let names: Vec<String> = partial_indexes(&spec, &MilestoneMap::default())
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names.len(), 11);
        assert_eq!(names[0], "knowledge_embedding_m_M0");
        assert_eq!(names[10], "knowledge_embedding_general");
    }

    /// A knowledge table's name of any legal length (up to 63 bytes) gives every milestone's
    /// index a name of its own within 63 bytes: Postgres would cut a longer one, and names
    /// cut alike would be one index (`IF NOT EXISTS` then skips the others). Names that fit
    /// before are as they were.
    #[test]
    fn a_long_table_name_keeps_every_index_name_distinct_and_within_63_bytes() {
        for len in [9, 33, 44, 45, 48, 49, 52, 55, 63] {
            let tables = crate::store::tables::Tables {
                knowledge: "k".repeat(len),
                ..crate::store::tables::Tables::default()
            };
            let quoted = tables.quoted().expect("quoted");
            let map = MilestoneMap::default();
            let mut names: Vec<String> = partial_indexes(&quoted, &map)
                .into_iter()
                .map(|i| i.name)
                .collect();
            names.push(unscorable_index(&quoted));
            for name in &names {
                assert!(name.len() <= 63, "{len}: {name} is {} bytes", name.len());
            }
            let distinct: std::collections::HashSet<&String> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "{len}: {names:?}");
            if len + "_embedding_m_M0".len() <= 63 {
                assert_eq!(names[0], format!("{}_embedding_m_M0", "k".repeat(len)));
            }
        }
        let too_long = crate::store::tables::Tables {
            knowledge: "k".repeat(64),
            ..crate::store::tables::Tables::default()
        };
        let err = too_long.quoted().expect_err("64 bytes");
        assert!(err.contains("past the 63 Postgres keeps"), "{err}");
    }
}
