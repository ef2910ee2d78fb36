//! `LiveStore`: Redis and Postgres together behind the `Store` trait (either may be absent).

use std::collections::{BTreeSet, HashSet};
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;

use super::postgres::{PgStore, PgUser};
use super::redis::{RedisStore, RedisUser};
use super::user::{RawUser, user_data};
use super::{
    FleetPass, JourneyIds, KnowledgeHits, KnowledgeQuery, LoadOptions, NoJourneys, Store,
    StoreError, UserData, UserPage, UserSummary,
};

mod connect;
mod notes;

pub use connect::Endpoints;
pub(super) use connect::{connect_pg, connect_redis, name_host, pg_health, redis_health};
use notes::other_context;

/// How often a subscription asks the server whether it still answers.
const SUBSCRIPTION_PING_EVERY: Duration = Duration::from_secs(5);

pub struct LiveStore {
    pub redis: Option<RedisStore>,
    pub pg: Option<PgStore>,
    /// The users only Redis knows, as found when the listing last reached the Redis phase:
    /// later pages of that listing read from here instead of scanning again.
    orphans: Mutex<Option<Arc<Orphans>>>,
    /// How long a health check waits for an answer: `--connect-timeout`, the time the user
    /// allows a store to answer.
    health_timeout: Duration,
}

/// The users cursor once Postgres is exhausted: users that only Redis knows.
///
/// Listing users goes in two phases, and the cursor says where it is:
/// - `pg:{user id}`: `user_journeys` by user id, after that id (keyset paging, a page per query);
/// - `redis`: the Redis phase starts: users with session keys but no `user_journeys` row
///   (every user when no Postgres is configured), found by one SCAN of the session keys in
///   batches, each batch checked against Postgres, so memory holds a batch and those users only;
/// - `redis:{user id}`: the Redis phase goes on after that id (the users found are sorted).
const REDIS_PHASE: &str = "redis";

/// What the scan of session keys found beyond the users with a journey row: users with keys
/// only, and keys no user can own (named, with why).
#[derive(Debug, Default)]
struct Orphans {
    users: BTreeSet<String>,
    ownerless: Vec<super::Unlisted>,
}

impl LiveStore {
    /// Connects to what is configured, both at once; each fails within the timeout.
    pub async fn connect(e: &Endpoints) -> Result<LiveStore, StoreError> {
        let redis = async {
            match &e.redis_url {
                Some(_) => connect_redis(e).await.map(Some),
                None => Ok(None),
            }
        };
        let pg = async {
            match &e.database_url {
                Some(_) => connect_pg(e).await.map(Some),
                None => Ok(None),
            }
        };
        let (redis, pg) = tokio::join!(redis, pg);
        Ok(LiveStore::from_parts(redis?, pg?, e))
    }

    /// The store over backends already connected (each configured one of `e`).
    pub(super) fn from_parts(
        redis: Option<RedisStore>,
        pg: Option<PgStore>,
        e: &Endpoints,
    ) -> LiveStore {
        LiveStore {
            redis,
            pg,
            orphans: Mutex::new(None),
            health_timeout: e.connect_timeout,
        }
    }

    /// Who has journey rows, for deciding key owners: Postgres, or nobody without it.
    fn journeys(&self) -> &dyn JourneyIds {
        match &self.pg {
            Some(pg) => pg,
            None => &NoJourneys,
        }
    }

