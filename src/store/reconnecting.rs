//! A live store the TUI opened while a backend was out of reach: the TUI starts anyway, says
//! which store is down, and connects by itself when the store comes back (its health check asks
//! again with backoff) — as k9s opens on a cluster it cannot reach yet. Until every configured
//! backend is connected, reads fail as an outage of the one still missing; from then on it is
//! the [`LiveStore`] exactly.

use std::sync::OnceLock;

use async_trait::async_trait;

use super::live::{
    Endpoints, LiveStore, connect_pg, connect_redis, name_host, pg_health, redis_health,
};
use super::postgres::PgStore;
use super::redis::RedisStore;
use super::{
    CatalogueRow, EventStream, FleetPass, Health, KnowledgeHits, KnowledgeQuery, LoadOptions,
    Store, StoreError, UserData, UserPage,
};
use crate::engine::snapshot::{KnowledgeEntry, Malformed};

pub struct Reconnecting {
    ends: Endpoints,
    /// The backends connected so far, and why the others are not.
    parts: tokio::sync::Mutex<Parts>,
    /// Set once every configured backend is connected.
    live: OnceLock<LiveStore>,
}

#[derive(Default)]
struct Parts {
    redis: Option<RedisStore>,
    pg: Option<PgStore>,
    /// Why Redis could not be connected when last tried.
    redis_down: Option<StoreError>,
    pg_down: Option<StoreError>,
    /// When the last attempt to connect ended: callers queued behind it (a users page, a
    /// health check, the events) are told its answer, not made to wait as long again each.
    tried: Option<std::time::Instant>,
}

impl Reconnecting {
    /// Over `ends`, nothing connected yet: the first read or health check tries.
    pub fn new(ends: Endpoints) -> Reconnecting {
        Reconnecting {
            ends,
            parts: Default::default(),
            live: OnceLock::new(),
        }
    }

    /// The store, once every configured backend is connected: the missing ones are tried now
    /// (both at once, each within the connect timeout). The error is the first still missing.
    async fn live(&self) -> Result<&LiveStore, StoreError> {
        if let Some(live) = self.live.get() {
            return Ok(live);
        }
        let mut parts = self.parts.lock().await;
        if let Some(live) = self.live.get() {
            return Ok(live);
        }
        let e = &self.ends;
        let recent = parts.tried.is_some_and(|t| t.elapsed() < e.connect_timeout);
        if let Some(err) = parts.redis_down.clone().or_else(|| parts.pg_down.clone())
            && recent
        {
            return Err(err);
        }
        let want_redis = e.redis_url.is_some() && parts.redis.is_none();
        let want_pg = e.database_url.is_some() && parts.pg.is_none();
        let (redis, pg) = tokio::join!(
            async {
                if want_redis {
                    Some(connect_redis(e).await)
                } else {
                    None
                }
            },
            async {
                if want_pg {
                    Some(connect_pg(e).await)
                } else {
                    None
                }
            },
        );
        match redis {
            Some(Ok(r)) => (parts.redis, parts.redis_down) = (Some(r), None),
            Some(Err(err)) => parts.redis_down = Some(err),
            None => {}
        }
        match pg {
            Some(Ok(p)) => (parts.pg, parts.pg_down) = (Some(p), None),
            Some(Err(err)) => parts.pg_down = Some(err),
            None => {}
        }
        parts.tried = Some(std::time::Instant::now());
        if let Some(err) = parts.redis_down.clone().or_else(|| parts.pg_down.clone()) {
            return Err(err);
        }
        let Parts { redis, pg, .. } = std::mem::take(&mut *parts);
        Ok(self
            .live
            .get_or_init(|| LiveStore::from_parts(redis, pg, e)))
    }

    /// `redis host:port`, as the connected store names it.
    fn redis_label(&self) -> Option<String> {
        let url = self.ends.redis_url.as_deref()?;
        Some(format!("redis {}", super::url::redis_address(url)))
    }

    /// `postgres host:port/db`, as the connected store names it.
    fn pg_label(&self) -> Option<String> {
        let url = self.ends.database_url.as_deref()?;
        Some(match url.parse::<sqlx::postgres::PgConnectOptions>() {
            Ok(opts) => super::postgres::label(&opts, url),
            Err(_) => "postgres".into(),
        })
    }
}

