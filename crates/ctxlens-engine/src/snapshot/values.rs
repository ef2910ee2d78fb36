//! Stored JSON values as a snapshot reads and writes them: a timestamp (RFC 3339 or epoch
//! seconds) and the serde adapters of its fields, and a value's kind as messages name it.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// A stored value quoted in a message: whole up to 80 characters, else its first 60 and its
/// length (`"2025-01-01…"… (1000000 characters)`): a pasted megabyte never buries the message.
fn quoted_start(s: &str) -> String {
    if s.chars().nth(80).is_none() {
        return format!("{s:?}");
    }
    let start: String = s.chars().take(60).collect();
    format!("{start:?}… ({} characters)", s.chars().count())
}

/// An RFC 3339 string, or Unix epoch seconds as an integer or float.
pub fn parse_timestamp(v: &Value) -> Result<DateTime<Utc>, String> {
    match v {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|e| {
                // A year RFC 3339 cannot write (before 0000, after 9999), as a snapshot of a
                // legal Postgres timestamp writes it: `+10000-01-01T00:00:00Z`, `-4712-…`.
                if s.starts_with(['+', '-']) {
                    s.parse::<DateTime<Utc>>()
                } else {
                    Err(e)
                }
            })
            .map_err(|_| format!("{} is neither RFC 3339 nor epoch seconds", quoted_start(s))),
        Value::Number(n) => {
            let secs = n
                .as_f64()
                .filter(|f| f.is_finite())
                .ok_or("not a finite number")?;
            // Past 9999-12-31 (which RFC 3339 cannot write) an epoch number is milliseconds or
            // microseconds written where seconds belong: read as seconds it would be a turn
            // thousands of years ahead, taken for the newest of all.
            // Beyond 18 digits, in exponent form: 1e300 is not worth 300 digits. Quoted in
            // backticks as serde quotes numbers: `--redact` masks quoted values.
            let shown = || {
                if n.is_i64() || n.is_u64() {
                    // As written: an integer past 2^53 is not rounded to its nearest f64.
                    n.to_string()
                } else if secs.abs() < 1e18 {
                    secs.to_string()
                } else {
                    format!("{secs:e}")
                }
            };
            if (253_402_300_800.0..1e18).contains(&secs) {
                return Err(format!(
                    "epoch seconds `{}` is after 9999-12-31 (milliseconds where seconds belong?)",
                    shown()
                ));
            }
            let whole = secs.floor();
            let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0) as u32;
            Utc.timestamp_opt(whole as i64, nanos)
                .single()
                .ok_or_else(|| format!("epoch seconds `{}` out of range", shown()))
        }
        other => Err(format!(
            "expected a string or number, found {}",
            json_kind(other)
        )),
    }
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Formats a timestamp the way every ctxlens output does: RFC 3339, UTC, `Z`, shortest seconds.
pub fn fmt_ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub(crate) mod rfc3339 {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fmt_ts(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let v = Value::deserialize(d)?;
        parse_timestamp(&v).map_err(D::Error::custom)
    }
}

pub(crate) mod rfc3339_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&fmt_ts(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => parse_timestamp(&v).map(Some).map_err(D::Error::custom),
        }
    }
}
