//! `MemoryStore`: a store over an in-memory dataset (the embedded demo, or a generated one).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::session::{RawSession, parse_session};
use super::{
    KnowledgeQuery, LoadOptions, SessionInfo, Store, StoreError, UserData, UserPage, UserSummary,
};
use crate::demo::{Dataset, DemoUser, KnowledgeRow, RedisValue};
use crate::engine::embed::{BUILTIN_DIM, cosine, embed};
use crate::engine::snapshot::{
    JourneyEntry, JourneyKind, KnowledgeEntry, Malformed, SessionEntry, parse_timestamp,
};

/// A dataset held in memory, with knowledge embeddings computed once by the built-in embedder.
pub struct MemoryStore {
    label: String,
    now: DateTime<Utc>,
    users: Vec<DemoUser>,
    by_id: HashMap<String, usize>,
    last_activity: Vec<Option<DateTime<Utc>>>,
    knowledge: Vec<(KnowledgeRow, Vec<f32>)>,
}

fn ts(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(&Value::String(s.to_string())).ok()
}

/// The text a knowledge row is embedded from (the seed embeds the content).
pub fn knowledge_embedding_text(row: &KnowledgeRow) -> &str {
    &row.content
}

impl MemoryStore {
    /// The embedded demo dataset, labelled DEMO.
    pub fn demo() -> Self {
        // The embedded demo is checked by tests; its `now` always parses.
        #[allow(clippy::expect_used)]
        Self::from_dataset(Dataset::demo(), "DEMO").expect("embedded demo dataset is valid")
    }

    /// A store over `dataset`; `label` is what `describe` says.
    pub fn from_dataset(dataset: Dataset, label: &str) -> Result<Self, StoreError> {
        let now = ts(&dataset.now).ok_or_else(|| StoreError::Backend {
            store: label.into(),
            what: "dataset now".into(),
            cause: format!("{:?} is not RFC 3339", dataset.now),
        })?;
        let knowledge = dataset
            .knowledge
            .into_iter()
            .map(|row| {
                let v = embed(knowledge_embedding_text(&row), BUILTIN_DIM);
                (row, v)
            })
            .collect();
        let by_id = dataset
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.user_id.clone(), i))
            .collect();
        let last_activity = dataset
            .users
            .iter()
            .map(|u| sessions_of(u).iter().filter_map(|s| s.1.newest).max())
            .collect();
        Ok(Self {
            label: label.into(),
            now,
            users: dataset.users,
            by_id,
            last_activity,
            knowledge,
        })
    }

    fn user(&self, id: &str) -> Result<(usize, &DemoUser), StoreError> {
        self.by_id
            .get(id)
            .map(|&i| (i, &self.users[i]))
            .ok_or_else(|| StoreError::UserNotFound {
                store: self.label.clone(),
                user: id.into(),
            })
    }
}

/// Each session of a user, parsed, with its summary.
fn sessions_of(u: &DemoUser) -> Vec<(Result<Vec<SessionEntry>, Malformed>, SessionInfo)> {
    u.sessions
        .iter()
        .map(|s| {
            let key = format!("session:{}:{}", u.user_id, s.session_id);
            let parsed = match &s.value {
                RedisValue::String(v) => parse_session(&key, RawSession::String(v.as_bytes())),
                RedisValue::List(items) => {
                    let bytes: Vec<&[u8]> = items.iter().map(|i| i.as_bytes()).collect();
                    parse_session(&key, RawSession::List(&bytes))
                }
            };
            let entries = parsed.as_deref().unwrap_or_default();
            let newest = entries
                .iter()
                .filter_map(|e| e.turn.as_ref().ok())
                .map(|t| t.timestamp)
                .max();
            let info = SessionInfo {
                session_id: s.session_id.clone(),
                key,
                turns: entries.iter().filter(|e| e.turn.is_ok()).count(),
                ttl: s.ttl,
                newest,
            };
            (parsed, info)
        })
        .collect()
}

fn journey_of(u: &DemoUser, malformed: &mut Vec<Malformed>) -> Vec<JourneyEntry> {
    let mut out = Vec::new();
    for row in &u.memory_bank {
        let kind = match row.context_type.as_str() {
            "business_dna" => JourneyKind::BusinessDna,
            "milestone_data" => JourneyKind::MilestoneData,
            "transition" => JourneyKind::Transition,
            other => {
                malformed.push(Malformed {
                    id: Some(format!("mb:{}", row.id)),
                    source: format!("memory_bank id={}", row.id),
                    reason: format!("unknown context_type {other:?}"),
                });
                continue;
            }
        };
        out.push(JourneyEntry {
            id: format!("mb:{}", row.id),
            kind,
            milestone: row.milestone.clone(),
            data: row.data.clone(),
            timestamp: ts(&row.created_at),
        });
    }
    out
}

