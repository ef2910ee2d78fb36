//! diff, duplicates and optimize read live stores as they read the demo they were seeded from.

use super::*;
use serde_json::Value;

/// `ctxlens ARGS` on the live stores of `env`, then on the demo they were seeded from; both
/// must succeed (an `optimize` that met no policy's every target answers with 3), alike.
/// Their outputs: (live, demo).
fn live_and_demo(args: &[&str], env: &[(&str, String)]) -> (Output, Output) {
    let (live, demo) = (ctxlens_with(args, env), ctxlens_with(args, &[]));
    let missed = args[0] == "optimize" && demo.stderr.contains("no policy met every target");
    let answered = if missed { 3 } else { 0 };
    assert_eq!(
        (live.code, demo.code),
        (answered, answered),
        "{args:?}: {}{}",
        live.stderr,
        demo.stderr
    );
    (live, demo)
}

/// [`live_and_demo`] of a command printing JSON, parsed.
fn live_and_demo_json(args: &[&str], env: &[(&str, String)]) -> (Value, Value) {
    let (live, demo) = live_and_demo(args, env);
    let parse = |o: &Output| -> Value { serde_json::from_str(&o.stdout).expect("json") };
    (parse(&live), parse(&demo))
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
        let (live, demo) = live_and_demo(args, &env);
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
    let d: Value = serde_json::from_str(&out.stdout).expect("json");
    let causes: Vec<&str> = d["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["cause"].as_str().expect("cause"))
        .collect();
    assert_eq!(causes, ["policy_field_change"], "{}", out.stdout);
    // A knowledge row not there is said not to be in Postgres, where knowledge is read: not
    // in "redis … · postgres …".
    let missing = ctxlens_with(&["explain", "u005", "kn:9999", "--query", "price"], &env);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("no knowledge row kn:9999 in postgres ")
            && !missing.stderr.contains("redis"),
        "{}",
        missing.stderr
    );
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
    // The demo's side of it (which rows each instant holds) is tests/diff_cli.rs's.
    let (l, d) = live_and_demo_json(&args, &env);
    assert_eq!(l["a"]["now"], "2025-01-10T00:00:00Z");
    assert_eq!(l["b"]["now"], "2025-01-14T21:00:00Z");
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
    for set in ["dedupe=off", "dedupe=exact", "dedupe=near"] {
        let args = ["replay", "u070", "--json", "--now", NOW, "--set", set];
        let (live, demo) = live_and_demo_json(&args, &env);
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
    let (live, demo) = live_and_demo_json(&args, &env);
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
    let out = ctxlens_with(&args, &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dedupe: Value = serde_json::from_str(&out.stdout).expect("json");
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
    let (live, demo) = live_and_demo_json(&args, &env);
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
