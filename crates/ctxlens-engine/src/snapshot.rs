//! The snapshot: everything assembly needs about one user at one instant (SPEC §4), and its JSON form.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One user's inputs to assembly. `now` is part of the input, so replay never reads the clock.
/// Fields SPEC §4 does not name are allowed (another writer's additions) and not kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub user_id: String,
    #[serde(default)]
    pub session_id: Option<String>,
    /// `None`: the user has no journey row.
    #[serde(default)]
    pub current_milestone: Option<String>,
    #[serde(with = "rfc3339")]
    pub now: DateTime<Utc>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub session: Vec<SessionEntry>,
    #[serde(default)]
    pub journey: Vec<JourneyEntry>,
    #[serde(default)]
    pub knowledge: Vec<KnowledgeEntry>,
    /// The knowledge search that returned `knowledge`: which hits it reaches, so a replay under
    /// another threshold or limit can tell whether the hits held answer for it. `None`: no
    /// search was made (no query), or the file does not say (written by hand or before it was
    /// recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_search: Option<KnowledgeSearch>,
    #[serde(default)]
    pub cached_context: Option<Value>,
    /// The Redis key the session was read from (with the store's key prefix). Not part of the
    /// snapshot file: a file's turns are named by SPEC §1's default key.
    #[serde(skip)]
    pub session_key: Option<String>,
    /// Data the store found but could not read (other than session turns, which carry their own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub malformed: Vec<Malformed>,
    /// Data that was read but deserves a look (findings): odd values, duplicates, ambiguous keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Which of `malformed` and `notes` a snapshot file holds as written (its own words, not
    /// ctxlens's): `--redact` masks their text whole.
    #[serde(skip)]
    pub recorded: Recorded,
}

/// How many of a snapshot's `malformed` items and `notes`, from the first, were read as a file
/// wrote them (the rest the reader found). Bookkeeping of a read, not data: two snapshots of the
/// same data are equal however they were read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recorded {
    pub malformed: usize,
    pub notes: usize,
}

impl PartialEq for Recorded {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Snapshot {
    /// Marks every `malformed` item and note held now as written by the file read.
    pub fn mark_recorded(&mut self) {
        self.recorded = Recorded {
            malformed: self.malformed.len(),
            notes: self.notes.len(),
        };
    }

    /// Whether a malformed item from `source` (item `id`) is one a file wrote, not one the
    /// reader found: its reason is free text.
    pub fn recorded_malformed(&self, source: &str, id: Option<&str>) -> bool {
        self.malformed
            .iter()
            .take(self.recorded.malformed)
            .any(|m| m.source == source && m.id.as_deref() == id)
    }

    /// Whether a note from `source` saying `message` is one a file wrote.
    pub fn recorded_note(&self, source: &str, message: &str) -> bool {
        self.notes
            .iter()
            .take(self.recorded.notes)
            .any(|n| n.source == source && n.message == message)
    }
}

/// A knowledge search as it was asked: hits at least `min_similarity` similar (the policy's
/// threshold less the near-miss margin), at most `limit` of them (the policy's limit plus the
/// near misses).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeSearch {
    pub min_similarity: f64,
    pub limit: usize,
    /// Whether the search kept to the user's milestone (and hits of none): a policy that does
    /// not would have been answered other hits. `None`: the file does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone_only: Option<bool>,
}

/// Something unreadable, kept as data: where it came from and why it was not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Malformed {
    /// The item id it would have had, when known (e.g. `s1#3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Redis key or table row, e.g. `session:u066:s3` or `memory_bank id=17`.
    pub source: String,
    pub reason: String,
}

/// Stored data that was read, or left unread on purpose, and deserves a look: a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub kind: NoteKind,
    /// Redis key or table row, as in [`Malformed::source`].
    pub source: String,
    pub message: String,
}

