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
                Err(e) => Err(whole(format!("value is not JSON: {e}"))),
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
