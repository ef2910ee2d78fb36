//! Cached contexts (`context:{user}:{milestone}`): what the system last cached for each demo user.
//!
//! Entries are made the way the system makes them: the user's snapshot is loaded through
//! `MemoryStore` and assembled under the `prolaunch` preset. Fresh entries are the replay itself,
//! written in the last five minutes. Stale ones were assembled before the user's newest turn was
//! stored (or before the newest memory-bank row), at that earlier `now`; they outlive the 300 s
//! TTL because readers refresh it on every hit (`GETEX … EX 300`), which is exactly how stale
//! context keeps reaching the model. A few keys were written without a TTL, one holds Python's
//! `str()` of the dict instead of JSON, and one is left over from the milestone the user has left.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::*;
use crate::demo::CachedContext as CacheKey;
use crate::engine::cache::CachedContext;
use crate::engine::snapshot::{Snapshot, parse_timestamp};
use crate::engine::{Engine, Policy};
use crate::store::{self, KnowledgeParams, LoadOptions, MemoryStore, Store, StoreError};

/// Cache TTL of seed 000's `cache_set(..., ttl_seconds=300)`.
pub(super) const CACHE_TTL: u64 = 300;
/// Mixed into the demo seed so cache choices never disturb the users' own random streams.
const CACHE_SALT: u64 = 0x636f_6e74_6578_7473;
/// The preset the demo system runs under.
const POLICY: &str = "prolaunch";

/// What a demo user's cache key is like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CacheKind {
    /// Equal to a fresh replay, written in the last five minutes.
    Fresh,
    /// Built before the newest turn or memory-bank row; TTL refreshed by reads.
    Stale,
    /// Written after the user's last activity by a path that set no TTL.
    NoTtl,
    /// Not JSON at all.
    Malformed,
    /// For the milestone the user was at before, never expired.
    Leftover,
}

/// The cache key of demo user `number` (`u{number:03}`), if any. Most users have one; every
/// fourth has none, apart from the few awkward keys.
pub(super) fn cache_kind(number: usize) -> Option<CacheKind> {
    match number {
        32 => Some(CacheKind::Malformed),
        48 => Some(CacheKind::Leftover),
        4 | 24 | 44 | 60 => Some(CacheKind::NoTtl),
        62 | 65 => Some(CacheKind::Fresh),
        64 => Some(CacheKind::Stale),
        61.. => None,
        n if n % 4 == 0 => None,
        n if n % 4 == 3 => Some(CacheKind::Stale),
        _ => Some(CacheKind::Fresh),
    }
}

/// How one user's cache entry is made.
struct CachePlan {
    /// Index of the user in the dataset.
    user: usize,
    kind: CacheKind,
    /// The milestone in the key.
    milestone: String,
    created_at: i64,
    ttl: Option<u64>,
    /// `None`: assembled from the data as it is now.
    past: Option<Past>,
}

/// The user's data as it was when the entry was written.
struct Past {
    /// Turns and rows at or after this instant did not exist yet.
    cutoff: DateTime<Utc>,
    /// The user's current milestone then.
    milestone: String,
    /// The question being answered, when it is not yet among the stored turns.
    query: Option<String>,
}

/// Runs a store future to completion. The demo store never waits, so a current-thread runtime
/// is enough; this must not be called from inside another runtime.
pub(super) fn block_on<F: Future>(f: F) -> F::Output {
    // Building a runtime without I/O or timer drivers only allocates.
    #[allow(clippy::expect_used)]
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime builds");
    runtime.block_on(f)
}

/// The knowledge-search parameters of `policy`, as `ctxlens` passes them to the store.
pub(super) fn knowledge_params(policy: &Policy) -> KnowledgeParams {
    KnowledgeParams::of(policy)
}

/// The policy cache entries are assembled under.
pub(super) fn cache_policy() -> Policy {
    // The preset is embedded and checked by the policy tests.
    #[allow(clippy::expect_used)]
    Policy::preset(POLICY).expect("the prolaunch preset parses")
}

