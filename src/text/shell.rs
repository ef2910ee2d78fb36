//! Words as a shell reads them back: a user id or file name quoted to paste (`'a b'`, `$'x\x1b'`)
//! and read back as typed.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::inert::{id_escaped, inert_line, shown_changed, unsafe_char};

/// Whether `word` reads the same unquoted in a POSIX shell: every character in
/// `[A-Za-z0-9._:-]`.
pub fn shell_plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c))
}

/// `word` as one argument of a shell: as it is when [`shell_plain`], else in single quotes (a
/// `'` inside closes, escapes and reopens them); a word a terminal would not show as itself
/// (controls, invisible or look-alike characters) as an [`ansi_c`] string instead, so what is
/// shown pastes back as exactly `word`. A user id `y` copies is this: pasted after `ctxlens
/// inspect` it opens that user and no other, never runs what the id holds, and the clipboard
/// never carries a control character.
pub fn shell_word(word: &str) -> Cow<'_, str> {
    if shell_plain(word) {
        return Cow::Borrowed(word);
    }
    if shown_changed(word) {
        return Cow::Owned(ansi_c(word));
    }
    Cow::Owned(format!("'{}'", word.replace('\'', r"'\''")))
}

/// `word` as a bash/zsh ANSI-C string (`$'x\x1b]0;t\x07'`, `$'u019\xc2\xa0'`): every control
/// or look-alike character escaped byte by byte (`\x` reads the same in every locale; `\u` does
/// not in C), so it reads back as exactly `word` and holds no control character itself.
pub fn ansi_c(word: &str) -> String {
    let mut out = String::from("$'");
    for c in word.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if unsafe_char(c) || id_escaped(c) => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A user id typed as ctxlens writes one, read back: `"h1 "` (as lists show an id with edge
/// spaces or the empty one, JSON escapes inside), `'a b'` and `$'x\x1b'` (as `y` copies one,
/// [`shell_word`]); anything else is the id as typed. `Err` says what does not read.
pub fn typed_id(arg: &str) -> Result<String, String> {
    typed_word(arg, "id")
}

/// A file name typed as an id is ([`typed_id`]): `"my policy.toml"` unquoted.
pub fn typed_file(arg: &str) -> Result<String, String> {
    typed_word(arg, "file name")
}

/// [`typed_id`], its error calling the word `what`.
fn typed_word(arg: &str, what: &str) -> Result<String, String> {
    if arg.starts_with('"') {
        return serde_json::from_str::<String>(arg)
            .map_err(|e| format!("{}: not a quoted {what} ({e})", inert_line(arg)));
    }
    if let Some(body) = arg.strip_prefix("$'").and_then(|b| b.strip_suffix('\'')) {
        let mut bytes = Vec::new();
        let mut it = body.chars();
        while let Some(c) = it.next() {
            match (c, c == '\\') {
                (_, false) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                (_, true) => match it.next() {
                    Some('x') => {
                        let hex: String = it.by_ref().take(2).collect();
                        let b = u8::from_str_radix(&hex, 16).map_err(|_| {
                            format!("{}: \\x takes two hex digits", inert_line(arg))
                        })?;
                        bytes.push(b);
                    }
                    Some(e @ ('\\' | '\'' | '"')) => bytes.push(e as u8),
                    Some('n') => bytes.push(b'\n'),
                    Some('t') => bytes.push(b'\t'),
                    Some('r') => bytes.push(b'\r'),
                    Some('e' | 'E') => bytes.push(0x1b),
                    _ => {
                        return Err(format!(
                            "{}: an escape ctxlens does not write",
                            inert_line(arg)
                        ));
                    }
                },
            }
        }
        return String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", inert_line(arg)));
    }
    if arg.len() >= 2 && arg.starts_with('\'') && arg.ends_with('\'') {
        // A `'` inside is written `'\''`: close, escaped quote, open.
        return Ok(arg[1..arg.len() - 1].replace("'\\''", "'"));
    }
    Ok(arg.to_string())
}
