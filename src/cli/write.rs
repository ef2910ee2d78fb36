//! `ctxlens migrate` and `ctxlens seed`: the only commands that write.

use std::io::Write;

use super::output::io;
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
    let map = config
        .milestone_map()
        .map_err(|e| CliError::Usage(format!("config: {e}")))?;
    let pg = PgStore::connect_tables(&url, e.connect_timeout, &e.tables)
        .await
        .map_err(|err| super::stores::url_named(err, global, &config))?;
    let done = seed::migrate_for(&pg, &map).await;
    pg.close().await;
    let done = done.map_err(|e| CliError::Runtime(e.to_string()))?;
    let t = pg.tables();
    let out = &mut std::io::stdout();
    // Table and index names are the config's text: shown inert, as every message is.
    let inert = crate::text::inert_line;
    writeln!(
        out,
        "{}",
        inert(&format!(
            "{}: schema ready (vector extension, {}, {}, {}, HNSW index)",
            pg.label, t.user_journeys, t.memory_bank, t.knowledge
        ))
    )
    .map_err(io)?;
    let present = match done.present.len() {
        0 => String::new(),
        n => format!(", {n} already present"),
    };
    writeln!(
        out,
        "{}: partial indexes (HNSW per milestone and for general knowledge, unscorable embeddings): {} created{present}",
        pg.label,
        done.created.len()
    )
    .map_err(io)?;
    for name in &done.created {
        writeln!(out, "  created {}", inert(name)).map_err(io)?;
    }
    for w in &done.warnings {
        crate::say!("ctxlens: warning: {}: {}", pg.label, inert(w));
    }
    Ok(())
}

/// The most users `seed --synthetic` writes: Redis holds a seed's writes until its `EXEC`
/// (about 2 KB a user), and Postgres its rows until the commit.
pub const MAX_SEEDED: usize = 1_000_000;

/// Users generated and written at a time: a synthetic fleet is never held whole.
const USERS_AT_ONCE: usize = 1_000;

/// Loads the demo (or a synthetic fleet, generated a batch at a time) into Postgres and Redis:
/// both stores or neither. Postgres is written in a transaction and Redis in a `MULTI`, the
/// users a batch at a time; only then is Redis's `EXEC` run and Postgres committed. Stopped
/// (Ctrl-C, SIGTERM) before that, neither store changes; the last step is not stopped halfway.
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
    if let Some(n) = synthetic.filter(|n| *n > MAX_SEEDED) {
        return Err(CliError::Usage(format!(
            "--synthetic {}: seed writes at most {} users (the stores hold a seed's writes \
             until it commits); report and optimize take --synthetic without stores",
            crate::text::thousands(n as f64, 0),
            crate::text::thousands(MAX_SEEDED as f64, 0)
        )));
    }
    let fleet = match synthetic {
        Some(n) => Fleet::Synthetic { seed, n },
        None => Fleet::Demo(Dataset::demo()),
    };
    let connected = async {
        let pg = match &e.database_url {
            Some(url) => Some(
                PgStore::connect_tables(url, e.connect_timeout, &e.tables)
                    .await
                    .map_err(|err| super::stores::url_named(err, global, &config))?,
            ),
            None => None,
        };
        let r = match &e.redis_url {
            Some(url) => match RedisStore::connect(url, &e.key_prefix, e.connect_timeout).await {
                Ok(r) => Some(r),
                Err(err) => {
                    // Postgres, connected first, is left as a client should leave it.
                    if let Some(pg) = &pg {
                        pg.close().await;
                    }
                    return Err(super::stores::url_named(err, global, &config).into());
                }
            },
            None => None,
        };
        Ok::<_, CliError>((pg, r))
    };
    // One listener for the whole seed: a signal between two waits is not lost (a listener
    // made later does not hear one that came before it).
    let stop = super::stop_signal();
    tokio::pin!(stop);
    let (pg, r) = tokio::select! {
        connected = connected => connected?,
        n = &mut stop => {
            crate::say!("ctxlens: note: seed stopped before it wrote anything: the stores are as they were");
            return Err(CliError::Signal(n));
        }
    };
    let done = write_seed(pg.as_ref(), r.as_ref(), &fleet, (no_ttl, force), stop).await;
    // Whatever the end, Postgres's connections are ended as a client should (`Store::close`).
    if let Some(pg) = &pg {
        pg.close().await;
    }
    done
}

