//! Where snapshots come from: the `Store` trait, its errors, and snapshot loading over any store.

pub mod as_of;
pub mod dataset;
pub mod embedder;
mod error;
pub mod fault;
pub mod file;
mod key_window;
pub mod keys;
pub mod live;
mod load;
pub mod memory;
pub mod migrate;
mod pg_catalogue;
mod pg_rows;
pub mod pg_schema;
mod pg_search;
pub mod pg_time;
pub mod postgres;
mod progress;
pub mod reconnecting;
pub mod redis;
mod redis_conn;
mod redis_write;
pub mod seed;
pub mod session;
pub mod snapshots;
pub mod tables;
pub mod url;
pub mod user;
pub mod vectors;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::engine::embed::BUILTIN_DIM;
use crate::engine::rewind::{AsOf, Moment};
use crate::engine::snapshot::{
    JourneyEntry, KnowledgeEntry, Malformed, Note, SessionEntry, Snapshot, fmt_ts,
};

pub use error::StoreError;
pub use load::{
    KnowledgeParams, load_snapshot, load_snapshots, load_without_knowledge, snapshots_of,
    snapshots_of_many,
};
pub use memory::MemoryStore;
pub use progress::{BadEvent, EventStream, ProgressEvent, parse_progress};

/// How many hits past the limit a knowledge search also returns, so a view can show what
/// almost made it (`over_limit`).
pub const NEAR_MISSES: usize = 5;

/// How far under the threshold a hit may be and still be returned as a near miss
/// (`below_threshold`). Every store applies the same rule, so replays agree across stores.
pub const NEAR_MISS_MARGIN: f64 = 0.3;

/// The least similarity a search for `threshold` fetches: `threshold − NEAR_MISS_MARGIN`, to
/// twelve decimals (0.7 − 0.3 is 0.4 in a snapshot file, not 0.39999999999999997).
pub fn near_miss_floor(threshold: f64) -> f64 {
    ((threshold - NEAR_MISS_MARGIN) * 1e12).round() / 1e12
}

/// One user in a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserSummary {
    pub user_id: String,
    pub current_milestone: Option<String>,
    pub display_name: Option<String>,
    /// Newest turn across the user's sessions.
    #[serde(serialize_with = "ser_opt_ts")]
    pub last_activity: Option<DateTime<Utc>>,
    /// Session keys; `None` where listing does not read them (live stores).
    pub sessions: Option<usize>,
}

fn ser_opt_ts<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&fmt_ts(t)),
        None => s.serialize_none(),
    }
}

/// A page of users and the cursor of the next one (`None`: this was the last).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    pub next_cursor: Option<String>,
    /// Keys no user can own, named (invalid bytes as `\xHH`): a session key whose user id is
    /// not UTF-8, or with no `:` after its user id. Listed once, on the page where the Redis
    /// scan's users begin.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlisted: Vec<Unlisted>,
}

/// A session key no user can own ([`UserPage::unlisted`]); written out as its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unlisted {
    /// The key's name, invalid bytes as `\xHH`.
    pub key: String,
    pub why: NoOwner,
}

/// Why a session key is no user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoOwner {
    /// Its user id is not UTF-8 (every id is text).
    NotUtf8,
    /// No `:` separates a user id from a session id (`session:u1`): every user's session key
    /// is `session:{user}:{session}`.
    NoSessionPart,
}

impl Serialize for Unlisted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key)
    }
}

/// A key of [`UserPage::unlisted`] as a note: what it is and why it is in no listing.
pub fn unlisted_note(u: &Unlisted) -> String {
    let why = match u.why {
        NoOwner::NotUtf8 => "its user id is not UTF-8, so it is no user's",
        NoOwner::NoSessionPart => {
            "no ':' separates a user id from a session id (session:{user}:{session}), so it is \
             no user's"
        }
    };
    format!("{}: not listed: {why}", crate::text::inert_line(&u.key))
}

/// One session key as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionInfo {
    pub session_id: String,
    /// The Redis key it came from.
    pub key: String,
    pub turns: usize,
    /// Entries that could not be read as turns (1 when the whole value cannot be): listed for
    /// every key, read or not, so a bad entry in a session not read is not lost.
    pub malformed: usize,
    pub ttl: Option<u64>,
    #[serde(serialize_with = "ser_opt_ts")]
    pub newest: Option<DateTime<Utc>>,
    /// The server answered the key's TTL (a key it refused to read has none known: `ttl`
    /// `None` then means not read, not "never expires").
    #[serde(skip)]
    pub ttl_read: bool,
}

