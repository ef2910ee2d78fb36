//! Keys typed into the input line (a line editor: the users filter, the prompt search, the help
//! search, Tune edits and `:` commands), text pasted into it, and the answer to the quit prompt.

use tui_input::InputRequest;

use super::{Effect, command, info, users};
use crate::app::action::{Action, InputKey};
use crate::app::state::{InputKind, Overlay, Quit, State};

pub fn key(s: &mut State, key: InputKey) -> Vec<Effect> {
    if s.ui.overlay == Overlay::ConfirmQuit {
        return confirm_quit(s, key);
    }
    let Some(input) = s.ui.input.as_mut() else {
        return vec![];
    };
    let kind = input.kind;
    if let Some(req) = edit_request(key) {
        // A suggestion is replaced by what is typed first, kept by a key that edits it.
        if std::mem::take(&mut input.suggested) && matches!(req, InputRequest::InsertChar(_)) {
            input.line = tui_input::Input::default();
        }
        input.line.handle(req);
        input.completions.clear();
        input.unmatched = false;
        // The cut paste deleted: what is typed now is whole.
        if input.line.value().is_empty() {
            input.cut = false;
        }
        return live(s, kind);
    }
    match key {
        InputKey::Up | InputKey::Down if kind == InputKind::Filter => {
            // Move through the filtered list without leaving the filter.
            let action = if key == InputKey::Up {
                Action::Up
            } else {
                Action::Down
            };
            super::nav::navigate(s, action)
        }
        InputKey::Up | InputKey::Down if kind == InputKind::Palette => {
            command::recall(s, key == InputKey::Up);
            vec![]
        }
        InputKey::Tab if matches!(kind, InputKind::Palette | InputKind::Edit) => {
            command::complete(s);
            vec![]
        }
        InputKey::Esc => {
            s.ui.input = None;
            if s.ui.quit == Quit::AfterSave {
                s.ui.quit = Quit::No;
            }
            cleared(s, kind)
        }
        InputKey::Enter => enter(s, kind),
        _ => vec![],
    }
}

/// What the line editor does for `key`; `None` for the keys that do not edit the line (Tab,
/// ↑/↓, enter, esc).
fn edit_request(key: InputKey) -> Option<InputRequest> {
    match key {
        InputKey::Char(c) => Some(InputRequest::InsertChar(c)),
        InputKey::Backspace => Some(InputRequest::DeletePrevChar),
        InputKey::Delete => Some(InputRequest::DeleteNextChar),
        InputKey::Left => Some(InputRequest::GoToPrevChar),
        InputKey::Right => Some(InputRequest::GoToNextChar),
        InputKey::Home => Some(InputRequest::GoToStart),
        InputKey::End => Some(InputRequest::GoToEnd),
        InputKey::WordLeft => Some(InputRequest::GoToPrevWord),
        InputKey::WordRight => Some(InputRequest::GoToNextWord),
        InputKey::DeleteWord => Some(InputRequest::DeletePrevWord),
        InputKey::DeleteToStart => Some(InputRequest::DeleteFromStart),
        InputKey::DeleteToEnd => Some(InputRequest::DeleteTillEnd),
        InputKey::Tab | InputKey::Up | InputKey::Down | InputKey::Enter | InputKey::Esc => None,
    }
}

/// Enter on the input line of `kind`: the line closed and run (a command, a Tune value, the
/// file to save in); a paste it held that was cut short is said with what running it did.
fn enter(s: &mut State, kind: InputKind) -> Vec<Effect> {
    let (text, cut) =
        s.ui.input
            .take()
            .map(|i| (i.text().to_string(), i.cut))
            .unwrap_or_default();
    let before = s.status.message.clone();
    let effects = match kind {
        InputKind::Palette => command::run(s, text.trim()),
        InputKind::Edit => command::edit(s, text.trim()),
        InputKind::Save => command::save(s, text.trim(), false),
        // `/` then enter on nothing typed: no query, as `esc` leaves it (the line was
        // fresh; the query before it is not kept behind an empty one).
        InputKind::Filter | InputKind::Search | InputKind::HelpSearch if text.is_empty() => {
            cleared(s, kind)
        }
        InputKind::Filter | InputKind::Search | InputKind::HelpSearch => vec![],
    };
    // What ran held a paste cut short: said with its outcome, never silently.
    if cut {
        let note = cut_note();
        let said = s.status.message != before;
        match s.status.message.as_mut() {
            // What running said, and the cut with it.
            Some(m) if said => {
                m.text = format!("{} · {note}", m.text);
            }
            // Nothing said (the paste's own note still shown): that it ran so.
            _ => info(s, &format!("ran: {note}")),
        }
    }
    effects
}

/// A query line closed on no query (`esc`, or enter on nothing typed): its filter or search
/// cleared, and what shows it follows.
fn cleared(s: &mut State, kind: InputKind) -> Vec<Effect> {
    match kind {
        InputKind::Filter => s.users.filter.clear(),
        InputKind::Search => s.user.search.clear(),
        InputKind::HelpSearch => set_help_search(s, String::new()),
        InputKind::Palette | InputKind::Edit | InputKind::Save => {}
    }
    live(s, kind)
}

