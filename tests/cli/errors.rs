//! Bad input on the command line and in files: a usage error (exit 2) or a
//! runtime failure (exit 1) naming what was wrong and where, never a crash or a value silently
//! changed.

use super::common::{self, ctxlens, expect_error, write_temp};

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
    // A hit no score can be made of is one malformed item; the file's other hits replay.
    let text = "{\"user_id\": \"u\", \"now\": 1, \"query\": \"q\", \"knowledge\": [{\"id\": \"kn:1\", \"title\": \"t\", \"content\": \"c\", \"similarity\": 2.5}, {\"id\": \"kn:2\", \"title\": \"t\", \"content\": \"c\", \"similarity\": 0.9}]}";
    let f = write_temp("one-bad-hit.json", text);
    let out = ctxlens(&[
        "replay",
        "--snapshot",
        f.to_str().expect("utf-8 path"),
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        v["malformed"],
        serde_json::json!([{
            "id": "kn:1",
            "source": "one-bad-hit.json knowledge (hit kn:1)",
            "reason": "similarity 2.5 is outside [-1, 1]"
        }]),
        "{}",
        out.stdout
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

/// `ctxlens ARGS` with `env`, killed (and the test failed) if it runs past 30 s.
fn bounded(args: &[&str], env: &[(&str, &std::path::Path)]) -> (i32, String) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ctxlens runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("poll").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?}: still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

/// A file argument that is a device (a policy, a config, a users list, a baseline, `--against`)
/// is refused before it is opened: reading `/dev/zero` never ends. A pipe a person names is
/// read (`--policy <(…)`), up to a bound; a FIFO where ctxlens looks by itself (the config at
/// its default place, the token cache) is refused, since it would wait for a writer for ever.
#[test]
fn a_device_or_fifo_named_as_a_file_is_refused_unopened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let fifo = fifo.to_str().expect("UTF-8 path");
    let device = "/dev/zero: a device or socket, not a file: not read";
    for args in [
        vec!["--policy", "/dev/zero", "replay", "u001"],
        vec!["--config", "/dev/zero", "users"],
        vec!["report", "--users", "/dev/zero"],
        vec!["report", "--baseline", "/dev/zero"],
        vec!["diff", "u001", "--against", "/dev/zero"],
    ] {
        let (code, stderr) = bounded(&args, &[]);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(device), "{args:?}: {stderr}");
    }
    // A named pipe is read: here a policy written into it once.
    let path = std::path::PathBuf::from(fifo);
    let writer = std::thread::spawn(move || {
        std::fs::write(&path, "name = \"piped\"\n").expect("written once");
    });
    let (code, stderr) = bounded(&["--policy", fifo, "replay", "u001"], &[]);
    writer.join().expect("the writer ends");
    assert_eq!(code, 2, "read, and found to be no whole policy: {stderr}");
    assert!(stderr.contains(&format!("{fifo}:")), "{stderr}");
    let not_a_file = "a FIFO, not a file: not read";
    // The config at its default place.
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("ctxlens")).expect("mkdir");
    std::os::unix::fs::symlink(fifo, config.join("ctxlens/config.toml")).expect("symlink");
    let (code, stderr) = bounded(&["users"], &[("XDG_CONFIG_HOME", &config)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(not_a_file), "{stderr}");
    // A token cache that is a device: a warning, and the report goes on without it.
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(cache.join("ctxlens")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", cache.join("ctxlens/token-counts.bin"))
        .expect("symlink");
    let (code, stderr) = bounded(&["report", "--quiet"], &[("XDG_CACHE_HOME", &cache)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("token cache") && stderr.contains("a device or socket, not a file"),
        "{stderr}"
    );
}

/// Output that cannot be written (a full disk) is a runtime failure said on stderr, exit 1, for
/// help, the version and completion scripts too; a reader that went away ends quietly, exit 0;
/// neither is ever a crash.
#[test]
fn output_that_cannot_be_written_is_said_never_a_crash() {
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["completions", "bash"],
        vec!["completions", "fish"],
        vec!["users"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
            .args(&args)
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .stdout(full)
            .output()
            .expect("ctxlens runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "ctxlens: writing output: No space left on device (os error 28)",
            "{args:?}"
        );
        // A closed pipe: the reader is gone before the script is written.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
            .args(&args)
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("ctxlens runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("output");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `--out` naming a FIFO or a device is refused before any work: a FIFO would keep the
/// command waiting for a reader, a device would take the file and keep nothing.
#[test]
fn out_to_a_fifo_or_a_device_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    for out in [&fifo, &zero] {
        let out = out.to_str().expect("UTF-8");
        for args in [
            vec!["snapshot", "u005", "--out", out],
            vec!["optimize", "--trials", "2", "--out", out],
        ] {
            let (code, stderr) = bounded(&args, &[]);
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
        }
    }
    // `-` is stdout for `snapshot --out`; optimize prints its table there, so it refuses `-`
    // rather than write a file of that name.
    let out = common::ctxlens_in(
        dir.path(),
        &["optimize", "--trials", "2", "--out", "-"],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--out -: optimize prints"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("-").exists());
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
