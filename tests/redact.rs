//! `--redact` holds on every read command and output format: no word of any user's chat turns,
//! journey values or display name appears in stdout, stderr or a written file (SPEC §6).
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "redact/live.rs"]
mod live;
#[path = "redact/sources.rs"]
mod sources;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{Output, ctxlens, ctxlens_with};
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
    "unless", "note", "cause", "bound", "choice", "skip", "clock", "forward", "back", "already",
    "move", "inside", "outside",
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

/// Where the sweep reads: the embedded demo (no variables) or live stores.
struct Source<'a> {
    env: &'a [(&'a str, String)],
    live: bool,
}

/// Runs `args` with `--redact`, expects success (for `optimize`, an answer: 3 when it met no
/// policy's every target) and checks both streams.
fn sweep(args: &[&str], from: &Source, private: &BTreeSet<String>, runs: &mut Seen) -> Output {
    let mut all = args.to_vec();
    all.push("--redact");
    let out = ctxlens_with(&all, from.env);
    let missed = args[0] == "optimize" && out.stderr.contains("no policy met every target");
    let answered = if missed { 3 } else { 0 };
    assert_eq!(
        out.code,
        answered,
        "ctxlens {}: {}",
        all.join(" "),
        out.stderr
    );
    check(&all, &out, private, runs);
    out
}

