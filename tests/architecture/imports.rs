//! Reading a crate's modules and the imports among them: every `.rs` file by module path, the
//! paths each names through `crate::`, `super::` and `self::` (grouped ones, `use super::{a,
//! b::{c, d}}`, path by path; a name a module brings in with its own `use`, re-exported or not,
//! as the module that defines it, through chains of re-exports: see [`Scope`]), test code left
//! out, and the groups of modules that import each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, by module path (`store::keys`, `app`, `lib`).
pub fn sources(dir: &Path) -> BTreeMap<String, String> {
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
pub fn code(text: &str) -> String {
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
pub fn test_modules(files: &BTreeMap<String, String>) -> BTreeSet<String> {
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
            let Some(name) = decl
                .split(';')
                .next()
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'))
            else {
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

/// A path and the name it is brought in as (`as x`), if renamed; `*` for a glob (`a::*`).
pub type Named = (Vec<String>, Option<String>);

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
                if !prefix.is_empty() {
                    out.push((prefix, Some("*".to_string())));
                }
                return;
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
pub fn use_tree(s: &str) -> Vec<Named> {
    let mut out = Vec::new();
    UseTree {
        s: s.as_bytes(),
        at: 0,
    }
    .tree(Vec::new(), &mut out);
    out
}

/// `path` (from `crate`, `super` or `self`, as written in module `here`) from the crate root.
pub fn resolve(path: &[String], here: &[&str]) -> Option<Vec<String>> {
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
pub fn named_paths(code: &str, here: &[&str]) -> Vec<Vec<String>> {
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

/// What a module's own top-level `use` declarations and items make of a name written after its
/// path (`crate::cli::Selection`, `super::Selection`): `pub use`, `pub(crate) use`,
/// `pub(super) use`, `pub(in …) use` and plain `use` alike (a child module may name its
/// parent's private imports too), grouped ones path by path, aliases by the name they bring
/// in, globs (`pub use outcome::*`) by the items of the module they read.
#[derive(Default)]
pub struct Scope {
    /// Name → the path it stands for, from the crate root; `None`: outside the crate (`std`, a
    /// dependency, the engine crate as this one re-exports it).
    uses: BTreeMap<String, Option<Vec<String>>>,
    /// The modules a glob import reads every name of, from the crate root.
    globs: Vec<Vec<String>>,
    /// The names of the items the module declares at its top level (`pub struct Selection`).
    items: BTreeSet<String>,
}

/// The item keywords a top-level declaration's name follows.
const ITEM_KEYWORDS: &[&str] = &[
    "fn ",
    "struct ",
    "enum ",
    "trait ",
    "type ",
    "const ",
    "static ",
    "union ",
    "mod ",
    "macro_rules! ",
];

/// The lines of `code` that start, at the first column, with `use` or a visibility and `use`
/// (`pub use`, `pub(crate) use`, `pub(in crate::a) use`): each one's use-tree, read from there.
fn top_level_uses(code: &str) -> Vec<Named> {
    let mut out = Vec::new();
    for (start, _) in std::iter::once((0, "")).chain(code.match_indices('\n')) {
        let line = code[start..].trim_start_matches('\n');
        let rest = line.strip_prefix("pub").map_or(Some(line), |r| {
            let r = match r.strip_prefix('(') {
                Some(inner) => &inner[inner.find(')')? + 1..],
                None => r,
            };
            r.starts_with(char::is_whitespace).then(|| r.trim_start())
        });
        if let Some(tree) = rest.and_then(|r| r.strip_prefix("use ")) {
            out.extend(use_tree(tree.trim_start()));
        }
    }
    out
}

/// The names the top-level items of `code` declare (`pub(crate) fn open`, `struct Cli`).
fn top_level_items(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in code.lines().filter(|l| !l.starts_with(char::is_whitespace)) {
        for keyword in ITEM_KEYWORDS {
            for (i, _) in line.match_indices(keyword) {
                let before = line[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = line[i + keyword.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// The module path `file` (a key of [`sources`]) stands for: `lib` and `main` are the root.
fn module_path(file: &str) -> Vec<&str> {
    match file {
        "lib" | "main" => Vec::new(),
        m => m.split("::").collect(),
    }
}

/// Every module's [`Scope`], by module path (the crate root's is ``; `main`'s, a binary's root,
/// is left out). Test code is left out.
pub fn scopes(files: &BTreeMap<String, String>) -> BTreeMap<String, Scope> {
    let mut out = BTreeMap::new();
    for (file, text) in files.iter().filter(|(f, _)| *f != "main") {
        let code = code(text);
        let here = module_path(file);
        let raw = top_level_uses(&code);
        // A path that starts with neither `crate`, `super` nor `self` is inside the crate when
        // it starts with a child module or with a name this module brings in itself.
        let local = |first: &str| {
            files.contains_key(&[here.as_slice(), &[first]].concat().join("::"))
                || raw.iter().any(|(p, alias)| {
                    alias.as_deref().or(p.last().map(String::as_str)) == Some(first)
                })
        };
        let mut scope = Scope {
            items: top_level_items(&code),
            ..Scope::default()
        };
        for (path, alias) in &raw {
            let first = path.first().map_or("", String::as_str);
            let from_root = if matches!(first, "crate" | "super" | "self") {
                resolve(path, &here)
            } else if local(first) {
                resolve(&[&["self".to_string()], path.as_slice()].concat(), &here)
            } else {
                None
            };
            match alias.as_deref() {
                Some("*") => scope.globs.extend(from_root),
                Some("_") => {}
                Some(name) => drop(scope.uses.insert(name.to_string(), from_root)),
                None => {
                    let named = path.iter().rev().find(|s| *s != "self");
                    if let Some(name) = named {
                        scope.uses.insert(name.clone(), from_root);
                    }
                }
            }
        }
        out.insert(here.join("::"), scope);
    }
    out
}

/// What `name`, written after module `module`'s path, stands for, if `module`'s scope says:
/// `Some(None)` when it stands for something outside the crate.
fn look_up(
    scopes: &BTreeMap<String, Scope>,
    modules: &BTreeSet<&str>,
    module: &str,
    name: &str,
) -> Option<Option<Vec<String>>> {
    let scope = scopes.get(module)?;
    if let Some(found) = scope.uses.get(name) {
        return Some(found.clone());
    }
    scope.globs.iter().find_map(|glob| {
        let child = [glob.as_slice(), &[name.to_string()]].concat();
        has(scopes, modules, glob, name, MAX_HOPS).then_some(Some(child))
    })
}

/// Whether module `module` has a `name` to give a glob: a child module, an item, a re-export, or
/// one of its own glob re-exports' (up to `hops` deep).
fn has(
    scopes: &BTreeMap<String, Scope>,
    modules: &BTreeSet<&str>,
    module: &[String],
    name: &str,
    hops: usize,
) -> bool {
    let at = module.join("::");
    let child = if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}::{name}")
    };
    modules.contains(child.as_str())
        || scopes.get(&at).is_some_and(|s| {
            s.items.contains(name)
                || s.uses.contains_key(name)
                || (hops > 0
                    && s.globs
                        .iter()
                        .any(|g| has(scopes, modules, g, name, hops - 1)))
        })
}

/// The most names a path is followed through before the module it stops at counts.
const MAX_HOPS: usize = 16;

/// The module `path` (from the crate root) names: the longest module it starts with, once every
/// name a module brings in is followed to where it is defined, through chains of re-exports
/// (`crate::cli::Selection` → `crate::cli::args::Selection`). `None`: outside the crate's modules.
pub fn target(
    path: &[String],
    modules: &BTreeSet<&str>,
    scopes: &BTreeMap<String, Scope>,
) -> Option<String> {
    let mut path = path.to_vec();
    let mut at = String::new();
    for _ in 0..MAX_HOPS {
        let k = (1..=path.len())
            .rev()
            .find(|k| modules.contains(path[..*k].join("::").as_str()))
            .unwrap_or(0);
        at = path[..k].join("::");
        let Some(name) = path.get(k) else { break };
        match look_up(scopes, modules, &at, name) {
            Some(Some(to)) if to != path[..=k] => {
                path.splice(..=k, to);
            }
            Some(None) => return None,
            _ => break,
        }
    }
    (!at.is_empty()).then_some(at)
}

/// Module → the modules it names through `crate::…`, `super::…` or `self::…` paths, grouped
/// imports included. Test code is left out.
pub fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    let tests = test_modules(files);
    let is_test = |module: &str| {
        module.split("::").any(|p| p.ends_with("tests"))
            || tests
                .iter()
                .any(|t| module == t || module.starts_with(&format!("{t}::")))
    };
    let scopes = scopes(files);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in files {
        if is_test(module) {
            continue;
        }
        for path in named_paths(&code(text), &module_path(module)) {
            if let Some(target) = target(&path, &modules, &scopes) {
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

/// Groups of modules that import each other, at the depth of `depth` path segments.
pub fn cycles(files: &BTreeMap<String, String>, depth: usize) -> Vec<Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_imports_name_each_of_their_paths() {
        let paths = |s: &str| -> Vec<String> {
            use_tree(s).into_iter().map(|(p, _)| p.join("::")).collect()
        };
        assert_eq!(
            paths("crate::{a::b, c::{self, d as e},\n    f::*, g}; h"),
            [
                "crate::a::b",
                "crate::c::self",
                "crate::c::d",
                "crate::f",
                "crate::g"
            ]
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
    fn a_glob_is_brought_in_as_a_star() {
        assert_eq!(
            use_tree("a::{b::*, c}; d"),
            [
                (
                    vec!["a".to_string(), "b".to_string()],
                    Some("*".to_string())
                ),
                (vec!["a".to_string(), "c".to_string()], None)
            ]
        );
    }

    #[test]
    fn a_modules_scope_reads_its_top_level_uses_and_items() {
        let code = "use std::fmt;\npub(crate) use crate::a::{b as c, d::*};\n\
                    pub(super) use self::e::F;\npub struct G;\npub(crate) fn h() {\n    \
                    use crate::z::Inner;\n    fn nested() {}\n}\n";
        let uses: Vec<String> = top_level_uses(code)
            .into_iter()
            .map(|(p, alias)| format!("{} {alias:?}", p.join("::")))
            .collect();
        assert_eq!(
            uses,
            [
                "std::fmt None",
                "crate::a::b Some(\"c\")",
                "crate::a::d Some(\"*\")",
                "self::e::F None"
            ]
        );
        assert_eq!(top_level_items(code), ["G", "h"].map(String::from).into());
    }
}
