//! Progress events: what a `progress:{user}` channel carries, read from its published payloads,
//! and what is said of a message that is no event.

use serde::Serialize;
use serde_json::Value;

use crate::engine::keys::progress_channel;
use crate::engine::snapshot::fmt_ts;

/// A `progress:{user}` event (seed 000's `publish_progress`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ProgressEvent {
    pub user_id: String,
    pub milestone: String,
    pub progress: f64,
    pub timestamp: String,
}

/// Progress events as they arrive; an unreadable message is an `Err` naming the channel.
pub type EventStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<ProgressEvent, BadEvent>> + Send>>;

/// A message on a progress channel that is not a progress event: whose channel it came on and
/// what is wrong with it. Said as [`BadEvent::message`] words it: `{prefix}progress:{user}: {why}`.
#[derive(Debug, Clone, PartialEq)]
pub struct BadEvent {
    /// The user the channel names; `None`: a channel name that is nobody's (not UTF-8), which
    /// `why` names by its bytes.
    pub user: Option<String>,
    pub why: String,
    /// The channel's name as shown when it names nobody (its bytes escaped, `progress:h2\xFF`):
    /// `None` for a user's channel, whose name is made from the user.
    pub nobodys_channel: Option<String>,
}

impl BadEvent {
    /// What is said of it under the store's key `prefix`: its channel as the server names it,
    /// then why (`app:progress:u1: no milestone`); `why` alone for a channel that names nobody,
    /// which `why` names already.
    pub fn message(&self, prefix: &str) -> String {
        match &self.user {
            Some(user) => format!("{}: {}", progress_channel(prefix, user), self.why),
            None => self.why.clone(),
        }
    }
}

/// Reads a published payload `{"milestone","progress","timestamp"}` for `user`.
pub fn parse_progress(user: &str, payload: &[u8]) -> Result<ProgressEvent, BadEvent> {
    read_progress(user, payload).map_err(|why| BadEvent {
        user: Some(user.to_string()),
        why,
        nobodys_channel: None,
    })
}

/// The first key a JSON object's top level holds twice (`None` for one that holds none, or
/// for text that is no object: said otherwise).
fn twice(payload: &[u8]) -> Option<String> {
    struct Keys(Option<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut seen = std::collections::HashSet::new();
                    let mut first = None;
                    while let Some(k) = map.next_key::<String>()? {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        if first.is_none() && !seen.insert(k.clone()) {
                            first = Some(k);
                        }
                    }
                    Ok(Keys(first))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_slice::<Keys>(payload).ok()?.0
}

/// [`parse_progress`], the error saying what is wrong with the payload.
fn read_progress(user: &str, payload: &[u8]) -> Result<ProgressEvent, String> {
    // Said as the session reader says it, rather than as a JSON string's bad escape.
    if let Err(e) = std::str::from_utf8(payload) {
        return Err(format!("payload is not valid UTF-8 ({e})"));
    }
    let v: Value = serde_json::from_slice(payload)
        .map_err(|e| crate::engine::json::unreadable("payload", &e))?;
    use crate::engine::snapshot::json_kind;
    let obj = v.as_object().ok_or_else(|| {
        format!(
            "payload is {}, not an object with milestone, progress and timestamp",
            json_kind(&v)
        )
    })?;
    // A key twice: JSON readers differ on which one counts (the first, the last), so another
    // consumer may read another figure than this one would: no event.
    if let Some(k) = twice(payload) {
        return Err(format!(
            "payload has the key {} twice: readers differ on which one counts",
            crate::text::quoted(&k)
        ));
    }
    // The seed's payload names no user: the channel does. One that names another user than
    // its channel's is nobody's event, never shown as either's.
    match obj.get("user_id") {
        None => {}
        Some(Value::String(u)) if u == user => {}
        Some(Value::String(u)) => {
            return Err(format!(
                "payload names user {}, not the channel's: taken as neither's",
                // Quoted: it is the payload's text, whatever it holds (not an id ctxlens read),
                // so under --redact it is masked as every quoted value of a payload is.
                crate::text::quoted(u)
            ));
        }
        Some(other) => return Err(format!("user_id is {}, not a string", json_kind(other))),
    }
    let milestone = match obj.get("milestone") {
        Some(Value::String(m)) => m,
        Some(other) => {
            return Err(format!("milestone is {}, not a string", json_kind(other)));
        }
        None => return Err("no milestone".into()),
    };
    let progress = match obj.get("progress") {
        Some(p) if p.is_number() => p.as_f64().unwrap_or(f64::NAN),
        Some(other) => {
            return Err(format!("progress is {}, not a number", json_kind(other)));
        }
        None => return Err("no progress".into()),
    };
    // A percentage: anything else is not a progress event (quoted as serde quotes numbers, so
    // `--redact` masks it).
    if !(0.0..=100.0).contains(&progress) {
        return Err(format!(
            "progress `{}` is outside 0–100",
            crate::engine::shown_f64(progress)
        ));
    }
    let timestamp = match v.get("timestamp") {
        Some(t) => crate::engine::snapshot::parse_timestamp(t)
            .map(|t| fmt_ts(&t))
            .map_err(|e| format!("timestamp: {e}"))?,
        None => return Err("no timestamp".into()),
    };
    Ok(ProgressEvent {
        user_id: user.to_string(),
        milestone: milestone.to_string(),
        progress,
        timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_message_names_its_channel_under_the_key_prefix() {
        let bad = parse_progress("u1", b"{}").expect_err("no event");
        assert_eq!(bad.message("app:"), "app:progress:u1: no milestone");
        assert_eq!(bad.message(""), "progress:u1: no milestone");
        let colons = parse_progress("a:b", b"{}").expect_err("no event");
        assert_eq!(colons.message("p:q:"), "p:q:progress:a:b: no milestone");
    }

    #[test]
    fn a_bad_message_on_nobodys_channel_is_its_reason_alone() {
        let bad = BadEvent {
            user: None,
            why: "app:progress:: the channel names no user: not any user's event".into(),
            nobodys_channel: Some("app:progress:".into()),
        };
        assert_eq!(bad.message("app:"), bad.why);
    }
}
