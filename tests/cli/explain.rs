//! `explain USER ROW` and `explain FILE ROW`: each gate of a knowledge row, the first that
//! fails, and a row that is not there or is named several times.

use super::common::{ctxlens, ctxlens_json as json, expect_error};

#[test]
fn explain_gives_each_gate_of_a_knowledge_row() {
    let kept = json(&["explain", "u005", "kn:25", "--json"]);
    assert_eq!(kept["first_failed"], serde_json::Value::Null);
    assert_eq!(kept["decision"], "kept");
    let gates: Vec<&str> = kept["gates"]
        .as_array()
        .map(|a| a.iter().filter_map(|g| g["gate"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        gates,
        [
            "search",
            "similarity",
            "milestone",
            "rank",
            "recency",
            "score",
            "budget"
        ]
    );
    // Not among the search's answer: scored on its own, and the threshold is to blame.
    let missed = json(&["explain", "u005", "27", "--json"]);
    assert_eq!(missed["retrieved"], false);
    assert_eq!(missed["gates"][0]["pass"], serde_json::Value::Null);
    assert_eq!(missed["first_failed"], "similarity");
    assert_eq!(missed["gates"][1]["detail"], "0.328 < threshold 0.70");
    // Text: the first failed gate marked.
    let text = ctxlens(&["explain", "u005", "kn:27"]);
    assert!(
        text.stdout
            .contains("✘ similarity  0.328 < threshold 0.70  ← first failed gate"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .ends_with("not in the prompt: it fails at similarity\n")
    );
}

/// A title names the row, and a copy of another item fails the budget gate, saying of which.
#[test]
fn a_title_names_the_row_and_a_copy_fails_the_budget() {
    // A title names the row; a raised threshold moves the first failure; a copy fails the budget.
    let titled = json(&["explain", "u069", "price testing", "--json"]);
    assert_eq!(titled["row"]["id"], "kn:29");
    let dup = json(&["explain", "u069", "kn:29", "--json", "--set", "dedupe=near"]);
    assert_eq!(dup["first_failed"], "budget");
    assert_eq!(
        dup["gates"][6]["detail"],
        "dropped before the fit as a copy of s1#6"
    );
}

/// A row its layer's fit keeps and the global pass drops fails the budget gate, said so.
#[test]
fn a_row_kept_by_its_layer_and_dropped_by_the_global_pass_is_said_so() {
    // Kept by its layer's fit, dropped by the global pass: said so, not "the layer used 0".
    let global = json(&[
        "explain",
        "u005",
        "kn:25",
        "--json",
        "--set",
        "budget.total=1000",
        "--set",
        "layers.knowledge.weight=1",
        "--set",
        "layers.journey.weight=1",
        "--set",
        "layers.session.weight=1",
    ]);
    assert_eq!(global["first_failed"], "budget");
    let detail = global["gates"][6]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("dropped by global_budget (138 tokens): its layer's fit kept it"),
        "{detail}"
    );
}

/// A row that is not there exits 1, as a user that is not there does; a ROW naming several
/// rows is a usage error listing them.
#[test]
fn a_row_not_there_or_named_several_times_is_said_so() {
    // Not found, like a user that is not there: exit 1. Several matches are a usage error.
    expect_error(
        &["explain", "u005", "no such title"],
        1,
        "ctxlens: no knowledge row's title contains \"no such title\" in DEMO",
    );
    expect_error(
        &["explain", "u005", "kn:9999"],
        1,
        "ctxlens: no knowledge row kn:9999 in DEMO",
    );
    // A search of the store lists the first 20 and says when there are more.
    let many = ctxlens(&["explain", "u005", "a"]);
    assert_eq!(many.code, 2);
    assert!(
        many.stderr.contains(
            "\"a\" names several knowledge rows (more than 20, the first 20); give one id:"
        ),
        "{}",
        many.stderr
    );
    assert_eq!(
        many.stderr
            .lines()
            .filter(|l| l.starts_with("  kn:"))
            .count(),
        20
    );
    let several = ctxlens(&["explain", "u005", "price"]);
    assert_eq!(several.code, 2);
    assert!(
        several
            .stderr
            .contains("\"price\" names several knowledge rows (3); give one id:\n  kn:")
    );
}

/// `explain FILE ROW` explains a hit a snapshot file holds, and names the file's hits otherwise.
#[test]
fn explain_reads_a_snapshot_file() {
    let file = "fixtures/diff/u005-after.json";
    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("reads")).expect("json");
    let hit = snap["knowledge"][0]["id"]
        .as_str()
        .expect("a hit")
        .to_string();
    let out = ctxlens(&["explain", file, &hit, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let e: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(e["row"]["id"], hit.as_str());
    assert_eq!(e["user_id"], "u005");
    let missing = ctxlens(&["explain", file, "kn:9999"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("is not among the snapshot's"),
        "{}",
        missing.stderr
    );
}
