//! Stores that fail under a running command, with real servers from the harness: a report that
//! loses a store mid-run, one user's unreadable row, a watch whose Redis goes away, reads held
//! on a Postgres lock (in `faults/locks.rs`), a seed one store refuses (in `faults/seed.rs`),
//! and server errors as people read them.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "faults/locks.rs"]
mod locks;
#[path = "faults/seed.rs"]
mod seed;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::ctxlens_with;
use common::servers::{Postgres, RedisServer};

/// Migrates `db` and seeds `n` synthetic users into it and `redis`.
fn seed_fleet(redis: &RedisServer, db: &str, n: usize) {
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.to_string())];
    let m = ctxlens_with(&["migrate"], &env[1..]);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    let s = ctxlens_with(&["seed", "--synthetic", &n.to_string()], &env);
    assert_eq!(s.code, 0, "seed: {}", s.stderr);
}

/// The binary with `args` and store URLs, stdout and stderr piped.
fn spawn(args: &[&str], env: &[(&str, String)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ctxlens runs")
}

/// Waits for `child` to exit within `limit` (killing it and failing otherwise).
fn finish(mut child: Child, limit: Duration, what: &str) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("poll child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("killed child");
            panic!(
                "{what}: still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("child output")
}

/// Polls `cond` until it holds, failing after `limit`.
fn await_condition(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Keys a report has read from `redis` so far (each key read is one TYPE in its pipelines).
fn keys_read(redis: &RedisServer) -> u64 {
    redis
        .command_stats()
        .iter()
        .find(|(c, _)| c == "type")
        .map_or(0, |(_, n)| *n)
}

const FLEET: usize = 3000;

/// Whether `line` ends saying how many users were not read: a count, or, when the listing
/// stopped too, that those not listed yet were not read either.
fn says_not_read(line: &str) -> bool {
    line.ends_with("users not read") || line.ends_with("the listing stopped too)")
}

/// Store URLs with passwords for a report: a read-only Redis user, and the database's owner
/// with a password (the harness's Postgres trusts loopback and ignores it).
fn with_passwords(redis: &RedisServer, db: &str) -> [(&'static str, String); 2] {
    [
        ("REDIS_URL", redis.add_readonly_user("reporter", "s3cret-r")),
        (
            "DATABASE_URL",
            db.replace("postgres@", "postgres:s3cret-p@"),
        ),
    ]
}

/// Starts `report` over a seeded fleet and waits until its first batches are done: batches are
/// read in listing order, at most two per core in flight, so once the keys of two batches more
/// than that have been read (and at least a fifth of all), the first ones have been merged; most
/// of the fleet is still to come.
fn report_under_way(redis: &RedisServer, env: &[(&str, String)], args: &[&str]) -> Child {
    let keys = redis_keys(redis);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let batches = 2 * cores + 2;
    let threshold = (keys / 5).max(keys * batches * 64 / FLEET as u64);
    redis.reset_stats();
    let child = spawn(args, env);
    await_condition("the first batches read", Duration::from_secs(60), || {
        keys_read(redis) >= threshold
    });
    child
}

#[test]
fn a_report_that_loses_redis_mid_run_prints_the_users_read_marked_partial() {
    let mut redis = RedisServer::start();
    let db = Postgres::shared().create_database("outage_redis");
    seed_fleet(&redis, &db, FLEET);
    let child = report_under_way(&redis, &with_passwords(&redis, &db), &["report", "--json"]);
    redis.stop();
    let out = finish(child, Duration::from_secs(60), "report");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report is printed");
    assert_eq!(v["partial"], true, "{stdout}");
    let redis_label = format!("redis 127.0.0.1:{}", redis.port());
    let cause = v["stopped"]["cause"].as_str().unwrap_or_default();
    assert!(cause.starts_with(&redis_label), "{cause}");
    let read = v["users"].as_u64().unwrap_or(0);
    let not_read = v["stopped"]["not_read"].as_u64().unwrap_or(0);
    assert!(read > 0 && not_read > 0, "read {read}, not read {not_read}");
    // Live stores do not know their total: the count is of the users listed, a lower bound
    // unless the listing had reached the end.
    let lower_bound = v["stopped"]["not_read_lower_bound"] == true;
    assert!(
        read + not_read < FLEET as u64 || (!lower_bound && read + not_read == FLEET as u64),
        "read {read}, not read {not_read}, lower bound {lower_bound}"
    );
    assert_eq!(
        v["errors"]["count"], 0,
        "users not read for an outage are not failed users: {}",
        v["errors"]
    );
    assert!(
        stderr.starts_with(&format!(
            "ctxlens: {cause}: the report covers the {} read before the store went away; ",
            ctxlens::text::count(read, "user", "users")
        )) && says_not_read(stderr.trim_end()),
        "{stderr}"
    );
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"));
}

#[test]
fn a_report_that_loses_postgres_mid_run_prints_a_partial_line() {
    let mut pg = Postgres::start();
    let redis = RedisServer::start();
    let db = pg.create_database("outage_pg");
    seed_fleet(&redis, &db, FLEET);
    let child = report_under_way(
        &redis,
        &with_passwords(&redis, &db),
        &["report", "--connect-timeout", "1", "--quiet"],
    );
    pg.stop();
    let out = finish(child, Duration::from_secs(60), "report");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let label = format!("postgres 127.0.0.1:{}/outage_pg", pg.port());
    assert!(
        stdout.starts_with("Fleet report · ") && stdout.contains("PARTIAL (a store went away)"),
        "{stdout}"
    );
    let head = stdout.lines().next().unwrap_or_default();
    let read: u64 = head
        .split(" · ")
        .find_map(|part| part.split_once(" users — PARTIAL"))
        .and_then(|(n, _)| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("users read in {head}"));
    assert!(read > 0 && read < FLEET as u64, "{head}");
    let partial = stdout
        .lines()
        .find(|l| l.starts_with("PARTIAL: "))
        .unwrap_or_else(|| panic!("a PARTIAL line: {stdout}"));
    assert!(
        partial.contains(&label) && says_not_read(partial),
        "{partial}"
    );
    assert!(stderr.contains(&label), "{stderr}");
    assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"));
}

/// A psql session holding `memory_bank` of `db` locked (until its stdin is told to COMMIT or
/// closes): every read of the table waits on it.
fn lock_memory_bank(pg: &Postgres, db: &str) -> (Child, std::process::ChildStdin) {
    lock_table(pg, db, "memory_bank")
}

/// A psql session holding `table` of `db` locked, as [`lock_memory_bank`].
fn lock_table(pg: &Postgres, db: &str, table: &str) -> (Child, std::process::ChildStdin) {
    pg.lock_table(db, table)
}

/// A key the server refuses to read (an ACL user without access to it: `NOPERM`) is one
/// malformed item naming the key and the server's answer, never an absent session or a key
/// "without a TTL": the rest of the user loads.
#[test]
fn a_key_the_server_refuses_to_read_is_named_not_taken_for_absent() {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("refused_keys");
    seed_fleet(&redis, &db, 3);
    let _: () = redis::cmd("ACL")
        .arg(&[
            "SETUSER",
            "lim",
            "on",
            ">pw",
            "~context:*",
            "+@read",
            "+@connection",
        ])
        .query(&mut redis.connection())
        .expect("ACL SETUSER");
    let url = format!("redis://lim:pw@127.0.0.1:{}", redis.port());
    let env = [("REDIS_URL", url), ("DATABASE_URL", db.clone())];
    let out = ctxlens_with(&["inspect", "s1-000000", "--json"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("inspect JSON");
    let malformed = v["assembly"]["malformed"].to_string();
    assert!(
        malformed.contains("session:s1-000000:") && malformed.contains("NOPERM"),
        "{malformed}"
    );
    let findings = v["findings"].to_string();
    assert!(
        !findings.contains("no_ttl"),
        "a refused TTL is not 'no TTL': {findings}"
    );
    let text = ctxlens_with(&["inspect", "s1-000000"], &env);
    assert!(text.stdout.contains("TTL not read"), "{}", text.stdout);
    // No channel either: the refusal names the command the server refused, a pattern's too.
    for (args, command) in [
        (&["watch", "--count", "1"][..], "PSUBSCRIBE progress:*"),
        (
            &["watch", "s1-000000", "--count", "1"],
            "SUBSCRIBE progress:s1-000000",
        ),
    ] {
        let out = ctxlens_with(args, &env);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{command}: ")) && out.stderr.contains("NOPERM"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn one_users_unreadable_row_fails_that_user_not_its_batch() {
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let db = pg.create_database("bad_row");
    seed_fleet(&redis, &db, 300);
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let clean = ctxlens_with(&["report", "--json"], &env);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let clean: serde_json::Value = serde_json::from_str(&clean.stdout).expect("JSON");
    let all = clean["users"].as_u64().unwrap_or(0);
    // A legal Postgres timestamp that chrono cannot hold: decoding it panics inside sqlx.
    pg.psql(
        "bad_row",
        "UPDATE memory_bank SET created_at = 'infinity'
          WHERE id = (SELECT min(id) FROM memory_bank)",
    );
    let out = ctxlens_with(&["report", "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("a report is printed");
    let (users, errors) = (
        v["users"].as_u64().unwrap_or(0),
        v["errors"]["count"].as_u64().unwrap_or(0),
    );
    assert!(
        errors <= 1,
        "at most the one user fails, not its batch: {}",
        v["errors"]
    );
    assert_eq!(users + errors, all, "every other user is read");
    assert_eq!(v["partial"], false);
    assert!(
        !out.stderr.contains("panicked"),
        "a caught panic stays off stderr: {}",
        out.stderr
    );
}

/// Waits until a client of `redis` is subscribed to `channel`.
fn await_subscribed(redis: &RedisServer, channel: &str) {
    let mut conn = redis.connection();
    await_condition("watch to subscribe", Duration::from_secs(20), || {
        let (_, n): (String, u64) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(channel)
            .query(&mut conn)
            .expect("PUBSUB NUMSUB");
        n > 0
    });
}

#[test]
fn watch_exits_1_naming_redis_when_it_goes_away() {
    let mut redis = RedisServer::start();
    let url = redis.add_readonly_user("watcher", "s3cret-watch");
    let child = spawn(&["watch", "u001", "--json"], &[("REDIS_URL", url)]);
    await_subscribed(&redis, "progress:u001");
    redis.stop();
    let out = finish(child, Duration::from_secs(20), "watch");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "ctxlens: redis 127.0.0.1:{}: progress:u001: the subscription ended: the connection was lost, or the server stopped answering",
            redis.port()
        )
    );
    assert!(!stderr.contains("s3cret"));
}

/// A Redis that stops answering (paused) while `watch` is subscribed ends it too, exit 1
/// naming the store, within a PING's interval and wait: never a silent wait for ever.
#[test]
fn watch_exits_1_when_redis_stops_answering() {
    let redis = RedisServer::start();
    let child = spawn(
        &["watch", "u001", "--connect-timeout", "1"],
        &[("REDIS_URL", redis.url())],
    );
    let mut conn = redis.connection();
    await_subscribed(&redis, "progress:u001");
    // An answered PING keeps it: an event published after the first one (5 s in) is shown.
    let event = r#"{"milestone":"M1","progress":40,"timestamp":"2025-01-15T12:00:00Z"}"#;
    let start = Instant::now();
    let mut child = child;
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    while start.elapsed() < Duration::from_secs(6) {
        assert!(
            child.try_wait().expect("poll").is_none(),
            "ended while answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let () = redis::cmd("PUBLISH")
        .arg("progress:u001")
        .arg(event)
        .query(&mut conn)
        .expect("PUBLISH");
    let mut line = String::new();
    while !line.contains("40.0%") {
        line.clear();
        let n = std::io::BufRead::read_line(&mut out, &mut line).expect("an event line");
        assert!(n > 0, "watch ended before the event");
    }
    assert!(line.contains("u001"), "{line}");
    // Long enough for the first PING (5 s after subscribing) to go unanswered for 1 s; the
    // pause then ends by itself (a paused server takes no UNPAUSE or SHUTDOWN either).
    let () = redis::cmd("CLIENT")
        .arg(&["PAUSE", "12000", "ALL"])
        .query(&mut conn)
        .expect("CLIENT PAUSE");
    let out = finish(child, Duration::from_secs(30), "watch");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "redis 127.0.0.1:{}: progress:u001: the subscription ended",
            redis.port()
        )),
        "{stderr}"
    );
}

/// Keys in `redis`'s database.
fn redis_keys(redis: &RedisServer) -> u64 {
    redis::cmd("DBSIZE")
        .query(&mut redis.connection())
        .expect("DBSIZE")
}

#[test]
fn server_errors_carry_their_sqlstate_not_a_c_source_line_and_no_password() {
    let pg = Postgres::shared();
    pg.create_database("not_migrated");
    let url = format!(
        "postgres://postgres:s3cret-pw@127.0.0.1:{}/not_migrated",
        pg.port()
    );
    let out = ctxlens_with(&["users"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("user_journeys: relation \"user_journeys\" does not exist (SQLSTATE 42P01)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(" at line "), "{}", out.stderr);
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
}

/// `graph USER` and `transition` read the journey alone: with the knowledge table gone (a
/// migration half-applied, a revoked grant) they still answer, while `replay`, which searches
/// it, names the table.
#[test]
fn graph_and_transition_need_no_knowledge_table() {
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let db = pg.create_database("no_knowledge");
    seed_fleet(&redis, &db, 5);
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let users = ctxlens_with(&["users", "--json"], &env);
    assert_eq!(users.code, 0, "{}", users.stderr);
    let users: serde_json::Value = serde_json::from_str(&users.stdout).expect("JSON");
    let user = users["users"][0]["user_id"]
        .as_str()
        .expect("a user")
        .to_string();
    pg.psql(
        "no_knowledge",
        "ALTER TABLE knowledge RENAME TO knowledge_gone",
    );
    let graph = ctxlens_with(&["graph", &user], &env);
    assert_eq!(graph.code, 0, "{}", graph.stderr);
    assert!(graph.stdout.contains("M0"), "{}", graph.stdout);
    let moved = ctxlens_with(&["transition", &user, "--to", "M9", "--json"], &env);
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    let moved: serde_json::Value = serde_json::from_str(&moved.stdout).expect("JSON");
    assert_eq!(moved["to"], "M9", "{moved}");
    let replay = ctxlens_with(&["replay", &user], &env);
    assert_eq!(replay.code, 1, "{}", replay.stdout);
    assert!(replay.stderr.contains("knowledge"), "{}", replay.stderr);
}

/// A Postgres that stops after the store connected says it refuses connections, as one that is
/// down at the start does: the pool's own "no connection within the connect timeout" hid why.
#[test]
fn a_postgres_gone_after_the_start_is_said_to_refuse_connections() {
    use ctxlens::store::Store;
    let mut pg = Postgres::start();
    let url = pg.create_database("gone_later");
    let ends = ctxlens::store::live::Endpoints {
        database_url: Some(url),
        connect_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let rt = common::runtime();
    rt.block_on(async {
        let store = ctxlens::store::live::LiveStore::connect(&ends)
            .await
            .expect("connects");
        assert!(store.health().await.iter().all(|h| h.error.is_none()));
        pg.stop();
        // The pooled connections go first (reset, closed); then new ones are refused.
        let mut last = None;
        for _ in 0..3 {
            last = store.health().await.pop().and_then(|h| h.error);
        }
        let why = last.expect("Postgres is down");
        assert!(why.contains("connection refused"), "{why}");
        assert!(!why.contains("no connection within"), "{why}");
        let err = store
            .users(None, 10)
            .await
            .expect_err("the users list fails");
        assert!(err.is_outage(), "{err}");
        assert!(err.to_string().contains("connection refused"), "{err}");
    });
}
