//! Files where a command reads them: a snapshot file given as USER, a snapshot with fields
//! SPEC §4 does not name, a cached context that is no cache entry, and the TUI's keymap and
//! themes checked before the terminal is taken.

use super::common::{self, ctxlens, write_temp};

/// A snapshot file given where a user id goes is read as one, as `diff` and `explain` do: the
/// same replay as `--snapshot`; a missing `.json` is no such file.
#[test]
fn replay_and_inspect_take_a_snapshot_file_as_user() {
    let flag = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
    ]);
    let arg = ctxlens(&["replay", "tests/data/snapshot-u1.json", "--json"]);
    assert_eq!(flag.code, 0, "{}", flag.stderr);
    assert_eq!(arg.stdout, flag.stdout);
    let inspect = ctxlens(&["inspect", "tests/data/snapshot-u1.json"]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect
            .stdout
            .starts_with("u1 · at M4 Pricing Strategy · snapshot tests/data/snapshot-u1.json"),
        "{}",
        inspect.stdout
    );
    let missing = ctxlens(&["replay", "nothing-here.json"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .starts_with("ctxlens: nothing-here.json: no such file"),
        "{}",
        missing.stderr
    );
    // A link that leads nowhere is there: reading it says why (a loop), not "no such file";
    // a name in capitals is a snapshot file too.
    let dir = tempfile::tempdir().expect("temp dir");
    let (one, two) = (dir.path().join("one.json"), dir.path().join("two.json"));
    std::os::unix::fs::symlink(&two, &one).expect("link");
    std::os::unix::fs::symlink(&one, &two).expect("link");
    let looped = ctxlens(&["replay", one.to_str().expect("utf-8 path")]);
    assert_eq!(looped.code, 2, "{}", looped.stderr);
    assert!(
        looped.stderr.contains("Too many levels of symbolic links"),
        "{}",
        looped.stderr
    );
    let upper = dir.path().join("U1.JSON");
    std::fs::copy("tests/data/snapshot-u1.json", &upper).expect("copy");
    let caps = ctxlens(&["replay", upper.to_str().expect("utf-8 path"), "--json"]);
    assert_eq!(caps.stdout, flag.stdout, "{}", caps.stderr);
}

