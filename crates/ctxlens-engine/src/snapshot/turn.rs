//! A session entry and the chat turn read from it: either of SPEC §1's shapes, or why the
//! entry is not one (a rewind's left-out marker included).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::values::{json_kind, parse_timestamp};

/// A chat turn in either of SPEC §1's shapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TurnBody {
    /// `{"user", "assistant", "timestamp"}` (the seed's chat handler).
    Exchange { user: String, assistant: String },
    /// `{"role", "content", "timestamp"}`.
    Message { role: Role, content: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    User,
    Assistant,
    System,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::User => "User",
            Role::Assistant => "Assistant",
            Role::System => "System",
        }
    }
}

/// A readable turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub body: TurnBody,
    pub timestamp: DateTime<Utc>,
}

impl Turn {
    /// The user's words in this turn, if it has any (used to pick the knowledge query).
    pub fn user_text(&self) -> Option<&str> {
        match &self.body {
            TurnBody::Exchange { user, .. } => Some(user),
            TurnBody::Message {
                role: Role::User,
                content,
            } => Some(content),
            TurnBody::Message { .. } => None,
        }
    }
}

/// One element of a stored session array: a turn, or why it is not one. The raw JSON is kept so
/// a snapshot written back out is the data as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    pub raw: Value,
    pub turn: Result<Turn, String>,
}

impl SessionEntry {
    pub fn from_value(raw: Value) -> Self {
        let turn = parse_turn(&raw);
        Self { raw, turn }
    }
}

impl Serialize for SessionEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for SessionEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(SessionEntry::from_value)
    }
}

/// Whether `json` holds a `\uD800`–`\uDFFF` escape not paired as JSON pairs them (a high one
/// followed at once by a low one).
fn lone_surrogate(json: &str) -> bool {
    let unit = |at: usize| {
        json.get(at..at + 6)
            .filter(|e| e.starts_with("\\u"))
            .and_then(|e| u16::from_str_radix(&e[2..], 16).ok())
    };
    let mut at = 0;
    while let Some(i) = json[at..].find("\\u").map(|i| at + i) {
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => at = i + 12,
            Some(0xD800..=0xDFFF) => return true,
            _ => at = i + 2,
        }
    }
    false
}

/// The key of a session entry a rewind (`--at T`) left out of the turns though it stays in the
/// array (a turn stamped after `T` stored before one at or before it): the entry is written
/// `{"ctxlens_left_out": "<why>"}` — without the turn's text, which is not of `T` — so a
/// snapshot written `--at T` replays as the user was at `T`, the entry's index kept.
pub const LEFT_OUT: &str = "ctxlens_left_out";

/// The reason a [`LEFT_OUT`] entry reads back with: a rewind's own words as written; anything
/// else (the marker is only a key: anyone can store one) quoted as the entry's, so `--redact`
/// masks it as it masks every quoted value.
fn left_out_reason(why: &str) -> String {
    let stamp = |t: &str| chrono::DateTime::parse_from_rfc3339(t).is_ok() && !t.contains(' ');
    let own = why
        .strip_prefix("timestamp ")
        .and_then(|rest| rest.strip_suffix(", yet stored before a turn at or before it"))
        .and_then(|slots| slots.split_once(" is after --at "))
        .is_some_and(|(turn, at)| stamp(turn) && stamp(at));
    if own {
        why.to_string()
    } else {
        format!("left out, the entry says {}", Value::from(why))
    }
}

/// Reads a turn from either shape; the error says which field is wrong.
pub fn parse_turn(v: &Value) -> Result<Turn, String> {
    let obj = match v {
        Value::Object(obj) => obj,
        // A list element that was not JSON is kept as a string, so a snapshot written back out
        // reads with the same reason. A string that does not start as JSON would (`{`, `[`) is
        // a string, whichever way it was stored (a JSON string in an array, plain text in a
        // list): called one, not JSON that failed.
        Value::String(s) => {
            let tried = s.trim_start().starts_with(['{', '[']);
            return Err(match serde_json::from_str::<Value>(s) {
                Err(e) if tried && lone_surrogate(s) => format!(
                    "element is not JSON: {e} (a lone UTF-16 surrogate escape: half of a \
                     character, as an encoder that split an emoji writes it)"
                ),
                Err(e) if tried => crate::json::unreadable("element", &e),
                Err(_) => "expected a JSON object, found a string".into(),
                Ok(_) => "expected a JSON object, found a string (JSON encoded twice?)".into(),
            });
        }
        other => {
            return Err(format!(
                "expected a JSON object, found {}",
                json_kind(other)
            ));
        }
    };
    // An entry a rewind left out (see [`LEFT_OUT`]) reads back as it was written: malformed,
    // for the reason it was left out.
    if let Some(Value::String(why)) = obj.get(LEFT_OUT) {
        return Err(left_out_reason(why));
    }
    let ts = obj.get("timestamp").ok_or("missing field `timestamp`")?;
    let timestamp = parse_timestamp(ts).map_err(|e| format!("timestamp: {e}"))?;
    let text = |field: &str| -> Result<String, String> {
        match obj.get(field) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "field `{field}` must be a string, found {}",
                json_kind(other)
            )),
            None => Err(format!("missing field `{field}`")),
        }
    };
    let message = obj.contains_key("role") || obj.contains_key("content");
    // Both shapes in one entry: which one the application reads is not known, and reading
    // either would lose the other's text unseen.
    if message && (obj.contains_key("user") || obj.contains_key("assistant")) {
        return Err(
            "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: \
             which one is the turn is not known"
                .into(),
        );
    }
    let body = if message {
        let role = match text("role")?.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "system" => Role::System,
            other => {
                return Err(format!(
                    "field `role` must be user, assistant or system, found {other:?}"
                ));
            }
        };
        TurnBody::Message {
            role,
            content: text("content")?,
        }
    } else {
        TurnBody::Exchange {
            user: text("user")?,
            assistant: text("assistant")?,
        }
    };
    Ok(Turn { body, timestamp })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogate_escapes_are_told_from_pairs() {
        assert!(lone_surrogate(r#"{"user":"half \ud83d here"}"#));
        assert!(lone_surrogate(r#"{"user":"low first \ude00\ud83d"}"#));
        assert!(lone_surrogate(r#"{"user":"at the end \uD83D"}"#));
        assert!(!lone_surrogate(
            r#"{"user":"whole \ud83d\ude00 and \u00e9"}"#
        ));
        assert!(!lone_surrogate(r#"{"user":"cut \u12"}"#));
    }
}
