//! Fleets other than the demo: snapshot files (and the knowledge keys they bound) and a seeded sample.

use super::*;

/// Writes `ctxlens snapshot USER` files of `users` into `dir`, with `extra` arguments.
fn snapshot_files(dir: &std::path::Path, users: &[&str], extra: &[&str]) {
    for u in users {
        let file = dir.join(format!("{u}.json"));
        let mut args = vec!["snapshot", u, "--out", file.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        let out = ctxlens(&args);
        assert_eq!(out.code, 0, "{u}: {}", out.stderr);
    }
}

fn free_key<'a>(found: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    found["free"]
        .as_array()
        .expect("free")
        .iter()
        .find(|p| p["key"] == key)
        .unwrap_or_else(|| panic!("{key} is free: {}", found["free"]))
}

/// A folder of `ctxlens snapshot` files is a fleet: the answer replays to its metrics on the
/// same files. Files written under a narrower knowledge search than the baseline's margins
/// (threshold 0.8 and limit 6: hits down to 0.5, up to 11) bound the knowledge keys to what
/// they hold, where the baseline's own margins would reach 0.4 and 15.
#[test]
fn snapshot_files_are_a_fleet_and_bound_the_knowledge_keys_to_what_they_hold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = dir.path().join("files");
    std::fs::create_dir(&files).expect("folder");
    let users = ["u001", "u005", "u020", "u040", "u062", "u070"];
    snapshot_files(
        &files,
        &users,
        &[
            "--set",
            "knowledge.similarity_threshold=0.8",
            "--set",
            "knowledge.limit=6",
        ],
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(files.join("u062.json")).expect("written"))
            .expect("JSON");
    assert_eq!(
        written["knowledge_search"],
        serde_json::json!({"min_similarity": 0.5, "limit": 11, "milestone_only": true}),
        "a file says which search fetched its hits"
    );
    let toml = dir.path().join("tuned.toml");
    let toml_s = toml.to_str().expect("utf-8 path");
    let files_s = files.to_str().expect("utf-8 path");
    let found = json(&ctxlens(&[
        "optimize",
        "--snapshots",
        files_s,
        "--trials",
        "40",
        "--holdout",
        "0",
        "--json",
        "--out",
        toml_s,
    ]));
    assert_eq!(found["users"], 6);
    assert_eq!(found["users_optimized"], 6);
    assert_eq!(found["source"], "SNAPSHOT");
    let threshold = free_key(&found, "knowledge.similarity_threshold");
    assert_eq!(
        (threshold["lo"].as_f64(), threshold["hi"].as_f64()),
        (Some(0.5), Some(1.0))
    );
    let limit = free_key(&found, "knowledge.limit");
    assert_eq!(
        (limit["lo"].as_i64(), limit["hi"].as_i64()),
        (Some(1), Some(11))
    );
    let notes = found["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n
            == "knowledge.similarity_threshold searched within 0.50..1.00: the loaded hits reach down to 0.50 (the users' recorded knowledge searches)"),
        "{notes:?}"
    );
    let policy: toml::Table =
        toml::from_str(&std::fs::read_to_string(&toml).expect("tuned.toml")).expect("TOML");
    let k = &policy["knowledge"];
    assert!(k["similarity_threshold"].as_float() >= Some(0.5), "{k}");
    assert!(k["limit"].as_integer() <= Some(11), "{k}");
    let report = json(&ctxlens(&[
        "report",
        "--snapshots",
        files_s,
        "--policy",
        toml_s,
        "--json",
    ]));
    assert_eq!(report["candidate"]["users"], 6);
    assert_replays_to(&report, &found["best"]["metrics"], "snapshot files");
}

/// A file whose hits do not say which search fetched them (written by hand, or before files
/// said it) is taken to hold what the baseline keeps and no more: the search may only tighten
/// the knowledge keys, and says why.
#[test]
fn snapshot_files_that_do_not_record_their_search_only_let_the_knowledge_keys_tighten() {
    let dir = tempfile::tempdir().expect("temp dir");
    snapshot_files(dir.path(), &["u005", "u062"], &[]);
    let path = dir.path().join("u062.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    v.as_object_mut()
        .expect("object")
        .remove("knowledge_search");
    std::fs::write(&path, v.to_string()).expect("rewritten");
    let found = json(&ctxlens(&[
        "optimize",
        "--snapshots",
        dir.path().to_str().expect("utf-8 path"),
        "--trials",
        "5",
        "--holdout",
        "0",
        "--json",
    ]));
    let threshold = free_key(&found, "knowledge.similarity_threshold");
    assert_eq!(threshold["lo"].as_f64(), Some(0.7), "prolaunch's threshold");
    let limit = free_key(&found, "knowledge.limit");
    assert_eq!(limit["hi"].as_i64(), Some(10), "prolaunch's limit");
    let notes = found["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.starts_with(
                "the hits of 1 user with a question do not record the search that fetched them"
            ))),
        "{notes:?}"
    );
}