/// SPEC §4: a snapshot's extra fields (another writer's additions, at the top and in its rows)
/// are allowed; it replays as it does without them.
#[test]
fn a_snapshot_with_extra_fields_replays_as_without_them() {
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture"),
    )
    .expect("JSON");
    v["written_by"] = serde_json::json!({"tool": "another", "version": 3});
    v["journey"][0]["row_version"] = serde_json::json!(7);
    v["knowledge"][0]["embedding_model"] = serde_json::json!("x");
    let f = write_temp("extra.json", &v.to_string());
    let with = ctxlens(&["replay", "--snapshot", f.to_str().expect("utf-8"), "--json"]);
    let without = ctxlens(&[
        "replay",
        "--snapshot",
        "tests/data/snapshot-u1.json",
        "--json",
    ]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert_eq!(with.stdout, without.stdout);
    // The note on the fields said on a stderr that cannot be written (a full disk) is lost;
    // the command is not (a panic there aborted it).
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["replay", "--snapshot", f.to_str().expect("utf-8"), "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(full)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0), "{status:?}");
}

/// A keymap or theme in the config folder that cannot be used, or a theme asked for that is not
/// there, stops `tui` before it takes the terminal: exit 2, naming the file and line:column.
#[test]
fn a_bad_keymap_or_theme_is_a_usage_error_naming_the_file() {
    let home = tempfile::tempdir().expect("temp dir");
    let dir = home.path().join("ctxlens");
    std::fs::create_dir_all(dir.join("themes")).expect("mkdir");
    let env = [(
        "XDG_CONFIG_HOME",
        home.path().to_string_lossy().into_owned(),
    )];
    let keymap = dir.join("keymap.toml");
    std::fs::write(&keymap, "[keys]\n\"x\" = \"quitt\"\n").expect("write");
    let out = common::ctxlens_with(&["tui"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let said = format!(
        "ctxlens: keymap {}:2:1: key \"x\": unknown action \"quitt\" (actions: help, close, quit,",
        keymap.display()
    );
    assert!(out.stderr.starts_with(&said), "{}", out.stderr);
    std::fs::write(&keymap, "[keys]\n\"x\" = quit\n").expect("write");
    let out = common::ctxlens_with(&["tui"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let at = format!("ctxlens: keymap {}:2:7:", keymap.display());
    assert!(out.stderr.starts_with(&at), "{}", out.stderr);
    std::fs::remove_file(&keymap).expect("rm");
    let theme = dir.join("themes").join("half.toml");
    std::fs::write(&theme, "name = \"half\"\nfg = \"notacolour\"\n").expect("write");
    let out = common::ctxlens_with(&["tui"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&theme.display().to_string()),
        "{}",
        out.stderr
    );
    let shipped = std::fs::read_to_string("themes/default.toml").expect("default theme");
    std::fs::write(
        &theme,
        shipped
            .replace("name = \"default\"", "name = \"half\"")
            .replace("fg = \"gray\"", "fg = \"black\""),
    )
    .expect("write");
    let out = common::ctxlens_with(&["tui"], &env);
    assert_eq!(out.code, 2, "black on black: {}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "ctxlens: theme {}: cannot be read: fg reads at 1.0:1 (needs 3:1) against its background",
            theme.display()
        )
    );
    std::fs::remove_file(&theme).expect("rm");
    let out = common::ctxlens_with(&["tui", "--theme", "nosuch"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        "ctxlens: --theme \"nosuch\": no such theme (themes: default, high-contrast, light)"
    );
    // Asked for by the config file: the file and the key are named.
    let config = dir.join("config.toml");
    std::fs::write(&config, "theme = \"nosuch\"\n").expect("write");
    let out = common::ctxlens_with(&["tui"], &env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "ctxlens: {}: theme = \"nosuch\": no such theme (themes: default, high-contrast, light)",
            config.display()
        )
    );
}

/// A cached context a snapshot holds that is not a cache entry is called unreadable on
/// `inspect`'s `cached` line, with why: not "present" as if it were fine.
#[test]
fn inspect_calls_a_cached_context_that_is_no_cache_entry_unreadable() {
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture"),
    )
    .expect("JSON");
    v["cached_context"] = serde_json::json!("x");
    let f = write_temp("cached_bad.json", &v.to_string());
    let out = ctxlens(&["inspect", f.to_str().expect("utf-8")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("cached "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(line.contains("present, unreadable ("), "{line}");
    // A file holds no TTLs: the cache's is unknown, not "no TTL".
    assert!(
        line.ends_with(" · TTL unknown (a snapshot file holds no TTLs)"),
        "{line}"
    );
}

/// A piped `--prompt` is the prompt byte for byte, as `--json` holds it: nothing added, not
/// even a newline after it.
#[test]
fn a_piped_prompt_is_the_prompt_byte_for_byte() {
    for user in ["u062", "tests/data/snapshot-u1.json"] {
        let piped = common::ctxlens(&["replay", user, "--prompt"]);
        assert_eq!(piped.code, 0, "{}", piped.stderr);
        let json = common::ctxlens(&["replay", user, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(Some(piped.stdout.as_str()), v["prompt"].as_str(), "{user}");
    }
}

/// `snapshot --out` into a folder that is not there is a usage error before anything is read,
/// as for `optimize --out`.
#[test]
fn snapshot_out_into_no_folder_is_a_usage_error() {
    common::expect_error(
        &["snapshot", "u062", "--out", "/nonexistent/dir/x.json"],
        2,
        "ctxlens: --out /nonexistent/dir/x.json: no such directory /nonexistent/dir",
    );
}

/// `--out` through a link into a folder that is not there names that folder (the link's own
/// folder is there), before anything is read.
#[test]
fn out_through_a_link_into_no_folder_names_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Through a link to a link too, to its end.
    for (name, to) in [
        ("x.json", "/nonexistent/dir/x.json"),
        ("twice.json", "x.json"),
    ] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink(to, &link).expect("symlink");
        let link = link.to_str().expect("utf-8");
        common::expect_error(
            &["snapshot", "u062", "--out", link],
            2,
            &format!(
                "ctxlens: --out {link}: a link to /nonexistent/dir/x.json, whose folder /nonexistent/dir is not there"
            ),
        );
    }
    // A loop of links, and a folder that takes no file: refused before the work (not after
    // it, when the write fails).
    for (a, b) in [
        ("loop-a.json", "loop-b.json"),
        ("loop-b.json", "loop-a.json"),
    ] {
        std::os::unix::fs::symlink(b, dir.path().join(a)).expect("symlink");
    }
    let looped = dir.path().join("loop-a.json");
    let looped = looped.to_str().expect("utf-8");
    common::expect_error(
        &["snapshot", "u062", "--out", looped],
        2,
        &format!("ctxlens: --out {looped}: a loop of links, which leads to no file; name a file"),
    );
    let proc = dir.path().join("proc.json");
    std::os::unix::fs::symlink("/proc/1/x.json", &proc).expect("symlink");
    let out = common::ctxlens(&["snapshot", "u062", "--out", proc.to_str().expect("utf-8")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(": cannot write in /proc/1: "),
        "{}",
        out.stderr
    );
}

/// Under `--redact` a readable cached context is still called present: it is read from the
/// stored value, not the masked copy shown.
#[test]
fn a_redacted_inspect_reads_the_cache_it_masks() {
    for redact in [&[][..], &["--redact"]] {
        let mut args = vec!["inspect", "u062"];
        args.extend_from_slice(redact);
        let out = common::ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("cached      present · TTL"),
            "{args:?}: {}",
            out.stdout
        );
    }
}

/// A knowledge row asked for by id is named plainly, `--redact` or not (ids are never
/// masked), and one the file holds but could not read says so, with why.
#[test]
fn explain_names_a_row_by_its_id_and_says_when_it_could_not_be_read() {
    let out = common::ctxlens(&[
        "explain",
        "tests/data/snapshot-u1.json",
        "kn:9999",
        "--redact",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("knowledge row kn:9999 is not among the snapshot's"),
        "{}",
        out.stderr
    );
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture"),
    )
    .expect("json");
    v["knowledge"][0]["similarity"] = "NaN".into();
    let id = v["knowledge"][0]["id"].as_str().expect("id").to_string();
    let f = common::write_temp("nan-hit.json", &v.to_string());
    let out = common::ctxlens(&["explain", f.to_str().expect("utf-8"), &id]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "knowledge row {id} is in the snapshot but could not be read (nan-hit.json knowledge[0] ({id})): similarity:"
        )),
        "{}",
        out.stderr
    );
}

/// `--now` replays a snapshot file at that clock, as it does a store's user: `replay`,
/// `inspect` and a report over a folder of files all move the recency window with it.
#[test]
fn now_moves_the_clock_of_a_snapshot_file() {
    let file = "tests/data/snapshot-u1.json";
    let later = "2025-03-01T00:00:00Z";
    let text = ctxlens(&["replay", file, "--now", later]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains(&format!("now {later}")),
        "{}",
        text.stdout
    );
    let json = |extra: &[&str]| {
        let mut args = vec!["replay", file, "--json"];
        args.extend_from_slice(extra);
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["multiplier"].as_f64().unwrap_or(-1.0))
            .collect::<Vec<_>>()
    };
    let (then, now) = (json(&[]), json(&["--now", later]));
    assert!(then.iter().any(|r| *r > 1.0), "{then:?}");
    assert!(
        now.iter().all(|r| *r <= 1.0),
        "a month later nothing is recent: {now:?}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(file, dir.path().join("u1.json")).expect("copy");
    let d = dir.path().to_str().expect("UTF-8");
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "--snapshots", d, "--json"];
        args.extend_from_slice(extra);
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    assert_ne!(
        report(&[]),
        report(&["--now", later]),
        "the clock moved the replay"
    );
}

/// A snapshot file past its bound is refused before it is read, naming the bound, as every
/// file ctxlens reads is (a sparse file: no disk is spent on it).
#[test]
fn a_snapshot_file_past_its_bound_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("padded.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(256 * 1024 * 1024 + 1).expect("sparse");
    let path = path.to_str().expect("utf-8");
    let out = ctxlens(&["replay", path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("snapshot {path}: larger than 256 MiB: not read")),
        "{}",
        out.stderr
    );
}

/// `ctxlens --theme NAME` alone is the TUI's theme (checked like `tui --theme`); before another
/// command it is a usage error, not quietly ignored.
#[test]
fn a_theme_before_no_command_is_the_tuis() {
    // Alone, or before `tui` (with snapshot files too), it is the TUI's: checked, then the
    // terminal is asked for; before another command, refused.
    for (args, said) in [
        (
            &["--theme", "nosuch"][..],
            "ctxlens: --theme \"nosuch\": no such theme",
        ),
        (&["--theme", "light"][..], "the TUI needs a terminal"),
        (
            &["--theme", "light", "users"][..],
            "--theme before a command",
        ),
        (
            &["--theme", "nosuch", "tui"][..],
            "ctxlens: --theme \"nosuch\": no such theme",
        ),
        (&["--theme", "light", "tui"][..], "the TUI needs a terminal"),
        (
            &[
                "--theme",
                "nosuch",
                "tui",
                "--snapshot",
                "tests/data/snapshot-u1.json",
            ][..],
            "no such theme",
        ),
    ] {
        let out = common::ctxlens(args);
        assert!(
            out.code == 2 && out.stderr.contains(said),
            "{args:?}: {}",
            out.stderr
        );
    }
    // Given on both sides, once is asked for.
    common::expect_error(
        &["--theme", "light", "tui", "--theme", "dark"],
        2,
        "ctxlens: --theme given twice, before and after `tui`: give it once",
    );
}

/// README shows the default theme whole, as the file a theme of one's own copies: the two do
/// not drift apart.
#[test]
fn the_readme_shows_the_default_theme_as_shipped() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let theme = std::fs::read_to_string("themes/default.toml").expect("default theme");
    assert!(
        readme.contains(&format!("```toml\n{}\n```", theme.trim_end())),
        "README's theme block differs from themes/default.toml"
    );
}

/// `explain` of a hit the file holds, as of an instant before the hit was written: the hit is
/// left out then, and the error says so rather than that the file cannot score it.
#[test]
fn explain_as_of_before_a_hit_says_it_is_left_out_then() {
    let file = "fixtures/diff/u005-after.json";
    let now = ctxlens(&["explain", file, "kn:25"]);
    assert_eq!(now.code, 0, "{}", now.stderr);
    let then = ctxlens(&["explain", file, "kn:25", "--at", "2024-01-01T00:00:00Z"]);
    assert_eq!(then.code, 1, "{}", then.stderr);
    assert!(
        then.stderr
            .contains("hits as of 2024-01-01T00:00:00Z (a hit created after that is left out"),
        "{}",
        then.stderr
    );
}

/// A `--users` line far too long to be an id (a 1 MB line) is named in messages by its start
/// and length, in the table and in JSON, never whole; a short id stays as typed.
#[test]
fn a_huge_line_of_a_users_file_is_named_by_its_start() {
    let long = "x".repeat(1_000_000);
    let list = write_temp("huge-users.txt", &format!("u001\n{long}\nnobody\n{long}\n"));
    let path = list.to_str().expect("utf-8 path");
    let text = ctxlens(&["report", "--users", path, "--quiet"]);
    let json = ctxlens(&["report", "--users", path, "--json"]);
    for out in [&text, &json] {
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stdout.len() + out.stderr.len() < 20_000,
            "{}",
            out.stdout.len()
        );
        assert!(out.stdout.contains(":3: user nobody: "), "{}", out.stdout);
    }
    let named = format!(":2: user \"{}\"… (1,000,000 characters): ", "x".repeat(60));
    assert!(text.stdout.contains(&named), "{}", text.stdout);
    assert!(
        text.stderr.contains(&format!(
            ":2: user \"{}\"… (1,000,000 characters) is listed again on line 4",
            "x".repeat(60)
        )),
        "{}",
        text.stderr
    );
}
