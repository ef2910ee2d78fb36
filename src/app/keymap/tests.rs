//! The keymap's tests: the default keys, a user's file merged over them, and every key name
//! or binding a file is refused for.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::names::valid_key_name;
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
        err.starts_with("keymap keymap.toml:2:1: \"g\" is bound to help and begins \"g g\" (top)"),
        "{err}"
    );
    // Unbinding the sequence first makes it fine.
    assert!(
        Keymap::default()
            .merge("[keys]\n\"g g\" = \"\"\n\"g\" = \"help\"\n", "keymap.toml")
            .is_ok()
    );
}
