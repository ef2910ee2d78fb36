//! ctxlens against real Redis and Postgres+pgvector started by the harness: the read path,
//! the contract with the embedded demo, least privilege, seeding and malformed data.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::servers::{Postgres, RedisServer};
use common::{NOW, Output, ctxlens_with, endpoints, env, runtime, same_replays};
use ctxlens::engine::{Engine, Policy};
use ctxlens::store::live::LiveStore;
use ctxlens::store::redis::WINDOW_KEYS;
use ctxlens::store::{
    FleetPass, KnowledgeParams, LoadOptions, MemoryStore, Store, StoreError, UserData,
    load_snapshot,
};

/// A Redis and a fresh database with the demo seeded: (redis, database URL).
fn seeded(db: &str) -> (RedisServer, String) {
    let redis = RedisServer::start();
    let url = Postgres::shared().create_database(db);
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", url.clone())];
    let m = ctxlens_with(&["migrate"], &env);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    let s = ctxlens_with(&["seed"], &env);
    assert_eq!(s.code, 0, "seed: {}", s.stderr);
    assert!(
        s.stdout.contains(": 71 users, 66 knowledge rows"),
        "{}",
        s.stdout
    );
    (redis, url)
}

#[test]
fn every_demo_user_replays_identically_from_live_and_embedded() {
    let (redis, db) = seeded("contract");
    let rt = runtime();
    rt.block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let demo = MemoryStore::demo();
        let engine = Engine::default();
        let now = chrono::DateTime::parse_from_rfc3339(NOW)
            .expect("time")
            .with_timezone(&chrono::Utc);
        let opts = LoadOptions {
            now: Some(now),
            ..LoadOptions::default()
        };
        for preset in ["prolaunch", "layered-adr"] {
            let policy = Policy::preset(preset).expect("preset");
            let params = KnowledgeParams::of(&policy);
            let mut cursor = None;
            let mut users = 0;
            loop {
                let page = demo.users(cursor.as_deref(), 50).await.expect("demo users");
                for u in &page.users {
                    let (a, _) = load_snapshot(&live, &u.user_id, &opts, params)
                        .await
                        .expect("live load");
                    let (b, _) = load_snapshot(&demo, &u.user_id, &opts, params)
                        .await
                        .expect("demo load");
                    let (ja, jb) = (
                        engine.assemble(&a, &policy).to_json(),
                        engine.assemble(&b, &policy).to_json(),
                    );
                    assert!(
                        ja == jb,
                        "{} under {preset}: live and embedded replays differ",
                        u.user_id
                    );
                    users += 1;
                }
                cursor = page.next_cursor;
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(users, 71);
        }
    });
    // And through the binary, for a few users.
    same_replays(
        &["u005", "u062", "u066", "u067"],
        &env(&redis, &db),
        &[],
        "live vs embedded",
    );
    // A knowledge row explained: one exact cosine query on Postgres, the same gates as the demo,
    // also for a row the search does not return (kn:27 for u005) and one named by its title.
    for args in [
        ["explain", "u005", "kn:25", "--json", "--now", NOW],
        ["explain", "u005", "kn:27", "--json", "--now", NOW],
        ["explain", "u069", "Price testing", "--json", "--now", NOW],
    ] {
        let live = ctxlens_with(&args, &env(&redis, &db));
        let embedded = ctxlens_with(&args, &[]);
        assert_eq!(live.code, 0, "{args:?}: {}", live.stderr);
        assert_eq!(live.stdout, embedded.stdout, "{args:?}");
    }
    // The fleet report, with a baseline, is the same from live stores and from embedded.
    let args = [
        "report",
        "--json",
        "--now",
        NOW,
        "--set",
        "budget.total=2500",
    ];
    let live = ctxlens_with(&args, &env(&redis, &db));
    let embedded = ctxlens_with(&args, &[]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert_eq!(embedded.code, 0, "{}", embedded.stderr);
    // The source differs, and only the demo knows its user count up front.
    let parse = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).expect("report JSON");
        let source = v["source"].take();
        v["users_total"].take();
        (v, source)
    };
    let ((a, live_source), (b, demo_source)) = (parse(&live.stdout), parse(&embedded.stdout));
    assert_eq!(demo_source, "DEMO");
    assert_ne!(live_source, demo_source);
    assert_eq!(a["users"], 71);
    assert!(a["changes"]["users_changed"].as_u64() > Some(0), "{a}");
    if a != b {
        let (a, b) = (a.to_string(), b.to_string());
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "live and embedded reports differ at byte {at}: live …{}… embedded …{}…",
            &a[at.saturating_sub(80)..(at + 80).min(a.len())],
            &b[at.saturating_sub(80)..(at + 80).min(b.len())]
        );
    }
}