    /// Users with session keys and no `user_journeys` row, sorted: the natural owners
    /// ([`super::keys`]) of session keys none of whose candidates has a journey row. Every master
    /// is scanned (concurrently), a SCAN batch at a time; each batch's candidates are looked up in
    /// Postgres and only the unknown owners kept, so memory grows with those users, not with all.
    async fn find_orphans(&self) -> Result<Orphans, StoreError> {
        let Some(r) = &self.redis else {
            return Ok(Orphans::default());
        };
        let scans = (0..r.node_count()).map(|node| async move {
            let mut orphans = BTreeSet::new();
            let mut ownerless = Vec::new();
            let mut cursor = 0;
            loop {
                let (next, batch, none) = r.session_keys_step(node, cursor).await?;
                ownerless.extend(none);
                // A key whose natural owner is already listed cannot list anyone else.
                let rests: Vec<&str> = batch
                    .iter()
                    .map(String::as_str)
                    .filter(|rest| {
                        super::keys::natural_owner(rest).is_some_and(|(u, _)| !orphans.contains(u))
                    })
                    .collect();
                let mut ids: Vec<String> = rests
                    .iter()
                    .flat_map(|rest| super::keys::candidates(rest))
                    .map(str::to_string)
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let journey = if ids.is_empty() {
                    HashSet::new()
                } else {
                    self.journeys().with_journey(&ids).await?
                };
                for rest in rests {
                    let candidates = super::keys::candidates(rest);
                    if candidates.iter().any(|c| journey.contains(*c)) {
                        continue;
                    }
                    if let Some((owner, _)) = super::keys::natural_owner(rest) {
                        orphans.insert(owner.to_string());
                    }
                }
                if next == 0 {
                    return Ok::<_, StoreError>((orphans, ownerless));
                }
                cursor = next;
            }
        });
        let mut all = Orphans::default();
        for node in futures_util::future::join_all(scans).await {
            let (users, ownerless) = node?;
            all.users.extend(users);
            all.ownerless.extend(ownerless);
        }
        all.ownerless.sort();
        Ok(all)
    }

    /// A page of the Redis phase: from its start (`after` = `None`: a fresh SCAN) or after a user.
    async fn redis_only_users(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<UserPage, StoreError> {
        let cached = match after {
            Some(_) => self.orphans.lock().ok().and_then(|c| c.clone()),
            None => None,
        };
        let orphans = match cached {
            Some(o) => o,
            None => {
                let found = Arc::new(self.find_orphans().await?);
                if let Ok(mut c) = self.orphans.lock() {
                    *c = Some(found.clone());
                }
                found
            }
        };
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut ids: Vec<String> = orphans
            .users
            .range::<str, _>((from, Bound::Unbounded))
            .take(limit + 1)
            .cloned()
            .collect();
        let more = ids.len() > limit;
        ids.truncate(limit);
        let next_cursor = match ids.last() {
            Some(last) if more => Some(format!("{REDIS_PHASE}:{last}")),
            _ => None,
        };
        Ok(UserPage {
            users: ids
                .into_iter()
                .map(|user_id| summary(user_id, None, None))
                .collect(),
            next_cursor,
            // Said once: on the page where the scan's users begin.
            unlisted: match after {
                None => orphans.ownerless.clone(),
                Some(_) => Vec::new(),
            },
        })
    }

    /// One user's rows and keys as `UserData`; the cached context is the current milestone's.
    fn user_data(
        &self,
        user: &str,
        pg: PgUser,
        redis: Option<RedisUser>,
        opts: &LoadOptions,
    ) -> Result<UserData, StoreError> {
        let current = pg.journey.as_ref().map(|(m, _)| m.clone());
        let (sessions, contexts, key_notes, unreadable) = redis
            .map_or((vec![], vec![], vec![], vec![]), |r| {
                (r.sessions, r.contexts, r.notes, r.unreadable)
            });
        let (mine, others): (Vec<_>, Vec<_>) = contexts
            .into_iter()
            .partition(|(m, _)| Some(m) == current.as_ref());
        let cached = mine.into_iter().next().map(|(_, k)| k);
        let mut notes = pg.notes;
        notes.extend(key_notes);
        // The cached contexts of other milestones: no prompt reads them, so only one that
        // never expires or cannot be read is worth a word (one that expires is the writer's
        // way, and goes by itself).
        notes.extend(
            others
                .iter()
                .filter_map(|(m, k)| other_context(m, current.as_deref(), k)),
        );
        let prefix = self.redis.as_ref().map_or("", |r| r.prefix.as_str());
        let cached_name = current
            .as_deref()
            .map(|m| super::keys::context_key(prefix, user, m));
        let raw = RawUser {
            user_id: user.to_string(),
            journey: pg.journey,
            sessions,
            memory: pg.memory,
            cached,
            cached_name,
            malformed: pg.malformed.into_iter().chain(unreadable).collect(),
            notes,
            written: pg.written,
        };
        // The clock of the read, to the second: what every timestamp shown is written to.
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 0);
        user_data(raw, opts, now, &self.describe(), self.key_prefix())
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
    fn wall_clock(&self) -> bool {
        true
    }

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
        let redis_after = cursor.and_then(|c| c.strip_prefix(REDIS_PHASE));
        // Postgres's phase: from the start (`Some(None)`: the empty id included), or after an id.
        let invalid = |c: &str| StoreError::Config {
            store: self.describe(),
            what: "--cursor".into(),
            cause: super::invalid_cursor(c),
        };
        let pg_after = match (cursor, redis_after) {
            (None, _) => Some(None),
            (Some(_), Some("")) => None,
            (Some(_), Some(rest)) if rest.starts_with(':') => None,
            // A Postgres phase's cursor, where there is no Postgres: another store's listing.
            (Some(c), _) if self.pg.is_none() => return Err(invalid(c)),
            (Some(c), _) => Some(Some(c.strip_prefix("pg:").ok_or_else(|| invalid(c))?)),
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
                .map(|(id, m, n)| summary(id, m, n))
                .collect();
            return Ok(UserPage {
                users,
                next_cursor: next,
                unlisted: Vec::new(),
            });
        }
        let after = redis_after.and_then(|rest| rest.strip_prefix(':'));
        self.redis_only_users(after, limit).await
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let pg = async {
            match &self.pg {
                Some(p) => p.load(user).await,
                None => Ok(PgUser::default()),
            }
        };
        let redis = async {
            match &self.redis {
                Some(r) => r.load(user, self.journeys()).await.map(Some),
                None => Ok(None),
            }
        };
        let (pg, redis) = tokio::join!(pg, redis);
        self.user_data(user, pg?, redis?, opts)
    }

