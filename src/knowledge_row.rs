//! The knowledge row a person names (`kn:12`, `12`, or text in its title), scored exactly against
//! a user's query: the store's one-row cosine, or for a snapshot file the hit it holds. Shared by
//! `ctxlens explain` and the TUI's `:explain`.

use crate::engine::snapshot::KnowledgeEntry;
use crate::loaded::Loaded;
use crate::store::embedder::Embedder;
use crate::store::{Store, StoreError};
use crate::text::inert_line;

/// How many title matches are listed when a text names several rows.
const MATCHES_SHOWN: usize = 20;

/// Why no one row was found.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    /// The name matches no row, or several: the person must say which.
    #[error("{0}")]
    Usage(String),
    /// The query could not be embedded.
    #[error("{0}")]
    Runtime(String),
    /// The user has no query to score the row against (no user turn, no `--query`): the user
    /// and why (no user turn, or none readable).
    #[error("{0} has no query to score knowledge against ({1}): give --query TEXT")]
    NoQuery(String, String),
    /// The row is there but cannot be scored or read (an all-zero or NULL embedding, a NULL
    /// title): the search never returns it, which is the answer.
    #[error("{place}: {}", inert_line(.reason))]
    Unreadable {
        id: String,
        place: String,
        reason: String,
        /// Its title and milestone, when the store's catalogue can tell them.
        known: Option<(String, Option<String>)>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a user has no query: no user turn, or (its session's turns unreadable) none readable.
fn no_query_why(snap: &crate::engine::Snapshot) -> String {
    let unreadable = snap.malformed_turns().len() as u64;
    match (unreadable, snap.session_id.as_deref()) {
        (0, _) => "no user turn".into(),
        (n, session) => format!(
            "no readable user turn: {} of session {} could not be read",
            crate::text::count(n, "turn", "turns"),
            crate::text::shown_id(session.unwrap_or_default())
        ),
    }
}

/// A row's id (`kn:12` or `12`), or `None`: text to look for in titles. Empty, or `kn:` with no
/// number after it, names nothing: a usage error saying what a row is named by.
fn row_id(arg: &str) -> Result<Option<i64>, RowError> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Err(RowError::Usage(
            "ROW is empty: name a knowledge row by id (kn:12 or 12) or by text in its title".into(),
        ));
    }
    // `KN:12` as well: an id typed from a ticket keeps whatever case it was written in.
    let number = arg
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("kn:"))
        .and_then(|_| arg.get(3..));
    // A number past a row id's range (ids are Postgres bigint) names no row, said so.
    let too_large = |e: &std::num::ParseIntError| {
        matches!(
            e.kind(),
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
        )
        .then(|| {
            RowError::Usage(format!(
                "{} is no knowledge row id: ids are from {} to {}",
                crate::text::quoted(arg),
                i64::MIN,
                i64::MAX
            ))
        })
    };
    match number {
        Some(n) => n.trim().parse::<i64>().map(Some).map_err(|e| {
            too_large(&e).unwrap_or_else(|| {
                RowError::Usage(format!(
                    "{} is no knowledge row id: kn: takes a number (kn:12); text without kn: \
                     searches the titles",
                    crate::text::quoted(arg)
                ))
            })
        }),
        None => match arg.parse::<i64>() {
            Ok(id) => Ok(Some(id)),
            Err(e) => too_large(&e).map_or(Ok(None), Err),
        },
    }
}

