//! The demo's cached contexts: fresh, stale, broken and leftover keys, judged from the data
//! alone against a fresh replay.

use super::caches::{CACHE_TTL, CacheKind, block_on, cache_kind, cache_policy, knowledge_params};
use super::tests::{demo, parse_rfc3339, user};
use super::*;
use crate::engine::Engine;
use crate::engine::cache::{CachedContext, drift};
use crate::store::{LoadOptions, MemoryStore, Store, load_snapshot};

/// How a user's cache key compares with a fresh replay of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Same items, tokens and prompt as the replay.
    Fresh,
    /// Differs from the replay.
    Stale,
    NoTtl,
    /// Not JSON.
    Malformed,
    /// For a milestone other than the current one.
    Leftover,
}

/// What each cache key of the demo is, judged from the data alone (not from the generator's plan).
fn cache_mix(d: &Dataset) -> Vec<(String, Found)> {
    let store = MemoryStore::from_dataset(d.clone(), "test").expect("store");
    let policy = cache_policy();
    let engine = Engine::default();
    let mut out = vec![];
    for u in &d.users {
        let current = u.journey.as_ref().map(|j| j.current_milestone.as_str());
        for key in &u.cached_contexts {
            let found = if Some(key.milestone.as_str()) != current {
                Found::Leftover
            } else if let Ok(v) = serde_json::from_str::<Value>(&key.value) {
                let cached = CachedContext::from_json(&v).expect("a well-formed entry");
                assert_eq!(
                    (cached.user_id.as_str(), cached.policy.as_str()),
                    (u.user_id.as_str(), "prolaunch")
                );
                let (snap, _) = block_on(load_snapshot(
                    &store,
                    &u.user_id,
                    &LoadOptions::default(),
                    knowledge_params(&policy),
                ))
                .expect("loads");
                let replay = engine.assemble(&snap, &policy);
                match (key.ttl, drift(&cached, &replay).is_empty()) {
                    (None, _) => Found::NoTtl,
                    (Some(_), true) => Found::Fresh,
                    (Some(_), false) => Found::Stale,
                }
            } else {
                Found::Malformed
            };
            out.push((u.user_id.clone(), found));
        }
    }
    out
}

fn ids_of(mix: &[(String, Found)], kind: Found) -> Vec<&str> {
    mix.iter()
        .filter(|(_, f)| *f == kind)
        .map(|(id, _)| id.as_str())
        .collect()
}

#[test]
fn demo_cache_keys_mix_fresh_stale_and_broken() {
    let d = demo();
    let mix = cache_mix(d);
    let count = |kind| ids_of(&mix, kind).len();
    assert_eq!(count(Found::Fresh), 32, "{mix:?}");
    assert_eq!(count(Found::Stale), 16, "{mix:?}");
    assert_eq!(ids_of(&mix, Found::NoTtl), ["u004", "u024", "u044", "u060"]);
    assert_eq!(ids_of(&mix, Found::Malformed), ["u032"]);
    assert_eq!(ids_of(&mix, Found::Leftover), ["u048"]);
    let without: Vec<&str> = d
        .users
        .iter()
        .filter(|u| u.cached_contexts.is_empty())
        .map(|u| u.user_id.as_str())
        .collect();
    assert_eq!(without.len(), 17, "{without:?}");
    assert!(without.contains(&"u067") && without.contains(&"u066"));
    // What the data shows is what the generator meant, user by user.
    for (id, found) in &mix {
        let number: usize = id[1..].parse().expect("u###");
        let meant = match cache_kind(number).expect("a planned key") {
            CacheKind::Fresh => Found::Fresh,
            CacheKind::Stale => Found::Stale,
            CacheKind::NoTtl => Found::NoTtl,
            CacheKind::Malformed => Found::Malformed,
            CacheKind::Leftover => Found::Leftover,
        };
        assert_eq!(*found, meant, "{id}");
    }
}

