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

/// `ctxlens` with extra environment variables (store URLs).
pub fn ctxlens_with(args: &[&str], env: &[(&str, String)]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
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
