//! `seed` against stores that refuse it or a stop midway: both checked before either is written,
//! a Redis that stops taking writes midway and a seed stopped while writing leave both stores
//! as they were, and `--force` under a prefix with glob characters unlinks only that prefix.

use super::*;

/// Rows in the three seeded tables of `db`.
fn pg_rows(pg: &Postgres, db: &str) -> String {
    pg.psql(
        db,
        "SELECT (SELECT count(*) FROM user_journeys) + (SELECT count(*) FROM memory_bank) + (SELECT count(*) FROM knowledge)",
    )
    .trim()
    .to_string()
}

#[test]
fn seed_checks_both_stores_before_writing_either() {
    let pg = Postgres::shared();
    // A read-only Redis user and a writable Postgres: refused, naming Redis; Postgres untouched.
    let redis = RedisServer::start();
    let db = pg.create_database("seed_ro_redis");
    let m = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    let ro_redis = redis.add_readonly_user("reader", "s3cret-redis");
    let out = ctxlens_with(
        &["seed"],
        &[("REDIS_URL", ro_redis), ("DATABASE_URL", db.clone())],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let prefix = format!(
        "ctxlens: redis 127.0.0.1:{}: refuses writes (NOPERM ",
        redis.port()
    );
    assert!(out.stderr.starts_with(&prefix), "{}", out.stderr);
    assert!(out.stderr.trim_end().ends_with("seed wrote nothing"));
    assert!(out.stderr.len() < 300, "one short line: {}", out.stderr);
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    assert_eq!(
        pg_rows(pg, "seed_ro_redis"),
        "0",
        "nothing written to Postgres"
    );

    // A read-only Postgres role and a writable Redis: refused, naming Postgres; Redis untouched.
    let redis = RedisServer::start();
    let db = pg.create_database("seed_ro_pg");
    let m = ctxlens_with(&["migrate"], &[("DATABASE_URL", db)]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    let ro_pg = pg.readonly_role("seed_ro_pg", "seedreader", "s3cret-pg");
    let out = ctxlens_with(
        &["seed"],
        &[("REDIS_URL", redis.url()), ("DATABASE_URL", ro_pg)],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let prefix = format!(
        "ctxlens: postgres 127.0.0.1:{}/seed_ro_pg: refuses writes: transactions are read-only",
        pg.port()
    );
    assert!(out.stderr.starts_with(&prefix), "{}", out.stderr);
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    assert_eq!(redis_keys(&redis), 0, "nothing written to Redis");
}

#[test]
fn a_seed_redis_stops_taking_midway_is_one_short_message_and_postgres_is_not_committed() {
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("seed_oom");
    let m = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    // Room for the write check's probe key, not for the fleet: the seed's pipelines fail midway
    // with hundreds of OOM errors.
    let mut conn = redis.connection();
    let info: String = redis::cmd("INFO")
        .arg("memory")
        .query(&mut conn)
        .expect("INFO");
    let used: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("used_memory");
    redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg(used + 200_000)
        .query::<()>(&mut conn)
        .expect("CONFIG SET maxmemory");
    redis::cmd("ACL")
        .arg("SETUSER")
        .arg("writer")
        .arg(&["on", ">s3cret-w", "~*", "&*", "+@all"][..])
        .query::<()>(&mut conn)
        .expect("ACL SETUSER");
    let redis_url = format!("redis://writer:s3cret-w@127.0.0.1:{}/", redis.port());
    let db = db.replace("postgres@", "postgres:s3cret-p@");
    let out = ctxlens_with(
        &["seed", "--synthetic", "300"],
        &[("REDIS_URL", redis_url), ("DATABASE_URL", db)],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.len() < 400, "one short message: {}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "ctxlens: redis 127.0.0.1:{}: write: ",
            redis.port()
        )) && out
            .stderr
            .contains("commands of the pipeline failed; the first (command ")
            && out.stderr.contains("OOM command not allowed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.trim_end().ends_with("seed wrote nothing"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    assert_eq!(
        pg_rows(pg, "seed_oom"),
        "0",
        "the Postgres part was rolled back"
    );
    assert_eq!(redis_keys(&redis), 0, "the Redis part was discarded");
}

/// Session and context keys under the prefix.
fn keys_under(redis: &RedisServer, prefix: &str) -> usize {
    let mut conn = redis.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .expect("KEYS");
    keys.len()
}

/// A seed stopped (SIGINT, SIGTERM) while it writes leaves both stores as they were: the demo
/// seeded before is whole in each, none of the new fleet in either. It exits 128 + n.
#[test]
fn a_seed_stopped_while_writing_leaves_both_stores_as_they_were() {
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("seed_stopped");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    assert_eq!(ctxlens_with(&["migrate"], &env[1..]).code, 0);
    let first = ctxlens_with(&["seed"], &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let (rows, keys) = (pg_rows(pg, "seed_stopped"), redis_keys(&redis));
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let child = spawn(&["seed", "--force", "--synthetic", "20000"], &env);
        // Midway: the seed's transaction holds queued writes (CLIENT LIST's `multi=N`).
        await_condition(
            "the seed queuing its writes",
            Duration::from_secs(60),
            || {
                let mut conn = redis.connection();
                let clients: String = redis::cmd("CLIENT")
                    .arg("LIST")
                    .query(&mut conn)
                    .expect("CLIENT LIST");
                clients.split_whitespace().any(|f| {
                    f.strip_prefix("multi=")
                        .and_then(|n| n.parse::<i64>().ok())
                        .is_some_and(|n| n > 1_000)
                })
            },
        );
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let out = finish(child, Duration::from_secs(30), "seed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(
            stderr.contains(
                "seed stopped before it made its writes visible: both stores are as they were"
            ),
            "{stderr}"
        );
        assert_eq!(pg_rows(pg, "seed_stopped"), rows, "Postgres as it was");
        assert_eq!(redis_keys(&redis), keys, "Redis as it was");
        assert_eq!(keys_under(&redis, "session:s1-"), 0, "no key of the fleet");
    }
}

/// A seed stopped while its checks wait (here on a lock held on `memory_bank`) says it wrote
/// nothing and exits 128 + n, as one stopped while writing does.
#[test]
fn a_seed_stopped_while_checking_says_it_wrote_nothing() {
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("seed_stopped_checking");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    assert_eq!(ctxlens_with(&["migrate"], &env[1..]).code, 0);
    let (_holder, unlock) = lock_table(pg, "seed_stopped_checking", "memory_bank");
    let child = spawn(&["seed"], &env);
    await_condition(
        "the seed's check waiting on the lock",
        Duration::from_secs(30),
        || pg.lock_waiters("seed_stopped_checking", "memory_bank") != "0",
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = finish(child, Duration::from_secs(30), "seed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("seed stopped before it wrote anything: the stores are as they were"),
        "{stderr}"
    );
    drop(unlock);
    assert_eq!(redis_keys(&redis), 0, "Redis as it was");
}

/// `--force` under a prefix holding glob characters unlinks the keys of that prefix only: a
/// prefix `*` or `tenant?:` never matches another tenant's keys.
#[test]
fn seed_force_under_a_glob_like_prefix_leaves_other_prefixes_alone() {
    let redis = RedisServer::start();
    let env = [("REDIS_URL", redis.url())];
    let seed = |prefix: &str| {
        let out = ctxlens_with(&["seed", "--force", "--key-prefix", prefix], &env);
        assert_eq!(out.code, 0, "{prefix}: {}", out.stderr);
    };
    seed("tenantA:");
    let tenant = keys_under(&redis, "tenantA:");
    assert!(tenant > 100, "{tenant}");
    for prefix in ["*", "tenant?:", "tenant[AB]:", "tenant\\A:"] {
        seed(prefix);
        seed(prefix);
        assert_eq!(keys_under(&redis, "tenantA:"), tenant, "{prefix}");
    }
}

/// A synthetic seed larger than the stores are asked to hold in one transaction is refused
/// before any store is asked.
#[test]
fn a_synthetic_seed_past_the_bound_is_a_usage_error() {
    let out = ctxlens_with(
        &["seed", "--synthetic", "1000001"],
        &[("REDIS_URL", "redis://127.0.0.1:1".to_string())],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("ctxlens: --synthetic 1,000,001: seed writes at most 1,000,000 users"),
        "{}",
        out.stderr
    );
}