/// What a [`Note`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A legal timestamp ctxlens cannot hold (Postgres `infinity`, years past 262142): the item
    /// is read without a timestamp.
    TimestampOutOfRange,
    /// Several rows where one is expected (a view, or a table without a primary key): the first
    /// row read is used, the others are not.
    DuplicateRow,
    /// A Redis key two or more known users could own (user ids may contain `:`): nobody's data.
    AmbiguousKey,
    /// A value of another shape than SPEC §1 gives it, read as it is.
    UnexpectedShape,
    /// A field of a snapshot file that no snapshot has (another writer's addition, or a
    /// misspelling that leaves the field meant empty): read past.
    UnknownField,
    /// A key that should expire has no TTL (one no prompt reads: a cached context of another
    /// milestone than the user's).
    NoTtl,
    /// As of an earlier instant (`--at T`): data that lived at `T` may have expired since (a
    /// session, a cached context), so what is shown for it may be incomplete or is left out.
    Expired,
    /// As of an earlier instant: an item without a readable timestamp cannot be placed in time.
    Undated,
    /// As of an earlier instant: a value stored only as it is now (`user_journeys`, knowledge
    /// rows), so `T`'s cannot be restored.
    OnlyCurrent,
    /// As of an earlier instant: `T` is before any of the user's dated data.
    BeforeAnyData,
}

impl NoteKind {
    /// Whether the note is about time travel (`--at`): what cannot be told of an earlier instant.
    pub fn is_time_travel(self) -> bool {
        matches!(
            self,
            NoteKind::Expired | NoteKind::Undated | NoteKind::OnlyCurrent | NoteKind::BeforeAnyData
        )
    }
}

/// A chat turn in either of SPEC §1's shapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TurnBody {
    /// `{"user", "assistant", "timestamp"}` (the seed's chat handler).
    Exchange { user: String, assistant: String },
    /// `{"role", "content", "timestamp"}`.
    Message { role: Role, content: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    User,
    Assistant,
    System,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::User => "User",
            Role::Assistant => "Assistant",
            Role::System => "System",
        }
    }
}

/// A readable turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub body: TurnBody,
    pub timestamp: DateTime<Utc>,
}

impl Turn {
    /// The user's words in this turn, if it has any (used to pick the knowledge query).
    pub fn user_text(&self) -> Option<&str> {
        match &self.body {
            TurnBody::Exchange { user, .. } => Some(user),
            TurnBody::Message {
                role: Role::User,
                content,
            } => Some(content),
            TurnBody::Message { .. } => None,
        }
    }
}

/// One element of a stored session array: a turn, or why it is not one. The raw JSON is kept so
/// a snapshot written back out is the data as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    pub raw: Value,
    pub turn: Result<Turn, String>,
}

impl SessionEntry {
    pub fn from_value(raw: Value) -> Self {
        let turn = parse_turn(&raw);
        Self { raw, turn }
    }
}

impl Serialize for SessionEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for SessionEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(SessionEntry::from_value)
    }
}

/// Whether `json` holds a `\uD800`–`\uDFFF` escape not paired as JSON pairs them (a high one
/// followed at once by a low one).
fn lone_surrogate(json: &str) -> bool {
    let unit = |at: usize| {
        json.get(at..at + 6)
            .filter(|e| e.starts_with("\\u"))
            .and_then(|e| u16::from_str_radix(&e[2..], 16).ok())
    };
    let mut at = 0;
    while let Some(i) = json[at..].find("\\u").map(|i| at + i) {
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => at = i + 12,
            Some(0xD800..=0xDFFF) => return true,
            _ => at = i + 2,
        }
    }
    false
}

/// Reads a turn from either shape; the error says which field is wrong.
/// The key of a session entry a rewind (`--at T`) left out of the turns though it stays in the
/// array (a turn stamped after `T` stored before one at or before it): the entry is written
/// `{"ctxlens_left_out": "<why>"}` — without the turn's text, which is not of `T` — so a
/// snapshot written `--at T` replays as the user was at `T`, the entry's index kept.
pub const LEFT_OUT: &str = "ctxlens_left_out";

/// The reason a [`LEFT_OUT`] entry reads back with: a rewind's own words as written; anything
/// else (the marker is only a key: anyone can store one) quoted as the entry's, so `--redact`
/// masks it as it masks every quoted value.
fn left_out_reason(why: &str) -> String {
    let stamp = |t: &str| chrono::DateTime::parse_from_rfc3339(t).is_ok() && !t.contains(' ');
    let own = why
        .strip_prefix("timestamp ")
        .and_then(|rest| rest.strip_suffix(", yet stored before a turn at or before it"))
        .and_then(|slots| slots.split_once(" is after --at "))
        .is_some_and(|(turn, at)| stamp(turn) && stamp(at));
    if own {
        why.to_string()
    } else {
        format!("left out, the entry says {}", Value::from(why))
    }
}