    /// A batch in three round trips whatever its size: Postgres' two statements and one Redis
    /// pipeline per node (plus a SCAN when a user falls outside `pass`'s window of keys).
    async fn load_users(
        &self,
        users: &[String],
        opts: &LoadOptions,
        pass: &FleetPass,
    ) -> Vec<Result<UserData, StoreError>> {
        let pg = async {
            match &self.pg {
                Some(p) => p.load_many(users).await.map(Some),
                None => Ok(None),
            }
        };
        let redis = async {
            match &self.redis {
                Some(r) => Some(r.load_many(users, pass, self.journeys()).await),
                None => None,
            }
        };
        let (pg, redis) = tokio::join!(pg, redis);
        let mut redis = redis.map(Vec::into_iter);
        let pg = pg.map(|rows| rows.unwrap_or_default());
        users
            .iter()
            .map(|u| {
                let keys = redis.as_mut().and_then(Iterator::next).transpose()?;
                let rows = match &pg {
                    Ok(rows) => rows.get(u).cloned().unwrap_or_default(),
                    Err(e) => return Err(e.clone()),
                };
                self.user_data(u, rows, keys, opts)
            })
            .collect()
    }

    fn embedding_dim(&self) -> usize {
        self.pg
            .as_ref()
            .and_then(|p| p.dim)
            .unwrap_or(crate::engine::embed::BUILTIN_DIM)
    }

    async fn health(&self) -> Vec<super::Health> {
        let redis = async {
            match &self.redis {
                Some(r) => Some(redis_health(r, self.health_timeout).await),
                None => None,
            }
        };
        let pg = async {
            match &self.pg {
                Some(p) => Some(pg_health(p, self.health_timeout).await),
                None => None,
            }
        };
        let (r, p) = tokio::join!(redis, pg);
        r.into_iter().chain(p).collect()
    }

