//! Signals a command that runs for long catches, and the ones it leaves as it found them.

use super::common::catches;

/// A report started ignoring SIGHUP (`nohup`) leaves it ignored, so it goes on when its
/// terminal goes; SIGINT still ends it with what it read.
#[test]
fn a_report_under_nohup_keeps_sighup_ignored() {
    let child = report_ignoring(&["HUP"]);
    let pid = child.id();
    // The handlers are installed together: once SIGINT's is, SIGHUP's would be too.
    interrupt_once_caught(pid, &[2, 15, 3], || {
        assert!(!catches(pid, 1), "SIGHUP was ignored and must stay so");
    });
    let out = child.wait_with_output().expect("ctxlens exits");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a report");
    assert_eq!(v["partial"], true);
}

/// A report started ignoring SIGQUIT and SIGINT (a non-interactive shell's background job)
/// still hears them: a `kill -QUIT` is sent on purpose. Only SIGHUP's ignoring (`nohup`) is
/// kept.
#[test]
fn a_background_job_still_hears_sigquit() {
    let child = report_ignoring(&["QUIT", "INT"]);
    super::common::signal_once_caught(child.id(), "QUIT", 3);
    let out = child.wait_with_output().expect("ctxlens exits");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("stopped by SIGQUIT"), "{said}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a report");
    assert_eq!(v["partial"], true);
}

/// Ctrl-C stops a one-user command at once while it computes (a diff of 50,000 new turns holds
/// its thread for seconds): exit 130, nothing on stdout as if complete.
#[test]
fn ctrl_c_stops_a_command_busy_computing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    std::fs::write(dir.path().join("a.json"), v.to_string()).expect("write a");
    let turns = v["session"].as_array_mut().expect("turns");
    for i in 0..50_000 {
        turns.push(serde_json::json!({
            "user": format!("question {i} about landed cost and freight"),
            "assistant": "an answer",
            "timestamp": format!("2025-01-15T06:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        }));
    }
    std::fs::write(dir.path().join("b.json"), v.to_string()).expect("write b");
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let child = super::common::spawn_demo(&[
        "diff",
        a.to_str().expect("UTF-8"),
        b.to_str().expect("UTF-8"),
    ]);
    interrupt_once_caught(child.id(), &[2], || {});
    let out = child.wait_with_output().expect("ctxlens exits");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{said}");
    assert!(said.contains("stopped by SIGINT"), "{said}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Waits (60 s at most) until process `pid` catches every signal of `signals`, runs `then`,
/// and sends it SIGINT.
fn interrupt_once_caught(pid: u32, signals: &[u32], then: impl FnOnce()) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !signals.iter().all(|&n| catches(pid, n)) {
        assert!(
            std::time::Instant::now() < deadline,
            "no handlers within 60 s"
        );
        std::thread::yield_now();
    }
    then();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
}

/// A long `report` started ignoring `signals` (as `nohup`, or a non-interactive shell's
/// background job, starts it).
fn report_ignoring(signals: &[&str]) -> std::process::Child {
    std::process::Command::new("env")
        .args(signals.iter().map(|s| format!("--ignore-signal={s}")))
        .arg(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["report", "--synthetic", "1000000", "--json"])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("env runs ctxlens")
}
