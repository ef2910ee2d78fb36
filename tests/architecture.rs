//! The engine is pure: no async runtime, no store clients, no UI, no file or network I/O, no clock.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn engine_has_no_io_runtime_or_clock() {
    let forbidden = [
        "tokio",
        "redis",
        "sqlx",
        "ratatui",
        "crossterm",
        "std::fs",
        "std::net",
        "std::time",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "thread_rng",
        "crate::store",
        "crate::cli",
    ];
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine"),
        &mut files,
    );
    assert!(files.len() >= 8, "engine sources found: {files:?}");
    let mut hits = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    hits.push(format!("{}:{}: {word}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "engine must stay pure:\n{}",
        hits.join("\n")
    );
}
