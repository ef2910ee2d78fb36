//! Bad input on the command line and in files: a usage error (exit 2) or a
//! runtime failure (exit 1) naming what was wrong and where, never a crash or a value silently
//! changed.

use super::common::{ctxlens, expect_error, write_temp};

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
        "ctxlens: policy /nonexistent/p.toml: No such file or directory (presets: prolaunch, layered-adr)",
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
        "ctxlens: policy error: --set layers.journey.weight=-1: layers.journey.weight: must be a finite number ≥ 0, got -1",
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
        "ctxlens: snapshot /nonexistent/s.json: No such file or directory",
    );
    let cases = [
        (
            "{\"user_id\": \"u\",\n \"now\": \"2025-01-15T12:00:00Z\",\n \"session\": [}\n",
            "3:14: expected value",
        ),
        (
            "[]",
            "1:2: a snapshot is a JSON object (as ctxlens snapshot writes it), found an array",
        ),
        (
            // An array is read as the struct's fields in order: still said as an array.
            "[1,2,3]",
            "1:2: a snapshot is a JSON object (as ctxlens snapshot writes it), found an array",
        ),
        (
            "\"u062\"",
            "1:6: a snapshot is a JSON object (as ctxlens snapshot writes it), found a string",
        ),
        (
            "{\"now\": \"2025-01-15T12:00:00Z\"}",
            "1:31: missing field `user_id`",
        ),
        (
            "{\"user_id\": \"u\", \"now\": \"noon\"}",
            "1:31: now: \"noon\" is neither RFC 3339 nor epoch seconds",
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

/// A snapshot file cannot search again (`--query`) nor read another session (`--session`):
/// both are refused as usage errors saying to give the user instead.
#[test]
fn what_a_snapshot_file_cannot_do_is_refused() {
    // What a file cannot do is refused, not silently skipped.
    let file = "tests/data/snapshot-u1.json";
    expect_error(
        &["replay", "--snapshot", file, "--query", "a new question"],
        2,
        &format!(
            "ctxlens: --query: snapshot {file} holds the knowledge hits of the search that \
             wrote it and cannot search again; ask the stores (give USER instead of the file)"
        ),
    );
    expect_error(
        &["replay", "--snapshot", file, "--session", "s9"],
        2,
        &format!(
            "ctxlens: --session: snapshot {file} holds the one session it was written from; \
             another is read from the stores (give USER instead of the file)"
        ),
    );
}

/// `replay --json` of a snapshot file written to a temp file named `name`: it succeeds, and
/// its JSON.
fn replay_file(name: &str, text: &str) -> serde_json::Value {
    let f = write_temp(name, text);
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        f.to_str().expect("utf-8 path"),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// A knowledge hit or a journey row of a snapshot file that cannot be read is one malformed
/// item naming its place; the file's other items replay.
#[test]
fn an_unreadable_hit_or_journey_row_of_a_file_is_one_malformed_item() {
    // A hit no score can be made of is one malformed item; the file's other hits replay.
    let text = "{\"user_id\": \"u\", \"now\": 1, \"query\": \"q\", \"knowledge\": [{\"id\": \"kn:1\", \"title\": \"t\", \"content\": \"c\", \"similarity\": 2.5}, {\"id\": \"kn:2\", \"title\": \"t\", \"content\": \"c\", \"similarity\": 0.9}]}";
    let v = replay_file("one-bad-hit.json", text);
    assert_eq!(
        v["malformed"],
        serde_json::json!([{
            "id": "kn:1",
            "source": "one-bad-hit.json knowledge (hit kn:1)",
            "reason": "similarity 2.5 is outside [-1, 1]"
        }]),
        "{v}"
    );
    let ids: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(ids.contains(&"kn:2") && !ids.contains(&"kn:1"), "{ids:?}");
    // So is a journey row that cannot be read, naming its place, id and field.
    let text = "{\"user_id\": \"u\", \"now\": 1, \"journey\": [{\"id\": \"mb:1\", \"kind\": \"diary\", \"data\": {}}, {\"id\": \"mb:2\", \"kind\": \"business_dna\", \"data\": {\"a\": 1}}]}";
    let f = write_temp("one-bad-row.json", text);
    let out = ctxlens(&["replay", f.to_str().expect("utf-8 path"), "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        v["malformed"],
        serde_json::json!([{
            "id": "mb:1",
            "source": "one-bad-row.json journey[0] (mb:1)",
            "reason": "kind: unknown variant `diary`, expected one of `business_dna`, `milestone_data`, `transition`"
        }]),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"mb:2\""), "{}", out.stdout);
}

#[test]
fn runtime_and_usage_errors() {
    // The test's stdin and stdout are no terminal: nothing to take over, nothing written.
    expect_error(
        &["tui"],
        2,
        "ctxlens: tui: the TUI needs a terminal on stdin and stdout; for output to a file or a pipe, use a command (`users`, `inspect`, `replay`, `report`)",
    );
    expect_error(
        &["replay", "nosuchuser"],
        1,
        "ctxlens: user \"nosuchuser\" not found in DEMO",
    );
    // The demo holds its users: watching one it does not hold would wait for ever.
    expect_error(
        &["watch", "nosuchuser", "--count", "1"],
        1,
        "ctxlens: user \"nosuchuser\" not found in DEMO",
    );
    expect_error(
        &["transition", "nosuchuser", "--to", "M42"],
        2,
        "ctxlens: --to \"M42\": unknown milestone (milestones: M0, M1, M2, M3, M4, M5, M6, M7, M8, M9)",
    );
    // Typed, it may be a word the map does not know: masked under --redact like the rest.
    expect_error(
        &["--redact", "transition", "u062", "--to", "PLUTONIUMX"],
        2,
        "ctxlens: --to \"••••••••••\": unknown milestone (milestones: M0, M1, M2, M3, M4, M5, M6, M7, M8, M9)",
    );
    // A value of thousands of characters, or one holding controls, is quoted as every other
    // typed value is: its start and its length, the controls visible.
    let long = "a".repeat(10_000);
    for args in [
        vec!["transition", "u062", "--to", long.as_str()],
        vec!["explain", "u062", long.as_str(), "--query", "price"],
        vec!["users", "--cursor", long.as_str()],
    ] {
        let out = ctxlens(&args);
        assert!(out.code != 0, "{args:?}");
        assert!(
            out.stderr.contains("… (10,000 characters)") && out.stderr.len() < 400,
            "{}: {}",
            args[0],
            out.stderr
        );
    }
    for args in [
        &["transition", "u062", "--to", "M\u{1b}]0;x\u{7}"][..],
        &["users", "--cursor", "x\u{1b}]0;x\u{7}"],
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("␛]0;x␇\""), "{}", out.stderr);
    }
    let cycle = write_temp(
        "c.toml",
        "[[milestones]]\nid = \"A\"\ndepends_on = [\"B\"]\n[[milestones]]\nid = \"B\"\ndepends_on = [\"A\"]\n",
    );
    let cycle = cycle.to_str().expect("utf-8 path");
    expect_error(
        &["graph", "--config", cycle],
        2,
        &format!(
            "ctxlens: config {cycle}:6:15: milestones: milestone dependency cycle A → B → A (edge A → B)"
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
fn tui_snapshot_files_that_cannot_be_read_are_usage_errors() {
    for (args, says) in [
        (
            ["tui", "--snapshot", "tests/data/nope.json"],
            "ctxlens: snapshot tests/data/nope.json: ",
        ),
        (
            ["tui", "--snapshots", "tests/data/nope"],
            "ctxlens: snapshots folder tests/data/nope: ",
        ),
    ] {
        let out = ctxlens(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with(says), "{args:?}: {}", out.stderr);
    }
}

/// A blank `--query` has nothing to embed: refused naming the flag, on every command taking it.
#[test]
fn a_blank_query_is_a_usage_error() {
    for args in [
        &["explain", "u005", "kn:25", "--query", ""][..],
        &["replay", "u005", "--query", "  "],
        &["inspect", "u005", "--query", ""],
        &[
            "diff",
            "u005",
            "--against-set",
            "session.max_items=3",
            "--query",
            "",
        ],
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("--query") && out.stderr.contains("empty"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// Numbers out of range are usage errors naming what was wrong, never a crash or a value
/// silently changed: timeouts, budgets whose arithmetic overflows or exceeds what a budget can
/// be, a count of 0; an embedder URL the builtin embedder would ignore.
#[test]
fn out_of_range_numbers_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["--connect-timeout", "inf", "users"], "from 0.1 to 86400"),
        (
            &["--connect-timeout", "1e400", "users"],
            "from 0.1 to 86400",
        ),
        (&["--connect-timeout", "nan", "users"], "from 0.1 to 86400"),
        (&["--connect-timeout", "0", "users"], "from 0.1 to 86400"),
        (&["--query-timeout", "0", "users"], "from 0.1 to 86400"),
        (
            &["--connect-timeout", "18446744073709551616", "users"],
            "from 0.1 to 86400",
        ),
        (&["--embed-timeout", "1e30", "users"], "from 0.1 to 86400"),
        (
            &["replay", "u062", "--set", "budget.total=4294967296"],
            "must be at most 4294967295",
        ),
        (
            &[
                "replay",
                "u062",
                "--set",
                "budget.model_max_tokens=-9223372036854775807",
                "--set",
                "budget.expected_output_tokens=9223372036854775807",
            ],
            "out of range",
        ),
        (&["watch", "--count", "0"], "at least 1"),
        (
            &["replay", "u062", "--set", "layers.session.weight=1e308"],
            "is beyond 4294967295 tokens",
        ),
        (
            &["report", "--sample", "0", "--fail-on", "truncation_rate"],
            "--sample 0: a sample holds at least one user",
        ),
        (
            &["optimize", "--sample", "0", "--trials", "2"],
            "--sample 0: a sample holds at least one user",
        ),
        (&["report", "--synthetic", "0"], "must be at least 1"),
        (&["optimize", "--synthetic", "0"], "must be at least 1"),
        (
            &["--embed-url", "http://127.0.0.1:1/v1", "replay", "u062"],
            "--embedder http",
        ),
    ];
    for (args, says) in cases {
        let out = ctxlens(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
}

/// A cursor no listing printed is a usage error, before any output; a limit of 0 is refused.
#[test]
fn users_refuses_a_cursor_it_never_gave_and_a_zero_limit() {
    let out = ctxlens(&["users", "--cursor", "garbage"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "no head before the error: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains("invalid cursor \"garbage\""),
        "{}",
        out.stderr
    );
    let zero = ctxlens(&["users", "--limit", "0"]);
    assert_eq!(zero.code, 2, "{}", zero.stderr);
    assert!(zero.stderr.contains("at least 1"), "{}", zero.stderr);
    let one = ctxlens(&["users", "--limit", "1", "--json"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let v: serde_json::Value = serde_json::from_str(&one.stdout).expect("json");
    assert_eq!(v["users"].as_array().expect("users").len(), 1);
}

/// A ROW that names nothing — empty, or `kn:` without a number — is a usage error saying how a
/// row is named, not a search of every title (demo and snapshot file alike).
#[test]
fn an_empty_or_malformed_row_is_a_usage_error() {
    for (args, says) in [
        (&["explain", "u005", ""][..], "ROW is empty"),
        (&["explain", "u005", "  "], "ROW is empty"),
        (
            &["explain", "u005", "kn:abc"],
            "\"kn:abc\" is no knowledge row id",
        ),
        (
            &["explain", "tests/data/snapshot-u1.json", "kn:"],
            "\"kn:\" is no knowledge row id",
        ),
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
    }
}

/// `--at` on a fleet command is refused saying what it has instead (`--now`, and `inspect
/// --at` for one user), not guessed as another flag by its spelling.
#[test]
fn a_fleet_command_given_at_names_now_instead() {
    for command in ["report", "optimize"] {
        let out = ctxlens(&[command, "--at", "2025-01-01T00:00:00Z"]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("a fleet has no --at: --now TIME replays every user")
                && out.stderr.contains("ctxlens inspect USER --at TIME")
                && !out.stderr.contains("--database-url"),
            "{command}: {}",
            out.stderr
        );
        let help = ctxlens(&[command, "--help"]);
        assert!(!help.stdout.contains("--at"), "{command}: hidden");
    }
}
