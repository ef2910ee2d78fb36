//! Themes: colours for every role, from TOML (three embedded, more in the config dir).

mod contrast;

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use contrast::{contrast, rgb};

use crate::engine::Decision;
use crate::engine::milestones::Status;

/// Every role a theme gives a colour (all but `terminal_bg`, which is optional).
const ROLES: &[&str] = &[
    "name",
    "fg",
    "bg",
    "muted",
    "accent",
    "border",
    "border_focus",
    "selection_fg",
    "selection_bg",
    "title",
    "kept",
    "truncated",
    "dropped",
    "completed",
    "current",
    "available",
    "locked",
    "gauge",
    "gauge_over",
    "error",
    "warning",
    "ok",
    "badge_fg",
    "badge_bg",
    "highlight_fg",
    "highlight_bg",
];

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
    /// The terminal background the theme is made for, where `bg` is `reset` (the terminal's
    /// own): what its colours' contrast is checked against. Default black.
    #[serde(default)]
    pub terminal_bg: Option<Color>,
    /// No colour at all (`NO_COLOR`): every role is the terminal's own colour, and what colour
    /// would say is said by attributes (the selection reversed, highlights bold and underlined).
    #[serde(skip)]
    pub mono: bool,
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
            let message = e.message().trim();
            // ratatui's own words for a colour it cannot read name neither the value nor the
            // forms it takes.
            let value = e
                .span()
                .and_then(|s| text.get(s))
                .filter(|v| !v.trim().is_empty());
            // A role left out reaches ratatui's colour parser as nothing at all: named here.
            let missing = toml::from_str::<toml::Table>(text).ok().and_then(|t| {
                ROLES
                    .iter()
                    .find(|r| !t.contains_key(**r))
                    .map(|r| format!("missing field `{r}`"))
            });
            let message = match (message.contains("Failed to parse Colors"), value, missing) {
                (true, Some(v), _) => format!(
                    "{} is not a colour: a name (red, lightblue, darkgray, reset, …), \"#rrggbb\" or an index \"0\"–\"255\"",
                    crate::text::inert_line(v)
                ),
                (true, None, Some(missing)) => return format!("theme {file}: {missing}"),
                _ => message.to_string(),
            };
            format!("theme {file}:{line}:{col}: {message}")
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
        if self.mono {
            return Style::new().add_modifier(Modifier::REVERSED);
        }
        Style::new().fg(self.selection_fg).bg(self.selection_bg)
    }
    pub fn highlight(&self) -> Style {
        if self.mono {
            return Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        Style::new().fg(self.highlight_fg).bg(self.highlight_bg)
    }

    /// This theme with no colour (`NO_COLOR`, <https://no-color.org>): every role the
    /// terminal's own colour; the selection and highlights carried by attributes instead.
    pub fn without_colour(&self) -> Theme {
        let r = Color::Reset;
        Theme {
            name: self.name.clone(),
            fg: r,
            bg: r,
            muted: r,
            accent: r,
            border: r,
            border_focus: r,
            selection_fg: r,
            selection_bg: r,
            title: r,
            kept: r,
            truncated: r,
            dropped: r,
            completed: r,
            current: r,
            available: r,
            locked: r,
            gauge: r,
            gauge_over: r,
            error: r,
            warning: r,
            ok: r,
            badge_fg: r,
            badge_bg: r,
            highlight_fg: r,
            highlight_bg: r,
            terminal_bg: None,
            mono: true,
        }
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
    pub fn warning(&self) -> Style {
        Style::new().fg(self.warning)
    }
    pub fn ok(&self) -> Style {
        Style::new().fg(self.ok)
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

    /// The roles whose colour reads below `text_min`:1 (text) or `line_min`:1 (borders and
    /// gauges) against what they are drawn on, as "ROLE reads at R:1". A `reset` foreground is
    /// the terminal's own and not judged.
    pub fn contrast_faults(&self, text_min: f64, line_min: f64) -> Vec<String> {
        let term = rgb(self.terminal_bg.unwrap_or(Color::Black), (0, 0, 0));
        let bg = rgb(self.bg, term);
        let mut low = Vec::new();
        let mut check = |role: &str, fg: Color, back: (u8, u8, u8), min: f64| {
            if fg == Color::Reset {
                return;
            }
            let c = contrast(rgb(fg, term), back);
            if c < min {
                low.push(format!("{role} reads at {c:.1}:1 (needs {min}:1)"));
            }
        };
        for (role, fg) in [
            ("fg", self.fg),
            ("muted", self.muted),
            ("accent", self.accent),
            ("title", self.title),
            ("kept", self.kept),
            ("truncated", self.truncated),
            ("dropped", self.dropped),
            ("completed", self.completed),
            ("current", self.current),
            ("available", self.available),
            ("locked", self.locked),
            ("error", self.error),
            ("warning", self.warning),
            ("ok", self.ok),
        ] {
            check(role, fg, bg, text_min);
        }
        check(
            "selection",
            self.selection_fg,
            rgb(self.selection_bg, term),
            text_min,
        );
        check("badge", self.badge_fg, rgb(self.badge_bg, term), text_min);
        check(
            "highlight",
            self.highlight_fg,
            rgb(self.highlight_bg, term),
            text_min,
        );
        for (role, fg) in [
            ("border", self.border),
            ("border_focus", self.border_focus),
            ("gauge", self.gauge),
            ("gauge_over", self.gauge_over),
        ] {
            check(role, fg, bg, line_min);
        }
        low
    }
}

/// A milestone status's symbol: colour is never the only sign.
pub fn status_symbol(s: Status) -> &'static str {
    match s {
        Status::Completed => "✓",
        Status::Current => "◉",
        Status::Available => "○",
        Status::Locked => "⊘",
    }
}

/// A milestone status's word.
pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Completed => "completed",
        Status::Current => "current",
        Status::Available => "available",
        Status::Locked => "locked",
    }
}

