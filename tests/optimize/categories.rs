//! `--per-category` and `--category-of`: one policy per category, searched on its own users.

use std::path::{Path, PathBuf};

use super::*;

/// `ctxlens optimize --policy layered-adr --per-category ARGS`.
fn per_category(args: &[&str]) -> common::Output {
    let head = ["optimize", "--policy", "layered-adr", "--per-category"];
    ctxlens(&[&head[..], args].concat())
}

#[test]
fn per_category_writes_one_policy_per_category_that_replays_to_its_metrics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("tuned.toml");
    let found = json(&per_category(&[
        "--trials",
        "15",
        "--holdout",
        "0",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--json",
    ]));
    let cats = found["per_category"].as_array().expect("per category");
    let names: Vec<&str> = cats
        .iter()
        .map(|c| c["category"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "analysis",
            "retrieval",
            "recommendation",
            "technical",
            "business"
        ]
    );
    for c in cats {
        let name = c["category"].as_str().expect("name");
        let path = dir.path().join(format!("tuned-{name}.toml"));
        let text = std::fs::read_to_string(&path).expect("one file per category");
        assert!(text.contains(&format!("category = \"{name}\"")), "{text}");
        let report = json(&ctxlens(&[
            "report",
            "--policy",
            path.to_str().expect("utf-8 path"),
            "--json",
        ]));
        assert_replays_to(&report, &c["best"]["metrics"], name);
    }
}

#[test]
fn per_category_progress_names_the_category_searched() {
    let out = per_category(&["--trials", "2", "--holdout", "0", "--json"]);
    super::json(&out);
    for (i, c) in [
        "analysis",
        "retrieval",
        "recommendation",
        "technical",
        "business",
    ]
    .iter()
    .enumerate()
    {
        let says = format!(
            "ctxlens: searching layered-adr for category {c} ({} of 5)",
            i + 1
        );
        assert!(out.stderr.contains(&says), "{says}: {}", out.stderr);
    }
}

/// The users `category_map` puts in `analysis`.
const ANALYSIS: [&str; 6] = ["u001", "u002", "u003", "u004", "u005", "u006"];
/// The users `category_map` puts in `retrieval`.
const RETRIEVAL: [&str; 4] = ["u010", "u011", "u012", "u013"];

/// A `--category-of` file in `dir`: [`ANALYSIS`] and [`RETRIEVAL`], and u999 (no user of the
/// fleet) in `business`. Its path.
fn category_map(dir: &Path) -> PathBuf {
    let map = dir.join("categories.txt");
    let mut text = String::from("# user category\n");
    // A comment may follow the words, as in a --users file.
    for u in ANALYSIS {
        text.push_str(&format!("{u} analysis   # first batch\n"));
    }
    for u in RETRIEVAL {
        text.push_str(&format!("{u}\tretrieval\n"));
    }
    text.push_str("u999 business\n");
    std::fs::write(&map, text).expect("written");
    map
}

/// `--category-of FILE` gives users a category: each category is searched on its own users,
/// a category without users is said to be skipped, and users in none are counted.
#[test]
fn category_of_searches_each_category_on_its_own_users() {
    let dir = tempfile::tempdir().expect("temp dir");
    let map = category_map(dir.path());
    let out = dir.path().join("tuned.toml");
    let found = json(&per_category(&[
        "--category-of",
        map.to_str().expect("utf-8 path"),
        "--trials",
        "8",
        "--holdout",
        "0",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--json",
    ]));
    let cats = found["per_category"].as_array().expect("per category");
    let searched: Vec<(&str, u64)> = cats
        .iter()
        .map(|c| {
            (
                c["category"].as_str().expect("name"),
                c["users_optimized"].as_u64().expect("users"),
            )
        })
        .collect();
    assert_eq!(searched, [("analysis", 6), ("retrieval", 4)]);
    let skipped: Vec<(&str, &str)> = found["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["category"].as_str().expect("c"),
                s["why"].as_str().expect("why"),
            )
        })
        .collect();
    let none = "no user of the fleet is in this category";
    assert_eq!(
        skipped,
        [
            ("recommendation", none),
            ("technical", none),
            ("business", none)
        ]
    );
    assert_eq!(found["category_of"]["unlisted_users"], 71 - 10);
    assert_eq!(found["category_of"]["missing_users"], 1, "u999");
    each_category_replays_to_its_metrics_on_its_own_users(dir.path(), cats);
}

/// Each category's policy, written in `dir` as `tuned-CATEGORY.toml`, replays to the metrics
/// its search in `cats` reported, on its own users; the skipped `business` wrote none.
fn each_category_replays_to_its_metrics_on_its_own_users(dir: &Path, cats: &[serde_json::Value]) {
    for (c, users) in [("analysis", &ANALYSIS[..]), ("retrieval", &RETRIEVAL[..])] {
        let list = dir.join(format!("{c}-users.txt"));
        std::fs::write(&list, users.join("\n")).expect("written");
        let path = dir.join(format!("tuned-{c}.toml"));
        let report = json(&ctxlens(&[
            "report",
            "--users",
            list.to_str().expect("utf-8 path"),
            "--policy",
            path.to_str().expect("utf-8 path"),
            "--json",
        ]));
        let cat = cats.iter().find(|x| x["category"] == c).expect("searched");
        assert_eq!(report["candidate"]["users"], users.len() as u64, "{c}");
        assert_replays_to(&report, &cat["best"]["metrics"], c);
    }
    assert!(!dir.join("tuned-business.toml").exists());
}