/// Fills the demo users' `cached_contexts` (which must still be empty).
pub(super) fn add_cached_contexts(d: &mut Dataset) -> Result<(), StoreError> {
    let engine = Engine::default();
    let policy = cache_policy();
    let params = knowledge_params(&policy);
    let current = MemoryStore::from_dataset(d.clone(), "DEMO")?;
    let mut plans = Vec::new();
    for (index, u) in d.users.iter().enumerate() {
        let Some(kind) = cache_kind(index + 1) else {
            continue;
        };
        let (snap, _) = block_on(store::load_snapshot(
            &current,
            &u.user_id,
            &LoadOptions::default(),
            params,
        ))?;
        let mut rng = user_rng(DEMO_SEED ^ CACHE_SALT, index as u64);
        plans.extend(plan(index, kind, u, &snap, &mut rng));
    }
    let past_users: Vec<DemoUser> = plans
        .iter()
        .filter_map(|p| p.past.as_ref().map(|past| as_of(&d.users[p.user], past)))
        .collect();
    let past = MemoryStore::from_dataset(
        Dataset {
            now: d.now.clone(),
            knowledge: d.knowledge.clone(),
            users: past_users,
        },
        "DEMO (as cached)",
    )?;
    for p in plans {
        let store: &dyn Store = if p.past.is_some() { &past } else { &current };
        let user = &mut d.users[p.user];
        let key = cache_key(&engine, &policy, store, &user.user_id, p)?;
        user.cached_contexts.push(key);
    }
    Ok(())
}

/// Assembles a planned entry from `store` and encodes it as the key's value.
fn cache_key(
    engine: &Engine,
    policy: &Policy,
    store: &dyn Store,
    user_id: &str,
    p: CachePlan,
) -> Result<CacheKey, StoreError> {
    let opts = LoadOptions {
        session: None,
        query: p.past.as_ref().and_then(|past| past.query.clone()),
        now: None,
        ..Default::default()
    };
    let params = knowledge_params(policy);
    let (mut snap, _) = block_on(store::load_snapshot(store, user_id, &opts, params))?;
    if p.past.is_some() {
        // Assembly then ran at its own `now`, so recency weights were those of that moment.
        snap.now = at(p.created_at);
    }
    let entry = CachedContext::from_assembly(
        &engine.assemble(&snap, policy),
        &p.milestone,
        &rfc3339(p.created_at),
    );
    let value = match p.kind {
        CacheKind::Malformed => python_repr(&entry),
        // Strings and integers always serialise.
        _ => serde_json::to_string(&entry).unwrap_or_default(),
    };
    Ok(CacheKey {
        milestone: p.milestone,
        value,
        ttl: p.ttl,
    })
}

/// Unix seconds as a UTC instant (demo times are always in range).
fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// The plan of one user's entry; `None` for a user without a journey (no milestone, no key).
fn plan(
    index: usize,
    kind: CacheKind,
    u: &DemoUser,
    snap: &Snapshot,
    rng: &mut ChaCha8Rng,
) -> Option<CachePlan> {
    let milestone = u.journey.as_ref()?.current_milestone.clone();
    let base = |created_at: i64, ttl: Option<u64>, past: Option<Past>| CachePlan {
        user: index,
        kind,
        milestone: milestone.clone(),
        created_at,
        ttl,
        past,
    };
    Some(match kind {
        CacheKind::Fresh | CacheKind::Malformed => {
            let age = rng.random_range(5..290);
            base(NOW_EPOCH - age, Some(CACHE_TTL - age as u64), None)
        }
        CacheKind::Stale => {
            let ttl = Some(rng.random_range(30..=CACHE_TTL));
            let (created_at, past) = stale_past(u, snap, &milestone, rng);
            base(created_at, ttl, Some(past))
        }
        CacheKind::NoTtl => {
            // Every demo event is at least five minutes old, so this stays before `NOW`.
            let last = [newest_turn(snap).map(|t| t.timestamp() + 1), newest_row(u)]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(NOW_EPOCH - DAY);
            let created_at = last + rng.random_range(20..240);
            let past = Past {
                cutoff: at(created_at),
                milestone: milestone.clone(),
                query: None,
            };
            base(created_at, None, Some(past))
        }
        CacheKind::Leftover => return leftover(index, u, rng),
    })
}

/// When a stale entry was written and what it saw: just before the newest memory-bank row when
/// that is the user's latest event, else while answering the newest question, before it was stored.
fn stale_past(u: &DemoUser, snap: &Snapshot, milestone: &str, rng: &mut ChaCha8Rng) -> (i64, Past) {
    let turn = newest_question(snap);
    let row = newest_row(u);
    match turn {
        Some((asked, text)) if row.is_none_or(|r| r < asked.timestamp()) => (
            asked.timestamp() + rng.random_range(1..6),
            Past {
                cutoff: asked,
                milestone: milestone.to_string(),
                query: Some(text),
            },
        ),
        _ => {
            let written = row.unwrap_or(NOW_EPOCH);
            (
                written - rng.random_range(2..20),
                Past {
                    cutoff: at(written),
                    milestone: milestone.to_string(),
                    query: None,
                },
            )
        }
    }
}

