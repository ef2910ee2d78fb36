//! One user's raw stored values → `UserData`: the logic every store shares, so that the same
//! data reads the same from the embedded demo and from live Redis and Postgres.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::session::{RawSession, parse_session};
use super::{LoadOptions, SessionInfo, StoreError, UserData};
use crate::engine::snapshot::{
    JourneyEntry, JourneyKind, Malformed, Note, NoteKind, SessionEntry, json_kind,
};

/// Values larger than this are reported, not parsed.
pub const MAX_VALUE_BYTES: usize = 4 << 20;

/// A user as read: rows and raw values, nothing interpreted yet.
#[derive(Debug, Clone, Default)]
pub struct RawUser {
    pub user_id: String,
    /// `user_journeys`: (current_milestone, display_name); `None`: no row.
    pub journey: Option<(String, Option<String>)>,
    pub sessions: Vec<RawSessionKey>,
    pub memory: Vec<RawMemoryRow>,
    /// The `context:{user}:{current milestone}` key, if it exists.
    pub cached: Option<RawKey>,
    /// That key's name, whether it exists or not (`None` without a journey).
    pub cached_name: Option<String>,
    /// Rows and keys the store could not decode at all (a row's, say, when a column is NULL).
    pub malformed: Vec<Malformed>,
    /// What was read but deserves a finding, and keys left unread as ambiguous.
    pub notes: Vec<Note>,
    /// When rows that could not be decoded were written (their `created_at`, when it could be
    /// read), by source: as of an earlier instant (`--at`) what they say is left out with them.
    pub written: Vec<(String, DateTime<Utc>)>,
}

/// A memory-bank row as malformed items and findings name it: `memory_bank id=17`.
pub fn memory_row(id: i64) -> String {
    format!("memory_bank id={id}")
}

/// A session key: its id, the raw value and TTL in seconds (`None`: no TTL).
#[derive(Debug, Clone)]
pub struct RawSessionKey {
    pub session_id: String,
    pub key: RawKey,
}