/// The least contrast a theme of one's own may have: below it text cannot be read (the shipped
/// themes meet WCAG AA, 4.5:1 and 3:1; a user's may be dimmer, not invisible).
const USER_TEXT_MIN: f64 = 3.0;
const USER_LINE_MIN: f64 = 1.5;

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
    // No themes folder is no user theme; one that is there but cannot be listed (a file of
    // that name, a link to nothing, no permission) is said, not taken for none.
    let Some(dir) = dir.filter(|d| std::fs::symlink_metadata(d).is_ok()) else {
        return (themes, errors);
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let why = crate::files::Refused::Io(e);
            errors.push(format!(
                "themes {}: not a folder of theme files: {why}",
                dir.display()
            ));
            return (themes, errors);
        }
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    // Which file gave each name: two files of one name are an error naming both (a file may
    // replace a shipped theme of its name, on purpose, but not another file).
    let mut from: BTreeMap<String, String> = BTreeMap::new();
    for path in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let shown = path.display().to_string();
        match crate::files::read_text(&path, crate::files::TEXT_MAX, crate::files::Takes::Regular)
            .map_err(|e| format!("theme {}", e.of(&shown)))
            .and_then(|t| Theme::parse(&t, &shown))
        {
            Ok(t) if t.name.trim().is_empty() => {
                errors.push(format!(
                    "theme {shown}: name is empty: give the theme a name"
                ));
            }
            Ok(t) if from.contains_key(&t.name) => errors.push(format!(
                "theme {shown}: name {} is also the name of {}: one name, one theme",
                crate::text::quoted(&t.name),
                from[&t.name]
            )),
            Ok(t) => {
                let faults = t.contrast_faults(USER_TEXT_MIN, USER_LINE_MIN);
                if faults.is_empty() {
                    from.insert(t.name.clone(), shown.clone());
                    themes.insert(t.name.clone(), t);
                } else {
                    errors.push(format!(
                        "theme {shown}: cannot be read: {} against its background",
                        faults.join(", ")
                    ));
                }
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
    fn contrast_is_computed_as_wcag_does() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast((118, 118, 118), (255, 255, 255)) - 4.54).abs() < 0.01);
    }

    /// Every text colour on its background reads at 4.5:1 or more (WCAG AA for text), and
    /// borders and gauges at 3:1 (WCAG's non-text contrast), in every embedded theme.
    #[test]
    fn every_theme_meets_wcag_contrast() {
        let (themes, errors) = load_all(None);
        assert!(errors.is_empty(), "{errors:?}");
        let low: Vec<String> = themes
            .iter()
            .flat_map(|(name, t)| {
                t.contrast_faults(4.5, 3.0)
                    .into_iter()
                    .map(move |f| format!("{name}: {f}"))
            })
            .collect();
        assert!(low.is_empty(), "{}", low.join("\n"));
    }

    #[test]
    fn a_theme_of_ones_own_that_cannot_be_read_is_refused_naming_its_roles() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dark = THEMES[0].1.replace("name = \"default\"", "name = \"dark\"");
        std::fs::write(
            dir.path().join("dark.toml"),
            dark.replace("fg = \"gray\"", "fg = \"black\"")
                .replace("border = \"darkgray\"", "border = \"#010101\""),
        )
        .expect("write");
        let (themes, errors) = load_all(Some(dir.path()));
        assert!(
            !themes.contains_key("dark"),
            "an unreadable theme is not offered"
        );
        let [e] = errors.as_slice() else {
            panic!("one error: {errors:?}")
        };
        assert!(
            e.contains("dark.toml") && e.contains("fg reads at 1.0:1"),
            "{e}"
        );
        assert!(e.contains("border reads at 1.0:1"), "{e}");
        assert!(!e.contains("muted"), "roles that read are not named: {e}");
        // Dim but readable colours are the owner's choice.
        let dim = THEMES[0].1.replace("name = \"default\"", "name = \"dim\"");
        std::fs::write(
            dir.path().join("dark.toml"),
            dim.replace("fg = \"gray\"", "fg = \"#5f5f5f\""),
        )
        .expect("write");
        let (themes, errors) = load_all(Some(dir.path()));
        assert!(
            errors.is_empty() && themes.contains_key("dim"),
            "{errors:?}"
        );
    }

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

    /// `light` paints a fixed white background, so its every colour is RGB too: a palette
    /// colour is whatever the terminal's scheme makes it (dark schemes remap blue and white),
    /// and its contrast on white could not be known.
    #[test]
    fn the_light_theme_uses_no_palette_colour() {
        let light = THEMES.iter().find(|(n, _)| *n == "light").expect("light");
        let table: toml::Table = toml::from_str(light.1).expect("toml");
        for (role, value) in table.iter().filter(|(k, _)| *k != "name") {
            let v = value.as_str().unwrap_or_default();
            assert!(
                v.len() == 7 && v.starts_with('#'),
                "light {role} = {v:?}: not an RGB colour"
            );
        }
    }

    #[test]
    fn a_missing_role_is_named() {
        let text = THEMES[0].1.replace("title = \"white\"\n", "");
        let err = Theme::parse(&text, "t.toml").expect_err("no title");
        assert_eq!(err, "theme t.toml: missing field `title`");
        // Every role is in the list the message is found with.
        let all: toml::Table = toml::from_str(THEMES[0].1).expect("toml");
        assert!(ROLES.iter().all(|r| all.contains_key(*r)));
        assert_eq!(all.len(), ROLES.len());
    }

    #[test]
    fn bad_theme_names_file_line_and_column() {
        let err =
            Theme::parse("name = \"x\"\nfg = \"notacolour\"\n", "t.toml").expect_err("bad colour");
        assert_eq!(
            err,
            "theme t.toml:2:6: \"notacolour\" is not a colour: a name (red, lightblue, darkgray, reset, …), \"#rrggbb\" or an index \"0\"–\"255\""
        );
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
        // A second file of one name, and an empty name, are errors naming the file.
        std::fs::remove_file(dir.path().join("broken.toml")).expect("remove");
        let again = THEMES[0].1.replace("name = \"default\"", "name = \"mine\"");
        std::fs::write(dir.path().join("other.toml"), again).expect("write");
        let blank = THEMES[0].1.replace("name = \"default\"", "name = \" \"");
        std::fs::write(dir.path().join("blank.toml"), blank).expect("write");
        let (themes, errors) = load_all(Some(dir.path()));
        assert!(themes.contains_key("mine"));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("blank.toml: name is empty"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("other.toml: name \"mine\" is also the name of")
                && errors[1].contains("mine.toml"),
            "{errors:?}"
        );
    }

    /// Under `NO_COLOR` no cell has a colour, and the selection still shows: reversed.
    #[tokio::test]
    async fn without_colour_the_selection_is_reversed() {
        use crate::app::update::tests::{demo_app, settle};
        let mono = Theme::default().without_colour();
        assert!(mono.mono);
        assert_eq!(
            mono.selected(),
            Style::new().add_modifier(Modifier::REVERSED)
        );
        let (mut s, store) = demo_app().await;
        settle(&mut s, &store, crate::app::Action::Down).await;
        let t = crate::ui::tests::draw(&s, 100, 30, &mono);
        let buf = t.backend().buffer();
        let mut reversed_rows = std::collections::BTreeSet::new();
        for y in 0..30 {
            for x in 0..100 {
                let c = &buf[(x, y)];
                assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "({x}, {y})");
                if c.modifier.contains(Modifier::REVERSED) && c.symbol().starts_with('u') {
                    reversed_rows.insert(y);
                }
            }
        }
        let row: String = reversed_rows
            .iter()
            .map(|&y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect();
        assert_eq!(reversed_rows.len(), 1, "{row}");
        assert!(row.contains("u002"), "the selected user: {row}");
    }
}
