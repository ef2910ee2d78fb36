//! `diff` end to end: two snapshot files of one user an hour apart, one user under two policies,
//! two users; JSON and text; bad input; `--redact`.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::{ctxlens, ctxlens_json as json, expect_error};
use serde_json::Value;

const BEFORE: &str = "fixtures/diff/u005-before.json";
const AFTER: &str = "fixtures/diff/u005-after.json";

#[path = "diff_cli/moments.rs"]
mod moments;
#[path = "diff_cli/sides.rs"]
mod sides;

/// `ctxlens snapshot u005` written to `a.json` in `dir`, and a copy changed by `change` to
/// `b.json`: the two paths.
fn u005_and_changed(dir: &std::path::Path, change: impl FnOnce(&mut Value)) -> (String, String) {
    let a = dir.join("a.json").to_str().expect("utf-8 path").to_string();
    assert_eq!(ctxlens(&["snapshot", "u005", "--out", &a]).code, 0);
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&a).expect("read")).expect("JSON");
    change(&mut v);
    let b = dir.join("b.json").to_str().expect("utf-8 path").to_string();
    std::fs::write(&b, v.to_string()).expect("write");
    (a, b)
}

/// An hour later the user asked one more question, the clock moved and a knowledge row below the
/// threshold scored a little higher: only the new turn changes the prompt.
#[test]
fn two_moments_name_the_new_turn_and_leave_out_what_did_not_matter() {
    let d = json(&["diff", BEFORE, AFTER, "--json"]);
    assert_eq!(d["first_cause"]["cause"], "new_turn");
    assert_eq!(d["first_cause"]["subject"], "s1#7");
    let inputs: Vec<&str> = d["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["cause"].as_str().expect("cause"))
        .collect();
    assert_eq!(inputs, ["clock_moved", "new_turn", "similarity_changed"]);
    assert_eq!(d["cause"].as_array().expect("cause").len(), 1);
    assert_eq!(d["minimal"], true);
    let items = d["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], "s1#7");
    assert_eq!(items[0]["kind"], "added");
    assert_eq!(
        d["a"]["total_tokens"].as_u64().expect("n") + 28,
        d["b"]["total_tokens"]
    );
    let added: Vec<&str> = d["prompt_diff"]
        .as_array()
        .expect("prompt_diff")
        .iter()
        .filter(|l| l["op"] == "added")
        .map(|l| l["text"].as_str().expect("text"))
        .collect();
    assert!(
        added.contains(&"User: Which return window do competitors offer for desk lamps?"),
        "{added:?}"
    );
    let text = ctxlens(&["diff", BEFORE, AFTER]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for want in [
        "first cause: new turn s1#7 at 2025-01-15T12:55:00Z",
        "explains the prompt change alone: 1 of 3 input changes",
        "+ User: Which return window do competitors offer for desk lamps?",
    ] {
        assert!(text.stdout.contains(want), "{want}: {}", text.stdout);
    }
}

#[test]
fn one_user_under_two_policies_names_the_policy_key() {
    let d = json(&[
        "diff",
        "u005",
        "--against-set",
        "session.max_items=3",
        "--json",
    ]);
    assert_eq!(d["first_cause"]["cause"], "policy_field_change");
    assert_eq!(d["first_cause"]["subject"], "session.max_items");
    assert_eq!(d["first_cause"]["detail"], "10 → 3");
    let dropped = d["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "newly_dropped" && i["after"]["reason"] == "max_items")
        .count();
    assert_eq!(dropped, 4, "u005 has 7 turns: 4 leave a window of 3");
    // A preset against another: many keys change, the smallest set that matters is named.
    let presets = json(&["diff", "u005", "--against", "layered-adr", "--json"]);
    let n_inputs = presets["inputs"].as_array().expect("inputs").len();
    let n_cause = presets["cause"].as_array().expect("cause").len();
    assert!(
        n_cause >= 1 && n_cause < n_inputs,
        "{n_cause} of {n_inputs}"
    );
    // A lower threshold fetches hits the first search did not: the policy's doing, not rows
    // added to the store. The one input change is the key.
    let wider = json(&[
        "diff",
        "u005",
        "--against-set",
        "knowledge.similarity_threshold=0.3",
        "--json",
    ]);
    assert_eq!(
        wider["first_cause"]["cause"], "policy_field_change",
        "{wider}"
    );
    assert_eq!(
        wider["first_cause"]["subject"],
        "knowledge.similarity_threshold"
    );
    let inputs = wider["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    // Several --against-set are named once, together.
    let two = ctxlens(&[
        "diff",
        "u005",
        "--against-set",
        "knowledge.similarity_threshold=0.6",
        "--against-set",
        "recency.window_hours=48",
    ]);
    let head = two.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        head,
        "diff  u005 → u005 under --against-set knowledge.similarity_threshold=0.6 recency.window_hours=48"
    );
}

/// Each input change reads as what it does, in the text, the set and `--json` alike: a clock
/// move that changes multipliers crossed the recency window, even when it does not matter.
/// A changed query is the first cause of the similarities it moved.
#[test]
fn inputs_are_named_by_what_they_do_and_a_query_before_its_similarities() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before: Value =
        serde_json::from_str(&std::fs::read_to_string(BEFORE).expect("fixture")).expect("json");
    let write = |name: &str, v: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, v.to_string()).expect("write");
        p.to_str().expect("utf-8").to_string()
    };
    let a = write("a.json", &before);
    let mut later = before.clone();
    later["now"] = "2025-01-17T06:00:00Z".into();
    let b = write("b.json", &later);
    let d = json(&["diff", &a, &b, "--json"]);
    let inputs = d["inputs"].as_array().expect("inputs");
    assert!(
        inputs
            .iter()
            .any(|i| i["cause"] == "recency_window_crossed"),
        "{inputs:?}"
    );
    assert!(
        !inputs.iter().any(|i| i["cause"] == "clock_moved"),
        "{inputs:?}"
    );

    let mut asked = before.clone();
    asked["query"] = "How should I set the retail price from landed cost?".into();
    let hits = asked["knowledge"].as_array_mut().expect("hits");
    assert!(hits.len() >= 2);
    // The kept hit falls below the threshold and the one below it rises above.
    for (h, s) in hits.iter_mut().zip([0.05, 0.95]) {
        h["similarity"] = s.into();
    }
    let c = write("c.json", &asked);
    let d = json(&["diff", &a, &c, "--json"]);
    assert_eq!(d["first_cause"]["cause"], "query_changed", "{d}");
    // Named upstream of the similarities it moved, outside the replayed set.
    let cause = d["cause"].as_array().expect("cause");
    assert_eq!(cause[0]["upstream"], true, "{d}");
    assert!(cause[1..].iter().all(|e| e["upstream"] == false), "{d}");
    assert!(
        cause[1..]
            .iter()
            .all(|e| e["cause"] == "similarity_changed"),
        "{d}"
    );
}

#[test]
fn two_users_compare_and_the_same_context_says_so() {
    let same = ctxlens(&["diff", "u005", "u005", "--set", "budget.total=3000"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        same.stdout.contains("the two contexts are the same"),
        "{}",
        same.stdout
    );
    let d = json(&["diff", "u005", "u006", "--json"]);
    assert_eq!(d["a"]["user_id"], "u005");
    assert_eq!(d["b"]["user_id"], "u006");
    assert_eq!(d["outcome"], "prompt");
    assert!(!d["cause"].as_array().expect("cause").is_empty());
    // The same data under another user id: the same context, and the items listed (the other
    // user's turns) are said to be other stored items of the same text, not a contradiction.
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = u005_and_changed(dir.path(), |v| v["user_id"] = "u777".into());
    let (a, b) = (a.as_str(), b.as_str());
    let out = ctxlens(&["diff", a, b]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = json(&["diff", a, b, "--json"]);
    assert_eq!(d["outcome"], "nothing");
    let n = d["items"].as_array().expect("items").len();
    assert!(n > 0, "{d}");
    assert!(
        out.stdout.contains(&format!(
            "the two contexts are the same: same prompt, same decisions; the 2 input changes \
             listed change neither; the {n} items listed are other stored items with the same \
             text and fate"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn bad_input_is_a_usage_error_naming_it() {
    expect_error(
        &["diff", "u005"],
        2,
        "ctxlens: diff needs two contexts: A B (snapshot files or users), A with --at T (then \
         and now), or A with --against POLICY or --against-set KEY=VALUE",
    );
    expect_error(
        &["diff", "u005", "--against", "nope"],
        2,
        "ctxlens: policy nope: no preset of that name, and no such file (presets: prolaunch, \
         layered-adr)",
    );
    // B's override is named as given, apart from A's --set.
    for against in [&[][..], &["--against", "layered-adr"]] {
        let mut args = vec!["diff", "u005", "--set", "strategy=skip"];
        args.extend(against);
        args.extend(["--against-set", "session.max_items=x"]);
        expect_error(
            &args,
            2,
            "ctxlens: policy error: --against-set session.max_items=x: expected an integer, got x",
        );
    }
    let bad = common::write_temp("bad-diff.json", "{\n  \"user_id\": \"u1\",\n  oops\n}");
    let path = bad.to_str().expect("utf-8 path");
    expect_error(
        &["diff", path, BEFORE],
        2,
        &format!("ctxlens: snapshot {path}:3:3: key must be a string"),
    );
    expect_error(
        &["diff", "no-such-user", BEFORE],
        1,
        "ctxlens: user \"no-such-user\" not found in DEMO",
    );
}

#[test]
fn redact_masks_the_prompt_lines_and_keeps_the_cause() {
    let out = ctxlens(&["--redact", "diff", BEFORE, AFTER]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("first cause: new turn s1#7"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("competitors"), "{}", out.stdout);
    assert!(
        out.stdout.contains("+ User: ••••• ••••••"),
        "{}",
        out.stdout
    );
    let js = ctxlens(&["--redact", "diff", BEFORE, AFTER, "--json"]);
    assert!(!js.stdout.contains("competitors"), "{}", js.stdout);
    // A file against a stored user would confirm guesses at the hidden text: refused, either
    // way round; two stored users still compare.
    for (a, b) in [(BEFORE, "u005"), ("u005", BEFORE)] {
        expect_error(
            &["--redact", "diff", a, b],
            2,
            "ctxlens: diff --redact compares two stored users or two snapshot files, not a file \
             with a stored user: the comparison would confirm guesses at the text it hides",
        );
    }
    let users = ctxlens(&["--redact", "diff", "u005", "u006"]);
    assert_eq!(users.code, 0, "{}", users.stderr);
}

/// A missing file is named as one (a usage error), not looked up as a user alone.
#[test]
fn a_missing_file_is_named_as_a_file() {
    let out = ctxlens(&["diff", BEFORE, "fixtures/diff/nosuch.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("fixtures/diff/nosuch.json: no such file"),
        "{}",
        out.stderr
    );
}

/// A bare user id stays a user id when a file of that name is in the current directory (a
/// path, `./u005`, or a `.json` name reads a file); a bare name that is no user but is a file
/// here says how to read the file.
#[test]
fn a_user_id_is_not_read_as_a_file_of_the_same_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("u005"), "note\n").expect("write");
    std::fs::write(dir.path().join("ticket"), "note\n").expect("write");
    let run = |args: &[&str]| common::ctxlens_in(dir.path(), args, &[]);
    for args in [
        &["explain", "u005", "kn:25"][..],
        &["diff", "u005", "u062"],
        &["diff", "u005", "--against-set", "budget.total=3000"],
    ] {
        let out = run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let out = run(&["diff", "./u005", "u062"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("ctxlens: snapshot ./u005:1:"),
        "{}",
        out.stderr
    );
    let out = run(&["explain", "ticket", "kn:25"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.trim_end().ends_with(
            "; a file named ticket is in this directory: ./ticket reads it as a snapshot"
        ),
        "{}",
        out.stderr
    );
    // A folder of that name says how a folder of snapshots is read.
    std::fs::create_dir(dir.path().join("tickets")).expect("mkdir");
    let out = run(&["diff", "u005", "tickets"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "; a folder named tickets is in this directory: a folder of snapshot files is read \
             by report --snapshots tickets"
        ),
        "{}",
        out.stderr
    );
    // `snapshot` of a snapshot file says it is one already, not that no user has its name.
    let file = dir.path().join("s.json");
    assert_eq!(run(&["snapshot", "u005", "--out", "s.json"]).code, 0);
    let out = run(&["snapshot", "./s.json", "--out", "t.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("ctxlens: snapshot ./s.json: a file, not a user: snapshot writes a file"),
        "{}",
        out.stderr
    );
    assert!(file.exists() && !dir.path().join("t.json").exists());
}

/// Two moments of a very large user (8,000 turns, 2,000 journey rows, hundreds of changes): the
/// replays stop at the comparison's work budget (long before 2,000 replays), and the answer
/// says its set may not be minimal instead of running for minutes. The budget is counted, not
/// timed: two runs give the same answer, byte for byte.
#[test]
fn a_very_large_comparison_stops_at_its_replay_budget_and_says_so() {
    use serde_json::json;
    let turns: Vec<Value> = (0..8000)
        .map(|i| {
            json!({"user": format!("q{i} how do I price my product"), "assistant": format!("a{i} answer"),
                   "timestamp": 1_736_900_000 + i * 60})
        })
        .collect();
    let journey: Vec<Value> = (0..2000)
        .map(|i| {
            json!({"id": format!("mb:{i}"), "kind": "milestone_data", "milestone": format!("M{}", i % 10),
                   "data": {"summary": format!("row {i} words")}, "timestamp": "2025-01-10T00:00:00Z"})
        })
        .collect();
    let a = json!({"user_id": "big", "now": "2025-01-30T00:00:00Z", "current_milestone": "M3",
                   "session_id": "s1", "query": "price", "session": turns, "journey": journey});
    let mut b = a.clone();
    for i in (0..2000).step_by(3) {
        b["journey"][i]["data"]["summary"] = json!(format!("row {i} words changed"));
    }
    for i in 0..50 {
        let t =
            json!({"user": format!("new {i}"), "assistant": "x", "timestamp": 1_737_400_000 + i});
        b["session"].as_array_mut().expect("turns").push(t);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (fa, fb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&fa, a.to_string()).expect("write");
    std::fs::write(&fb, b.to_string()).expect("write");
    let out = ctxlens(&[
        "diff",
        fa.to_str().expect("utf-8 path"),
        fb.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("delta debugging, "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        line.ends_with(
            "replay budget spent (2,000 replays or 4,000,000 items replayed): may not be minimal)"
        ),
        "{line}"
    );
    let replays: usize = line
        .split("delta debugging, ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(replays < 2000, "stopped by work, not by count: {line}");
    let json = |_| {
        let out = ctxlens(&[
            "diff",
            fa.to_str().expect("utf-8 path"),
            fb.to_str().expect("utf-8 path"),
            "--json",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let (first, second) = (json(1), json(2));
    assert!(first == second, "two runs of the same diff differ");
    let v: Value = serde_json::from_str(&first).expect("JSON");
    assert_eq!(v["minimal"], false, "{first}");
}

/// Two files with `--against-set`: B is replayed under the changed policy, and B's side says
/// so (text header and JSON `b.source`), as it does with no B.
#[test]
fn two_files_with_a_policy_for_b_say_bs_policy() {
    let d = json(&[
        "diff",
        BEFORE,
        AFTER,
        "--against-set",
        "session.max_items=3",
        "--json",
    ]);
    assert_eq!(
        d["b"]["source"],
        format!("{AFTER} under --against-set session.max_items=3")
    );
    assert!(
        d["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .any(|i| i["subject"] == "session.max_items"),
        "{}",
        d["inputs"]
    );
    let out = ctxlens(&["diff", BEFORE, AFTER, "--against", "layered-adr"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert_eq!(first, format!("diff  {BEFORE} → {AFTER} under layered-adr"));
}

/// The summary line counts what the replays found; a query that moved hits of the set is
/// starred too, and the line says so, so its count and the stars agree.
#[test]
fn the_first_cause_line_accounts_for_every_star() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let (a, b) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    for args in [
        vec![
            "snapshot",
            "u005",
            "--at",
            "2025-01-15T05:00:00Z",
            "--out",
            a,
        ],
        vec!["snapshot", "u005", "--out", b],
    ] {
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let out = ctxlens(&["diff", a, b]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stars = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  *  "))
        .count();
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("delta debugging"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        line.contains("with 4 more (and the query that moved their hits, starred too): 5 of 10"),
        "{line}"
    );
    assert_eq!(stars, 5 + 1, "{}", out.stdout);
}
