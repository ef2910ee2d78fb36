//! Stored text in the report's tables, markdown and CSV: shown as stored (markup escaped), users
//! of snapshot folders never named alike, long values cut in tables and whole in CSV.

use super::*;

/// Stored text in the Markdown report is literal: a user id that looks like a link, HTML,
/// emphasis or a code span is backslash-escaped, so a viewer shows it as stored.
#[test]
fn markdown_shows_stored_text_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = dir.path().join("one.json");
    let out = ctxlens(&[
        "snapshot",
        "u062",
        "--out",
        one.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&one).expect("written")).expect("JSON");
    std::fs::remove_file(&one).expect("remove");
    let ids = [
        "[click](http://evil.example)",
        "<img src=x onerror=alert(1)>",
        "**bold**_x_",
        "`tick`",
    ];
    for (i, id) in ids.iter().enumerate() {
        v["user_id"] = (*id).into();
        std::fs::write(dir.path().join(format!("{i}.json")), v.to_string()).expect("write");
    }
    let out = ctxlens(&[
        "report",
        "--snapshots",
        dir.path().to_str().expect("utf-8 path"),
        "--format",
        "markdown",
        "--set",
        "budget.total=2000",
        "--quiet",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for shown in [
        r"\[click\](http://evil.example)",
        r"\<img src=x onerror=alert(1)>",
        r"\*\*bold\*\*\_x\_",
        r"\`tick\`",
    ] {
        assert!(out.stdout.contains(shown), "{shown}: {}", out.stdout);
    }
    // Every `<` and `[` of the ids is escaped: none opens markup.
    for open in ["<img", "[click]"] {
        let raw = out.stdout.matches(open).count();
        let escaped = out.stdout.matches(&format!("\\{open}")).count();
        assert_eq!(raw, escaped, "{open}: {}", out.stdout);
    }
}

/// Users of a folder are named `USER@FILE`, an id holding `@` quoted: user `a` in `b@c.json`
/// and user `a@b` in `c.json` never read alike, in any format.
#[test]
fn report_over_snapshot_files_never_names_two_users_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    for (file, user) in [("b@c.json", "a"), ("c.json", "a@b")] {
        v["user_id"] = user.into();
        std::fs::write(dir.path().join(file), v.to_string()).expect("write");
    }
    let d = dir.path().to_str().expect("utf-8");
    let args = [
        "report",
        "--snapshots",
        d,
        "--quiet",
        "--set",
        "budget.total=300",
    ];
    let out = ctxlens(&[&args[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let mut ids: Vec<&str> = v["changes"]["most_affected"]
        .as_array()
        .expect("most affected")
        .iter()
        .map(|u| u["user_id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["\"a@b\"@c.json", "a@b@c.json"]);
    let text = ctxlens(&args);
    assert!(
        text.stdout.contains(r#""\"a@b\"@c.json""#) && text.stdout.contains("  a@b@c.json  "),
        "{}",
        text.stdout
    );
}

/// A milestone of stored text hundreds of characters long is cut in its middle in every table
/// that lists milestones, as a long user id is (the other columns stay on the screen); the CSV
/// keeps it whole.
#[test]
fn a_very_long_milestone_is_cut_in_tables_and_whole_in_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    let milestone = format!("start{}end", "x".repeat(300));
    v["current_milestone"] = milestone.clone().into();
    std::fs::write(dir.path().join("long.json"), v.to_string()).expect("write");
    let d = dir.path().to_str().expect("utf-8");
    let args = [
        "report",
        "--snapshots",
        d,
        "--quiet",
        "--set",
        "budget.total=300",
    ];
    for format in ["table", "markdown"] {
        let out = ctxlens(&[&args[..], &["--format", format]].concat());
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains(&milestone), "{format}: {}", out.stdout);
        // Cut, not dropped: its start and end show in the per-milestone table at least.
        assert!(
            out.stdout
                .lines()
                .any(|l| l.contains("startxxx") && l.contains("xxxend")),
            "{format}: {}",
            out.stdout
        );
    }
    let csv = ctxlens(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv.stdout.contains(&milestone), "{}", csv.stdout);
}
