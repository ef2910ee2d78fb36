//! Signals a command that runs for long catches, and the ones it leaves as it found them.

use super::common::catches;

/// A report started ignoring SIGHUP (`nohup`) leaves it ignored, so it goes on when its
/// terminal goes; SIGINT still ends it with what it read.
#[test]
fn a_report_under_nohup_keeps_sighup_ignored() {
    let child = std::process::Command::new("env")
        .args(["--ignore-signal=HUP", env!("CARGO_BIN_EXE_ctxlens")])
        .args(["report", "--synthetic", "1000000", "--json"])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("env runs ctxlens");
    let pid = child.id();
    // The handlers are installed together: once SIGINT's is, SIGHUP's would be too.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !(catches(pid, 2) && catches(pid, 15) && catches(pid, 3)) {
        assert!(
            std::time::Instant::now() < deadline,
            "no handlers within 60 s"
        );
        std::thread::yield_now();
    }
    assert!(!catches(pid, 1), "SIGHUP was ignored and must stay so");
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
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
