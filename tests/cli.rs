//! The binary end to end: exit codes, error messages, byte-stable JSON.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "cli/devices.rs"]
mod devices;
#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/explain.rs"]
mod explain;
#[path = "cli/files.rs"]
mod files;
#[path = "cli/graph.rs"]
mod graph;
#[path = "cli/look.rs"]
mod look;
#[path = "cli/margins.rs"]
mod margins;
#[path = "cli/screening.rs"]
mod screening;
#[path = "cli/signals.rs"]
mod signals;
#[path = "cli/stores.rs"]
mod stores;

use common::{ctxlens, expect_error, write_temp};

#[test]
fn replay_of_a_snapshot_file_is_byte_stable() {
    let a = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
    ]);
    let b = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
    ]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("JSON");
    assert_eq!(v["user_id"], "u1");
    assert_eq!(v["budget"]["layers"]["journey"], 2000);
    assert_eq!(v["malformed"][0]["source"], "session:u1:s1[4]");
    assert_eq!(v["malformed"][0]["reason"], "missing field `timestamp`");
    insta::assert_snapshot!("replay_snapshot_u1_prolaunch", a.stdout);
}

#[test]
fn replay_with_overrides_and_the_other_preset() {
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
        "--policy",
        "layered-adr",
        "--set",
        "category=technical",
        "--set",
        "layers.rag.cap=40",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("replay_snapshot_u1_layered_adr", out.stdout);
}

#[test]
fn readable_replay_shows_layers_and_decisions() {
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--set",
        "budget.total=400",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    insta::assert_snapshot!("replay_snapshot_u1_text", out.stdout);
}