/// Every read command and format for `users`, then the fleet ones.
fn sweep_all(users: &[&str], from: &Source, private: &BTreeSet<String>, seen: &mut Seen) {
    let mut listing = vec![&["users"][..], &["users", "--json"]];
    if !from.live {
        // The demo's progress channel speaks by itself; a live one waits for a publisher.
        listing.extend([
            &["watch", "--count", "3"][..],
            &["watch", "--count", "3", "--json"],
        ]);
    }
    for args in listing {
        sweep(args, from, private, seen);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for user in users {
        sweep_replays(user, from, private, seen);
        sweep_reads(user, from, private, seen);
        sweep_snapshot(user, dir.path(), from, private, seen);
    }
    sweep_fleet(from, private, seen);
}

/// `user`'s replays under both presets, in every format: they show masked text (a policy may
/// show none of its words).
fn sweep_replays(user: &str, from: &Source, private: &BTreeSet<String>, seen: &mut Seen) {
    let mut masked_shown = false;
    for policy in ["prolaunch", "layered-adr"] {
        for format in [&[][..], &["--json"], &["--prompt"]] {
            let mut args = vec!["replay", user, "--policy", policy];
            args.extend_from_slice(format);
            let out = sweep(&args, from, private, seen);
            masked_shown |= out.stdout.contains('•');
        }
    }
    assert!(masked_shown, "no masked text shows for {user}");
}

/// `user`'s other reads: `inspect` (now, as of an earlier instant, and with a query asked),
/// `replay` as of then, `diff`, `explain`, `graph` and `transition`, in every format.
fn sweep_reads(user: &str, from: &Source, private: &BTreeSet<String>, seen: &mut Seen) {
    for format in [&[][..], &["--json"]] {
        let mut args = vec!["inspect", user];
        args.extend_from_slice(format);
        sweep(&args, from, private, seen);
        // As of an earlier instant: the notes on what cannot be told hold keys and ids only.
        for command in ["inspect", "replay"] {
            let mut args = vec![command, user, "--at", "2025-01-10T00:00:00Z"];
            args.extend_from_slice(format);
            sweep(&args, from, private, seen);
        }
        // The diff of two policies: items, prompt lines and causes.
        let mut args = vec!["diff", user, "--against-set", "budget.total=300"];
        args.extend_from_slice(format);
        sweep(&args, from, private, seen);
        // The query shown is masked; the gates hold ids, titles and numbers only.
        let mut args = vec!["explain", user, "kn:29"];
        args.extend_from_slice(format);
        sweep(&args, from, private, seen);
    }
    // A query asked on the command line is the user's words too.
    let asked = sweep(
        &["inspect", user, "--query", "zqvsecret pricing plan"],
        from,
        private,
        seen,
    );
    assert!(
        !asked.stdout.contains("zqvsecret"),
        "the asked query shows: {}",
        asked.stdout
    );
    for format in [&[][..], &["--json"], &["--format", "dot"]] {
        let mut args = vec!["graph", user];
        args.extend_from_slice(format);
        sweep(&args, from, private, seen);
    }
    for to in ["M2", "M5", "M9"] {
        sweep(&["transition", user, "--to", to], from, private, seen);
        sweep(
            &["transition", user, "--to", to, "--json"],
            from,
            private,
            seen,
        );
    }
}

/// `snapshot --redact` of `user` is refused and writes nothing in `dir`; written without it,
/// the file replays masked.
fn sweep_snapshot(
    user: &str,
    dir: &std::path::Path,
    from: &Source,
    private: &BTreeSet<String>,
    seen: &mut Seen,
) {
    // A snapshot is the exact stored input: refused under --redact, and nothing is written.
    let file = dir.join(format!("{user}.json"));
    let path = file.to_str().expect("utf-8 path");
    let refused = ctxlens_with(&["snapshot", user, "--out", path, "--redact"], from.env);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    // Its advice is readable: ctxlens's own words are not masked as data.
    assert!(
        refused
            .stderr
            .contains(&format!("ctxlens replay {user} --redact --json")),
        "{}",
        refused.stderr
    );
    assert!(!file.exists(), "snapshot --redact wrote {path}");
    check(&["snapshot", user, "--redact"], &refused, private, seen);
    // Written without it, the file replays masked.
    let written = ctxlens_with(&["snapshot", user, "--out", path], from.env);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let file_only = Source {
        env: &[],
        live: false,
    };
    for format in [&[][..], &["--json"], &["--prompt"]] {
        let mut args = vec!["replay", "--snapshot", path];
        args.extend_from_slice(format);
        sweep(&args, &file_only, private, seen);
    }
}

/// The fleet commands: `report` in every format, `optimize` in text and JSON.
fn sweep_fleet(from: &Source, private: &BTreeSet<String>, seen: &mut Seen) {
    for format in ["table", "json", "csv", "markdown"] {
        sweep(
            &[
                "report",
                "--set",
                "budget.total=1500",
                "--duplicates",
                "--format",
                format,
            ],
            from,
            private,
            seen,
        );
    }
    for format in [&[][..], &["--json"]] {
        let mut args = vec!["optimize", "--trials", "4", "--seed", "1"];
        args.extend_from_slice(format);
        sweep(&args, from, private, seen);
    }
}

#[test]
fn no_personal_word_in_any_read_command_or_format() {
    let private = private();
    let mut seen = Seen::default();
    let demo = Source {
        env: &[],
        live: false,
    };
    sweep_all(USERS, &demo, &private, &mut seen);
    assert!(seen.leaks.is_empty(), "{}", seen.leaks.join("\n"));
    assert!(seen.runs > 250, "{} runs", seen.runs);
}

/// An error about a snapshot file quotes what the file holds: masked under --redact.
#[test]
fn an_error_quoting_a_files_data_is_masked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"user_id":"u1","now":"zqvsecret o'clock","session":[]}"#,
    )
    .expect("writes");
    let path = path.to_str().expect("utf-8 path");
    let plain = ctxlens(&["replay", "--snapshot", path]);
    assert_eq!(plain.code, 2, "{}", plain.stderr);
    assert!(plain.stderr.contains("zqvsecret"), "{}", plain.stderr);
    let masked = ctxlens(&["replay", "--snapshot", path, "--redact"]);
    assert_eq!(masked.code, 2, "{}", masked.stderr);
    assert!(!masked.stderr.contains("zqvsecret"), "{}", masked.stderr);
    assert!(masked.stderr.contains('•'), "{}", masked.stderr);
}