/// Everything about one user except knowledge, which needs the query first.
#[derive(Debug, Clone, PartialEq)]
pub struct UserData {
    pub user_id: String,
    /// The user id the data holds, when it is listed under another (`USER@FILE`: a user in
    /// several snapshot files): its cached context is this id's.
    pub stored_as: Option<String>,
    pub display_name: Option<String>,
    pub current_milestone: Option<String>,
    pub now: DateTime<Utc>,
    /// Every session key of the user.
    pub sessions: Vec<SessionInfo>,
    /// The chosen session: the one with the newest turn, or the one asked for.
    pub session_id: Option<String>,
    pub session: Vec<SessionEntry>,
    pub journey: Vec<JourneyEntry>,
    /// `context:{user}:{current milestone}`, parsed.
    pub cached_context: Option<Value>,
    pub cached_context_ttl: Option<u64>,
    /// Whether a cached context key is stored, readable or not, and its TTL was read (then
    /// `cached_context_ttl: None` is no TTL); a key the server refused to read is not.
    pub cached_context_ttl_read: bool,
    /// Whether the source tells key TTLs (`cached_context_ttl: None` is then no TTL); a snapshot
    /// file holds none.
    pub ttls_known: bool,
    /// The key the cached context is read from, `{prefix}context:{user}:{current milestone}`
    /// (`None` without a journey: no current milestone).
    pub cached_context_key: Option<String>,
    pub malformed: Vec<Malformed>,
    /// What was read but deserves a finding (odd timestamps, duplicate rows, ambiguous keys).
    pub notes: Vec<Note>,
    /// The user's timeline as read (every session's turns and the journey rows, not only those
    /// up to an `--at` instant): the moments time travel steps through.
    pub moments: Vec<Moment>,
    /// Loaded as of an earlier instant ([`LoadOptions::at`]): when, when the data was read, and
    /// where the milestone of then comes from. The rest of the data is as of then.
    pub as_of: Option<AsOf>,
}

impl UserData {
    /// The Redis key of the session read, if any.
    pub fn session_key(&self) -> Option<&str> {
        let chosen = self.session_id.as_deref()?;
        self.sessions
            .iter()
            .find(|s| s.session_id == chosen)
            .map(|s| s.key.as_str())
    }

    /// What a snapshot file tells of the user's stored data (no key names, TTLs or name).
    pub fn of_snapshot(s: &Snapshot) -> UserData {
        UserData {
            stored_as: None,
            user_id: s.user_id.clone(),
            display_name: None,
            current_milestone: s.current_milestone.clone(),
            now: s.now,
            sessions: Vec::new(),
            session_id: s.session_id.clone(),
            session: s.session.clone(),
            journey: s.journey.clone(),
            cached_context: s.cached_context.clone(),
            cached_context_ttl: None,
            cached_context_ttl_read: false,
            ttls_known: false,
            cached_context_key: s
                .current_milestone
                .as_deref()
                .map(|m| crate::engine::keys::context_key("", &s.user_id, m)),
            malformed: s.malformed.clone(),
            // The snapshot's notes reach findings through the snapshot itself.
            notes: Vec::new(),
            moments: crate::engine::rewind::moments(s),
            as_of: None,
        }
    }
}

/// A knowledge search: the query vector, the milestone filter and how many hits to return.
#[derive(Debug, Clone, PartialEq)]
pub struct KnowledgeQuery {
    pub embedding: Vec<f32>,
    /// `Some(m)`: only hits of milestone `m` or of no milestone.
    pub milestone_filter: Option<String>,
    /// Only hits at least this similar: the policy's threshold less [`NEAR_MISS_MARGIN`].
    pub min_similarity: f64,
    /// The policy's limit plus [`NEAR_MISSES`].
    pub limit: usize,
    /// Only rows created at or before this instant (`--at`): filtered in the search itself,
    /// before its limit, never after.
    pub created_by: Option<DateTime<Utc>>,
}

/// A knowledge search's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KnowledgeHits {
    pub hits: Vec<KnowledgeEntry>,
    /// Rows whose similarity is NaN or out of range, or whose embedding has the wrong dimension
    /// or a norm pgvector cannot compute with, or that could not be decoded.
    pub malformed: Vec<Malformed>,
    /// Hits read with a note: a timestamp out of range, an id repeated in the answer.
    pub notes: Vec<Note>,
}

