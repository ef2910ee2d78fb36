//! The real binary in a real terminal (tmux): open the demo, filter to a user, see the total on
//! Layers and the milestone graph with its edges, tune the budget down, `q` asks, save, quit —
//! and the shell prompt is back; a signal (TERM, HUP, INT, QUIT) restores the terminal exactly
//! as quitting does, also while the optimizer runs; a paste is text, never keys; ctrl-z and
//! SIGTSTP suspend (the shell gets the terminal as after an exit) and `fg` redraws the TUI; it
//! opens on a store that is down and says so.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

#[path = "e2e_tmux/suspend.rs"]
mod suspend;

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
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
        // One server per test: tests of this file run in parallel.
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        let t = Tmux {
            socket: format!(
                "ctxlens-e2e-{}-{}",
                std::process::id(),
                SERVERS.fetch_add(1, Ordering::Relaxed)
            ),
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

    /// Pastes `text` as a terminal does: bracketed when the application asked for it (else as
    /// typed keys), a line break sent as a carriage return.
    fn paste(&self, text: &str) {
        let tmux = |args: &[&str]| {
            let status = Command::new("tmux")
                .args(["-L", &self.socket])
                .args(args)
                .status()
                .expect("tmux runs");
            assert!(status.success(), "tmux {args:?}");
        };
        tmux(&["set-buffer", "-b", "e2e", "--", text]);
        tmux(&["paste-buffer", "-p", "-b", "e2e", "-t", "e2e"]);
    }

    /// A tmux format (`#{alternate_on}` …) as the pane has it now.
    fn display(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "-t",
                "e2e",
                format,
            ])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
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
        // The server leaves its socket file behind: remove it too.
        let path = self.display("#{socket_path}");
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
        if !path.is_empty() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[test]
fn open_a_user_see_the_total_and_the_graph_tune_and_save_on_quit() {
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = dir.path().join("tuned.toml");
    t.send(&[&format!("{bin}; echo CTXLENS_EXIT=$?"), "Enter"]);
    t.wait_for("the users list with stats", |s| {
        s.contains("Users 71/71") && s.contains("u001") && !s.contains("counting")
    });

    // Open u062: the total against the budget heads the Layers screen.
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
    t.wait_for("u062's layers with the total", |s| {
        s.contains("549 + 1,960 + 114 = 2,623 / 4,000 tokens") && s.contains("mb:330")
    });

    // The journey as a graph: boxes joined by drawn edges; h moves along them.
    t.send(&["4"]);
    let graph = t.wait_for("the milestone graph", |s| {
        s.contains("Milestones · 10 in 7 layers") && s.contains("◉ M9")
    });
    assert!(
        graph.contains("├──▶│") && graph.contains("╭─▶") && graph.contains("┃"),
        "boxes joined by edges, the selection heavy:\n{graph}"
    );
    t.send(&["h"]);
    t.wait_for("the selection on M7", |s| {
        s.contains("M7 Logistics & Fulfilment")
    });

    // Tune the budget down: mb:330 drops.
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

    // `q` asks; `s` asks for the file (its name alone is edited: ctrl-u clears just the name);
    // the file is written and the TUI ends.
    t.send(&["q"]);
    t.wait_for("the quit prompt", |s| {
        s.contains("Quit?") && s.contains("save (:w FILE) and quit")
    });
    t.send(&["s"]);
    t.wait_for("the save prompt", |s| {
        s.contains("save tuned policy to: prolaunch-tuned.toml")
    });
    t.send(&["C-u"]);
    t.wait_for("the file name cleared, the prompt kept", |s| {
        s.contains("save tuned policy to:") && !s.contains("prolaunch-tuned.toml")
    });
    t.send(&["-l", &saved.display().to_string()]);
    t.send(&["Enter"]);
    let end = t.wait_for("the shell prompt back", |s| {
        s.contains("CTXLENS_EXIT=0") && s.trim_end().ends_with("READY$")
    });
    assert!(
        !end.contains("Tune prolaunch"),
        "the alternate screen is gone:\n{end}"
    );
    // Where it went is said on the shell's screen, once the TUI's is gone.
    assert!(
        end.contains("ctxlens: tuned policy written to "),
        "the save is said after the TUI:\n{end}"
    );
    let toml = std::fs::read_to_string(&saved).expect("the tuned policy was written");
    assert!(toml.contains("total = 2000"), "{toml}");
    assert!(toml.contains("name = \"prolaunch-tuned\""), "{toml}");
}

