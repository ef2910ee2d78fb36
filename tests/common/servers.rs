//! Real redis-server and postgres (+pgvector) processes for tests, on free loopback ports in temp dirs.
//!
//! Never the machine's shared instances, never mocks. When a binary or the pgvector extension is
//! missing, starting a server panics with the command that installs it
//! (`scripts/install-test-deps.sh`); nothing is skipped.
//!
//! The API is synchronous: it blocks briefly, so it can be called from plain `#[test]`s and from
//! `#[tokio::test]`s alike. Postgres is set up through the `psql` binary (no runtime needed);
//! Redis through the `redis` crate's sync client.
//!
//! Cleanup: each server runs under a small `sh` supervisor whose stdin is a pipe whose write end
//! only the test process holds. When that end closes — on `Drop`, or when the test process exits
//! in any way, including a panic, `process::exit` or SIGKILL, because the kernel closes it — the
//! supervisor stops the server (redis: SIGTERM; postgres: SIGINT, a fast shutdown), waits for it
//! and removes its temp dir. That is how [`Postgres::shared`], which lives in a static that is
//! never dropped, is cleaned up at exit. The supervisor ignores SIGINT, so Ctrl-C on `cargo test`
//! also ends with the pipe closing. A server that dies on its own leaves its dir (and log) behind
//! for diagnosis.

mod postgres_server;
mod redis_server;
mod supervisor;
mod tls;

// Each test binary compiles `common`; those that start no servers leave these unused.
#[allow(unused_imports)]
pub use postgres_server::Postgres;
#[allow(unused_imports)]
pub use redis_server::{RedisCluster, RedisServer};
#[allow(unused_imports)]
pub use tls::TestCa;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to run when something the servers need is missing.
pub const INSTALL_HINT: &str =
    "run scripts/install-test-deps.sh (as root) to install the test dependencies";

/// How often a readiness condition is polled.
const POLL: Duration = Duration::from_millis(20);

/// Panics with the install command unless `program` is on `PATH`.
pub fn require_command(program: &str) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| dir.join(program).is_file());
    assert!(found, "`{program}` is not installed: {INSTALL_HINT}");
}

/// Panics with the install command unless the file exists.
pub fn require_file(path: &str, what: &str) {
    assert!(
        Path::new(path).is_file(),
        "{what} is not installed ({path} is missing): {INSTALL_HINT}"
    );
}

/// A loopback port that was free a moment ago. Another process can take it before the server
/// binds it; the start functions retry with a new port when the server exits at startup.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

fn temp_dir(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("create temp dir")
        .keep()
}

/// Polls `ready` every few milliseconds until it holds or `limit` passes.
fn poll_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if ready() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

/// Starts a server up to three times on fresh ports: a port found free can be taken before the
/// server binds it. `launch` gets a port and returns the running, ready server or its log.
fn start_on_free_port<T>(what: &str, mut launch: impl FnMut(u16) -> Result<T, String>) -> T {
    let mut logs = Vec::new();
    for _ in 0..3 {
        match launch(free_port()) {
            Ok(server) => return server,
            Err(log) => logs.push(log),
        }
    }
    panic!(
        "{what} did not start in three attempts:\n{}",
        logs.join("\n---\n")
    );
}

fn url_safe(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
