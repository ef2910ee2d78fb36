//! The demo dataset: its on-disk format (`fixtures/demo.json`), loading, and the generator that makes it.
//!
//! The dataset mirrors what the live system keeps (SPEC §1): raw Redis values per key, and rows
//! of `user_journeys`, `memory_bank` and `knowledge`. Keeping raw values (not parsed turns) lets
//! the demo carry malformed data exactly as Redis would hold it, and lets `seed` write it verbatim.

pub mod content;
pub mod generator;

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
