//! What a load notes of the cached contexts of milestones other than the user's: one that never
//! expires, or that holds no readable cached context.

use crate::engine::snapshot::{Note, NoteKind};
use crate::store::user::{MAX_VALUE_BYTES, RawKey, RawValue};

/// A note on `key`, the cached context of milestone `m` while the user is at `current`: when
/// it has no TTL, or holds no readable cached context.
pub(super) fn other_context(m: &str, current: Option<&str>, key: &RawKey) -> Option<Note> {
    let whose = format!(
        "a cached context of {}, not of the user's current milestone ({})",
        crate::text::inert_line(m),
        current.map_or("none".into(), crate::text::inert_line)
    );
    let unreadable = match &key.value {
        RawValue::String(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(v) => crate::engine::cache::CachedContext::from_json(&v).err(),
            Err(e) => Some(format!("not JSON ({e})")),
        },
        RawValue::Oversized => Some(format!(
            "a value over the {} MiB read limit",
            MAX_VALUE_BYTES >> 20
        )),
        RawValue::List(_) => Some("a list, not a string".into()),
        RawValue::Other(t) => Some(format!("a {t}, not a string")),
        RawValue::Refused(e) => Some(format!("the server refused to read it ({e})")),
    };
    let source = key.name.clone();
    match (unreadable, key.ttl) {
        (Some(why), ttl) => Some(Note {
            kind: NoteKind::UnexpectedShape,
            source,
            message: format!(
                "{whose}, and not readable as one: {}{}",
                crate::text::inert_line(&why),
                // A value the server would not read tells no TTL either.
                if ttl.is_none() && !matches!(key.value, RawValue::Refused(_)) {
                    "; it has no TTL"
                } else {
                    ""
                }
            ),
        }),
        (None, None) => Some(Note {
            kind: NoteKind::NoTtl,
            source,
            message: format!("{whose}: no prompt reads it, and it has no TTL, so it never goes"),
        }),
        (None, Some(_)) => None,
    }
}
