//! `seed` against stores that refuse it: both checked before either is written, and a Redis
//! that stops taking writes midway is one short message with Postgres left uncommitted.

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
        out.stderr
            .trim_end()
            .ends_with("Postgres was left as it was"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
    assert_eq!(
        pg_rows(pg, "seed_oom"),
        "0",
        "the Postgres part was rolled back"
    );
}
