//! The look of the TUI: the keymap and the themes, read from the config folder and checked
//! before the terminal is taken over.

use crate::app::keymap::Keymap;
use crate::ui::theme::Theme;

/// The keys and themes the TUI is drawn with, from the config folder: read, and checked, before
/// the terminal is taken over.
#[derive(Debug, Clone, Default)]
pub struct Look {
    pub keymap: Keymap,
    pub themes: std::collections::BTreeMap<String, Theme>,
}

impl Look {
    /// `keymap.toml` merged over the default keys and `themes/*.toml` beside the shipped themes,
    /// from the config folder (`folder`: the one of the config file in use, `--config`'s
    /// included; else the XDG one); `theme` (the one asked for, and where: `--theme` or the
    /// config file's key) must be among them. A file that cannot be read or used is an error
    /// naming it (and its line:column), not a look quietly left out.
    pub fn load(
        theme: Option<(&str, &str)>,
        folder: Option<&std::path::Path>,
    ) -> Result<Look, String> {
        let dir = folder.map(std::path::Path::to_path_buf).or_else(|| {
            crate::config::default_path().and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        });
        let keymap = match dir.as_ref().map(|d| d.join("keymap.toml")) {
            // A link to nothing is there too: an error naming it, not the default keys.
            Some(path) if std::fs::symlink_metadata(&path).is_ok() => {
                let text = crate::files::read_text(
                    &path,
                    crate::files::TEXT_MAX,
                    crate::files::Takes::Regular,
                )
                .map_err(|e| format!("keymap {}", e.of(&path.display().to_string())))?;
                Keymap::default().merge(&text, &path.display().to_string())?
            }
            _ => Keymap::default(),
        };
        let (mut themes, errors) =
            crate::ui::theme::load_all(dir.as_ref().map(|d| d.join("themes")).as_deref());
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        // NO_COLOR (set and not empty): no colour, whichever theme. Attributes carry what
        // colour would, so crossterm must write them: its own NO_COLOR handling writes a bare
        // reset for every colour, which would undo them.
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            for t in themes.values_mut() {
                *t = t.without_colour();
            }
            crossterm::style::Colored::set_ansi_color_disabled(false);
        }
        if let Some((name, asked)) = theme
            && !themes.contains_key(name)
        {
            let known: Vec<&str> = themes.keys().map(String::as_str).collect();
            return Err(format!(
                "{} {}: no such theme (themes: {})",
                crate::text::inert_line(asked),
                crate::text::quoted(name),
                known.join(", ")
            ));
        }
        Ok(Look { keymap, themes })
    }
}
