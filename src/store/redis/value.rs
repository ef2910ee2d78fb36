//! A key's pipeline answers read as its raw value: which lists are read at all, what a refused
//! read says, and the value kept or set aside as too large.

use redis::Value;

use crate::store::user::{MAX_VALUE_BYTES, RawKey, RawValue};

/// The answers [`super::RedisStore::read_keys`] gets per key: TYPE, TTL, GETRANGE and MEMORY
/// USAGE, the last replaced by LRANGE's when the key is a list that was read.
pub(super) const ANSWERS: usize = 4;

/// Memory a list may take on the server and still be read: its items' bytes are then checked
/// against [`MAX_VALUE_BYTES`] as read (the server's figure counts its own overhead too).
pub(super) const LIST_MEMORY_LIMIT: i64 = 2 * MAX_VALUE_BYTES as i64;

/// Whether a key's first answers say it is a list to read: one whose memory is within
/// [`LIST_MEMORY_LIMIT`], or unknown (MEMORY USAGE refused).
pub(super) fn list_to_read(v: &[Value]) -> bool {
    let list = match v.first() {
        Some(Value::SimpleString(s)) => s == "list",
        Some(Value::BulkString(b)) => b == b"list",
        _ => false,
    };
    list && !matches!(v.get(ANSWERS - 1), Some(Value::Int(n)) if *n > LIST_MEMORY_LIMIT)
}

/// One key's answers as a raw value: TYPE, TTL, GETRANGE (WRONGTYPE for a list) and, for a
/// list, LRANGE's items — or, when the list was too large to read, its MEMORY USAGE.
pub(super) fn raw_key(name: &str, v: &[Value]) -> RawKey {
    let kind = match v.first() {
        Some(Value::SimpleString(s)) => s.clone(),
        Some(Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => "none".into(),
    };
    // An error answer to any read (TYPE, TTL, the value) means the key could not be read: never
    // taken for an absent key, a key without a TTL, or an empty value. GETRANGE answers
    // WRONGTYPE for a list, and MEMORY USAGE may be refused alone: neither keeps a key from
    // being read. The list's own read (LRANGE, in the last place) does.
    let matters = |i: usize| match i {
        0 | 1 => true,
        2 => kind == "string",
        _ => kind == "list",
    };
    let refused = v.iter().enumerate().find_map(|(i, a)| match a {
        Value::ServerError(_) if matters(i) => Some(server_error(a)),
        _ => None,
    });
    if let Some(e) = refused {
        return RawKey {
            name: name.to_string(),
            value: RawValue::Refused(e),
            ttl: None,
        };
    }
    let ttl = match v.get(1) {
        Some(Value::Int(n)) if *n >= 0 => Some(*n as u64),
        _ => None,
    };
    let value = match (kind.as_str(), v.get(2), v.get(3)) {
        ("string", Some(Value::BulkString(b)), _) if b.len() > MAX_VALUE_BYTES => {
            RawValue::Oversized
        }
        ("string", Some(Value::BulkString(b)), _) => RawValue::String(b.clone()),
        ("list", _, Some(Value::Int(_))) => RawValue::Oversized,
        ("list", _, Some(Value::Array(items))) => RawValue::List(
            items
                .iter()
                .map(|i| match i {
                    Value::BulkString(b) => b.clone(),
                    other => format!("{other:?}").into_bytes(),
                })
                .collect(),
        ),
        (other, ..) => RawValue::Other(other.to_string()),
    };
    RawKey {
        name: name.to_string(),
        value,
        ttl,
    }
}

/// An error answer's text, as the server gave it (`NOPERM User lim has no permissions …`).
fn server_error(v: &Value) -> String {
    match v {
        Value::ServerError(e) => match e.details() {
            Some(d) => format!("{} {d}", e.code()),
            None => e.code().to_string(),
        },
        other => format!("{other:?}"),
    }
}
