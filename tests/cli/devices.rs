//! Where a file is a device, a FIFO or a full disk: refused unopened, or said on stderr, never
//! a command that hangs or a crash.

use super::common;

/// `ctxlens ARGS` with `env`, killed (and the test failed) if it runs past 30 s.
fn bounded(args: &[&str], env: &[(&str, &std::path::Path)]) -> (i32, String) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ctxlens runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("poll").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?}: still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

/// A file argument that is a device (a policy, a config, a users list, a baseline, `--against`)
/// is refused before it is opened: reading `/dev/zero` never ends. A pipe a person names is
/// read (`--policy <(…)`), up to a bound; a FIFO where ctxlens looks by itself (the config at
/// its default place, the token cache) is refused, since it would wait for a writer for ever.
#[test]
fn a_device_or_fifo_named_as_a_file_is_refused_unopened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let fifo = fifo.to_str().expect("UTF-8 path");
    let device = "/dev/zero: a device or socket, not a file: not read";
    for args in [
        vec!["--policy", "/dev/zero", "replay", "u001"],
        vec!["--config", "/dev/zero", "users"],
        vec!["report", "--users", "/dev/zero"],
        vec!["report", "--baseline", "/dev/zero"],
        vec!["diff", "u001", "--against", "/dev/zero"],
    ] {
        let (code, stderr) = bounded(&args, &[]);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(device), "{args:?}: {stderr}");
    }
    // A named pipe is read: here a policy written into it once.
    let path = std::path::PathBuf::from(fifo);
    let writer = std::thread::spawn(move || {
        std::fs::write(&path, "name = \"piped\"\n").expect("written once");
    });
    let (code, stderr) = bounded(&["--policy", fifo, "replay", "u001"], &[]);
    writer.join().expect("the writer ends");
    assert_eq!(code, 2, "read, and found to be no whole policy: {stderr}");
    assert!(stderr.contains(&format!("{fifo}:")), "{stderr}");
    let not_a_file = "a FIFO, not a file: not read";
    // The config at its default place.
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("ctxlens")).expect("mkdir");
    std::os::unix::fs::symlink(fifo, config.join("ctxlens/config.toml")).expect("symlink");
    let (code, stderr) = bounded(&["users"], &[("XDG_CONFIG_HOME", &config)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(not_a_file), "{stderr}");
    // A token cache that is a device: a warning, and the report goes on without it.
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(cache.join("ctxlens")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", cache.join("ctxlens/token-counts.bin"))
        .expect("symlink");
    let (code, stderr) = bounded(&["report", "--quiet"], &[("XDG_CACHE_HOME", &cache)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("token cache") && stderr.contains("a device or socket, not a file"),
        "{stderr}"
    );
}

/// Output that cannot be written (a full disk) is a runtime failure said on stderr, exit 1, for
/// help, the version and completion scripts too; a reader that went away ends quietly, exit 0;
/// neither is ever a crash.
#[test]
fn output_that_cannot_be_written_is_said_never_a_crash() {
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["completions", "bash"],
        vec!["completions", "fish"],
        vec!["users"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
            .args(&args)
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .stdout(full)
            .output()
            .expect("ctxlens runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "ctxlens: writing output: No space left on device (os error 28)",
            "{args:?}"
        );
        // A closed pipe: the reader is gone before the script is written.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
            .args(&args)
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("ctxlens runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("output");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `--out` naming a FIFO or a device is refused before any work: a FIFO would keep the
/// command waiting for a reader, a device would take the file and keep nothing.
#[test]
fn out_to_a_fifo_or_a_device_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    for out in [&fifo, &zero] {
        let out = out.to_str().expect("UTF-8");
        for args in [
            vec!["snapshot", "u005", "--out", out],
            vec!["optimize", "--trials", "2", "--out", out],
        ] {
            let (code, stderr) = bounded(&args, &[]);
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
        }
    }
    // `-` is stdout for `snapshot --out`; optimize prints its table there, so it refuses `-`
    // rather than write a file of that name.
    let out = common::ctxlens_in(
        dir.path(),
        &["optimize", "--trials", "2", "--out", "-"],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--out -: optimize prints"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("-").exists());
}
