//! What a side holds besides its context: input changes that change nothing, items that could
//! not be read, a file written as of an instant and what it could not reconstruct then.

use super::*;

/// An input that changed without changing the context is listed, and the headline says it
/// changes neither, rather than calling the contexts the same over a list of changes.
#[test]
fn an_input_change_that_changes_nothing_is_said_to_change_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = u005_and_changed(dir.path(), |v| {
        v["session"][0]["timestamp"] = "1969-12-31T23:59:59Z".into();
    });
    let (a, b) = (a.as_str(), b.as_str());
    let d = json(&["diff", a, b, "--json"]);
    assert_eq!(d["outcome"], "nothing", "{d}");
    assert_eq!(d["inputs"].as_array().map(Vec::len), Some(1), "{d}");
    let out = ctxlens(&["diff", a, b]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "the two contexts are the same: same prompt, same decisions; \
             the input change listed changes neither"
        ) && out.stdout.contains("input changes (1)")
            && !out.stdout.contains("explains it"),
        "{}",
        out.stdout
    );
}

/// A side with items that could not be read (here a journey row stored twice) says how many,
/// so a diff that finds nothing else does not read as the whole story.
#[test]
fn a_side_with_unreadable_items_says_how_many() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = u005_and_changed(dir.path(), |v| {
        let first = v["journey"][0].clone();
        v["journey"].as_array_mut().expect("journey").push(first);
        // And a session turn that is not one: counted too, as `replay` lists it.
        v["session"][1] = 42.into();
    });
    let (a, b) = (a.as_str(), b.as_str());
    let d = json(&["diff", a, b, "--json"]);
    assert_eq!(d["a"]["unreadable"], 0, "{d}");
    assert_eq!(d["b"]["unreadable"], 2, "{d}");
    let listed = json(&["replay", b, "--json"]);
    assert_eq!(
        listed["malformed"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );
    let out = ctxlens(&["diff", a, b]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let said: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("unreadable, replayed without"))
        .collect();
    assert_eq!(said.len(), 1, "{}", out.stdout);
    assert!(
        said[0].contains("→ u005") && said[0].contains("2 items unreadable"),
        "{}",
        said[0]
    );
}

/// A file written as of an instant, diffed with itself as of an earlier one: B is the file as
/// written (at its own clock, not "now"), and what it could not reconstruct then is listed
/// under B, in text and JSON, as A's notes of its instant are under A.
#[test]
fn a_file_written_as_of_an_instant_is_b_as_written_with_its_notes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("then.json");
    let file = file.to_str().expect("utf-8 path");
    let written = "2025-01-14T21:00:00Z";
    assert_eq!(
        ctxlens(&["snapshot", "u062", "--at", written, "--out", file]).code,
        0
    );
    let out = ctxlens(&["diff", file, "--at", "2025-01-10T00:00:00Z"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = out.stdout.lines().next().unwrap_or("");
    assert!(
        first.ends_with(&format!("{file} as written (its clock {written})")),
        "{first}"
    );
    assert!(
        out.stdout.contains(&format!(
            "not reconstructed when the file was written in B, {file} as written"
        )),
        "{}",
        out.stdout
    );
    let d = json(&["diff", file, "--at", "2025-01-10T00:00:00Z", "--json"]);
    assert!(d["a"]["as_of"].is_object(), "{d}");
    assert!(d["a"].get("file_notes").is_none(), "{d}");
    assert!(
        d["b"]["file_notes"]
            .as_array()
            .is_some_and(|n| !n.is_empty()),
        "{d}"
    );
}

/// A side whose user id is empty (a legal id) names it `""` in the input changes, as listings
/// do, never as nothing (`user_id u005 → `, `u005's s1 → 's s1`).
#[test]
fn the_empty_user_id_is_named_as_listings_name_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = u005_and_changed(dir.path(), |v| {
        v["user_id"] = "".into();
    });
    let (a, b) = (a.as_str(), b.as_str());
    let d = json(&["diff", a, b, "--json"]);
    let details: Vec<&str> = d["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["detail"].as_str())
        .collect();
    assert!(details.contains(&"u005 → \"\""), "{details:?}");
    assert!(details.contains(&"u005's s1 → \"\"'s s1"), "{details:?}");
    assert_eq!(d["b"]["user_id"], "", "the data itself is exact");
}
