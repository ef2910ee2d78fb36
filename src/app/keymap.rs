//! The keymap: key sequences → actions, from TOML (embedded default, user overrides merged on top).

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

/// A key as written in the keymap: `q`, `G`, `ctrl-c`, `shift-tab`, `enter`, `pagedown`, `f5`.
pub type KeyName = String;

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// Sequence (key names) → action, in key order.
    bindings: BTreeMap<Vec<KeyName>, Action>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    /// Absent in a file that is empty or only comments: it changes nothing.
    #[serde(default)]
    keys: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

/// What a key press means given the keys pressed before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Action(Action),
    /// A prefix of a longer sequence: wait for the next key.
    Pending,
    Unbound,
}

impl Default for Keymap {
    fn default() -> Self {
        // The embedded keymap is checked by a unit test.
        #[allow(clippy::expect_used)]
        Keymap::empty()
            .merge(DEFAULT_KEYMAP, "default keymap")
            .expect("embedded keymap is valid")
    }
}

impl Keymap {
    fn empty() -> Self {
        Keymap {
            bindings: BTreeMap::new(),
        }
    }

    /// Adds the bindings of keymap TOML `text` over these; `""` unbinds. Errors name the file and key.
    pub fn merge(mut self, text: &str, file: &str) -> Result<Keymap, String> {
        let parsed: KeymapFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::engine::policy::line_col(text, s.start));
            format!(
                "keymap {file}:{line}:{col}: {}",
                crate::engine::policy::toml_message(text, &e)
            )
        })?;
        // Each sequence as this file spells it: two spellings of one sequence (`ctrl-x` and
        // `ctrl-X`, `g g` and `g  g`) would leave one binding silently dead.
        let mut spelled: BTreeMap<Vec<KeyName>, String> = BTreeMap::new();
        // Where this file binds each sequence, to name the line of a conflict found later.
        let mut bound_at: BTreeMap<Vec<KeyName>, String> = BTreeMap::new();
        // In the file's order, so a conflict is reported at the later of its two lines.
        let mut entries: Vec<_> = parsed.keys.into_iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (keys, action) in entries {
            let (line, col) = crate::engine::policy::line_col(text, keys.span().start);
            let file = format!("{file}:{line}:{col}");
            let (keys, action) = (keys.into_inner(), action.into_inner());
            let seq: Vec<KeyName> = keys.split_whitespace().map(ctrl_lowercase).collect();
            let q = crate::text::quoted;
            if let Some(other) = spelled.insert(seq.clone(), keys.clone())
                && !seq.is_empty()
            {
                return Err(format!(
                    "keymap {file}: keys {} and {} are the same key{} ({}): bind it once",
                    q(&other),
                    q(&keys),
                    if seq.len() > 1 { "s" } else { "" },
                    seq.join(" ")
                ));
            }
            if seq.is_empty() {
                return Err(if keys.is_empty() {
                    format!("keymap {file}: empty key for {}", q(&action))
                } else {
                    format!(
                        "keymap {file}: key {} is blank: the space bar is \"space\", the tab key \"tab\"",
                        q(&keys)
                    )
                });
            }
            if let Some(bad) = seq.iter().find(|k| !valid_key_name(k)) {
                return Err(format!(
                    "keymap {file}: key {}: {} is not a key name (a character, or \
                     ctrl-x, alt-x, shift-tab, {}, f1…f{FUNCTION_KEYS})",
                    q(&keys),
                    q(bad),
                    NAMED_KEYS.join(", ")
                ));
            }
            if let Some((typed, sent)) = seq.iter().find_map(|k| sent_as(k).map(|s| (k, s))) {
                return Err(format!(
                    "keymap {file}: key {}: a terminal sends {typed} as {sent} (the same byte), so \
                     a binding of {typed} never fires: bind {}",
                    q(&keys),
                    q(&sent)
                ));
            }
            // ctrl-c quits whatever the keymap says, so a terminal can always be left: a
            // binding that says otherwise would be silently dead, and is refused.
            if seq.iter().any(|k| k == "ctrl-c") && (seq.len() > 1 || action != "quit") {
                return Err(format!(
                    "keymap {file}: key {}: ctrl-c always quits (so the terminal can \
                     always be left); it cannot be unbound, rebound or begin a sequence",
                    q(&keys)
                ));
            }
            bound_at.insert(seq.clone(), file.clone());
            if action.is_empty() {
                self.bindings.remove(&seq);
                continue;
            }
            let act: Action = toml::Value::String(action.clone())
                .try_into()
                .map_err(|_| {
                    // The names a keymap may use, as the embedded keymap writes them.
                    let names: Vec<String> = Action::BINDABLE
                        .iter()
                        .filter_map(|(a, _)| toml::Value::try_from(a).ok())
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    format!(
                        "keymap {file}: key {}: unknown action {} (actions: {})",
                        q(&keys),
                        q(&action),
                        names.join(", ")
                    )
                })?;
            self.bindings.insert(seq, act);
        }
        // A key bound alone that also begins a sequence: the sequence can never be typed (the
        // key acts at once). Said, naming both, rather than one binding silently dead.
        for (seq, action) in &self.bindings {
            for n in 1..seq.len() {
                if let Some(first) = self.bindings.get(&seq[..n]) {
                    let file = bound_at
                        .get(&seq[..n])
                        .or_else(|| bound_at.get(seq))
                        .map_or(file, String::as_str);
                    return Err(format!(
                        "keymap {file}: {:?} is bound to {} and begins {:?} ({}): the longer one \
                         could never be typed; unbind one (\"{}\" = \"\")",
                        seq[..n].join(" "),
                        action_name(first),
                        seq.join(" "),
                        action_name(action),
                        seq[..n].join(" ")
                    ));
                }
            }
        }
        Ok(self)
    }

    /// What `pending` followed by `key` means.
    pub fn lookup(&self, pending: &[KeyName], key: &str) -> Lookup {
        let mut seq = pending.to_vec();
        seq.push(key.to_string());
        if let Some(a) = self.bindings.get(&seq) {
            return Lookup::Action(a.clone());
        }
        if self
            .bindings
            .keys()
            .any(|k| k.len() > seq.len() && k.starts_with(&seq))
        {
            return Lookup::Pending;
        }
        // A key that completes no sequence begun is read on its own (`g` then `:` opens the
        // palette), not swallowed.
        if !pending.is_empty() {
            return match self.lookup(&[], key) {
                Lookup::Action(a) => Lookup::Action(a),
                // (a key that begins another sequence is dropped with the one begun)
                _ => Lookup::Unbound,
            };
        }
        Lookup::Unbound
    }

    /// Bindings for the help overlay: (keys, action), grouped by action in help order.
    pub fn help(&self) -> Vec<(String, Action)> {
        let mut by_action: Vec<(String, Action)> = Vec::new();
        for (seq, action) in &self.bindings {
            let keys = seq.join(" ");
            match by_action.iter_mut().find(|(_, a)| a == action) {
                Some((k, _)) => {
                    k.push_str(", ");
                    k.push_str(&keys);
                }
                None => by_action.push((keys, action.clone())),
            }
        }
        by_action.sort_by_key(|(_, a)| a.help_rank());
        by_action
    }

    /// The single keys (no sequence) bound to `action`, in the keymap's order.
    pub fn single_keys(&self, action: &Action) -> impl Iterator<Item = &str> {
        self.bindings
            .iter()
            .filter(move |(seq, a)| *a == action && seq.len() == 1)
            .map(|(seq, _)| seq[0].as_str())
    }

    /// The first key bound to `action`, for hints in the status bar.
    pub fn key_for(&self, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| k.join(" "))
    }

    /// The key to name for `action` in a hint or message: `usual` (the default keymap's)
    /// while it is bound to it, else the first key that is; `None` when no key is.
    pub fn key_to_name(&self, action: &Action, usual: &str) -> Option<String> {
        if self.lookup(&[], usual) == Lookup::Action(action.clone()) {
            Some(usual.to_string())
        } else {
            self.key_for(action)
        }
    }
}