/// The row `arg` names, scored against `loaded`'s query.
pub async fn find_row(
    store: &dyn Store,
    embedder: &Embedder,
    loaded: &Loaded,
    arg: &str,
) -> Result<KnowledgeEntry, RowError> {
    let snap = loaded.snapshot();
    let id = row_id(arg)?;
    // The store's id of the user (a snapshot folder lists one user in two files as USER@FILE).
    if store.fixed_snapshot(&loaded.data().user_id).is_some() {
        return in_snapshot(loaded, arg);
    }
    let id = match id {
        Some(n) => n,
        None => by_title(store, arg.trim()).await?,
    };
    let query = loaded
        .query_to_embed()
        .ok_or_else(|| RowError::NoQuery(snap.user_id.clone(), no_query_why(snap)))?;
    let embedding = embedder
        .embed(query, store.embedding_dim())
        .await
        .map_err(|e| RowError::Runtime(format!("query embedding: {e}")))?;
    match store.knowledge_row(id, &embedding).await? {
        Some(Ok(entry)) => Ok(entry),
        Some(Err(m)) => {
            // Its embedding cannot be scored, but its title may well be readable.
            let known = match id.checked_sub(1) {
                Some(before) => store
                    .knowledge_catalogue(Some(before), 1)
                    .await
                    .ok()
                    .flatten(),
                None => None,
            }
            .and_then(|rows| rows.into_iter().find(|r| r.id == id))
            .map(|r| (r.title, r.milestone));
            Err(RowError::Unreadable {
                id: format!("kn:{id}"),
                place: m.source,
                reason: m.reason,
                known,
            })
        }
        // Not found, like a user that is not there: a runtime failure (exit 1).
        None => Err(RowError::Runtime(format!(
            "no knowledge row kn:{id} in {}",
            store.knowledge_source()
        ))),
    }
}

/// As of an earlier instant `at` (`--at`, or the moment the TUI shows, named `when`), a row
/// created later was not in the table: no gate to explain, and the row's id and times said
/// (a failure, exit 1, as a row not there at all is).
pub fn refuse_later(
    entry: &KnowledgeEntry,
    at: Option<chrono::DateTime<chrono::Utc>>,
    when: &str,
) -> Result<(), String> {
    let Some(at) = at else { return Ok(()) };
    let fmt = crate::engine::snapshot::fmt_ts;
    match entry.timestamp {
        Some(t) if t <= at => Ok(()),
        Some(t) => Err(format!(
            "{} was created at {}, not by {when} {}: the knowledge table held no such row then",
            entry.id,
            fmt(&t),
            fmt(&at)
        )),
        // Whether it was there then cannot be told: said so, not guessed.
        None => Err(format!(
            "{} has no readable created_at, so it cannot be placed in time: a search as of \
             {when} {} leaves it out, and whether the table held it then is not known",
            entry.id,
            fmt(&at)
        )),
    }
}

/// The hit of a snapshot file `arg` names: a file holds the hits it was written with, and
/// nothing to score others by.
pub fn in_snapshot(loaded: &Loaded, arg: &str) -> Result<KnowledgeEntry, RowError> {
    let snap = loaded.snapshot();
    let id = row_id(arg)?;
    let want = arg.trim().to_lowercase();
    let hits: Vec<&KnowledgeEntry> = snap
        .knowledge
        .iter()
        .filter(|h| match id {
            Some(n) => h.id == format!("kn:{n}"),
            None => h.title.to_lowercase().contains(&want),
        })
        .collect();
    // An id is no one's words: named plainly (under --redact quoted values are masked).
    let named = match id {
        Some(n) => format!("kn:{n}"),
        None => crate::text::quoted(arg),
    };
    let unread = id.and_then(|n| {
        let want = format!("kn:{n}");
        snap.malformed
            .iter()
            .find(|m| m.id.as_deref() == Some(want.as_str()))
    });
    match (hits.as_slice(), unread) {
        ([one], _) => Ok((*one).clone()),
        ([], Some(m)) => Err(RowError::Runtime(format!(
            "knowledge row {named} is in the snapshot but could not be read ({}): {}",
            m.source, m.reason
        ))),
        // Shown as of an earlier instant, a hit created after it is left out: said so.
        ([], None) if loaded.data().as_of.is_some() => {
            let at = loaded.data().as_of.as_ref().map(|a| a.at);
            Err(RowError::Runtime(format!(
                "knowledge row {named} is not among the snapshot's {} as of {} (a hit \
                 created after that is left out, and a snapshot file cannot score other rows)",
                crate::text::count(snap.knowledge.len() as u64, "hit", "hits"),
                at.map(|t| crate::engine::snapshot::fmt_ts(&t))
                    .unwrap_or_default()
            )))
        }
        ([], None) => Err(RowError::Runtime(format!(
            "knowledge row {named} is not among the snapshot's {} (a snapshot file \
             cannot score other rows)",
            crate::text::count(snap.knowledge.len() as u64, "hit", "hits")
        ))),
        (many, _) => Err(several(
            arg,
            many.iter().map(|h| (h.id.clone(), h.title.clone())),
            true,
        )),
    }
}

