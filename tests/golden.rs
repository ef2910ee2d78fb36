//! Golden outputs of the demo: `replay --json` for a handful of users, under both presets.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::{ctxlens, write_temp};

/// Users chosen for what they exercise (see the demo generator's awkward users).
const USERS: &[(&str, &str)] = &[
    ("u001", "M0, one session"),
    ("u005", "M4, knowledge hit"),
    ("u062", "journey far over budget"),
    ("u063", "knowledge all below threshold"),
    ("u064", "more turns than max_items"),
    ("u065", "non-ASCII and emoji"),
    ("u066", "malformed turns and values"),
    ("u067", "no journey at all"),
    ("u068", "newest turn in the middle session"),
    ("u069", "a knowledge article pasted into a turn"),
    (
        "u070",
        "a resent turn, a transition carrying a milestone's record",
    ),
    ("u071", "an answer repeated nearly word for word"),
];

/// `replay --json` as a reviewable golden: the budget, each layer's totals, one line per item
/// (id, layer, kind, tokens, kept, score, decision and reason) and the prompt, once. Item texts
/// are pinned through the prompt (kept and truncated ones) and their token counts.
fn golden(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).expect("replay JSON");
    let mut out = format!(
        "{} · {} ({}, {}) · T {} · total {} · truncation rate {}\n",
        v["user_id"].as_str().unwrap_or(""),
        v["policy"].as_str().unwrap_or(""),
        v["tokenizer"].as_str().unwrap_or(""),
        v["strategy"].as_str().unwrap_or(""),
        v["budget"]["total"],
        v["total_tokens"],
        v["truncation_rate"]
    );
    for (name, l) in v["layers"].as_object().into_iter().flatten() {
        out.push_str(&format!(
            "layer {name:<10} budget {:>5}  used {:>5}  kept {:>3}  truncated {:>2}  dropped {:>3}\n",
            l["budget"], l["used"], l["kept"], l["truncated"], l["dropped"]
        ));
    }
    for i in v["items"].as_array().into_iter().flatten() {
        let mut reason = i["reason"].as_str().unwrap_or("").to_string();
        if let Some(d) = i["duplicate"].as_object() {
            reason.push_str(&format!(
                " (dup of {} {} {})",
                d["of"].as_str().unwrap_or(""),
                d["match"].as_str().unwrap_or(""),
                d["similarity"]
            ));
        }
        out.push_str(&format!(
            "{:<10} {:<10} {:<15} {:>5} {:>5} {:>8.4} {} {reason}\n",
            i["id"].as_str().unwrap_or(""),
            i["layer"].as_str().unwrap_or(""),
            i["kind"].as_str().unwrap_or(""),
            i["tokens"],
            i["kept_tokens"],
            i["score"].as_f64().unwrap_or(f64::NAN),
            i["decision"].as_str().unwrap_or(""),
        ));
    }
    for m in v["malformed"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "malformed {} · {}\n",
            m["source"].as_str().unwrap_or(""),
            m["reason"].as_str().unwrap_or("")
        ));
    }
    out.push_str("--- prompt\n");
    out.push_str(v["prompt"].as_str().unwrap_or(""));
    out
}

#[test]
fn replay_json_prolaunch() {
    for (user, why) in USERS {
        let out = ctxlens(&["replay", user, "--json"]);
        assert_eq!(out.code, 0, "{user} ({why}): {}", out.stderr);
        insta::assert_snapshot!(format!("replay_{user}_prolaunch"), golden(&out.stdout));
    }
}

#[test]
fn replay_json_layered_adr() {
    for user in ["u005", "u062", "u065"] {
        let out = ctxlens(&["replay", user, "--json", "--policy", "layered-adr"]);
        assert_eq!(out.code, 0, "{user}: {}", out.stderr);
        insta::assert_snapshot!(format!("replay_{user}_layered_adr"), golden(&out.stdout));
    }
}

#[test]
fn replay_json_dedupe_near() {
    for user in ["u069", "u070", "u071"] {
        let out = ctxlens(&["replay", user, "--json", "--set", "dedupe=near"]);
        assert_eq!(out.code, 0, "{user}: {}", out.stderr);
        insta::assert_snapshot!(format!("replay_{user}_dedupe_near"), golden(&out.stdout));
    }
}