/// An action as a keymap file names it (`help`, `toggle_diff`).
fn action_name(a: &Action) -> String {
    match toml::Value::try_from(a) {
        Ok(toml::Value::String(s)) => s,
        _ => format!("{a:?}"),
    }
}

/// The keys with names (besides characters and function keys), as [`key_name`] gives them.
const NAMED_KEYS: &[&str] = &[
    "enter",
    "esc",
    "tab",
    "space",
    "backspace",
    "delete",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
];

/// Function keys f1 to this one can be bound.
const FUNCTION_KEYS: u8 = 24;

/// Whether `name` is a name [`key_name`] can produce: a key press could ever match it.
fn valid_key_name(name: &str) -> bool {
    // Back-tab is `shift-tab` whatever else is held.
    if name == "shift-tab" {
        return true;
    }
    let mut base = name;
    for prefix in ["ctrl-", "alt-"] {
        base = base.strip_prefix(prefix).unwrap_or(base);
    }
    let shifted = base.strip_prefix("shift-");
    let base = shifted.unwrap_or(base);
    // `f5`, never `f05` or `f+5`: the name is written as a key press gives it.
    let function = base
        .strip_prefix('f')
        .and_then(|n| n.parse::<u8>().ok().filter(|k| k.to_string() == n))
        .is_some_and(|n| (1..=FUNCTION_KEYS).contains(&n));
    let named = NAMED_KEYS.contains(&base) || function;
    // A control character never arrives as itself: the terminal sends it as `ctrl-x`, `esc`…
    let single =
        base.chars().count() == 1 && !base.chars().any(|c| c.is_whitespace() || c.is_control());
    // Shift is part of a character ("G") and of the space bar's name, so `shift-` goes only
    // with the other named keys; tab with shift is back-tab, named above.
    match shifted {
        Some(_) => named && base != "space" && base != "tab",
        None => named || single,
    }
}

