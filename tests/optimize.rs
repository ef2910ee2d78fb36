//! `ctxlens optimize` end to end: the recommended policy replays to the metrics it reports, the
//! answer is the same for the same seed, and bad arguments are usage errors.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

#[path = "optimize/categories.rs"]
mod categories;
mod common;
#[path = "optimize/fleets.rs"]
mod fleets;
#[path = "optimize/signals.rs"]
mod signals;
#[path = "optimize/usage.rs"]
mod usage;

use common::ctxlens;

/// The JSON of a command that ran. An answer of `optimize` says by its exit whether it is one to
/// ship: 0 when a policy met every target (in every category searched), else 3.
fn json(out: &common::Output) -> serde_json::Value {
    let answer: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let searches: Vec<&serde_json::Value> = match answer["per_category"].as_array() {
        Some(each) => each.iter().collect(),
        None if answer.get("feasible").is_some() => vec![&answer],
        None => vec![],
    };
    let feasible = searches.iter().all(|f| f["feasible"] == true);
    assert_eq!(out.code, if feasible { 0 } else { 3 }, "{}", out.stderr);
    answer
}

/// A search that ran to its answer, in text: exit 0, or 3 when no policy met every target —
/// as the answer printed says (its verdict line, or a category's FEASIBLE cell), and the gate.
fn ran(out: &common::Output) {
    let printed = out.stdout.contains("No feasible policy found in ")
        || out.stdout.lines().any(|l| l.contains("  no: "));
    assert!(
        printed || out.stdout.contains("Feasible: trial ") || out.stdout.contains("  yes  "),
        "a verdict is printed: {}",
        out.stdout
    );
    let gate = out.stderr.contains("no policy met every target");
    assert_eq!(printed, gate, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.code, if gate { 3 } else { 0 }, "{}", out.stderr);
}

/// `report --json` of a found policy says what the search measured of it (`metrics`), figure
/// by figure; `what` names the search in a failure.
fn assert_replays_to(report: &serde_json::Value, metrics: &serde_json::Value, what: &str) {
    let candidate = &report["candidate"];
    for (reported, measured) in [
        ("avg_context_tokens", "avg_tokens"),
        ("truncation_rate", "truncation_rate"),
        ("rag_hit_rate", "rag_hits"),
        ("avg_kept_score", "avg_kept_score"),
        ("static_share", "static_share"),
    ] {
        assert_eq!(candidate[reported], metrics[measured], "{what}: {reported}");
    }
}

#[test]
fn the_recommended_toml_replays_to_the_reported_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = dir.path().join("tuned.toml");
    let toml_s = toml.to_str().expect("utf-8 path");
    let args = [
        "optimize",
        "--trials",
        "40",
        "--seed",
        "3",
        "--holdout",
        "0",
        "--json",
        "--out",
        toml_s,
    ];
    let first = ctxlens(&args);
    let found = json(&first);
    assert_eq!(found["trials"], 40);
    assert_eq!(found["users"], 71);
    assert_eq!(found["users_optimized"], 71, "nothing held out");
    let best = &found["best"]["metrics"];
    // On the demo the default targets can be met.
    assert_eq!(found["feasible"], true, "{}", found["unmet"]);
    assert!(best["truncation_rate"].as_f64().expect("rate") < 0.05);
    assert!(
        best["avg_tokens"].as_f64() < found["baseline"]["avg_tokens"].as_f64(),
        "cheaper than the baseline"
    );
    let written = std::fs::read_to_string(&toml).expect("tuned.toml");
    assert_eq!(written, found["policy_toml"].as_str().expect("toml"));
    // Its header names the search as the flags do.
    assert!(
        written.starts_with(
            "# Written by `ctxlens optimize` (coordinate search, 40 trials, seed 3, objective cost).\n"
        ),
        "{written}"
    );
    let report = json(&ctxlens(&["report", "--policy", toml_s, "--json"]));
    assert_replays_to(&report, best, "cost");
    // Its own fleet report says the same.
    assert_eq!(
        found["report"]["candidate"]["avg_context_tokens"],
        best["avg_tokens"]
    );
    assert!(found["report"]["changes"]["users_changed"].as_u64() > Some(0));
    // The same seed gives the same answer, byte for byte (no timings in --json); the file
    // written before is replaced, and that is said.
    let again = ctxlens(&args);
    assert_eq!(again.stdout, first.stdout);
    assert!(
        again
            .stderr
            .contains(&format!("ctxlens: replaced {toml_s}")),
        "{}",
        again.stderr
    );
    assert!(!first.stderr.contains("replaced"), "{}", first.stderr);
}

