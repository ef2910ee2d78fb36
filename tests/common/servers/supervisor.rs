//! The `sh` supervisor that runs one server process and stops it, and removes its dir, when the
//! test process closes its end of a pipe (on drop or at exit, however the process ends).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::time::Duration;

use super::poll_until;

/// `sh -c` script: runs `"$@"` and stops it with signal `$2` when stdin (the pipe) reads a line
/// or EOF. A line `keep` keeps the dir `$1` (for a restart); anything else, EOF included, removes it.
/// It exits with the server's status, so an early exit of the server shows as the child's exit.
const SUPERVISOR: &str = r#"
# Ctrl-C on the test run: the test process dies, the pipe closes, the cleanup below still runs.
trap '' INT
dir=$1; sig=$2; shift 2
# A background job's stdin is /dev/null unless redirected explicitly: keep the pipe on fd 3.
exec 3<&0 </dev/null
"$@" 3<&- &
pid=$!
{ read -r cmd; printf '%s' "$cmd" >"$dir/.supervisor"; kill -"$sig" "$pid"; } <&3 &
reader=$!
exec 3<&-
wait "$pid"; rc=$?
kill "$reader" 2>/dev/null
# No .supervisor file: the server died on its own; keep its dir and log for diagnosis.
if [ -f "$dir/.supervisor" ]; then
  if [ "$(cat "$dir/.supervisor")" = keep ]; then rm -f "$dir/.supervisor"; else rm -rf "$dir"; fi
fi
exit "$rc"
"#;

/// One server process under the `sh` supervisor.
pub(super) struct Supervised {
    child: Child,
    stdin: Option<ChildStdin>,
    dir: PathBuf,
    /// Stopped with its dir kept for a restart: `Drop` removes the dir itself.
    kept: bool,
}

impl Supervised {
    /// Runs `program args` under the supervisor, as `user` when given, with output in `dir/server.log`.
    pub(super) fn spawn(
        dir: &Path,
        signal: &str,
        user: Option<&str>,
        program: &str,
        args: &[String],
    ) -> Self {
        let log = dir.join("server.log");
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open server log");
        let err = out.try_clone().expect("clone server log handle");
        let mut cmd = match user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--", "sh"]);
                c
            }
            None => Command::new("sh"),
        };
        let dir_arg = dir.to_str().expect("temp dir path is UTF-8");
        let mut child = cmd
            .args(["-c", SUPERVISOR, "sh", dir_arg, signal, program])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("start {program} under sh: {e}"));
        Supervised {
            stdin: child.stdin.take(),
            child,
            dir: dir.to_path_buf(),
            kept: false,
        }
    }

    pub(super) fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("poll server process")
    }

    pub(super) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Stops the server and waits for it; `keep_dir` keeps its data for a restart.
    pub(super) fn stop(&mut self, keep_dir: bool) {
        // Closing the pipe stops the server; a `keep` line before it keeps the dir. The pipe is
        // closed at the end of this `if` either way. If the supervisor is already gone, the write
        // fails and the wait returns at once.
        if let Some(mut pipe) = self.stdin.take()
            && keep_dir
        {
            let _ = pipe.write_all(b"keep\n");
            self.kept = true;
        }
        let _ = self.child.wait();
    }

    /// Waits until `ready`, or returns the server's log if it exits first. Panics on timeout.
    pub(super) fn await_ready(
        &mut self,
        what: &str,
        limit: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), String> {
        let mut exited = None;
        let ok = poll_until(limit, || {
            exited = self.exited();
            exited.is_some() || ready()
        });
        match exited {
            Some(status) => Err(format!(
                "{what} exited at startup ({status}):\n{}",
                self.log()
            )),
            None if ok => Ok(()),
            None => panic!("{what} not ready after {limit:?}:\n{}", self.log()),
        }
    }
}

/// Stops the server, keeping its dir for the process that replaces it (which then owns the dir).
pub(super) fn hand_over(process: &mut Option<Supervised>) {
    if let Some(mut old) = process.take() {
        old.stop(true);
        old.kept = false;
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop(false);
        if self.kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
