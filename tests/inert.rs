//! Stored text never drives the terminal: users whose chat, names, journey data, knowledge
//! titles, key names and progress events carry escape sequences, C1 and bidi controls, BEL,
//! backspace and a bare CR, read through every command that prints data, on a pseudo-terminal
//! with colour on (script(1)). The only escape sequences that may reach it are ctxlens's own
//! SGR colour codes; every payload shows in its visible form (SPEC §6, README Reliability).
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::servers::{Postgres, RedisServer};
use common::{ctxlens_with, env, runtime};
use ctxlens::demo::hostile::{PAYLOADS, dataset, user_id};
use ctxlens::store::postgres::PgStore;
use ctxlens::store::redis::RedisStore;
use ctxlens::store::seed;

/// Live stores holding the hostile dataset.
fn seeded() -> (RedisServer, String) {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("inert");
    let m = ctxlens_with(&["migrate"], &env(&redis, &db));
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    runtime().block_on(async {
        let t = Duration::from_secs(5);
        let pg = PgStore::connect(&db, t).await.expect("postgres");
        seed::seed_postgres(&pg, &dataset(), false)
            .await
            .expect("seed postgres");
        let r = RedisStore::connect(&redis.url(), "", t)
            .await
            .expect("redis");
        seed::seed_redis(&r, &dataset(), true, false)
            .await
            .expect("seed redis");
    });
    (redis, db)
}