/// The pane's terminal modes that a TUI changes: alternate screen, the mouse reporting modes
/// (any mode on; normal, button-event and any-event tracking, of which tmux keeps the last set;
/// SGR encoding) and whether the cursor is shown.
const MODES: &str = "alternate=#{alternate_on} mouse=#{mouse_any_flag}#{mouse_standard_flag}\
                     #{mouse_button_flag}#{mouse_all_flag}#{mouse_sgr_flag} cursor=#{cursor_flag}";

/// The pid of the `ctxlens` process whose parent is the pane's shell.
fn tui_pid(t: &Tmux) -> u32 {
    let shell = t.display("#{pane_pid}");
    let found = std::fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid …`: comm may hold spaces, so split after its `)`.
            let (head, tail) = stat.rsplit_once(')').unwrap_or_default();
            let ppid = tail.split_whitespace().nth(1);
            head.ends_with("(ctxlens") && ppid == Some(shell.as_str())
        });
    found.unwrap_or_else(|| panic!("no ctxlens child of the pane's shell {shell}"))
}

/// `stty -a`'s words, as the shell saw the terminal after the TUI ended.
fn stty_words(file: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("stty output");
    text.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn signals_restore_the_terminal_exactly_as_quitting_does() {
    // Wide enough that the command line does not wrap.
    let t = Tmux::start(200, 30);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let modes_before = t.display(MODES);
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let dir = tempfile::tempdir().expect("temp dir");
    // `q` first: what a normal exit leaves, which every signal must leave too.
    let cases = [("q", 0), ("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)];
    let mut after_quit = String::new();
    for (i, (how, n)) in cases.into_iter().enumerate() {
        let stty = dir.path().join(format!("stty-{i}"));
        t.send(&["clear", "Enter"]);
        t.wait_for("a cleared screen", |s| s.trim() == "READY$");
        let line = format!(
            "{bin} tui; echo EXIT_{i}=$?; stty -a > {}; echo DONE''_{i}",
            stty.display()
        );
        t.send(&["-l", &line]);
        t.send(&["Enter"]);
        t.wait_for("the TUI's first screen", |s| s.contains("u001"));
        let running = t.display(MODES);
        assert_eq!(
            running, "alternate=1 mouse=10011 cursor=0",
            "{how}: the TUI runs on the alternate screen with mouse reporting on"
        );
        // Tuned and not saved: a signal, which asks nothing, says what it lost.
        if how == "TERM" {
            t.send(&["-l", ":set budget.total=3000"]);
            t.send(&["Enter"]);
            t.wait_for("the policy tuned", |s| s.contains("prolaunch* (tuned)"));
        }
        // `DONE''_0` as typed, `DONE_0` once the shell has run the commands after the TUI.
        let code = if n == 0 { 0 } else { 128 + n };
        let screen = end_tui(&t, how, i, code);
        if how != "q" {
            assert!(
                screen.contains(&format!("ctxlens: stopped by SIG{how}")),
                "{how}: the TUI handled the signal:\n{screen}"
            );
        }
        let lost = "ctxlens: the tuning was not saved; over policy prolaunch it was: \
                    --set budget.total=3000";
        assert_eq!(
            screen.contains(lost),
            how == "TERM",
            "{how}: what a signal lost is said when there is some:\n{screen}"
        );
        let words = stty_words(&stty);
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                words.iter().any(|w| w == mode),
                "{how}: {mode} is back on: {words:?}"
            );
        }
        let modes = t.display(MODES);
        assert_eq!(
            modes, "alternate=0 mouse=00000 cursor=1",
            "{how}: the main screen, no mouse reporting, the cursor shown"
        );
        assert_eq!(modes, modes_before, "{how}: as before the TUI started");
        if how == "q" {
            after_quit = modes;
        } else {
            assert_eq!(modes, after_quit, "{how} leaves what q leaves");
        }
    }
}

/// Sends the signal `name` (`TSTP`, `CONT`, …) to `pid` with kill(1).
fn signal(pid: u32, name: &str) {
    let kill = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
}

/// Ends the TUI started as run `i` with `q` or the signal `how`, waits for the shell after it,
/// and checks its exit status was `code`: the screen then.
fn end_tui(t: &Tmux, how: &str, i: usize, code: i32) -> String {
    if how == "q" || how == "C-c" {
        t.send(&[how]);
    } else {
        signal(tui_pid(t), how);
    }
    let screen = t.wait_for("the shell after the TUI", |s| {
        s.contains(&format!("DONE_{i}"))
    });
    assert!(
        screen.contains(&format!("EXIT_{i}={code}")),
        "{how}: exit status {code}:\n{screen}"
    );
    screen
}

/// The TUI started from a cleared shell with `line`, its users listed.
fn start_tui(t: &Tmux, line: &str) {
    t.send(&["clear", "Enter"]);
    t.wait_for("a cleared screen", |s| s.trim() == "READY$");
    t.send(&["-l", line]);
    t.send(&["Enter"]);
    t.wait_for("the users list with stats", |s| {
        s.contains("Users 71/71") && s.contains("u001") && !s.contains("counting")
    });
}

#[test]
fn a_paste_is_text_for_the_input_line_never_keys() {
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    start_tui(&t, &format!("{bin} tui; echo PASTE_EXIT=$?"));
    // As keys, the line break would run `:user u005` and `q` would quit.
    t.send(&[":"]);
    t.wait_for("the palette", |s| s.contains("enter run · esc cancel"));
    t.paste("user u005\nq");
    t.wait_for("the paste in the palette", |s| {
        s.contains(":user u005 q") && s.contains("enter run · esc cancel")
    });
    t.send(&["Escape"]);
    t.wait_for("the palette closed", |s| {
        !s.contains("enter run · esc cancel") && !s.contains(":user u005 q")
    });
    // As keys, the line break would close the filter, `5` show Tune and `r` reset the tuning.
    t.send(&["/"]);
    t.wait_for("the filter", |s| s.contains("enter ok · esc cancel"));
    t.paste("u06\n5r");
    let screen = t.wait_for("the paste in the filter", |s| s.contains("/u06 5r"));
    assert!(
        screen.contains("Users") && !screen.contains("Tune prolaunch"),
        "still on Users:\n{screen}"
    );
    t.send(&["Escape"]);
    // Closed and cleared: the hint alone may be covered by a status message, and a `q` sent
    // before the escape is read would arrive with it as alt-q.
    t.wait_for("the filter closed", |s| {
        !s.contains("enter ok · esc cancel") && !s.contains("filter /u06")
    });
    t.send(&["q"]);
    t.wait_for("the shell after the TUI", |s| s.contains("PASTE_EXIT=0"));
}

#[test]
fn quitting_or_a_signal_while_the_optimizer_runs_ends_the_process() {
    let t = Tmux::start(200, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    // ctrl-c quits from the optimizer's overlay (`q` would close it, as a pager does).
    for (i, (how, code)) in [("C-c", 0), ("TERM", 143)].into_iter().enumerate() {
        start_tui(&t, &format!("{bin} tui; echo EXIT_{i}=$?; echo DONE''_{i}"));
        t.send(&["5"]);
        t.wait_for("the tune screen", |s| s.contains("Tune prolaunch"));
        t.send(&["o"]);
        // A search of 200 trials, well under way and far from done.
        t.wait_for("the search under way", |s| {
            s.contains("searching") && s.contains("/200 trials")
        });
        // The shell is back with the exit status. (That the search is stopped, not waited
        // for, is pinned by `tui::tests::quitting_during_a_search_stops_it`: an unstopped
        // search of 200 trials could still end within this wait.)
        end_tui(&t, how, i, code);
        assert_eq!(
            t.display(MODES),
            "alternate=0 mouse=00000 cursor=1",
            "{how}"
        );
    }
}

/// Ctrl-C stops a report under way: the `^C` the terminal echoes lands on the progress line
/// (which stops short of the edge), and that line is cleared — no bar is left standing above
/// the message saying what was stopped.
#[test]
fn ctrl_c_stops_a_report_and_leaves_no_progress_bar() {
    let t = Tmux::start(120, 30);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    t.send(&[
        "-l",
        &format!("{bin} report --synthetic 2000000 --no-cache > /dev/null; echo EXIT''=$?"),
    ]);
    t.send(&["Enter"]);
    t.wait_for("the bar under way", |s| s.contains("/2,000,000 users"));
    t.send(&["C-c"]);
    let screen = t.wait_for("the report stopped", |s| s.contains("EXIT="));
    assert!(
        screen.contains("EXIT=1") && screen.contains("interrupted"),
        "{screen}"
    );
    assert!(
        !screen.contains("/2,000,000 users"),
        "a bar left:\n{screen}"
    );
}

/// `tui --snapshot FILE` and `tui --snapshots DIR` open what `ctxlens snapshot` wrote, offline:
/// the status bar says SNAPSHOT and the user's Layers show its total as the demo's do.
#[test]
fn the_tui_opens_snapshot_files_written_by_ctxlens_snapshot() {
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let dir = tempfile::tempdir().expect("temp dir");
    for user in ["u062", "u001"] {
        let file = dir.path().join(format!("{user}.json"));
        let out = Command::new(bin)
            .args(["snapshot", user, "--out"])
            .arg(&file)
            .output()
            .expect("ctxlens snapshot runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    let file = dir.path().join("u062.json");
    let runs = [
        (format!("--snapshot {}", file.display()), "Users 1/1"),
        (format!("--snapshots {}", dir.path().display()), "Users 2/2"),
    ];
    for (i, (args, listed)) in runs.iter().enumerate() {
        t.send(&["clear", "Enter"]);
        t.wait_for("a cleared screen", |s| s.trim() == "READY$");
        t.send(&["-l", &format!("{bin} tui {args}; echo SNAP_EXIT_{i}=$?")]);
        t.send(&["Enter"]);
        let users = t.wait_for("the snapshot's users", |s| {
            s.contains(listed) && s.contains("u062") && !s.contains("counting")
        });
        let bar = users.lines().rev().find(|l| !l.trim().is_empty());
        assert!(
            bar.is_some_and(|l| l.contains(" SNAPSHOT ")),
            "SNAPSHOT in the status bar:\n{users}"
        );
        t.send(&["-l", ":user u062"]);
        t.send(&["Enter"]);
        t.wait_for("u062's layers with the total", |s| {
            s.contains("549 + 1,960 + 114 = 2,623 / 4,000 tokens") && s.contains("mb:330")
        });
        t.send(&["q"]);
        t.wait_for("the shell after the TUI", |s| {
            s.contains(&format!("SNAP_EXIT_{i}=0"))
        });
    }
}

/// Started on a Redis that is not there, the TUI opens anyway (a command fails, exit 1), says
/// the store is down and why, and quits as usual.
#[test]
fn the_tui_opens_on_a_store_that_is_down_and_says_so() {
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    t.send(&[
        "-l",
        &format!("{bin} --redis-url redis://127.0.0.1:{port} tui; echo DOWN_EXIT=$?"),
    ]);
    t.send(&["Enter"]);
    let down = format!("● DOWN redis 127.0.0.1:{port}");
    let screen = t.wait_for("redis said down", |s| {
        s.contains(&down) && s.contains("connection refused")
    });
    assert!(!screen.contains("DOWN_EXIT"), "still open:\n{screen}");
    // The empty list says why in its middle too (the status message goes), never "no users".
    let screen = t.wait_for("the list's error in its middle", |s| {
        s.contains("Could not load users")
    });
    assert!(
        screen.contains("They are read as soon as the stores are back")
            && !screen.contains("No users"),
        "{screen}"
    );
    t.send(&["q"]);
    t.wait_for("the shell after the TUI", |s| s.contains("DOWN_EXIT=0"));
}

/// On a store that takes the connection and never answers, the TUI draws at once, says the
/// stores are being checked, and quits at once: however long `--connect-timeout` is, it does
/// not wait for it before the first frame.
#[test]
fn the_tui_draws_at_once_on_a_silent_store() {
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    // Bound and never accepted from: the kernel completes the handshake, nothing answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    t.send(&[
        "-l",
        &format!(
            "{bin} --connect-timeout 3600 --redis-url redis://127.0.0.1:{port} tui; echo SILENT_EXIT=$?"
        ),
    ]);
    t.send(&["Enter"]);
    let screen = t.wait_for("the first frame", |s| s.contains("○ checking"));
    assert!(screen.contains("1 Users"), "{screen}");
    t.send(&["q"]);
    t.wait_for("the shell after the TUI", |s| s.contains("SILENT_EXIT=0"));
    drop(silent);
}

/// A terminal that says it cannot draw (`TERM=dumb`) is refused before the screen is taken,
/// with a word on what to use instead; the shell's terminal is left as it was.
#[test]
fn a_dumb_terminal_is_refused_before_the_screen_is_taken() {
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let t = Tmux::start(120, 40);
    t.wait_for("the shell prompt", |s| s.contains("READY$"));
    t.send(&["-l", &format!("TERM=dumb {bin} tui; echo DUMB_EXIT=$?")]);
    t.send(&["Enter"]);
    let screen = t.wait_for("the shell after the refusal", |s| {
        s.lines().any(|l| l.starts_with("DUMB_EXIT="))
    });
    assert!(screen.contains("DUMB_EXIT=2"), "{screen}");
    assert!(
        screen.contains("ctxlens: tui: TERM=dumb: this terminal cannot draw the TUI"),
        "{screen}"
    );
    assert_eq!(
        t.display("#{alternate_on} #{mouse_any_flag} #{cursor_flag}"),
        "0 0 1"
    );
}
