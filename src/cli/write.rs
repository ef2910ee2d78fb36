//! `ctxlens migrate` and `ctxlens seed`: the only commands that write.

use super::{CliError, GlobalArgs, endpoints};
use crate::config::Config;
use crate::demo::Dataset;
use crate::store::postgres::PgStore;
use crate::store::redis::RedisStore;
use crate::store::seed;

/// Creates the extension, the tables (SPEC §1's schema under the configured names) and their
/// indexes, and the partial indexes of the config's milestone map (or seed 000's): see
/// `seed::migrate_for`. Idempotent.
pub async fn migrate(global: &GlobalArgs) -> Result<(), CliError> {
    let (config, _) = Config::load(global.config.as_deref())?;
    let e = endpoints(global, &config);
    let url = e
        .database_url
        .clone()
        .ok_or_else(|| CliError::Usage("migrate needs --database-url or DATABASE_URL".into()))?;
    let pg = PgStore::connect_tables(&url, e.connect_timeout, &e.tables).await?;
    let map = config
        .milestone_map()
        .map_err(|e| CliError::Usage(format!("config: {e}")))?;
    let done = seed::migrate_for(&pg, &map)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let t = pg.tables();
    println!(
        "{}: schema ready (vector extension, {}, {}, {}, HNSW index)",
        pg.label, t.user_journeys, t.memory_bank, t.knowledge
    );
    let present = match done.present.len() {
        0 => String::new(),
        n => format!(", {n} already present"),
    };
    println!(
        "{}: partial indexes (HNSW per milestone and for general knowledge, unscorable embeddings): {} created{present}",
        pg.label,
        done.created.len()
    );
    for name in &done.created {
        println!("  created {name}");
    }
    Ok(())
}

/// Loads the demo (or a synthetic fleet) into Postgres, in one transaction, and Redis.
pub async fn seed(
    global: &GlobalArgs,
    synthetic: Option<usize>,
    seed: u64,
    no_ttl: bool,
    force: bool,
) -> Result<(), CliError> {
    let (config, _) = Config::load(global.config.as_deref())?;
    let e = endpoints(global, &config);
    if e.redis_url.is_none() && e.database_url.is_none() {
        return Err(CliError::Usage(
            "seed writes to live stores: set --redis-url and/or --database-url".into(),
        ));
    }
    let data = match synthetic {
        Some(n) => crate::demo::generator::generate_synthetic(seed, n),
        None => Dataset::demo(),
    };
    let runtime = |e: seed::SeedError| CliError::Runtime(e.to_string());
    let pg = match &e.database_url {
        Some(url) => Some(PgStore::connect_tables(url, e.connect_timeout, &e.tables).await?),
        None => None,
    };
    let r = match &e.redis_url {
        Some(url) => Some(RedisStore::connect(url, &e.key_prefix, e.connect_timeout).await?),
        None => None,
    };
    // Both stores are checked before either is written, so that one refusing writes (a
    // read-only user, a standby) or holding data does not leave the other seeded alone.
    if let Some(pg) = &pg {
        seed::check_postgres(pg, force).await.map_err(runtime)?;
    }
    if let Some(r) = &r {
        seed::check_redis(r, force).await.map_err(runtime)?;
    }
    // Postgres is written in a transaction committed only once Redis has its keys.
    let staged = match &pg {
        Some(pg) => Some(
            seed::stage_postgres(pg, &data, force)
                .await
                .map_err(runtime)?,
        ),
        None => None,
    };
    let keys = match &r {
        Some(r) => match seed::seed_redis(r, &data, no_ttl, force).await {
            Ok(keys) => Some(keys),
            Err(err) => {
                let left = match staged {
                    Some(tx) => match tx.rollback().await {
                        Ok(()) => "; Postgres was left as it was",
                        Err(_) => "; Postgres was not committed",
                    },
                    None => "",
                };
                return Err(CliError::Runtime(format!("{err}{left}")));
            }
        },
        None => None,
    };
    if let (Some(pg), Some(tx)) = (&pg, staged) {
        tx.commit().await.map_err(|err| {
            CliError::Runtime(crate::store::fault::pg_error(&pg.label, "commit", &err).to_string())
        })?;
        println!(
            "{}: {} users, {} knowledge rows",
            pg.label,
            data.users.len(),
            data.knowledge.len()
        );
    }
    if let (Some(r), Some(keys)) = (&r, keys) {
        println!(
            "{}: {keys} keys{}",
            r.label,
            if no_ttl { ", no TTLs" } else { "" }
        );
    }
    Ok(())
}
