//! `replay --explain`: the margins it states, each replayed, and the global pass's own.

use std::sync::OnceLock;

use super::common::ctxlens;

/// `replay u062 --explain --json`, and its journey layer's margins (run once for the tests that
/// read them).
fn u062_explained() -> (serde_json::Value, serde_json::Value) {
    static RUN: OnceLock<(serde_json::Value, serde_json::Value)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = ctxlens(&["replay", "u062", "--explain", "--json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        assert_eq!(v["user_id"], "u062", "the assembly is still there");
        let journey = v["margins"]["layers"][1].clone();
        assert_eq!(journey["name"], "journey");
        (v, journey)
    })
    .clone()
}

/// The item waiting next in `journey`'s margins: its id and tokens.
fn next_in(journey: &serde_json::Value) -> (String, u64) {
    let next = journey["next_in"]["id"].as_str().expect("an item waits");
    let more = journey["next_in"]["tokens"].as_u64().expect("tokens");
    (next.to_string(), more)
}

/// `replay u062 --explain` as text (run once).
fn u062_explained_text() -> String {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| {
        let text = ctxlens(&["replay", "u062", "--explain"]);
        assert_eq!(text.code, 0, "{}", text.stderr);
        text.stdout
    })
    .clone()
}

/// The decision of u062's item `id` with the journey layer's budget pinned at `b` by a cap
/// (weight 1 leaves T × 1 above it).
fn journey_decision_at(id: &str, b: u64) -> String {
    let out = ctxlens(&[
        "replay",
        "u062",
        "--json",
        "--set",
        "layers.journey.weight=1",
        "--set",
        &format!("layers.journey.cap={b}"),
        "--set",
        "budget.total=100000",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let item = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .expect("the item");
    item["decision"].as_str().unwrap_or_default().to_string()
}

/// u062's truncation rate under `budget.total=t`.
fn truncation_rate_at(t: u64) -> f64 {
    let out = ctxlens(&[
        "replay",
        "u062",
        "--json",
        "--set",
        &format!("budget.total={t}"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    v["truncation_rate"].as_f64().expect("rate")
}

/// `replay --explain`: the margins it states replay exactly through the policy.
#[test]
fn replay_explain_states_margins_that_replay_exactly() {
    let (v, journey) = u062_explained();
    let (next, more) = next_in(&journey);
    let budget = journey["budget"].as_u64().expect("budget");
    // The layer budget, pinned by a cap (weight 1 leaves T × 1 above it).
    assert_eq!(journey_decision_at(&next, budget + more), "kept");
    assert_eq!(journey_decision_at(&next, budget + more - 1), "dropped");
    let t = v["margins"]["total_for_all"].as_u64().expect("reachable");
    assert_eq!(truncation_rate_at(t), 0.0);
    assert!(truncation_rate_at(t - 1) > 0.0);
}

/// `replay --explain` as text states the same margins as its `--json`.
#[test]
fn replay_explain_prints_the_margins_its_json_states() {
    let (v, journey) = u062_explained();
    let (next, more) = next_in(&journey);
    let t = v["margins"]["total_for_all"].as_u64().expect("reachable");
    let text = u062_explained_text();
    assert!(text.contains("margins"), "{text}");
    assert!(text.contains(&format!("+{more} {next}")), "{text}");
    assert!(text.contains(&format!("budget.total = {t} keeps every candidate")));
}

/// A layer's KEEPS ALL AT the global pass cuts again is marked, in the text and in `--json`.
#[test]
fn a_keeps_all_at_the_global_pass_cuts_again_is_marked() {
    let (_, journey) = u062_explained();
    let (next, _) = next_in(&journey);
    // KEEPS ALL AT is the layer's fit: at it, under the policy's own T, the global pass cuts
    // journey items again, and the margins say so (`*`, `global_cut` in JSON); NEXT IN's item
    // fits in T's slack, so it is not marked.
    assert_eq!(
        journey["global_cut"],
        serde_json::json!({"next_in": false, "keeps_all": true})
    );
    let all = journey["keeps_all_at"].as_u64().expect("keeps all at");
    let out = ctxlens(&[
        "replay",
        "u062",
        "--json",
        "--set",
        "layers.journey.weight=100",
        "--set",
        &format!("layers.journey.cap={all}"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let global_cut = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["layer"] == "journey" && i["reason"] == "global_budget")
        .count();
    assert!(
        global_cut > 0,
        "the global pass cuts journey items at {all}"
    );
    let text = u062_explained_text();
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("margins"))
        .find(|l| l.starts_with("journey "))
        .expect("journey's margins");
    assert!(row.contains(&format!("{all} *")), "{row}");
    assert!(!row.contains(&format!("{next} *")), "{row}");
    assert!(
        text.contains(
            "* the layer's fit keeps it at that budget, but the global pass to T drops it again"
        ),
        "{text}"
    );
}

/// The global pass's NEXT IN may name an item its layer truncated: a larger T lets it pass at
/// its truncated size but never keeps it in full, and the margins say so.
#[test]
fn a_global_next_in_its_layer_truncated_is_named_truncated() {
    let args = [
        "replay",
        "u062",
        "--explain",
        "--set",
        "budget.total=1200",
        "--set",
        "layers.session.weight=0.6",
        "--set",
        "layers.journey.weight=0.6",
        "--set",
        "layers.knowledge.weight=0.6",
        "--set",
        "strategy=truncate",
    ];
    let (global, v) = global_margins(&args);
    assert!(global.contains("+69 mb:330 (truncated)"), "{global}");
    assert_eq!(v["margins"]["global"]["next_in_truncated"], true);
    assert_eq!(decision(&v, "mb:330"), "truncated");
}

/// The `global` line of `ctxlens ARGS` (a `replay --explain`), and the same run's `--json`.
fn global_margins(args: &[&str]) -> (String, serde_json::Value) {
    let out = ctxlens(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let global = out
        .stdout
        .lines()
        .find(|l| l.starts_with("global "))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .to_string();
    let mut json = args.to_vec();
    json.push("--json");
    let v = serde_json::from_str(&ctxlens(&json).stdout).expect("JSON");
    (global, v)
}

/// The decision of item `id` in a replay's JSON.
fn decision(v: &serde_json::Value, id: &str) -> serde_json::Value {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {v}"))["decision"]
        .clone()
}

/// Under `truncate`, an item its layer truncated is not kept in full: the global pass's FIRST
/// OUT never names it. What a smaller T does to it first is said apart: the T at which it
/// leaves the prompt (u070 at T 1,200: mb:369 is 116 of 133 tokens). That the figures are exact
/// (replayed with the layer budgets held) is property-tested in the engine (`margin_props.rs`).
#[test]
fn a_global_first_out_is_an_item_kept_in_full_and_the_truncated_one_is_said_apart() {
    let args = [
        "replay",
        "u070",
        "--explain",
        "--set",
        "strategy=truncate",
        "--set",
        "budget.total=1200",
    ];
    let (global, v) = global_margins(&args);
    assert!(
        global.contains("−283 mb:369 (truncated) · −384 mb:370"),
        "{global}"
    );
    let global = &v["margins"]["global"];
    assert_eq!(global["truncated_out"]["id"], "mb:369");
    assert_eq!(global["truncated_out"]["tokens"], 283);
    assert_eq!(global["first_out"]["id"], "mb:370");
    assert_eq!(global["first_out"]["tokens"], 384);
    assert_eq!(decision(&v, "mb:369"), "truncated");
}