/// Age in seconds at `NOW` of a well-formed entry, and the entry.
fn entry(key: &crate::demo::CachedContext) -> (i64, CachedContext) {
    let v: Value = serde_json::from_str(&key.value).expect("JSON");
    let c = CachedContext::from_json(&v).expect("entry");
    let created = parse_rfc3339(&c.created_at).expect("whole-second RFC 3339");
    (NOW_EPOCH - created, c)
}

#[test]
fn fresh_keys_are_minutes_old_and_stale_ones_older() {
    let d = demo();
    let mix = cache_mix(d);
    let key_of = |id: &str| &user(d, id).cached_contexts[0];
    for id in ids_of(&mix, Found::Fresh)
        .into_iter()
        .chain(ids_of(&mix, Found::Malformed))
    {
        let key = key_of(id);
        if id == "u032" {
            continue;
        }
        let (age, c) = entry(key);
        assert!((1..300).contains(&age), "{id}: {age} s old");
        assert_eq!(
            key.ttl,
            Some(CACHE_TTL - age as u64),
            "{id}: TTL counts down from 300"
        );
        assert_eq!(c.milestone, key.milestone);
    }
    for id in ids_of(&mix, Found::Stale) {
        let key = key_of(id);
        let (age, _) = entry(key);
        assert!(age > 300, "{id}: stale entry only {age} s old");
        assert!(
            key.ttl.is_some_and(|t| (1..=CACHE_TTL).contains(&t)),
            "{id}"
        );
    }
    for id in ids_of(&mix, Found::NoTtl)
        .into_iter()
        .chain(ids_of(&mix, Found::Leftover))
    {
        let (age, _) = entry(key_of(id));
        assert!(age > 0, "{id}");
        assert_eq!(key_of(id).ttl, None, "{id}");
    }
}

#[test]
fn stale_keys_miss_the_newest_turn_or_journey_row() {
    let d = demo();
    let store = MemoryStore::from_dataset(d.clone(), "test").expect("store");
    let policy = cache_policy();
    let engine = Engine::default();
    let (mut turn, mut row) = (0, 0);
    for id in ids_of(&cache_mix(d), Found::Stale) {
        let (_, cached) = entry(&user(d, id).cached_contexts[0]);
        let (snap, _) = block_on(load_snapshot(
            &store,
            id,
            &LoadOptions::default(),
            knowledge_params(&policy),
        ))
        .expect("loads");
        let replay = engine.assemble(&snap, &policy);
        let diff = drift(&cached, &replay);
        assert!(!diff.is_empty() && diff.prompt_differs, "{id}");
        // Session turn ids are `{session}#{index}`; journey rows are `mb:{id}`.
        turn += usize::from(diff.only_replay.iter().any(|i| i.contains('#')));
        row += usize::from(diff.only_replay.iter().any(|i| i.starts_with("mb:")));
    }
    assert!(turn >= 10, "{turn} stale keys miss a turn");
    assert!(row >= 1, "{row} stale keys miss a journey row");
}

#[test]
fn the_store_reports_the_malformed_key_and_ignores_the_leftover() {
    let store = MemoryStore::from_dataset(demo().clone(), "test").expect("store");
    let opts = LoadOptions::default();
    let bad = block_on(store.load_user("u032", &opts)).expect("u032");
    assert!(bad.cached_context.is_none());
    let m = bad
        .malformed
        .iter()
        .find(|m| m.source.starts_with("context:u032:"))
        .expect("the cache key is reported");
    assert!(
        m.reason
            .starts_with("cached context is not JSON: key must be a string at line 1 column 2"),
        "{}",
        m.reason
    );
    let left = block_on(store.load_user("u048", &opts)).expect("u048");
    assert!(left.cached_context.is_none() && left.malformed.is_empty());
    let fresh = block_on(store.load_user("u001", &opts)).expect("u001");
    assert!(fresh.cached_context.is_some() && fresh.cached_context_ttl.is_some());
}
