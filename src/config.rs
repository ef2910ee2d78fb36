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
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
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
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            cause: if explicit {
                e.to_string()
            } else {
                format!("{e} (default location)")
            },
        })?;
        let config = Config::parse(&text, &shown)?;
        Ok((config, Some(path)))
    }

    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Syntax {
                path: path.into(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        config
            .milestone_map()
            .map_err(|e| ConfigError::Milestones(e, path.into()))?;
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

/// Loads a policy preset by name or a TOML file by path, then applies `--set` overrides in order.
pub fn load_policy(spec: &str, sets: &[String]) -> Result<Policy, PolicyError> {
    let (text, file) = match PRESETS.iter().find(|(n, _)| *n == spec) {
        Some((name, text)) => ((*text).to_string(), format!("preset {name}")),
        None => {
            let text = std::fs::read_to_string(spec).map_err(|e| {
                let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                PolicyError::Io(format!(
                    "policy {spec}: {e} (presets: {})",
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
                .starts_with("policy /nonexistent/p.toml: No such file"),
            "{err}"
        );
        assert!(
            err.to_string()
                .ends_with("(presets: prolaunch, layered-adr)"),
            "{err}"
        );
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
        assert_eq!(
            err.to_string(),
            "config c.toml: milestones: milestone dependency cycle A → B → A (edge A → B)"
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
