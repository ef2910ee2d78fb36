//! Reading a crate's modules and the imports among them: every `.rs` file by module path, the
//! paths each names through `crate::`, `super::` and `self::` (grouped ones, `use super::{a,
//! b::{c, d}}`, path by path; names the crate root re-exports as the module that defines them),
//! test code left out, and the groups of modules that import each other.

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

/// A path and the name it is brought in as (`as x`), if renamed.
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

/// What the crate root re-exports (`pub use assemble::Engine;`): name → path, so that
/// `crate::Engine` counts as naming `assemble`.
pub fn root_exports(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
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
pub fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
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
}