#[derive(Debug, Clone)]
pub struct RawKey {
    /// The full key name, for messages.
    pub name: String,
    pub value: RawValue,
    pub ttl: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum RawValue {
    String(Vec<u8>),
    /// A string longer than [`MAX_VALUE_BYTES`]: read no further than the limit, and not kept.
    Oversized,
    List(Vec<Vec<u8>>),
    /// Any other Redis type, by name (`hash`, `set`, …).
    Other(String),
    /// The server answered a read of the key with an error (`NOPERM` for an ACL user that may
    /// not read it): its text. The key is there, and could not be read.
    Refused(String),
}

/// A `memory_bank` row.
#[derive(Debug, Clone)]
pub struct RawMemoryRow {
    pub id: i64,
    pub context_type: String,
    pub milestone: Option<String>,
    pub data: Value,
    pub created_at: Option<DateTime<Utc>>,
}

/// Why a value is too large to read, if it is.
fn too_large(v: &RawValue) -> Option<String> {
    let limit = MAX_VALUE_BYTES >> 20;
    let n = match v {
        RawValue::Oversized => {
            return Some(format!(
                "value is over the {limit} MiB read limit (read no further)"
            ));
        }
        RawValue::String(b) => b.len(),
        RawValue::List(items) => items.iter().map(Vec::len).sum(),
        RawValue::Other(_) | RawValue::Refused(_) => 0,
    };
    (n > MAX_VALUE_BYTES).then(|| format!("value is {n} bytes, over the {limit} MiB read limit"))
}

/// A session key's entries, or why the whole value could not be read.
fn parse_key(key: &RawKey) -> Result<Vec<SessionEntry>, Malformed> {
    let whole = |reason: String| Malformed {
        id: None,
        source: key.name.clone(),
        reason,
    };
    if let Some(why) = too_large(&key.value) {
        return Err(whole(why));
    }
    match &key.value {
        RawValue::String(b) => parse_session(&key.name, RawSession::String(b)),
        // Caught as too large above.
        RawValue::Oversized => Err(whole("value is over the read limit".into())),
        RawValue::List(items) => {
            let slices: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
            parse_session(&key.name, RawSession::List(&slices))
        }
        RawValue::Other(t) => Err(whole(format!(
            "key holds a Redis {t}, not a string or a list"
        ))),
        RawValue::Refused(e) => Err(whole(format!("the server refused to read it: {e}"))),
    }
}

/// Interprets a raw user: picks the session (asked for, else the one with the newest turn),
/// parses turns, journey rows and the cached context; anything unreadable becomes malformed.
/// `store` names the store in errors; its keys begin with `key_prefix`.
pub fn user_data(
    raw: RawUser,
    opts: &LoadOptions,
    now: DateTime<Utc>,
    store: &str,
    key_prefix: &str,
) -> Result<UserData, StoreError> {
    // A user named by an ambiguous key, or with rows that could not be read, exists.
    if raw.journey.is_none()
        && raw.sessions.is_empty()
        && raw.memory.is_empty()
        && raw.malformed.is_empty()
        && raw.notes.is_empty()
    {
        return Err(StoreError::UserNotFound {
            store: store.into(),
            user: raw.user_id,
        });
    }
    let mut malformed = raw.malformed;
    let mut notes = raw.notes;
    let parsed = parse_sessions(&raw.sessions, opts.at);
    let chosen = choose_session(&parsed, opts, store, &raw.user_id)
        .map_err(|e| ambiguous_session(&e, &notes).unwrap_or(e))?;
    let session = chosen_turns(&parsed, chosen, &mut malformed);
    let (cached_context, cached_context_ttl) = match &raw.cached {
        None => (None, None),
        Some(k) => (cached_value(k, &mut malformed), k.ttl),
    };
    let cached_context_ttl_read = raw
        .cached
        .as_ref()
        .is_some_and(|k| k.ttl.is_some() || !matches!(k.value, RawValue::Refused(_)));
    let journey = journey_entries(&raw.memory, &mut malformed, &mut notes);
    // As of T, what rows written after T say (a bad shape, a duplicate, data that cannot be
    // read) is not said: they were not there yet.
    if let Some(at) = opts.at {
        forget_later(&raw.memory, &raw.written, at, &mut malformed, &mut notes);
    }
    let (current_milestone, display_name) = raw.journey.map_or((None, None), |(m, n)| (Some(m), n));
    let sessions: Vec<(&str, &[SessionEntry])> = parsed
        .iter()
        .filter_map(|(p, i)| Some((i.session_id.as_str(), p.as_deref().ok()?)))
        .collect();
    let moments = crate::engine::rewind::moments_of(&journey, &sessions);
    let mut data = UserData {
        stored_as: None,
        user_id: raw.user_id,
        display_name,
        current_milestone,
        now,
        session_id: chosen.map(|i| parsed[i].1.session_id.clone()),
        sessions: parsed.into_iter().map(|(_, info)| info).collect(),
        session,
        journey,
        cached_context,
        cached_context_ttl,
        cached_context_ttl_read,
        ttls_known: true,
        cached_context_key: raw.cached_name,
        malformed,
        notes,
        moments,
        as_of: None,
    };
    super::as_of::rewind_user(&mut data, opts, store, key_prefix)?;
    Ok(data)
}

/// The chosen session's turns (none when no session is chosen); what the others hold that is no
/// turn, and every session that could not be read, added to `malformed`.
fn chosen_turns(
    parsed: &[ParsedSession],
    chosen: Option<usize>,
    malformed: &mut Vec<Malformed>,
) -> Vec<SessionEntry> {
    let mut session = Vec::new();
    for (i, (p, info)) in parsed.iter().enumerate() {
        match p {
            Ok(entries) if Some(i) == chosen => session = entries.clone(),
            // A session not read: its entries that are no turns are named all the same (the
            // read one's are, through its turns), each by its key and index.
            Ok(entries) => malformed.extend(crate::engine::snapshot::unreadable_entries(
                &info.key,
                &info.session_id,
                entries,
            )),
            Err(m) => malformed.push(m.clone()),
        }
    }
    session
}

/// Drops from `malformed` and `notes` what the rows written after `at` say: the memory rows
/// created after it, and the undecodable rows `written` after it.
fn forget_later(
    memory: &[RawMemoryRow],
    written: &[(String, DateTime<Utc>)],
    at: DateTime<Utc>,
    malformed: &mut Vec<Malformed>,
    notes: &mut Vec<Note>,
) {
    let later: std::collections::HashSet<String> = memory
        .iter()
        .filter(|r| r.created_at.is_some_and(|t| t > at))
        .map(|r| memory_row(r.id))
        .chain(
            written
                .iter()
                .filter(|(_, t)| *t > at)
                .map(|(s, _)| s.clone()),
        )
        .collect();
    malformed.retain(|m| !later.contains(&m.source));
    notes.retain(|n| !later.contains(&n.source));
}

/// A session key's turns, or why they could not be read, and what the listing says of it.
type ParsedSession = (Result<Vec<SessionEntry>, Malformed>, SessionInfo);

/// Every session key of a user read into turns; its turns counted as of `at` (every readable
/// turn without it), as the listing of a user as of an instant shows them.
fn parse_sessions(keys: &[RawSessionKey], at: Option<DateTime<Utc>>) -> Vec<ParsedSession> {
    keys.iter()
        .map(|s| {
            let parsed = parse_key(&s.key);
            let entries = parsed.as_deref().unwrap_or_default();
            let stamps = entries
                .iter()
                .filter_map(|e| e.turn.as_ref().ok())
                .map(|t| t.timestamp)
                .filter(|t| at.is_none_or(|at| *t <= at));
            let malformed = match &parsed {
                Ok(entries) => entries.iter().filter(|e| e.turn.is_err()).count(),
                Err(_) => 1,
            };
            let info = SessionInfo {
                session_id: s.session_id.clone(),
                key: s.key.name.clone(),
                turns: stamps.clone().count(),
                malformed,
                ttl: s.key.ttl,
                newest: stamps.max(),
                ttl_read: !matches!(s.key.value, RawValue::Refused(_)),
            };
            (parsed, info)
        })
        .collect()
}

/// The session asked for (an error naming the ones there are when it is not), else the one
/// with the newest turn.
fn choose_session(
    parsed: &[ParsedSession],
    opts: &LoadOptions,
    store: &str,
    user: &str,
) -> Result<Option<usize>, StoreError> {
    Ok(match &opts.session {
        Some(id) => Some(
            parsed
                .iter()
                .position(|(_, i)| &i.session_id == id)
                .ok_or_else(|| StoreError::SessionNotFound {
                    store: store.into(),
                    user: user.into(),
                    session: id.clone(),
                    have: parsed
                        .iter()
                        .map(|(_, i)| format!("{:?}", i.session_id))
                        .collect::<Vec<_>>()
                        .join(", "),
                })?,
        ),
        // Newest turn wins (as of `--at`: the newest by then); ties go to the first session.
        None => (0..parsed.len()).rev().max_by_key(|&i| parsed[i].1.newest),
    })
}

/// A session asked for and not found whose key was set aside as ambiguous (another known user
/// could own it): said so, not "no such session".
fn ambiguous_session(e: &StoreError, notes: &[Note]) -> Option<StoreError> {
    let StoreError::SessionNotFound {
        store,
        user,
        session,
        ..
    } = e
    else {
        return None;
    };
    let key = crate::store::keys::session_key("", user, session);
    let note = notes
        .iter()
        .find(|n| n.kind == NoteKind::AmbiguousKey && n.source.ends_with(&key))?;
    Some(StoreError::SessionAmbiguous {
        store: store.clone(),
        user: user.clone(),
        session: session.clone(),
        key: note.source.clone(),
        why: note.message.clone(),
    })
}

fn cached_value(k: &RawKey, malformed: &mut Vec<Malformed>) -> Option<Value> {
    let fail = |reason: String| Malformed {
        id: None,
        source: k.name.clone(),
        reason,
    };
    let bytes = match &k.value {
        RawValue::String(b) if b.len() <= MAX_VALUE_BYTES => b,
        RawValue::String(_) | RawValue::Oversized => {
            malformed.push(fail(too_large(&k.value).unwrap_or_default()));
            return None;
        }
        RawValue::List(_) => {
            malformed.push(fail("key holds a Redis list, not a string".into()));
            return None;
        }
        RawValue::Other(t) => {
            malformed.push(fail(format!("key holds a Redis {t}, not a string")));
            return None;
        }
        RawValue::Refused(e) => {
            malformed.push(fail(format!("the server refused to read it: {e}")));
            return None;
        }
    };
    match std::str::from_utf8(bytes).map(serde_json::from_str::<Value>) {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            malformed.push(fail(crate::engine::json::unreadable("cached context", &e)));
            None
        }
        Err(e) => {
            malformed.push(fail(format!("cached context is not valid UTF-8 ({e})")));
            None
        }
    }
}