#[test]
fn holdout_targets_guard_and_fixed_keys_show_in_the_answer() {
    let found = json(&ctxlens(&[
        "optimize",
        "--trials",
        "25",
        "--target",
        "truncation_rate<0.03",
        "--guard",
        "300@1.5",
        "--fixed",
        "session.max_items",
        "--free",
        "layers.*.weight=0.1..0.7",
        "--free",
        "knowledge.limit",
        "--json",
    ]));
    let free: Vec<&str> = found["free"]
        .as_array()
        .expect("free")
        .iter()
        .map(|p| p["key"].as_str().expect("key"))
        .collect();
    assert_eq!(
        free,
        [
            "layers.session.weight",
            "layers.journey.weight",
            "layers.knowledge.weight",
            "knowledge.limit"
        ]
    );
    let targets: Vec<&str> = found["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["text"].as_str().expect("text"))
        .collect();
    assert!(targets.contains(&"truncation_rate<0.03"));
    assert!(!targets.contains(&"truncation_rate<0.05"), "replaced");
    assert!(targets.iter().any(|t| t.contains("300 kept tokens")));
    let hold = &found["holdout"];
    assert_eq!(
        hold["users"].as_u64().expect("held out") + found["users_optimized"].as_u64().expect("n"),
        71
    );
    assert!(hold["best"]["avg_tokens"].is_number());
    let loss = found["best"]["metrics"]["guard_loss"]
        .as_u64()
        .expect("guard measured");
    if found["feasible"] == true {
        assert!(loss <= 300);
    }
    let notes = found["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("limit + 5"))),
        "{notes:?}"
    );
}

#[test]
fn text_output_has_the_front_the_policy_and_the_report() {
    let out = ctxlens(&["optimize", "--trials", "12", "--method", "random"]);
    ran(&out);
    for part in [
        "Optimize · DEMO · 71 users",
        "cost: fewest average context tokens · random search · 12 trials in ",
        "Pareto front",
        "Recommended policy",
        "Metrics: baseline → recommended",
        "Fleet report: recommended vs baseline",
        "Monitoring (seed 003 targets)",
    ] {
        assert!(out.stdout.contains(part), "{part}: {}", out.stdout);
    }
    // Its own line breaks are line breaks, never shown as `␊`.
    assert!(!out.stdout.contains('␊'), "{}", out.stdout);
}

#[test]
fn a_clamped_baseline_value_is_a_change_from_the_baseline_and_is_noted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = dir.path().join("bt.toml");
    let toml_s = toml.to_str().expect("utf-8 path");
    let args = [
        "optimize",
        "--free",
        "budget.total=1..10",
        "--trials",
        "3",
        "--holdout",
        "0",
        "--out",
        toml_s,
    ];
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let found = json(&ctxlens(&json_args));
    let changes = found["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["key"], "budget.total");
    assert_eq!(changes[0]["from"], "4000", "the baseline's real total");
    let to = changes[0]["to"].as_str().expect("to");
    let written = std::fs::read_to_string(&toml).expect("bt.toml");
    assert!(written.contains(&format!("total = {to}\n")), "{written}");
    assert!(
        written.contains(&format!("# budget.total: 4000 → {to}")),
        "{written}"
    );
    let notes = found["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n
                == "budget.total: the baseline's 4000 is outside 1..10; the search starts at 10"),
        "{notes:?}"
    );
    let text = ctxlens(&args);
    ran(&text);
    assert!(
        !text
            .stdout
            .contains("none: the baseline is the best point found"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!("4000 → {to}")),
        "{}",
        text.stdout
    );
}

