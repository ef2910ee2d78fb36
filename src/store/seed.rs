//! The only writers: the schema migration and loading a dataset into Redis and Postgres.

use chrono::{DateTime, Utc};

use super::postgres::PgStore;
use super::redis::RedisStore;
use crate::demo::{Dataset, RedisValue};
use crate::engine::embed::embed;

/// Why seeding or migrating failed, naming the store.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SeedError(pub String);

impl From<super::StoreError> for SeedError {
    fn from(e: super::StoreError) -> Self {
        SeedError(e.to_string())
    }
}

/// Creates the extension, tables and index (sqlx migrations: applied once, recorded).
pub async fn migrate(pg: &PgStore) -> Result<(), SeedError> {
    sqlx::migrate!("./migrations")
        .run(pg.pool())
        .await
        .map_err(|e| SeedError(format!("{}: migrate: {e}", pg.label)))
}

fn ts(s: &str) -> Result<DateTime<Utc>, SeedError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| SeedError(format!("dataset timestamp {s:?}: {e}")))
}

pub async fn seed_postgres(pg: &PgStore, data: &Dataset, force: bool) -> Result<(), SeedError> {
    let fail = |what: &str, e: sqlx::Error| SeedError(format!("{}: {what}: {e}", pg.label));
    let dim = pg.dim.ok_or_else(|| {
        SeedError(format!(
            "{}: no knowledge.embedding column: run ctxlens migrate first",
            pg.label
        ))
    })?;
    let mut tx = pg.pool().begin().await.map_err(|e| fail("begin", e))?;
    let rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM user_journeys) + (SELECT count(*) FROM memory_bank) + (SELECT count(*) FROM knowledge)",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| fail("counting rows (run ctxlens migrate first?)", e))?;
    if rows > 0 && !force {
        return Err(SeedError(format!(
            "{}: not empty ({rows} rows): seed refuses without --force",
            pg.label
        )));
    }
    sqlx::query("TRUNCATE user_journeys, memory_bank, knowledge RESTART IDENTITY")
        .execute(&mut *tx)
        .await
        .map_err(|e| fail("truncate", e))?;
    for k in &data.knowledge {
        let v = pgvector::Vector::from(embed(
            crate::store::memory::knowledge_embedding_text(k),
            dim.max(1),
        ));
        sqlx::query("INSERT INTO knowledge (id, milestone, title, content, metadata, embedding, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(k.id)
            .bind(&k.milestone)
            .bind(&k.title)
            .bind(&k.content)
            .bind(&k.metadata)
            .bind(v)
            .bind(ts(&k.created_at)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| fail("knowledge", e))?;
    }
    let (mut ids, mut ms, mut names, mut ups) = (vec![], vec![], vec![], vec![]);
    let (mut mb_id, mut mb_user, mut mb_type, mut mb_m, mut mb_data, mut mb_at) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for u in &data.users {
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
    sqlx::query("INSERT INTO user_journeys SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::timestamptz[])")
        .bind(&ids)
        .bind(&ms)
        .bind(&names)
        .bind(&ups)
        .execute(&mut *tx)
        .await
        .map_err(|e| fail("user_journeys", e))?;
    sqlx::query(
        "INSERT INTO memory_bank (id, user_id, context_type, milestone, data, created_at)
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])",
    )
    .bind(&mb_id)
    .bind(&mb_user)
    .bind(&mb_type)
    .bind(&mb_m)
    .bind(&mb_data)
    .bind(&mb_at)
    .execute(&mut *tx)
    .await
    .map_err(|e| fail("memory_bank", e))?;
    for table in ["memory_bank", "knowledge"] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(table, e))?;
    }
    tx.commit().await.map_err(|e| fail("commit", e))
}

pub async fn seed_redis(
    r: &RedisStore,
    data: &Dataset,
    no_ttl: bool,
    force: bool,
) -> Result<usize, SeedError> {
    if r.has_keys().await? && !force {
        return Err(SeedError(format!(
            "{}: not empty: seed refuses without --force",
            r.label
        )));
    }
    let p = &r.prefix;
    if force {
        for family in ["session", "context"] {
            let keys = r.keys(&format!("{p}{family}:*")).await?;
            r.write(
                keys.into_iter()
                    .map(|k| redis::cmd("UNLINK").arg(k).clone())
                    .collect(),
            )
            .await?;
        }
    }
    let ttl = |t: Option<u64>| if no_ttl { None } else { t };
    let mut cmds = Vec::new();
    let mut n = 0;
    for u in &data.users {
        for s in &u.sessions {
            let key = format!("{p}session:{}:{}", u.user_id, s.session_id);
            cmds.push(match &s.value {
                RedisValue::String(v) => redis::cmd("SET").arg(&key).arg(v).clone(),
                RedisValue::List(items) => redis::cmd("RPUSH").arg(&key).arg(items).clone(),
            });
            if let Some(t) = ttl(s.ttl) {
                cmds.push(redis::cmd("EXPIRE").arg(&key).arg(t).clone());
            }
            n += 1;
        }
        for c in &u.cached_contexts {
            let key = format!("{p}context:{}:{}", u.user_id, c.milestone);
            cmds.push(redis::cmd("SET").arg(&key).arg(&c.value).clone());
            if let Some(t) = ttl(c.ttl) {
                cmds.push(redis::cmd("EXPIRE").arg(&key).arg(t).clone());
            }
            n += 1;
        }
        if cmds.len() >= 1000 {
            r.write(std::mem::take(&mut cmds)).await?;
        }
    }
    r.write(cmds).await?;
    Ok(n)
}
