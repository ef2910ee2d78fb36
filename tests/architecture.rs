//! The module structure: dependencies point one way (a module imports only modules below it in
//! [`LAYERS`]), no two modules import each other at any depth, in this crate or in the engine's,
//! and the engine stays pure. The engine is its own crate, so the compiler stops it naming
//! anything of this one; these checks cover what the compiler cannot: the directions among this
//! crate's modules, cycles among either crate's modules, the engine's dependency tree (from
//! `Cargo.lock`) and its use of the standard library's I/O and clock. Imports are read from
//! `crate::`, `super::` and `self::` paths, grouped ones (`use super::{a, b::{c, d}}`) path by
//! path, and names the crate root re-exports (`crate::Engine`) as the module that defines them.
//! Tests plant violations to show each check fails.

// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules, lowest first: a module may import only modules of a lower layer. `src/lib.rs`
/// states the same list.
const LAYERS: &[&[&str]] = &[
    &["engine", "text"],
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

/// Every `.rs` file under `dir`, by module path (`store::keys`, `app`, `lib`).
fn sources(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("readable source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(root)
                    .expect("under root")
                    .with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                let text = std::fs::read_to_string(&path).expect("readable");
                out.insert(parts.join("::"), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Code without comments and without a trailing inline test module (`#[cfg(test)] mod tests {
/// … }` to the end of the file: a file's tests may reach anywhere).
fn code(text: &str) -> String {
    let cut = text
        .match_indices("#[cfg(test)]")
        .map(|(i, _)| i)
        .find(|&i| {
            let rest = text[i + "#[cfg(test)]".len()..].trim_start();
            rest.starts_with("mod ")
                && rest
                    .find(['{', ';'])
                    .is_some_and(|end| rest[end..].starts_with('{'))
        })
        .unwrap_or(text.len());
    text[..cut]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Modules declared as test code (`#[cfg(test)] mod props;`): like inline test modules, they
/// may reach anywhere.
fn test_modules(files: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (module, text) in files {
        for (i, _) in text.match_indices("#[cfg(test)]") {
            let rest = text[i + "#[cfg(test)]".len()..].trim_start();
            // `pub`, `pub(crate)` …
            let rest = rest.strip_prefix("pub").map_or(rest, |r| {
                r.trim_start_matches(|c: char| !c.is_whitespace())
                    .trim_start()
            });
            let Some(decl) = rest.strip_prefix("mod ") else {
                continue;
            };
            let Some(name) = decl.split(';').next().filter(|n| {
                !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')
            }) else {
                continue;
            };
            out.insert(match module.as_str() {
                "lib" | "main" => name.to_string(),
                m => format!("{m}::{name}"),
            });
        }
    }
    out
}

/// A path and the name it is brought in as (`as x`), if renamed.
type Named = (Vec<String>, Option<String>);

/// Reads use-trees: `a::b`, `a::{b, c::{self, d}}`, `a::b as c`, `a::*`.
struct UseTree<'a> {
    s: &'a [u8],
    at: usize,
}

impl UseTree<'_> {
    fn space(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.s[self.at..].starts_with(token.as_bytes());
        if found {
            self.at += token.len();
        }
        found
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.at += 1;
        }
        (self.at > start).then(|| String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }

    /// One tree after `prefix`: every path it names into `out`. Stops at the first thing that is
    /// not part of it (a path used in code ends at `(`, `<`, `;` …).
    fn tree(&mut self, mut prefix: Vec<String>, out: &mut Vec<Named>) {
        loop {
            if self.eat("{") {
                loop {
                    self.space();
                    if self.at >= self.s.len() || self.eat("}") {
                        return;
                    }
                    self.tree(prefix.clone(), out);
                    self.space();
                    if !self.eat(",") {
                        self.eat("}");
                        return;
                    }
                }
            }
            if self.eat("*") {
                break;
            }
            let Some(segment) = self.ident() else { break };
            prefix.push(segment);
            if !self.eat("::") {
                break;
            }
        }
        let before = self.at;
        self.space();
        let alias = if self.at > before && self.eat("as ") {
            self.space();
            self.ident()
        } else {
            self.at = before;
            None
        };
        if !prefix.is_empty() {
            out.push((prefix, alias));
        }
    }
}

/// The paths of the use-tree at the start of `s`.
fn use_tree(s: &str) -> Vec<Named> {
    let mut out = Vec::new();
    UseTree { s: s.as_bytes(), at: 0 }.tree(Vec::new(), &mut out);
    out
}

/// `path` (from `crate`, `super` or `self`, as written in module `here`) from the crate root.
fn resolve(path: &[String], here: &[&str]) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (k, segment) in path.iter().enumerate() {
        match (k, segment.as_str()) {
            (0, "crate") => {}
            (0, "self") => out = here.iter().map(|s| s.to_string()).collect(),
            (0, "super") => {
                out = here.iter().map(|s| s.to_string()).collect();
                out.pop()?;
            }
            (_, "super") => {
                out.pop()?;
            }
            (_, "self") => {}
            _ => out.push(segment.clone()),
        }
    }
    Some(out)
}

/// Every path `code` names through `crate::`, `super::` or `self::` (grouped ones each), from the
/// crate root; `here` is the module's own path.
fn named_paths(code: &str, here: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for anchor in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(anchor) {
            // Not the middle of a longer path (`super::super::`) or of a name (`mycrate::`).
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for (path, _) in use_tree(&code[i..]) {
                out.extend(resolve(&path, here));
            }
        }
    }
    out
}

/// What the crate root re-exports (`pub use assemble::Engine;`): name → path, so that
/// `crate::Engine` counts as naming `assemble`.
fn root_exports(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
    let root = files.get("lib").map(|t| code(t)).unwrap_or_default();
    let mut out = BTreeMap::new();
    for (i, _) in root.match_indices("pub use ") {
        for (path, alias) in use_tree(&root[i + "pub use ".len()..]) {
            let path = if path.first().is_some_and(|p| p == "crate") {
                path[1..].to_vec()
            } else {
                path
            };
            if let Some(name) = alias.or_else(|| path.last().cloned()) {
                out.insert(name, path);
            }
        }
    }
    out
}

/// Module → the modules it names through `crate::…`, `super::…` or `self::…` paths, grouped
/// imports included. Test code is left out.
fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    let longest = |path: &[String]| -> Option<String> {
        (1..=path.len())
            .rev()
            .map(|k| path[..k].join("::"))
            .find(|m| modules.contains(m.as_str()))
    };
    let tests = test_modules(files);
    let is_test = |module: &str| {
        module.split("::").any(|p| p.ends_with("tests"))
            || tests
                .iter()
                .any(|t| module == t || module.starts_with(&format!("{t}::")))
    };
    let exports = root_exports(files);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in files {
        if is_test(module) {
            continue;
        }
        let here: Vec<&str> = match module.as_str() {
            "lib" | "main" => Vec::new(),
            m => m.split("::").collect(),
        };
        for mut path in named_paths(&code(text), &here) {
            if let Some(first) = path.first()
                && !modules.contains(first.as_str())
                && let Some(export) = exports.get(first)
            {
                path.splice(..1, export.iter().cloned());
            }
            if let Some(target) = longest(&path) {
                let inside = target == *module
                    || module.starts_with(&format!("{target}::"))
                    || target.starts_with(&format!("{module}::"));
                if !inside {
                    out.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    out
}

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

/// Groups of modules that import each other, at the depth of `depth` path segments.
fn cycles(files: &BTreeMap<String, String>, depth: usize) -> Vec<Vec<String>> {
    let cut = |m: &str| m.split("::").take(depth).collect::<Vec<_>>().join("::");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in imports(files) {
        for to in targets {
            let (a, b) = (cut(&from), cut(&to));
            if a != b {
                graph.entry(a).or_default().insert(b);
            }
        }
    }
    // A module is in a cycle with every module it reaches that reaches it back.
    let reach = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.to_string()];
        while let Some(m) = todo.pop() {
            for n in graph.get(&m).into_iter().flatten() {
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        seen
    };
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for m in graph.keys() {
        let from_m = reach(m);
        let mut group: Vec<String> = from_m
            .iter()
            .filter(|n| reach(n).contains(m))
            .cloned()
            .collect();
        if !group.is_empty() {
            if !group.contains(m) {
                group.push(m.clone());
            }
            group.sort();
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
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
    for (name, files) in [("ctxlens", crate_sources()), ("the engine", engine_sources())] {
        for depth in 1..=3 {
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
    // The lowest layer naming the app, and a store module and the report importing each other.
    files
        .entry("text".into())
        .and_modify(|t| t.insert_str(0, "use crate::app::State;\n"));
    files
        .entry("store::memory".into())
        .and_modify(|t| t.push_str("\nuse crate::report::Summary;\n"));
    let bad = layer_violations(&files);
    assert!(bad.contains(&"text imports app".to_string()), "{bad:?}");
    assert!(
        bad.contains(&"store::memory imports report".to_string()),
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
        .and_modify(|t| t.push_str("\nfn f() { super::seed::migrate; }\n"));
    let found = cycles(&files, 2);
    assert!(
        found.contains(&vec![
            "store::postgres".to_string(),
            "store::seed".to_string()
        ]),
        "{found:?}"
    );
}

#[test]
fn grouped_imports_name_each_of_their_paths() {
    let paths = |s: &str| -> Vec<String> {
        use_tree(s).into_iter().map(|(p, _)| p.join("::")).collect()
    };
    assert_eq!(
        paths("crate::{a::b, c::{self, d as e},\n    f::*, g}; h"),
        ["crate::a::b", "crate::c::self", "crate::c::d", "crate::f", "crate::g"]
    );
    assert_eq!(paths("super::x::f(y)"), ["super::x::f"]);
    assert_eq!(use_tree("engine as e;")[0].1.as_deref(), Some("e"));
    assert_eq!(
        named_paths("use super::super::{a, b::c};", &["x", "y", "z"]),
        [vec!["x", "a"], vec!["x", "b", "c"]]
    );
    // `self` inside a group is the module before it; `super` out of the root names nothing.
    assert_eq!(
        named_paths("use crate::{store::{self, keys}};", &[]),
        [vec!["store"], vec!["store", "keys"]]
    );
    assert!(named_paths("use super::x;", &[]).is_empty());
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
    assert!(bad.contains(&"text imports app".to_string()), "{bad:?}");
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
    let found = cycles(&files, 2);
    assert!(
        found.contains(&vec![
            "store::postgres".to_string(),
            "store::seed".to_string()
        ]),
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
    assert_eq!(
        found,
        [vec!["assembly", "dedupe", "policy"]],
        "{found:?}"
    );
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
