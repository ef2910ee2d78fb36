//! `MemoryStore`: a store over an in-memory dataset (the embedded demo, or a generated one).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::user::{RawKey, RawMemoryRow, RawSessionKey, RawUser, RawValue, user_data};
use super::{
    KnowledgeHits, KnowledgeQuery, LoadOptions, Store, StoreError, UserData, UserPage, UserSummary,
};
use std::borrow::Cow;

use super::dataset::{Dataset, DemoUser, KnowledgeRow, RedisValue};
use super::keys;
use super::vectors::{norm, unscorable};
use crate::engine::embed::{BUILTIN_DIM, cosine, embed};
use crate::engine::snapshot::{KnowledgeEntry, Malformed, parse_timestamp};

/// A dataset held in memory, with knowledge embeddings computed once by the built-in embedder.
pub struct MemoryStore {
    label: String,
    now: DateTime<Utc>,
    users: Users,
    knowledge: Vec<(KnowledgeRow, Vec<f32>)>,
}

/// A fleet whose users are made when read, so memory does not grow with its size (the synthetic
/// fleets of `crate::demo::generator`).
pub trait Generator: Send + Sync {
    /// How many users.
    fn count(&self) -> usize;
    /// User `i` (`i < count`).
    fn user(&self, i: usize) -> DemoUser;
    /// The id of user `i`, without making the user.
    fn id(&self, i: usize) -> String;
    /// The position of the user with id `id`, if it is one of the fleet's.
    fn position(&self, id: &str) -> Option<usize>;
}

/// The users of a memory store: held, or made when asked for.
enum Users {
    Held {
        users: Vec<DemoUser>,
        by_id: HashMap<String, usize>,
        last_activity: Vec<Option<DateTime<Utc>>>,
    },
    Generated(Box<dyn Generator>),
}

impl Users {
    fn len(&self) -> usize {
        match self {
            Users::Held { users, .. } => users.len(),
            Users::Generated(g) => g.count(),
        }
    }

    /// The user at position `i` (`i < len`).
    fn at(&self, i: usize) -> Cow<'_, DemoUser> {
        match self {
            Users::Held { users, .. } => Cow::Borrowed(&users[i]),
            Users::Generated(g) => Cow::Owned(g.user(i)),
        }
    }

    fn position(&self, id: &str) -> Option<usize> {
        match self {
            Users::Held { by_id, .. } => by_id.get(id).copied(),
            Users::Generated(g) => g.position(id),
        }
    }
}

/// A knowledge row as a hit of `similarity`.
fn entry(row: &KnowledgeRow, similarity: f64) -> KnowledgeEntry {
    KnowledgeEntry {
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
    }
}

fn ts(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(&Value::String(s.to_string())).ok()
}

/// The text a knowledge row is embedded from (the seed embeds the content).
pub fn knowledge_embedding_text(row: &KnowledgeRow) -> &str {
    &row.content
}

impl MemoryStore {
    /// The positions of a page from `cursor` (a position) and the next page's cursor.
    fn page(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(std::ops::Range<usize>, Option<String>), StoreError> {
        let start = position_cursor(&self.label, cursor)?;
        let end = start.saturating_add(limit.max(1)).min(self.users.len());
        let next_cursor = (end < self.users.len()).then(|| end.to_string());
        Ok((start.min(end)..end, next_cursor))
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
            .map(|u| last_activity(u, now, label))
            .collect();
        Ok(Self {
            label: label.into(),
            now,
            users: Users::Held {
                users: dataset.users,
                by_id,
                last_activity,
            },
            knowledge,
        })
    }

    /// A store over a generated fleet: `knowledge` rows, the fleet's clock `now`, its users made
    /// when read.
    pub fn generated(
        label: &str,
        now: DateTime<Utc>,
        knowledge: Vec<KnowledgeRow>,
        fleet: Box<dyn Generator>,
    ) -> Self {
        let knowledge = knowledge
            .into_iter()
            .map(|row| {
                let v = embed(knowledge_embedding_text(&row), BUILTIN_DIM);
                (row, v)
            })
            .collect();
        Self {
            label: label.into(),
            now,
            users: Users::Generated(fleet),
            knowledge,
        }
    }

    fn user(&self, id: &str) -> Result<Cow<'_, DemoUser>, StoreError> {
        self.users
            .position(id)
            .map(|i| self.users.at(i))
            .ok_or_else(|| StoreError::UserNotFound {
                store: self.label.clone(),
                user: id.into(),
            })
    }
}

/// Newest turn across a user's sessions.
fn last_activity(u: &DemoUser, now: DateTime<Utc>, label: &str) -> Option<DateTime<Utc>> {
    let data = user_data(raw_user(u), &LoadOptions::default(), now, label, "").ok();
    data.and_then(|d| d.sessions.iter().filter_map(|s| s.newest).max())
}

