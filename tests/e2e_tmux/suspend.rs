//! Suspending the TUI: ctrl-z, SIGTSTP and SIGSTOP give the shell the terminal, `fg` redraws
//! the TUI, and an ending signal while it is stopped (`kill %1`) ends it without `fg`.

use super::*;

#[test]
fn ctrl_z_and_sigtstp_suspend_and_fg_redraws_the_tui() {
    let t = Tmux::start(200, 30);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let modes_before = t.display(MODES);
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let dir = tempfile::tempdir().expect("temp dir");
    // SIGSTOP cannot be caught: the TUI cannot give the terminal back, and the shell makes it
    // cooked behind its back; continued, the TUI takes it again (SIGCONT) all the same.
    for (i, how) in ["C-z", "TSTP", "STOP"].into_iter().enumerate() {
        start_tui(&t, &format!("{bin} tui"));
        let pid = tui_pid(&t);
        if how == "C-z" {
            t.send(&["C-z"]);
        } else {
            signal(pid, how);
        }
        t.wait_for("the job stopped and the shell prompt", |s| {
            s.contains("Stopped") && s.trim_end().ends_with("READY$")
        });
        // Continued without `fg`, in the background, it is not the terminal's: it stops again
        // rather than draw over the shell.
        signal(pid, "CONT");
        await_stopped_again(pid, how);
        let stty = dir.path().join(format!("stty-{i}"));
        assert_the_shell_has_the_terminal(&t, how, i, &stty, &modes_before);
        fg_redraws_the_tui_and_q_quits(&t, how, i, &modes_before);
    }
}

/// Waits until `pid`, continued in the background after `how`, stops again by itself.
fn await_stopped_again(pid: u32, how: &str) {
    // (SIGCONT resumes it as `kill` sends it: a `T` seen after is a stop of its own. Its
    // state is polled: a stop has no event to await, and input sent to the shell would be
    // read by the TUI in the background and stop it whatever it does.)
    let state = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let (_, tail) = stat.rsplit_once(')').unwrap_or_default();
        tail.trim().chars().next()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while state() != Some('T') {
        assert!(
            Instant::now() < deadline,
            "{how}: continued in the background, the TUI ran on ({:?})",
            state()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// While the TUI is suspended (by `how`, in round `i`), the shell has the terminal as after an
/// exit; `stty` is the file the shell's `stty -a` is written to.
fn assert_the_shell_has_the_terminal(
    t: &Tmux,
    how: &str,
    i: usize,
    stty: &std::path::Path,
    modes_before: &str,
) {
    // The shell has the terminal as after an exit: cooked, the main screen, no mouse.
    if how == "STOP" {
        // The stop itself was not the TUI's to catch: its screen, mouse reporting and
        // cursor are given back once it is continued in the background, before it stops
        // again (its mode is the shell's, which made it cooked).
        t.send(&["-l", &format!("echo STTY''_{i}")]);
        t.send(&["Enter"]);
        t.wait_for("the shell reads lines", |s| {
            s.contains(&format!("STTY_{i}"))
        });
        assert_eq!(
            t.display(MODES),
            modes_before,
            "{how}: the screen, mouse and cursor as before the TUI started"
        );
    } else {
        t.send(&[
            "-l",
            &format!("stty -a > {}; echo STTY''_{i}", stty.display()),
        ]);
        t.send(&["Enter"]);
        t.wait_for("stty run", |s| s.contains(&format!("STTY_{i}")));
        let words = stty_words(stty);
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                words.iter().any(|w| w == mode),
                "{how}: {mode} is on while suspended: {words:?}"
            );
        }
        assert_eq!(
            t.display(MODES),
            modes_before,
            "{how}: as before the TUI started"
        );
    }
}

/// `fg` in round `i`: the TUI draws the whole screen again and is raw, so `q` alone quits it,
/// leaving the terminal as `modes_before`.
fn fg_redraws_the_tui_and_q_quits(t: &Tmux, how: &str, i: usize, modes_before: &str) {
    // `fg`: the TUI takes the terminal again and draws the whole screen.
    t.send(&["-l", &format!("fg; echo EXIT_{i}=$?")]);
    t.send(&["Enter"]);
    let screen = t.wait_for("the TUI drawn whole again", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.first().is_some_and(|l| l.contains("1 Users"))
            && lines.iter().any(|l| l.contains("u001"))
            && lines.last().is_some_and(|l| l.contains("q quit"))
    });
    assert!(
        !screen.contains("READY$"),
        "{how}: no shell left on it:\n{screen}"
    );
    assert_eq!(
        t.display(MODES),
        "alternate=1 mouse=10011 cursor=0",
        "{how}: the alternate screen, mouse reporting on"
    );
    // Raw again: `q` alone quits (a cooked terminal would wait for enter).
    t.send(&["q"]);
    t.wait_for("the shell after the TUI", |s| {
        s.contains(&format!("EXIT_{i}=0"))
    });
    assert_eq!(t.display(MODES), modes_before, "{how}: restored on exit");
}

/// `kill %1` on a suspended TUI (the shell sends TERM, then CONT) ends it there, in the
/// background: exit 143 without `fg`, the terminal as the shell had it (not given back twice:
/// the shell's cursor stays where it was), after ctrl-z and after a SIGSTOP alike.
#[test]
fn an_ending_signal_while_suspended_ends_the_tui_without_fg() {
    let t = Tmux::start(200, 30);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let modes_before = t.display(MODES);
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    for how in ["C-z", "STOP"] {
        start_tui(&t, &format!("{bin} tui"));
        if how == "C-z" {
            t.send(&["C-z"]);
        } else {
            signal(tui_pid(&t), "STOP");
        }
        t.wait_for("the job stopped and the shell prompt", |s| {
            s.contains("Stopped") && s.trim_end().ends_with("READY$")
        });
        let cursor = t.display("#{cursor_y}");
        // `set -b`: the shell says the job's end as it happens (the job ends after `kill`
        // returns: the CONT that kill sends lets it act on the TERM).
        t.send(&["-l", "set -b; kill %1"]);
        t.send(&["Enter"]);
        let screen = t.wait_for("the job ended", |s| s.contains("Exit 143"));
        assert!(screen.contains("stopped by SIGTERM"), "{how}:\n{screen}");
        assert_eq!(t.display(MODES), modes_before, "{how}: restored");
        // After ctrl-z the shell is on the main screen: the lines after its prompt follow it,
        // the cursor not moved back up. (After a SIGSTOP the shell wrote on the TUI's
        // alternate screen, which the TUI then leaves: the main screen's cursor is back.)
        if how != "C-z" {
            continue;
        }
        let after: u32 = t.display("#{cursor_y}").trim().parse().expect("a row");
        let before: u32 = cursor.trim().parse().expect("a row");
        assert!(
            after > before,
            "{how}: cursor row {before} then {after}:\n{screen}"
        );
    }
}
