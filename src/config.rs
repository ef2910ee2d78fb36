//! The config file: milestone map and theme; XDG location by default (keymap.toml and themes/ beside it).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::milestones::{MilestoneDef, MilestoneError, MilestoneMap};
use crate::engine::policy::{PRESETS, Policy, PolicyError, line_col};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Replaces seed 000's dependency map when present.
    #[serde(default)]
    pub milestones: Option<Vec<MilestoneDef>>,
    /// The TUI's colour theme.
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub stores: StoresConfig,
    /// Where each store URL was read from (`FILE:LINE:COLUMN`), for an error that names it.
    #[serde(skip)]
    pub url_places: UrlPlaces,
}

/// Where in the config file `[stores]`'s URLs are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlPlaces {
    pub redis_url: Option<String>,
    pub database_url: Option<String>,
}

/// `[stores]`: where the live data is (flags and environment variables take precedence).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoresConfig {
    pub redis_url: Option<String>,
    pub database_url: Option<String>,
    pub key_prefix: Option<String>,
    /// `[stores.tables]`: other table names than SPEC §1's.
    #[serde(default)]
    pub tables: crate::store::tables::Tables,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config {path}: {cause}")]
    Read { path: String, cause: String },
    #[error("config {path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("config {path}: milestones: {0}", path = .1)]
    Milestones(MilestoneError, String),
}

/// `$XDG_CONFIG_HOME/ctxlens/config.toml`, or `~/.config/ctxlens/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = crate::files::xdg_dir("XDG_CONFIG_HOME", ".config")?;
    Some(base.join("ctxlens").join("config.toml"))
}

/// `file` as a shell would name it: a leading `~` or `~/` is the home directory (`$HOME`);
/// anything else (`~user` too) is left as written.
pub fn expand_home(file: &str) -> String {
    home_of(file, std::env::var("HOME").ok().as_deref())
}

fn home_of(file: &str, home: Option<&str>) -> String {
    match (file.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", home.trim_end_matches('/'))
        }
        _ => file.to_string(),
    }
}

#[cfg(test)]
mod home_tests {
    #[test]
    fn a_leading_tilde_is_the_home_directory_and_nothing_else_is() {
        let home = Some("/home/ana/");
        assert_eq!(super::home_of("~/t.toml", home), "/home/ana/t.toml");
        assert_eq!(super::home_of("~", home), "/home/ana");
        assert_eq!(super::home_of("~bob/t.toml", home), "~bob/t.toml");
        assert_eq!(super::home_of("a/~/t.toml", home), "a/~/t.toml");
        assert_eq!(super::home_of("~/t.toml", None), "~/t.toml");
    }
}

/// The line and column (1-based) of what a milestone map error is about, found in the config
/// `text`: the dependency named in the dependant's `depends_on` (an unknown one, the edge of a
/// cycle, one listed twice: its second mention), or the second `id` of a milestone defined twice.
/// A TOML string literal (`"…"` with escapes, or `'…'`) as the string it writes.
fn toml_string(literal: &str) -> Option<String> {
    toml::from_str::<toml::Table>(&format!("v = {literal}"))
        .ok()?
        .remove("v")?
        .as_str()
        .map(str::to_string)
}

/// The string literals on one line of TOML: where each starts (a byte offset) and what it
/// reads as.
fn strings_in(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = line[at..].find(['"', '\'']).map(|i| at + i) {
        let quote = line.as_bytes()[start];
        let mut end = start + 1;
        let mut escaped = false;
        while end < line.len() {
            let b = line.as_bytes()[end];
            if quote == b'"' && escaped {
                escaped = false;
            } else if quote == b'"' && b == b'\\' {
                escaped = true;
            } else if b == quote {
                break;
            }
            end += 1;
        }
        let Some(literal) = line.get(start..=end.min(line.len() - 1)) else {
            break;
        };
        if let Some(s) = toml_string(literal) {
            out.push((start, s));
        }
        at = end + 1;
        if at >= line.len() {
            break;
        }
    }
    out
}

