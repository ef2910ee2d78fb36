//! One user or one file at two moments: `--at` once or twice, `--at` with `--now`, and what a
//! side could not reconstruct as of its instant.

use super::*;

/// u062 moved from M8 to M9 on 14 January: as of the 10th against now, and the 10th against an
/// hour before the transition.
#[test]
fn one_user_at_two_moments() {
    let d = json(&["diff", "u062", "--at", "2025-01-10T00:00:00Z", "--json"]);
    assert_eq!(d["a"]["now"], "2025-01-10T00:00:00Z");
    assert_eq!(d["a"]["source"], "u062 as of 2025-01-10T00:00:00Z");
    assert_eq!(d["b"]["source"], "u062 now");
    let inputs = d["inputs"].as_array().expect("inputs");
    let has = |cause: &str, subject: &str| {
        inputs
            .iter()
            .any(|i| i["cause"] == cause && i["subject"] == subject)
    };
    assert!(has("milestone_change", "current_milestone"), "{inputs:?}");
    assert!(has("memory_bank_row_added", "mb:330"), "{inputs:?}");
    assert!(has("memory_bank_row_added", "mb:331"), "{inputs:?}");
    assert!(d["first_cause"].is_object());
    // What A could not reconstruct is said, B (as stored now) has nothing to say.
    assert_eq!(d["a"]["as_of"]["milestone"], "M8", "{}", d["a"]);
    assert!(
        d["a"]["as_of"]["notes"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["source"] == "user_journeys")),
        "{}",
        d["a"]
    );
    assert!(d["b"].get("as_of").is_none(), "{}", d["b"]);
    let before = ctxlens(&["diff", "u005", "--at", "1990-01-01T00:00:00Z"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert!(
        before
            .stdout
            .contains("not reconstructed in A, u005 as of 1990-01-01T00:00:00Z (")
            && before
                .stdout
                .contains("T is before any of this user's dated data"),
        "{}",
        before.stdout
    );
    let two = json(&[
        "diff",
        "u062",
        "--at",
        "2025-01-10T00:00:00Z",
        "--at",
        "2025-01-14T21:00:00Z",
        "--json",
    ]);
    assert_eq!(two["b"]["now"], "2025-01-14T21:00:00Z");
    let subjects: Vec<&str> = two["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["subject"].as_str().expect("subject"))
        .collect();
    assert!(subjects.contains(&"mb:330"), "{subjects:?}");
    assert!(
        !subjects.contains(&"mb:331"),
        "the transition of 21:53 is after the second instant: {subjects:?}"
    );
    let three = [
        "diff",
        "u062",
        "--at",
        "2025-01-10T00:00:00Z",
        "--at",
        "2025-01-11T00:00:00Z",
        "--at",
        "2025-01-12T00:00:00Z",
    ];
    expect_error(
        &three,
        2,
        "ctxlens: diff takes --at at most twice (A's instant, then B's), not 3 times",
    );
}

/// A snapshot file rewound with `--at` to before its last turn, against the file as stored:
/// the turn stored since is the cause, and the rewound side says which instant it shows.
#[test]
fn a_snapshot_file_at_an_earlier_instant_against_itself() {
    let d = json(&["diff", AFTER, "--at", "2025-01-15T12:30:00Z", "--json"]);
    assert_eq!(d["a"]["now"], "2025-01-15T12:30:00Z");
    assert_eq!(
        d["a"]["source"],
        format!("{AFTER} as of 2025-01-15T12:30:00Z")
    );
    assert_eq!(d["first_cause"]["cause"], "new_turn");
    assert_eq!(d["first_cause"]["subject"], "s1#7");
    let added: Vec<&str> = d["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "added")
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(added, ["s1#7"]);
}

/// `diff USER --at T --now N`: A as of T, B as stored with the clock at N (seeded stores, whose
/// present is not the wall clock's); with two `--at`, `--now` is a usage error.
#[test]
fn one_at_with_now_sets_bs_clock() {
    let d = json(&[
        "diff",
        "u062",
        "--at",
        "2025-01-10T00:00:00Z",
        "--now",
        "2025-01-14T21:00:00Z",
        "--json",
    ]);
    assert_eq!(d["a"]["now"], "2025-01-10T00:00:00Z");
    assert_eq!(d["b"]["now"], "2025-01-14T21:00:00Z");
    assert_eq!(
        d["b"]["source"],
        "u062 as stored, with the clock at 2025-01-14T21:00:00Z"
    );
    let out = ctxlens(&[
        "diff",
        "u062",
        "--at",
        "2025-01-10T00:00:00Z",
        "--at",
        "2025-01-14T21:00:00Z",
        "--now",
        "2025-01-15T00:00:00Z",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("drop --now or the second --at"),
        "{}",
        out.stderr
    );
}