/// The most characters of a paste an input line takes; the rest is left out (and said).
pub const PASTE_MAX: usize = 4096;

/// Text pasted into the terminal, typed into the open input line at its cursor as one line:
/// line breaks and tabs become spaces (line breaks that end it are dropped), other control
/// characters are dropped. None of it is a key: with no input line open (the quit prompt
/// included) the paste is ignored, and the status bar says so.
pub fn paste(s: &mut State, text: &str) -> Vec<Effect> {
    let open = s.ui.overlay != Overlay::ConfirmQuit;
    let Some(input) = s.ui.input.as_mut().filter(|_| open) else {
        info(
            s,
            "paste ignored: no input line is open (/ filters or searches, : commands)",
        );
        return vec![];
    };
    let kind = input.kind;
    if std::mem::take(&mut input.suggested) {
        input.line = tui_input::Input::default();
    }
    let line = one_line(text);
    let kept: String = line.chars().take(PASTE_MAX).collect();
    // Inserted at once, not char by char: the line editor rebuilds its text on each insert.
    let at = input.line.cursor();
    let value = input.line.value();
    let byte = value.char_indices().nth(at).map_or(value.len(), |(b, _)| b);
    let joined = format!("{}{kept}{}", &value[..byte], &value[byte..]);
    input.line = tui_input::Input::new(joined).with_cursor(at + kept.chars().count());
    input.completions.clear();
    input.unmatched = false;
    if kept.len() < line.len() {
        input.cut = true;
    }
    let effects = live(s, kind);
    if kept.len() < line.len() {
        info(s, &cut_note());
    }
    effects
}

/// What is said of a paste cut at [`PASTE_MAX`] characters.
pub fn cut_note() -> String {
    format!(
        "the paste was cut to its first {} characters, the rest left out",
        crate::text::thousands_exact(PASTE_MAX as i128)
    )
}

/// Pasted text as one line of an input: line breaks (`CR LF` as one) and tabs as spaces, those
/// that end it dropped, every other control character dropped.
fn one_line(text: &str) -> String {
    text.trim_end_matches(['\r', '\n'])
        .replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// What a key answers to the quit prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitAnswer {
    /// Save (the save prompt, filled with a file name), then quit once written.
    Save,
    Discard,
    Cancel,
}

/// The quit prompt's answer a key gives, if any: `s` saves, `d` discards and quits, `c` or
/// `esc` stays.
pub fn quit_answer(key: &InputKey) -> Option<QuitAnswer> {
    match key {
        InputKey::Char('s' | 'w' | 'y') | InputKey::Enter => Some(QuitAnswer::Save),
        InputKey::Char('d' | 'n') => Some(QuitAnswer::Discard),
        InputKey::Char('c' | 'q') | InputKey::Esc => Some(QuitAnswer::Cancel),
        _ => None,
    }
}

/// The quit prompt answered.
fn confirm_quit(s: &mut State, key: InputKey) -> Vec<Effect> {
    match quit_answer(&key) {
        Some(QuitAnswer::Save) => {
            s.ui.overlay = Overlay::None;
            command::save_prompt(s);
            s.ui.quit = Quit::AfterSave;
        }
        Some(QuitAnswer::Discard) => {
            s.ui.overlay = Overlay::None;
            s.ui.quit = Quit::Now;
        }
        // Back to what the prompt covered (an overlay open when quit was asked).
        Some(QuitAnswer::Cancel) => {
            s.ui.overlay = std::mem::replace(&mut s.ui.under_quit, Overlay::None)
        }
        None => {}
    }
    vec![]
}

/// Filters and searches follow every key (a filter reads the pages not loaded yet).
fn live(s: &mut State, kind: InputKind) -> Vec<Effect> {
    let text = s.ui.input.as_ref().map(|i| i.text().to_string());
    match kind {
        InputKind::Filter => {
            // A query typed selects its first match, from the top (as fzf and k9s do); rows
            // read on and a cleared filter keep the selection.
            let mut typed = false;
            if let Some(t) = text.filter(|t| *t != s.users.filter) {
                s.users.filter = t;
                typed = true;
            }
            users::reshow_users(s);
            if typed && !s.users.filter.is_empty() {
                s.users.cursor = 0;
            }
            return users::load_rest(s);
        }
        InputKind::Search => {
            if let Some(t) = text {
                s.user.search = t;
            }
            s.user.found = 0;
            // The first match is shown as you type; no match, the view where it was.
            let from = s.user.search_from;
            s.user.scroll = super::nav::scroll_to_match(s, 0, from).unwrap_or(from);
        }
        InputKind::HelpSearch => {
            if let Some(t) = text {
                set_help_search(s, t);
            }
        }
        InputKind::Palette | InputKind::Edit | InputKind::Save => {}
    }
    vec![]
}

fn set_help_search(s: &mut State, text: String) {
    if let Overlay::Help { search, scroll } = &mut s.ui.overlay {
        *search = text;
        *scroll = 0;
    }
}
