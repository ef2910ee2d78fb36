//! Signals during `optimize`: a search stopped returns the best so far; a load stopped ends
//! with the signal's number.

/// Ctrl-C (SIGINT), SIGTERM (a CI job or a container stopped), SIGHUP and SIGQUIT alike end
/// the search with the best point so far, printed.
#[test]
fn ctrl_c_returns_the_best_so_far() {
    for signal in ["-INT", "-TERM", "-HUP", "-QUIT"] {
        stopped_by(signal);
    }
}

/// `ctxlens ARGS` on the demo, sent `signal` (`-INT`, …) once its search is under way: what it
/// printed, and the rest of its stderr.
pub(super) fn stopped_while_searching(
    args: &[&str],
    signal: &str,
) -> (std::process::Output, String) {
    use std::io::BufRead;
    let mut child = super::common::spawn_demo(args);
    // The fleet is loaded and the search under way once it says so.
    let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while !line.contains("ctxlens: searching") {
        line.clear();
        assert!(err.read_line(&mut line).expect("stderr") > 0, "ended early");
    }
    let kill = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).expect("stderr");
    (child.wait_with_output().expect("ctxlens exits"), rest)
}

fn stopped_by(signal: &str) {
    let args = ["optimize", "--synthetic", "300", "--time", "600s", "--json"];
    let (out, _) = stopped_while_searching(&args, signal);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the answer is printed");
    // An answer, not a stop: 0, or 3 when the best so far meets no policy's every target.
    let shipped = if v["feasible"] == true { 0 } else { 3 };
    assert_eq!(out.status.code(), Some(shipped), "{signal}");
    assert_eq!(v["stopped"], "interrupted", "{signal}");
    assert!(v["trials"].as_u64() >= Some(1));
    assert!(
        v["policy_toml"]
            .as_str()
            .is_some_and(|t| t.contains("[budget]"))
    );
}

/// A signal while the fleet is still loading: no trial has run, so there is no best to print;
/// the process says the load stopped and ends as a stopped one does (128 + the signal).
#[test]
fn a_signal_while_the_fleet_loads_ends_with_its_number() {
    for (signal, n) in [("INT", 2), ("TERM", 15)] {
        let child = super::common::spawn_demo(&["optimize", "--synthetic", "100000", "--json"]);
        super::common::signal_once_caught(child.id(), signal, n);
        let out = child.wait_with_output().expect("ctxlens exits");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(128 + n as i32),
            "{signal}: {stderr}"
        );
        assert!(
            stderr.contains("loading the fleet stopped"),
            "{signal}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "no answer without a trial");
    }
}
