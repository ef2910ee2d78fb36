//! Text as a person reads it: stored text made inert for a terminal, and one-line previews.
//!
//! Everything shown to a person (CLI tables and text, the prompt on a terminal, markdown and CSV
//! reports, TUI cells, status and error messages) goes through [`inert`] or [`inert_line`], so
//! that text someone else typed can never drive the reader's terminal:
//! - C0 controls and DEL become their Unicode control pictures (`ESC` → `␛`, `BEL` → `␇`,
//!   `BS` → `␈`, a bare `CR` → `␍`, `DEL` → `␡`): one visible cell each.
//! - C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//!   U+2066–U+2069), the line and paragraph separators (U+2028, U+2029) and the invisible format
//!   characters that can hide text (U+200B, U+2060–U+2064, U+FEFF, U+180E, U+FFF9–U+FFFB, tag
//!   characters U+E0000–U+E007F), and the characters a terminal draws as nothing (soft hyphen,
//!   fillers, braille blank, …) are written as escapes, `\u{202e}`. The joiners emoji and
//!   scripts need (U+200C, U+200D) and variation selectors stay (in an id: [`shown_id`]).
//! - Multi-line text keeps its newlines (a `CR LF` pair reads as one newline) and shows a tab as
//!   four spaces; in a one-line field a newline is `␊` and a tab `␉`.
//!
//! `--json` output keeps the data exact: it goes through [`crate::engine::json`] instead.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

mod inert;
mod shell;

use inert::{id_escaped, push_visible, shown_changed, unsafe_char};
pub use inert::{inert, inert_line};
pub use shell::{ansi_c, shell_plain, shell_word, typed_file, typed_id};

/// One line of a command's output made inert but for its own colours: every SGR sequence
/// (`ESC [ digits/; m`, as `paint` writes them) stays, and the rest is [`inert_line`] — a
/// backstop for output that puts names from a file or a flag among painted text.
pub fn inert_but_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&inert_line(&rest[..at]));
        let tail = &rest[at..];
        let sgr = tail.strip_prefix("\x1b[").and_then(|body| {
            let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (body[end..].starts_with('m')).then_some(2 + end + 1)
        });
        match sgr {
            Some(len) => {
                out.push_str(&tail[..len]);
                rest = &tail[len..];
            }
            None => {
                out.push_str(&inert_line("\x1b"));
                rest = &tail[1..];
            }
        }
    }
    out.push_str(&inert_line(rest));
    out
}

