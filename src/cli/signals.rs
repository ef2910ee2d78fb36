//! Stopping on a signal: what a command waits on to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT),
//! which signal stopped it, and the Ctrl-C watcher of the commands that stop at once.

use std::io::Write;

use super::error::{CliError, signal_name};
use super::output;

/// Resolves when a stop is asked for: Ctrl-C (SIGINT) or SIGTERM (a CI job or a container
/// stopped). Without a handler there is nothing to wait for: never.
pub(crate) async fn stop_asked() {
    stop_signal().await;
}

/// [`stop_asked`], saying which signal asked: SIGINT, SIGTERM, SIGHUP or SIGQUIT (SPEC §6's
/// four), by number, also kept for [`stopped_by`]. SIGHUP the process was started ignoring
/// (`nohup`) stays ignored: a run under `nohup` goes on when its terminal goes. The others are
/// always caught: a non-interactive shell starts its background jobs ignoring SIGINT and
/// SIGQUIT to keep the keyboard's from them, and a `kill -QUIT` sent on purpose is heard as a
/// `kill -INT` is.
pub(crate) async fn stop_signal() -> i32 {
    use tokio::signal::unix::{SignalKind, signal};
    let caught = |kind: SignalKind| async move {
        let n = kind.as_raw_value();
        let handler = if n != libc::SIGHUP || !ignored(n) {
            signal(kind).ok()
        } else {
            None
        };
        match handler {
            Some(mut s) => {
                s.recv().await;
                STOPPED_BY.store(n, std::sync::atomic::Ordering::Relaxed);
                n
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        n = caught(SignalKind::interrupt()) => n,
        n = caught(SignalKind::terminate()) => n,
        n = caught(SignalKind::hangup()) => n,
        n = caught(SignalKind::quit()) => n,
    }
}

/// The signal [`stop_signal`] heard last (0: none yet).
static STOPPED_BY: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// What stopped a run, for its message: `SIGINT (Ctrl-C)`, `SIGTERM`, `SIGHUP`, `SIGQUIT`.
pub(crate) fn stopped_by() -> String {
    match STOPPED_BY.load(std::sync::atomic::Ordering::Relaxed) {
        0 => "a signal".into(),
        2 => "SIGINT (Ctrl-C)".into(),
        n => signal_name(n),
    }
}

/// Ctrl-C for a one-user command, watched on a thread of its own: the command's thread may
/// be busy computing (a diff of 50,000 turns holds it for seconds), or waiting on a statement
/// a store keeps waiting, and either way would hear of it only when done. The handler is in
/// place when this returns; on SIGINT the process says so and exits 130 at once.
pub(super) fn stop_on_interrupt() {
    let (ready, installed) = std::sync::mpsc::channel();
    let watcher = std::thread::Builder::new()
        .name("ctxlens-sigint".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let Ok(runtime) = runtime else {
                let _ = ready.send(());
                return;
            };
            runtime.block_on(async {
                use tokio::signal::unix::{SignalKind, signal};
                let handler = signal(SignalKind::interrupt());
                let _ = ready.send(());
                if let Ok(mut handler) = handler
                    && handler.recv().await.is_some()
                {
                    // A file being written is finished first (never left half-written).
                    let _whole = output::WRITING.lock();
                    let _ = writeln!(std::io::stderr(), "ctxlens: {}", CliError::Signal(2));
                    std::process::exit(130);
                }
            });
        });
    if watcher.is_ok() {
        let _ = installed.recv();
    }
}

/// Whether signal `n` is ignored (`SIG_IGN`), as the process was started.
fn ignored(n: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one into `old`, a
    // zeroed plain-data struct owned here.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(n, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}