pub fn parse_turn(v: &Value) -> Result<Turn, String> {
    let obj = match v {
        Value::Object(obj) => obj,
        // A list element that was not JSON is kept as a string, so a snapshot written back out
        // reads with the same reason. A string that does not start as JSON would (`{`, `[`) is
        // a string, whichever way it was stored (a JSON string in an array, plain text in a
        // list): called one, not JSON that failed.
        Value::String(s) => {
            let tried = s.trim_start().starts_with(['{', '[']);
            return Err(match serde_json::from_str::<Value>(s) {
                Err(e) if tried && lone_surrogate(s) => format!(
                    "element is not JSON: {e} (a lone UTF-16 surrogate escape: half of a \
                     character, as an encoder that split an emoji writes it)"
                ),
                Err(e) if tried => crate::json::unreadable("element", &e),
                Err(_) => "expected a JSON object, found a string".into(),
                Ok(_) => "expected a JSON object, found a string (JSON encoded twice?)".into(),
            });
        }
        other => {
            return Err(format!(
                "expected a JSON object, found {}",
                json_kind(other)
            ));
        }
    };
    // An entry a rewind left out (see [`LEFT_OUT`]) reads back as it was written: malformed,
    // for the reason it was left out.
    if let Some(Value::String(why)) = obj.get(LEFT_OUT) {
        return Err(left_out_reason(why));
    }
    let ts = obj.get("timestamp").ok_or("missing field `timestamp`")?;
    let timestamp = parse_timestamp(ts).map_err(|e| format!("timestamp: {e}"))?;
    let text = |field: &str| -> Result<String, String> {
        match obj.get(field) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "field `{field}` must be a string, found {}",
                json_kind(other)
            )),
            None => Err(format!("missing field `{field}`")),
        }
    };
    let message = obj.contains_key("role") || obj.contains_key("content");
    // Both shapes in one entry: which one the application reads is not known, and reading
    // either would lose the other's text unseen.
    if message && (obj.contains_key("user") || obj.contains_key("assistant")) {
        return Err(
            "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: \
             which one is the turn is not known"
                .into(),
        );
    }
    let body = if message {
        let role = match text("role")?.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "system" => Role::System,
            other => {
                return Err(format!(
                    "field `role` must be user, assistant or system, found {other:?}"
                ));
            }
        };
        TurnBody::Message {
            role,
            content: text("content")?,
        }
    } else {
        TurnBody::Exchange {
            user: text("user")?,
            assistant: text("assistant")?,
        }
    };
    Ok(Turn { body, timestamp })
}

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

/// A `memory_bank` row (fields SPEC §4 does not name are allowed, as on the snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyEntry {
    /// `mb:{memory_bank.id}`.
    pub id: String,
    pub kind: JourneyKind,
    #[serde(default)]
    pub milestone: Option<String>,
    pub data: Value,
    #[serde(default, with = "rfc3339_opt")]
    pub timestamp: Option<DateTime<Utc>>,
}

impl JourneyEntry {
    /// The milestone the row is about: a transition's `data.to` (as its text names it, SPEC §1,
    /// §3.4; the row's milestone column only when the data has none), any other row's
    /// milestone column.
    pub fn about(&self) -> Option<&str> {
        match self.kind {
            JourneyKind::Transition => self
                .data
                .get("to")
                .and_then(Value::as_str)
                .or(self.milestone.as_deref()),
            _ => self.milestone.as_deref(),
        }
    }
}

/// `memory_bank.context_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JourneyKind {
    BusinessDna,
    MilestoneData,
    Transition,
}

/// Read from its name; anything else (another name, a number) says which names there are —
/// a derived enum given a number says only "expected value".
impl<'de> Deserialize<'de> for JourneyKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = JourneyKind;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one of `business_dna`, `milestone_data`, `transition`")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<JourneyKind, E> {
                JourneyKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == s)
                    .ok_or_else(|| E::unknown_variant(s, &JourneyKind::NAMES))
            }
        }
        d.deserialize_str(Name)
    }
}