/// Searched by `--category-of FILE`, the text says who was in no search and what was skipped.
#[test]
fn category_of_says_who_is_in_no_search_and_what_was_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let map = category_map(dir.path());
    let text = per_category(&[
        "--category-of",
        map.to_str().expect("utf-8 path"),
        "--trials",
        "2",
        "--holdout",
        "0",
    ]);
    super::ran(&text);
    for want in [
        "the fleet's 71 users: 71 to optimize on, 0 held out; each category searched on its own users (the USERS column)",
        "61 users of the fleet are in no category there, so in no search",
        "it lists 1 user not in the fleet",
        "not searched: business: no user of the fleet is in this category",
    ] {
        assert!(text.stdout.contains(want), "{want}: {}", text.stdout);
    }
}

/// Every category skipped (its users all held out, or none in the fleet): nothing searched,
/// nothing written, exit 1 saying so — not an empty table and exit 0.
#[test]
fn per_category_with_no_category_searched_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let map = dir.path().join("categories.txt");
    std::fs::write(&map, "u001 analysis\nu002 retrieval\nu003 analysis\n").expect("written");
    let out = dir.path().join("tuned.toml");
    let args = [
        "--category-of",
        map.to_str().expect("utf-8 path"),
        "--trials",
        "2",
        "--holdout",
        "0.9",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    for json in [false, true] {
        let mut args = args.to_vec();
        if json {
            args.push("--json");
        }
        let run = per_category(&args);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("no category was searched"),
            "{}",
            run.stderr
        );
        assert!(
            run.stdout.contains("held out"),
            "each skip is said: {}",
            run.stdout
        );
    }
    let written = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(written, 1, "only the categories file");
}

#[test]
fn a_bad_category_file_is_a_usage_error_naming_the_line() {
    for (text, says) in [
        (
            "u001 analysis\nu002 poetry\n",
            ":2: poetry is not a category (analysis, retrieval",
        ),
        // The category is the last word: the id is the rest (ids may hold spaces).
        ("u001 analysis extra\n", ":1: extra is not a category"),
        (
            "u001\n",
            ":1: expected USER CATEGORY, e.g. u001 analysis, or \"an id\" analysis: expected two words (got 1 word)",
        ),
        (
            "\"u 1\" analysis extra\n",
            ":1: expected USER CATEGORY, e.g. u001 analysis, or \"an id\" analysis: expected a word after the quoted id (got 2 words)",
        ),
        (
            "\"u 1 analysis\n",
            ":1: expected USER CATEGORY, e.g. u001 analysis, or \"an id\" analysis: column ",
        ),
        (
            "u001 analysis\nu001 business\n",
            ":2: user u001 is already in category analysis",
        ),
        ("# nothing\n", "no USER CATEGORY lines"),
    ] {
        let file = common::write_temp("categories.txt", text);
        let out = per_category(&["--category-of", file.to_str().expect("utf-8 path")]);
        assert_eq!(out.code, 2, "{text:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{says}: {}", out.stderr);
    }
    let out = ctxlens(&["optimize", "--category-of", "x.txt"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--per-category"), "{}", out.stderr);
}

/// A `--users` file of ids the fleet does not have: no search, and the error says which
/// users could not be read and why, not that the fleet is empty.
#[test]
fn users_that_cannot_be_read_are_named_when_none_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("users.txt");
    std::fs::write(&list, "nobody\nnoone\n").expect("written");
    let run = ctxlens(&[
        "optimize",
        "--trials",
        "2",
        "--users",
        list.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no users to optimize on: 2 users could not be read")
            && run.stderr.contains("user \"nobody\" not found"),
        "{}",
        run.stderr
    );
}

/// Per category too, a search that met no policy's every target exits 3 naming each category
/// and what it misses; the closest points are said to be written only when `--out` wrote
/// them, each marked NOT FEASIBLE.
#[test]
fn per_category_without_a_feasible_point_is_a_gate_saying_what_was_written() {
    let args = ["--trials", "2", "--target", "rag_hits>0.999", "--quiet"];
    let shown = per_category(&args);
    assert_eq!(shown.code, 3, "{}", shown.stderr);
    assert!(
        shown.stderr.contains("no policy met every target for ")
            && shown.stderr.contains("analysis: ")
            && !shown.stderr.contains("written"),
        "{}",
        shown.stderr
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("tuned.toml");
    let written = per_category(&[&args[..], &["--out", out.to_str().expect("utf-8")]].concat());
    assert_eq!(written.code, 3, "{}", written.stderr);
    assert!(
        written
            .stderr
            .contains("the closest is written, marked NOT FEASIBLE; misses "),
        "{}",
        written.stderr
    );
    let analysis = std::fs::read_to_string(dir.path().join("tuned-analysis.toml"))
        .expect("a category's closest point is written");
    assert!(analysis.contains("# NOT FEASIBLE"), "{analysis}");
}

/// Ctrl-C during a per-category search: the categories not searched are listed, the JSON says
/// it stopped, and the exit is a runtime failure naming them — never a success over part of
/// the categories.
#[test]
fn a_per_category_search_stopped_lists_the_categories_not_searched() {
    let args = [
        "optimize",
        "--policy",
        "layered-adr",
        "--per-category",
        "--synthetic",
        "300",
        "--time",
        "600s",
        "--json",
    ];
    let (out, rest) = super::signals::stopped_while_searching(&args, "-INT");
    assert_eq!(out.status.code(), Some(1), "{rest}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the answer");
    assert_eq!(v["stopped"], "interrupted", "{v}");
    let left: Vec<&str> = v["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter(|s| s["why"] == "stopped by a signal before it")
        .map(|s| s["category"].as_str().expect("a category"))
        .collect();
    assert!(!left.is_empty(), "{v}");
    assert!(
        rest.contains(&format!(
            "interrupted: {} not searched ({})",
            if left.len() == 1 {
                "1 category".to_string()
            } else {
                format!("{} categories", left.len())
            },
            left.join(", ")
        )),
        "{rest}"
    );
}
