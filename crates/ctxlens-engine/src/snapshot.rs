//! The snapshot: everything assembly needs about one user at one instant (SPEC §4), and its JSON form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

mod turn;
mod values;

pub use turn::{LEFT_OUT, Role, SessionEntry, Turn, TurnBody, parse_turn};
pub use values::{fmt_ts, json_kind, parse_timestamp};
pub(crate) use values::{rfc3339, rfc3339_opt};

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

#[cfg(test)]
mod tests;
