//! Themes: colours for every role, from TOML (three embedded, more in the config dir).

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::engine::Decision;
use crate::engine::milestones::Status;

/// The embedded themes: (name, TOML).
pub const THEMES: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub name: String,
    pub fg: Color,
    pub bg: Color,
    pub muted: Color,
    pub accent: Color,
    pub border: Color,
    pub border_focus: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub title: Color,
    pub kept: Color,
    pub truncated: Color,
    pub dropped: Color,
    pub completed: Color,
    pub current: Color,
    pub available: Color,
    pub locked: Color,
    pub gauge: Color,
    pub gauge_over: Color,
    pub error: Color,
    pub warning: Color,
    pub ok: Color,
    pub badge_fg: Color,
    pub badge_bg: Color,
    pub highlight_fg: Color,
    pub highlight_bg: Color,
}

impl Default for Theme {
    fn default() -> Self {
        // The embedded default theme is checked by a unit test.
        #[allow(clippy::expect_used)]
        Theme::parse(THEMES[0].1, "default").expect("embedded default theme is valid")
    }
}

impl Theme {
    /// Parses theme TOML; errors name the file and line:column.
    pub fn parse(text: &str, file: &str) -> Result<Theme, String> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::engine::policy::line_col(text, s.start));
            format!("theme {file}:{line}:{col}: {}", e.message().trim())
        })
    }

    pub fn base(&self) -> Style {
        Style::new().fg(self.fg).bg(self.bg)
    }
    pub fn muted(&self) -> Style {
        Style::new().fg(self.muted)
    }
    pub fn accent(&self) -> Style {
        Style::new().fg(self.accent)
    }
    pub fn title(&self) -> Style {
        Style::new().fg(self.title).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self, focused: bool) -> Style {
        Style::new().fg(if focused {
            self.border_focus
        } else {
            self.border
        })
    }
    pub fn selected(&self) -> Style {
        Style::new().fg(self.selection_fg).bg(self.selection_bg)
    }
    pub fn highlight(&self) -> Style {
        Style::new().fg(self.highlight_fg).bg(self.highlight_bg)
    }
    pub fn badge(&self) -> Style {
        Style::new()
            .fg(self.badge_fg)
            .bg(self.badge_bg)
            .add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        Style::new().fg(self.error)
    }
    pub fn decision(&self, d: Decision) -> Style {
        Style::new().fg(match d {
            Decision::Kept => self.kept,
            Decision::Truncated => self.truncated,
            Decision::Dropped => self.dropped,
        })
    }
    pub fn status(&self, s: Status) -> Style {
        let c = match s {
            Status::Completed => self.completed,
            Status::Current => self.current,
            Status::Available => self.available,
            Status::Locked => self.locked,
        };
        let st = Style::new().fg(c);
        if s == Status::Current {
            st.add_modifier(Modifier::BOLD)
        } else {
            st
        }
    }
}

/// Every theme available: the embedded ones, then `*.toml` in `dir` (a file may replace an embedded one).
pub fn load_all(dir: Option<&std::path::Path>) -> (BTreeMap<String, Theme>, Vec<String>) {
    let mut themes = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, text) in THEMES {
        match Theme::parse(text, name) {
            Ok(t) => {
                themes.insert(t.name.clone(), t);
            }
            Err(e) => errors.push(e),
        }
    }
    let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) else {
        return (themes, errors);
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let shown = path.display().to_string();
        match std::fs::read_to_string(&path)
            .map_err(|e| format!("theme {shown}: {e}"))
            .and_then(|t| Theme::parse(&t, &shown))
        {
            Ok(t) => {
                themes.insert(t.name.clone(), t);
            }
            Err(e) => errors.push(e),
        }
    }
    (themes, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_themes_parse_and_differ() {
        let (themes, errors) = load_all(None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            themes.keys().collect::<Vec<_>>(),
            ["default", "high-contrast", "light"]
        );
        assert_ne!(themes["default"], themes["light"]);
        assert_eq!(themes["light"].kept, Color::Rgb(0x1b, 0x7a, 0x1b));
    }

    #[test]
    fn bad_theme_names_file_line_and_column() {
        let err =
            Theme::parse("name = \"x\"\nfg = \"notacolour\"\n", "t.toml").expect_err("bad colour");
        assert!(err.starts_with("theme t.toml:2:6: "), "{err}");
    }

    #[test]
    fn user_themes_override_and_add() {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = THEMES[0].1.replace("name = \"default\"", "name = \"mine\"");
        std::fs::write(dir.path().join("mine.toml"), text).expect("write");
        std::fs::write(dir.path().join("broken.toml"), "name = 1").expect("write");
        let (themes, errors) = load_all(Some(dir.path()));
        assert!(themes.contains_key("mine"));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("broken.toml:1:8"), "{errors:?}");
    }
}