fn milestone_fault(text: &str, e: &MilestoneError) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    // The rows of each `[[milestones]]` table, and the id it gives (as TOML reads it: escapes
    // such as `\u001b` are the character they write).
    let id_of = |line: &str| -> Option<String> {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "id").then(|| {
            toml_string(value.trim()).unwrap_or_else(|| value.trim().trim_matches('"').to_string())
        })
    };
    let table = |id: &str, nth: usize| -> Option<std::ops::Range<usize>> {
        let start = (0..lines.len())
            .filter(|&i| id_of(lines[i]).as_deref() == Some(id))
            .nth(nth)?;
        let head = (0..start)
            .rev()
            .find(|&i| lines[i].trim_start().starts_with('['))
            .unwrap_or(0);
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].trim_start().starts_with('['))
            .unwrap_or(lines.len());
        Some(head..end)
    };
    // The `nth` string in `rows` (not an `id = …` line) that reads as `word`.
    let quoted = |rows: std::ops::Range<usize>, word: &str, nth: usize| {
        rows.flat_map(|i| {
            strings_in(lines[i])
                .into_iter()
                .filter(|(_, s)| s == word)
                .map(move |(at, _)| (i, at))
        })
        .filter(|&(i, _)| id_of(lines[i]).is_none())
        .nth(nth)
        .map(|(i, at)| (i + 1, lines[i][..at].chars().count() + 1))
    };
    match e {
        MilestoneError::Unknown {
            milestone,
            dependency,
        } => quoted(table(milestone, 0)?, dependency, 0),
        MilestoneError::Cycle { from, to, .. } => quoted(table(to, 0)?, from, 0),
        MilestoneError::RepeatedDependency {
            milestone,
            dependency,
        } => quoted(table(milestone, 0)?, dependency, 1),
        MilestoneError::Duplicate(id) => {
            let rows = table(id, 1)?;
            (rows.start..rows.end)
                .find(|&i| id_of(lines[i]).as_deref() == Some(id.as_str()))
                .map(|i| (i + 1, lines[i].len() - lines[i].trim_start().len() + 1))
        }
        MilestoneError::EmptyId => (0..lines.len())
            .find(|&i| id_of(lines[i]).is_some_and(|id| id.trim().is_empty()))
            .map(|i| (i + 1, lines[i].len() - lines[i].trim_start().len() + 1)),
        MilestoneError::NulInId(id) => (0..lines.len())
            .find(|&i| id_of(lines[i]).as_deref() == Some(id.as_str()))
            .map(|i| (i + 1, lines[i].len() - lines[i].trim_start().len() + 1)),
        MilestoneError::Empty | MilestoneError::TooMany(_) => None,
    }
}

