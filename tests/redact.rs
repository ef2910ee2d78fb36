//! `--redact` holds on every read command and output format: no word of any user's chat turns,
//! journey values or display name appears in stdout, stderr or a written file (SPEC §6).
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{Output, ctxlens};
use ctxlens::demo::{Dataset, private_words};

/// The demo users the sweep reads: ordinary, over budget, many turns, non-Latin text, malformed
/// turns, no journey, three sessions, copies within and across layers.
const USERS: &[&str] = &[
    "u001", "u062", "u064", "u065", "u066", "u067", "u068", "u069", "u070", "u071",
];

/// Words ctxlens itself prints (labels, reasons, section titles): shown whatever the data.
#[rustfmt::skip]
const LABELS: &[&str] = &[
    "kept", "dropped", "truncated", "truncation", "session", "journey", "knowledge", "tokens",
    "budget", "layer", "layers", "total", "policy", "query", "cached", "milestone",
    "milestones", "completed", "current", "available", "locked", "user", "assistant", "system",
    "business", "transition", "carried", "context", "recent", "conversation", "relevant",
    "findings", "malformed", "none", "present", "read", "turns", "newest", "score", "reason",
    "decision", "text", "kind", "relevance", "multiplier", "prompt", "sources", "documentation",
    "rate", "users", "sessions", "activity", "name", "demo", "digraph", "rankdir", "node",
    "shape", "style", "filled", "label", "fillcolor", "palegreen", "lightskyblue", "khaki",
    "lightgrey", "white", "missing", "json", "holds", "chat", "seed", "longer", "twice",
    "earlier", "detail", "among", "held", "nothing", "theirs", "today", "rest", "there", "told",
    "unless", "note",
];

/// Every demo user's private words: any output is checked against all of them.
fn private() -> BTreeSet<String> {
    let data = Dataset::demo();
    let words: BTreeSet<String> = data
        .users
        .iter()
        .flat_map(|u| private_words(&data, &u.user_id, LABELS))
        .collect();
    assert!(
        words.len() > 500,
        "the demo's personal data: {}",
        words.len()
    );
    words
}

/// The private words found in `text`.
fn leaks<'a>(text: &str, private: &'a BTreeSet<String>) -> Vec<&'a str> {
    let shown: BTreeSet<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    private
        .iter()
        .filter(|w| shown.contains(*w))
        .map(String::as_str)
        .collect()
}

/// What the sweep saw: runs, and every leak (command, stream, words).
#[derive(Default)]
struct Seen {
    runs: usize,
    leaks: Vec<String>,
}

fn check(args: &[&str], out: &Output, private: &BTreeSet<String>, seen: &mut Seen) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = leaks(text, private);
        if !found.is_empty() {
            seen.leaks.push(format!(
                "ctxlens {}: {stream} shows {found:?}",
                args.join(" ")
            ));
        }
    }
    seen.runs += 1;
}

/// Runs `args` with `--redact`, expects success and checks both streams.
fn sweep(args: &[&str], private: &BTreeSet<String>, runs: &mut Seen) -> Output {
    let mut all = args.to_vec();
    all.push("--redact");
    let out = ctxlens(&all);
    assert_eq!(out.code, 0, "ctxlens {}: {}", all.join(" "), out.stderr);
    check(&all, &out, private, runs);
    out
}

#[test]
fn no_personal_word_in_any_read_command_or_format() {
    let private = private();
    let mut seen = Seen::default();
    for args in [
        &["users"][..],
        &["users", "--json"],
        &["watch", "--count", "3"],
        &["watch", "--count", "3", "--json"],
    ] {
        sweep(args, &private, &mut seen);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for user in USERS {
        for policy in ["prolaunch", "layered-adr"] {
            for format in [&[][..], &["--json"], &["--prompt"]] {
                let mut args = vec!["replay", user, "--policy", policy];
                args.extend_from_slice(format);
                let out = sweep(&args, &private, &mut seen);
                assert!(
                    out.stdout.contains('•'),
                    "masked text shows: {}",
                    out.stdout
                );
            }
        }
        sweep(&["inspect", user], &private, &mut seen);
        sweep(&["inspect", user, "--json"], &private, &mut seen);
        // As of an earlier instant: the notes on what cannot be told hold keys and ids only.
        for format in [&[][..], &["--json"]] {
            for command in ["inspect", "replay"] {
                let mut args = vec![command, user, "--at", "2025-01-10T00:00:00Z"];
                args.extend_from_slice(format);
                sweep(&args, &private, &mut seen);
            }
        }
        sweep(
            &["inspect", user, "--query", "my secret pricing plan"],
            &private,
            &mut seen,
        );
        // The query shown is masked; the gates hold ids, titles and numbers only.
        sweep(&["explain", user, "kn:29"], &private, &mut seen);
        sweep(&["explain", user, "kn:29", "--json"], &private, &mut seen);
        for format in [&[][..], &["--json"], &["--format", "dot"]] {
            let mut args = vec!["graph", user];
            args.extend_from_slice(format);
            sweep(&args, &private, &mut seen);
        }
        for to in ["M2", "M5", "M9"] {
            sweep(&["transition", user, "--to", to], &private, &mut seen);
            sweep(
                &["transition", user, "--to", to, "--json"],
                &private,
                &mut seen,
            );
        }
        // A snapshot is the exact stored input: refused under --redact, and nothing is written.
        let file = dir.path().join(format!("{user}.json"));
        let path = file.to_str().expect("utf-8 path");
        let refused = ctxlens(&["snapshot", user, "--out", path, "--redact"]);
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("--redact"), "{}", refused.stderr);
        assert!(!file.exists(), "snapshot --redact wrote {path}");
        check(
            &["snapshot", user, "--redact"],
            &refused,
            &private,
            &mut seen,
        );
        // Written without it, the file replays masked.
        let written = ctxlens(&["snapshot", user, "--out", path]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        for format in [&[][..], &["--json"], &["--prompt"]] {
            let mut args = vec!["replay", "--snapshot", path];
            args.extend_from_slice(format);
            sweep(&args, &private, &mut seen);
        }
    }
    for format in ["table", "json", "csv", "markdown"] {
        sweep(
            &["report", "--set", "budget.total=1500", "--format", format],
            &private,
            &mut seen,
        );
    }
    assert!(seen.leaks.is_empty(), "{}", seen.leaks.join("\n"));
    assert!(seen.runs > 150, "{} runs", seen.runs);
}

#[test]
fn the_sweep_finds_a_leak_when_there_is_one() {
    let private = private();
    // Without --redact the same commands show the personal data the sweep looks for.
    for args in [
        &["users"][..],
        &["inspect", "u068"],
        &["replay", "u066", "--prompt"],
        &["transition", "u062", "--to", "M9"],
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            !leaks(&out.stdout, &private).is_empty(),
            "ctxlens {} shows no personal word unredacted",
            args.join(" ")
        );
    }
}