/// Redis commands a reader may send.
const READ_COMMANDS: &[&str] = &[
    "scan",
    "type",
    "ttl",
    "get",
    "strlen",
    "getrange",
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

#[test]
fn malformed_live_data_is_reported_and_the_rest_still_loads() {
    let (redis, db) = seeded("malformed");
    let mut conn = redis.connection();
    let big = format!("[{}]", "x".repeat(5 << 20));
    redis::pipe()
        .cmd("HSET")
        .arg("session:u005:s9")
        .arg("a")
        .arg("b")
        .ignore()
        .cmd("SET")
        .arg("session:u005:s8")
        .arg(big)
        .ignore()
        .cmd("SET")
        .arg("session:u005:s7")
        .arg(b"[\xff\xfe]".as_slice())
        .ignore()
        .query::<()>(&mut conn)
        .expect("writes");
    Postgres::shared().psql(
        db.rsplit('/').next().unwrap_or("malformed"),
        &format!("INSERT INTO knowledge (milestone, title, content, embedding) VALUES ('M4', 'zero', 'z', '[{}]')",
            vec!["0"; 384].join(",")),
    );
    let out = ctxlens_with(
        &[
            "inspect",
            "u005",
            "--json",
            "--query",
            "landed cost pricing",
        ],
        &env(&redis, &db),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let malformed = v["assembly"]["malformed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let reason = |src: &str| {
        malformed
            .iter()
            .find(|m| m["source"] == src)
            .map(|m| m["reason"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(
        reason("session:u005:s9").as_deref(),
        Some("key holds a Redis hash, not a string or a list")
    );
    assert!(
        reason("session:u005:s8").is_some_and(|r| r.contains("over the 4 MiB read limit")),
        "{malformed:?}"
    );
    assert!(
        reason("session:u005:s7").is_some_and(|r| r.starts_with("value is not valid UTF-8")),
        "{malformed:?}"
    );
    assert!(
        malformed
            .iter()
            .any(|m| m["reason"] == "similarity is NaN: the embedding is all zeros"),
        "{malformed:?}"
    );
    assert!(
        v["assembly"]["layers"]["journey"]["kept"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "the rest still loads"
    );
}

/// `ctxlens watch ARGS` against the seeded stores, once its subscription is on the server
/// (a channel or a pattern, polled: the server cannot be awaited), and a connection to publish on.
// The child goes to the caller, which waits for it; a failed step ends the test process.
#[allow(clippy::zombie_processes)]
fn watching(
    redis: &RedisServer,
    db: &str,
    args: &[&str],
) -> (std::process::Child, redis::Connection) {
    let child = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .arg("watch")
        .args(args)
        .envs(env(redis, db))
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch runs");
    let mut conn = redis.connection();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, channels): (String, u64) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg("progress:u001")
            .query(&mut conn)
            .expect("numsub");
        let patterns: u64 = redis::cmd("PUBSUB")
            .arg("NUMPAT")
            .query(&mut conn)
            .expect("numpat");
        if channels + patterns > 0 {
            return (child, conn);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "watch never subscribed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn watch_prints_published_progress_events() {
    let (redis, db) = seeded("watch");
    let (child, mut conn) = watching(&redis, &db, &["u001", "--json", "--count", "1"]);
    let payload = r#"{"milestone":"M0","progress":100,"timestamp":"2025-01-15T12:00:00Z"}"#;
    let _: i64 = redis::cmd("PUBLISH")
        .arg("progress:u001")
        .arg(payload)
        .query(&mut conn)
        .expect("publish");
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        line.trim(),
        r#"{"user_id":"u001","milestone":"M0","progress":100.0,"timestamp":"2025-01-15T12:00:00Z"}"#
    );
}

/// Every user's events: a channel whose name is not UTF-8 is named by its bytes on stderr and
/// never printed as an event of some user (`?`).
#[test]
fn watch_names_a_channel_that_is_not_utf8_and_gives_it_no_user() {
    let (redis, db) = seeded("watchbytes");
    let (child, mut conn) = watching(&redis, &db, &["--json", "--count", "2"]);
    let payload = r#"{"milestone":"M1","progress":50,"timestamp":"2025-01-15T12:00:00Z"}"#;
    for channel in [&b"progress:\xff\xfe"[..], b"progress:u001"] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(channel)
            .arg(payload)
            .query(&mut conn)
            .expect("publish");
    }
    let out = child.wait_with_output().expect("watch ends after two");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout.trim(),
        r#"{"user_id":"u001","milestone":"M1","progress":50.0,"timestamp":"2025-01-15T12:00:00Z"}"#,
        "{stderr}"
    );
    assert_eq!(
        stderr.trim(),
        r"ctxlens: progress:\xFF\xFE: the channel's name is not UTF-8: not any user's event"
    );
}

#[test]
fn loading_one_user_is_one_scan_and_one_pipeline() {
    let (redis, db) = seeded("roundtrips");
    redis.reset_stats();
    let out = ctxlens_with(&["replay", "u005", "--json"], &env(&redis, &db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stats = redis.command_stats();
    let calls = |c: &str| stats.iter().find(|(n, _)| n == c).map_or(0, |(_, k)| *k);
    assert_eq!(
        calls("scan"),
        1,
        "one SCAN call finds the user's keys on a small keyspace: {stats:?}"
    );
    // The pipeline: TYPE, TTL, STRLEN, GETRANGE and LRANGE for each of u005's keys, sent
    // together (a string is read up to the read limit only).
    assert!(
        calls("type") >= 2
            && calls("type") == calls("ttl")
            && calls("ttl") == calls("strlen")
            && calls("strlen") == calls("getrange"),
        "{stats:?}"
    );
}

#[test]
fn a_redis_cluster_reads_like_a_single_server() {
    let cluster = common::servers::RedisCluster::start();
    let hosts: Vec<String> = cluster
        .urls()
        .iter()
        .map(|u| {
            u.trim_start_matches("redis://")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let cluster_url = format!("redis+cluster://{}", hosts.join(","));
    let single = RedisServer::start();
    for url in [&cluster_url, &single.url()] {
        let out = ctxlens_with(&["seed"], &[("REDIS_URL", url.clone())]);
        assert_eq!(out.code, 0, "seed {url}: {}", out.stderr);
    }
    // The keys really are spread over the masters.
    let spread = cluster.nodes().iter().filter(|n| {
        let mut c = n.connection();
        redis::cmd("DBSIZE").query::<u64>(&mut c).expect("dbsize") > 0
    });
    assert!(spread.count() >= 2, "keys on at least two masters");
    let users = ctxlens_with(&["users", "--json"], &[("REDIS_URL", cluster_url.clone())]);
    let v: serde_json::Value =
        serde_json::from_str(&users.stdout).unwrap_or_else(|_| panic!("{}", users.stderr));
    let n = v["users"].as_array().map_or(0, Vec::len);
    assert_eq!(n, 71, "every master scanned: {n} users");
    for user in ["u005", "u064", "u066"] {
        let a = ctxlens_with(
            &["replay", user, "--json", "--now", NOW],
            &[("REDIS_URL", cluster_url.clone())],
        );
        let b = ctxlens_with(
            &["replay", user, "--json", "--now", NOW],
            &[("REDIS_URL", single.url())],
        );
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert!(
            a.stdout == b.stdout,
            "{user}: cluster and single server differ"
        );
    }
    // A report reads batches across the masters: the same as from the single server.
    let report = |url: &String| {
        let out = ctxlens_with(
            &["report", "--json", "--now", NOW],
            &[("REDIS_URL", url.clone())],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut v: serde_json::Value = serde_json::from_str(&out.stdout).expect("report JSON");
        v["source"].take();
        v
    };
    let (a, b) = (report(&cluster_url), report(&single.url()));
    assert_eq!(a["users"], 71);
    assert!(a == b, "cluster and single-server reports differ");
    let again = ctxlens_with(&["seed"], &[("REDIS_URL", cluster_url)]);
    assert!(
        again.stderr.contains("redis cluster") && again.stderr.contains("not empty"),
        "{}",
        again.stderr
    );
}

#[test]
fn every_connection_searches_with_ef_search_100() {
    let (redis, db) = seeded("efsearch");
    let rt = runtime();
    rt.block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let pool = live.pg.as_ref().expect("postgres").pool();
        for _ in 0..3 {
            let v: String = sqlx::query_scalar("SHOW hnsw.ef_search")
                .fetch_one(pool)
                .await
                .expect("show");
            assert_eq!(v, "100");
        }
    });
}

#[test]
fn paging_users_lists_each_once_across_the_postgres_and_redis_phases() {
    // 150 users with a journey row, 1,500 with sessions only: their 2,500 session keys and the
    // journey users' keys take several SCAN batches, and most orphans have keys in more than one.
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("paging");
    let env = env(&redis, &db);
    assert_eq!(ctxlens_with(&["migrate"], &env).code, 0);
    Postgres::shared().psql(
        "paging",
        "INSERT INTO user_journeys (user_id, current_milestone)
         SELECT 'j' || lpad(i::text, 4, '0'), 'M1' FROM generate_series(0, 149) AS i;",
    );
    let mut conn = redis.connection();
    let mut pipe = redis::pipe();
    for i in 0..150 {
        // Two in three journey users have sessions, so Redis knows them too.
        for s in 0..(i % 3) {
            pipe.cmd("SET")
                .arg(format!("session:j{i:04}:s{s}"))
                .arg("[]")
                .ignore();
        }
    }
    for i in 0..1_500 {
        for s in 0..=(i % 2) {
            pipe.cmd("SET")
                .arg(format!("session:r{i:04}:s{s}"))
                .arg("[]")
                .ignore();
        }
        pipe.cmd("SET")
            .arg(format!("context:r{i:04}:M0"))
            .arg("{}")
            .ignore();
    }
    let () = pipe.query(&mut conn).expect("load redis");
    let expected: Vec<String> = (0..150)
        .map(|i| format!("j{i:04}"))
        .chain((0..1_500).map(|i| format!("r{i:04}")))
        .collect();

    let rt = runtime();
    rt.block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let (mut listed, mut cursors) = (Vec::new(), Vec::new());
        let mut cursor: Option<String> = None;
        loop {
            let page = live.users(cursor.as_deref(), 40).await.expect("a page");
            assert!(page.users.len() <= 40, "a page holds at most the limit");
            listed.extend(page.users.into_iter().map(|u| u.user_id));
            cursor = page.next_cursor;
            match &cursor {
                Some(c) => cursors.push(c.clone()),
                None => break,
            }
        }
        assert!(
            listed == expected,
            "every user once, journey users first, then those only Redis knows, each sorted \
             ({} listed, {} distinct)",
            listed.len(),
            listed
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
        assert!(cursors.iter().any(|c| c.starts_with("pg:")));
        assert!(cursors.iter().any(|c| c == "redis"));
        assert!(cursors.iter().any(|c| c.starts_with("redis:")));

        // A cursor of the Redis phase carries on in another process (which scans afresh).
        let resume = cursors
            .iter()
            .find(|c| c.starts_with("redis:"))
            .expect("a Redis-phase cursor");
        let other = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let page = other.users(Some(resume), 1_000).await.expect("a page");
        let at = listed
            .iter()
            .position(|u| resume.strip_prefix("redis:") == Some(u.as_str()))
            .expect("the cursor names a listed user");
        let rest: Vec<String> = page.users.into_iter().map(|u| u.user_id).collect();
        assert_eq!(rest, listed[at + 1..at + 1 + rest.len()].to_vec());
    });

    // The binary, to the end, in the SPEC's JSON shape.
    let out = ctxlens_with(&["users", "--json"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(v["next_cursor"].is_null());
    let ids: Vec<&str> = v["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["user_id"].as_str())
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn a_fleet_pass_reads_batches_as_loading_each_user_would_with_one_scan() {
    let (redis, db) = seeded("batches");
    let rt = runtime();
    rt.block_on(async {
        let mut live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let demo = MemoryStore::demo();
        let mut ids = vec!["nobody".to_string()];
        let page = demo.users(None, 1000).await.expect("demo users");
        ids.extend(page.users.into_iter().map(|u| u.user_id));
        let opts = LoadOptions::default();
        // `now` is the time of the read, and TTLs count down between reads: compare whether a
        // key has a TTL, and everything else.
        let comparable = |r: Result<UserData, StoreError>| {
            r.map(|mut d| {
                d.now = chrono::DateTime::UNIX_EPOCH;
                for s in &mut d.sessions {
                    s.ttl = s.ttl.map(|_| 1);
                }
                d.cached_context_ttl = d.cached_context_ttl.map(|_| 1);
                d
            })
            .map_err(|e| e.to_string())
        };
        let mut each = Vec::new();
        for id in &ids {
            each.push(comparable(live.load_user(id, &opts).await));
        }
        assert!(each[0].is_err() && each[1..].iter().all(Result::is_ok));
        // The default window holds the whole keyspace: one SCAN for the pass. A window of one
        // key is scanned again and again, and users with more keys are loaded one by one.
        for (cap, scans) in [(WINDOW_KEYS, 1..=1), (1, 10..=usize::MAX)] {
            live.redis.as_mut().expect("redis").window_keys = cap;
            redis.reset_stats();
            let pass = FleetPass::default();
            let mut batched = Vec::new();
            for chunk in ids.chunks(10) {
                let loaded = live.load_users(chunk, &opts, &pass).await;
                batched.extend(loaded.into_iter().map(comparable));
            }
            assert!(batched == each, "window of {cap} keys: batches differ");
            let stats = redis.command_stats();
            let n = stats
                .iter()
                .find(|(c, _)| c == "scan")
                .map_or(0, |(_, k)| *k);
            assert!(
                scans.contains(&(n as usize)),
                "window of {cap}: {n} SCAN calls"
            );
        }
    });
    // A whole report: the listing's SCAN of session keys and one for the loads.
    redis.reset_stats();
    let out = ctxlens_with(&["report", "--json", "--now", NOW], &env(&redis, &db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stats = redis.command_stats();
    let n = stats
        .iter()
        .find(|(c, _)| c == "scan")
        .map_or(0, |(_, k)| *k);
    assert!(n <= 3, "71 users read with {n} SCAN calls: {stats:?}");
}

#[test]
fn diff_reads_live_stores_as_it_reads_the_demo() {
    let (redis, db) = seeded("diffs");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    for args in [
        &["diff", "u005", "u006", "--json", "--now", NOW][..],
        &[
            "diff",
            "u062",
            "--against-set",
            "session.max_items=3",
            "--json",
            "--now",
            NOW,
        ],
        &["diff", "u062", "--against", "layered-adr", "--now", NOW],
    ] {
        let (live, demo) = (ctxlens_with(args, &env), ctxlens_with(args, &[]));
        assert_eq!(
            (live.code, demo.code),
            (0, 0),
            "{}{}",
            live.stderr,
            demo.stderr
        );
        assert!(live.stdout.contains("first cause") || live.stdout.contains("\"first_cause\": {"));
        assert!(live.stdout == demo.stdout, "{args:?}: live and demo differ");
    }
    // Without --now the live clock runs: one user under two policies is still read once, so
    // the policy key is the only input change (no "clock moved" between two reads).
    let out = ctxlens_with(
        &[
            "diff",
            "u062",
            "--against-set",
            "session.max_items=3",
            "--json",
        ],
        &env,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let causes: Vec<&str> = d["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["cause"].as_str().expect("cause"))
        .collect();
    assert_eq!(causes, ["policy_field_change"], "{}", out.stdout);
}

/// `diff USER --at T1 --at T2` reconstructs both instants from live stores as from the demo:
/// the same input changes, first cause, items and prompt lines.
#[test]
fn diff_at_two_instants_reads_live_stores_as_it_reads_the_demo() {
    let (redis, db) = seeded("diff_at");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    let args = [
        "diff",
        "u062",
        "--at",
        "2025-01-10T00:00:00Z",
        "--at",
        "2025-01-14T21:00:00Z",
        "--json",
    ];
    let (live, demo) = (ctxlens_with(&args, &env), ctxlens_with(&args, &[]));
    assert_eq!(
        (live.code, demo.code),
        (0, 0),
        "{}{}",
        live.stderr,
        demo.stderr
    );
    let parse =
        |o: &Output| -> serde_json::Value { serde_json::from_str(&o.stdout).expect("json") };
    let (l, d) = (parse(&live), parse(&demo));
    assert_eq!(l["a"]["now"], "2025-01-10T00:00:00Z");
    assert_eq!(l["b"]["now"], "2025-01-14T21:00:00Z");
    let subjects: Vec<&str> = l["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["subject"].as_str().expect("subject"))
        .collect();
    assert!(subjects.contains(&"mb:330"), "{subjects:?}");
    assert!(
        !subjects.contains(&"mb:331"),
        "the transition of 21:53 is after the second instant: {subjects:?}"
    );
    for key in [
        "inputs",
        "cause",
        "first_cause",
        "minimal",
        "items",
        "prompt_diff",
    ] {
        assert_eq!(l[key], d[key], "{key}: live and demo differ");
    }
    for side in ["a", "b"] {
        assert_eq!(
            l[side]["total_tokens"], d[side]["total_tokens"],
            "{side}: live and demo differ"
        );
    }
}

/// Copies across layers on live stores: `replay` names the same pairs as the demo, `dedupe`
/// removes them the same way, and `report --duplicates` counts the same tokens on second copies.
#[test]
fn duplicates_and_dedupe_read_live_stores_as_they_read_the_demo() {
    let (redis, db) = seeded("dupes");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    let parse = |o: &Output| -> serde_json::Value {
        assert_eq!(o.code, 0, "{}", o.stderr);
        serde_json::from_str(&o.stdout).expect("json")
    };
    for set in ["dedupe=off", "dedupe=exact", "dedupe=near"] {
        let args = ["replay", "u070", "--json", "--now", NOW, "--set", set];
        let (live, demo) = (
            parse(&ctxlens_with(&args, &env)),
            parse(&ctxlens_with(&args, &[])),
        );
        let pairs = live["duplicates"].as_array().expect("duplicates");
        assert!(!pairs.is_empty(), "{set}: u070 has copies");
        assert_eq!(live["duplicates"], demo["duplicates"], "{set}");
        assert_eq!(live["total_tokens"], demo["total_tokens"], "{set}");
        let removed = pairs.iter().filter(|p| p["removed"] == true).count();
        match set {
            "dedupe=off" => assert_eq!(removed, 0, "nothing removed by default"),
            _ => assert!(removed > 0, "{set} removes copies"),
        }
    }
    let args = ["report", "--format", "json", "--duplicates", "--now", NOW];
    let (live, demo) = (
        parse(&ctxlens_with(&args, &env)),
        parse(&ctxlens_with(&args, &[])),
    );
    assert_eq!(live["duplicates_found"], true);
    assert_eq!(live["candidate"]["users_with_duplicates"], 4);
    for key in [
        "duplicate_tokens",
        "duplicate_share",
        "users_with_duplicates",
    ] {
        assert_eq!(live["candidate"][key], demo["candidate"][key], "{key}");
    }
    assert_eq!(live["duplicated_users"], demo["duplicated_users"]);
    let args = [
        "report",
        "--format",
        "json",
        "--set",
        "dedupe=near",
        "--now",
        NOW,
    ];
    let dedupe = parse(&ctxlens_with(&args, &env));
    assert_eq!(dedupe["duplicates_found"], true);
    assert_eq!(
        dedupe["candidate"]["duplicate_tokens"], 0,
        "none left in a prompt"
    );
}

/// `optimize` on live stores loads the fleet through the stores and finds what it finds on the
/// demo they were seeded from: the same baseline, best point and recommended TOML.
#[test]
fn optimize_reads_live_stores_as_it_reads_the_demo() {
    let (redis, db) = seeded("optimize");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    let args = [
        "optimize",
        "--trials",
        "12",
        "--holdout",
        "0.3",
        "--now",
        NOW,
        "--json",
    ];
    let parse = |o: &Output| -> serde_json::Value {
        assert_eq!(o.code, 0, "{}", o.stderr);
        serde_json::from_str(&o.stdout).expect("json")
    };
    let (live, demo) = (
        parse(&ctxlens_with(&args, &env)),
        parse(&ctxlens_with(&args, &[])),
    );
    assert_ne!(live["source"], demo["source"], "read from the stores");
    assert_eq!(live["users"], 71);
    for key in [
        "users_optimized",
        "baseline",
        "best",
        "free",
        "notes",
        "holdout",
        "policy_toml",
    ] {
        assert_eq!(live[key], demo[key], "{key}: live and demo differ");
    }
}
