//! README names tests and code by path (`tests/faults.rs::a_test`, `report::fleet_tests::a_test`,
//! `text::shown_id`): each must be found where it says, so a test that moves takes its README
//! line with it.

use std::path::{Path, PathBuf};

/// The code paths README writes in backticks: `file.rs::name` or `module::…::name`.
pub fn named_paths(readme: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in readme.lines().enumerate() {
        for (n, span) in line.split('`').enumerate() {
            // A call's path is checked without its arguments: `rewind::rewind(&Snapshot, …)`.
            let span = span.split('(').next().unwrap_or(span);
            let path_like = span.contains("::")
                && span
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_:/.".contains(c));
            if n % 2 == 1 && path_like {
                out.push((i + 1, span.to_string()));
            }
        }
    }
    out
}

/// The file of module `segments` under `root`: `a/b.rs` or `a/b/mod.rs`.
fn module_file(root: &Path, segments: &[&str]) -> Option<PathBuf> {
    let base = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
    [base.with_extension("rs"), base.join("mod.rs")]
        .into_iter()
        .find(|p| p.is_file())
}

/// Whether `text` declares `name` as a function or a module (`mod name;`, `mod name {`), or
/// re-exports it (`pub use load::{load_snapshot, …};`).
fn declares(text: &str, name: &str) -> bool {
    let defined = [
        format!("fn {name}("),
        format!("fn {name}<"),
        format!("mod {name};"),
        format!("mod {name} {{"),
    ]
    .iter()
    .any(|d| text.contains(d.as_str()));
    let word = |c: char| c.is_alphanumeric() || c == '_';
    defined
        || text.split("pub use ").skip(1).any(|u| {
            let statement = u.split(';').next().unwrap_or(u);
            statement.split(|c: char| !word(c)).any(|w| w == name)
        })
}

/// Whether `path` names something that is there. `tests/x.rs::f` is a function of that file;
/// `a::b::f` is found from the longest leading module with a file (in the application, the
/// engine, or a test binary under `tests/`), the rest declared inside that file (not checked to
/// be nested in each other: `mod tests` and the test's `fn` anywhere in it).
pub fn found(root: &Path, path: &str) -> bool {
    if let Some((file, name)) = path.split_once(".rs::") {
        return std::fs::read_to_string(root.join(format!("{file}.rs")))
            .is_ok_and(|text| declares(&text, name));
    }
    let segments: Vec<&str> = path.split("::").collect();
    if segments[0] == "ctxlens" {
        return module_file(&root.join("src"), &segments[1..]).is_some()
            || segments[1..] == ["engine"];
    }
    let roots = [
        root.join("src"),
        root.join("crates/ctxlens-engine/src"),
        root.join("tests"),
    ];
    roots.iter().any(|r| {
        (1..=segments.len()).rev().any(|k| {
            let Some(file) = module_file(r, &segments[..k]) else {
                return false;
            };
            let text = std::fs::read_to_string(file).unwrap_or_default();
            segments[k..].iter().all(|s| declares(&text, s))
        })
    })
}
