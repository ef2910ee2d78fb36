//! ctxlens against real Redis and Postgres+pgvector started by the harness: the read path,
//! the contract with the embedded demo, least privilege, seeding and malformed data.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "live/features.rs"]
mod features;
#[path = "live/privilege.rs"]
mod privilege;
#[path = "live/reads.rs"]
mod reads;
#[path = "live/watch.rs"]
mod watch;

use std::process::{Command, Stdio};

use common::servers::{Postgres, RedisServer};
use common::{NOW, Output, ctxlens_with, endpoints, env, migrate_and_seed, runtime, same_replays};
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
        every_user_assembles_alike(&live, &MemoryStore::demo()).await;
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
    the_fleet_report_is_the_same_as_embedded(&env(&redis, &db));
}

/// Every demo user, paged through the demo's listing, assembles to the same JSON from `live` as
/// from `demo` under both presets, at the demo's clock.
async fn every_user_assembles_alike(live: &LiveStore, demo: &MemoryStore) {
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
                let (a, _) = load_snapshot(live, &u.user_id, &opts, params)
                    .await
                    .expect("live load");
                let (b, _) = load_snapshot(demo, &u.user_id, &opts, params)
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
}

/// The fleet report, with a baseline, is the same from the live stores of `env` and from
/// embedded.
fn the_fleet_report_is_the_same_as_embedded(env: &[(&str, String)]) {
    let args = [
        "report",
        "--json",
        "--now",
        NOW,
        "--set",
        "budget.total=2500",
    ];
    let live = ctxlens_with(&args, env);
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

#[test]
fn malformed_live_data_is_reported_and_the_rest_still_loads() {
    let (redis, db) = seeded("malformed");
    odd_journey_rows_are_named_in_the_header(&redis, &db);
    write_malformed_values(&redis, &db);
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
    other_milestones_cached_contexts_are_named_when_they_never_go_or_cannot_be_read(&redis, &db);
}

/// A journey row with a milestone the map does not know and an empty name: the header says so.
fn odd_journey_rows_are_named_in_the_header(redis: &RedisServer, db: &str) {
    Postgres::shared().psql(
        "malformed",
        "INSERT INTO user_journeys (user_id, current_milestone, display_name) VALUES \
         ('odd1', 'ZZ9', ''), ('odd2', '', NULL)",
    );
    for (user, header) in [
        ("odd1", "odd1 · at ZZ9 (not in the map) · "),
        ("odd2", "odd2 · at no milestone (empty) · "),
    ] {
        let out = ctxlens_with(&["inspect", user], &env(redis, db));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let first = out.stdout.lines().next().unwrap_or_default();
        assert!(first.starts_with(header), "{first}");
    }
}

/// Values of u005 no reader takes: a session key holding a hash, one over the read limit, one
/// not UTF-8; and a knowledge row whose embedding is all zeros.
fn write_malformed_values(redis: &RedisServer, db: &str) {
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
}

/// Cached contexts of other milestones than the user's: no prompt reads them, so one that
/// expires is no finding; one without a TTL, or that holds no readable cached context, is.
fn other_milestones_cached_contexts_are_named_when_they_never_go_or_cannot_be_read(
    redis: &RedisServer,
    db: &str,
) {
    write_other_milestones_contexts(redis);
    let out = ctxlens_with(&["inspect", "u005", "--json"], &env(redis, db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    let about = |key: &str| -> Vec<(String, String)> {
        findings
            .iter()
            .filter(|f| f["source"] == key)
            .map(|f| {
                (
                    f["kind"].as_str().unwrap_or("").to_string(),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let whose =
        |m: &str| format!("a cached context of {m}, not of the user's current milestone (M4)");
    let m0 = about("context:u005:M0");
    assert_eq!(m0.len(), 1, "{findings:?}");
    assert_eq!(m0[0].0, "unexpected_shape");
    assert!(
        m0[0].1.starts_with(&format!(
            "{}, and not readable as one: not JSON",
            whose("M0")
        )) && m0[0].1.ends_with("; it has no TTL"),
        "{m0:?}"
    );
    let m9 = about("context:u005:M9");
    assert_eq!(
        m9,
        [(
            "unexpected_shape".to_string(),
            format!(
                "{}, and not readable as one: a hash, not a string",
                whose("M9")
            )
        )]
    );
    assert_eq!(
        about("context:u005:M1"),
        [(
            "no_ttl".to_string(),
            format!(
                "{}: no prompt reads it, and it has no TTL, so it never goes",
                whose("M1")
            )
        )]
    );
    assert!(about("context:u005:M2").is_empty(), "{findings:?}");
    // The one the prompt reads is still u005's own.
    assert_eq!(v["cached_context"], true);
}

/// u005's cached contexts of other milestones: M0 not JSON, M9 a hash (expiring), M1 a copy of
/// M4's without a TTL, M2 a copy that expires.
fn write_other_milestones_contexts(redis: &RedisServer) {
    let mut conn = redis.connection();
    let current: String = redis::cmd("GET")
        .arg("context:u005:M4")
        .query(&mut conn)
        .expect("u005 is at M4, its context cached");
    redis::pipe()
        .cmd("SET")
        .arg("context:u005:M0")
        .arg("not json at all")
        .ignore()
        .cmd("HSET")
        .arg("context:u005:M9")
        .arg("a")
        .arg("b")
        .ignore()
        .cmd("EXPIRE")
        .arg("context:u005:M9")
        .arg(3600)
        .ignore()
        .cmd("SET")
        .arg("context:u005:M1")
        .arg(&current)
        .ignore()
        .cmd("SET")
        .arg("context:u005:M2")
        .arg(&current)
        .arg("EX")
        .arg(3600)
        .ignore()
        .query::<()>(&mut conn)
        .expect("writes");
}

/// Two users read now from live stores are compared at one clock: the milliseconds between
/// the two reads are no change, and `--json` is the same on every run.
#[test]
fn diff_of_two_live_users_reads_both_at_one_clock() {
    let (redis, db) = seeded("two_users");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db)];
    let text = ctxlens_with(&["diff", "u001", "u002"], &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("u001"), "{}", text.stdout);
    assert!(!text.stdout.contains("clock moved"), "{}", text.stdout);
    let first = ctxlens_with(&["diff", "u001", "u002", "--json"], &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = ctxlens_with(&["diff", "u001", "u002", "--json"], &env);
    let (mut a, mut b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&first.stdout).expect("JSON"),
        serde_json::from_str(&again.stdout).expect("JSON"),
    );
    // Each run has its own clock; within a run both sides share it, and the rest is the same.
    assert_eq!(a["a"]["now"], a["b"]["now"], "{}", first.stdout);
    for v in [&mut a, &mut b] {
        for side in ["a", "b"] {
            v[side]["now"] = serde_json::Value::Null;
        }
    }
    assert_eq!(a, b);
}