impl Config {
    /// Reads `path`, or the default location if it exists (an explicit path must exist).
    pub fn load(path: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) if p.exists() => (p, false),
                _ => return Ok((Config::default(), None)),
            },
        };
        let shown = path.display().to_string();
        let bytes = crate::files::read(
            &path,
            crate::files::TEXT_MAX,
            // Named on the command line, a pipe is read; at its own place, a file only.
            if explicit {
                crate::files::Takes::OrPipe
            } else {
                crate::files::Takes::Regular
            },
        )
        .map_err(|e| ConfigError::Read {
            path: shown.clone(),
            cause: if explicit {
                e.to_string()
            } else {
                format!("{e} (default location)")
            },
        })?;
        let text = crate::engine::utf8::text(bytes).map_err(|bad| ConfigError::Syntax {
            path: shown.clone(),
            line: bad.line,
            column: bad.column,
            message: format!("not UTF-8 (byte 0x{:02X})", bad.byte),
        })?;
        let config = Config::parse(&text, &shown)?;
        Ok((config, Some(path)))
    }

    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Syntax {
                path: path.into(),
                line,
                column,
                message: crate::engine::policy::toml_message(text, &e),
            }
        })?;
        // Table names are checked whatever the store: a file that names a bad one is refused
        // before a run that would not read them (the demo) hides it.
        config
            .stores
            .tables
            .quoted()
            .map_err(|cause| ConfigError::Read {
                path: path.into(),
                cause,
            })?;
        config.milestone_map().map_err(|e| {
            // Where in the file: the line and column of the entry at fault, when found.
            let at = milestone_fault(text, &e).map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
            ConfigError::Milestones(e, format!("{path}{at}"))
        })?;
        let place = |key: &str| value_at(text, key).map(|(l, c)| format!("{path}:{l}:{c}"));
        config.url_places = UrlPlaces {
            redis_url: config.stores.redis_url.as_ref().and(place("redis_url")),
            database_url: config
                .stores
                .database_url
                .as_ref()
                .and(place("database_url")),
        };
        Ok(config)
    }

    /// The dependency map: the config's, or seed 000's.
    pub fn milestone_map(&self) -> Result<MilestoneMap, MilestoneError> {
        match &self.milestones {
            Some(defs) => MilestoneMap::new(defs.clone()),
            None => Ok(MilestoneMap::default()),
        }
    }
}

/// The line and column of the value of `key` (written `key = …` or `stores.key = …` at the
/// start of a line): where an error about that value points.
fn value_at(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim_start();
        let rest = rest.strip_prefix("stores.").unwrap_or(rest);
        let after = rest.strip_prefix(key)?.trim_start().strip_prefix('=')?;
        let byte = line.len() - after.trim_start().len();
        Some((i + 1, line[..byte].chars().count() + 1))
    })
}