#[test]
fn a_holdout_keeps_a_user_to_optimize_on_or_says_what_to_change() {
    // Seed 1's hash holds out all five synthetic users; one is kept to optimize on.
    let found = json(&ctxlens(&[
        "optimize",
        "--synthetic",
        "5",
        "--trials",
        "2",
        "--json",
    ]));
    assert_eq!(found["users"], 5);
    assert_eq!(found["users_optimized"], 1, "{}", found["holdout"]);
    assert_eq!(found["holdout"]["users"], 4);
    // One user alone, held out (with this seed): nothing is left, and the message says why.
    let out = ctxlens(&[
        "optimize",
        "--synthetic",
        "1",
        "--holdout",
        "0.9",
        "--seed",
        LONE_HELD_OUT_SEED,
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the holdout left no users to optimize on"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--holdout 0"), "{}", out.stderr);
}

/// A seed whose hash holds out the one user of `--synthetic 1` at `--holdout 0.9`.
const LONE_HELD_OUT_SEED: &str = "1";

#[test]
fn the_pareto_header_counts_the_rows_it_shows() {
    for trials in ["3", "60"] {
        let out = ctxlens(&["optimize", "--trials", trials, "--holdout", "0"]);
        ran(&out);
        let lines: Vec<&str> = out.stdout.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("Pareto front ("))
            .expect("a Pareto front");
        let header = lines[at];
        let points: usize = header["Pareto front (".len()..]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a count of points");
        let rows = lines[at + 2..]
            .iter()
            .take_while(|l| !l.trim().is_empty())
            .count();
        let shown = if points > 15 {
            assert!(header.contains("; the first 15 shown)"), "{header}");
            15
        } else {
            assert!(!header.contains("shown"), "{header}");
            points
        };
        assert_eq!(rows, shown, "{header}\n{}", out.stdout);
    }
}

/// Without a feasible point the verdict says which targets no trial met and what the closest
/// point misses: it never calls a target unreachable that some trial reached. The closest point
/// is no policy to ship: it is not called recommended, the file written says it misses, and the
/// exit is a gate's (3), so `optimize --out f && deploy f` deploys nothing.
#[test]
fn an_infeasible_search_names_what_no_trial_met() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("closest.toml");
    let file_arg = file.to_str().expect("utf-8 path");
    let args = ["optimize", "--trials", "15", "--target", "rag_hits>0.999"];
    let out = ctxlens(&[&args[..], &["--out", file_arg]].concat());
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "No feasible policy found in 15 trials: no trial met rag_hits>0.999; the closest point"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.to_lowercase().contains("recommend"),
        "the closest point is nowhere called a recommendation: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Metrics: baseline → closest")
            && out.stdout.contains("Fleet report: closest vs baseline"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "Closest policy (changes from the baseline): no answer to the targets, it misses rag_hits>0.999"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("no policy met every target: the closest point (trial "),
        "{}",
        out.stderr
    );
    let written = std::fs::read_to_string(&file).expect("the closest point is written");
    assert!(
        written.starts_with("# NOT FEASIBLE: no trial met every target")
            && written.contains("# It misses: rag_hits>0.999"),
        "{written}"
    );
    let json = ctxlens(&[&args[..], &["--json"]].concat());
    assert_eq!(json.code, 3, "{}", json.stderr);
    let found: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(found["feasible"], false);
    assert_eq!(found["never_met"], serde_json::json!(["rag_hits>0.999"]));
    // Every target the closest point misses that is not in never_met was met by some trial.
    let easy = ctxlens(&[
        "optimize",
        "--trials",
        "15",
        "--target",
        "rag_hits>0.5",
        "--json",
    ]);
    let found: serde_json::Value = serde_json::from_str(&easy.stdout).expect("JSON");
    assert_eq!(
        found["never_met"],
        serde_json::json!([]),
        "{}",
        found["unmet"]
    );
}