    async fn close(&self) {
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
    }

    fn key_prefix(&self) -> &str {
        self.redis.as_ref().map_or("", |r| r.prefix.as_str())
    }

    fn knowledge_source(&self) -> String {
        self.pg
            .as_ref()
            .map_or_else(|| self.describe(), |p| p.label.clone())
    }

    fn progress_source(&self) -> String {
        self.redis
            .as_ref()
            .map_or_else(|| self.describe(), |r| r.label.clone())
    }

    async fn subscribe(&self, user: Option<&str>) -> Result<super::EventStream, StoreError> {
        // A setting missing, not a store failing: a usage error (exit 2).
        let Some(r) = &self.redis else {
            return Err(StoreError::Config {
                store: self.describe(),
                what: "progress channel".into(),
                cause: "no Redis configured (--redis-url)".into(),
            });
        };
        // Every user's channel begins with this; the rest is the user.
        let prefix = super::keys::progress_channel(&r.prefix, "");
        let (mut sink, messages) = r.subscribe(user).await?.split();
        // A server that stops answering (frozen, paused) keeps a subscription open without a
        // word: a PING every few seconds, unanswered within the wait a health check allows,
        // ends it, as a lost connection does.
        let wait = self.health_timeout;
        let answering = async move {
            loop {
                tokio::time::sleep(SUBSCRIPTION_PING_EVERY).await;
                let pong = tokio::time::timeout(wait, sink.ping::<redis::Value>()).await;
                if !matches!(pong, Ok(Ok(_))) {
                    return;
                }
            }
        };
        let messages = futures_util::StreamExt::take_until(messages, Box::pin(answering));
        let events = futures_util::StreamExt::map(messages, move |msg| {
            // A channel name that is not UTF-8 is nobody's: named by its bytes, never taken for
            // a user (as a key name of that kind is).
            let raw: Vec<u8> = msg.get_channel().unwrap_or_default();
            let Ok(channel) = String::from_utf8(raw.clone()) else {
                let shown = crate::text::escaped_bytes(&raw);
                return Err(super::BadEvent {
                    user: None,
                    why: format!("{shown}: the channel's name is not UTF-8: not any user's event"),
                    nobodys_channel: Some(shown),
                });
            };
            let user = channel
                .strip_prefix(&prefix)
                .unwrap_or(&channel)
                .to_string();
            // `progress:` alone names no user: not taken for the user "".
            if user.is_empty() {
                let shown = crate::text::inert_line(&channel).into_owned();
                return Err(super::BadEvent {
                    user: None,
                    why: format!("{shown}: the channel names no user: not any user's event"),
                    nobodys_channel: Some(shown),
                });
            }
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

    async fn search_knowledge_many(
        &self,
        qs: &[KnowledgeQuery],
    ) -> Vec<Result<KnowledgeHits, StoreError>> {
        match &self.pg {
            Some(pg) => pg.search_many(qs).await,
            None => qs.iter().map(|_| Ok(KnowledgeHits::default())).collect(),
        }
    }

    async fn find_knowledge(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        match &self.pg {
            Some(pg) => pg.find_knowledge(text, limit).await,
            None => Ok(Vec::new()),
        }
    }

    async fn knowledge_catalogue(
        &self,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Option<Vec<super::CatalogueRow>>, StoreError> {
        match &self.pg {
            Some(pg) => pg.knowledge_catalogue(after, limit).await.map(Some),
            // No Postgres: no knowledge table, and nothing was retrieved.
            None => Ok(Some(Vec::new())),
        }
    }

    async fn knowledge_row(
        &self,
        id: i64,
        embedding: &[f32],
    ) -> Result<
        Option<Result<crate::engine::snapshot::KnowledgeEntry, crate::engine::snapshot::Malformed>>,
        StoreError,
    > {
        match &self.pg {
            Some(pg) => pg.knowledge_row(id, embedding).await,
            None => Ok(None),
        }
    }
}
