//! Where in a policy file something is wrong, and what, in the words of its reader.

use toml::de::{DeTable, DeValue};

use super::PolicyError;

pub(super) fn syntax_error(text: &str, file: &str, e: &toml::de::Error) -> PolicyError {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    PolicyError::Syntax {
        file: file.into(),
        line,
        column,
        message: toml_message(text, e),
    }
}

/// What a TOML file `text` has wrong, in words: Rust's type names said plainly, and a key
/// written twice named (it is where the error points).
pub fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = plain_expected(e.message().trim());
    if message == "duplicate key"
        && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
        && !key.is_empty()
        && key.chars().count() <= 80
    {
        return format!("duplicate key {}", key.trim_matches(['[', ']']).trim());
    }
    message
}

/// serde's `…, expected u32` in words: a reader of a policy file is not told Rust's type names.
pub fn plain_expected(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_string();
    };
    // An integer past TOML's 64 bits, read as i128: a number all the same, out of range.
    let head = match head
        .strip_prefix("invalid type: integer `")
        .and_then(|n| n.strip_suffix("` as i128"))
    {
        Some(n) => format!("{n} is out of range"),
        // A whole number past 64 bits in JSON, which serde_json reads as a float.
        None if head
            .strip_prefix("invalid type: floating point `")
            .and_then(|rest| rest.split_once('`'))
            .and_then(|(n, _)| n.parse::<f64>().ok())
            .is_some_and(|f| f >= 2f64.powi(64)) =>
        {
            "a number too large".to_string()
        }
        None => head.to_string(),
    };
    let words = match expected {
        "u8" | "u16" | "u32" => "a whole number from 0 to 4294967295",
        "u64" | "usize" => "a whole number ≥ 0",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        _ => return message.to_string(),
    };
    format!("{head}, expected {words}")
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where `key` — a dotted path as a policy's checks name it, in which the segment after an
/// array of tables (`layers.journey.weight`) is the `name` of one of its tables, as many
/// segments as the longest name that matches (`layers.chat.v2.weight`) and of two tables of one
/// name the second (the one a "used twice" names) — is written in `text`: the line and column
/// of the deepest part of it the file writes.
pub(super) fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    // The budget's checks name the table; the figure that is wrong is its first key written.
    if key == "budget"
        && let Some(at) = ["budget.total", "budget.model_max_tokens"]
            .iter()
            .find_map(|k| written_at(text, k).filter(|(_, whole)| *whole))
    {
        return Some(line_col(text, at.0));
    }
    written_at(text, key).map(|(at, _)| line_col(text, at))
}

/// The byte offset of the deepest part of `key` written in `text`, and whether that is all of it.
fn written_at(text: &str, key: &str) -> Option<(usize, bool)> {
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable = doc.get_ref();
    let mut at = None;
    let segs: Vec<&str> = key.split('.').collect();
    let mut i = 0;
    while i < segs.len() {
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == segs[i]) else {
            break;
        };
        at = Some(k.span().start);
        i += 1;
        match v.get_ref() {
            DeValue::Table(t) => table = t,
            DeValue::Array(items) => {
                let named = |name: &str| {
                    items.iter().rev().find_map(|item| match item.get_ref() {
                        DeValue::Table(t) => t
                            .iter()
                            .find(|(k, v)| {
                                k.get_ref() == "name"
                                    && matches!(v.get_ref(), DeValue::String(s) if s == name)
                            })
                            .map(|(k, _)| (k.span().start, t)),
                        _ => None,
                    })
                };
                let found = (i + 1..=segs.len())
                    .rev()
                    .find_map(|end| named(&segs[i..end].join(".")).map(|f| (f, end)));
                let Some(((name_at, t), end)) = found else {
                    break;
                };
                at = Some(name_at);
                table = t;
                i = end;
            }
            _ => break,
        }
    }
    at.map(|a| (a, i == segs.len()))
}

/// Whether `c` reorders or hides text where a file is shown (`cat`, an editor): bidi controls,
/// C1 controls, line and paragraph separators.
fn invisible(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `text` (TOML of `policy`) with each string holding an [`invisible`] character written again
/// as a basic string, those characters escaped (`\u202E`): the writer may have put it in
/// literal quotes, where nothing can be escaped. Rewritten by where each string value is (its
/// span), never by matching its text; a rewrite that would not read back as `policy` is not
/// made (the writer's text is kept).
pub(super) fn escape_invisible(text: &str, policy: &super::Policy) -> String {
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    let Ok(doc) = DeTable::parse(text) else {
        return text.to_string();
    };
    let mut spans = Vec::new();
    string_spans(doc.get_ref(), &mut spans);
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_string();
    for (span, value) in spans {
        if value.chars().any(invisible) && out.is_char_boundary(span.start) && span.end <= out.len()
        {
            out.replace_range(span, &basic(&value));
        }
    }
    match toml::from_str::<super::Policy>(&out) {
        Ok(mut back) => {
            back.unsign_zeros();
            if back == *policy {
                out
            } else {
                text.to_string()
            }
        }
        Err(_) => text.to_string(),
    }
}

/// The span and value of every string value in `table` (arrays and inner tables too).
fn string_spans(table: &DeTable, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    fn value(v: &toml::Spanned<DeValue>, out: &mut Vec<(std::ops::Range<usize>, String)>) {
        match v.get_ref() {
            DeValue::String(s) => out.push((v.span(), s.to_string())),
            DeValue::Array(items) => items.iter().for_each(|i| value(i, out)),
            DeValue::Table(t) => string_spans(t, out),
            _ => {}
        }
    }
    for v in table.values() {
        value(v, out);
    }
}

/// `s` as a TOML basic string: quotes, backslashes and control characters escaped.
fn basic(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || invisible(c) => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