/// `--objective quality` searches for the most kept score-weighted tokens: its progress line
/// says so, the answer keeps more than the baseline (itself feasible, so it is beaten on the
/// objective alone), and the written TOML replays to the reported metrics.
#[test]
fn quality_keeps_more_score_weighted_tokens_and_replays_to_its_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = dir.path().join("quality.toml");
    let toml_s = toml.to_str().expect("utf-8 path");
    // The demo's baseline sits exactly at rag_hits 0.8: `>=` lets it meet the target.
    let out = ctxlens(&[
        "optimize",
        "--objective",
        "quality",
        "--target",
        "rag_hits>=0.8",
        "--trials",
        "30",
        "--holdout",
        "0",
        "--json",
        "--out",
        toml_s,
    ]);
    let found = json(&out);
    assert!(
        out.stderr
            .contains("up to 30 trials, for quality: most kept tokens weighted by score"),
        "{}",
        out.stderr
    );
    assert_eq!(found["objective"], "quality");
    // Trial 1 is the baseline, and it meets every target.
    assert_eq!(found["improvements"][0]["trial"], 1);
    assert_eq!(found["improvements"][0]["violation"], 0.0);
    assert_eq!(found["feasible"], true, "{}", found["unmet"]);
    let best = &found["best"]["metrics"];
    let kept = |m: &serde_json::Value| m["avg_kept_score"].as_f64().expect("kept score");
    assert!(
        kept(best) > kept(&found["baseline"]),
        "{} ≤ the baseline's {}",
        kept(best),
        kept(&found["baseline"])
    );
    // The objective is the exact figure; the metric is written rounded to two places.
    let objective = found["best"]["objective"].as_f64().expect("objective");
    assert!(
        (objective + kept(best)).abs() <= 0.005,
        "quality minimises the negated kept score: {objective} against {}",
        kept(best)
    );
    let report = json(&ctxlens(&["report", "--policy", toml_s, "--json"]));
    assert_replays_to(&report, best, "quality");
    // The text names the objective and heads the front's column with it.
    let text = ctxlens(&["optimize", "--objective", "quality", "--trials", "5"]);
    ran(&text);
    assert!(
        text.stdout
            .contains("quality: most kept tokens weighted by score · coordinate search · 5 trials"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("KEPT SCORE"), "{}", text.stdout);
}

/// `--time` ends a search that has trials left: the answer says it stopped for time and is the
/// best of the trials made.
#[test]
fn time_stops_the_search_before_its_trials_run_out() {
    let found = json(&ctxlens(&[
        "optimize",
        "--time",
        "1ms",
        "--trials",
        "1000000",
        "--holdout",
        "0",
        "--json",
    ]));
    assert_eq!(found["stopped"], "time");
    let trials = found["trials"].as_u64().expect("trials");
    assert!((1..1_000_000).contains(&trials), "{trials}");
    assert!(found["best"]["n"].as_u64() <= Some(trials));
    assert!(
        found["policy_toml"]
            .as_str()
            .is_some_and(|t| t.contains("[budget]"))
    );
}

/// A layer's name from the policy file (or a `--free` key holding one) is stored text: the
/// header, the notes and the change table show its controls inert, and only the tool's own
/// colours reach the terminal; the written TOML's comments stay one line each.
#[test]
fn a_layer_name_with_escapes_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string("fixtures/policies/prolaunch.toml")
        .expect("preset")
        .replace("name = \"session\"", "name = \"sess\\u001b[2J\\nion\"");
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, text).expect("writes");
    let out_toml = dir.path().join("tuned.toml");
    let out = ctxlens(&[
        "--policy",
        policy.to_str().expect("utf-8"),
        "optimize",
        "--trials",
        "4",
        "--quiet",
        "--free",
        "layers.sess\u{1b}[2J\nion.weight",
        "--out",
        out_toml.to_str().expect("utf-8"),
    ]);
    ran(&out);
    assert!(out.stdout.contains("sess␛[2J␊ion.weight"), "{}", out.stdout);
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no escape at all (no colour off a terminal)"
    );
    let written = std::fs::read_to_string(&out_toml).expect("written");
    for l in written.lines().take_while(|l| !l.is_empty()) {
        assert!(l.starts_with('#'), "a comment line each: {l:?}");
    }
}
