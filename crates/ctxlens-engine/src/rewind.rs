//! Time travel: one user's snapshot as of an earlier instant `T` (`--at T`), and notes saying
//! exactly what of it cannot be told from what is stored now.
//!
//! Kept: journey rows created at or before `T`, chat turns with a timestamp at or before `T`,
//! knowledge hits created at or before `T` (stores also filter them in their search), the
//! cached context only when it provably existed at `T`; `now` becomes `T`; the current milestone
//! is derived from the journey rows kept ([`milestone`]). Pure: the same inputs give the same
//! snapshot and notes.

mod milestone;
mod moments;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

pub use milestone::{MilestoneFrom, milestone_at};
pub use moments::{Moment, moments, moments_of};

use crate::MilestoneMap;
use crate::cache::CachedContext;
use crate::snapshot::{
    JourneyEntry, JourneyKind, KnowledgeEntry, Note, NoteKind, SessionEntry, Snapshot, fmt_ts,
    rfc3339,
};

/// How long Redis keeps a session after its last write (SPEC §1).
pub const SESSION_TTL_SECS: i64 = 3600;
/// How long Redis keeps a cached context (SPEC §1).
pub const CONTEXT_TTL_SECS: i64 = 300;

/// Where the snapshot was read from: what may have expired since `T` depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Redis and Postgres as they are now (or the demo, which keeps their TTLs).
    Stores,
    /// A snapshot file: one session and one cached context, as they were at the file's `now`.
    File,
}

/// What rewinding needs besides the snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Rewind<'a> {
    /// The instant to reconstruct.
    pub at: DateTime<Utc>,
    /// When the data was read: the store's clock (a file's `now`). TTLs count from here.
    pub read_at: DateTime<Utc>,
    pub origin: Origin,
    /// The cached context key's TTL left when it was read, in seconds (`None`: none, or unknown).
    pub cache_ttl: Option<u64>,
    /// Whether a `user_journeys` row (current milestone, display name) was read.
    pub journey_row: bool,
    pub map: &'a MilestoneMap,
    /// What the store's key names begin with (`--key-prefix`): the keys the notes name.
    pub key_prefix: &'a str,
}

/// `T` after the data was read: nothing stored can tell what happens then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--at {at} is later than the data's clock ({read_at}): nothing stored is from then")]
pub struct InFuture {
    pub at: String,
    pub read_at: String,
}

/// What a rewind found out besides the snapshot: for `inspect`, and the TUI's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsOf {
    #[serde(with = "rfc3339")]
    pub at: DateTime<Utc>,
    /// When the data was read.
    #[serde(with = "rfc3339")]
    pub read_at: DateTime<Utc>,
    /// The current milestone at `at`, and where it comes from.
    pub milestone: Option<String>,
    pub milestone_from: MilestoneFrom,
}

/// A snapshot as of `T` and what was found out making it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewound {
    pub snapshot: Snapshot,
    pub as_of: AsOf,
}

/// `snap` as of `r.at`: see the module documentation. Notes are appended to the snapshot's.
pub fn rewind(snap: &Snapshot, r: &Rewind) -> Result<Rewound, InFuture> {
    if r.at > r.read_at {
        return Err(InFuture {
            at: fmt_ts(&r.at),
            read_at: fmt_ts(&r.read_at),
        });
    }
    let all_moments = moments(snap);
    let mut notes = Vec::new();
    let mut out = snap.clone();
    // A file written as of an earlier instant holds that instant's notes: they describe it, not
    // `T` (those of `T` are made below). Left out, and that the file is itself a rewind said.
    let before = out.notes.len();
    out.notes.retain(|n| !n.kind.is_time_travel());
    if out.notes.len() < before {
        note(
            &mut notes,
            NoteKind::Expired,
            "snapshot",
            format!(
                "the file is itself as of {} (written with --at): what could not be told of that \
                 instant is missing here too; its notes of that instant are left out",
                fmt_ts(&snap.now)
            ),
        );
    }
    out.now = r.at;
    out.session = session_at(snap, r, &mut notes);
    out.journey = journey_at(&snap.journey, r.at, &mut notes);
    out.knowledge = knowledge_at(&snap.knowledge, r, &mut notes);
    // At the instant of the read, the present is T: the stored current milestone is T's.
    let (milestone, from) = if r.at == r.read_at && snap.current_milestone.is_some() {
        (snap.current_milestone.clone(), MilestoneFrom::Stored)
    } else {
        let derived = milestone_at(&out.journey, snap.current_milestone.is_some(), r.map);
        current_row_notes(snap, r, &derived, &mut notes);
        undated_steps_note(snap, &derived.0, &mut notes);
        derived
    };
    out.current_milestone = milestone.clone();
    out.cached_context = cache_at(snap, r, milestone.as_deref(), &mut notes);
    if r.origin == Origin::File {
        file_query_note(snap, &out, &mut notes);
    }
    before_any_data(&all_moments, &out, r.at, &snap.user_id, &mut notes);
    out.notes.extend(notes);
    Ok(Rewound {
        snapshot: out,
        as_of: AsOf {
            at: r.at,
            read_at: r.read_at,
            milestone,
            milestone_from: from,
        },
    })
}