#[test]
fn awkward_users_behave() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        serde_json::from_str(&out.stdout).expect("JSON")
    };
    let over = json(&["replay", "u062", "--json"]);
    assert!(
        over["layers"]["journey"]["dropped"].as_u64().unwrap_or(0) > 0,
        "u062 journey overflows"
    );
    let many = json(&["replay", "u064", "--json"]);
    let max_items = many["items"].as_array().map_or(0, |a| {
        a.iter().filter(|i| i["reason"] == "max_items").count()
    });
    assert_eq!(max_items, 15, "25 turns, 10 candidates");
    // u063's query matches nothing: under 0.7 − 0.3 no hit is even a near miss; at 0.3 every hit
    // in the window is below the threshold (its best hit scores under 0.1).
    let none = json(&["replay", "u063", "--json"]);
    assert_eq!(none["layers"]["knowledge"]["used"], 0);
    let below = json(&[
        "replay",
        "u063",
        "--json",
        "--set",
        "knowledge.similarity_threshold=0.3",
    ]);
    let hits: Vec<&serde_json::Value> = below["items"].as_array().map_or(vec![], |a| {
        a.iter().filter(|i| i["layer"] == "knowledge").collect()
    });
    assert!(!hits.is_empty(), "near misses within the window");
    assert!(
        hits.iter().all(|i| i["reason"] == "below_threshold"),
        "{hits:?}"
    );
    let bad = json(&["replay", "u066", "--json"]);
    let sources: Vec<&str> = bad["malformed"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|m| m["source"].as_str()).collect()
    });
    // The read session's bad entry, then those of the sessions not read, each named.
    assert_eq!(
        sources,
        [
            "session:u066:s2[1]",
            "session:u066:s1[1]",
            "session:u066:s1[2]",
            "session:u066:s3"
        ]
    );
    let nojourney = json(&["inspect", "u067", "--json"]);
    assert_eq!(nojourney["current_milestone"], serde_json::Value::Null);
    assert_eq!(nojourney["assembly"]["layers"]["journey"]["used"], 0);
    let middle = json(&["inspect", "u068", "--json"]);
    assert_eq!(middle["session_id"], "s2");
}

#[test]
fn snapshot_then_replay_equals_replay() {
    for user in ["u005", "u065", "u066"] {
        let file = write_temp(&format!("{user}.json"), "");
        let file = file.to_str().expect("utf-8 path");
        let wrote = ctxlens(&["snapshot", user, "--out", file]);
        assert_eq!(wrote.code, 0, "{}", wrote.stderr);
        assert!(
            wrote.stdout.starts_with(&format!("wrote {file} (")),
            "{}",
            wrote.stdout
        );
        // The file was there (made empty above): replacing it is said.
        assert!(
            wrote.stderr.contains(&format!("replaced {file}")),
            "{}",
            wrote.stderr
        );
        // Turns counted as inspect counts them: u066's unreadable entries are malformed, in
        // the session read (one) and in those not read (three).
        if user == "u066" {
            assert!(
                wrote.stdout.contains("2 turns,") && wrote.stdout.ends_with(", 4 malformed)\n"),
                "{}",
                wrote.stdout
            );
        }
        let live = ctxlens(&["replay", user, "--json"]);
        let replayed = ctxlens(&["replay", "--snapshot", file, "--json"]);
        assert_eq!(
            (live.code, replayed.code),
            (0, 0),
            "{}{}",
            live.stderr,
            replayed.stderr
        );
        assert!(live.stdout.starts_with('{'), "{user}: {}", live.stdout);
        let diff = live
            .stdout
            .lines()
            .zip(replayed.stdout.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b);
        assert!(
            diff.is_none(),
            "{user}: replay of the snapshot differs at line {diff:?}"
        );
        assert_eq!(live.stdout.len(), replayed.stdout.len(), "{user}");
    }
}

#[test]
fn users_json_pages_with_a_cursor() {
    let first = ctxlens(&["users", "--json", "--limit", "30"]);
    let v: serde_json::Value = serde_json::from_str(&first.stdout).expect("JSON");
    assert_eq!(v["users"].as_array().map(Vec::len), Some(30));
    assert_eq!(v["users"][0]["user_id"], "u001");
    assert_eq!(v["users"][0]["current_milestone"], "M0");
    let cursor = v["next_cursor"].as_str().expect("more users");
    let rest = ctxlens(&["users", "--json", "--cursor", cursor]);
    let r: serde_json::Value = serde_json::from_str(&rest.stdout).expect("JSON");
    assert_eq!(r["users"].as_array().map(Vec::len), Some(41));
    assert_eq!(r["next_cursor"], serde_json::Value::Null);
    assert_eq!(r["users"][0]["user_id"], "u031");
}

#[test]
fn transition_carries_the_dependencies_data() {
    let out = ctxlens(&["transition", "u005", "--to", "M5", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["from"], "M4");
    assert_eq!(v["to"], "M5");
    assert!(
        v["context"]["M2"].is_object(),
        "M5 depends on M2, which u005 completed: {v}"
    );
    assert_eq!(v["missing"], serde_json::json!([]));
    let locked = ctxlens(&["transition", "u001", "--to", "M9", "--json"]);
    let l: serde_json::Value = serde_json::from_str(&locked.stdout).expect("JSON");
    assert_eq!(
        l["missing"].as_array().map(Vec::len),
        Some(9),
        "u001 at M0 has completed nothing M9 needs: {l}"
    );
    let text = ctxlens(&["transition", "u005", "--to", "M5"]);
    assert!(
        text.stdout
            .starts_with("Transition u005: M4 → M5 (Supplier Sourcing)\ndepends on: M2\n"),
        "{}",
        text.stdout
    );
}
