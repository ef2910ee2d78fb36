//! Reading stored session values (a JSON array string, or a list of JSON turns) into entries.

use serde_json::Value;

use crate::engine::snapshot::{Malformed, SessionEntry};

/// A raw session value as a store holds it.
#[derive(Debug, Clone, Copy)]
pub enum RawSession<'a> {
    /// A string key: normally a JSON array of turns.
    String(&'a [u8]),
    /// A list key: one JSON turn per element.
    List(&'a [&'a [u8]]),
}

/// Parses a session value. A value that is not a list of turns at all is one malformed item;
/// a bad element is a malformed entry in place (so later indices keep their ids).
pub fn parse_session(key: &str, raw: RawSession<'_>) -> Result<Vec<SessionEntry>, Malformed> {
    let whole = |reason: String| Malformed {
        id: None,
        source: key.to_string(),
        reason,
    };
    match raw {
        RawSession::String(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| whole(format!("value is not valid UTF-8 ({e})")))?;
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => {
                    Ok(items.into_iter().map(SessionEntry::from_value).collect())
                }
                Ok(other) => Err(whole(format!(
                    "expected a JSON array of turns, found {}",
                    crate::engine::snapshot::json_kind(&other)
                ))),
                // One bad turn (a lone surrogate escape such as `"\ud83d"`, half of an emoji
                // written by a JSON encoder that split it) is that turn's fault, not the
                // session's: the array's elements are read one by one.
                Err(e) => match top_level_elements(text) {
                    Some(elements) => Ok(elements
                        .into_iter()
                        .map(|t| match serde_json::from_str::<Value>(t) {
                            Ok(v) => SessionEntry::from_value(v),
                            // Kept as a string: the turn parser gives the reason.
                            Err(_) => SessionEntry::from_value(Value::String(t.to_string())),
                        })
                        .collect()),
                    None => Err(whole(crate::engine::json::unreadable("value", &e))),
                },
            }
        }
        RawSession::List(items) => Ok(items
            .iter()
            .map(|b| match std::str::from_utf8(b) {
                Ok(text) => match serde_json::from_str::<Value>(text) {
                    Ok(v) => SessionEntry::from_value(v),
                    // Kept as a string: the turn parser gives the reason, here and on replay.
                    Err(_) => SessionEntry::from_value(Value::String(text.to_string())),
                },
                Err(e) => SessionEntry {
                    raw: Value::String(String::from_utf8_lossy(b).into_owned()),
                    turn: Err(format!("element is not valid UTF-8 ({e})")),
                },
            })
            .collect()),
    }
}

/// The elements of a JSON array written as text, split where its top-level commas are (strings
/// and nesting respected), without reading them: `None` when the text is not shaped as an array
/// (unbalanced, text after its end).
fn top_level_elements(text: &str) -> Option<Vec<&str>> {
    let body = text.trim().strip_prefix('[')?;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut start, mut out) = (0, Vec::new());
    for (i, b) in body.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' if depth == 0 => {
                out.push(body[start..i].trim());
                start = i + 1;
            }
            b']' => {
                let last = body[start..i].trim();
                if !last.is_empty() || !out.is_empty() {
                    out.push(last);
                }
                return body[i + 1..].trim().is_empty().then_some(out);
            }
            b'}' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_value_failures_name_the_key() {
        let err =
            parse_session("session:u:s3", RawSession::String(b"not json at all")).expect_err("bad");
        assert_eq!(err.source, "session:u:s3");
        assert!(
            err.reason
                .starts_with("value is not JSON: expected ident at line 1 column 2"),
            "{}",
            err.reason
        );
        let err = parse_session("k", RawSession::String(b"{\"a\":1}")).expect_err("object");
        assert_eq!(
            err.reason,
            "expected a JSON array of turns, found an object"
        );
        let err = parse_session("k", RawSession::String(b"[\xff]")).expect_err("utf8");
        assert!(
            err.reason.starts_with("value is not valid UTF-8"),
            "{}",
            err.reason
        );
    }

    /// A turn holding a lone surrogate escape (half of an emoji, as Node's and Python's JSON
    /// encoders write it) is one malformed turn; the turns around it load.
    #[test]
    fn a_bad_turn_in_a_json_array_fails_alone() {
        let text = br#"[{"user":"one","assistant":"x","timestamp":1736938800},
            {"user":"half emoji \ud83d here","assistant":"y","timestamp":1736938860},
            {"user":"three, [with] {brackets} and \"quotes\"","assistant":"z","timestamp":1736938920}]"#;
        let entries = parse_session("session:sur:s1", RawSession::String(text)).expect("read");
        assert_eq!(entries.len(), 3);
        assert!(entries[0].turn.is_ok() && entries[2].turn.is_ok());
        let reason = entries[1].turn.as_ref().expect_err("the bad turn");
        assert!(
            reason.contains("hex escape") && reason.contains("a lone UTF-16 surrogate escape"),
            "{reason}"
        );
        // Not shaped as an array at all: still the whole value's fault.
        for bad in [&b"[{\"a\": 1}"[..], b"[1, 2] tail", b"[1, }"] {
            let err = parse_session("k", RawSession::String(bad)).expect_err("whole");
            assert!(
                err.reason.starts_with("value is not JSON"),
                "{}",
                err.reason
            );
        }
        assert_eq!(top_level_elements("[]"), Some(vec![]));
        assert_eq!(
            top_level_elements(" [1, \"a,]\" ,{\"b\":[2,3]}] "),
            Some(vec!["1", "\"a,]\"", "{\"b\":[2,3]}"])
        );
    }

    #[test]
    fn list_elements_fail_one_by_one() {
        let good = br#"{"user":"hi","assistant":"yo","timestamp":1736938800}"#;
        let items: [&[u8]; 3] = [good, b"{oops", good];
        let entries = parse_session("k", RawSession::List(&items)).expect("list parses");
        assert_eq!(entries.len(), 3);
        assert!(entries[0].turn.is_ok() && entries[2].turn.is_ok());
        let reason = entries[1].turn.as_ref().expect_err("bad element");
        assert!(
            reason.starts_with("element is not JSON: key must be a string"),
            "{reason}"
        );
    }
}
