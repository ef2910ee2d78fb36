//! The persistent token-count cache through the binary: a warm run prints what a cold one did,
//! the file holds hashes and counts but no text, a corrupt file is ignored with a warning naming
//! it, `--no-cache` neither reads nor writes it, and two processes at once leave a readable file.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Output, ctxlens_with};

/// A folder of snapshot files: the fixture user, its chat text made unique per copy.
fn fleet(copies: usize, tag: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = std::fs::read_to_string("tests/data/snapshot-u1.json").expect("fixture");
    for i in 0..copies {
        let mut v: serde_json::Value = serde_json::from_str(&base).expect("fixture JSON");
        v["user_id"] = format!("u1-{tag}-{i}").into();
        std::fs::write(
            dir.path().join(format!("{tag}-{i}.json")),
            // A marker no tokenizer vocabulary or cache format could produce by chance.
            serde_json::to_string(&v)
                .expect("JSON")
                .replace("\"text\":\"", &format!("\"text\":\"zqxv-{tag}-{i} ")),
        )
        .expect("write snapshot");
    }
    dir
}

fn report(snapshots: &Path, cache_home: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "report",
        "--snapshots",
        snapshots.to_str().expect("utf-8"),
        "--json",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = ctxlens_with(&args, &[("XDG_CACHE_HOME", path_string(cache_home))]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

fn path_string(p: &Path) -> String {
    p.to_str().expect("utf-8").to_string()
}

fn cache_file(cache_home: &Path) -> PathBuf {
    cache_home.join("ctxlens").join("token-counts.bin")
}

#[test]
fn a_warm_run_prints_what_a_cold_run_did_and_the_file_holds_no_text() {
    let snaps = fleet(4, "warm");
    let home = tempfile::tempdir().expect("cache home");
    let cold = report(snaps.path(), home.path(), &[]);
    let file = cache_file(home.path());
    let bytes = std::fs::read(&file).expect("the cold run saved its counts");
    assert!(bytes.starts_with(b"CTXLTOK"), "a ctxlens token cache");
    assert!(
        !bytes.windows(4).any(|w| w == b"zqxv"),
        "the cache holds hashes and counts, never text"
    );
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();

    let warm = report(snaps.path(), home.path(), &[]);
    assert_eq!(cold.stdout, warm.stdout, "cached counts are the counts");
    assert_eq!(warm.stderr, "");
    // Every count came from the file: nothing new to save, so it was not rewritten.
    assert_eq!(std::fs::read(&file).expect("cache"), bytes);
    assert_eq!(
        std::fs::metadata(&file).and_then(|m| m.modified()).ok(),
        modified
    );

    let uncached = report(snaps.path(), tempfile::tempdir().expect("d").path(), &[]);
    assert_eq!(uncached.stdout, cold.stdout);
}

#[test]
fn a_corrupt_or_foreign_cache_file_is_named_ignored_and_replaced() {
    let snaps = fleet(2, "corrupt");
    let reference = report(
        snaps.path(),
        tempfile::tempdir().expect("d").path(),
        &["--no-cache"],
    );
    for garbage in [
        b"not a cache at all".to_vec(),
        // Our magic and a count, then a body whose checksum does not match.
        [
            b"CTXLTOK\x01".as_slice(),
            &[1, 0, 0, 0, 0, 0, 0, 0],
            &[7; 8],
            &[0; 21],
        ]
        .concat(),
        Vec::new(),
    ] {
        let home = tempfile::tempdir().expect("cache home");
        let file = cache_file(home.path());
        std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
        std::fs::write(&file, &garbage).expect("write garbage");
        let out = report(snaps.path(), home.path(), &[]);
        assert_eq!(out.stdout, reference.stdout, "nothing lost to a bad cache");
        assert!(
            out.stderr.contains("warning: token cache")
                && out.stderr.contains(&path_string(&file))
                && out.stderr.contains("ignored"),
            "{}",
            out.stderr
        );
        let again = report(snaps.path(), home.path(), &[]);
        assert_eq!(again.stderr, "", "the file was rewritten readable");
        assert_eq!(again.stdout, reference.stdout);
    }
}

#[test]
fn no_cache_neither_reads_nor_writes_the_file() {
    let snaps = fleet(2, "nocache");
    let home = tempfile::tempdir().expect("cache home");
    report(snaps.path(), home.path(), &["--no-cache"]);
    assert!(!cache_file(home.path()).exists(), "nothing written");
    // A file that would warn if it were read is not read.
    std::fs::create_dir_all(home.path().join("ctxlens")).expect("mkdir");
    std::fs::write(cache_file(home.path()), b"garbage").expect("write");
    let out = report(snaps.path(), home.path(), &["--no-cache"]);
    assert_eq!(out.stderr, "");
    assert_eq!(
        std::fs::read(cache_file(home.path())).expect("file"),
        b"garbage"
    );
}

/// Under --redact nothing derived from the hidden text is written: no file appears, and one
/// already there is read (its counts serve) but left as it was.
#[test]
fn redact_reads_the_cache_and_writes_nothing_to_it() {
    let snaps = fleet(2, "redact");
    let home = tempfile::tempdir().expect("cache home");
    report(snaps.path(), home.path(), &["--redact"]);
    assert!(!cache_file(home.path()).exists(), "nothing written");
    report(snaps.path(), home.path(), &[]);
    let before = std::fs::read(cache_file(home.path())).expect("written without --redact");
    let other = fleet(2, "redact-other");
    let out = report(other.path(), home.path(), &["--redact"]);
    assert_eq!(out.stderr, "");
    assert_eq!(
        std::fs::read(cache_file(home.path())).expect("file"),
        before,
        "new texts' hashes not added"
    );
}

#[test]
fn two_processes_at_once_leave_a_readable_cache() {
    let home = tempfile::tempdir().expect("cache home");
    let fleets = [fleet(40, "one"), fleet(40, "two")];
    for round in 0..3 {
        let children: Vec<_> = fleets
            .iter()
            .map(|f| {
                Command::new(env!("CARGO_BIN_EXE_ctxlens"))
                    .args(["report", "--json", "--quiet", "--snapshots"])
                    .arg(f.path())
                    .current_dir(env!("CARGO_MANIFEST_DIR"))
                    .env("XDG_CONFIG_HOME", home.path().join("no-config"))
                    .env("XDG_CACHE_HOME", home.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("ctxlens starts")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("ctxlens runs");
            assert!(out.status.success(), "round {round}: {out:?}");
            assert!(out.stderr.is_empty(), "round {round}: {out:?}");
        }
        // Whatever order the two wrote in, the file is whole: a third run reads it silently.
        let check = report(fleets[0].path(), home.path(), &[]);
        assert_eq!(check.stderr, "");
    }
}

#[test]
fn a_cache_that_cannot_be_written_is_named_and_the_report_still_printed() {
    let snaps = fleet(2, "unwritable");
    let reference = report(
        snaps.path(),
        tempfile::tempdir().expect("d").path(),
        &["--no-cache"],
    );
    // The cache dir's parent is a file: nothing can be created under it.
    let home = tempfile::tempdir().expect("cache home");
    let blocked = home.path().join("a-file");
    std::fs::write(&blocked, b"not a dir").expect("write");
    let out = report(snaps.path(), &blocked, &[]);
    assert_eq!(out.stdout, reference.stdout);
    assert!(
        out.stderr.contains("warning: token cache")
            && out.stderr.contains(&path_string(&cache_file(&blocked)))
            && out.stderr.contains("not saved"),
        "{}",
        out.stderr
    );
}

/// A relative `XDG_CACHE_HOME` is ignored, as the XDG spec has it (it would name another place
/// in each directory ctxlens runs from): the cache goes under `$HOME/.cache`.
#[test]
fn a_relative_cache_home_is_ignored_for_the_home_one() {
    let (run_in, home) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let env = [
        ("XDG_CACHE_HOME", "relcache".to_string()),
        ("HOME", path_string(home.path())),
    ];
    let out = common::ctxlens_in(run_in.path(), &["report", "--json"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !run_in.path().join("relcache").exists(),
        "nothing made here"
    );
    assert!(cache_file(&home.path().join(".cache")).is_file());
}