/// Runs ctxlens with `args` on a pseudo-terminal (colour on) and returns (exit code, every byte
/// it wrote there). Arguments travel in the environment, so they may hold any byte but NUL.
fn on_pty(args: &[&str], stores: &[(&str, String)]) -> (i32, Vec<u8>) {
    let mut script = String::from("exec \"$CTXLENS_BIN\"");
    let mut cmd = Command::new("script");
    for (i, a) in args.iter().enumerate() {
        script.push_str(&format!(" \"$A{i}\""));
        cmd.env(format!("A{i}"), a);
    }
    let out = cmd
        .args(["-q", "-e", "-c", &script, "/dev/null"])
        .env("CTXLENS_BIN", env!("CARGO_BIN_EXE_ctxlens"))
        .env("TERM", "xterm-256color")
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .envs(stores.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script(1) runs (util-linux; scripts/install-test-deps.sh installs it)");
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// What reached the terminal that is not ctxlens's own: any control byte but LF (and the CR a
/// pty adds before it), any escape sequence but SGR (`ESC [ digits ; m`), C1 and bidi controls.
fn foreign(bytes: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Some(format!("invalid UTF-8: {e}")),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {}
            '\r' if chars.get(i + 1) == Some(&'\n') => {}
            '\u{1b}' => {
                let mut j = i + 1;
                if chars.get(j) != Some(&'[') {
                    return Some(format!("ESC not starting CSI at {i}"));
                }
                j += 1;
                while chars
                    .get(j)
                    .is_some_and(|c| c.is_ascii_digit() || *c == ';')
                {
                    j += 1;
                }
                if chars.get(j) != Some(&'m') {
                    let seq: String = chars[i..(j + 1).min(chars.len())].iter().collect();
                    return Some(format!("escape sequence {seq:?} is not SGR"));
                }
                i = j;
            }
            c if c.is_control() => return Some(format!("control {c:?} at {i}")),
            '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}' => {
                return Some(format!("bidi control {c:?} at {i}"));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Runs `args` on a pty; checks the exit code and that nothing foreign reached the terminal.
fn run(args: &[&str], stores: &[(&str, String)], runs: &mut usize) -> String {
    let (code, bytes) = on_pty(args, stores);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert_eq!(code, 0, "ctxlens {args:?} exited {code}:\n{text}");
    if let Some(what) = foreign(&bytes) {
        panic!("ctxlens {args:?}: {what}:\n{text:?}");
    }
    *runs += 1;
    text
}

/// [`run`] for `report` with its progress bar on: the bar's own `CR ESC [2K` (back to the line's
/// start, clear it) is allowed; anything else foreign is not.
fn run_with_bar(args: &[&str], stores: &[(&str, String)], runs: &mut usize) -> String {
    let (code, bytes) = on_pty(args, stores);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert_eq!(code, 0, "ctxlens {args:?} exited {code}:\n{text}");
    let without_bar = text.replace("\r\u{1b}[2K", "");
    if let Some(what) = foreign(without_bar.as_bytes()) {
        panic!("ctxlens {args:?}: {what}:\n{text:?}");
    }
    *runs += 1;
    text
}

/// [`run`] for a command that fails: exit 1, and nothing foreign in its error either.
fn run_failing(args: &[&str], stores: &[(&str, String)], runs: &mut usize) -> String {
    let (code, bytes) = on_pty(args, stores);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert_eq!(code, 1, "ctxlens {args:?} exited {code}:\n{text}");
    if let Some(what) = foreign(&bytes) {
        panic!("ctxlens {args:?}: {what}:\n{text:?}");
    }
    *runs += 1;
    text
}

#[test]
fn the_checker_catches_what_it_must() {
    assert_eq!(foreign(b"\x1b[1mbold\x1b[0m\r\n"), None);
    // The progress bar's line clear is allowed only by run_with_bar.
    assert!(foreign(b"\r\x1b[2K12 users").is_some());
    for bad in [
        &b"\x1b]0;x\x07"[..],
        b"\x1b[2J",
        b"\x1b[6n",
        b"a\x07",
        b"a\x08",
        b"a\rb",
        "\u{9b}1m".as_bytes(),
        "\u{202e}".as_bytes(),
        b"\xff",
    ] {
        assert!(foreign(bad).is_some(), "{bad:?} passes");
    }
}

/// What was typed on the command line is echoed by a usage error: inert there too.
#[test]
fn typed_arguments_echoed_by_usage_errors_are_inert() {
    for (name, payload) in PAYLOADS {
        for args in [
            &[*payload][..],
            &["inspect", "u001", "--at", payload],
            &["users", "--limit", payload],
            &["optimize", "--time", payload],
        ] {
            let (code, bytes) = on_pty(args, &[]);
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(code, 2, "{name}: ctxlens {args:?} exited {code}:\n{text}");
            if let Some(what) = foreign(&bytes) {
                panic!("{name}: ctxlens {args:?}: {what}:\n{text:?}");
            }
            // A flag's bad value is quoted once, by clap, as it is shown everywhere (not again
            // by the flag's parser, escaped a second time).
            if args.len() > 1 {
                let shown = ctxlens::text::inert_line(payload);
                assert_eq!(
                    text.matches(shown.as_ref()).count(),
                    1,
                    "{name}: ctxlens {args:?}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn stored_payloads_reach_no_terminal_from_any_command() {
    let (redis, db) = seeded();
    let stores = env(&redis, &db);
    let mut runs = 0;
    let listed = run(&["users"], &stores, &mut runs);
    assert!(listed.contains("\u{1b}[1m"), "colour is on: {listed:?}");
    run(&["users", "--json"], &stores, &mut runs);
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, (name, payload)) in PAYLOADS.iter().enumerate() {
        let user = user_id(i);
        let shown = ctxlens::text::inert_line(payload).into_owned();
        assert!(
            listed.contains(&shown),
            "{name}: users does not show {shown}"
        );
        data_commands_show_it(i, name, payload, &stores, &mut runs);
        the_prompt_and_an_error_show_it(&user, name, payload, &stores, &mut runs);
        its_snapshot_file_replays_inert(
            &user,
            &dir.path().join(format!("{i}.json")),
            &stores,
            &mut runs,
        );
        watch(&user, payload, &stores, &mut runs);
    }
    reports_show_the_most_affected_user(&stores, &mut runs);
    assert_eq!(runs, 2 + PAYLOADS.len() * 22 + 6, "every command ran");
}

/// Every command that prints user `i`'s data (its knowledge row `kn:{9000 + i}` too), each checked
/// by [`run`]; those printing text (not JSON, not the graph) show `payload` in its visible form.
fn data_commands_show_it(
    i: usize,
    name: &str,
    payload: &str,
    stores: &[(&str, String)],
    runs: &mut usize,
) {
    let user = user_id(i);
    let shown = ctxlens::text::inert_line(payload).into_owned();
    let u = user.as_str();
    let row = format!("kn:{}", 9000 + i);
    for args in [
        &["inspect", u][..],
        &["inspect", u, "--json"],
        &["replay", u],
        &["replay", u, "--json"],
        &["replay", u, "--policy", "layered-adr"],
        &["graph", u],
        &["transition", u, "--to", "M2"],
        &["transition", u, "--to", "M2", "--json"],
        &["replay", u, "--explain"],
        &["explain", u, row.as_str()],
        &["explain", u, row.as_str(), "--json"],
        &["diff", u, "--against-set", "budget.total=200"],
        &["diff", u, "--against-set", "budget.total=200", "--json"],
        &["inspect", u, "--at", "2025-01-15T00:00:00Z"],
        &["replay", u, "--at", "2025-01-15T00:00:00Z"],
        &["replay", u, "--at", "2025-01-15T00:00:00Z", "--json"],
    ] {
        let out = run(args, stores, runs);
        if !args.contains(&"--json") && args[0] != "graph" {
            assert!(
                out.contains(&shown),
                "{name}: {args:?} does not show {shown}"
            );
        }
    }
}

/// User `u`'s prompt shows `payload` inert on a pty and exact into a pipe; an error quoting
/// its stored data (a failed session lookup) shows it inert.
fn the_prompt_and_an_error_show_it(
    u: &str,
    name: &str,
    payload: &str,
    stores: &[(&str, String)],
    runs: &mut usize,
) {
    // A pty writes each newline as CR LF.
    let prompt = run(&["replay", u, "--prompt"], stores, runs).replace("\r\n", "\n");
    let multi_line = ctxlens::text::inert(payload);
    assert!(
        prompt.contains(&*multi_line),
        "{name}: the prompt hides {multi_line}"
    );
    // Errors that quote stored data: the user's sessions, named in a failed lookup.
    let failed = run_failing(&["inspect", u, "--session", "nope"], stores, runs);
    let quoted = format!("{:?}", format!("s{payload}"));
    let quoted = ctxlens::text::inert_line(&quoted);
    assert!(
        failed.contains(&*quoted),
        "{name}: the error does not name the session {quoted}: {failed}"
    );
    // Into a pipe, the prompt is byte for byte what the model gets.
    let piped = ctxlens_with(&["replay", u, "--prompt"], stores);
    assert!(
        piped
            .stdout
            .contains(&format!("User: Hello {payload} there")),
        "{name}: the piped prompt is not exact"
    );
}

/// User `u`'s snapshot, written to `file`, replays inert as text, prompt and JSON.
fn its_snapshot_file_replays_inert(
    u: &str,
    file: &std::path::Path,
    stores: &[(&str, String)],
    runs: &mut usize,
) {
    // A snapshot file replays the same way.
    let path = file.to_str().expect("utf-8 path");
    let wrote = ctxlens_with(&["snapshot", u, "--out", path], stores);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    for format in [&[][..], &["--prompt"], &["--json"]] {
        let mut args = vec!["replay", "--snapshot", path];
        args.extend_from_slice(format);
        run(&args, &[], runs);
    }
}

/// `report` in every format, and with its progress bar on, names the most-affected user
/// (the first payload's) in its visible form.
fn reports_show_the_most_affected_user(stores: &[(&str, String)], runs: &mut usize) {
    let first = ctxlens::text::inert_line(&user_id(0)).into_owned();
    for format in ["table", "markdown", "csv", "json"] {
        let out = run(
            &[
                "report",
                "--quiet",
                "--duplicates",
                "--set",
                "budget.total=200",
                "--format",
                format,
            ],
            stores,
            runs,
        );
        if format != "json" {
            assert!(
                shows(&out, &first),
                "{format}: the most-affected users: {out}"
            );
        }
    }
    // The progress bar on stderr (on when not --quiet and not JSON): counts and times only.
    for format in ["table", "markdown"] {
        let out = run_with_bar(
            &["report", "--set", "budget.total=200", "--format", format],
            stores,
            runs,
        );
        assert!(shows(&out, &first), "{format}: {out}");
    }
}

/// Whether `out` shows `text`, as is or with Markdown's backslash escapes (a Markdown report
/// escapes what could open markup).
fn shows(out: &str, text: &str) -> bool {
    out.contains(text) || out.replace('\\', "").contains(&text.replace('\\', ""))
}

/// `watch USER --count 1` on a pty while an event whose fields carry `payload` is published.
fn watch(user: &str, payload: &str, stores: &[(&str, String)], runs: &mut usize) {
    let owned = user.to_string();
    let stores_owned: Vec<(String, String)> = stores
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let handle = std::thread::spawn(move || {
        let env: Vec<(&str, String)> = stores_owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        on_pty(&["watch", &owned, "--count", "1"], &env)
    });
    let url = stores
        .iter()
        .find(|(k, _)| *k == "REDIS_URL")
        .map(|(_, v)| v.clone())
        .expect("redis url");
    let mut con = redis::Client::open(url)
        .and_then(|c| c.get_connection())
        .expect("redis");
    let channel = format!("progress:{user}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let subs: Vec<(String, i64)> = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(&channel)
            .query(&mut con)
            .expect("PUBSUB NUMSUB");
        if subs.first().is_some_and(|(_, n)| *n > 0) {
            break;
        }
        assert!(Instant::now() < deadline, "watch never subscribed");
        std::thread::yield_now();
    }
    let event = serde_json::json!({
        "milestone": format!("M2{payload}"), "progress": 40, "timestamp": "2025-01-15T11:00:00Z"
    });
    let _: i64 = redis::cmd("PUBLISH")
        .arg(&channel)
        .arg(event.to_string())
        .query(&mut con)
        .expect("PUBLISH");
    let (code, bytes) = handle.join().expect("watch thread");
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(code, 0, "watch exited {code}: {text}");
    if let Some(what) = foreign(&bytes) {
        panic!("watch {user:?}: {what}:\n{text:?}");
    }
    let shown = ctxlens::text::inert_line(payload);
    assert!(
        text.contains(&*shown),
        "watch does not show {shown}: {text}"
    );
    *runs += 1;
}
