//! The binary end to end: exit codes, error messages, byte-stable JSON.

mod common;

use common::{ctxlens, write_temp};

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

/// (arguments, exit code, the whole stderr).
fn expect_error(args: &[&str], code: i32, stderr: &str) {
    let out = ctxlens(args);
    assert_eq!(out.code, code, "args {args:?}: stderr {}", out.stderr);
    assert_eq!(out.stderr.trim_end(), stderr, "args {args:?}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout on error: {}",
        out.stdout
    );
}

#[test]
fn policy_errors_exit_2_naming_file_line_column_or_key() {
    let bad = write_temp(
        "bad.toml",
        "name = \"p\"\nstrategy = \"stop\"\nwieght = 3\n[budget]\ntotal = 10\n",
    );
    let bad = bad.to_str().expect("utf-8 path");
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--policy",
        bad,
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(&format!(
            "ctxlens: policy error: {bad}:3:1: unknown field `wieght`, expected one of"
        )),
        "{}",
        out.stderr
    );
    expect_error(
        &[
            "replay",
            "--snapshot",
            "tests/data/snapshot-u1.json",
            "--policy",
            "/nonexistent/p.toml",
        ],
        2,
        "ctxlens: policy error: policy /nonexistent/p.toml: No such file or directory (os error 2) (presets: prolaunch, layered-adr)",
    );
    expect_error(
        &[
            "replay",
            "--snapshot",
            "tests/data/snapshot-u1.json",
            "--set",
            "layers.jorney.weight=0.6",
        ],
        2,
        "ctxlens: policy error: --set layers.jorney.weight=0.6: no layers entry named \"jorney\" (have: session, journey, knowledge)",
    );
    expect_error(
        &[
            "replay",
            "--snapshot",
            "tests/data/snapshot-u1.json",
            "--set",
            "layers.journey.weight=-1",
        ],
        2,
        "ctxlens: policy error: --set layers.journey.weight=-1: layers.journey.weight: must be a number ≥ 0, got -1",
    );
    expect_error(
        &[
            "replay",
            "--snapshot",
            "tests/data/snapshot-u1.json",
            "--policy",
            "layered-adr",
            "--set",
            "budget.expected_output_tokens=7800",
        ],
        2,
        "ctxlens: policy error: --set budget.expected_output_tokens=7800: budget: total budget T = -108 must be > 0 \
         (model_max_tokens 8192 − expected_output_tokens 7800 − overhead 500)",
    );
}

#[test]
fn snapshot_errors_exit_2_naming_file_line_column() {
    expect_error(
        &["replay", "--snapshot", "/nonexistent/s.json"],
        2,
        "ctxlens: snapshot /nonexistent/s.json: No such file or directory (os error 2)",
    );
    let cases = [
        (
            "{\"user_id\": \"u\",\n \"now\": \"2025-01-15T12:00:00Z\",\n \"session\": [}\n",
            "3:14: expected value",
        ),
        (
            "{\"now\": \"2025-01-15T12:00:00Z\"}",
            "1:31: missing field `user_id`",
        ),
        (
            "{\"user_id\": \"u\", \"now\": \"noon\"}",
            "1:31: \"noon\" is neither RFC 3339 nor epoch seconds",
        ),
        (
            "{\"user_id\": \"u\", \"now\": 1, \"extra\": 1}",
            "1:34: unknown field `extra`, expected one of",
        ),
        (
            "{\"user_id\": \"u\", \"now\": 1, \"journey\": [{\"id\": \"mb:1\", \"kind\": \"diary\", \"data\": {}}]}",
            "1:69: unknown variant `diary`, expected one of `business_dna`, `milestone_data`, `transition`",
        ),
        (
            "{\"user_id\": \"u\", \"now\": 1, \"knowledge\": [{\"id\": \"kn:1\", \"title\": \"t\", \"content\": \"c\", \"similarity\": 2.5}]}",
            "1:104: similarity 2.5 is outside [-1, 1]",
        ),
    ];
    for (text, want) in cases {
        let f = write_temp("s.json", text);
        let f = f.to_str().expect("utf-8 path");
        let out = ctxlens(&["replay", "--snapshot", f, "--json"]);
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        let prefix = format!("ctxlens: snapshot {f}:{want}");
        assert!(
            out.stderr.starts_with(&prefix),
            "want {prefix:?}\n got {:?}",
            out.stderr
        );
    }
}

#[test]
fn runtime_and_usage_errors() {
    expect_error(
        &["replay", "nosuchuser"],
        1,
        "ctxlens: user \"nosuchuser\" not found in DEMO",
    );
    expect_error(
        &["transition", "nosuchuser", "--to", "M42"],
        2,
        "ctxlens: --to M42: unknown milestone (milestones: M0, M1, M2, M3, M4, M5, M6, M7, M8, M9)",
    );
    let cycle = write_temp(
        "c.toml",
        "[[milestones]]\nid = \"A\"\ndepends_on = [\"B\"]\n[[milestones]]\nid = \"B\"\ndepends_on = [\"A\"]\n",
    );
    let cycle = cycle.to_str().expect("utf-8 path");
    expect_error(
        &["graph", "--config", cycle],
        2,
        &format!(
            "ctxlens: config {cycle}: milestones: milestone dependency cycle A → B → A (edge A → B)"
        ),
    );
    let out = ctxlens(&["replay"]);
    assert_eq!(out.code, 2, "clap usage error");
    assert!(
        out.stderr
            .contains("the following required arguments were not provided"),
        "{}",
        out.stderr
    );
}

#[test]
fn graph_text_dot_and_json() {
    let text = ctxlens(&["graph"]);
    assert_eq!(text.code, 0);
    insta::assert_snapshot!("graph_text", text.stdout);
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
    assert!(text.starts_with("••••: "), "masked: {text}");
    assert!(
        !masked.stdout.contains("Matcha"),
        "no message or journey text left"
    );
    assert_eq!(
        p["findings"], m["findings"],
        "findings are computed on the unmasked replay"
    );
}