#[async_trait]
impl Store for MemoryStore {
    fn describe(&self) -> String {
        self.label.clone()
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        let start = match cursor {
            None => 0,
            Some(c) => c.parse::<usize>().map_err(|_| StoreError::Backend {
                store: self.label.clone(),
                what: "users".into(),
                cause: format!("invalid cursor {c:?}"),
            })?,
        };
        let end = (start + limit.max(1)).min(self.users.len());
        let users = (start.min(end)..end)
            .map(|i| {
                let u = &self.users[i];
                UserSummary {
                    user_id: u.user_id.clone(),
                    current_milestone: u.journey.as_ref().map(|j| j.current_milestone.clone()),
                    display_name: u.journey.as_ref().and_then(|j| j.display_name.clone()),
                    last_activity: self.last_activity[i],
                    sessions: u.sessions.len(),
                }
            })
            .collect();
        let next_cursor = (end < self.users.len()).then(|| end.to_string());
        Ok(UserPage { users, next_cursor })
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let (_, u) = self.user(user)?;
        let mut malformed = Vec::new();
        let sessions = sessions_of(u);
        let chosen = match &opts.session {
            Some(id) => Some(
                sessions
                    .iter()
                    .position(|(_, i)| &i.session_id == id)
                    .ok_or_else(|| StoreError::SessionNotFound {
                        store: self.label.clone(),
                        user: user.into(),
                        session: id.clone(),
                        have: u
                            .sessions
                            .iter()
                            .map(|s| s.session_id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?,
            ),
            // Newest turn wins; ties go to the first session.
            None => (0..sessions.len())
                .rev()
                .max_by_key(|&i| sessions[i].1.newest),
        };
        let mut session = Vec::new();
        for (i, (parsed, _)) in sessions.iter().enumerate() {
            match parsed {
                Ok(entries) if Some(i) == chosen => session = entries.clone(),
                Ok(_) => {}
                Err(m) => malformed.push(m.clone()),
            }
        }
        let current_milestone = u.journey.as_ref().map(|j| j.current_milestone.clone());
        let cached = current_milestone
            .as_ref()
            .and_then(|m| u.cached_contexts.iter().find(|c| &c.milestone == m));
        let cached_context = cached.and_then(|c| match serde_json::from_str::<Value>(&c.value) {
            Ok(v) => Some(v),
            Err(e) => {
                malformed.push(Malformed {
                    id: None,
                    source: format!("context:{}:{}", u.user_id, c.milestone),
                    reason: format!("cached context is not JSON: {e}"),
                });
                None
            }
        });
        let journey = journey_of(u, &mut malformed);
        Ok(UserData {
            user_id: u.user_id.clone(),
            display_name: u.journey.as_ref().and_then(|j| j.display_name.clone()),
            current_milestone,
            now: self.now,
            session_id: chosen.map(|i| sessions[i].1.session_id.clone()),
            sessions: sessions.into_iter().map(|(_, info)| info).collect(),
            session,
            journey,
            cached_context,
            cached_context_ttl: cached.and_then(|c| c.ttl),
            malformed,
        })
    }

    async fn search_knowledge(
        &self,
        q: &KnowledgeQuery,
    ) -> Result<Vec<KnowledgeEntry>, StoreError> {
        let mut hits: Vec<(f64, &KnowledgeRow)> = self
            .knowledge
            .iter()
            .filter(|(row, _)| match (&q.milestone_filter, &row.milestone) {
                (Some(m), Some(rm)) => m == rm,
                _ => true,
            })
            .map(|(row, v)| (cosine(&q.embedding, v), row))
            .filter(|(sim, _)| *sim >= q.min_similarity)
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        hits.truncate(q.limit);
        Ok(hits
            .into_iter()
            .map(|(similarity, row)| KnowledgeEntry {
                id: format!("kn:{}", row.id),
                milestone: row.milestone.clone(),
                title: row.title.clone(),
                content: row.content.clone(),
                section: row
                    .metadata
                    .get("section")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                similarity,
                timestamp: ts(&row.created_at),
            })
            .collect())
    }
}
