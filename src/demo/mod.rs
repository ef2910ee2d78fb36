//! The demo dataset: its on-disk format (`fixtures/demo.json`), loading, and the generator that makes it.
//!
//! The dataset mirrors what the live system keeps (SPEC §1): raw Redis values per key, and rows
//! of `user_journeys`, `memory_bank` and `knowledge`. Keeping raw values (not parsed turns) lets
//! the demo carry malformed data exactly as Redis would hold it, and lets `seed` write it verbatim.

pub mod content;
pub mod generator;
pub mod hostile;

use serde::{Deserialize, Serialize};

/// The checked-in demo dataset, embedded in the binary.
pub const DEMO_JSON: &str = include_str!("../../fixtures/demo.json");

/// A whole dataset: the fixed `now`, the shared knowledge table and every user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The dataset's fixed clock (RFC 3339); every timestamp is relative to it.
    pub now: String,
    /// Rows of the `knowledge` table (embeddings are computed by the built-in embedder).
    pub knowledge: Vec<KnowledgeRow>,
    pub users: Vec<DemoUser>,
}

/// One row of `knowledge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeRow {
    pub id: i64,
    /// `None`: relevant to every milestone.
    pub milestone: Option<String>,
    pub title: String,
    pub content: String,
    /// Free-form; `section` (string) is shown after the title in RAG source lists.
    pub metadata: serde_json::Value,
    pub created_at: String,
}

/// One user: the `user_journeys` row (absent for a user with no journey), Redis keys, `memory_bank` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    pub user_id: String,
    /// `None`: the user has no `user_journeys` row at all.
    pub journey: Option<JourneyRow>,
    /// `session:{user}:{session_id}` keys.
    pub sessions: Vec<RedisKey>,
    /// `memory_bank` rows of this user (ids are unique across the dataset).
    pub memory_bank: Vec<MemoryRow>,
    /// `context:{user}:{milestone}` cache keys.
    pub cached_contexts: Vec<CachedContext>,
}

/// One `user_journeys` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyRow {
    pub current_milestone: String,
    pub display_name: Option<String>,
    pub updated_at: String,
}

/// A session key with its raw Redis value and TTL in seconds (`None`: no TTL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisKey {
    pub session_id: String,
    pub value: RedisValue,
    pub ttl: Option<u64>,
}

/// A raw Redis value: a string (normally a JSON array of turns) or a list of strings (one JSON turn each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum RedisValue {
    String(String),
    List(Vec<String>),
}

/// One `memory_bank` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryRow {
    pub id: i64,
    /// `business_dna` | `milestone_data` | `transition`.
    pub context_type: String,
    pub milestone: Option<String>,
    pub data: serde_json::Value,
    pub created_at: String,
}

/// A `context:{user}:{milestone}` key: the raw cached JSON and its TTL in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CachedContext {
    pub milestone: String,
    pub value: String,
    pub ttl: Option<u64>,
}

impl Dataset {
    /// Parses a dataset, naming line and column on error.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The embedded demo dataset.
    pub fn demo() -> Self {
        // The embedded file is generated and checked by a test; failing here is a build defect.
        #[allow(clippy::expect_used)]
        Self::from_json(DEMO_JSON).expect("embedded fixtures/demo.json is valid")
    }
}

/// The words of `user`'s personal data (chat turns, journey values, display name) that appear
/// nowhere in shared text a person may see under `--redact` (knowledge articles, milestone names,
/// policy presets, journey keys, `shared`): what redaction must never show. Words are runs of
/// letters and digits, lowercased, at least four long; numbers and pieces of timestamps
/// (`14t16`), which ctxlens shows as times, are left out.
pub fn private_words(
    data: &Dataset,
    user: &str,
    shared: &[&str],
) -> std::collections::BTreeSet<String> {
    use std::collections::BTreeSet;
    fn words(text: &str, out: &mut BTreeSet<String>) {
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            let number_like = w
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 't' | 'T' | 'z' | 'Z'));
            if w.chars().count() >= 4 && !number_like {
                out.insert(w.to_lowercase());
            }
        }
    }
    fn values(v: &serde_json::Value, out: &mut BTreeSet<String>, keys: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => words(s, out),
            serde_json::Value::Number(n) => words(&n.to_string(), out),
            serde_json::Value::Array(a) => a.iter().for_each(|x| values(x, out, keys)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    words(k, keys);
                    values(x, out, keys);
                }
            }
            _ => {}
        }
    }
    let mut public = BTreeSet::new();
    let mut private = BTreeSet::new();
    for k in &data.knowledge {
        words(&k.title, &mut public);
        words(&k.content, &mut public);
        words(&k.metadata.to_string(), &mut public);
    }
    let map = crate::engine::MilestoneMap::default();
    for m in map.ids() {
        words(m, &mut public);
        words(map.name(m), &mut public);
    }
    for preset in ["prolaunch", "layered-adr"] {
        if let Some(p) = crate::engine::Policy::preset(preset) {
            words(&p.to_toml(), &mut public);
        }
    }
    shared.iter().for_each(|s| words(s, &mut public));
    let Some(u) = data.users.iter().find(|u| u.user_id == user) else {
        return private;
    };
    if let Some(name) = u.journey.as_ref().and_then(|j| j.display_name.as_deref()) {
        words(name, &mut private);
    }
    let mut keys = BTreeSet::new();
    for s in &u.sessions {
        let raw: Vec<String> = match &s.value {
            RedisValue::String(v) => vec![v.clone()],
            RedisValue::List(items) => items.clone(),
        };
        for r in raw {
            match serde_json::from_str::<serde_json::Value>(&r) {
                // Timestamps and roles are not the user's words (and are shown).
                Ok(serde_json::Value::Object(mut turn)) => {
                    turn.remove("timestamp");
                    turn.remove("role");
                    values(&serde_json::Value::Object(turn), &mut private, &mut keys)
                }
                Ok(v) => values(&v, &mut private, &mut keys),
                Err(_) => words(&r, &mut private),
            }
        }
    }
    for m in &u.memory_bank {
        values(&m.data, &mut private, &mut keys);
    }
    private
        .into_iter()
        .filter(|w| !public.contains(w) && !keys.contains(w))
        .collect()
}
