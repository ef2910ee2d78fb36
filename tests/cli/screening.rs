//! Near-copy screening is bounded (thousands of rows written from a handful of words would
//! each be compared with every earlier one): where the bound was reached, replay and report say
//! so, instead of showing duplicate figures that may be low as if complete.

use super::common::ctxlens;

/// The snapshot of u1 with 2,000 journey rows written from six words: under a low
/// `dedupe_threshold` (more of each row's shingles looked up) the screening's bound is reached.
fn crowded_snapshot(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("snapshot");
    let mut snap: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    const WORDS: [&str; 6] = ["alpha", "beta", "gamma", "delta", "kappa", "sigma"];
    let mut state = 5u64;
    let rows: Vec<serde_json::Value> = (0..2_000)
        .map(|i| {
            let summary: Vec<&str> = (0..30)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    WORDS[((state >> 32) % 6) as usize]
                })
                .collect();
            serde_json::json!({
                "id": format!("mb:{i}"), "kind": "milestone_data", "milestone": "M3",
                "data": {"summary": summary.join(" ")}, "timestamp": "2025-01-10T10:00:00Z"})
        })
        .collect();
    snap["journey"] = serde_json::Value::Array(rows);
    let path = dir.join("u1.json");
    std::fs::write(&path, serde_json::to_string(&snap).expect("JSON")).expect("write");
    path
}

#[test]
fn replay_and_report_say_where_near_copies_were_not_looked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = crowded_snapshot(dir.path());
    let file = file.to_string_lossy();
    let low = "dedupe_threshold=0.3";
    let replay = ctxlens(&["replay", "--snapshot", &file, "--set", low]);
    assert_eq!(replay.code, 0, "{}", replay.stderr);
    let note = replay
        .stdout
        .lines()
        .find(|l| l.starts_with("near copies not looked for among the last "))
        .unwrap_or_else(|| panic!("no note: {}", replay.stdout));
    let json = ctxlens(&["replay", "--snapshot", &file, "--set", low, "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let n = v["near_unscreened"]
        .as_u64()
        .expect("near_unscreened written");
    assert!(n > 0 && n < 2_000, "{n}");
    let shown = if n >= 1_000 {
        format!("{},{:03}", n / 1_000, n % 1_000)
    } else {
        n.to_string()
    };
    assert_eq!(
        note,
        format!("near copies not looked for among the last {shown} candidates (exact copies were)")
    );

    let dir_arg = dir.path().to_string_lossy();
    let report_as = |more: &[&str]| {
        let args = [
            "report",
            "--snapshots",
            &dir_arg,
            "--set",
            low,
            "--duplicates",
        ];
        ctxlens(&[&args[..], more].concat())
    };
    let report = report_as(&[]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report
            .stdout
            .lines()
            .any(|l| l.contains("users not fully screened for near copies") && l.ends_with(" 1")),
        "{}",
        report.stdout
    );
    let report = report_as(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).expect("JSON");
    assert_eq!(v["candidate"]["users_near_unscreened"], 1);
    // The baseline (the default threshold) screened every row: not written.
    assert!(v["baseline"].get("users_near_unscreened").is_none(), "{v}");
}

#[test]
fn a_fleet_screened_in_full_says_nothing_of_the_bound() {
    let report = ctxlens(&["report", "--duplicates", "--format", "json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).expect("JSON");
    assert!(v["candidate"].get("users_near_unscreened").is_none());
    let text = ctxlens(&["report", "--duplicates"]);
    assert!(
        !text.stdout.contains("not fully screened"),
        "{}",
        text.stdout
    );
}