/// The key a terminal sends for `name` when it is a control key that is another key's byte,
/// so a binding of it is dead: ctrl-i is tab, ctrl-m enter, ctrl-[ esc; ctrl-\ ctrl-] ctrl-^
/// ctrl-_ are the bytes read as ctrl-4 … ctrl-7, ctrl-@ the one read as ctrl-space (with alt
/// too, but esc: esc twice, alt-esc or ctrl-alt-[, is read as esc).
fn sent_as(name: &str) -> Option<String> {
    if name == "alt-esc" {
        return Some("esc".into());
    }
    let (alt, base) = match name.strip_prefix("ctrl-alt-") {
        Some(base) => ("alt-", base),
        None => ("", name.strip_prefix("ctrl-")?),
    };
    let sent = match base {
        "i" => format!("{alt}tab"),
        "m" => format!("{alt}enter"),
        "[" => "esc".to_string(),
        "\\" => format!("ctrl-{alt}4"),
        "]" => format!("ctrl-{alt}5"),
        "^" => format!("ctrl-{alt}6"),
        "_" => format!("ctrl-{alt}7"),
        "@" => format!("ctrl-{alt}space"),
        _ => return None,
    };
    Some(sent)
}

/// A key name as it will be looked up: a terminal sends ctrl with a letter as the same byte
/// whether shift is held or not, so `ctrl-C` is `ctrl-c` (and so always quits).
fn ctrl_lowercase(name: &str) -> KeyName {
    let capital = |rest: &str| rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_uppercase());
    if ["ctrl-", "ctrl-alt-"]
        .iter()
        .any(|p| name.strip_prefix(p).is_some_and(capital))
    {
        // The letter is one ASCII byte, the last.
        return name.to_ascii_lowercase();
    }
    name.to_string()
}

