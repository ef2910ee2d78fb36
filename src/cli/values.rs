//! The flags' value parsers: instants, counts, timeouts, texts that say something.

/// A text that says something: an empty or blank `--query` would embed to nothing to compare.
pub(crate) fn non_blank(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("empty: give the text to search knowledge with".into());
    }
    Ok(s.to_string())
}

// The value parsers' messages do not quote the value: clap's message does (`invalid value
// 'X' for '--flag'`), and shows it inert (see `usage_error`).

/// A timeout in seconds: a number from 0.1 to a day.
pub(super) fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    const RANGE: std::ops::RangeInclusive<f64> = 0.1..=86_400.0;
    match s.trim().parse::<f64>() {
        Ok(x) if RANGE.contains(&x) => Ok(std::time::Duration::from_secs_f64(x)),
        Ok(_) => Err("a number of seconds from 0.1 to 86400".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// A count of one or more.
pub(crate) fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `--at` on a fleet command (`report`, `optimize`), which has none: refused, saying what it has
/// instead (clap would otherwise guess another flag from the spelling).
pub(crate) fn no_fleet_at(_: &str) -> Result<String, String> {
    Err(
        "a fleet has no --at: --now TIME replays every user at that clock (as read now); \
         a user as of TIME is `ctxlens inspect USER --at TIME`"
            .into(),
    )
}

/// An instant: RFC 3339 (`2025-01-10T09:30:00Z`, any offset) or epoch seconds (`1736467200`,
/// as the stores write them). A leap second (`23:59:60`) is the next minute's first, as
/// Postgres reads it.
pub(crate) fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    use chrono::Timelike;
    let t = s.trim();
    // Epoch seconds, before 1970 too (`-1`), read as a snapshot file's number is; a fraction
    // to the nanosecond, its further digits dropped as RFC 3339's are (never rounded up across
    // a second: `…617.9999999999` is `…617.999999999`, as `…:37.9999999999Z` is).
    let digits = t.strip_prefix('-').unwrap_or(t);
    if let Some((whole, frac)) = digits.split_once('.')
        && !frac.is_empty()
        && whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        let nanos: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|e: std::num::ParseIntError| e.to_string())?
        };
        let sign = if t.starts_with('-') { -1 } else { 1 };
        let total = sign * (whole * 1_000_000_000 + nanos.parse::<i128>().unwrap_or(0));
        let secs = i64::try_from(total.div_euclid(1_000_000_000))
            .map_err(|_| "epoch seconds out of range".to_string())?;
        let at = crate::engine::snapshot::parse_timestamp(&serde_json::json!(secs))
            .map_err(|e| e.to_string())?;
        let rest = i64::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
        return Ok(at + chrono::TimeDelta::nanoseconds(rest));
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let n = match serde_json::from_str::<serde_json::Number>(t) {
            Ok(n) => serde_json::Value::Number(n),
            Err(_) => serde_json::json!(t.parse::<f64>().map_err(|e| e.to_string())?),
        };
        return crate::engine::snapshot::parse_timestamp(&n).map_err(|e| e.to_string());
    }
    let at = chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            format!(
                "not an instant ({e}): give RFC 3339, e.g. 2025-01-10T09:30:00Z, or epoch seconds"
            )
        })?;
    match at.nanosecond().checked_sub(1_000_000_000) {
        Some(ns) => Ok(at.with_nanosecond(ns).unwrap_or(at) + chrono::TimeDelta::seconds(1)),
        None => Ok(at),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_now;

    /// RFC 3339 at any offset, epoch seconds as the stores write them, a leap second as the next
    /// minute's first (as Postgres reads it); anything else says what an instant looks like.
    #[test]
    fn instants_are_rfc_3339_or_epoch_seconds() {
        let utc = |s: &str| parse_now(s).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("2025-01-10T02:00:00+02:00").as_deref(),
            Ok("2025-01-10T00:00:00+00:00")
        );
        assert_eq!(
            utc("1736467200").as_deref(),
            Ok("2025-01-10T00:00:00+00:00")
        );
        assert_eq!(
            utc("2025-01-10T23:59:60Z").as_deref(),
            Ok("2025-01-11T00:00:00+00:00")
        );
        // Before 1970, as a snapshot file may say; a fraction; leading zeros.
        assert_eq!(utc("-1").as_deref(), Ok("1969-12-31T23:59:59+00:00"));
        assert_eq!(utc("0.5").as_deref(), Ok("1970-01-01T00:00:00.500+00:00"));
        assert_eq!(utc("007").as_deref(), Ok("1970-01-01T00:00:07+00:00"));
        assert_eq!(utc("-5.5").as_deref(), Ok("1969-12-31T23:59:54.500+00:00"));
        // A fraction to the nanosecond, never rounded up across a second: the same instant
        // as RFC 3339 writes it.
        assert_eq!(
            parse_now("1736891617.9999999999"),
            parse_now("2025-01-14T21:53:37.9999999999Z")
        );
        assert_eq!(
            utc("1736891617.9999999999").as_deref(),
            Ok("2025-01-14T21:53:37.999999999+00:00")
        );
        let err = parse_now("9007199254740993").expect_err("past 9999");
        assert!(err.contains("`9007199254740993`"), "{err}");
        let err = parse_now("now").expect_err("not an instant");
        assert!(
            err.contains("give RFC 3339, e.g. 2025-01-10T09:30:00Z, or epoch seconds"),
            "{err}"
        );
    }
}
