//! Least privilege: only read commands reach Redis, seeding and migrating refuse to clobber, an unreachable store fails fast without its password.

use super::*;

/// Redis commands a reader may send.
const READ_COMMANDS: &[&str] = &[
    "scan",
    "type",
    "ttl",
    "get",
    "getrange",
    "memory|usage",
    "lrange",
    "ping",
    "info",
    "hello",
    "client|setinfo",
    "client|setname",
    "auth",
    "subscribe",
    "psubscribe",
    "unsubscribe",
    "punsubscribe",
    "select",
    "command",
    "command|docs",
];

#[test]
fn read_commands_run_as_a_read_only_user_and_issue_no_writes() {
    let (redis, db) = seeded("readonly");
    let pg = Postgres::shared();
    let ro_db = pg.readonly_role(
        db.rsplit('/').next().unwrap_or("readonly"),
        "inspector",
        "s3cret-pg",
    );
    let ro_redis = redis.add_readonly_user("inspector", "s3cret-redis");
    redis.reset_stats();
    let env = [("REDIS_URL", ro_redis), ("DATABASE_URL", ro_db)];
    let dir = tempfile::tempdir().expect("temp dir");
    let snap = dir.path().join("u062.json");
    let snap = snap.to_str().expect("utf-8");
    for args in [
        vec!["users", "--json"],
        vec!["inspect", "u066", "--json"],
        vec!["replay", "u062", "--json"],
        vec!["snapshot", "u062", "--out", snap],
        vec!["graph", "u005"],
        vec!["transition", "u005", "--to", "M5"],
        vec!["report", "--json", "--sample", "20"],
        vec!["explain", "u005", "kn:27"],
    ] {
        let out = ctxlens_with(&args, &env);
        assert_eq!(
            out.code, 0,
            "{args:?} as the read-only user: {}",
            out.stderr
        );
        assert!(
            !out.stdout.contains("s3cret") && !out.stderr.contains("s3cret"),
            "no password printed"
        );
        if args[0] == "report" {
            // The read-only role lists the knowledge rows too (dead knowledge).
            let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("report JSON");
            assert_eq!(v["knowledge"]["catalogue"], true, "{}", v["knowledge"]);
            assert_eq!(v["knowledge"]["total"]["rows"], 66);
        }
    }
    let stats = redis.command_stats();
    // CONFIG RESETSTAT is the harness's own reset, counted after it clears the counters.
    let writes: Vec<&(String, u64)> = stats
        .iter()
        .filter(|(c, _)| !READ_COMMANDS.contains(&c.as_str()) && c != "config|resetstat")
        .collect();
    assert!(
        writes.is_empty(),
        "only read commands reach the server; also saw {writes:?}"
    );
    assert!(
        stats.iter().any(|(c, n)| c == "scan" && *n > 0),
        "the reads did reach this server: {stats:?}"
    );
}

#[test]
fn seed_refuses_a_non_empty_target_and_migrate_is_idempotent() {
    let (redis, db) = seeded("reseed");
    let env = env(&redis, &db);
    let again = ctxlens_with(&["seed"], &env);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("not empty") && again.stderr.contains("refuses without --force"),
        "{}",
        again.stderr
    );
    // A key whose name is not UTF-8 is the seed's to replace too.
    let bad: &[u8] = b"session:u001:s\xff";
    let () = redis::cmd("SET")
        .arg(bad)
        .arg("[]")
        .query(&mut redis.connection())
        .expect("SET");
    let forced = ctxlens_with(&["seed", "--force", "--no-ttl"], &env);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let left: i64 = redis::cmd("EXISTS")
        .arg(bad)
        .query(&mut redis.connection())
        .expect("EXISTS");
    assert_eq!(left, 0, "seed --force deletes keys of any name");
    let migrate = ctxlens_with(&["migrate"], &env);
    assert_eq!(
        migrate.code, 0,
        "a second migrate is a no-op: {}",
        migrate.stderr
    );
    let inspect = ctxlens_with(&["inspect", "u001", "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("JSON");
    assert_eq!(
        v["sessions"][0]["ttl"],
        serde_json::Value::Null,
        "--no-ttl wrote keys without TTLs"
    );
}

#[test]
fn an_unreachable_store_fails_fast_naming_it_without_the_password() {
    let port = common::servers::free_port();
    let url = format!("redis://admin:hunter2@127.0.0.1:{port}/");
    let start = std::time::Instant::now();
    let out: Output = ctxlens_with(&["users", "--connect-timeout", "1"], &[("REDIS_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "fails within the timeout"
    );
    assert!(
        out.stderr
            .starts_with(&format!("ctxlens: redis 127.0.0.1:{port}: connect: ")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    let pg = format!("postgres://admin:hunter2@127.0.0.1:{port}/x");
    let out = ctxlens_with(
        &["users", "--connect-timeout", "1"],
        &[("DATABASE_URL", pg)],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with(&format!("ctxlens: postgres 127.0.0.1:{port}/x: connect: ")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}
