//! Which characters a terminal would not show as themselves, and text made inert of them: the
//! classes of characters every shown form starts from (module docs of [`crate::text`]).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown differently from itself in a one-line field.
pub(super) fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}'
        // Invisible format characters that can hide text from the reader (zero-width space,
        // word joiner and invisible operators, the byte-order mark, the Mongolian vowel
        // separator, interlinear annotation marks, tag characters): shown, never silent.
        | '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}'
        | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}'
        // Default-ignorable or blank characters a terminal draws as nothing (soft hyphen,
        // grapheme joiner, Hangul and Khmer fillers, Mongolian selectors, braille blank,
        // musical formatting), which would make `u001` and `u001` + one of them read alike.
        | '\u{ad}' | '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180d}' | '\u{180f}' | '\u{2065}' | '\u{2800}' | '\u{3164}'
        | '\u{ffa0}' | '\u{1d173}'..='\u{1d17a}')
}

/// Variation selectors: part of an emoji (`❤\u{fe0f}`) in text, but in an id nothing a reader
/// can see.
fn variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

/// Appends how `c` (an [`unsafe_char`]) is shown.
pub(super) fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
        '\u{7f}' => out.push('␡'),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Multi-line text made inert: newlines stay, every other control is visible (module docs).
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| unsafe_char(c) && c != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\t' => out.push_str("    "),
            c if unsafe_char(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One-line text made inert: like [`inert`], and a newline is shown as `␊`, a tab as `␉`.
pub fn inert_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a one-line field shows `word` other than as itself.
pub(super) fn shown_changed(word: &str) -> bool {
    word.chars().any(|c| unsafe_char(c) || id_escaped(c))
}

/// Characters an id shows as an escape although text shows them as themselves: they would make
/// two ids read alike ([`crate::text::shown_id`]).
pub(super) fn id_escaped(c: char) -> bool {
    variation_selector(c)
        // The joiners (kept in text, where scripts and emoji need them) and combining marks
        // (`e` + U+0301 reads as `é`, another id): escapes in an id.
        || matches!(c, '\u{200c}' | '\u{200d}')
        || matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
        || ('\u{2400}'..='\u{2426}').contains(&c)
        || (c.is_whitespace() && c != ' ')
}