impl JourneyKind {
    const ALL: [JourneyKind; 3] = [
        JourneyKind::BusinessDna,
        JourneyKind::MilestoneData,
        JourneyKind::Transition,
    ];
    /// The names, in declaration order (as `ALL`): what `as_str` gives and deserializing takes.
    const NAMES: [&'static str; 3] = ["business_dna", "milestone_data", "transition"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// A knowledge hit and its similarity to the query (other fields allowed, as on the snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeEntry {
    /// `kn:{knowledge.id}`.
    pub id: String,
    #[serde(default)]
    pub milestone: Option<String>,
    pub title: String,
    pub content: String,
    /// `metadata.section`, shown after the title in RAG source lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Within [-1, 1] for a scorable hit: a file's hit outside it is read as a malformed item
    /// by the file reader ([`Snapshot::unscorable_hits`]), the other hits still replay.
    pub similarity: f64,
    #[serde(default, with = "rfc3339_opt")]
    pub timestamp: Option<DateTime<Utc>>,
}

impl Snapshot {
    /// The session key the snapshot's turns come from (without a key recorded, the one SPEC §1
    /// names for its user and session).
    pub fn session_source(&self) -> String {
        self.session_key.clone().unwrap_or_else(|| {
            super::keys::session_key("", &self.user_id, self.session_id.as_deref().unwrap_or("?"))
        })
    }

    /// The knowledge search the snapshot records, as wide as the hits it holds show it was: a
    /// file whose hits reach below its recorded `min_similarity`, or outnumber its `limit`
    /// (written by hand, or by another tool), searched at least that far. `None`: none recorded.
    pub fn searched(&self) -> Option<KnowledgeSearch> {
        let mut ks = self.knowledge_search?;
        let lowest = self
            .knowledge
            .iter()
            .map(|k| k.similarity)
            .filter(|s| s.is_finite())
            .fold(f64::INFINITY, f64::min);
        ks.min_similarity = ks.min_similarity.min(lowest);
        ks.limit = ks.limit.max(self.knowledge.len());
        Some(ks)
    }

    /// The malformed item of the current milestone's cached context, when the store could not
    /// read it at all (not JSON, not UTF-8, too large, another Redis type): named by its key,
    /// under any key prefix.
    pub fn unreadable_cache(&self) -> Option<&Malformed> {
        let m = self.current_milestone.as_deref()?;
        let key = super::keys::context_key("", &self.user_id, m);
        self.malformed.iter().find(|x| x.source.ends_with(&key))
    }

    /// Parses snapshot JSON; errors carry line and column.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Knowledge hits whose similarity is outside [-1, 1] (a file edited by hand), taken out
    /// of the hits as malformed items naming `source` and the hit's id: no score can be made of
    /// them, and the other hits still replay (SPEC §6).
    pub fn unscorable_hits(&mut self, source: &str) -> Vec<Malformed> {
        let mut out = Vec::new();
        self.knowledge.retain(|k| {
            let ok = (-1.0..=1.0).contains(&k.similarity);
            if !ok {
                out.push(Malformed {
                    id: Some(k.id.clone()),
                    source: format!("{source} knowledge (hit {})", k.id),
                    reason: format!(
                        "similarity {} is outside [-1, 1]",
                        crate::shown_f64(k.similarity)
                    ),
                });
            }
            ok
        });
        out
    }

    /// Pretty JSON, with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = super::json::pretty(self);
        s.push('\n');
        s
    }

    /// Readable session turns with their index in the stored array.
    pub fn turns(&self) -> impl Iterator<Item = (usize, &Turn)> {
        self.session
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.turn.as_ref().ok().map(|t| (i, t)))
    }

    /// The id of session turn `index`: `{session_id}#{index}`.
    pub fn turn_id(&self, index: usize) -> String {
        format!(
            "{}#{index}",
            self.session_id.as_deref().unwrap_or("session")
        )
    }

    /// The newest user message, the default knowledge query (SPEC §5).
    pub fn newest_user_text(&self) -> Option<&str> {
        self.turns()
            .filter_map(|(i, t)| t.user_text().map(|text| ((t.timestamp, i), text)))
            .max_by_key(|(key, _)| *key)
            .map(|(_, text)| text)
    }

    /// Session entries that are not readable turns, as malformed items.
    pub fn malformed_turns(&self) -> Vec<Malformed> {
        let key = self.session_key.clone().unwrap_or_else(|| {
            super::keys::session_key("", &self.user_id, self.session_id.as_deref().unwrap_or("?"))
        });
        unreadable_entries(
            &key,
            self.session_id.as_deref().unwrap_or("session"),
            &self.session,
        )
    }
}