/// One knowledge row as the fleet report's catalogue lists it: no content, no embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueRow {
    pub id: i64,
    /// `None`: relevant to every milestone.
    pub milestone: Option<String>,
    /// At most [`CATALOGUE_TITLE_CHARS`] characters of the stored title (an ellipsis marks a cut).
    pub title: String,
    /// Its embedding is one pgvector cannot score (all zeros, or a norm out of its range): no
    /// search can ever retrieve it.
    pub unscorable: bool,
}

/// How much of a title the catalogue reads: a report shows titles on one line, and a hostile
/// title may be megabytes.
pub const CATALOGUE_TITLE_CHARS: usize = 200;

/// A title as the catalogue reads it: its first [`CATALOGUE_TITLE_CHARS`] characters, as
/// Postgres's `left(title, n)` cuts it, and an ellipsis where it was cut.
pub fn cut_title(title: &str) -> String {
    match title.char_indices().nth(CATALOGUE_TITLE_CHARS) {
        Some((at, _)) => format!("{}…", &title[..at]),
        None => title.to_string(),
    }
}

/// Which user ids have a `user_journeys` row: what deciding the owner of a Redis key whose
/// candidates are several needs ([`keys`]).
#[async_trait]
pub trait JourneyIds: Send + Sync {
    /// The ids among `ids` that have a row.
    async fn with_journey(
        &self,
        ids: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError>;
}

/// No Postgres: nobody has a journey row, and keys go to their natural owners ([`keys`]).
pub struct NoJourneys;

#[async_trait]
impl JourneyIds for NoJourneys {
    async fn with_journey(
        &self,
        _ids: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        Ok(Default::default())
    }
}

/// What a caller can choose about a load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// Read this session instead of the one with the newest turn.
    pub session: Option<String>,
    /// Search knowledge with this text instead of the newest user turn.
    pub query: Option<String>,
    /// Replay as of this instant instead of the store's clock (live stores: now).
    pub now: Option<DateTime<Utc>>,
    /// Reconstruct the user as of this instant (`--at`): the data stored by then, the
    /// milestone of then, `now` = this instant, and notes on what cannot be told
    /// ([`crate::engine::rewind`]). `now`, if also given, then moves the clock only.
    pub at: Option<DateTime<Utc>>,
    /// The dependency map the milestone at `at` is derived with (`None`: seed 000's).
    pub milestones: Option<std::sync::Arc<crate::engine::MilestoneMap>>,
    /// How the knowledge query is embedded.
    pub embedder: embedder::Embedder,
}

/// One backend's state, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// `redis`, `postgres` or `memory`.
    pub name: String,
    /// Host and port (no password).
    pub host: String,
    pub latency: Option<std::time::Duration>,
    pub error: Option<String>,
}

/// Why `--cursor C` cannot be read, and what to give instead (every store's listing says it
/// alike).
pub(crate) fn invalid_cursor(c: &str) -> String {
    format!(
        "invalid cursor {}: give the cursor a listing printed after `more: --cursor` \
         (`next_cursor` in --json)",
        crate::text::quoted(c)
    )
}

/// How long [`Store::close`] waits for connections still in use to come back to be closed.
pub const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// A source of users and snapshots. The engine and the commands only see this trait.
#[async_trait]
pub trait Store: Send + Sync {
    /// What the status bar and messages call this store: `DEMO`, or hosts with passwords masked.
    fn describe(&self) -> String;

    /// A page of users, starting at `cursor`.
    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError>;

    /// A page of user ids only, starting at `cursor` (the cursors of [`Store::users`]): what a
    /// fleet pass lists, for stores where a summary costs more than the id.
    async fn user_ids(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        let page = self.users(cursor, limit).await?;
        let ids = page.users.into_iter().map(|u| u.user_id).collect();
        Ok((ids, page.next_cursor))
    }

    /// Whether a load without `now` replays at the wall clock of its read (live stores), not at
    /// a clock of the data's own (the demo's fixed instant, a snapshot file's `now`).
    fn wall_clock(&self) -> bool {
        false
    }

    /// The data's own clock, when one holds for every user (the demo's fixed instant, one
    /// snapshot file's); `None` when each user has its own (a folder of snapshot files read at
    /// several instants) or the wall clock is it ([`Store::wall_clock`]).
    fn data_clock(&self) -> Option<DateTime<Utc>> {
        None
    }

    /// How many users there are, when the store knows without listing them (progress bars).
    fn user_count(&self) -> Option<usize> {
        None
    }

