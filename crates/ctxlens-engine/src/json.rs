//! JSON as ctxlens writes it (`--json`, snapshot files): exact data, and safe on a terminal.
//!
//! serde_json escapes C0 controls already; this writer also escapes C1 controls, bidi controls
//! and the line and paragraph separators (`\u009b`, `\u202e`, `\u2028`), which are legal raw in
//! JSON strings but reorder or drive a terminal. The escaped string is the same string.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

/// Whether a JSON string writes `c` as a `\uXXXX` escape here (serde_json already escapes C0).
fn escaped(c: char) -> bool {
    matches!(c,
        '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

/// A formatter that escapes the characters of [`escaped`] inside strings.
struct Inert<F>(F);

impl<F: Formatter> Formatter for Inert<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if escaped(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        self.0.write_char_escape(w, escape)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn write<F: Formatter>(value: &impl Serialize, formatter: F) -> String {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert(formatter));
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    // Only whole UTF-8 sequences and ASCII escapes were written.
    String::from_utf8(out).unwrap_or_default()
}

/// Pretty JSON (two-space indent), terminal-safe.
pub fn pretty(value: &impl Serialize) -> String {
    write(value, PrettyFormatter::new())
}

/// Compact JSON on one line (JSON lines output), terminal-safe.
pub fn compact(value: &impl Serialize) -> String {
    write(value, serde_json::ser::CompactFormatter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn escapes_what_drives_a_terminal_and_keeps_the_data() {
        let v = json!({"t": "a\u{1b}]0;x\u{7}b\u{9b}c\u{202e}d\u{2028}é🎉"});
        let text = compact(&v);
        assert_eq!(text, r#"{"t":"a\u001b]0;x\u0007b\u009bc\u202ed\u2028é🎉"}"#);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("parses"), v);
        assert_eq!(pretty(&json!({"a": [1]})), "{\n  \"a\": [\n    1\n  ]\n}");
    }
}

/// Why `what` could not be read as JSON: nested past serde_json's limit is said plainly (it
/// reads 127 levels; the error names the 128th), else serde_json's own reason.
pub fn unreadable(what: &str, e: &serde_json::Error) -> String {
    if e.to_string().starts_with("recursion limit exceeded") {
        format!(
            "{what} is JSON nested deeper than the {DEPTH} levels ctxlens reads (line {}, column {})",
            e.line(),
            e.column()
        )
    } else {
        format!("{what} is not JSON: {e}")
    }
}

/// How deep a JSON value ctxlens reads may nest (serde_json's limit).
pub const DEPTH: usize = 127;

#[cfg(test)]
#[allow(clippy::expect_used)]
mod depth_tests {
    /// A value of the deepest nesting read is read; one level more is said to be too deep, by
    /// the same number the message gives.
    #[test]
    fn the_depth_said_is_the_depth_read() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(serde_json::from_str::<serde_json::Value>(&nested(super::DEPTH)).is_ok());
        let e = serde_json::from_str::<serde_json::Value>(&nested(super::DEPTH + 1))
            .expect_err("too deep");
        assert_eq!(
            super::unreadable("value", &e),
            "value is JSON nested deeper than the 127 levels ctxlens reads (line 1, column 128)"
        );
        let e = serde_json::from_str::<serde_json::Value>("{x").expect_err("not JSON");
        assert!(super::unreadable("value", &e).starts_with("value is not JSON: key must be"));
    }
}