fn note(notes: &mut Vec<Note>, kind: NoteKind, source: impl Into<String>, message: String) {
    notes.push(Note {
        kind,
        source: source.into(),
        message,
    });
}

/// `d` as whole seconds (`3600 s`) or hours and minutes (`2 h 5 min`).
fn span(d: TimeDelta) -> String {
    let s = d.num_seconds();
    if s < 3600 {
        format!("{s} s")
    } else if s % 3600 == 0 {
        format!("{} h", s / 3600)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}

/// The turns stored by `T`: the stored array up to its last turn at or before `T`, so turn ids
/// (`{session}#{index}`) stay those of the stored array. A turn stamped after `T` but stored
/// before one at or before it (clock skew) is kept as a malformed entry saying so.
fn session_at(snap: &Snapshot, r: &Rewind, notes: &mut Vec<Note>) -> Vec<SessionEntry> {
    let source = snap.session_source();
    let at = r.at;
    let kept = stored_by(snap, at);
    let undated = snap.session.iter().filter(|e| e.turn.is_err()).count();
    if undated > 0 {
        // Of those unreadable as stored (not the turns stamped after T, said on their own).
        let inside = snap.session[..kept.len()]
            .iter()
            .filter(|e| e.turn.is_err())
            .count();
        note(
            notes,
            NoteKind::Undated,
            source.clone(),
            format!(
                "entries without a readable timestamp cannot be placed in time ({undated}): \
                 {inside} stored among the turns up to T are kept as malformed, the rest left out"
            ),
        );
    }
    let oldest = snap.turns().map(|(_, t)| t.timestamp).min();
    let newest_kept = kept
        .iter()
        .filter_map(|e| e.turn.as_ref().ok())
        .map(|t| t.timestamp)
        .max();
    match (oldest, newest_kept) {
        (Some(oldest), None) => note(
            notes,
            NoteKind::Expired,
            source.clone(),
            format!(
                "no stored turn is at or before T (the oldest is {}): a session the user had at T \
                 has expired or was never stored, so the session layer at T is unknown, shown empty",
                fmt_ts(&oldest)
            ),
        ),
        (_, Some(newest)) if at - newest > TimeDelta::seconds(SESSION_TTL_SECS) => note(
            notes,
            NoteKind::Expired,
            source.clone(),
            format!(
                "the newest turn at or before T is {} earlier ({}): with the {SESSION_TTL_SECS} s \
                 session TTL this key had expired by T unless it was kept without one, so the \
                 system may not have read these turns at T",
                span(at - newest),
                fmt_ts(&newest)
            ),
        ),
        _ => {}
    }
    session_loss_note(snap, r, source, notes);
    kept
}

/// The stored session up to its last turn at or before `at`; a later-stamped turn stored
/// among them becomes malformed.
fn stored_by(snap: &Snapshot, at: DateTime<Utc>) -> Vec<SessionEntry> {
    let by_t = |e: &SessionEntry| e.turn.as_ref().is_ok_and(|t| t.timestamp <= at);
    let last = snap.session.iter().rposition(by_t);
    match last {
        None => Vec::new(),
        Some(last) => snap.session[..=last]
            .iter()
            .map(|e| match &e.turn {
                Ok(t) if t.timestamp > at => {
                    let why = format!(
                        "timestamp {} is after --at {}, yet stored before a turn at or before it",
                        fmt_ts(&t.timestamp),
                        fmt_ts(&at)
                    );
                    // Written out without the turn (not of T), so a snapshot of T reads so.
                    SessionEntry {
                        raw: serde_json::json!({ crate::snapshot::LEFT_OUT: why }),
                        turn: Err(why),
                    }
                }
                _ => e.clone(),
            })
            .collect(),
    }
}

/// `d` before `t`, or the first instant there is when that is earlier (`--at` may be as early
/// as the calendar goes).
fn before(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// What the origin of the data says of sessions live at `T` that are not in it.
fn session_loss_note(snap: &Snapshot, r: &Rewind, source: String, notes: &mut Vec<Note>) {
    let at = r.at;
    match r.origin {
        Origin::Stores if at < r.read_at => {
            let ttl = TimeDelta::seconds(SESSION_TTL_SECS);
            note(
                notes,
                NoteKind::Expired,
                crate::keys::session_key(r.key_prefix, &snap.user_id, "*"),
                format!(
                    "Redis drops a session {SESSION_TTL_SECS} s after its last write: a session \
                     last written between {} and {} was live at T and is gone now, so turns of T \
                     may be missing",
                    fmt_ts(&before(at, ttl)),
                    fmt_ts(&before(r.read_at, ttl))
                ),
            );
        }
        Origin::File => note(
            notes,
            NoteKind::Expired,
            source,
            "a snapshot file holds one session as it was at the file's now: other sessions live \
             at T are not in it"
                .into(),
        ),
        Origin::Stores => {}
    }
}

/// The journey rows created by `T`; rows without `created_at` cannot be placed and are left out.
fn journey_at(
    rows: &[JourneyEntry],
    at: DateTime<Utc>,
    notes: &mut Vec<Note>,
) -> Vec<JourneyEntry> {
    let undated: Vec<&str> = rows
        .iter()
        .filter(|j| j.timestamp.is_none())
        .map(|j| j.id.as_str())
        .collect();
    if !undated.is_empty() {
        note(
            notes,
            NoteKind::Undated,
            "memory_bank",
            format!(
                "{} without a readable created_at cannot be placed in time: left out at T",
                list(&undated)
            ),
        );
    }
    rows.iter()
        .filter(|j| j.timestamp.is_some_and(|t| t <= at))
        .cloned()
        .collect()
}

/// Completions and transitions without a readable time are left out of the milestone at `T`,
/// which is then derived without them: said, since it may be another.
fn undated_steps_note(snap: &Snapshot, milestone: &Option<String>, notes: &mut Vec<Note>) {
    let steps: Vec<&str> = snap
        .journey
        .iter()
        .filter(|j| j.timestamp.is_none())
        .filter(|j| matches!(j.kind, JourneyKind::MilestoneData | JourneyKind::Transition))
        .map(|j| j.id.as_str())
        .collect();
    if steps.is_empty() {
        return;
    }
    note(
        notes,
        NoteKind::Undated,
        "memory_bank",
        format!(
            "the milestone at T ({}) is derived without {} (completions or transitions that \
             cannot be placed in time): it may be another",
            milestone.as_deref().unwrap_or("none"),
            list(&steps)
        ),
    );
}

/// At most six ids, then how many more.
fn list(ids: &[&str]) -> String {
    const SHOWN: usize = 6;
    let head = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    match ids.len().saturating_sub(SHOWN) {
        0 => head,
        more => format!("{head} and {more} more"),
    }
}

/// The knowledge hits created by `T` (a store's search already asks for only those).
fn knowledge_at(hits: &[KnowledgeEntry], r: &Rewind, notes: &mut Vec<Note>) -> Vec<KnowledgeEntry> {
    let undated: Vec<&str> = hits
        .iter()
        .filter(|k| k.timestamp.is_none())
        .map(|k| k.id.as_str())
        .collect();
    if !undated.is_empty() {
        note(
            notes,
            NoteKind::Undated,
            "knowledge",
            format!(
                "{} without a readable created_at cannot be placed in time: left out at T",
                list(&undated)
            ),
        );
    }
    let message = match r.origin {
        Origin::Stores => {
            "knowledge is read as it is now: rows created after T are left out of \
                           the search, but rows changed or deleted since T cannot be restored (the \
                           table keeps no history)"
        }
        Origin::File => {
            "the file's knowledge hits are those its search found: hits created \
                         after T are left out, but rows its search did not return cannot be \
                         added back"
        }
    };
    note(notes, NoteKind::OnlyCurrent, "knowledge", message.into());
    hits.iter()
        .filter(|k| k.timestamp.is_some_and(|t| t <= r.at))
        .cloned()
        .collect()
}

/// What `user_journeys` cannot say about `T`: it keeps only the present.
fn current_row_notes(
    snap: &Snapshot,
    r: &Rewind,
    (at_t, from): &(Option<String>, MilestoneFrom),
    notes: &mut Vec<Note>,
) {
    if !r.journey_row || r.origin == Origin::File {
        return;
    }
    let later = snap
        .journey
        .iter()
        .any(|j| j.timestamp.is_some_and(|t| t > r.at));
    let now = snap.current_milestone.as_deref().unwrap_or("?");
    let derived = at_t.as_deref().unwrap_or("none");
    let message = if *from == MilestoneFrom::Default {
        // Not derived from memory_bank: no row of it says anything by T.
        format!(
            "user_journeys keeps only the present: the display name shown is today's, and with no \
             transition or completion by T the milestone at T ({derived}) is the table's default, \
             not read"
        )
    } else if !later && at_t.as_deref() != Some(now) {
        format!(
            "user_journeys keeps only the present (display name, current milestone {now}): no \
             journey row is later than T, yet the rows up to T give {derived}; {derived} is used"
        )
    } else {
        format!(
            "user_journeys keeps only the present: the display name shown is today's, and the \
             milestone at T ({derived}) is derived from memory_bank, not read"
        )
    };
    note(notes, NoteKind::OnlyCurrent, "user_journeys", message);
}

/// The cached context, when it provably existed at `T` under the milestone of `T`; else none,
/// and a note saying why.
fn cache_at(
    snap: &Snapshot,
    r: &Rewind,
    milestone: Option<&str>,
    notes: &mut Vec<Note>,
) -> Option<serde_json::Value> {
    let key_milestone = snap.current_milestone.as_deref();
    let source =
        crate::keys::context_key(r.key_prefix, &snap.user_id, key_milestone.unwrap_or("?"));
    let ttl = TimeDelta::seconds(CONTEXT_TTL_SECS);
    let Some(v) = &snap.cached_context else {
        if r.at < before(r.read_at, ttl) {
            note(
                notes,
                NoteKind::Expired,
                crate::keys::context_key(r.key_prefix, &snap.user_id, milestone.unwrap_or("?")),
                format!(
                    "a cached context lives {CONTEXT_TTL_SECS} s: one the system held at T would \
                     have expired before the data was read, so whether there was one cannot be told"
                ),
            );
        }
        return None;
    };
    if milestone != key_milestone {
        note(
            notes,
            NoteKind::Expired,
            source,
            format!(
                "the cached context read is {}'s; at T the user was at {}, whose cache (TTL \
                 {CONTEXT_TTL_SECS} s) has expired: no cached context is shown",
                key_milestone.unwrap_or("?"),
                milestone.unwrap_or("no milestone")
            ),
        );
        return None;
    }
    // Written when its TTL started (the system sets 300 s), else when it says it was.
    let written = match r.cache_ttl.filter(|t| *t <= CONTEXT_TTL_SECS as u64) {
        Some(left) if r.origin == Origin::Stores => Some(before(
            r.read_at,
            TimeDelta::seconds(CONTEXT_TTL_SECS - left as i64),
        )),
        _ => CachedContext::from_json(v)
            .ok()
            .and_then(|c| DateTime::parse_from_rfc3339(&c.created_at).ok())
            .map(|t| t.with_timezone(&Utc)),
    };
    match written {
        Some(w) if w <= r.at => Some(v.clone()),
        Some(w) => {
            note(
                notes,
                NoteKind::Expired,
                source,
                format!(
                    "the cached context was written at {}, after T; the one held at T, if any, \
                     lived {CONTEXT_TTL_SECS} s and cannot be shown",
                    fmt_ts(&w)
                ),
            );
            None
        }
        None => {
            note(
                notes,
                NoteKind::Undated,
                source,
                "when the cached context was written cannot be told (no TTL, no readable \
                 created_at): not shown at T"
                    .into(),
            );
            None
        }
    }
}

/// A file's hits were scored against its query: at `T` the newest user turn may be another.
fn file_query_note(file: &Snapshot, at_t: &Snapshot, notes: &mut Vec<Note>) {
    let then = at_t.newest_user_text();
    if file.query.is_none() || then == file.query.as_deref() {
        return;
    }
    let which = if then.is_some() {
        "the newest user turn at T is not the file's query"
    } else {
        "no user turn by T: the file's query is a later turn's"
    };
    note(
        notes,
        NoteKind::OnlyCurrent,
        "knowledge",
        format!(
            "{which}: the query shown and the file's hits, scored against it, are kept (a \
             snapshot file cannot search again)"
        ),
    );
}

/// `T` before every dated item of the user: nothing of theirs is reconstructed.
fn before_any_data(
    all: &[Moment],
    out: &Snapshot,
    at: DateTime<Utc>,
    user: &str,
    notes: &mut Vec<Note>,
) {
    let Some(first) = all.first() else { return };
    if first.at > at && out.journey.is_empty() && out.turns().next().is_none() {
        note(
            notes,
            NoteKind::BeforeAnyData,
            format!("user {user}"),
            format!(
                "T is before any of this user's dated data (the oldest is {}): nothing of theirs \
                 is reconstructed",
                fmt_ts(&first.at)
            ),
        );
    }
}

#[cfg(test)]
mod tests;