/// Loads a policy preset by name or a TOML file by path, then applies `--set` overrides in order.
pub fn load_policy(spec: &str, sets: &[String]) -> Result<Policy, PolicyError> {
    let (text, file) = match PRESETS.iter().find(|(n, _)| *n == spec) {
        Some((name, text)) => ((*text).to_string(), format!("preset {name}")),
        None => {
            let text = crate::files::read_text(
                Path::new(spec),
                crate::files::TEXT_MAX,
                crate::files::Takes::OrPipe,
            )
            .map_err(|e| {
                let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                // A bare word was meant as a preset's name: say it is neither.
                let why = if e.not_found() && !spec.contains(['/', '.']) {
                    "no preset of that name, and no such file".to_string()
                } else {
                    e.to_string()
                };
                let spec = crate::text::inert_line(spec);
                // A file found but not text: its place, not the presets.
                if matches!(e, crate::files::Refused::NotUtf8(_)) {
                    return PolicyError::Io(format!("policy {}", e.of(&spec)));
                }
                PolicyError::Io(format!(
                    "policy {spec}: {why} (presets: {})",
                    presets.join(", ")
                ))
            })?;
            (text, spec.to_string())
        }
    };
    Policy::from_toml(&text, &file)?.with_overrides(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_policy_file_names_the_path_and_presets() {
        let err = load_policy("/nonexistent/p.toml", &[]).expect_err("missing");
        assert!(
            err.to_string()
                .starts_with("policy /nonexistent/p.toml: No such file or directory (presets"),
            "{err}"
        );
        assert!(
            err.to_string()
                .ends_with("(presets: prolaunch, layered-adr)"),
            "{err}"
        );
    }

    /// A key written twice is named, with its line and column, as in a policy file.
    #[test]
    fn a_key_written_twice_is_named() {
        let err =
            Config::parse("theme = \"light\"\ntheme = \"default\"\n", "c.toml").expect_err("twice");
        assert_eq!(err.to_string(), "config c.toml:2:1: duplicate key theme");
    }

    /// A bad table name in the config is refused when the file is read, whatever store is in
    /// use (the demo reads no table, and would hide it until a Postgres run).
    #[test]
    fn a_bad_table_name_is_refused_with_the_file() {
        let err = Config::parse("[stores.tables]\nknowledge = \"a.b.c\"\n", "c.toml")
            .expect_err("three parts");
        assert!(
            err.to_string()
                .starts_with("config c.toml: [stores.tables] knowledge = \"a.b.c\": "),
            "{err}"
        );
        assert!(Config::parse("[stores.tables]\nknowledge = \"kb.articles\"\n", "c.toml").is_ok());
    }

    #[test]
    fn milestones_replace_the_seed_map() {
        let text = "[[milestones]]\nid = \"A\"\nname = \"Idea\"\n[[milestones]]\nid = \"B\"\ndepends_on = [\"A\"]\n";
        let map = Config::parse(text, "c.toml")
            .expect("valid")
            .milestone_map()
            .expect("valid map");
        assert_eq!(map.ids().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(map.name("A"), "Idea");
    }

    #[test]
    fn errors_name_the_file_and_the_edge() {
        let cycle = "[[milestones]]\nid = \"A\"\ndepends_on = [\"B\"]\n[[milestones]]\nid = \"B\"\ndepends_on = [\"A\"]\n";
        let err = Config::parse(cycle, "c.toml").expect_err("cycle");
        // Where: the edge's dependency in its dependant's `depends_on`.
        assert_eq!(
            err.to_string(),
            "config c.toml:6:15: milestones: milestone dependency cycle A → B → A (edge A → B)"
        );
        for (text, said) in [
            (
                "[[milestones]]\nid = \"A\"\n\n[[milestones]]\nid = \"B\"\nname = \"x\"\ndepends_on = [\"A\", \"Q\"]\n",
                "config c.toml:7:20: milestones: milestone B depends on unknown milestone Q",
            ),
            (
                "[[milestones]]\nid = \"A\"\n[[milestones]]\n  id = \"A\"\n",
                "config c.toml:4:3: milestones: milestone A is defined twice",
            ),
            (
                "[[milestones]]\nid = \"A\"\n[[milestones]]\nid = \"B\"\ndepends_on = [\"A\",\n  \"A\"]\n",
                "config c.toml:6:3: milestones: milestone B lists dependency A twice",
            ),
            (
                "[[milestones]]\nid = \"A\"\n[[milestones]]\n id = \"\"\n",
                "config c.toml:4:2: milestones: a milestone has an empty id",
            ),
            (
                "[[milestones]]\nid = \"A\"\n[[milestones]]\n  id = \"nul\\u0000x\"\n",
                "config c.toml:4:3: milestones: milestone id \"nul\\0x\" contains a NUL byte",
            ),
            // Ids written with TOML escapes, or as literal strings, are found as TOML reads
            // them.
            (
                "[[milestones]]\nid = \"M0\"\n[[milestones]]\nid = \"M1\\u001b[2J\"\ndepends_on = ['M0', \"M9\\u001b[6n\"]\n",
                "config c.toml:5:21: milestones: milestone M1\u{1b}[2J depends on unknown milestone M9\u{1b}[6n",
            ),
        ] {
            let err = Config::parse(text, "c.toml").expect_err(said);
            assert!(err.to_string().starts_with(said), "{err}");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let bad = dir.path().join("config.toml");
        std::fs::write(&bad, b"# ok\ntheme = \"li\xffght\"\n").expect("write");
        let err = Config::load(Some(&bad)).expect_err("not UTF-8");
        assert_eq!(
            err.to_string(),
            format!("config {}:2:12: not UTF-8 (byte 0xFF)", bad.display())
        );
        let unknown_key = "[[milestones]]\nid = \"A\"\nneeds = []\n";
        let err = Config::parse(unknown_key, "c.toml").expect_err("unknown key");
        assert!(
            err.to_string()
                .starts_with("config c.toml:3:1: unknown field `needs`"),
            "{err}"
        );
    }
}