    /// The dimension of knowledge embeddings (read from the column for Postgres).
    fn embedding_dim(&self) -> usize {
        BUILTIN_DIM
    }

    /// One user's sessions, journey and cached context.
    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError>;

    /// Several users at once (a report's batch): one answer per id, in order. Stores that read
    /// many users in fewer round trips than one at a time override it; `pass` carries what the
    /// calls of one pass over the fleet share (live Redis: the keys found by one SCAN).
    async fn load_users(
        &self,
        users: &[String],
        opts: &LoadOptions,
        _pass: &FleetPass,
    ) -> Vec<Result<UserData, StoreError>> {
        futures_util::future::join_all(users.iter().map(|u| self.load_user(u, opts))).await
    }

    /// Each backend's state now: reachable, round-trip time, or the error.
    async fn health(&self) -> Vec<Health>;

    /// Ends the connections as a client should, before the process exits: Postgres then logs
    /// no lost client ("connection reset by peer") for each connection of the pool. Bounded by
    /// [`CLOSE_WAIT`]: a connection still busy past it is left to the exit.
    async fn close(&self) {}

    /// `progress:{user}` events (every user's with `None`) as they arrive. The stream ends only
    /// when the connection does (the store went away).
    async fn subscribe(&self, user: Option<&str>) -> Result<EventStream, StoreError>;

    /// What this store's key and channel names begin with (`--key-prefix`; none by default).
    fn key_prefix(&self) -> &str {
        ""
    }

    /// The progress channel of `user` (every user's pattern with `None`), as this store names it.
    fn progress_channel(&self, user: Option<&str>) -> String {
        crate::engine::keys::progress_channel(self.key_prefix(), user.unwrap_or("*"))
    }

    /// What messages about the progress channel name as its store (live: the Redis server).
    fn progress_source(&self) -> String {
        self.describe()
    }

    /// Where knowledge rows are read from, as messages name it (Postgres's label, for live
    /// stores: a row not found is not looked for in Redis).
    fn knowledge_source(&self) -> String {
        self.describe()
    }

    /// Knowledge hits for a query, best first, and rows that could not be scored.
    async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError>;

    /// [`Store::search_knowledge`] for several queries, answers in the same order: by default
    /// one search each, concurrently. A store can answer like queries in one round trip.
    async fn search_knowledge_many(
        &self,
        qs: &[KnowledgeQuery],
    ) -> Vec<Result<KnowledgeHits, StoreError>> {
        futures_util::future::join_all(qs.iter().map(|q| self.search_knowledge(q))).await
    }

    /// Knowledge rows whose title contains `text` (ignoring case), by id, at most `limit`:
    /// `(id, title)`. Stores without a knowledge table find none.
    async fn find_knowledge(
        &self,
        _text: &str,
        _limit: usize,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(Vec::new())
    }

    /// A page of every knowledge row, by id, starting after `after`: at most `limit` rows, ids,
    /// milestones and titles only (what the fleet report's "never retrieved" needs). `Ok(None)`:
    /// this store cannot list its knowledge rows (it holds only each user's hits).
    async fn knowledge_catalogue(
        &self,
        _after: Option<i64>,
        _limit: usize,
    ) -> Result<Option<Vec<CatalogueRow>>, StoreError> {
        Ok(None)
    }

    /// Knowledge row `id` scored against `embedding` on its own (an exact cosine, no index and no
    /// filter), so it also explains a row the search did not return. `Ok(None)`: no such row;
    /// `Err` names why it cannot be scored.
    async fn knowledge_row(
        &self,
        _id: i64,
        _embedding: &[f32],
    ) -> Result<Option<Result<KnowledgeEntry, Malformed>>, StoreError> {
        Ok(None)
    }

    /// A user's snapshot exactly as stored, for stores that hold snapshots rather than the data
    /// to make them (snapshot files): replayed as written, knowledge hits included.
    fn fixed_snapshot(&self, _user: &str) -> Option<Snapshot> {
        None
    }
}

/// What the loads of one pass over the fleet share: for live Redis, the session and context keys
/// of a range of users, found by one SCAN of the keyspace instead of one per user. Make one per
/// pass, so a later pass sees keys written since.
#[derive(Debug, Default)]
pub struct FleetPass {
    pub(crate) redis_keys: tokio::sync::Mutex<Option<std::sync::Arc<key_window::KeyWindow>>>,
}

#[cfg(test)]
mod progress_tests;