/// What a health check says of a backend not connected: down, with why.
fn down(label: &str, why: Option<&StoreError>) -> Health {
    let (name, host) = name_host(label);
    Health {
        name,
        host,
        latency: None,
        error: Some(why.map_or_else(|| "not connected yet".into(), ToString::to_string)),
    }
}

#[async_trait]
impl Store for Reconnecting {
    fn describe(&self) -> String {
        match self.live.get() {
            Some(live) => live.describe(),
            None => [self.redis_label(), self.pg_label()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        self.live().await?.users(cursor, limit).await
    }

    async fn user_ids(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        self.live().await?.user_ids(cursor, limit).await
    }

    fn wall_clock(&self) -> bool {
        true
    }

    fn user_count(&self) -> Option<usize> {
        self.live.get().and_then(Store::user_count)
    }

    fn embedding_dim(&self) -> usize {
        self.live
            .get()
            .map_or(crate::engine::embed::BUILTIN_DIM, Store::embedding_dim)
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        self.live().await?.load_user(user, opts).await
    }

    async fn load_users(
        &self,
        users: &[String],
        opts: &LoadOptions,
        pass: &FleetPass,
    ) -> Vec<Result<UserData, StoreError>> {
        match self.live().await {
            Ok(live) => live.load_users(users, opts, pass).await,
            Err(e) => users.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    /// Once connected, the store's own check; before, each backend not connected is tried
    /// again (and said down with why), each connected one asked as the store would.
    async fn health(&self) -> Vec<Health> {
        if let Ok(live) = self.live().await {
            return live.health().await;
        }
        let parts = self.parts.lock().await;
        let wait = self.ends.connect_timeout;
        let mut list = Vec::new();
        if let Some(label) = self.redis_label() {
            list.push(match &parts.redis {
                Some(r) => redis_health(r, wait).await,
                None => down(&label, parts.redis_down.as_ref()),
            });
        }
        if let Some(label) = self.pg_label() {
            list.push(match &parts.pg {
                Some(p) => pg_health(p, wait).await,
                None => down(&label, parts.pg_down.as_ref()),
            });
        }
        list
    }

    async fn subscribe(&self, user: Option<&str>) -> Result<EventStream, StoreError> {
        self.live().await?.subscribe(user).await
    }

    /// The connected store's close; before it is, the Postgres connected so far (a connect
    /// under way holds the parts: what it makes is left to the exit).
    async fn close(&self) {
        if let Some(live) = self.live.get() {
            live.close().await;
        } else if let Ok(parts) = self.parts.try_lock()
            && let Some(pg) = &parts.pg
        {
            pg.close().await;
        }
    }

    fn key_prefix(&self) -> &str {
        match self.ends.redis_url {
            Some(_) => &self.ends.key_prefix,
            None => "",
        }
    }

    fn knowledge_source(&self) -> String {
        match self.live.get() {
            Some(live) => live.knowledge_source(),
            None => self.pg_label().unwrap_or_else(|| self.describe()),
        }
    }

    fn progress_source(&self) -> String {
        match self.live.get() {
            Some(live) => live.progress_source(),
            None => self.redis_label().unwrap_or_else(|| self.describe()),
        }
    }

    async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        self.live().await?.search_knowledge(q).await
    }

    async fn search_knowledge_many(
        &self,
        qs: &[KnowledgeQuery],
    ) -> Vec<Result<KnowledgeHits, StoreError>> {
        match self.live().await {
            Ok(live) => live.search_knowledge_many(qs).await,
            Err(e) => qs.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    async fn find_knowledge(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.live().await?.find_knowledge(text, limit).await
    }

    async fn knowledge_catalogue(
        &self,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Option<Vec<CatalogueRow>>, StoreError> {
        self.live().await?.knowledge_catalogue(after, limit).await
    }

    async fn knowledge_row(
        &self,
        id: i64,
        embedding: &[f32],
    ) -> Result<Option<Result<KnowledgeEntry, Malformed>>, StoreError> {
        self.live().await?.knowledge_row(id, embedding).await
    }
}