/// The one row whose title contains `text` (or equals it, among several).
async fn by_title(store: &dyn Store, text: &str) -> Result<i64, RowError> {
    let found = store.find_knowledge(text, MATCHES_SHOWN + 1).await?;
    let exact: Vec<&(i64, String)> = found
        .iter()
        .filter(|(_, t)| t.eq_ignore_ascii_case(text))
        .collect();
    match (found.as_slice(), exact.as_slice()) {
        ([(id, _)], _) | (_, [(id, _)]) => Ok(*id),
        ([], _) => Err(RowError::Runtime(format!(
            "no knowledge row's title contains {} in {}",
            crate::text::quoted(text),
            store.knowledge_source()
        ))),
        (many, _) => Err(several(
            text,
            many.iter().map(|(id, t)| (format!("kn:{id}"), t.clone())),
            false,
        )),
    }
}

/// `rows` are every match when `all`, else the first of a search asked for one more than shown.
fn several(arg: &str, rows: impl Iterator<Item = (String, String)>, all: bool) -> RowError {
    let listed: Vec<String> = rows
        .map(|(id, t)| format!("  {id}  {}", inert_line(&t)))
        .collect();
    let how_many = match listed.len() {
        n if n <= MATCHES_SHOWN => format!("{n}"),
        n if all => format!("{n}, the first {MATCHES_SHOWN}"),
        // A store is asked for one more than is shown: past that, how many is not known.
        _ => format!("more than {MATCHES_SHOWN}, the first {MATCHES_SHOWN}"),
    };
    RowError::Usage(format!(
        "{} names several knowledge rows ({how_many}); give one id:\n{}",
        crate::text::quoted(arg),
        listed[..listed.len().min(MATCHES_SHOWN)].join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::row_id;

    /// No query: said whether the session has no user turn or none that could be read.
    #[test]
    fn no_query_says_whether_the_turns_were_unreadable() {
        let snap = |session: &str| {
            crate::engine::Snapshot::from_json(&format!(
                r#"{{"user_id":"u1","session_id":"s9","now":"2025-01-15T12:00:00Z","session":{session}}}"#
            ))
            .expect("parses")
        };
        assert_eq!(super::no_query_why(&snap("[]")), "no user turn");
        assert_eq!(
            super::no_query_why(&snap(r#"[{"user":7},"x"]"#)),
            "no readable user turn: 2 turns of session s9 could not be read"
        );
    }

    /// `kn:12`, `KN:12` and `12` name row 12; other text searches titles; `kn:` with no
    /// number is refused.
    #[test]
    fn a_row_is_named_by_its_id_in_any_case_or_by_title_text() {
        for arg in ["kn:12", "KN:12", "Kn: 12", " 12 "] {
            assert_eq!(row_id(arg).ok().flatten(), Some(12), "{arg}");
        }
        assert_eq!(row_id("pricing").ok().flatten(), None);
        assert!(row_id("kn:pricing").is_err());
        assert!(row_id("kné").is_ok_and(|id| id.is_none()));
        // A number past a bigint's range is no row, said as such (not "not a number").
        for arg in [
            "kn:99999999999999999999",
            "99999999999999999999",
            "kn:-9223372036854775809",
        ] {
            let Err(super::RowError::Usage(why)) = row_id(arg) else {
                panic!("{arg}: read as a row");
            };
            assert!(
                why.ends_with("is no knowledge row id: ids are from -9223372036854775808 to 9223372036854775807"),
                "{why}"
            );
        }
        assert_eq!(
            row_id("kn:9223372036854775807").ok().flatten(),
            Some(i64::MAX)
        );
    }
}
