//! Shared test helpers: running the real binary, temp files, real Redis and Postgres servers.

#![allow(dead_code)]

pub mod servers;

use std::path::PathBuf;
use std::process::Command;

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built `ctxlens` binary in the crate root with no user config.
pub fn ctxlens(args: &[&str]) -> Output {
    ctxlens_with(args, &[])
}

/// The built `ctxlens` started on the embedded demo (no user config, no store URL), its
/// output piped: for a test that signals it while it runs.
pub fn spawn_demo(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ctxlens runs")
}

/// `ctxlens` with extra environment variables (store URLs).
pub fn ctxlens_with(args: &[&str], env: &[(&str, String)]) -> Output {
    ctxlens_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args, env)
}

/// `ctxlens ARGS` on the embedded demo, which must succeed, its stdout read as JSON.
pub fn ctxlens_json(args: &[&str]) -> serde_json::Value {
    let out = ctxlens(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("the output is JSON")
}

/// `ctxlens migrate` then `ctxlens seed` with the stores of `env`, each of which must succeed.
pub fn migrate_and_seed(env: &[(&str, String)]) {
    for cmd in ["migrate", "seed"] {
        let out = ctxlens_with(&[cmd], env);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
    }
}

/// `ctxlens` run in the directory `dir`, with extra environment variables.
pub fn ctxlens_in(dir: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .current_dir(dir)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        // The persistent token cache of the tests' runs, never the machine user's.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("ctxlens-tests-cache"),
        )
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("ctxlens runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes `text` to a fresh file named `name` in a temp dir that lives for the whole test run.
pub fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// The demo dataset's clock.
pub const NOW: &str = "2025-01-15T12:00:00Z";

/// `replay USER --json --now NOW` through the binary prints the same with `a` as with `b`
/// (no store variables: the embedded demo, whose clock is `NOW`).
pub fn same_replays(users: &[&str], a: &[(&str, String)], b: &[(&str, String)], how: &str) {
    for user in users {
        let args = ["replay", user, "--json", "--now", NOW];
        let (x, y) = (ctxlens_with(&args, a), ctxlens_with(&args, b));
        assert_eq!((x.code, y.code), (0, 0), "{}{}", x.stderr, y.stderr);
        assert!(x.stdout == y.stdout, "{user}: replay --json differs {how}");
    }
}

/// The store endpoints of a harness Redis and database.
pub fn endpoints(redis: &servers::RedisServer, db: &str) -> ctxlens::store::live::Endpoints {
    ctxlens::store::live::Endpoints {
        redis_url: Some(redis.url()),
        database_url: Some(db.to_string()),
        key_prefix: String::new(),
        tables: Default::default(),
        connect_timeout: std::time::Duration::from_secs(2),
        query_timeout: None,
    }
}

/// A single-threaded runtime for driving the async stores from a plain test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn env(redis: &servers::RedisServer, db: &str) -> [(&'static str, String); 2] {
    [("REDIS_URL", redis.url()), ("DATABASE_URL", db.to_string())]
}

/// Runs ctxlens expecting exit `code`, exactly `stderr` (trailing whitespace aside) and nothing on
/// stdout.
pub fn expect_error(args: &[&str], code: i32, stderr: &str) {
    let out = ctxlens(args);
    assert_eq!(out.code, code, "args {args:?}: stderr {}", out.stderr);
    assert_eq!(out.stderr.trim_end(), stderr, "args {args:?}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout on error: {}",
        out.stdout
    );
}

/// Sends signal `name` (number `n`) to `pid` once the process listens for it (before that,
/// the signal would just kill it), within a minute.
pub fn signal_once_caught(pid: u32, name: &str, n: u32) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !catches(pid, n) {
        assert!(
            std::time::Instant::now() < deadline,
            "no SIG{name} handler within 60 s"
        );
        std::thread::yield_now();
    }
    let kill = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
}

/// Whether process `pid` has a handler for signal `n` (bit n-1 of `SigCgt` in
/// /proc/PID/status).
pub fn catches(pid: u32, n: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("SigCgt:"))
                .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        })
        .is_some_and(|mask| mask & (1 << (n - 1)) != 0)
}
