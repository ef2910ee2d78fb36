//! The dataset format (`fixtures/demo.json`, generated fleets): raw Redis values per key and rows
//! of `user_journeys`, `memory_bank` and `knowledge`, as the live system keeps them (SPEC §1).
//! `MemoryStore` reads it and `seed` writes it; keeping raw values (not parsed turns) lets a
//! dataset carry malformed data exactly as Redis would hold it.

use serde::{Deserialize, Serialize};

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
}
