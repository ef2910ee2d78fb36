//! Postgres `timestamptz` (and `timestamp`) values as ctxlens reads them: every legal value
//! decodes, and those chrono cannot hold (`infinity`, `-infinity`, years past 262142) come back
//! as such instead of panicking in sqlx's chrono decoding.

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::postgres::{PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Postgres, Type};

/// A stored timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgTimestamp {
    At(DateTime<Utc>),
    /// A legal value outside chrono's range, as Postgres would print it in UTC (`infinity`,
    /// `294276-12-31T00:00:00Z`).
    OutOfRange(String),
}

/// Seconds from the Unix epoch to Postgres's (2000-01-01).
const PG_EPOCH_UNIX_SECS: i64 = 946_684_800;

impl Type<Postgres> for PgTimestamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }

    /// `timestamp` has the same binary form (a configured table or view may use it).
    fn compatible(ty: &PgTypeInfo) -> bool {
        *ty == <DateTime<Utc> as Type<Postgres>>::type_info()
            || *ty == <NaiveDateTime as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for PgTimestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
                Ok(from_micros(i64::from_be_bytes(bytes)))
            }
            PgValueFormat::Text => Ok(from_text(value.as_str()?)),
        }
    }
}

/// Microseconds since 2000-01-01 UTC; `i64::MAX` and `i64::MIN` are `±infinity`.
pub fn from_micros(us: i64) -> PgTimestamp {
    match us {
        i64::MAX => return PgTimestamp::OutOfRange("infinity".into()),
        i64::MIN => return PgTimestamp::OutOfRange("-infinity".into()),
        _ => {}
    }
    let unix = us.checked_add(PG_EPOCH_UNIX_SECS * 1_000_000);
    match unix.and_then(DateTime::from_timestamp_micros) {
        Some(t) => PgTimestamp::At(t),
        None => PgTimestamp::OutOfRange(format_micros(us)),
    }
}

/// A value in the text format (simple queries): ISO date style, as sqlx reads it.
fn from_text(s: &str) -> PgTimestamp {
    let parsed = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z")
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc()));
    match parsed {
        Ok(t) => PgTimestamp::At(t),
        Err(_) => PgTimestamp::OutOfRange(s.to_string()),
    }
}

/// Postgres microseconds as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` for any year (proleptic Gregorian).
fn format_micros(us: i64) -> String {
    const DAY: i64 = 86_400_000_000;
    let (days, rem) = (us.div_euclid(DAY), us.rem_euclid(DAY));
    // 10957 days from 1970-01-01 to 2000-01-01.
    let (y, m, d) = civil_from_days(days + 10_957);
    let secs = rem / 1_000_000;
    let frac = rem % 1_000_000;
    let (h, min, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let frac = if frac == 0 {
        String::new()
    } else {
        format!(".{frac:06}")
    };
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}{frac}Z")
}

/// Days since 1970-01-01 → (year, month, day): Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_range_values_are_instants() {
        assert_eq!(
            from_micros(0),
            PgTimestamp::At(DateTime::from_timestamp(PG_EPOCH_UNIX_SECS, 0).expect("valid"))
        );
        let t = DateTime::parse_from_rfc3339("2025-01-15T11:00:00.5Z").expect("valid");
        let us = (t.timestamp_micros()) - PG_EPOCH_UNIX_SECS * 1_000_000;
        assert_eq!(from_micros(us), PgTimestamp::At(t.with_timezone(&Utc)));
    }

    #[test]
    fn infinities_and_far_years_are_out_of_range() {
        assert_eq!(
            from_micros(i64::MAX),
            PgTimestamp::OutOfRange("infinity".into())
        );
        assert_eq!(
            from_micros(i64::MIN),
            PgTimestamp::OutOfRange("-infinity".into())
        );
        // '294276-12-31 00:00:00+00': Postgres's last day, as it stores it.
        let last_day = 9_223_371_244_800_000_000;
        assert_eq!(
            from_micros(last_day),
            PgTimestamp::OutOfRange("294276-12-31T00:00:00Z".into())
        );
        assert_eq!(format_micros(last_day + 1), "294276-12-31T00:00:00.000001Z");
        assert_eq!(format_micros(0), "2000-01-01T00:00:00Z");
        assert_eq!(format_micros(-86_400_000_000), "1999-12-31T00:00:00Z");
    }

    #[test]
    fn text_values_read_as_sqlx_reads_them() {
        assert_eq!(
            from_text("infinity"),
            PgTimestamp::OutOfRange("infinity".into())
        );
        let t = from_text("2025-01-15 11:00:00.25+00");
        assert_eq!(
            t,
            PgTimestamp::At(
                DateTime::parse_from_rfc3339("2025-01-15T11:00:00.25Z")
                    .expect("valid")
                    .with_timezone(&Utc)
            )
        );
        assert!(matches!(
            from_text("294276-12-31 00:00:00+00"),
            PgTimestamp::OutOfRange(_)
        ));
    }
}
