//! `report` end to end: gates, formats, fleets from files, samples and synthetic users, Ctrl-C,
//! and the budget that keeps every candidate.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::{ctxlens, expect_error, write_temp};

#[path = "report_cli/stored_text.rs"]
mod stored_text;

#[test]
fn report_fail_on_gates_a_change_with_exit_3() {
    let gated = ctxlens(&[
        "report",
        "--set",
        "budget.total=2000",
        "--fail-on",
        "truncation_rate",
        "--quiet",
    ]);
    assert_eq!(gated.code, 3, "{}", gated.stderr);
    assert!(
        gated
            .stderr
            .contains("--fail-on: the candidate fails Truncation rate (< 5 %)"),
        "{}",
        gated.stderr
    );
    assert!(
        gated.stdout.contains("Monitoring"),
        "the report is printed first"
    );
    // The baseline policy keeps truncation under 5 %: that gate passes.
    let passes = ctxlens(&["report", "--fail-on", "truncation_rate", "--quiet"]);
    assert_eq!(passes.code, 0, "{}", passes.stderr);
    // `target`: any failing target (the demo's RAG hit rate is under 80 % either way).
    let any = ctxlens(&["report", "--fail-on", "target", "--json"]);
    assert_eq!(any.code, 3, "{}", any.stderr);
    assert!(any.stderr.contains("RAG context hits"), "{}", any.stderr);
    // optimize's names for the same metrics gate alike.
    let alias = ctxlens(&["report", "--fail-on", "rag_hits", "--quiet"]);
    assert_eq!(alias.code, 3, "{}", alias.stderr);
    assert!(
        alias.stderr.contains("RAG context hits"),
        "{}",
        alias.stderr
    );
    let tokens = ctxlens(&["report", "--fail-on", "avg_tokens", "--quiet"]);
    assert_eq!(tokens.code, 0, "{}", tokens.stderr);
    expect_error(
        &["report", "--fail-on", "speed"],
        2,
        "ctxlens: --fail-on speed: not a target (target, avg_context_tokens, static_share, \
         rag_hit_rate, truncation_rate; also avg_tokens, rag_hits, truncation as optimize names \
         them)",
    );
}