/// The demo clock's time of event `n`, one every `every` seconds from `start`.
fn demo_time(start: DateTime<Utc>, n: u64, every: u64) -> String {
    let secs = i64::try_from(n.saturating_mul(every)).unwrap_or(i64::MAX);
    let at = start
        .checked_add_signed(chrono::TimeDelta::seconds(secs))
        .unwrap_or(start);
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A demo user as raw stored values, the form every store reads into.
fn raw_user(u: &DemoUser) -> RawUser {
    let current = u.journey.as_ref().map(|j| j.current_milestone.clone());
    RawUser {
        user_id: u.user_id.clone(),
        journey: u
            .journey
            .as_ref()
            .map(|j| (j.current_milestone.clone(), j.display_name.clone())),
        sessions: u
            .sessions
            .iter()
            .map(|s| RawSessionKey {
                session_id: s.session_id.clone(),
                key: RawKey {
                    name: keys::session_key("", &u.user_id, &s.session_id),
                    value: match &s.value {
                        RedisValue::String(v) => RawValue::String(v.clone().into_bytes()),
                        RedisValue::List(items) => {
                            RawValue::List(items.iter().map(|i| i.clone().into_bytes()).collect())
                        }
                    },
                    ttl: s.ttl,
                },
            })
            .collect(),
        memory: u
            .memory_bank
            .iter()
            .map(|row| RawMemoryRow {
                id: row.id,
                context_type: row.context_type.clone(),
                milestone: row.milestone.clone(),
                data: row.data.clone(),
                created_at: ts(&row.created_at),
            })
            .collect(),
        cached: current
            .as_ref()
            .and_then(|m| u.cached_contexts.iter().find(|c| &c.milestone == m))
            .map(|c| RawKey {
                name: keys::context_key("", &u.user_id, &c.milestone),
                value: RawValue::String(c.value.clone().into_bytes()),
                ttl: c.ttl,
            }),
        cached_name: current.map(|m| keys::context_key("", &u.user_id, &m)),
        malformed: vec![],
        notes: vec![],
        written: vec![],
    }
}

#[async_trait]
impl Store for MemoryStore {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn data_clock(&self) -> Option<DateTime<Utc>> {
        Some(self.now)
    }

    fn user_count(&self) -> Option<usize> {
        Some(self.users.len())
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        let (range, next_cursor) = self.page(cursor, limit)?;
        let users = range
            .map(|i| {
                let u = self.users.at(i);
                let last_activity = match &self.users {
                    Users::Held { last_activity, .. } => last_activity[i],
                    Users::Generated(_) => last_activity(&u, self.now, &self.label),
                };
                UserSummary {
                    user_id: u.user_id.clone(),
                    current_milestone: u.journey.as_ref().map(|j| j.current_milestone.clone()),
                    display_name: u.journey.as_ref().and_then(|j| j.display_name.clone()),
                    last_activity,
                    sessions: Some(u.sessions.len()),
                }
            })
            .collect();
        Ok(UserPage {
            users,
            next_cursor,
            unlisted: Vec::new(),
        })
    }

    /// Ids without generating synthetic users.
    async fn user_ids(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        let (range, next_cursor) = self.page(cursor, limit)?;
        let ids = range
            .map(|i| match &self.users {
                Users::Held { users, .. } => users[i].user_id.clone(),
                Users::Generated(g) => g.id(i),
            })
            .collect();
        Ok((ids, next_cursor))
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let u = self.user(user)?;
        user_data(raw_user(&u), opts, self.now, &self.label, "")
    }

    async fn health(&self) -> Vec<super::Health> {
        vec![super::Health {
            name: "memory".into(),
            host: "embedded demo".into(),
            latency: None,
            error: None,
        }]
    }

    /// The demo has no channel: a built-in source emits a plausible event every few seconds.
    async fn subscribe(&self, user: Option<&str>) -> Result<super::EventStream, StoreError> {
        // Every user's events come from the first thousand users (a synthetic fleet is large).
        let picked: Vec<Cow<'_, DemoUser>> = match user {
            // A user the demo does not hold would wait for ever: said at once, as `inspect` does.
            Some(id) => match self.users.position(id) {
                Some(i) => vec![self.users.at(i)],
                None => {
                    return Err(StoreError::UserNotFound {
                        store: self.describe(),
                        user: id.to_string(),
                    });
                }
            },
            None => (0..self.users.len().min(1_000))
                .map(|i| self.users.at(i))
                .collect(),
        };
        let users: Vec<(String, String)> = picked
            .iter()
            .filter_map(|u| {
                u.journey
                    .as_ref()
                    .map(|j| (u.user_id.clone(), j.current_milestone.clone()))
            })
            .collect();
        const EVERY_SECONDS: u64 = 3;
        let every = tokio::time::interval(std::time::Duration::from_secs(EVERY_SECONDS));
        // Event times are the demo's clock (its `now`, moving on with each event), as a live
        // store's are its own: not the machine's.
        let start = self.now;
        let events = futures_util::stream::unfold((every, 0u64), move |(mut every, n)| {
            let users = users.clone();
            async move {
                if users.is_empty() {
                    // Like a channel nobody publishes on: the subscription waits, it does not end.
                    std::future::pending::<()>().await;
                }
                every.tick().await;
                let (id, m) = &users[(n.wrapping_mul(7919) % users.len() as u64) as usize];
                let ev = super::ProgressEvent {
                    user_id: id.clone(),
                    milestone: m.clone(),
                    progress: ((n * 37 + 13) % 100) as f64,
                    timestamp: demo_time(start, n, EVERY_SECONDS),
                };
                Some((Ok(ev), (every, n + 1)))
            }
        });
        Ok(Box::pin(events))
    }

    async fn find_knowledge(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let want = text.to_lowercase();
        let mut found: Vec<(i64, String)> = self
            .knowledge
            .iter()
            .filter(|(row, _)| row.title.to_lowercase().contains(&want))
            .map(|(row, _)| (row.id, row.title.clone()))
            .collect();
        found.sort();
        found.truncate(limit);
        Ok(found)
    }

    async fn knowledge_catalogue(
        &self,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Option<Vec<super::CatalogueRow>>, StoreError> {
        let mut rows: Vec<super::CatalogueRow> = self
            .knowledge
            .iter()
            .filter(|(row, _)| after.is_none_or(|a| row.id > a))
            .map(|(row, v)| super::CatalogueRow {
                id: row.id,
                milestone: row.milestone.clone(),
                title: super::cut_title(&row.title),
                unscorable: super::vectors::unscorable(super::vectors::norm(v)).is_some(),
            })
            .collect();
        rows.sort_by_key(|r| r.id);
        rows.truncate(limit.max(1));
        Ok(Some(rows))
    }

    async fn knowledge_row(
        &self,
        id: i64,
        embedding: &[f32],
    ) -> Result<Option<Result<KnowledgeEntry, Malformed>>, StoreError> {
        let Some((row, v)) = self.knowledge.iter().find(|(row, _)| row.id == id) else {
            return Ok(None);
        };
        if let Some(reason) = unscorable(norm(v)).or_else(|| unscorable(norm(embedding))) {
            return Ok(Some(Err(Malformed {
                id: Some(format!("kn:{id}")),
                source: format!("knowledge id={id}"),
                reason,
            })));
        }
        Ok(Some(Ok(entry(row, cosine(embedding, v)))))
    }

    /// As Postgres searches: rows whose embedding pgvector could not score are reported, by id,
    /// never ranked; a query vector that cannot be scored finds nothing.
    async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        if unscorable(norm(&q.embedding)).is_some() {
            return Ok(KnowledgeHits::default());
        }
        let rows = self
            .knowledge
            .iter()
            .filter(|(row, _)| match (&q.milestone_filter, &row.milestone) {
                (Some(m), Some(rm)) => m == rm,
                _ => true,
            })
            // As of `--at`: rows created by then, before the limit (as Postgres filters).
            .filter(|(row, _)| {
                q.created_by
                    .is_none_or(|by| ts(&row.created_at).is_some_and(|t| t <= by))
            });
        let (bad, good): (Vec<_>, Vec<_>) = rows.partition(|(_, v)| unscorable(norm(v)).is_some());
        let mut malformed: Vec<(i64, String)> = bad
            .into_iter()
            .filter_map(|(row, v)| unscorable(norm(v)).map(|r| (row.id, r)))
            .collect();
        malformed.sort();
        malformed.truncate(q.limit);
        let mut hits: Vec<(f64, &KnowledgeRow)> = good
            .into_iter()
            .map(|(row, v)| (cosine(&q.embedding, v), row))
            .filter(|(sim, _)| *sim >= q.min_similarity)
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        hits.truncate(q.limit);
        let hits = hits
            .into_iter()
            .map(|(similarity, row)| entry(row, similarity))
            .collect();
        Ok(KnowledgeHits {
            hits,
            malformed: malformed
                .into_iter()
                .map(|(id, reason)| Malformed {
                    id: Some(format!("kn:{id}")),
                    source: format!("knowledge id={id}"),
                    reason,
                })
                .collect(),
            notes: vec![],
        })
    }
}

/// Where a listing by position starts: 0, or the position a `next_cursor` gave; anything else
/// is a usage error of `store`.
pub(crate) fn position_cursor(store: &str, cursor: Option<&str>) -> Result<usize, StoreError> {
    match cursor {
        None => Ok(0),
        Some(c) => c.parse::<usize>().map_err(|_| StoreError::Config {
            store: store.into(),
            what: "--cursor".into(),
            cause: super::invalid_cursor(c),
        }),
    }
}

#[cfg(test)]
mod tests;