/// A key for the milestone the user left: written before the row that moved them on, no TTL.
fn leftover(index: usize, u: &DemoUser, rng: &mut ChaCha8Rng) -> Option<CachePlan> {
    let last = u.memory_bank.last()?;
    let previous = match last.context_type.as_str() {
        "transition" => last.data.get("from")?.as_str()?.to_string(),
        _ => last.milestone.clone()?,
    };
    let written = row_time(last)?;
    let created_at = written - rng.random_range(MINUTE..HOUR);
    Some(CachePlan {
        user: index,
        kind: CacheKind::Leftover,
        milestone: previous.clone(),
        created_at,
        ttl: None,
        past: Some(Past {
            cutoff: at(written),
            milestone: previous,
            query: None,
        }),
    })
}

/// The newest readable turn's time.
fn newest_turn(snap: &Snapshot) -> Option<DateTime<Utc>> {
    snap.turns().map(|(_, t)| t.timestamp).max()
}

/// The newest user message: when it was sent and its text.
fn newest_question(snap: &Snapshot) -> Option<(DateTime<Utc>, String)> {
    snap.turns()
        .filter_map(|(i, t)| t.user_text().map(|text| ((t.timestamp, i), text)))
        .max_by_key(|(key, _)| *key)
        .map(|((ts, _), text)| (ts, text.to_string()))
}

fn row_time(r: &MemoryRow) -> Option<i64> {
    parse_timestamp(&Value::String(r.created_at.clone()))
        .ok()
        .map(|t| t.timestamp())
}

/// Unix seconds of the user's newest memory-bank row.
fn newest_row(u: &DemoUser) -> Option<i64> {
    u.memory_bank.iter().filter_map(row_time).max()
}

/// The user as they were at `past.cutoff`: later turns and rows removed, sessions that held
/// nothing yet gone, and the milestone they were at. Undatable data is kept as it is.
fn as_of(u: &DemoUser, past: &Past) -> DemoUser {
    let later = |v: &Value| {
        v.get("timestamp")
            .and_then(|t| parse_timestamp(t).ok())
            .is_some_and(|t| t >= past.cutoff)
    };
    let memory_bank = u
        .memory_bank
        .iter()
        .filter(|r| row_time(r).is_none_or(|t| at(t) < past.cutoff))
        .cloned()
        .collect();
    let journey = u.journey.clone().map(|j| JourneyRow {
        current_milestone: past.milestone.clone(),
        ..j
    });
    DemoUser {
        user_id: u.user_id.clone(),
        journey,
        sessions: u
            .sessions
            .iter()
            .filter_map(|key| session_before(key, &later))
            .collect(),
        memory_bank,
        cached_contexts: vec![],
    }
}

/// A session key without its `later` turns; `None` when no turn is left (the key did not exist).
fn session_before(key: &RedisKey, later: &dyn Fn(&Value) -> bool) -> Option<RedisKey> {
    let value = match &key.value {
        RedisValue::String(s) => match serde_json::from_str::<Vec<Value>>(s) {
            Ok(turns) => {
                let kept: Vec<Value> = turns.into_iter().filter(|t| !later(t)).collect();
                if kept.is_empty() {
                    return None;
                }
                RedisValue::String(serde_json::to_string(&kept).ok()?)
            }
            Err(_) => key.value.clone(),
        },
        RedisValue::List(items) => {
            let kept: Vec<String> = items
                .iter()
                .filter(|s| !serde_json::from_str::<Value>(s).is_ok_and(|v| later(&v)))
                .cloned()
                .collect();
            if kept.is_empty() {
                return None;
            }
            RedisValue::List(kept)
        }
    };
    Some(RedisKey {
        value,
        ..key.clone()
    })
}

/// Python's `str()` of the entry as a dict: what a writer that skipped `json.dumps` stores.
fn python_repr(c: &CachedContext) -> String {
    let items: Vec<String> = c
        .items
        .iter()
        .map(|i| {
            format!(
                "{{'id': {}, 'layer': {}, 'tokens': {}}}",
                py_str(&i.id),
                py_str(&i.layer),
                i.tokens
            )
        })
        .collect();
    format!(
        "{{'user_id': {}, 'milestone': {}, 'policy': {}, 'created_at': {}, 'total_tokens': {}, 'items': [{}], 'prompt': {}}}",
        py_str(&c.user_id),
        py_str(&c.milestone),
        py_str(&c.policy),
        py_str(&c.created_at),
        c.total_tokens,
        items.join(", "),
        py_str(&c.prompt)
    )
}

/// A Python string literal in single quotes.
fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}