fn journey_entries(
    rows: &[RawMemoryRow],
    malformed: &mut Vec<Malformed>,
    notes: &mut Vec<Note>,
) -> Vec<JourneyEntry> {
    let mut out = Vec::new();
    for row in rows {
        let kind = match row.context_type.as_str() {
            "business_dna" => JourneyKind::BusinessDna,
            "milestone_data" => JourneyKind::MilestoneData,
            "transition" => JourneyKind::Transition,
            other => {
                malformed.push(Malformed {
                    id: Some(format!("mb:{}", row.id)),
                    source: memory_row(row.id),
                    reason: format!("unknown context_type {other:?}"),
                });
                continue;
            }
        };
        for message in row_shape(kind, row.milestone.as_deref(), &row.data) {
            notes.push(Note {
                kind: NoteKind::UnexpectedShape,
                source: memory_row(row.id),
                message,
            });
        }
        out.push(JourneyEntry {
            id: format!("mb:{}", row.id),
            kind,
            milestone: row.milestone.clone(),
            data: row.data.clone(),
            timestamp: row.created_at,
        });
    }
    out
}

/// What is odd about a memory bank row, each thing once: data that is not an object, a
/// milestone row without its milestone, a transition's odd fields and a `to` its row's
/// milestone does not match (both: the second changes the score whatever the first says).
pub(super) fn row_shape(kind: JourneyKind, milestone: Option<&str>, data: &Value) -> Vec<String> {
    match kind {
        JourneyKind::Transition => {
            // Text and score follow `data.to`; the row's milestone column is left unused.
            let to = data.get("to").and_then(Value::as_str);
            let mismatch = (to.is_some() && milestone.is_some() && milestone != to).then(|| {
                "transition data's `to` differs from its row's milestone: its text and \
                     score follow `to`, the row's milestone is not used"
                    .to_string()
            });
            transition_shape(data).into_iter().chain(mismatch).collect()
        }
        _ if !data.is_object() => vec![format!(
            "{} data is {}, not an object: read as it is",
            kind.as_str(),
            json_kind(data)
        )],
        JourneyKind::MilestoneData if milestone.is_none() => vec![
            "milestone_data row without a milestone: it contributes to no milestone".to_string(),
        ],
        _ => Vec::new(),
    }
}

/// What is odd about a transition row's data, each field once: SPEC §1 gives it an object whose
/// `from` and `to` are milestone ids (field names are written without quotes, which `--redact`
/// masks).
fn transition_shape(data: &Value) -> Vec<String> {
    let Value::Object(o) = data else {
        return vec![format!(
            "transition data is {}, not an object of `from`, `to` and `context`: read as the \
             carried context",
            json_kind(data)
        )];
    };
    let ids = ["from", "to"].into_iter().filter_map(|f| match o.get(f) {
        None | Some(Value::String(_)) => None,
        Some(v) => Some(format!(
            "transition data's `{f}` is {}, not a milestone id",
            json_kind(v)
        )),
    });
    let same = match (o.get("from"), o.get("to")) {
        (Some(Value::String(a)), Some(Value::String(b))) if a == b => {
            Some("transition data's `from` and `to` are the same milestone".to_string())
        }
        _ => None,
    };
    let context = match o.get("context") {
        None | Some(Value::Object(_)) => None,
        Some(v) => Some(format!(
            "transition data's `context` is {}, not an object: read as it is",
            json_kind(v)
        )),
    };
    ids.chain(same).chain(context).collect()
}