/// The keymap name of a key event (`ctrl-c`, `G`, `enter`), or `None` for keys that have none.
pub fn key_name(ev: &KeyEvent) -> Option<KeyName> {
    let base = match ev.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => return Some("shift-tab".into()),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    let mut name = String::new();
    if ev.modifiers.contains(KeyModifiers::CONTROL) {
        name.push_str("ctrl-");
    }
    if ev.modifiers.contains(KeyModifiers::ALT) {
        name.push_str("alt-");
    }
    // Shift is part of the character itself ("G", "?"); name it only for keys without one.
    if ev.modifiers.contains(KeyModifiers::SHIFT) && !matches!(ev.code, KeyCode::Char(_)) {
        name.push_str("shift-");
    }
    name.push_str(&base);
    Some(ctrl_lowercase(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keymap_binds_vim_motions_and_sequences() {
        let k = Keymap::default();
        assert_eq!(k.lookup(&[], "j"), Lookup::Action(Action::Down));
        assert_eq!(k.lookup(&[], "g"), Lookup::Pending);
        assert_eq!(k.lookup(&["g".into()], "g"), Lookup::Action(Action::Top));
        assert_eq!(k.lookup(&[], "G"), Lookup::Action(Action::Bottom));
        assert_eq!(k.lookup(&[], "x"), Lookup::Unbound);
        assert_eq!(
            k.lookup(&["g".into()], ":"),
            Lookup::Action(Action::Palette)
        );
        assert_eq!(
            k.lookup(&["g".into()], "5"),
            Lookup::Action(Action::ShowTune)
        );
        assert_eq!(k.lookup(&["g".into()], "x"), Lookup::Unbound);
        assert_eq!(k.key_for(&Action::Help).as_deref(), Some("?"));
    }

    #[test]
    fn user_overrides_rebind_and_unbind() {
        let k = Keymap::default()
            .merge("[keys]\n\"x\" = \"quit\"\n\"q\" = \"\"\n", "user.toml")
            .expect("valid");
        assert_eq!(k.lookup(&[], "x"), Lookup::Action(Action::Quit));
        assert_eq!(k.lookup(&[], "q"), Lookup::Unbound);
        let err = Keymap::default()
            .merge("[keys]\n\"x\" = \"explode\"\n", "user.toml")
            .expect_err("bad action");
        // The actions it could have named are listed, each as the keymap writes it.
        assert!(
            err.starts_with(
                "keymap user.toml:2:1: key \"x\": unknown action \"explode\" (actions: help, close, quit, "
            ),
            "{err}"
        );
        for name in ["toggle_tuned", "reset_tuning", "optimize)"] {
            assert!(err.contains(name), "{name}: {err}");
        }
        let err = Keymap::default()
            .merge("[keys]\n\"x\" = 3\n", "user.toml")
            .expect_err("bad type");
        assert!(err.starts_with("keymap user.toml:2:7: "), "{err}");
    }

    /// An empty keymap file, or one of comments only, keeps the built-in keys.
    #[test]
    fn an_empty_keymap_file_changes_nothing() {
        for text in ["", "# my keys, some day\n"] {
            let k = Keymap::default().merge(text, "user.toml").expect(text);
            assert_eq!(k, Keymap::default(), "{text:?}");
        }
    }

    /// Two spellings of one key in a file are refused, naming both: one binding would be
    /// silently dead otherwise.
    #[test]
    fn one_key_spelled_twice_in_a_file_is_refused() {
        for (text, a, b) in [
            (
                "\"ctrl-x\" = \"help\"\n\"ctrl-X\" = \"quit\"",
                "ctrl-x",
                "ctrl-X",
            ),
            ("\"g  g\" = \"top\"\n\"g g\" = \"bottom\"", "g  g", "g g"),
        ] {
            let text = format!("[keys]\n{text}\n");
            let err = Keymap::default()
                .merge(&text, "user.toml")
                .expect_err(&text);
            assert!(
                err.starts_with(&format!(
                    "keymap user.toml:3:1: keys \"{a}\" and \"{b}\" are the same key"
                )),
                "{text}: {err}"
            );
        }
        // The same spelling twice is TOML's duplicate key, named with where it is.
        let err = Keymap::default()
            .merge("[keys]\n\"x\" = \"quit\"\n\"x\" = \"help\"\n", "user.toml")
            .expect_err("a key twice");
        assert_eq!(err, "keymap user.toml:3:1: duplicate key \"x\"");
        // A key of the built-in keymap rebound by a file is not a second spelling.
        let k = Keymap::default()
            .merge("[keys]\n\"ctrl-X\" = \"quit\"\n", "user.toml")
            .expect("rebinds");
        assert_eq!(k.lookup(&[], "ctrl-x"), Lookup::Action(Action::Quit));
    }

    #[test]
    fn ctrl_c_cannot_be_unbound_or_rebound() {
        for line in [
            "\"ctrl-c\" = \"\"",
            "\"ctrl-c\" = \"help\"",
            "\"ctrl-c x\" = \"help\"",
            "\"g ctrl-c\" = \"top\"",
        ] {
            let text = format!("[keys]\n{line}\n");
            let err = Keymap::default().merge(&text, "user.toml").expect_err(line);
            assert!(err.contains("ctrl-c always quits"), "{line}: {err}");
        }
        // With shift held it is the same key.
        let err = Keymap::default()
            .merge("[keys]\n\"ctrl-C\" = \"help\"\n", "user.toml")
            .expect_err("ctrl-C is ctrl-c");
        assert!(err.contains("ctrl-c always quits"), "{err}");
        let shifted = KeyEvent::new(
            KeyCode::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(key_name(&shifted).as_deref(), Some("ctrl-c"));
        let same = Keymap::default().merge("[keys]\n\"ctrl-c\" = \"quit\"\n", "user.toml");
        assert_eq!(
            same.map(|k| k.lookup(&[], "ctrl-c")),
            Ok(Lookup::Action(Action::Quit))
        );
    }

    #[test]
    fn control_keys_a_terminal_sends_as_other_keys_are_refused() {
        for (typed, sent) in [
            ("ctrl-i", "tab"),
            ("ctrl-m", "enter"),
            ("ctrl-[", "esc"),
            ("ctrl-I", "tab"),
            ("ctrl-alt-m", "alt-enter"),
            ("ctrl-alt-[", "esc"),
            ("alt-esc", "esc"),
            ("ctrl-\\", "ctrl-4"),
            ("ctrl-]", "ctrl-5"),
            ("ctrl-^", "ctrl-6"),
            ("ctrl-_", "ctrl-7"),
            ("ctrl-@", "ctrl-space"),
            ("ctrl-alt-]", "ctrl-alt-5"),
        ] {
            let text = format!("[keys]\n{} = \"help\"\n", toml::Value::from(typed));
            let err = Keymap::default()
                .merge(&text, "user.toml")
                .expect_err(typed);
            assert!(
                err.contains(&format!(
                    "a terminal sends {} as {sent}",
                    ctrl_lowercase(typed)
                )) && err.ends_with(&format!("bind \"{sent}\"")),
                "{err}"
            );
        }
        for fine in ["ctrl-h", "ctrl-j", "ctrl-x", "tab", "alt-i"] {
            let text = format!("[keys]\n\"{fine}\" = \"help\"\n");
            assert!(
                Keymap::default().merge(&text, "user.toml").is_ok(),
                "{fine}"
            );
        }
    }

    #[test]
    fn key_names_that_no_key_press_makes_are_refused() {
        for good in [
            "q",
            "G",
            "?",
            "ctrl-c",
            "alt-x",
            "ctrl-alt-d",
            "shift-tab",
            "f5",
            "f24",
            "pagedown",
        ] {
            assert!(valid_key_name(good), "{good}");
            let text = format!("[keys]\n\"{good}\" = \"quit\"\n");
            assert!(
                Keymap::default().merge(&text, "user.toml").is_ok(),
                "{good}"
            );
        }
        for bad in [
            "ctrl+c",
            "Ctrl-C",
            "enterr",
            "f25",
            "f99",
            "shift-g",
            "ab",
            "f01",
            "f+1",
            "ctrl-shift-tab",
            "alt-shift-tab",
            "shift-space",
        ] {
            let text = format!("[keys]\n\"{bad}\" = \"quit\"\n");
            let err = Keymap::default().merge(&text, "user.toml").expect_err(bad);
            assert!(
                err.starts_with(&format!(
                    "keymap user.toml:2:1: key \"{bad}\": \"{bad}\" is not a key name"
                )),
                "{err}"
            );
            // The names it lists are the names that bind: f1 to f24 among them.
            assert!(err.ends_with(", pageup, pagedown, f1…f24)"), "{err}");
        }
        // A control character never arrives as itself (the terminal sends ctrl-c, esc…).
        for escaped in ["\\u0003", "\\u001b", "\\u0000"] {
            let text = format!("[keys]\n\"{escaped}\" = \"help\"\n");
            let err = Keymap::default().merge(&text, "user.toml");
            assert!(
                err.as_ref().is_err_and(|e| e.contains("is not a key name")),
                "{escaped}: {err:?}"
            );
        }
        // Every name the default keymap uses is one a key press makes.
        let names: Vec<String> = Keymap::default()
            .bindings
            .keys()
            .flatten()
            .cloned()
            .collect();
        assert!(names.iter().all(|n| valid_key_name(n)), "{names:?}");
    }

    #[test]
    fn every_bindable_action_has_help_and_a_place() {
        for (i, (a, help)) in Action::BINDABLE.iter().enumerate() {
            assert_eq!(a.describe(), *help);
            assert_eq!(a.help_rank(), i);
            assert!(!help.is_empty());
        }
        assert_eq!(Action::ShowReport.describe(), "fleet report screen");
        assert_eq!(Action::Tick.describe(), "");
    }

    #[test]
    fn help_lists_every_bound_action_once() {
        let help = Keymap::default().help();
        assert_eq!(help[0], ("?".to_string(), Action::Help));
        let quit = help
            .iter()
            .find(|(_, a)| *a == Action::Quit)
            .expect("quit bound");
        assert_eq!(quit.0, "ctrl-c");
        let close = help
            .iter()
            .find(|(_, a)| *a == Action::Close)
            .expect("close bound");
        assert_eq!(close.0, "q");
        let mut actions: Vec<&Action> = help.iter().map(|(_, a)| a).collect();
        actions.dedup();
        assert_eq!(actions.len(), help.len());
    }

    #[test]
    fn key_names() {
        let ev = |code, m| KeyEvent::new(code, m);
        assert_eq!(
            key_name(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)).as_deref(),
            Some("ctrl-c")
        );
        assert_eq!(
            key_name(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)).as_deref(),
            Some("G")
        );
        assert_eq!(
            key_name(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)).as_deref(),
            Some("shift-tab")
        );
        assert_eq!(
            key_name(&ev(KeyCode::PageDown, KeyModifiers::NONE)).as_deref(),
            Some("pagedown")
        );
    }

    /// A key bound alone that begins a sequence (`g` to help, beside `g g` to top) is refused
    /// naming both: the sequence could never be typed.
    #[test]
    fn a_key_that_begins_a_sequence_cannot_be_bound_alone() {
        let err = Keymap::default()
            .merge("[keys]\n\"g\" = \"help\"\n", "keymap.toml")
            .expect_err("g begins g g");
        assert!(
            err.starts_with(
                "keymap keymap.toml:2:1: \"g\" is bound to help and begins \"g g\" (top)"
            ),
            "{err}"
        );
        // Unbinding the sequence first makes it fine.
        assert!(
            Keymap::default()
                .merge("[keys]\n\"g g\" = \"\"\n\"g\" = \"help\"\n", "keymap.toml")
                .is_ok()
        );
    }
}
