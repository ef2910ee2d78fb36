//! The help overlay: the current screen's keys first (in that screen's words), then the keys that
//! work everywhere, the commands and the mouse; keys from the keymap; searchable; scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::{block, clear, styled};
use crate::app::action::Action;
use crate::app::help::{EVERYWHERE, own_keys, screen_keys};
use crate::app::layout;
use crate::app::state::State;

/// Every key bound to `action`, as the keymap names them.
fn keys(s: &State, action: &Action) -> String {
    s.session
        .keymap
        .help()
        .into_iter()
        .find(|(_, a)| a == action)
        .map(|(k, _)| k)
        // The keymap in use may bind it to nothing: said, not a blank where a key should be.
        .unwrap_or_else(|| "unbound".into())
}

/// The help's lines: (heading or not, keys, what).
pub fn entries(s: &State) -> Vec<(bool, String, String)> {
    let mut out = vec![(
        true,
        String::new(),
        format!("{} screen", s.ui.screen.title()),
    )];
    let own = screen_keys(s.ui.screen);
    if own.is_empty() {
        out.push((
            false,
            String::new(),
            "no keys of its own: the keys below work here".into(),
        ));
    }
    for (a, what) in own.iter() {
        out.push((false, keys(s, a), what.to_string()));
    }
    out.push((true, String::new(), "Everywhere".into()));
    // A key the screen gives a meaning of its own is listed once, with that meaning.
    for a in EVERYWHERE
        .iter()
        .filter(|a| !own.iter().any(|(o, _)| o == *a))
    {
        out.push((false, keys(s, a), a.describe().to_string()));
    }
    out.push((
        false,
        keys(s, &Action::Filter),
        "filter users (search on Prompt, in help)".into(),
    ));
    out.push((
        false,
        "ctrl-z".into(),
        "suspend to the shell (fg resumes)".into(),
    ));
    out.push((
        false,
        "input line".into(),
        "←/→ ctrl-a/e ctrl-w ctrl-u ctrl-k; tab completes in :".into(),
    ));
    out.push((true, String::new(), "Commands".into()));
    out.push((false, ":".into(), crate::app::update::COMMANDS.into()));
    out.push((true, String::new(), "Mouse".into()));
    out.push((
        false,
        "mouse".into(),
        "click tabs and rows (twice opens); wheel scrolls".into(),
    ));
    // The other screens' own keys last, so a search finds a key wherever it works.
    for screen in crate::app::state::Screen::ALL {
        if screen == s.ui.screen {
            continue;
        }
        let open = keys(s, &screen.show_action());
        out.push((
            true,
            String::new(),
            format!("{} screen ({open})", screen.title()),
        ));
        for (a, what) in own_keys(screen) {
            out.push((false, keys(s, a), what.to_string()));
        }
    }
    out
}

/// Whether a key's row matches a help search (`needle` lower case; empty matches all).
fn matches(needle: &str, keys: &str, what: &str) -> bool {
    needle.is_empty()
        || keys.to_lowercase().contains(needle)
        || what.to_lowercase().contains(needle)
}

/// How many keys' rows a help search matches, of how many: the input line's `3/57`.
pub(super) fn match_count(s: &State, search: &str) -> (usize, usize) {
    let needle = search.to_lowercase();
    let keys: Vec<_> = entries(s).into_iter().filter(|(head, ..)| !head).collect();
    let found = keys
        .iter()
        .filter(|(_, k, what)| matches(&needle, k, what))
        .count();
    (found, keys.len())
}

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme, search: &str, scroll: usize) {
    let area = layout::item_popup((area.width, area.height));
    clear(frame, area, t);
    let needle = search.to_lowercase();
    let all = entries(s);
    let key_w = all
        .iter()
        .map(|(_, k, _)| k.chars().count())
        .max()
        .unwrap_or(8)
        .min(24);
    let matching: Vec<(bool, String, String)> = all
        .into_iter()
        .filter(|(head, keys, what)| *head || matches(&needle, keys, what))
        .collect();
    // A heading stays only with a key under it; a description wraps under itself, its keys'
    // column left clear.
    let width = usize::from(area.width.saturating_sub(2));
    let blank = [styled(" ".repeat(key_w + 4), t.accent())];
    let mut lines: Vec<Line> = vec![];
    for (i, (head, keys, what)) in matching.iter().enumerate() {
        if *head {
            if matching.get(i + 1).is_some_and(|(next, ..)| !next) {
                lines.push(Line::styled(what.clone(), t.title()));
            }
            continue;
        }
        let first = [styled(format!("  {keys:>key_w$}  "), t.accent())];
        let body = Line::from(styled(what.clone(), t.base()));
        lines.extend(super::wrap::hanging(&first, &blank, &body, width));
    }
    if lines.is_empty() {
        lines.push(Line::styled(format!("no key matches /{search}"), t.muted()));
    }
    let height = usize::from(area.height.saturating_sub(2));
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    // The rows the lines take once wrapped: where scrolling ends, so the last one can be read.
    let rows = p.line_count(area.width.saturating_sub(2));
    s.ui.help_rows.set(rows);
    let scroll = layout::first_shown(scroll, rows, height);
    // Where the view is, when the keys do not all fit.
    let place = super::place(scroll, height, rows)
        .map(|p| format!(" · {p}"))
        .unwrap_or_default();
    // What closes help in the keymap in use: its back key, else the help key itself.
    let close = s
        .session
        .keymap
        .key_for(&Action::Back)
        .unwrap_or_else(|| super::key_of(s, &Action::Help));
    let title = if search.is_empty() {
        format!(
            " Keys{place} · {} search · j/k scroll · {close} close ",
            super::key_of(s, &Action::Filter)
        )
    } else {
        format!(" Keys matching /{}{place} ", super::il(search))
    };
    let p = p.scroll((scroll as u16, 0)).block(block(title, true, t));
    frame.render_widget(p, area);
}
