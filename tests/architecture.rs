//! The module structure: dependencies point one way (a module imports only modules below it in
//! [`LAYERS`]), no two modules import each other at any depth, in this crate or in the engine's,
//! and the engine stays pure. The engine is its own crate, so the compiler stops it naming
//! anything of this one; these checks cover what the compiler cannot: the directions among this
//! crate's modules, cycles among either crate's modules, the engine's dependency tree (from
//! `Cargo.lock`) and its use of the standard library's I/O and clock. Imports are read as
//! `architecture/imports.rs` says: `crate::`, `super::` and `self::` paths, grouped ones
//! (`use super::{a, b::{c, d}}`) path by path, and a name any module brings in with a `use` of
//! its own (`pub use`, `pub(crate) use`, `pub(super) use`, or a private one its children may name;
//! grouped, renamed with `as`, or a glob) as the module that defines it, through chains of
//! re-exports: `crate::Engine`, and `super::Selection` in `cli::diff`, name the modules that
//! define them, not the crate root or `cli`. Not followed: names a glob of the parent
//! (`use super::*`) brings in and code uses bare, and a module imported under another name
//! (`use crate::store as s`) then used as `s::x`. Tests plant violations to show each check fails.

// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

#[path = "architecture/imports.rs"]
mod imports;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use imports::{code, cycles, imports, sources};

/// Top-level modules, lowest first: a module may import only modules of a lower layer. `src/lib.rs`
/// states the same list.
const LAYERS: &[&[&str]] = &[
    &["engine", "text", "files"],
    &["store", "token_cache", "graph"],
    &["config", "demo", "findings"],
    &["loaded", "report"],
    &["knowledge_row"],
    &["optimize"],
    &["app"],
    &["ui"],
    &["tui"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or(module);
    LAYERS.iter().position(|l| l.contains(&top))
}

/// Imports that go up or sideways across [`LAYERS`].
fn layer_violations(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, targets) in imports(files) {
        let Some(a) = layer_of(&from) else { continue };
        for to in targets {
            let (fa, ta) = (from.split("::").next(), to.split("::").next());
            if fa == ta {
                continue;
            }
            match layer_of(&to) {
                Some(b) if b < a => {}
                _ => out.push(format!("{from} imports {to}")),
            }
        }
    }
    out
}

fn crate_sources() -> BTreeMap<String, String> {
    let files = sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 50, "sources found: {}", files.len());
    files
}

