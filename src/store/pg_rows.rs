//! Postgres rows → raw rows, one row at a time: a row that cannot be decoded is a malformed item
//! naming its table and id, never a failed load; legal values ctxlens cannot hold (timestamps
//! past chrono's range) and repeated rows are notes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{Decode, Postgres, Row, Type};

use super::pg_time::PgTimestamp;
use super::user::RawMemoryRow;
use crate::engine::snapshot::{Malformed, Note, NoteKind};

/// The SQL types of sqlx's "mismatched types; Rust type `…` (as SQL type `WANT`) is not
/// compatible with SQL type `FOUND`".
fn mismatched_types(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("mismatched types; ")?;
    let want = rest.split_once("(as SQL type `")?.1.split_once('`')?.0;
    let found = rest
        .split_once("is not compatible with SQL type `")?
        .1
        .split_once('`')?
        .0;
    Some((want, found))
}

/// A column of a row, or why it cannot be read (the reason a malformed item gives).
pub fn column<'r, T>(r: &'r PgRow, name: &str) -> Result<T, String>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    r.try_get(name).map_err(|e| reason(name, &e))
}

/// A decoding error in words: NULLs and JSON nested past serde_json's limit said plainly.
fn reason(column: &str, e: &sqlx::Error) -> String {
    let text = match e {
        sqlx::Error::ColumnDecode { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    if text.contains("recursion limit exceeded") {
        format!(
            "{column} is JSON nested deeper than the {} levels ctxlens reads",
            crate::engine::json::DEPTH
        )
    } else if text.contains("unexpected null") {
        format!("{column} is NULL")
    } else if let Some((want, found)) = mismatched_types(&text) {
        // Said in SQL's words, not the Rust type sqlx would have decoded into.
        format!("{column} is of SQL type {found}, where ctxlens reads {want}")
    } else {
        format!("{column}: {text}")
    }
}

/// A timestamp column: `None` when NULL, and when the value is legal but outside what ctxlens
/// reads (`infinity`, years past 262142), with a note naming `source`.
pub fn timestamp(
    r: &PgRow,
    name: &str,
    source: &str,
    notes: &mut Vec<Note>,
) -> Result<Option<DateTime<Utc>>, String> {
    match column::<Option<PgTimestamp>>(r, name)? {
        None => {
            notes.push(Note {
                kind: NoteKind::UnexpectedShape,
                source: source.to_string(),
                message: format!("{name} is NULL (SPEC §1: NOT NULL); treated as no timestamp"),
            });
            Ok(None)
        }
        Some(PgTimestamp::At(t)) => Ok(Some(t)),
        Some(PgTimestamp::OutOfRange(v)) => {
            notes.push(Note {
                kind: NoteKind::TimestampOutOfRange,
                source: source.to_string(),
                message: format!(
                    "{name} is {v}, outside the range ctxlens reads (years up to 262142); \
                     treated as no timestamp"
                ),
            });
            Ok(None)
        }
    }
}

/// A row's `id`, or the malformed item of a row without one.
pub fn id(r: &PgRow, table: &str) -> Result<i64, Malformed> {
    match column::<Option<i64>>(r, "id") {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(Malformed {
            id: None,
            source: format!("{table} id=NULL"),
            reason: "id is NULL, so the row has no item id".into(),
        }),
        Err(reason) => Err(Malformed {
            id: None,
            source: format!("{table} id=?"),
            reason,
        }),
    }
}

/// The malformed item of row `id` of `table` (`mb:` or `kn:` ids).
pub fn bad_row(table: &str, prefix: &str, id: i64, reason: String) -> Malformed {
    Malformed {
        id: Some(format!("{prefix}:{id}")),
        source: format!("{table} id={id}"),
        reason,
    }
}

/// A `user_journeys` row's (current milestone, display name).
pub fn journey(r: &PgRow, user: &str) -> Result<(String, Option<String>), Malformed> {
    let bad = |reason| Malformed {
        id: None,
        source: format!("user_journeys user_id={}", crate::text::shown_id(user)),
        reason,
    };
    Ok((
        column(r, "current_milestone").map_err(bad)?,
        column(r, "display_name").map_err(bad)?,
    ))
}

/// A `memory_bank` row whose id is `id`; one that cannot be read is malformed, with when it was written when
/// that column could be read (time travel leaves it out after then).
pub fn memory(
    r: &PgRow,
    id: i64,
    notes: &mut Vec<Note>,
) -> Result<RawMemoryRow, (Malformed, Option<DateTime<Utc>>)> {
    let source = super::user::memory_row(id);
    let read = |notes: &mut Vec<Note>| -> Result<RawMemoryRow, String> {
        Ok(RawMemoryRow {
            id,
            context_type: column(r, "context_type")?,
            milestone: column(r, "milestone")?,
            data: column::<Value>(r, "data")?,
            created_at: timestamp(r, "created_at", &source, notes)?,
        })
    };
    // Notes of a row that turns out malformed are dropped with it.
    let mut mine = Vec::new();
    let row = read(&mut mine).map_err(|reason| {
        let written = timestamp(r, "created_at", &source, &mut Vec::new())
            .ok()
            .flatten();
        (bad_row("memory_bank", "mb", id, reason), written)
    })?;
    notes.extend(mine);
    Ok(row)
}

/// Counts rows by key, to report the keys read more than once (the first row read is used).
#[derive(Debug, Default)]
pub struct Repeats<K: std::hash::Hash + Eq> {
    seen: HashMap<K, usize>,
    order: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Repeats<K> {
    /// Counts `key`; true the first time it is seen.
    pub fn first(&mut self, key: &K) -> bool {
        let n = self.seen.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            self.order.push(key.clone());
        }
        *n == 1
    }

    /// Keys seen more than once, in the order first seen, with their counts.
    pub fn repeated(&self) -> impl Iterator<Item = (&K, usize)> {
        self.order
            .iter()
            .map(|k| (k, self.seen[k]))
            .filter(|(_, n)| *n > 1)
    }
}

/// The note of `n` rows where one was expected.
pub fn duplicate(source: String, n: usize, what: &str) -> Note {
    Note {
        kind: NoteKind::DuplicateRow,
        source,
        message: format!(
            "{n} rows with this {what} (a view, or a table without a primary key?); \
             only the first read is used"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_of_another_type_is_said_in_sql_types() {
        assert_eq!(
            mismatched_types(
                "mismatched types; Rust type `core::option::Option<i64>` (as SQL type `INT8`) is not compatible with SQL type `TEXT`"
            ),
            Some(("INT8", "TEXT"))
        );
        assert_eq!(mismatched_types("unexpected null"), None);
    }

    #[test]
    fn repeats_names_each_key_read_more_than_once_with_its_count_in_first_seen_order() {
        let mut r = Repeats::default();
        let firsts: Vec<bool> = [7, 3, 7, 9, 3, 7].iter().map(|k| r.first(k)).collect();
        assert_eq!(firsts, [true, true, false, true, false, false]);
        let repeated: Vec<(i64, usize)> = r.repeated().map(|(k, n)| (*k, n)).collect();
        assert_eq!(repeated, [(7, 3), (3, 2)]);
        let note = duplicate("memory_bank id=7".into(), 3, "id");
        assert_eq!(note.kind, NoteKind::DuplicateRow);
        assert!(
            note.message.starts_with("3 rows with this id"),
            "{}",
            note.message
        );
    }
}