#[test]
fn replay_names_copies_and_dedupe_removes_them_before_the_fit() {
    let text = ctxlens(&["replay", "u070"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("duplicates (2) · 234 of 1220 prompt tokens on second copies"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("s1#4    session  exact  s1#5"),
        "{}",
        text.stdout
    );
    let json = |args: &[&str]| -> serde_json::Value {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        serde_json::from_str(&out.stdout).expect("JSON")
    };
    // Both lists are always there, empty when there is nothing to list.
    let plain = json(&["replay", "u001", "--json"]);
    assert_eq!(plain["duplicates"], serde_json::json!([]));
    assert_eq!(plain["malformed"], serde_json::json!([]));
    let off = json(&["replay", "u070", "--json"]);
    let item = |v: &serde_json::Value, id: &str| -> serde_json::Value {
        v["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == id).cloned())
            .unwrap_or_default()
    };
    assert_eq!(item(&off, "s1#4")["decision"], "kept");
    assert_eq!(
        item(&off, "s1#4")["duplicate"],
        serde_json::json!({"of": "s1#5", "match": "exact", "similarity": 1.0})
    );
    let exact = json(&["replay", "u070", "--json", "--set", "dedupe=exact"]);
    assert_eq!(item(&exact, "s1#4")["reason"], "duplicate");
    assert_eq!(item(&exact, "s1#4")["kept_tokens"], 0);
    assert_eq!(exact["duplicates"][0]["removed"], true);
    assert_eq!(
        off["total_tokens"].as_u64().unwrap_or(0) - exact["total_tokens"].as_u64().unwrap_or(0),
        234
    );
    expect_error(
        &["replay", "u070", "--set", "dedupe=bogus"],
        2,
        "ctxlens: policy error: --set dedupe=bogus: unknown variant `bogus`, expected one of `off`, `exact`, `near`",
    );
    // Without --duplicates a report does not look for copies (it costs a replay's work), and
    // says so.
    let plain = json(&["report", "--format", "json"]);
    assert_eq!(plain["duplicates_found"], false);
    assert_eq!(plain["candidate"]["users_with_duplicates"], 0);
    let plain_text = ctxlens(&["report"]);
    assert!(
        !plain_text.stdout.contains("second copies"),
        "{}",
        plain_text.stdout
    );
    let report = json(&["report", "--format", "json", "--duplicates"]);
    assert_eq!(report["duplicates_found"], true);
    assert_eq!(report["candidate"]["users_with_duplicates"], 4);
    assert_eq!(report["duplicated_users"][0]["user_id"], "u070");
    assert_eq!(report["duplicated_users"][0]["spent_tokens"], 234);
    // A policy that dedupes finds them anyway: none is left in the prompt.
    let dedupe = json(&["report", "--format", "json", "--set", "dedupe=near"]);
    assert_eq!(dedupe["duplicates_found"], true);
    assert_eq!(dedupe["candidate"]["duplicate_tokens"], 0);
    // ... and the baseline beside it is measured too (not a zero nobody looked for): what
    // deduplication saves, the same as with --duplicates.
    let both = json(&[
        "report",
        "--format",
        "json",
        "--set",
        "dedupe=near",
        "--duplicates",
    ]);
    for k in ["duplicate_tokens", "users_with_duplicates"] {
        assert_eq!(dedupe["baseline"][k], both["baseline"][k], "{k}");
    }
    assert_eq!(dedupe["baseline"]["users_with_duplicates"], 4);
    assert!(dedupe["baseline"]["duplicate_tokens"].as_u64() > Some(0));
}

/// The similarity shown is rounded down: set as the threshold, it still finds the pair (u062's
/// mb:326 is 0.958…-similar to mb:327, shown as 0.95, never 0.96).
#[test]
fn a_shown_similarity_set_as_the_threshold_finds_the_pair() {
    let text = ctxlens(&["replay", "u062"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let line = text
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("mb:326") && l.contains(" near "))
        .unwrap_or_else(|| panic!("mb:326's pair: {}", text.stdout));
    let shown = line
        .split_whitespace()
        .skip_while(|w| *w != "near")
        .nth(1)
        .expect("the similarity");
    assert_eq!(shown, "0.95", "{line}");
    let set = format!("dedupe_threshold={shown}");
    let out = ctxlens(&[
        "replay",
        "u062",
        "--json",
        "--set",
        "dedupe=near",
        "--set",
        &set,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let mb326 = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == "mb:326"))
        .expect("mb:326");
    assert_eq!(mb326["reason"], "duplicate", "{mb326}");
    let reported = mb326["duplicate"]["similarity"]
        .as_f64()
        .expect("a similarity");
    assert_eq!(reported, 0.958, "--json: rounded down to 3 decimals");
}

#[test]
fn replay_prompt_prints_only_the_prompt() {
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--prompt",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("## Recent conversation\n\nUser: We finished the supplier shortlist."),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("## User journey\n\nTransition M3 → M4 (Pricing Strategy), carried context\nM3: 350 ml stoneware mug"));
}

#[test]
fn graph_text_dot_and_json() {
    let text = ctxlens(&["graph"]);
    assert_eq!(text.code, 0);
    insta::assert_snapshot!("graph_text", text.stdout);
    // The TUI's layout: boxes and routed edges, the full lists under it.
    assert!(
        text.stdout.contains("├──▶│") && text.stdout.contains("─┴─▶│"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("M9  ← M0, M1, M2, M3, M4, M5, M6, M7, M8")
    );
    let user = ctxlens(&["graph", "u062"]);
    assert!(
        user.stdout.contains("╔") && user.stdout.contains("◉ M9"),
        "{}",
        user.stdout
    );
    let dot = ctxlens(&["graph", "--format", "dot"]);
    assert!(dot.stdout.starts_with("digraph milestones {"));
    assert!(
        dot.stdout
            .contains("  \"M5\" -> \"M7\";\n  \"M6\" -> \"M7\";"),
        "{}",
        dot.stdout
    );
    assert_eq!(
        dot.stdout.matches(" -> ").count(),
        21,
        "seed 000 has 21 dependency edges"
    );
    let json = ctxlens(&["graph", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["milestones"][9]["id"], "M9");
    assert_eq!(v["milestones"][9]["layer"], 6);
}

#[test]
fn inspect_redacts_message_and_journey_text_but_keeps_tokens() {
    let plain = ctxlens(&["inspect", "u065", "--json"]);
    let masked = ctxlens(&["inspect", "u065", "--json", "--redact"]);
    let (p, m): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&plain.stdout).expect("JSON"),
        serde_json::from_str(&masked.stdout).expect("JSON"),
    );
    let turn = |v: &serde_json::Value| v["assembly"]["items"][0].clone();
    assert_eq!(turn(&p)["kind"], "turn");
    assert_eq!(turn(&p)["tokens"], turn(&m)["tokens"], "token counts stay");
    let text = turn(&m)["text"].as_str().unwrap_or_default().to_string();
    assert!(
        text.starts_with("User: •"),
        "masked, the label readable: {text}"
    );
    assert!(
        !masked.stdout.contains("Matcha"),
        "no message or journey text left"
    );
    assert_eq!(
        p["findings"], m["findings"],
        "findings are computed on the unmasked replay"
    );
}

/// A preset's budget can be switched to the other form (model limits for a total) by two
/// `--set`s: the policy is checked once all are set, and the result replays.
#[test]
fn the_budget_form_switches_with_two_sets() {
    for order in [
        [
            "budget.model_max_tokens=8000",
            "budget.expected_output_tokens=1000",
        ],
        [
            "budget.expected_output_tokens=1000",
            "budget.model_max_tokens=8000",
        ],
    ] {
        let out = ctxlens(&[
            "replay", "u062", "--set", order[0], "--set", order[1], "--json",
        ]);
        assert_eq!(out.code, 0, "{order:?}: {}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        // T = 8000 − 1000 − the default overhead of 500.
        assert_eq!(v["budget"]["total"], 6500, "{order:?}");
    }
    // A budget left incomplete is still refused, naming the override that left it so.
    let out = ctxlens(&["replay", "u062", "--set", "budget.model_max_tokens=8000"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("budget.model_max_tokens=8000")
            && out.stderr.contains("needs expected_output_tokens"),
        "{}",
        out.stderr
    );
}

/// `snapshot --out -` writes the snapshot to stdout (no file named `-`), and it replays as the
/// user does.
#[test]
fn snapshot_to_stdout() {
    let out = ctxlens(&["snapshot", "u005", "--out", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!std::path::Path::new("-").exists(), "no file named -");
    let snap: serde_json::Value = serde_json::from_str(&out.stdout).expect("snapshot JSON");
    assert_eq!(snap["user_id"], "u005");
    let file = write_temp("u005.json", &out.stdout);
    let from_file = ctxlens(&[
        "replay",
        "--snapshot",
        file.to_str().expect("utf-8"),
        "--json",
    ]);
    let from_store = ctxlens(&["replay", "u005", "--json"]);
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(from_file.stdout, from_store.stdout);
}

/// A cached context that is stored but cannot be read is not reported as none: `inspect`
/// says it is there, unreadable, and why; `--json` gives the reason beside `false`.
#[test]
fn inspect_tells_an_unreadable_cache_from_none() {
    let text = ctxlens(&["inspect", "u032"]);
    let line = text
        .stdout
        .lines()
        .find(|l| l.starts_with("cached "))
        .expect("a cached line");
    assert!(line.contains("present, unreadable ("), "{line}");
    let json: serde_json::Value =
        serde_json::from_str(&ctxlens(&["inspect", "u032", "--json"]).stdout).expect("JSON");
    assert_eq!(json["cached_context"], false);
    assert!(
        json["cached_context_unreadable"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{}",
        json["cached_context_unreadable"]
    );
    let fresh = ctxlens(&["inspect", "u001", "--json"]);
    let fresh: serde_json::Value = serde_json::from_str(&fresh.stdout).expect("JSON");
    assert!(fresh.get("cached_context_unreadable").is_none());
}

/// The users table lines up by display columns: a name with a wide character (u065's `☕`)
/// does not push that row's later columns one cell right.
#[test]
fn the_users_table_lines_up_with_wide_characters() {
    use unicode_width::UnicodeWidthStr;
    let out = common::ctxlens(&["users"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The demo counts sessions: no note that they are not.
    assert!(!out.stdout.contains("not counted"), "{}", out.stdout);
    // Where the last column (the newest activity) starts.
    let col = |line: &str| {
        let cut = line
            .rfind("  ")
            .unwrap_or_else(|| panic!("columns in {line}"));
        line[..cut].width()
    };
    let rows: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('u')).collect();
    let wide = rows
        .iter()
        .find(|l| l.starts_with("u065"))
        .expect("u065 listed");
    assert!(wide.contains('☕'), "{wide}");
    assert!(rows.len() > 60);
    assert!(rows.iter().all(|l| col(l) == col(wide)), "{}", out.stdout);
}

/// README (Duplicates): under `dedupe=near` u062's two copies go before the fit; the prompt
/// stays the same and the journey blocker has 6 items behind it instead of 8, the budget that
/// keeps them all 7,110 tokens instead of 8,578.
#[test]
fn deduping_u062_shrinks_what_the_journey_cut_holds_not_the_prompt() {
    let journey = |set: &[&str]| {
        let mut args = vec!["replay", "u062", "--explain", "--json"];
        args.extend_from_slice(set);
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        let layer = v["margins"]["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .find(|l| l["name"] == "journey")
            .cloned()
            .expect("journey");
        (v["prompt"].clone(), layer)
    };
    let (prompt, before) = journey(&[]);
    let (deduped, after) = journey(&["--set", "dedupe=near"]);
    assert_eq!(prompt, deduped, "the prompt stays the same");
    assert_eq!(
        (&before["blocker"]["behind"], &before["keeps_all_at"]),
        (&8.into(), &8578.into())
    );
    assert_eq!(
        (&after["blocker"]["behind"], &after["keeps_all_at"]),
        (&6.into(), &7110.into())
    );
}

/// A snapshot file says which knowledge search wrote it (threshold, limit, milestone filter);
/// replayed under a policy whose search is wider, the replay is told on stderr that hits may be
/// missing (its stdout stays exact), and under the policy that wrote it nothing is said.
#[test]
fn a_snapshot_replayed_under_a_wider_search_says_hits_may_be_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("u067.json");
    let f = file.to_str().expect("utf-8 path");
    let out = ctxlens(&["snapshot", "u067", "--out", f]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(
        v["knowledge_search"]["milestone_only"], true,
        "{}",
        v["knowledge_search"]
    );
    let same = ctxlens(&["replay", "--snapshot", f, "--json"]);
    assert_eq!((same.code, same.stderr.as_str()), (0, ""));
    for (args, says) in [
        (
            &["--policy", "layered-adr"][..],
            "asks for hits of every milestone",
        ),
        (&["--set", "knowledge.limit=30"], "asks for limit 30"),
        (
            &["--set", "knowledge.similarity_threshold=0.05"],
            "down to similarity 0.4 and at most 15 hits; policy prolaunch asks for threshold 0.05",
        ),
    ] {
        let mut all = vec!["replay", "--snapshot", f, "--json"];
        all.extend_from_slice(args);
        let out = ctxlens(&all);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .starts_with("ctxlens: note: the snapshot holds the hits of a search")
                && out.stderr.contains(says)
                && out.stderr.contains("missing from this replay"),
            "{args:?}: {}",
            out.stderr
        );
        serde_json::from_str::<serde_json::Value>(&out.stdout).expect("stdout is the JSON alone");
    }
}

/// A snapshot whose `now` is before its items (a clock behind) scores them as recent: the
/// replay says so on stderr, naming the sources, and its output stays the replay alone.
#[test]
fn a_replay_says_when_items_are_dated_after_now() {
    let text = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    let behind = text.replacen(
        "\"now\": \"2025-01-15T12:00:00Z\"",
        "\"now\": \"2025-01-01T00:00:00Z\"",
        1,
    );
    assert_ne!(behind, text, "the fixture's now moved");
    let file = write_temp("clock-behind.json", &behind);
    let f = file.to_str().expect("utf-8 path");
    let out = ctxlens(&["replay", "--snapshot", f, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str::<serde_json::Value>(&out.stdout).expect("stdout is the JSON alone");
    assert!(
        out.stderr
            .contains("ctxlens: note: session:u1:s1: 4 turns dated after now")
            && out
                .stderr
                .contains("ctxlens: note: memory_bank: 2 rows dated after now")
            && out.stderr.contains("counts them as recent"),
        "{}",
        out.stderr
    );
    let same = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
    ]);
    assert_eq!((same.code, same.stderr.as_str()), (0, ""));
}

/// `--help` wraps at the terminal's width (here `COLUMNS`), never breaking a word across lines.
#[test]
fn help_wraps_at_the_terminal_width() {
    for command in ["replay", "optimize", "report", "diff"] {
        let out = common::ctxlens_with(&[command, "--help"], &[("COLUMNS", "80".into())]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let widest = out
            .stdout
            .lines()
            .map(unicode_width::UnicodeWidthStr::width)
            .max()
            .unwrap_or(0);
        assert!(widest <= 80, "{command}: {widest} columns\n{}", out.stdout);
    }
}
