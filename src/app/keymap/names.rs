//! Key names: the names a keymap writes keys with (`q`, `ctrl-c`, `shift-tab`, `f5`), which of
//! them a key press can make, and the name of a key event.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as written in the keymap: `q`, `G`, `ctrl-c`, `shift-tab`, `enter`, `pagedown`, `f5`.
pub type KeyName = String;

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
pub(super) fn valid_key_name(name: &str) -> bool {
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
pub(super) fn ctrl_lowercase(name: &str) -> KeyName {
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

/// Why the sequence `seq` (typed `keys`, bound to `action` at `file`, the place it is named by)
/// cannot be bound: blank, a name no key press makes, a control key a terminal sends as another
/// key, or ctrl-c anywhere but bound alone to quit.
pub(super) fn check_keys(
    file: &str,
    keys: &str,
    seq: &[KeyName],
    action: &str,
) -> Result<(), String> {
    let q = crate::text::quoted;
    if seq.is_empty() {
        return Err(if keys.is_empty() {
            format!("keymap {file}: empty key for {}", q(action))
        } else {
            format!(
                "keymap {file}: key {} is blank: the space bar is \"space\", the tab key \"tab\"",
                q(keys)
            )
        });
    }
    if let Some(bad) = seq.iter().find(|k| !valid_key_name(k)) {
        return Err(format!(
            "keymap {file}: key {}: {} is not a key name (a character, or \
             ctrl-x, alt-x, shift-tab, {}, f1…f{FUNCTION_KEYS})",
            q(keys),
            q(bad),
            NAMED_KEYS.join(", ")
        ));
    }
    if let Some((typed, sent)) = seq.iter().find_map(|k| sent_as(k).map(|s| (k, s))) {
        return Err(format!(
            "keymap {file}: key {}: a terminal sends {typed} as {sent} (the same byte), so \
             a binding of {typed} never fires: bind {}",
            q(keys),
            q(&sent)
        ));
    }
    // ctrl-c quits whatever the keymap says, so a terminal can always be left: a
    // binding that says otherwise would be silently dead, and is refused.
    if seq.iter().any(|k| k == "ctrl-c") && (seq.len() > 1 || action != "quit") {
        return Err(format!(
            "keymap {file}: key {}: ctrl-c always quits (so the terminal can \
             always be left); it cannot be unbound, rebound or begin a sequence",
            q(keys)
        ));
    }
    Ok(())
}
