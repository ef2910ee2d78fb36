//! The real binary in a real terminal (tmux): open, filter to a user, tune the budget down,
//! see an item dropped, help, quit — and the shell prompt is back.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(width: u16, height: u16) -> Tmux {
        let found = Command::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tmux is needed for this test: run scripts/install-test-deps.sh (scripts/test.sh runs it)"
        );
        let t = Tmux {
            socket: format!("ctxlens-e2e-{}", std::process::id()),
        };
        let status = Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "e2e",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args([
                "env",
                "-i",
                "PATH=/usr/bin:/bin",
                "TERM=xterm-256color",
                "PS1=READY$ ",
                "HOME=/nonexistent",
            ])
            .args([
                "XDG_CONFIG_HOME=/nonexistent",
                "bash",
                "--norc",
                "--noprofile",
            ])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        t
    }

    fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "e2e"])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "e2e"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `cond` (polling), or fails with the screen.
    fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if cond(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn open_filter_tune_help_quit() {
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    t.send(&[&format!("{bin}; echo CTXLENS_EXIT=$?"), "Enter"]);
    t.wait_for("the users list with stats", |s| {
        s.contains("Users 68/68") && s.contains("u001") && !s.contains("counting")
    });

    t.send(&["/"]);
    t.send(&["-l", "u062"]);
    t.wait_for("u062 first in the filtered list", |s| {
        s.lines().nth(3).is_some_and(|l| l.contains("u062"))
    });
    t.send(&["Enter"]);
    t.wait_for("the filter closed", |s| {
        !s.contains("enter ok · esc cancel")
    });
    t.send(&["Enter"]);
    t.wait_for("u062's layers", |s| {
        s.contains("journey 1960/2000") && s.contains("mb:330")
    });

    t.send(&["5"]);
    t.wait_for("the tune screen", |s| {
        s.contains("Tune prolaunch") && s.contains("no item changes")
    });
    for _ in 0..20 {
        t.send(&["-"]);
    }
    let tuned = t.wait_for("budget 2000", |s| s.contains("--set budget.total=2000"));
    let line = tuned
        .lines()
        .find(|l| l.contains("mb:330"))
        .unwrap_or_default();
    assert!(
        line.contains("newly dropped"),
        "mb:330 is newly dropped at budget 2000:\n{tuned}"
    );

    t.send(&["?"]);
    t.wait_for("the help overlay", |s| {
        s.contains("Keys · / search · esc close") && s.contains("reset tuning")
    });
    t.send(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Keys · / search"));
    t.send(&["q"]);
    let end = t.wait_for("the shell prompt back", |s| {
        s.contains("CTXLENS_EXIT=0") && s.trim_end().ends_with("READY$")
    });
    assert!(
        !end.contains("Tune prolaunch"),
        "the alternate screen is gone:\n{end}"
    );
}
