//! The input line: users filter, prompt search, help search, Tune edits and `:` commands.

use super::nav::{jump_to_user, reshow_users, search_lines};
use super::{Effect, error, info, retune};
use crate::app::action::{Action, InputKey};
use crate::app::state::{InputKind, Overlay, State};
use crate::app::tune;

/// The `:` commands, for the error message and the help overlay.
pub const COMMANDS: &str =
    ":user ID · :policy FILE|PRESET · :theme NAME · :set KEY=VALUE · :w FILE · :reset · :q";

pub fn key(s: &mut State, key: InputKey) -> Vec<Effect> {
    let Some(input) = s.ui.input.as_mut() else {
        return vec![];
    };
    let kind = input.kind;
    match key {
        InputKey::Char(c) => input.text.push(c),
        InputKey::Backspace => {
            input.text.pop();
        }
        InputKey::Up | InputKey::Down if kind == InputKind::Filter => {
            // Move through the filtered list without leaving the filter.
            let action = if key == InputKey::Up {
                Action::Up
            } else {
                Action::Down
            };
            return super::nav::navigate(s, action);
        }
        InputKey::Up | InputKey::Down => return vec![],
        InputKey::Esc => {
            s.ui.input = None;
            match kind {
                InputKind::Filter => s.users.filter.clear(),
                InputKind::Search => s.user.search.clear(),
                InputKind::HelpSearch => set_help_search(s, String::new()),
                InputKind::Palette | InputKind::Edit => {}
            }
            live(s, kind);
            return vec![];
        }
        InputKey::Enter => {
            let text = s.ui.input.take().map(|i| i.text).unwrap_or_default();
            return match kind {
                InputKind::Palette => command(s, text.trim()),
                InputKind::Edit => edit(s, text.trim()),
                InputKind::Filter | InputKind::Search | InputKind::HelpSearch => vec![],
            };
        }
    }
    live(s, kind);
    vec![]
}

/// Filters and searches follow every key.
fn live(s: &mut State, kind: InputKind) {
    let text = s.ui.input.as_ref().map(|i| i.text.clone());
    match kind {
        InputKind::Filter => {
            if let Some(t) = text {
                s.users.filter = t;
            }
            reshow_users(s);
        }
        InputKind::Search => {
            if let Some(t) = text {
                s.user.search = t;
            }
            s.user.found = 0;
            if let Some(&first) = search_lines(s).first() {
                s.user.scroll = first;
            }
        }
        InputKind::HelpSearch => {
            if let Some(t) = text {
                set_help_search(s, t);
            }
        }
        InputKind::Palette | InputKind::Edit => {}
    }
}

fn set_help_search(s: &mut State, text: String) {
    if let Overlay::Help { search, scroll } = &mut s.ui.overlay {
        *search = text;
        *scroll = 0;
    }
}

/// Applies a typed value to the Tune field under the cursor.
fn edit(s: &mut State, value: &str) -> Vec<Effect> {
    let fields = tune::fields(&s.session.policy);
    let Some(f) = fields.get(s.tune.cursor) else {
        return vec![];
    };
    apply_set(s, &format!("{}={value}", f.key))
}

fn apply_set(s: &mut State, arg: &str) -> Vec<Effect> {
    match s.session.policy.clone().with_overrides(&[arg.to_string()]) {
        Ok(p) => retune(s, p),
        Err(e) => {
            error(s, &e.to_string());
            vec![]
        }
    }
}

/// Runs a `:` command.
fn command(s: &mut State, line: &str) -> Vec<Effect> {
    let (cmd, arg) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(c, a)| (c, a.trim()));
    match (cmd, arg) {
        ("q" | "quit", _) => {
            s.ui.quit = true;
            vec![]
        }
        ("user", id) if !id.is_empty() => jump_to_user(s, id.to_string()),
        ("policy", file) if !file.is_empty() => vec![Effect::LoadPolicy(file.to_string())],
        ("theme", name) if s.session.themes.iter().any(|t| t == name) => {
            s.ui.theme = name.to_string();
            info(s, &format!("theme {name}"));
            vec![]
        }
        ("theme", name) => {
            error(
                s,
                &format!(
                    "no theme {name:?} (themes: {})",
                    s.session.themes.join(", ")
                ),
            );
            vec![]
        }
        ("set", kv) if kv.contains('=') => apply_set(s, kv),
        ("w" | "write", file) if !file.is_empty() => {
            vec![Effect::SavePolicy {
                path: file.to_string(),
                toml: s.session.policy.to_toml(),
            }]
        }
        ("reset", _) => super::update(s, Action::ResetTuning),
        _ => {
            error(s, &format!("unknown command {line:?}: {COMMANDS}"));
            vec![]
        }
    }
}
