//! Under `--redact`, what reaches the reader from places other than the items themselves:
//! an explanation's copy link, key names holding a hidden milestone, a snapshot file's field
//! names and markers, errors quoting a file whose name holds a quote.

use crate::common::ctxlens;

/// `explain` names the item a knowledge row copies; across the mask (an article copying a
/// chat turn) the name would tell what the hidden turn says, so under --redact it is not given.
#[test]
fn explain_does_not_name_a_hidden_turn_an_article_copies() {
    let args = ["explain", "u069", "kn:29", "--set", "dedupe=near"];
    let plain = ctxlens(&args);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stdout.contains("a copy of s1#6"), "{}", plain.stdout);
    for extra in [&["--redact"][..], &["--redact", "--json"]] {
        let out = ctxlens(&[&args[..], extra].concat());
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains("s1#6"), "{extra:?}:\n{}", out.stdout);
        assert!(
            out.stdout.contains("a copy of another item"),
            "{}",
            out.stdout
        );
    }
}

fn snapshot_file(dir: &std::path::Path, name: &str, json: &serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, json.to_string()).expect("write snapshot");
    path.to_str().expect("UTF-8 temp path").to_string()
}

/// A file named with a quote: the name is quoted whole in the error, so the quote cannot pair
/// with the error's own and leave the bad value it quotes in clear under --redact (the name,
/// a quoted value, is masked with it).
#[test]
fn a_quote_in_a_files_name_leaves_no_value_of_it_in_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = serde_json::json!({
        "user_id": "u1", "now": "next Tuesday with zqvjane", "session": [], "journey": []
    });
    for name in ["O\"Brien.json", "O`Brien.json", "plain.json"] {
        let path = snapshot_file(dir.path(), name, &bad);
        let plain = ctxlens(&["replay", "--snapshot", &path]);
        assert_eq!(plain.code, 2, "{}", plain.stderr);
        assert!(plain.stderr.contains("zqvjane"), "{}", plain.stderr);
        let out = ctxlens(&["replay", "--snapshot", &path, "--redact"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(!out.stderr.contains("zqvjane"), "{name}: {}", out.stderr);
        // The name, quoted whole, is masked with the values: the error still says what.
        assert!(
            out.stderr.starts_with("ctxlens: snapshot "),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("is neither"), "{}", out.stderr);
    }
}

/// A journey row that cannot be read names where in it: a key that is text someone typed is
/// quoted there, so --redact masks it; a field name stays.
#[test]
fn a_typed_key_in_an_unreadable_rows_path_is_masked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = r#"{"user_id": "u1", "now": "2025-01-15T12:00:00Z", "session": [],
        "journey": [{"id": "mb:1", "kind": "milestone_data", "milestone": "M1",
                     "data": {"plan": {"Call zqvjane 555-0199": 1e999}}}]}"#;
    let path = dir.path().join("u1.json");
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("UTF-8");
    let plain = ctxlens(&["replay", "--snapshot", path, "--json"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain
            .stdout
            .contains(r#"data.plan.\"Call zqvjane 555-0199\": number out of range"#),
        "{}",
        plain.stdout
    );
    for args in [
        &["replay", "--snapshot", path, "--redact", "--json"][..],
        &["inspect", path, "--redact"],
    ] {
        let out = ctxlens(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            !out.stdout.contains("zqvjane") && !out.stdout.contains("0199"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("data.plan."), "{}", out.stdout);
    }
}

/// A session entry marked left out by a rewind reads back for that reason; the marker stored
/// by anyone else shows its words quoted, masked under --redact.
#[test]
fn a_planted_left_out_marker_is_masked_under_redact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let snap = serde_json::json!({
        "user_id": "u1", "now": "2025-01-15T12:00:00Z", "journey": [],
        "session": [{"ctxlens_left_out": "zqvjane called about invoice 4471"},
                    {"user": "hi", "assistant": "ok", "timestamp": "2025-01-15T11:00:00Z"}]
    });
    let path = snapshot_file(dir.path(), "u1.json", &snap);
    let plain = ctxlens(&["inspect", &path]);
    assert!(
        plain.stdout.contains("left out, the entry says"),
        "{}",
        plain.stdout
    );
    let out = ctxlens(&["inspect", &path, "--redact"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.contains("zqvjane") && !out.stdout.contains("4471"),
        "{}",
        out.stdout
    );
}