#[test]
fn report_prints_the_monitoring_table_in_every_format() {
    let table = ctxlens(&["report", "--set", "budget.total=2000"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    for heading in [
        "Fleet report · DEMO · 71 users",
        // The candidate is named with its change, the baseline as the policy it came from.
        "candidate: prolaunch --set budget.total=2000 (cl100k_base, stop, 2,000 tokens)\n\
         baseline:  prolaunch (cl100k_base, stop, 4,000 tokens)\n",
        "Monitoring (seed 003 targets)",
        "Avg context tokens",
        "Tokens per layer — candidate",
        "Cached context",
        "Per milestone",
        "Most affected users",
    ] {
        assert!(
            table.stdout.contains(heading),
            "{heading}: {}",
            table.stdout
        );
    }
    let md = ctxlens(&["report", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(md.stdout.starts_with("# Fleet report · DEMO · 71 users"));
    assert!(
        md.stdout
            .contains("| Metric | Target | Candidate | Status |"),
        "{}",
        md.stdout
    );
    let csv = ctxlens(&["report", "--format", "csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(
        csv.stdout
            .starts_with("section,row,column,value\nrun,,source,DEMO\nrun,,users,71\n")
    );
    // No baseline without --baseline or --set: no change section.
    let json = ctxlens(&["report", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert!(v["changes"].is_null() && v["baseline"].is_null());
    assert_eq!(v["monitoring"][0]["metric"], "avg_context_tokens");
}

#[test]
fn report_over_snapshot_files_names_a_bad_file_and_reports_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    std::fs::write(dir.path().join("a.json"), &good).expect("write");
    std::fs::write(dir.path().join("b.json"), &good).expect("write");
    std::fs::write(dir.path().join("c.json"), "{\n  \"user_id\": 7\n}").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a snapshot").expect("write");
    let d = dir.path().to_str().expect("utf-8");
    let out = ctxlens(&[
        "report",
        "--snapshots",
        d,
        "--json",
        "--baseline",
        "layered-adr",
    ]);
    assert_eq!(out.code, 1, "a file could not be read: {}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("the report is printed");
    assert_eq!(v["users"], 2);
    // One user in two files: each row names its file.
    let affected: Vec<&str> = v["changes"]["most_affected"]
        .as_array()
        .expect("most affected")
        .iter()
        .filter_map(|a| a["user_id"].as_str())
        .collect();
    assert_eq!(affected, ["u1@a.json", "u1@b.json"], "{}", v["changes"]);
    assert_eq!(v["errors"]["count"], 1);
    let msg = v["errors"]["first"][0].as_str().expect("message");
    assert!(
        msg.contains("c.json:2:") && msg.contains("invalid type"),
        "{msg}"
    );
    assert!(
        out.stderr.contains("1 user could not be read"),
        "{}",
        out.stderr
    );
    // A gate that fails on the users read is named next to the unread file, exit still 1.
    let gated = ctxlens(&[
        "report",
        "--snapshots",
        d,
        "--set",
        "budget.total=300",
        "--fail-on",
        "truncation_rate",
        "--quiet",
    ]);
    assert_eq!(gated.code, 1, "{}", gated.stderr);
    assert!(
        gated.stderr.contains(
            "1 user could not be read; the report covers the other 2; on the users read, --fail-on: \
             the candidate fails Truncation rate (< 5 %)"
        ),
        "{}",
        gated.stderr
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let e = empty.path().to_str().expect("utf-8");
    expect_error(
        &["report", "--snapshots", e],
        2,
        &format!("ctxlens: snapshots folder {e}: no *.json files"),
    );
}

#[test]
fn report_over_a_users_file_a_sample_and_a_synthetic_fleet() {
    let list = write_temp("users.txt", "u001\nu005 # ticket\n\nu999\nu001\n");
    let out = ctxlens(&["report", "--users", list.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["users"], 2);
    // An id listed twice is read once, and said.
    assert!(
        out.stderr
            .contains("users.txt:1: user u001 is listed again on line 5: read once"),
        "{}",
        out.stderr
    );
    let msg = v["errors"]["first"][0].as_str().expect("message");
    assert!(
        msg.contains("users.txt:4: user u999") && msg.contains("not found"),
        "{msg}"
    );
    // No user read: the figures are null, as the table's n/a, never a rate of 0 that passes.
    let none = write_temp("no-users.txt", "u998\nu999\n");
    let out = ctxlens(&["report", "--users", none.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let c = &v["candidate"];
    assert_eq!(c["users"], 0, "{c}");
    for key in ["avg_context_tokens", "truncation_rate", "cache_hit_rate"] {
        assert!(c[key].is_null(), "{key}: {c}");
    }
    assert!(
        c["total_tokens"]["p50"].is_null() && c["total_tokens"]["sum"] == 0,
        "{c}"
    );
    assert!(c["layers"][0]["mean"].is_null(), "{c}");
    let sample = ctxlens(&["report", "--sample", "10", "--seed", "4", "--json"]);
    assert_eq!(sample.code, 0, "{}", sample.stderr);
    let v: serde_json::Value = serde_json::from_str(&sample.stdout).expect("JSON");
    assert_eq!(
        (v["users"].as_u64(), v["users_total"].as_u64()),
        (Some(10), Some(10))
    );
    assert_eq!(
        v["source"], "DEMO · a random sample of 10 of 71 users (seed 4)",
        "a sample says it is one"
    );
    let synthetic = ctxlens(&[
        "report",
        "--synthetic",
        "150",
        "--seed",
        "2",
        "--json",
        "--policy",
        "layered-adr",
    ]);
    assert_eq!(synthetic.code, 0, "{}", synthetic.stderr);
    let v: serde_json::Value = serde_json::from_str(&synthetic.stdout).expect("JSON");
    assert_eq!(v["users"], 150);
    assert_eq!(v["source"], "SYNTHETIC seed 2 × 150");
    assert!(v["candidate"]["static_share"].as_f64() > Some(0.0));
}

/// Ctrl-C (SIGINT), SIGTERM (a CI job or a container stopped), SIGHUP (the terminal gone) and
/// SIGQUIT all end a report with what it read, marked PARTIAL, exit 1.
#[test]
fn ctrl_c_or_sigterm_prints_the_partial_report() {
    for (signal, n, name) in [
        ("INT", 2, "SIGINT (Ctrl-C)"),
        ("TERM", 15, "SIGTERM"),
        ("HUP", 1, "SIGHUP"),
        ("QUIT", 3, "SIGQUIT"),
    ] {
        let child = common::spawn_demo(&["report", "--synthetic", "1000000", "--json"]);
        common::signal_once_caught(child.id(), signal, n);
        let out = child.wait_with_output().expect("ctxlens exits");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "SIG{signal}: {stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("a report is printed");
        assert_eq!(v["partial"], true);
        assert_eq!(v["users_total"], 1_000_000);
        assert!(v["users"].as_u64() < Some(1_000_000), "{}", v["users"]);
        assert!(
            stderr.contains("interrupted: the report covers")
                && stderr.contains(&format!("read before it was stopped by {name}; ")),
            "SIG{signal}: {stderr}"
        );
    }
}

/// `report`: per layer, the budget at which 50 / 90 / 99 % of users keep every candidate.
#[test]
fn report_states_the_budget_that_keeps_every_candidate() {
    let json = ctxlens(&["report", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let journey = &v["candidate"]["layers"][1];
    assert_eq!(journey["layer"], "journey");
    let k = &journey["keeps_all"];
    let (p50, p90, p99) = (k["p50"].as_u64(), k["p90"].as_u64(), k["p99"].as_u64());
    assert!(p50 <= p90 && p90 <= p99 && p99.is_some(), "{k}");
    let whole = k["users_kept_whole"].as_f64().expect("share");
    assert!((0.0..=1.0).contains(&whole));
    let table = ctxlens(&["report"]);
    assert!(
        table
            .stdout
            .contains("Layer budget that keeps every candidate, by share of users"),
        "{}",
        table.stdout
    );
}

/// Four knowledge rows for two users at M1 who ask about pricing: one kept, one retrieved but
/// too long for the knowledge budget, one on another topic, and one of no milestone on another
/// topic with a hostile title.
fn dead_knowledge_dataset() -> ctxlens::store::dataset::Dataset {
    let pricing = "pricing strategy value based pricing tiers";
    let row = |id: i64, milestone: Option<&str>, title: &str, content: String| {
        serde_json::json!({
            "id": id, "milestone": milestone, "title": title, "content": content,
            "metadata": {}, "created_at": "2025-01-10T09:00:00Z",
        })
    };
    let user = |id: &str| {
        let turns = serde_json::json!([
            {"user": pricing, "assistant": "Start from value.", "timestamp": "2025-01-15T11:00:00Z"}
        ]);
        serde_json::json!({
            "user_id": id,
            "journey": {"current_milestone": "M1", "display_name": null,
                        "updated_at": "2025-01-15T09:00:00Z"},
            "sessions": [{"session_id": "s1", "ttl": null,
                          "value": {"type": "string", "value": turns.to_string()}}],
            "memory_bank": [], "cached_contexts": [],
        })
    };
    let data = serde_json::json!({
        "now": common::NOW,
        "knowledge": [
            row(1, Some("M1"), "Pricing basics", pricing.to_string()),
            row(2, Some("M1"), "Pricing, every detail", format!("{pricing} ").repeat(400)),
            row(3, Some("M1"), "Hiring your first engineer", "hiring engineers interviews".into()),
            row(4, None, "\u{1b}[31mRed\u{202e} title", "legal incorporation paperwork".into()),
        ],
        "users": [user("d1"), user("d2")],
    });
    ctxlens::store::dataset::Dataset::from_json(&data.to_string()).expect("dataset")
}

/// `report` on live stores: a row no user retrieves, and one retrieved for both users but
/// dropped by the knowledge budget every time, by their milestone; hits by the users' milestone.
#[test]
fn report_names_dead_knowledge_on_live_stores() {
    use common::servers::{Postgres, RedisServer};
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("dead_knowledge");
    let stores = common::env(&redis, &db);
    let m = common::ctxlens_with(&["migrate"], &stores);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    common::runtime().block_on(async {
        use ctxlens::store::{postgres::PgStore, redis::RedisStore, seed};
        let t = std::time::Duration::from_secs(5);
        let data = dead_knowledge_dataset();
        let pg = PgStore::connect(&db, t).await.expect("postgres");
        seed::seed_postgres(&pg, &data, false).await.expect("seed");
        let r = RedisStore::connect(&redis.url(), "", t)
            .await
            .expect("redis");
        seed::seed_redis(&r, &data, true, false)
            .await
            .expect("seed");
    });
    let out = common::ctxlens_with(&["report", "--json", "--now", common::NOW], &stores);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let k = &v["knowledge"];
    assert_eq!(k["catalogue"], true, "{k}");
    assert!(k["catalogue_caveat"].is_null());
    let total = &k["total"];
    assert_eq!(
        (&total["rows"], &total["retrieved"], &total["kept"]),
        (&4.into(), &2.into(), &1.into()),
        "{total}"
    );
    assert_eq!(total["never_retrieved"], 2);
    assert_eq!(total["retrieved_never_kept"], 1);
    let general = &k["milestones"][0];
    assert!(general["milestone"].is_null(), "{general}");
    assert_eq!(general["never_retrieved_rows"][0]["id"], "kn:4");
    assert_eq!(
        general["never_retrieved_rows"][0]["title"],
        "\u{1b}[31mRed\u{202e} title"
    );
    let m1 = &k["milestones"][1];
    assert_eq!(m1["milestone"], "M1");
    assert_eq!(
        (&m1["rows"], &m1["never_retrieved"]),
        (&3.into(), &1.into())
    );
    assert_eq!(m1["never_retrieved_rows"][0]["id"], "kn:3");
    let dead = &m1["retrieved_never_kept_rows"];
    assert_eq!(dead.as_array().map(Vec::len), Some(1), "{dead}");
    assert_eq!(dead[0]["id"], "kn:2");
    assert_eq!(dead[0]["users_retrieved"], 2);
    // By the users' milestone: both users kept a hit; 2 of the 4 hits retrieved were kept.
    let users_m1 = &v["milestones"][0]["candidate"];
    assert_eq!(users_m1["rag_hit_rate"], 1.0);
    assert_eq!(
        (&users_m1["rag_hits_retrieved"], &users_m1["rag_hits_kept"]),
        (&4.into(), &2.into())
    );
    assert_eq!(users_m1["rag_kept_share"], 0.5);
    // The text report lists them, the hostile title inert.
    let text = common::ctxlens_with(&["report", "--now", common::NOW], &stores);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for want in [
        "Knowledge rows by their milestone (prolaunch)",
        "kn:3 Hiring your first engineer",
        "retrieved 2×, never kept",
        "kn:4 ␛[31mRed",
    ] {
        assert!(text.stdout.contains(want), "{want}: {}", text.stdout);
    }
    assert!(!text.stdout.contains('\u{1b}') && !text.stdout.contains('\u{202e}'));
}

/// On the demo every row is listed; from snapshot files only "retrieved but never kept" can be
/// known, and the report says so.
#[test]
fn report_knows_never_retrieved_rows_on_the_demo_but_not_from_snapshot_files() {
    let demo = ctxlens(&["report", "--json"]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let v: serde_json::Value = serde_json::from_str(&demo.stdout).expect("JSON");
    let total = &v["knowledge"]["total"];
    assert_eq!(total["rows"], 66, "the demo's knowledge table: {total}");
    let never = total["never_retrieved"].as_u64().expect("known");
    let retrieved = total["retrieved"].as_u64().expect("count");
    assert_eq!(never + retrieved, 66, "{total}");
    let dir = tempfile::tempdir().expect("temp dir");
    for user in ["u001", "u005", "u062"] {
        let path = dir.path().join(format!("{user}.json"));
        let p = path.to_str().expect("utf-8");
        let s = ctxlens(&["snapshot", user, "--out", p]);
        assert_eq!(s.code, 0, "{}", s.stderr);
    }
    let d = dir.path().to_str().expect("utf-8");
    let files = ctxlens(&["report", "--snapshots", d, "--json"]);
    assert_eq!(files.code, 0, "{}", files.stderr);
    let v: serde_json::Value = serde_json::from_str(&files.stdout).expect("JSON");
    let k = &v["knowledge"];
    assert_eq!(k["catalogue"], false);
    assert!(k["total"]["rows"].is_null() && k["total"]["never_retrieved"].is_null());
    assert!(k["total"]["seen"].as_u64() > Some(0), "{k}");
    let note = k["catalogue_caveat"].as_str().expect("a note");
    assert!(note.contains("cannot be known"), "{note}");
    let text = ctxlens(&["report", "--snapshots", d]);
    assert!(
        text.stdout.contains("rows never retrieved cannot be known"),
        "{}",
        text.stdout
    );
}

/// A gate named on a metric the policy does not have could never fail: refused before the
/// work, as `optimize --target` refuses it (`--fail-on target` gates what can be measured);
/// `--top 0` is refused.
#[test]
fn a_gate_that_cannot_fail_is_refused_and_top_is_at_least_one() {
    let out = ctxlens(&["report", "--fail-on", "static_share", "--quiet"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "--fail-on static_share: policy prolaunch has no static layer, so static_share \
             cannot be measured and this gate could never fail"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing was run: {}", out.stdout);
    // Every target gates what can be measured: the demo fails one of them, not static_share.
    let all = ctxlens(&["report", "--fail-on", "target", "--quiet"]);
    assert_eq!(all.code, 3, "{}", all.stderr);
    assert!(!all.stderr.contains("static"), "{}", all.stderr);
    let top = ctxlens(&["report", "--top", "0"]);
    assert_eq!(top.code, 2, "{}", top.stderr);
    assert!(top.stderr.contains("must be at least 1"), "{}", top.stderr);
}

/// A gate over no user fails: nothing replayed cannot pass a target (a store with no user yet:
/// migrated, nothing seeded); ungated, the empty report is no failure.
#[test]
fn a_gate_over_no_user_fails() {
    use common::servers::{Postgres, RedisServer};
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("no_users");
    let stores = common::env(&redis, &db);
    let m = common::ctxlens_with(&["migrate"], &stores);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    let out = common::ctxlens_with(&["report", "--fail-on", "truncation_rate"], &stores);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("no user was replayed"),
        "{}",
        out.stderr
    );
    let ungated = common::ctxlens_with(&["report"], &stores);
    assert_eq!(ungated.code, 0, "{}", ungated.stderr);
    // Over no user there is no mean, percentile or hit rate: n/a, not 0.
    let line = |label: &str| {
        let l = ungated
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {}", ungated.stdout));
        l.split_whitespace().collect::<Vec<_>>()
    };
    assert_eq!(line("total")[2..], ["n/a"; 4], "{}", ungated.stdout);
    assert_eq!(line("session")[3..], ["n/a"; 4], "{}", ungated.stdout);
    assert_eq!(line("hit rate").last(), Some(&"n/a"), "{}", ungated.stdout);
}

/// Every `*.json` entry of a snapshots folder is read or named as not read, a folder, a FIFO
/// and a dangling link too (none waits or is left out); past the first 20, the rest are counted.
#[test]
fn every_json_entry_of_a_folder_is_read_or_named_and_the_rest_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    std::fs::write(dir.path().join("good.json"), &good).expect("write");
    for i in 0..21 {
        std::fs::write(dir.path().join(format!("bad{i:02}.json")), "{").expect("write");
    }
    std::fs::create_dir(dir.path().join("a-folder.json")).expect("mkdir");
    std::os::unix::fs::symlink("nowhere.json", dir.path().join("a-dangling.json")).expect("link");
    let fifo = dir.path().join("a-fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let d = dir.path().to_str().expect("utf-8");
    let out = ctxlens(&["report", "--snapshots", d, "--quiet"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("Users not read (24)"), "{}", out.stdout);
    // Its one column says what its lines are.
    assert!(
        out.stdout
            .contains("Users not read (24)\n  user or file: why\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("… and 4 more"), "{}", out.stdout);
    let json = ctxlens(&["report", "--snapshots", d, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(
        (v["users"].as_u64(), v["errors"]["count"].as_u64()),
        (Some(1), Some(24))
    );
    // The odd entries sort first (`a-`) and say what they are.
    let first: Vec<&str> = v["errors"]["first"]
        .as_array()
        .expect("first")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    let said = first.join("\n");
    assert!(
        said.contains("a-folder.json: a directory, not a snapshot file"),
        "{said}"
    );
    assert!(said.contains("a-fifo.json: not a regular file"), "{said}");
    assert!(said.contains("a-dangling.json: No such file"), "{said}");
    // Given alone, a folder named like a file is named so too.
    let one = ctxlens(&["replay", &format!("{d}/a-folder.json")]);
    assert_eq!(one.code, 2, "{}", one.stderr);
    assert!(
        one.stderr.contains("a directory, not a snapshot file"),
        "{}",
        one.stderr
    );
}

/// A sample larger than the fleet reads every user, and a note says so (the report is not
/// called a sample).
#[test]
fn a_sample_larger_than_the_fleet_says_every_user_was_read() {
    let out = ctxlens(&["report", "--sample", "1000", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["users"], 71);
    assert_eq!(v["source"], "DEMO");
    assert!(
        out.stderr.contains(
            "ctxlens: note: --sample 1,000 is more than the 71 users: every one was read"
        ),
        "{}",
        out.stderr
    );
    let fits = ctxlens(&["report", "--sample", "10", "--json"]);
    assert!(
        !fits.stderr.contains("every one was read"),
        "{}",
        fits.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&fits.stdout).expect("JSON");
    assert!(
        v["source"]
            .as_str()
            .is_some_and(|s| s.contains("a random sample of 10 of 71 users")),
        "{v}"
    );
}
