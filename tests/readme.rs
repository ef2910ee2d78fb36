//! README's examples are real output: every `$ ctxlens …` line in a fenced block of README.md is
//! run through the built binary on the embedded demo (through `bash`, so the block's own pipes
//! to `head`, `sed`, `jq` run as written), and what follows it in the block must be what it
//! prints. A line `...` in a block stands for lines left out (any number, none included);
//! durations (`1.8 s`, `110.1 trials/s`) are the only figures allowed to differ. The tests and
//! code README names by path are where it says (`readme/named.rs`).
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "readme/named.rs"]
mod named;

use std::path::Path;
use std::process::Command;

/// One example: the README line of its command, the command and the output shown under it.
struct Example {
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// The `$ ` commands of every fenced block and the lines under each, up to the next command or
/// the end of the block.
fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut open: Option<usize> = None;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_block = !in_block;
            open = None;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                line: i + 1,
                command: command.to_string(),
                shown: Vec::new(),
            });
            open = Some(out.len() - 1);
        } else if let Some(at) = open {
            out[at].shown.push(line.to_string());
        }
    }
    for example in &mut out {
        while example.shown.last().is_some_and(|l| l.is_empty()) {
            example.shown.pop();
        }
    }
    out
}

/// `line` with every duration (a number followed by ` s` or ` trials/s`) written `N`.
fn durations_blanked(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric());
        if starts_number {
            let mut end = i;
            while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
                end += 1;
            }
            let rest: String = chars[end..].iter().collect();
            let unit = [" trials/s", " s"].into_iter().find(|unit| {
                rest.strip_prefix(unit)
                    .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
            });
            if unit.is_some() {
                out.push('N');
                i = end;
                continue;
            }
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Why `printed` is not what `shown` says, or `None` when it is.
fn mismatch(shown: &[String], printed: &[&str]) -> Option<String> {
    let same = |a: &str, b: &str| durations_blanked(a) == durations_blanked(b);
    let mut at = 0;
    let mut gap = false;
    for want in shown {
        if want.trim() == "..." {
            gap = true;
            continue;
        }
        if gap {
            while at < printed.len() && !same(printed[at], want) {
                at += 1;
            }
            gap = false;
        }
        match printed.get(at) {
            Some(got) if same(got, want) => at += 1,
            Some(got) => return Some(format!("README shows {want:?}, printed {got:?}")),
            None => return Some(format!("README shows {want:?}, the output ended before it")),
        }
    }
    match printed.get(at) {
        Some(extra) if !gap => Some(format!(
            "printed {extra:?} after what README shows (end the block with `...` if it is cut)"
        )),
        _ => None,
    }
}

#[test]
fn the_matcher_sees_a_changed_line_a_missing_line_and_extra_output() {
    let shown = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert_eq!(mismatch(&shown(&["a", "b"]), &["a", "b"]), None);
    assert!(mismatch(&shown(&["a", "b"]), &["a", "c"]).is_some());
    assert!(mismatch(&shown(&["a", "b"]), &["a"]).is_some());
    assert!(mismatch(&shown(&["a"]), &["a", "b"]).is_some());
    assert_eq!(
        mismatch(&shown(&["a", "...", "d"]), &["a", "b", "c", "d"]),
        None
    );
    assert_eq!(
        mismatch(&shown(&["...", "b", "..."]), &["a", "b", "c"]),
        None
    );
    assert!(mismatch(&shown(&["a", "...", "x"]), &["a", "b"]).is_some());
    assert_eq!(
        mismatch(
            &shown(&["200 trials in 1.8 s (110.1 trials/s; 2.1 s in all)"]),
            &["200 trials in 2.4 s (83.0 trials/s; 3 s in all)"]
        ),
        None
    );
    // Only durations: a count, a share or a token figure must be the same.
    assert!(mismatch(&shown(&["200 trials in 1.8 s"]), &["201 trials in 1.8 s"]).is_some());
    assert!(mismatch(&shown(&["12.5 % of 4000 s2#0"]), &["12.6 % of 4000 s2#0"]).is_some());
}

#[test]
fn every_readme_example_prints_what_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let examples = examples(&readme);
    assert!(
        examples.len() >= 15,
        "README's examples were not found ({} `$ ` lines)",
        examples.len()
    );
    // The examples name files under fixtures/ and may write files (`--out tuned.toml`): they
    // run in a fresh directory that sees the repository's fixtures.
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(root.join("fixtures"), dir.path().join("fixtures"))
        .expect("link fixtures");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ctxlens"))
        .parent()
        .expect("binary dir");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for example in &examples {
        assert!(
            example.command.starts_with("ctxlens "),
            "README line {}: an example runs ctxlens: {}",
            example.line,
            example.command
        );
        let out = Command::new("bash")
            .args(["-o", "pipefail", "-c", &example.command])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env_remove("REDIS_URL")
            .env_remove("DATABASE_URL")
            .env_remove("NO_COLOR")
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        // A block cannot show trailing blank lines: neither side has them.
        let printed: Vec<&str> = stdout.trim_end_matches('\n').lines().collect();
        // `head` closing the pipe early is how a cut example ends; anything else is a failure.
        let cut_by_head = example.command.contains("| head");
        if !out.status.success() && !cut_by_head {
            failures.push(format!(
                "README line {}: `{}` exited {:?}: {}",
                example.line,
                example.command,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        if let Some(why) = mismatch(&example.shown, &printed) {
            failures.push(format!(
                "README line {}: `{}`: {why}",
                example.line, example.command
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} README examples differ from the real output:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}

#[test]
fn every_test_and_module_readme_names_is_where_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let paths = named::named_paths(&readme);
    assert!(paths.len() >= 30, "README's named paths: {paths:?}");
    let missing: Vec<String> = paths
        .iter()
        .filter(|(_, path)| !named::found(root, path))
        .map(|(line, path)| format!("README line {line}: `{path}`"))
        .collect();
    assert!(
        missing.is_empty(),
        "not found where README says:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_moved_or_misnamed_test_is_not_found() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Found: a test of an integration binary's file, a file module, a module's function, an
    // inline module.
    assert!(named::found(
        root,
        "tests/readme.rs::a_moved_or_misnamed_test_is_not_found"
    ));
    assert!(named::found(root, "readme::named"));
    assert!(named::found(root, "text::shown_id"));
    assert!(named::found(root, "cli::watch::tests"));
    // A name a module re-exports is found there: `store::load_snapshot` is `store::load`'s.
    assert!(named::found(root, "store::load_snapshot"));
    // Not found: the same said to be in another file or module, or a name not there.
    assert!(!named::found(
        root,
        "tests/cli.rs::a_moved_or_misnamed_test_is_not_found"
    ));
    assert!(!named::found(root, "report::shown_id"));
    assert!(!named::found(root, "text::shown_no_id"));
    // A module is declared by its whole name: `mod named` is not `mod name`.
    assert!(!named::found(root, "readme::name"));
    assert_eq!(
        named::named_paths("see `a::b` and `A::B`, `x.rs`, `tests/x.rs::y` and `c::d(&E, …)`"),
        [
            (1, "a::b".to_string()),
            (1, "tests/x.rs::y".to_string()),
            (1, "c::d".to_string())
        ]
    );
}