/// Checks both stores, then writes `fleet` to them (see [`seed`]); `stop` is the seed's one
/// signal listener.
async fn write_seed<F: std::future::Future<Output = i32>>(
    pg: Option<&PgStore>,
    r: Option<&RedisStore>,
    fleet: &Fleet,
    (no_ttl, force): (bool, bool),
    mut stop: std::pin::Pin<&mut F>,
) -> Result<(), CliError> {
    let out = &mut std::io::stdout();
    // Both stores are checked before either is written, so that one refusing writes (a
    // read-only user, a standby) or holding data does not leave the other seeded alone.
    let checked = check_stores(pg, r, force);
    // Stopped while checking (a check may wait on a lock), nothing was written.
    tokio::select! {
        checked = checked => checked?,
        n = &mut stop => {
            crate::say!("ctxlens: note: seed stopped before it wrote anything: the stores are as they were");
            return Err(CliError::Signal(n));
        }
    };
    let cluster = r.is_some_and(RedisStore::is_cluster);
    let nothing = if cluster {
        "; Postgres was left as it was (a cluster's keys are written as they come: those \
         already written stay)"
    } else {
        ": seed wrote nothing"
    };
    let knowledge = fleet.knowledge();
    let staging = stage(pg, r, (fleet, &knowledge), no_ttl, force);
    let (pg_seed, redis_seed, users) = tokio::select! {
        staged = staging => staged.map_err(|e| CliError::Runtime(format!("{e}{nothing}")))?,
        n = &mut stop => {
            let left = if cluster {
                "Postgres was left as it was (a cluster's keys already written stay)"
            } else {
                "both stores are as they were"
            };
            crate::say!("ctxlens: note: seed stopped before it made its writes visible: {left}");
            return Err(CliError::Signal(n));
        }
    };
    // From here on, a stop waits: both stores' writes are made visible, one after the other.
    let (pg_seed, keys) = seal_and_exec(pg_seed, redis_seed, nothing).await?;
    if let (Some(pg), Some(p)) = (pg, pg_seed) {
        p.commit().await.map_err(|err| {
            let redis = if keys.is_some() {
                " (Redis was written: seed again with --force)"
            } else {
                ""
            };
            CliError::Runtime(format!("{err}{redis}"))
        })?;
        writeln!(
            out,
            "{}: {} users, {} knowledge rows",
            pg.label,
            users,
            knowledge.len()
        )
        .map_err(io)?;
    }
    if let (Some(r), Some(keys)) = (r, keys) {
        writeln!(
            out,
            "{}: {keys} keys{}",
            r.label,
            if no_ttl { ", no TTLs" } else { "" }
        )
        .map_err(io)?;
    }
    Ok(())
}

/// Checks that each store given takes the seed: it accepts writes, and holds no data unless
/// `force`.
async fn check_stores(
    pg: Option<&PgStore>,
    r: Option<&RedisStore>,
    force: bool,
) -> Result<(), CliError> {
    let runtime = |e: seed::SeedError| CliError::Runtime(e.to_string());
    if let Some(pg) = pg {
        seed::check_postgres(pg, force).await.map_err(runtime)?;
    }
    if let Some(r) = r {
        seed::check_redis(r, force).await.map_err(runtime)?;
    }
    Ok(())
}

/// Seals Postgres's transaction, then runs Redis's `EXEC` (`nothing`: what the error of a
/// failed seal adds). When the `EXEC` fails, Postgres is rolled back, and the error says
/// whether it was. Returns Postgres's seed, still to commit, and how many keys Redis wrote.
async fn seal_and_exec<'a>(
    mut pg_seed: Option<seed::PgSeed<'a>>,
    redis_seed: Option<seed::RedisSeed<'a>>,
    nothing: &str,
) -> Result<(Option<seed::PgSeed<'a>>, Option<usize>), CliError> {
    if let Some(p) = &mut pg_seed {
        p.seal()
            .await
            .map_err(|e| CliError::Runtime(format!("{e}{nothing}")))?;
    }
    let keys = match redis_seed {
        Some(rs) => match rs.exec().await {
            Ok(keys) => Some(keys),
            Err(err) => {
                let left = match pg_seed {
                    Some(p) => {
                        if p.rollback().await {
                            "; Postgres was left as it was"
                        } else {
                            "; Postgres was not committed"
                        }
                    }
                    None => "",
                };
                return Err(CliError::Runtime(format!("{err}{left}")));
            }
        },
        None => None,
    };
    Ok((pg_seed, keys))
}

/// What a seed writes: the demo, or a synthetic fleet made a batch at a time.
enum Fleet {
    Demo(Dataset),
    Synthetic { seed: u64, n: usize },
}

impl Fleet {
    fn knowledge(&self) -> std::borrow::Cow<'_, [crate::store::dataset::KnowledgeRow]> {
        match self {
            Fleet::Demo(d) => std::borrow::Cow::Borrowed(&d.knowledge),
            Fleet::Synthetic { .. } => {
                std::borrow::Cow::Owned(crate::demo::generator::knowledge_rows())
            }
        }
    }
}

/// Writes `fleet` into a Postgres transaction and a Redis `MULTI`, neither made visible; how
/// many users it wrote.
async fn stage<'a>(
    pg: Option<&'a PgStore>,
    r: Option<&'a RedisStore>,
    (fleet, knowledge): (&Fleet, &[crate::store::dataset::KnowledgeRow]),
    no_ttl: bool,
    force: bool,
) -> Result<(Option<seed::PgSeed<'a>>, Option<seed::RedisSeed<'a>>, usize), seed::SeedError> {
    let mut p = match pg {
        Some(pg) => Some(seed::stage_postgres(pg, knowledge, force).await?),
        None => None,
    };
    let mut rs = match r {
        Some(r) => Some(seed::RedisSeed::begin(r, no_ttl, force).await?),
        None => None,
    };
    let mut write = async |batch: &[crate::store::dataset::DemoUser]| {
        if let Some(p) = &mut p {
            p.add(batch).await?;
        }
        if let Some(rs) = &mut rs {
            rs.add(batch).await?;
        }
        Ok::<_, seed::SeedError>(batch.len())
    };
    let mut users = 0;
    match fleet {
        Fleet::Demo(d) => {
            for batch in d.users.chunks(USERS_AT_ONCE) {
                users += write(batch).await?;
            }
        }
        Fleet::Synthetic { seed, n } => {
            for start in (0..*n).step_by(USERS_AT_ONCE) {
                let batch: Vec<_> = (start..(start + USERS_AT_ONCE).min(*n))
                    .map(|i| crate::demo::generator::synthetic_user(*seed, i))
                    .collect();
                users += write(&batch).await?;
            }
        }
    }
    Ok((p, rs, users))
}
