//! `report` end to end: gates, formats, fleets from files, samples and synthetic users, Ctrl-C,
//! and the budget that keeps every candidate.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::{ctxlens, expect_error, write_temp};

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
    expect_error(
        &["report", "--fail-on", "speed"],
        2,
        "ctxlens: --fail-on speed: not a target (target, avg_context_tokens, static_share, \
         rag_hit_rate, truncation_rate)",
    );
}

#[test]
fn report_prints_the_monitoring_table_in_every_format() {
    let table = ctxlens(&["report", "--set", "budget.total=2000"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    for heading in [
        "Fleet report · DEMO · 71 users",
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
    assert_eq!(v["errors"]["count"], 1);
    let msg = v["errors"]["first"][0].as_str().expect("message");
    assert!(
        msg.contains("c.json:2:") && msg.contains("invalid type"),
        "{msg}"
    );
    assert!(
        out.stderr.contains("1 users could not be read"),
        "{}",
        out.stderr
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
    let list = write_temp("users.txt", "u001\nu005 # ticket\n\nu999\n");
    let out = ctxlens(&["report", "--users", list.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["users"], 2);
    let msg = v["errors"]["first"][0].as_str().expect("message");
    assert!(
        msg.contains("users.txt:4: user u999") && msg.contains("not found"),
        "{msg}"
    );
    let sample = ctxlens(&["report", "--sample", "10", "--seed", "4", "--json"]);
    assert_eq!(sample.code, 0, "{}", sample.stderr);
    let v: serde_json::Value = serde_json::from_str(&sample.stdout).expect("JSON");
    assert_eq!(
        (v["users"].as_u64(), v["users_total"].as_u64()),
        (Some(10), Some(10))
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

/// Whether process `pid` has a handler for SIGINT (bit 2 of `SigCgt` in /proc/PID/status).
fn catches_sigint(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("SigCgt:"))
                .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        })
        .is_some_and(|mask| mask & (1 << 1) != 0)
}

#[test]
fn ctrl_c_prints_the_partial_report() {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["report", "--synthetic", "1000000", "--json"])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ctxlens runs");
    let pid = child.id();
    // Wait until the report listens for Ctrl-C (before that, SIGINT would just kill it).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !catches_sigint(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "no SIGINT handler within 60 s"
        );
        std::thread::yield_now();
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let out = child.wait_with_output().expect("ctxlens exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("a report is printed");
    assert_eq!(v["partial"], true);
    assert_eq!(v["users_total"], 1_000_000);
    assert!(v["users"].as_u64() < Some(1_000_000), "{}", v["users"]);
    assert!(
        stderr.contains("interrupted: the report covers"),
        "{stderr}"
    );
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