/// Data in a field name's letters (a map keyed by names, a number as a key) and yes/no facts are
/// masked; the masked prompt, piped, is shown inert: masking keeps ASCII punctuation, which
/// could end a stored escape sequence.
#[test]
fn keys_holding_data_booleans_and_a_piped_masked_prompt_hide_what_they_hold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("keys.json");
    let snapshot = serde_json::json!({
        "user_id": "u1", "now": "2025-01-15T12:00:00Z",
        "session": [{"user": "price? \u{1b}[@ \u{1b}]0;t\u{7}", "assistant": "ok",
                     "timestamp": "2025-01-15T11:00:00Z"}],
        "journey": [{"id": "mb:1", "kind": "business_dna", "data": {
            "competitors": {"Zqvglobex": 3, "Zqv.Doe": 1},
            "ssn_123-45-6789": "x", "is_profitable": false, "has_cofounder": true, "debt": null,
        }}],
    });
    std::fs::write(&path, snapshot.to_string()).expect("writes");
    let path = path.to_str().expect("utf-8 path");
    let plain = ctxlens(&["replay", "--snapshot", path, "--prompt"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for shown in [
        "Zqvglobex",
        "Zqv.Doe",
        "123-45-6789",
        "false",
        "true",
        "null",
        "\u{1b}",
    ] {
        assert!(plain.stdout.contains(shown), "{shown}: {}", plain.stdout);
    }
    let masked = ctxlens(&["replay", "--snapshot", path, "--prompt", "--redact"]);
    assert_eq!(masked.code, 0, "{}", masked.stderr);
    for hidden in ["Zqv", "123", "false", "true", "null", "\u{1b}", "\u{7}"] {
        assert!(
            !masked.stdout.contains(hidden),
            "{hidden}: {}",
            masked.stdout
        );
    }
    // Field names stay, so the shape reads.
    for shown in ["competitors:", "is_profitable: •", "debt: •", "␛[@"] {
        assert!(masked.stdout.contains(shown), "{shown}: {}", masked.stdout);
    }
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

/// As of an earlier instant the cached context read may be of a milestone the user had not
/// reached then: named in a note by its key, that milestone is masked too when the map does not
/// know it (`context:u062:••`, `••'s`), in text and JSON.
#[test]
fn an_as_of_note_naming_a_cached_key_masks_its_unknown_milestone() {
    let config = common::write_temp(
        "map-without-m9.toml",
        "[[milestones]]\nid = \"A0\"\nname = \"Alpha\"\ndepends_on = []\n\n\
         [[milestones]]\nid = \"M3\"\nname = \"Three\"\ndepends_on = [\"A0\"]\n",
    );
    let config = config.to_str().expect("utf-8 path");
    for format in [&[][..], &["--json"]] {
        let mut args = vec![
            "--config",
            config,
            "--redact",
            "inspect",
            "u062",
            "--at",
            "2025-01-14T19:58:25Z",
        ];
        args.extend_from_slice(format);
        let out = common::ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("context:u062:••"), "{}", out.stdout);
        assert!(!out.stdout.contains("M9"), "{}", out.stdout);
    }
}

/// A pair of copies across the mask (u069's knowledge article kn:29 pasted into chat turn
/// s1#6) is not named under `--redact`: the article is readable there, so the pair would tell
/// what the hidden turn says. Decisions stand: under `dedupe=near` kn:29 is still removed as a
/// `duplicate`, of nothing named.
#[test]
fn a_copy_across_the_mask_is_not_named_under_redact() {
    let json = |extra: &[&str]| {
        let mut args = vec!["replay", "u069", "--json", "--set", "dedupe=near"];
        args.extend_from_slice(extra);
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let kn29 = |v: &serde_json::Value| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == "kn:29")
            .expect("kn:29")
            .clone()
    };
    let plain = json(&[]);
    assert_eq!(kn29(&plain)["duplicate"]["of"], "s1#6", "the demo's pair");
    assert!(
        plain["duplicates"]
            .as_array()
            .expect("pairs")
            .iter()
            .any(|p| p["id"] == "kn:29" && p["of"] == "s1#6")
    );
    let masked = json(&["--redact"]);
    let item = kn29(&masked);
    assert_eq!(item["reason"], "duplicate");
    assert_eq!(item["decision"], "dropped");
    assert!(item.get("duplicate").is_none(), "{item}");
    assert!(
        !masked["duplicates"]
            .as_array()
            .expect("pairs")
            .iter()
            .any(|p| p["id"] == "kn:29" || p["of"] == "kn:29"),
        "{}",
        masked["duplicates"]
    );
    for args in [
        &["inspect", "u069", "--redact"][..],
        &["replay", "u069", "--redact"],
        &["replay", "u069", "--redact", "--set", "dedupe=near"],
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let named = out
            .stdout
            .lines()
            .any(|l| l.contains("kn:29") && l.contains("s1#6"));
        assert!(!named, "{args:?} names the pair:\n{}", out.stdout);
    }
    let plain = ctxlens(&["inspect", "u069"]);
    assert!(
        plain
            .stdout
            .lines()
            .any(|l| l.contains("kn:29") && l.contains("s1#6")),
        "{}",
        plain.stdout
    );
}