/// The entries of session `session_id` (stored at `key`) that are not readable turns, as
/// malformed items named by key and index (`session:u1:s1[1]`, id `s1#1`): the session read and
/// those not read are named alike.
pub fn unreadable_entries(key: &str, session_id: &str, entries: &[SessionEntry]) -> Vec<Malformed> {
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            e.turn.as_ref().err().map(|reason| Malformed {
                id: Some(format!("{session_id}#{i}")),
                source: format!("{key}[{i}]"),
                reason: reason.clone(),
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_turn_shapes_and_timestamp_forms_parse() {
        let a = parse_turn(
            &json!({"user": "hi", "assistant": "hello", "timestamp": "2025-01-15T11:00:00Z"}),
        );
        assert!(matches!(
            a,
            Ok(Turn {
                body: TurnBody::Exchange { .. },
                ..
            })
        ));
        let b = parse_turn(&json!({"role": "assistant", "content": "ok", "timestamp": 1736938800}))
            .expect("epoch int");
        assert_eq!(fmt_ts(&b.timestamp), "2025-01-15T11:00:00Z");
        let c = parse_turn(&json!({"role": "user", "content": "ok", "timestamp": 1736938800.5}))
            .expect("float");
        assert_eq!(fmt_ts(&c.timestamp), "2025-01-15T11:00:00.500Z");
    }

    #[test]
    fn malformed_turns_say_why() {
        let cases = [
            (
                json!({"user": "hi", "timestamp": "2025-01-15T11:00:00Z"}),
                "missing field `assistant`",
            ),
            (
                json!({"user": "hi", "assistant": "x"}),
                "missing field `timestamp`",
            ),
            (
                json!({"user": "hi", "assistant": "x", "timestamp": "yesterday-ish"}),
                "timestamp: \"yesterday-ish\" is neither RFC 3339 nor epoch seconds",
            ),
            (
                json!({"role": "bot", "content": "x", "timestamp": 1}),
                "field `role` must be user, assistant or system, found \"bot\"",
            ),
            (
                json!({"user": "u", "assistant": "a", "role": "system", "content": "c", "timestamp": 1}),
                "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: which one is the turn is not known",
            ),
            (
                json!({"content": "c", "user": "u", "timestamp": 1}),
                "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: which one is the turn is not known",
            ),
            (
                json!({"user": 42, "assistant": "x", "timestamp": 1}),
                "field `user` must be a string, found a number",
            ),
            (json!(42), "expected a JSON object, found a number"),
            (
                json!("{oops"),
                "element is not JSON: key must be a string at line 1 column 2",
            ),
            (
                json!("hello there"),
                "expected a JSON object, found a string",
            ),
            (
                json!("{\"user\": \"x\"}"),
                "expected a JSON object, found a string (JSON encoded twice?)",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(parse_turn(&v).expect_err("malformed"), want);
        }
    }

    #[test]
    fn snapshot_round_trips_byte_for_byte() {
        let text = r#"{
  "user_id": "u1",
  "session_id": "s1",
  "current_milestone": "M3",
  "now": "2025-01-15T12:00:00Z",
  "query": "how should I price?",
  "session": [
    {
      "assistant": "Start from landed cost.",
      "timestamp": 1736938800,
      "user": "how should I price?"
    },
    {
      "user": "broken"
    }
  ],
  "journey": [],
  "knowledge": [
    {
      "id": "kn:5",
      "milestone": null,
      "title": "Pricing",
      "content": "Cost-plus vs value.",
      "similarity": 0.83,
      "timestamp": null
    }
  ],
  "cached_context": null
}
"#;
        let snap = Snapshot::from_json(text).expect("parses");
        assert_eq!(snap.to_json(), text);
        assert_eq!(snap.turns().count(), 1);
        assert_eq!(snap.malformed_turns()[0].source, "session:u1:s1[1]");
        assert_eq!(snap.newest_user_text(), Some("how should I price?"));
    }

    #[test]
    fn notes_are_optional_and_round_trip() {
        let text = r#"{"user_id":"u","now":"2025-01-15T12:00:00Z"}"#;
        let mut snap = Snapshot::from_json(text).expect("no notes field");
        assert!(snap.notes.is_empty() && !snap.to_json().contains("notes"));
        snap.notes.push(Note {
            kind: NoteKind::TimestampOutOfRange,
            source: "knowledge id=5".into(),
            message: "created_at is infinity".into(),
        });
        let json = snap.to_json();
        assert!(
            json.contains(r#""kind": "timestamp_out_of_range""#),
            "{json}"
        );
        assert_eq!(Snapshot::from_json(&json).expect("parses"), snap);
    }

    /// A year RFC 3339 cannot write, as the snapshot of a legal Postgres timestamp writes it,
    /// reads back as the same instant.
    #[test]
    fn years_past_9999_and_before_0000_read_back() {
        for year in [10_000, 262_142, -4712, 0] {
            let t = Utc
                .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
                .single()
                .expect("valid");
            let written = fmt_ts(&t);
            assert_eq!(parse_timestamp(&json!(written)), Ok(t), "{written}");
        }
        assert!(parse_timestamp(&json!("+2025-01-01 00:00")).is_err());
        assert!(parse_timestamp(&json!("-")).is_err());
    }

    #[test]
    fn lone_surrogate_escapes_are_told_from_pairs() {
        assert!(lone_surrogate(r#"{"user":"half \ud83d here"}"#));
        assert!(lone_surrogate(r#"{"user":"low first \ude00\ud83d"}"#));
        assert!(lone_surrogate(r#"{"user":"at the end \uD83D"}"#));
        assert!(!lone_surrogate(
            r#"{"user":"whole \ud83d\ude00 and \u00e9"}"#
        ));
        assert!(!lone_surrogate(r#"{"user":"cut \u12"}"#));
    }

    #[test]
    fn a_journey_kind_that_is_not_one_says_which_there_are() {
        let kind = |v: Value| serde_json::from_value::<JourneyKind>(v).map_err(|e| e.to_string());
        assert_eq!(kind(json!("transition")), Ok(JourneyKind::Transition));
        assert_eq!(
            kind(json!(5)),
            Err(
                "invalid type: integer `5`, expected one of `business_dna`, `milestone_data`, `transition`"
                    .into()
            )
        );
        assert_eq!(
            kind(json!("chat")),
            Err(
                "unknown variant `chat`, expected one of `business_dna`, `milestone_data`, `transition`"
                    .into()
            )
        );
        for k in JourneyKind::ALL {
            assert_eq!(kind(json!(k.as_str())), Ok(k));
        }
    }

    #[test]
    fn a_huge_epoch_is_named_as_written() {
        let err = parse_timestamp(&serde_json::json!(1e300)).expect_err("out of range");
        assert_eq!(err, "epoch seconds `1e300` out of range");
        // Milliseconds where seconds belong: a turn thousands of years ahead, refused.
        let err = parse_timestamp(&serde_json::json!(1_736_935_200_000_i64)).expect_err("ms");
        assert_eq!(
            err,
            "epoch seconds `1736935200000` is after 9999-12-31 (milliseconds where seconds belong?)"
        );
        assert!(parse_timestamp(&serde_json::json!(253_402_300_799_i64)).is_ok());
        // Past 2^53 the number is named as written, not as its nearest f64.
        let err = parse_timestamp(&serde_json::json!(9_007_199_254_740_993_u64)).expect_err("big");
        assert!(
            err.starts_with("epoch seconds `9007199254740993` "),
            "{err}"
        );
    }

    #[test]
    fn an_unscorable_hit_is_a_malformed_item_and_the_others_stay() {
        let text = r#"{"user_id":"u","now":"2025-01-15T12:00:00Z","knowledge":[{"id":"kn:1","title":"t","content":"c","similarity":1.5},{"id":"kn:2","title":"t","content":"c","similarity":-0.2}]}"#;
        let mut snap = Snapshot::from_json(text).expect("parses");
        let bad = snap.unscorable_hits("f.json");
        assert_eq!(
            bad,
            vec![Malformed {
                id: Some("kn:1".into()),
                source: "f.json knowledge (hit kn:1)".into(),
                reason: "similarity 1.5 is outside [-1, 1]".into(),
            }]
        );
        assert_eq!(snap.knowledge.len(), 1);
        assert_eq!(snap.knowledge[0].id, "kn:2");
    }
}