/// `text` as a TOML basic string that is safe to show and copy: quotes, backslashes and every
/// character [`inert_line`] would change written as TOML escapes (`\u001B`, `\u202E`), so the
/// string reads back as exactly `text`.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Bytes that may not be UTF-8 (a key's name, a file's), the invalid ones written `\xHH`: two
/// names never read alike, as `�` would make them.
pub fn escaped_bytes(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// A file's path as a message names it: bytes that are not UTF-8 escaped (`\xFF`), and the whole
/// of it in double quotes, `\` and `"` escaped, when it holds a quote of either kind — else a
/// quote in the name would pair with one of the message's and leave a value it quotes outside
/// every quote, where `--redact`'s masking of quoted values cannot find it.
pub fn path_in_message(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let shown = {
        use std::os::unix::ffi::OsStrExt;
        escaped_bytes(path.as_os_str().as_bytes())
    };
    #[cfg(not(unix))]
    let shown = path.display().to_string();
    if !shown.contains(['"', '`']) {
        return shown;
    }
    let mut out = String::from('"');
    for c in shown.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A file's name as [`escaped_bytes`] shows it.
pub fn file_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escaped_bytes(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// The non-blank lines of `text` on one line, each trimmed and joined by ` ⏎ `, made inert and
/// cut to `max` display columns with an ellipsis: a turn shows its answer after its question as
/// far as the room goes, and five thousand lines never read as one.
pub fn preview(text: &str, max: usize) -> String {
    let mut joined = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !joined.is_empty() {
            joined.push_str(" ⏎ ");
        }
        // Enough to fill the room (and show that more follows): a value may be megabytes.
        let take = line
            .char_indices()
            .nth(shown_room(max).saturating_sub(joined.len()))
            .map_or(line.len(), |(at, _)| at);
        joined.push_str(&line[..take]);
        if joined.len() > max.saturating_mul(4).saturating_add(8) {
            break;
        }
    }
    fit(&joined, max)
}

/// How many characters of a text can matter to `max` columns of it: past them a text is cut
/// whatever it holds (no character a terminal draws takes 16 a column).
fn shown_room(max: usize) -> usize {
    max.saturating_mul(16).saturating_add(64)
}

/// One line made inert and cut to `max` display columns with an ellipsis; its indentation stays.
pub fn fit(text: &str, max: usize) -> String {
    // A value may be megabytes: only its start can show.
    let (text, cut) = match text.char_indices().nth(shown_room(max)) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    };
    let line = inert_line(text);
    if !cut && line.width() <= max {
        return line.into_owned();
    }
    // Cut between whole characters as a person sees them (an emoji of several code points
    // joined is one, as wide as the terminal draws it): never inside one.
    let mut out = String::new();
    let mut width = 0;
    for g in units(&line) {
        let w = g.width();
        if width + w + 1 > max {
            break;
        }
        width += w;
        out.push_str(g);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Where an inert line may be cut: between characters as a person sees them (an emoji of
/// several code points joined is one), and never inside an escape (`\u{202e}` is one).
fn units(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let escape = rest.strip_prefix("\\u{").and_then(|body| {
            let end = body.find('}')?;
            (end > 0 && body[..end].chars().all(|c| c.is_ascii_hexdigit())).then_some(3 + end + 1)
        });
        let len = escape.unwrap_or_else(|| {
            unicode_segmentation::UnicodeSegmentation::graphemes(rest, true)
                .next()
                .map_or(rest.len(), str::len)
        });
        let (unit, after) = rest.split_at(len);
        rest = after;
        Some(unit)
    })
}

/// `text` padded with spaces to `width` display columns (a wide character takes two, which
/// `format!`'s padding, counting characters, does not know).
pub fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// The most characters [`quoted`] shows whole.
const QUOTED_MAX: usize = 80;

/// `text` in double quotes as a message quotes a stored value: inert (`"M␛[2J9"`, as every
/// other place shows it), with `\` and `"` escaped by a backslash so that the value ends at its
/// closing quote and `--redact`'s masking of quoted values finds all of it.
///
/// Escaped from the stored characters, not from their inert form: a control shows as it does
/// everywhere (`\u{202e}`, one backslash), and only a backslash that is stored is doubled.
///
/// A long value (over 80 characters) is cut to its first 60 and its length said (`"xxxx"…
/// (3,000 characters)`): a pasted megabyte never buries the sentence it is quoted in.
pub fn quoted(text: &str) -> String {
    let (shown, cut) = match text.char_indices().nth(QUOTED_MAX) {
        None => (text, false),
        Some(_) => (
            &text[..text.char_indices().nth(60).map_or(text.len(), |(at, _)| at)],
            true,
        ),
    };
    let mut out = String::with_capacity(shown.len() + 2);
    out.push('"');
    for c in shown.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if unsafe_char(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    if cut {
        out.push_str(&format!(
            "… ({} characters)",
            thousands_exact(text.chars().count() as i128)
        ));
    }
    out
}

/// An id inside a message: [`shown_id`], or for an id too long to read in one (a 10 MB line of a
/// `--users` file), its start [`quoted`] with its length.
pub fn id_in_message(id: &str) -> Cow<'_, str> {
    if id.chars().nth(QUOTED_MAX).is_some() {
        Cow::Owned(quoted(id))
    } else {
        shown_id(id)
    }
}

/// `s` begun with a capital, as a sentence or a title begins.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A user id as a one-line field: inert, and shown so that two different ids never read alike.
///
/// - The empty id (legal in the stores) is `""`, so its row does not read as a row without a
///   user; an id that starts or ends in a space, or starts with `"`, is quoted (`"h1 "`), with
///   `"` inside written `\"`.
/// - Controls and invisible characters are shown as [`inert_line`] shows them (`␛`, `\u{202e}`);
///   what could be taken for one of those is escaped too: a backslash is `\\`, a control
///   picture typed as itself (`␛`) is `\u{241b}`, a space other than the ASCII one (no-break,
///   figure, ideographic, …) and a variation selector are `\u{..}`.
pub fn shown_id(id: &str) -> Cow<'_, str> {
    if id.is_empty() {
        return Cow::Borrowed("\"\"");
    }
    let quote = id.starts_with(' ') || id.ends_with(' ') || id.starts_with('"');
    if !quote && !id.contains('\\') && !shown_changed(id) {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len() + 8);
    if quote {
        out.push('"');
    }
    for c in id.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if quote => out.push_str("\\\""),
            c if unsafe_char(c) => push_visible(&mut out, c),
            c if id_escaped(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    if quote {
        out.push('"');
    }
    Cow::Owned(out)
}

/// One line of text made inert and cut to `max` columns in the middle (`3f2a9c1e…4e5f#12`): an
/// id keeps its start and its end, where what tells ids apart (`#n`) usually is.
pub fn fit_middle(text: &str, max: usize) -> String {
    let line = inert_line(text);
    if line.width() <= max {
        return line.into_owned();
    }
    if max < 3 {
        return fit(&line, max);
    }
    let chars: Vec<&str> = units(&line).collect();
    let width = |g: &&str| g.width();
    // The end takes half of what is left after the `…`, the start the rest (one pass each
    // way: an id may be long).
    let tail_room = (max - 1) / 2;
    let (mut tail, mut tail_width) = (chars.len(), 0);
    while tail > 0 && tail_width + width(&chars[tail - 1]) <= tail_room {
        tail -= 1;
        tail_width += width(&chars[tail]);
    }
    let head_room = max - 1 - tail_width;
    let (mut head, mut head_width) = (0, 0);
    while head < tail && head_width + width(&chars[head]) <= head_room {
        head_width += width(&chars[head]);
        head += 1;
    }
    let mut out: String = chars[..head].concat();
    out.push('…');
    out.push_str(&chars[tail..].concat());
    out
}

/// Where one line of inert text (no newline) breaks into screen rows `width` cells wide: each
/// row's byte range, in order. Words move whole to the next row; a word wider than a row breaks
/// between graphemes (never inside an emoji sequence or a flag), filling the row it starts on; the spaces at a break belong to no row.
/// An empty line is one empty row. Everything that draws wrapped text and everything that
/// scrolls it counts rows with this, so a scroll bound is what is drawn.
pub fn wrap(line: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let breaks = |c: char| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}');
    let mut rows = Vec::new();
    // The row being filled: where it starts, where its last word ends, where the spaces after
    // that word end, its width, and whether spaces filled it.
    let (mut start, mut end, mut tail, mut used, mut full) = (0, 0, 0, 0, false);
    let mut at = 0;
    while at < line.len() {
        let space = line[at..].starts_with(breaks);
        let len = line[at..]
            .find(|c: char| breaks(c) != space)
            .unwrap_or(line.len() - at);
        let run = &line[at..at + len];
        let w = run.width();
        if space {
            if used + w <= width && !full {
                tail = at + len;
                used += w;
            } else if used == 0 {
                // Wider than a row on a row of its own: none of it shows.
                (start, end, tail) = (at + len, at + len, at + len);
            } else {
                // The rest end the row.
                full = true;
            }
        } else if used + w <= width && !full {
            (end, tail) = (at + len, at + len);
            used += w;
        } else if w <= width && !run.chars().any(|c| c.width() == Some(2)) {
            // A word that does not fit goes to the next row whole; a run of wide characters
            // (Japanese, Chinese: a line may break between any two) fills this row first.
            rows.push(start..end);
            (start, end, tail, used, full) = (at, at + len, at + len, w, false);
        } else {
            if full {
                rows.push(start..end);
                (start, end, used, full) = (at, at, 0, false);
            }
            // Broken between graphemes: an emoji sequence, a flag or a letter and its accent
            // is never cut in two, nor an escape shown for a character (`\u{200d}`).
            // (An escape wider than a row is broken between its characters after all.)
            let pieces = units(run)
                .scan(0, |at, u| {
                    let i = *at;
                    *at += u.len();
                    Some((i, u))
                })
                .flat_map(|(i, u)| {
                    // (a grapheme is kept whole even so: only an escape, ASCII, is cut)
                    let whole = u.width() <= width || !u.starts_with("\\u{");
                    let parts: Vec<(usize, &str)> = if whole {
                        vec![(i, u)]
                    } else {
                        u.char_indices()
                            .map(|(j, c)| (i + j, &u[j..j + c.len_utf8()]))
                            .collect()
                    };
                    parts
                });
            for (i, g) in pieces {
                let cw = g.width();
                if used + cw > width && used > 0 {
                    rows.push(start..end);
                    (start, used) = (at + i, 0);
                }
                end = at + i + g.len();
                used += cw;
            }
            tail = end;
        }
        at += len;
    }
    rows.push(start..tail);
    rows
}

/// `text` (made inert) word-wrapped into rows of at most `width` columns; runs of spaces
/// become one.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let text = inert_line(text);
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match out.last_mut() {
            Some(cur) if cur.width() + 1 + w.width() <= width => {
                cur.push(' ');
                cur.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
    }
    out
}

/// `1 trial`, `2,000 trials`: `n` with thousands separators and the noun for it.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n as f64, 0))
    }
}

/// `1234.5` → `1,234.5`; whole numbers without decimals.
pub fn thousands(v: f64, decimals: usize) -> String {
    grouped(&format!("{v:.decimals$}"))
}

/// A whole number with its thousands grouped, exactly (past 2^53 too, where an f64 rounds).
pub fn thousands_exact(v: i128) -> String {
    grouped(&v.to_string())
}

/// A number written out (`-1234.5`) with commas between its thousands.
fn grouped(s: &str) -> String {
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests;