/// A snapshot file's own `malformed` reasons and `notes` messages are its words, free text as
/// far as ctxlens can tell: masked whole under --redact on every command that reads the file;
/// what the reader itself found there (a journey id of the wrong shape) still reads.
#[test]
fn what_a_snapshot_file_records_in_its_own_words_is_masked_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_files_recording_their_own_words(dir.path());
    let (file, folder) = (
        path.to_str().expect("utf-8 path"),
        dir.path().to_str().expect("utf-8 path"),
    );
    let runs: [&[&str]; 6] = [
        &["replay", "--snapshot", file],
        &["replay", "--snapshot", file, "--json"],
        &["report", "--snapshots", folder],
        &["report", "--snapshots", folder, "--json"],
        &["report", "--snapshots", folder, "--format", "markdown"],
        &["report", "--snapshots", folder, "--format", "csv"],
    ];
    for args in runs {
        let plain = ctxlens(args);
        assert_eq!(plain.code, 0, "{args:?}: {}", plain.stderr);
        assert!(
            plain.stdout.contains("zqvpatient"),
            "{args:?}: {}",
            plain.stdout
        );
        let mut masked_args = args.to_vec();
        masked_args.push("--redact");
        let masked = ctxlens(&masked_args);
        assert_eq!(masked.code, 0, "{args:?} --redact: {}", masked.stderr);
        let all = format!("{}{}", masked.stdout, masked.stderr);
        assert!(
            !all.contains("zqv") && !all.contains("4471"),
            "{args:?} --redact: {all}"
        );
    }
    ids_stay_and_a_quoted_file_name_is_named_whole(dir.path(), folder);
    the_files_note_is_masked_and_the_readers_reason_reads(file);
}

/// Two snapshot files in `dir` whose `malformed` reasons and `notes` messages hold secret
/// words: `u1.json` (its path returned) and `u2.json`, whose user id and source hold quotes.
fn write_files_recording_their_own_words(dir: &Path) -> PathBuf {
    let snapshot = serde_json::json!({
        "user_id": "u1", "current_milestone": "M1", "now": "2025-01-15T12:00:00Z",
        "journey": [{"id": "mb:x1", "kind": "milestone_data", "milestone": "M1", "data": {}}],
        "malformed": [{"id": "mb:7", "source": "memory_bank id=7",
                       "reason": "zqvpatient called about zqvinvoice 4471"}],
        "notes": [{"kind": "timestamp_out_of_range", "source": "memory_bank id=8",
                   "message": "zqvnote from the zqvaccountant"},
                  {"kind": "ambiguous_key", "source": "session:u1:x:s1",
                   "message": "could belong to zqvclient"}],
    });
    let path = dir.join("u1.json");
    std::fs::write(&path, snapshot.to_string()).expect("writes");
    // A user id and a source holding a quote of their own, which would pair with a quote of
    // the reason were the line masked after it was joined.
    let quoting = serde_json::json!({
        "user_id": "u\"2", "now": "2025-01-15T12:00:00Z",
        "journey": [{"id": "mb:5", "kind": "milestone_data", "milestone": "M1", "data": {},
                     "timestamp": "zqvquoted o'clock"}],
        "malformed": [{"id": "mb:8", "source": "memory_bank \"id=8",
                       "reason": "zqvsecret diagnosis"}],
    });
    std::fs::write(dir.join("u2.json"), quoting.to_string()).expect("writes");
    path
}

/// The ids stay as they are (masked are the messages, before they were joined to them); a file
/// in `dir` (`folder`) whose name holds a quote is named quoted whole, its error masked after
/// the name.
fn ids_stay_and_a_quoted_file_name_is_named_whole(dir: &Path, folder: &str) {
    std::fs::write(
        dir.join("bad\"x.json"),
        r#"{"user_id":"u9","now":"zqvsecret o'clock"}"#,
    )
    .expect("writes");
    let masked = ctxlens(&["report", "--snapshots", folder, "--quiet", "--redact"]);
    assert_eq!(masked.code, 1, "{}", masked.stderr);
    let all = format!("{}{}", masked.stdout, masked.stderr);
    assert!(!all.contains("zqv"), "{all}");
    for id in ["u\"2@u2.json: ", "bad\\\"x.json\":1:42: now: \"•"] {
        assert!(masked.stdout.contains(id), "{id}: {}", masked.stdout);
    }
    std::fs::remove_file(dir.join("bad\"x.json")).expect("removes");
}

/// The snapshot `file`'s note is a finding of `inspect`, masked; the reader's own reason reads
/// under --redact.
fn the_files_note_is_masked_and_the_readers_reason_reads(file: &str) {
    for json in [false, true] {
        let mut args = vec!["inspect", file];
        args.extend(json.then_some("--json"));
        let plain = ctxlens(&args);
        assert!(plain.stdout.contains("zqvaccountant"), "{}", plain.stdout);
        args.push("--redact");
        let masked = ctxlens(&args);
        assert_eq!(masked.code, 0, "{}", masked.stderr);
        assert!(!masked.stdout.contains("zqv"), "{}", masked.stdout);
        assert!(
            masked.stdout.contains("a journey id is mb:N"),
            "{}",
            masked.stdout
        );
    }
}
