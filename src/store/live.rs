//! `LiveStore`: Redis and Postgres together behind the `Store` trait (either may be absent).

use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;

use super::postgres::PgStore;
use super::redis::RedisStore;
use super::user::{RawUser, user_data};
use super::{
    KnowledgeHits, KnowledgeQuery, LoadOptions, Store, StoreError, UserData, UserPage, UserSummary,
};

/// Where to connect, from flags, the environment or the config file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoints {
    pub redis_url: Option<String>,
    pub database_url: Option<String>,
    /// Prepended to every Redis key and channel.
    pub key_prefix: String,
    pub connect_timeout: Duration,
}

pub struct LiveStore {
    pub redis: Option<RedisStore>,
    pub pg: Option<PgStore>,
}

/// How long a health check waits for an answer.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

fn health(
    name: String,
    host: String,
    ping: Result<Result<Duration, StoreError>, tokio::time::error::Elapsed>,
) -> super::Health {
    let (latency, error) = match ping {
        Ok(Ok(d)) => (Some(d), None),
        Ok(Err(e)) => (None, Some(e.to_string())),
        Err(_) => (
            None,
            Some(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
        ),
    };
    super::Health {
        name,
        host,
        latency,
        error,
    }
}

/// The users cursor once Postgres is exhausted: users that only Redis knows.
const REDIS_PHASE: &str = "redis";

impl LiveStore {
    /// Connects to what is configured, both at once; each fails within the timeout.
    pub async fn connect(e: &Endpoints) -> Result<LiveStore, StoreError> {
        let redis = async {
            match &e.redis_url {
                Some(u) => RedisStore::connect(u, &e.key_prefix, e.connect_timeout)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        };
        let pg = async {
            match &e.database_url {
                Some(u) => PgStore::connect(u, e.connect_timeout).await.map(Some),
                None => Ok(None),
            }
        };
        let (redis, pg) = tokio::join!(redis, pg);
        Ok(LiveStore {
            redis: redis?,
            pg: pg?,
        })
    }

    async fn redis_only_users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let Some(r) = &self.redis else {
            return Ok(vec![]);
        };
        let mut ids: Vec<String> = r.session_users().await?.into_iter().collect();
        if let Some(pg) = &self.pg {
            let known = pg.known(&ids).await?;
            ids.retain(|id| !known.contains(id));
        }
        Ok(ids
            .into_iter()
            .map(|user_id| summary(user_id, None, None))
            .collect())
    }
}

fn summary(
    user_id: String,
    current_milestone: Option<String>,
    display_name: Option<String>,
) -> UserSummary {
    // Session counts and last activity would need every user's keys read: not known when listing.
    UserSummary {
        user_id,
        current_milestone,
        display_name,
        last_activity: None,
        sessions: None,
    }
}

#[async_trait]
impl Store for LiveStore {
    fn describe(&self) -> String {
        let parts: Vec<&str> = self
            .redis
            .iter()
            .map(|r| r.label.as_str())
            .chain(self.pg.iter().map(|p| p.label.as_str()))
            .collect();
        parts.join(" · ")
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        let limit = limit.max(1);
        let pg_after = match cursor {
            None => Some(""),
            Some(REDIS_PHASE) => None,
            Some(c) => Some(c.strip_prefix("pg:").ok_or_else(|| StoreError::Backend {
                store: self.describe(),
                what: "users".into(),
                cause: format!("invalid cursor {c:?}"),
            })?),
        };
        if let (Some(after), Some(pg)) = (pg_after, &self.pg) {
            let rows = pg.users(after, limit).await?;
            let full = rows.len() == limit;
            let next = match (full, &self.redis) {
                (true, _) => rows.last().map(|(id, ..)| format!("pg:{id}")),
                (false, Some(_)) => Some(REDIS_PHASE.to_string()),
                (false, None) => None,
            };
            let users = rows
                .into_iter()
                .map(|(id, m, n)| summary(id, Some(m), n))
                .collect();
            return Ok(UserPage {
                users,
                next_cursor: next,
            });
        }
        Ok(UserPage {
            users: self.redis_only_users().await?,
            next_cursor: None,
        })
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let pg = async {
            match &self.pg {
                Some(p) => p.load(user).await,
                None => Ok((None, vec![])),
            }
        };
        let redis = async {
            match &self.redis {
                Some(r) => r.load(user).await.map(Some),
                None => Ok(None),
            }
        };
        let (pg, redis) = tokio::join!(pg, redis);
        let ((journey, memory), redis) = (pg?, redis?);
        let current = journey.as_ref().map(|(m, _)| m.clone());
        let (sessions, contexts) = redis.map_or((vec![], vec![]), |r| (r.sessions, r.contexts));
        let cached = contexts
            .into_iter()
            .find(|(m, _)| Some(m) == current.as_ref())
            .map(|(_, k)| k);
        let raw = RawUser {
            user_id: user.to_string(),
            journey,
            sessions,
            memory,
            cached,
        };
        user_data(raw, opts, Utc::now(), &self.describe())
    }

    fn embedding_dim(&self) -> usize {
        self.pg
            .as_ref()
            .and_then(|p| p.dim)
            .unwrap_or(crate::engine::embed::BUILTIN_DIM)
    }

    async fn health(&self) -> Vec<super::Health> {
        let split = |label: &str| {
            let (name, host) = label.split_once(' ').unwrap_or((label, ""));
            (name.to_string(), host.to_string())
        };
        let redis = async {
            match &self.redis {
                Some(r) => {
                    let (name, host) = split(&r.label);
                    let ping = tokio::time::timeout(HEALTH_TIMEOUT, r.ping()).await;
                    Some(health(name, host, ping))
                }
                None => None,
            }
        };
        let pg = async {
            match &self.pg {
                Some(p) => {
                    let (name, host) = split(&p.label);
                    let ping = tokio::time::timeout(HEALTH_TIMEOUT, p.ping()).await;
                    Some(health(name, host, ping))
                }
                None => None,
            }
        };
        let (r, p) = tokio::join!(redis, pg);
        r.into_iter().chain(p).collect()
    }

    async fn subscribe(&self, user: Option<&str>) -> Result<super::EventStream, StoreError> {
        let Some(r) = &self.redis else {
            return Err(StoreError::Backend {
                store: self.describe(),
                what: "progress channel".into(),
                cause: "no Redis configured (--redis-url)".into(),
            });
        };
        let prefix = format!("{}progress:", r.prefix);
        let pubsub = r.subscribe(user).await?;
        let events = futures_util::StreamExt::map(pubsub.into_on_message(), move |msg| {
            let channel = msg.get_channel_name().to_string();
            let user = channel
                .strip_prefix(&prefix)
                .unwrap_or(&channel)
                .to_string();
            super::parse_progress(&user, msg.get_payload_bytes())
        });
        Ok(Box::pin(events))
    }

    async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        match &self.pg {
            Some(pg) => pg.search(q).await,
            None => Ok(KnowledgeHits::default()),
        }
    }
}