/// `--sample N` optimizes on N users drawn by `--fleet-seed`, and `report --sample N --seed`
/// draws the same N: the answer replays to its metrics there.
#[test]
fn a_sample_is_a_fleet_and_the_answer_replays_on_the_same_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = dir.path().join("sample.toml");
    let toml_s = toml.to_str().expect("utf-8 path");
    let found = json(&ctxlens(&[
        "optimize",
        "--sample",
        "20",
        "--fleet-seed",
        "4",
        "--trials",
        "20",
        "--holdout",
        "0",
        "--json",
        "--out",
        toml_s,
    ]));
    assert_eq!(found["users"], 20);
    assert_eq!(found["users_optimized"], 20);
    let best = &found["best"]["metrics"];
    assert_eq!(best["users"], 20);
    let report = json(&ctxlens(&[
        "report", "--sample", "20", "--seed", "4", "--policy", toml_s, "--json",
    ]));
    assert_eq!(report["candidate"]["users"], 20);
    assert_replays_to(&report, best, "a sample");
    // Another draw is other users.
    let other = json(&ctxlens(&[
        "optimize",
        "--sample",
        "20",
        "--fleet-seed",
        "5",
        "--trials",
        "1",
        "--holdout",
        "0",
        "--json",
    ]));
    assert_ne!(other["baseline"], found["baseline"]);
}

/// A `--users` file that can be read only once (a pipe, `<(…)`) serves the search and the
/// final report: it is read once.
#[test]
fn a_users_pipe_is_read_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("users");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        // Blocks until ctxlens opens the pipe; closing it ends the only read there is.
        std::fs::write(&path, "u005\nu062\n").expect("written once");
    });
    let out = common::ctxlens(&[
        "optimize",
        "--users",
        fifo.to_str().expect("utf-8"),
        "--trials",
        "3",
        "--json",
    ]);
    writer.join().expect("the writer ends");
    let v = super::json(&out);
    assert_eq!(v["users"], 2, "{v}");
}

/// Users that cannot be read are in no search, and the answer says so as `report` does: the
/// headline counts them, `--json` carries them, and the exit is 1 (per category too).
#[test]
fn users_not_read_are_counted_and_the_exit_is_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    snapshot_files(dir.path(), &["u001", "u005", "u062"], &[]);
    std::fs::write(dir.path().join("broken.json"), "{\"user_id\": 3").expect("write");
    let d = dir.path().to_str().expect("utf-8 path");
    let base = ["optimize", "--snapshots", d, "--trials", "4", "--quiet"];
    let text = ctxlens(&base);
    assert_eq!(text.code, 1, "{}", text.stderr);
    let head: Vec<&str> = text.stdout.lines().take(2).collect();
    assert!(head[0].contains("· 3 users ("), "{head:?}");
    assert_eq!(
        head[1],
        "1 user could not be read: in no search (listed at the end of the fleet report)"
    );
    assert!(
        text.stderr.starts_with(
            "ctxlens: 1 user could not be read and is in no search; the search covers the other 3 (first: user broken.json: SNAPSHOT: unreadable file: snapshot "
        ) && text.stderr.contains("broken.json"),
        "{}",
        text.stderr
    );
    let mut args = base.to_vec();
    args.push("--json");
    let out = ctxlens(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["users"], 3);
    assert_eq!(v["users_not_read"]["count"], 1, "{}", v["users_not_read"]);
    args.extend(["--per-category", "--policy", "layered-adr"]);
    let out = ctxlens(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["users_not_read"]["count"], 1, "{}", v["users_not_read"]);
    // Under --redact the value the error quotes is masked in `--json` too.
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"user_id\": \"u9\", \"now\": \"Noor Wyndham-Pike\"}",
    )
    .expect("write");
    let mut args = base.to_vec();
    args.extend(["--json", "--redact"]);
    let out = ctxlens(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stdout.contains("Noor"), "{}", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert!(
        v["users_not_read"]["first"]
            .as_str()
            .is_some_and(|f| f.contains("broken.json")),
        "{}",
        v["users_not_read"]
    );
}

/// A synthetic fleet larger than a search holds in memory is refused before any user is made,
/// naming the bound and what to do; a sample of it is searched.
#[test]
fn a_synthetic_fleet_past_what_a_search_holds_is_refused_unless_sampled() {
    let out = ctxlens(&[
        "optimize",
        "--quiet",
        "--trials",
        "1",
        "--synthetic",
        "100001",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("--synthetic 100,001: optimize holds every user it replays in memory")
            && out.stderr.contains("at most 100,000")
            && out.stderr.contains("--sample N"),
        "{}",
        out.stderr
    );
    let sampled = ctxlens(&[
        "optimize",
        "--quiet",
        "--trials",
        "1",
        "--holdout",
        "0",
        "--synthetic",
        "100001",
        "--sample",
        "20",
        "--json",
    ]);
    super::json(&sampled);
}

/// A `--sample` larger than the fleet is said to have read every user, as `report` says it.
#[test]
fn a_sample_larger_than_the_fleet_says_every_user_was_read() {
    let out = ctxlens(&[
        "optimize", "--quiet", "--trials", "1", "--sample", "1000", "--json",
    ]);
    super::json(&out);
    assert!(
        out.stderr.contains(
            "ctxlens: note: --sample 1,000 is more than the 71 users: every one was read"
        ),
        "{}",
        out.stderr
    );
}