#[test]
fn dependencies_point_one_way() {
    let files = crate_sources();
    for module in files.keys() {
        let top = module.split("::").next().unwrap_or(module);
        assert!(
            layer_of(module).is_some() || matches!(top, "lib" | "main"),
            "{module} is in no layer: add it to LAYERS"
        );
    }
    let bad = layer_violations(&files);
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

/// The layers as `src/lib.rs` states them, highest first: `` `cli` → … → (`engine`, `text`) ``.
fn layers_in_words() -> String {
    LAYERS
        .iter()
        .rev()
        .map(|layer| {
            let names: Vec<String> = layer.iter().map(|m| format!("`{m}`")).collect();
            match names.as_slice() {
                [one] => one.clone(),
                _ => format!("({})", names.join(", ")),
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[test]
fn the_module_map_states_the_layers_and_names_every_module() {
    let files = crate_sources();
    let map: String = files["lib"]
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let layers = layers_in_words();
    assert!(
        map.contains(&layers),
        "src/lib.rs states the layers as {layers}"
    );
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            map.contains(&format!("- `{module}`: ")),
            "src/lib.rs's module map names {module}"
        );
    }
}

#[test]
fn no_modules_import_each_other() {
    for (name, files) in [
        ("ctxlens", crate_sources()),
        ("the engine", engine_sources()),
    ] {
        // Every depth down to the deepest module (`app::update::nav::marks` is four).
        let deepest = files
            .keys()
            .map(|m| m.split("::").count())
            .max()
            .unwrap_or(1);
        assert!(deepest >= 3, "{name}: modules found: {}", files.len());
        for depth in 1..=deepest {
            let found = cycles(&files, depth);
            assert!(
                found.is_empty(),
                "{name}: import cycles at depth {depth}: {found:?}"
            );
        }
    }
}

#[test]
fn the_checks_fail_on_planted_violations() {
    let mut files = crate_sources();
    // The lowest layer naming the app, and a store module and the report importing each other
    // (through the names `app` and `report` re-export: the modules that define them count).
    files
        .entry("text".into())
        .and_modify(|t| t.insert_str(0, "use crate::app::State;\n"));
    files
        .entry("store::memory".into())
        .and_modify(|t| t.push_str("\nuse crate::report::Summary;\n"));
    let bad = layer_violations(&files);
    assert!(
        bad.contains(&"text imports app::state".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.contains(&"store::memory imports report::summary".to_string()),
        "{bad:?}"
    );
    let found = cycles(&files, 1);
    assert!(
        found
            .iter()
            .any(|g| g.contains(&"store".to_string()) && g.contains(&"report".to_string())),
        "{found:?}"
    );
    // Two submodules naming each other through `super::`.
    files
        .entry("store::seed".into())
        .and_modify(|t| t.push_str("\nuse super::postgres::PgStore;\n"));
    files
        .entry("store::postgres".into())
        .and_modify(|t| t.push_str("\nfn f() { super::seed::seed_postgres; }\n"));
    // (the group of modules the cycle closes holds both; `store::migrate`, which seed
    // re-exports and which reads Postgres, is in it too)
    let found = cycles(&files, 2);
    assert!(
        found.iter().any(|g| {
            g.contains(&"store::postgres".to_string()) && g.contains(&"store::seed".to_string())
        }),
        "{found:?}"
    );
}

#[test]
fn the_checks_fail_on_planted_grouped_imports() {
    let mut files = crate_sources();
    // Upwards, in a group and in a nested group.
    files
        .entry("text".into())
        .and_modify(|t| t.insert_str(0, "use crate::{engine::Snapshot, app::State};\n"));
    files.entry("store::memory".into()).and_modify(|t| {
        t.push_str("\nuse crate::{\n    engine::keys,\n    report::{self, tally::Tally},\n};\n")
    });
    let bad = layer_violations(&files);
    assert!(
        bad.contains(&"text imports app::state".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.contains(&"store::memory imports report".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.contains(&"store::memory imports report::tally".to_string()),
        "{bad:?}"
    );
    // Two submodules naming each other through grouped `super::` imports.
    files
        .entry("store::seed".into())
        .and_modify(|t| t.push_str("\nuse super::{keys, postgres::{self, PgStore}};\n"));
    files
        .entry("store::postgres".into())
        .and_modify(|t| t.push_str("\nuse super::{seed::{migrate, seed}};\n"));
    // (the group of modules the cycle closes holds both; `store::migrate`, which seed
    // re-exports and which reads Postgres, is in it too)
    let found = cycles(&files, 2);
    assert!(
        found.iter().any(|g| {
            g.contains(&"store::postgres".to_string()) && g.contains(&"store::seed".to_string())
        }),
        "{found:?}"
    );
}

/// A module `a` whose child `a::x` names its sibling `a::y` directly, and whose child `a::y`
/// names `a::x`'s `Thing` only as `y_names` does, through what `a` brings in as `a_says`
/// (`a::z`, a third child, re-exports `a::x`'s items).
fn siblings(a_says: &str, y_names: &str) -> BTreeMap<String, String> {
    [
        ("lib", "pub mod a;\n".to_string()),
        ("a", format!("mod x;\nmod y;\nmod z;\n{a_says}\n")),
        ("a::x", "use super::y::Other;\npub struct Thing;\n".into()),
        ("a::y", format!("pub struct Other;\n{y_names}\n")),
        ("a::z", "pub use super::x::*;\n".into()),
    ]
    .into_iter()
    .map(|(module, text)| (module.to_string(), text))
    .collect()
}

#[test]
fn siblings_naming_each_other_through_their_parents_re_exports_are_a_cycle() {
    for (a_says, y_names) in [
        ("pub use x::Thing;", "use super::Thing;"),
        (
            "pub use x::{self, Thing};",
            "use super::{Other as _, Thing};",
        ),
        ("pub use x::Thing as Renamed;", "fn f(_: super::Renamed) {}"),
        ("pub(crate) use x::Thing;", "use crate::a::Thing;"),
        (
            "pub(super) use self::x::Thing;",
            "fn f(_: crate::a::Thing) {}",
        ),
        (
            "pub(in crate::a) use crate::a::x::Thing;",
            "use super::Thing;",
        ),
        // A private import: `a`'s children may name it too.
        ("use x::Thing;", "use super::Thing;"),
        ("pub use x::*;", "use super::Thing;"),
        // A chain: `a` re-exports what `a::z` re-exports of `a::x`.
        ("pub use z::Thing;", "use super::Thing;"),
        ("pub use z::*;", "use crate::a::{Thing};"),
        ("pub use z as zed;", "use super::zed::Thing;"),
    ] {
        let found = cycles(&siblings(a_says, y_names), 2);
        assert_eq!(found, [vec!["a::x", "a::y"]], "{a_says} / {y_names}");
    }
    // A name `a` defines itself, or brings in from outside the crate, is no sibling's.
    for a_says in ["pub struct Thing;", "pub use std::fmt::Display as Thing;"] {
        let found = cycles(&siblings(a_says, "use super::Thing;"), 2);
        assert!(found.is_empty(), "{a_says}: {found:?}");
    }
}

#[test]
fn the_cycle_the_command_line_once_had_is_found() {
    // Its shape: `args` defined the options every command takes and named the commands'
    // arguments; the commands named those options through `cli`'s re-export of them.
    let old: BTreeMap<String, String> = [
        ("lib", "pub mod cli;"),
        (
            "cli",
            "mod args;\nmod diff;\nmod error;\nmod report;\n\
             pub use args::{Cli, GlobalArgs, Selection};\npub use error::CliError;\n\
             pub struct Ctx;",
        ),
        (
            "cli::args",
            "use super::CliError;\nuse super::{diff, report};\npub struct GlobalArgs;\n\
             pub struct Selection;\npub struct Cli(diff::DiffArgs, report::ReportArgs);",
        ),
        (
            "cli::diff",
            "use super::{CliError, Ctx, Selection};\npub struct DiffArgs;",
        ),
        (
            "cli::report",
            "use super::{CliError, GlobalArgs};\npub struct ReportArgs;",
        ),
        ("cli::error", "pub enum CliError {}"),
    ]
    .into_iter()
    .map(|(module, text)| (module.to_string(), text.to_string()))
    .collect();
    assert_eq!(
        cycles(&old, 2),
        [vec!["cli::args", "cli::diff", "cli::report"]]
    );
    // On the tree as it is: `cli::args` names `diff`'s arguments; `cli::diff` naming `Command`,
    // which `cli` re-exports from `cli::args`, closes a cycle, as `Selection` once did when it
    // was defined in `args` and `diff` named it `super::Selection`.
    let mut files = crate_sources();
    assert!(cycles(&files, 2).is_empty());
    files
        .entry("cli::diff".into())
        .and_modify(|t| t.push_str("\nfn f(_: super::Command) {}\n"));
    let found = cycles(&files, 2);
    assert!(
        found.iter().any(|g| {
            g.contains(&"cli::args".to_string()) && g.contains(&"cli::diff".to_string())
        }),
        "{found:?}"
    );
}

#[test]
fn the_engine_cycle_check_fails_on_a_planted_cycle() {
    // The cycle once found in the engine: the duplicate pairs written in `dedupe` from the
    // assembly's items while the assembly holds them, and the policy naming `dedupe`'s modes.
    let mut files = engine_sources();
    assert!(cycles(&files, 1).is_empty());
    files
        .entry("dedupe".into())
        .and_modify(|t| t.insert_str(0, "use super::assembly::{Decision, Item, Reason};\n"));
    let found = cycles(&files, 1);
    assert_eq!(found, [vec!["assembly", "dedupe", "policy"]], "{found:?}");
    // A module of the engine naming another through a crate-root re-export.
    let mut files = engine_sources();
    files
        .entry("tokens".into())
        .and_modify(|t| t.push_str("\nfn f(_: crate::Assembly) {}\n"));
    assert!(!cycles(&files, 1).is_empty(), "tokens ↔ assembly");
}

/// Crates the engine must never depend on, directly or through another crate.
const NOT_IN_THE_ENGINE: &[&str] = &[
    "tokio",
    "redis",
    "sqlx",
    "sqlx-core",
    "ratatui",
    "crossterm",
    "clap",
    "mio",
    "ureq",
];

/// What the engine may not name in its own code: I/O, the process, the clock, randomness.
const IMPURE: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "std::time",
    "Utc::now",
    "Local::now",
    "SystemTime",
    "thread_rng",
];

/// The crates `root` depends on in `lock` (a `Cargo.lock`), at any depth, dev-dependencies
/// included (the lock file does not tell them apart).
fn dependency_tree(lock: &str, root: &str) -> BTreeSet<String> {
    let lock: toml::Table = toml::from_str(lock).expect("Cargo.lock is TOML");
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock["package"].as_array().expect("[[package]]") {
        let name = package["name"].as_str().expect("name").to_string();
        let named = package
            .get("dependencies")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            // "name" or "name version" or "name version (source)".
            .filter_map(|d| d.as_str()?.split(' ').next().map(str::to_string));
        deps.entry(name).or_default().extend(named);
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(p) = todo.pop() {
        for d in deps.get(&p).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

fn forbidden_dependencies(lock: &str) -> Vec<String> {
    let tree = dependency_tree(lock, "ctxlens-engine");
    assert!(
        tree.contains("bpe-openai"),
        "the engine's tree was read: {tree:?}"
    );
    NOT_IN_THE_ENGINE
        .iter()
        .filter(|c| tree.contains(**c))
        .map(|c| c.to_string())
        .collect()
}

fn impure_lines(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut hits = Vec::new();
    for (module, text) in files {
        for (n, line) in code(text).lines().enumerate() {
            for word in IMPURE {
                if line.contains(word) {
                    hits.push(format!("{module}:{}: {word}", n + 1));
                }
            }
        }
    }
    hits
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn engine_sources() -> BTreeMap<String, String> {
    let files = sources(&root().join("crates/ctxlens-engine/src"));
    assert!(files.len() > 10, "engine sources found: {}", files.len());
    files
}

#[test]
fn the_engine_depends_on_no_runtime_store_terminal_or_command_line() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    let bad = forbidden_dependencies(&lock);
    assert!(bad.is_empty(), "the engine's dependency tree holds {bad:?}");
    // And this crate does depend on the engine, by path: the checks read the right tree.
    assert!(dependency_tree(&lock, "ctxlens").contains("ctxlens-engine"));
}

#[test]
fn the_engine_does_no_io_and_reads_no_clock() {
    let hits = impure_lines(&engine_sources());
    assert!(
        hits.is_empty(),
        "engine must stay pure:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_engine_checks_fail_on_planted_violations() {
    // A dependency two steps away: the engine on serde_json, serde_json on tokio.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    let at = lock
        .find("name = \"serde_json\"")
        .expect("serde_json in the lock");
    let list = at
        + lock[at..]
            .find("dependencies = [\n")
            .expect("its dependencies")
        + 17;
    let planted = format!("{} \"tokio\",\n{}", &lock[..list], &lock[list..]);
    let found = forbidden_dependencies(&planted);
    assert!(found.contains(&"tokio".to_string()), "{found:?}");
    let mut files = engine_sources();
    files
        .entry("assemble".into())
        .and_modify(|t| t.insert_str(0, "fn f() { let _ = std::fs::read(\"x\"); }\n"));
    assert_eq!(impure_lines(&files).len(), 1, "{:?}", impure_lines(&files));
}

/// The most lines a source file may hold. The demo's articles (`src/demo/content`) are text, not
/// code, and may run longer; functions are held to 80 lines by clippy (`too_many_lines`).
const MAX_FILE_LINES: usize = 600;

/// Source files of this crate, the engine, the tests and the benchmarks over [`MAX_FILE_LINES`].
fn long_files(dirs: &[(&str, BTreeMap<String, String>)]) -> Vec<String> {
    let mut out = Vec::new();
    for (dir, files) in dirs {
        for (module, text) in files {
            let lines = text.lines().count();
            let content = *dir == "src" && module.starts_with("demo::content");
            if lines > MAX_FILE_LINES && !content {
                out.push(format!("{dir} {module}: {lines} lines"));
            }
        }
    }
    out
}

fn every_source() -> Vec<(&'static str, BTreeMap<String, String>)> {
    ["src", "crates/ctxlens-engine/src", "tests", "benches"]
        .into_iter()
        .map(|dir| (dir, sources(&root().join(dir))))
        .collect()
}

#[test]
fn no_source_file_is_over_600_lines() {
    let dirs = every_source();
    let count: usize = dirs.iter().map(|(_, files)| files.len()).sum();
    assert!(count > 300, "source files found: {count}");
    let long = long_files(&dirs);
    assert!(long.is_empty(), "split these files: {long:?}");
}

#[test]
fn the_size_check_fails_on_a_planted_long_file() {
    let mut dirs = every_source();
    let long = "//\n".repeat(MAX_FILE_LINES + 1);
    dirs[0].1.insert("report::planted".into(), long.clone());
    dirs[0].1.insert("demo::content::planted".into(), long);
    assert_eq!(long_files(&dirs), ["src report::planted: 601 lines"]);
}
