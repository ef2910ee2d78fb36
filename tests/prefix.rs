//! A key prefix (`--key-prefix`) names every key and channel ctxlens reads and shows: sessions,
//! the cached context (also on the TUI's Live screen), findings and the progress channel.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::servers::{Postgres, RedisServer};
use common::{ctxlens_with, env};

#[test]
fn every_key_shown_carries_the_prefix_and_replays_are_unchanged() {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("prefix");
    let stores = env(&redis, &db).to_vec();
    assert_eq!(ctxlens_with(&["migrate"], &stores).code, 0);
    let seeded = ctxlens_with(&["seed", "--key-prefix", "app:"], &stores);
    assert_eq!(seeded.code, 0, "{}", seeded.stderr);
    let inspect = ctxlens_with(
        &["inspect", "u004", "--json", "--key-prefix", "app:"],
        &stores,
    );
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("JSON");
    let sessions = v["sessions"].as_array().expect("sessions");
    assert!(!sessions.is_empty());
    assert!(
        sessions.iter().all(|s| s["key"]
            .as_str()
            .is_some_and(|k| k.starts_with("app:session:u004:"))),
        "{sessions:?}"
    );
    // u004's cached context has no TTL: the finding names the key as stored.
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("app:context:u004:"))),
        "{findings:?}"
    );
    notes_then_carry_the_prefix(&stores);
    // The same replay as the embedded demo's.
    let now = ["--now", common::NOW];
    let live = ctxlens_with(
        &[
            "replay",
            "u004",
            "--json",
            "--key-prefix",
            "app:",
            now[0],
            now[1],
        ],
        &stores,
    );
    let demo = ctxlens_with(&["replay", "u004", "--json", now[0], now[1]], &[]);
    assert_eq!(
        (live.code, demo.code),
        (0, 0),
        "{}{}",
        live.stderr,
        demo.stderr
    );
    assert!(
        live.stdout == demo.stdout,
        "replays differ with a key prefix"
    );
    // Without the prefix, the stores hold no such user.
    let bare = ctxlens_with(&["inspect", "u004", "--json"], &stores);
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    let v: serde_json::Value = serde_json::from_str(&bare.stdout).expect("JSON");
    assert_eq!(v["sessions"].as_array().map(Vec::len), Some(0));
    live_store_keys_carry_the_prefix(&redis, &db);
}

/// Every `source` in `v` that names a session or context key.
fn key_sources(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .flat_map(|(k, x)| match (k.as_str(), x.as_str()) {
                ("source", Some(s)) if s.contains("session:") || s.contains("context:") => {
                    vec![s.to_string()]
                }
                _ => key_sources(x),
            })
            .collect(),
        serde_json::Value::Array(a) => a.iter().flat_map(key_sources).collect(),
        _ => Vec::new(),
    }
}

/// As of an earlier instant (`inspect --at`), the notes name the keys under the prefix too.
fn notes_then_carry_the_prefix(stores: &[(&str, String)]) {
    let then = ctxlens_with(
        &[
            "inspect",
            "u004",
            "--json",
            "--key-prefix",
            "app:",
            "--at",
            "2025-01-15T00:00:00Z",
        ],
        stores,
    );
    assert_eq!(then.code, 0, "{}", then.stderr);
    let v: serde_json::Value = serde_json::from_str(&then.stdout).expect("JSON");
    let keys = key_sources(&v);
    assert!(keys.contains(&"app:session:u004:*".to_string()), "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("app:")), "{keys:?}");
}

/// The TUI's Live screen reads the cached context's key and the progress channel from the store.
fn live_store_keys_carry_the_prefix(redis: &RedisServer, db: &str) {
    let rt = common::runtime();
    rt.block_on(async {
        let mut ends = common::endpoints(redis, db);
        ends.key_prefix = "app:".into();
        let store = ctxlens::store::live::LiveStore::connect(&ends)
            .await
            .expect("connects");
        let data = ctxlens::store::Store::load_user(&store, "u004", &Default::default())
            .await
            .expect("loads");
        assert!(
            data.cached_context_key
                .as_deref()
                .is_some_and(|k| k.starts_with("app:context:u004:")),
            "{:?}",
            data.cached_context_key
        );
        assert_eq!(
            ctxlens::store::Store::progress_channel(&store, Some("u004")),
            "app:progress:u004"
        );
    });
}
