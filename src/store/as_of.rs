//! Loading a user as of an earlier instant ([`LoadOptions::at`]): the engine's rewind
//! (`crate::engine::rewind`) applied to what a store read, a user's data or a snapshot file.
//! The knowledge search does its part itself ([`super::KnowledgeQuery::created_by`]).

use std::borrow::Cow;

use super::{LoadOptions, StoreError, UserData};
use crate::engine::rewind::{Origin, Rewind, moments, rewind};
use crate::engine::{MilestoneMap, Snapshot};

/// The map the milestone of `at` is derived with.
fn map(opts: &LoadOptions) -> Cow<'_, MilestoneMap> {
    match &opts.milestones {
        Some(m) => Cow::Borrowed(m.as_ref()),
        None => Cow::Owned(MilestoneMap::default()),
    }
}

fn in_future(store: &str, e: crate::engine::rewind::InFuture) -> StoreError {
    StoreError::Config {
        store: store.into(),
        what: "time travel".into(),
        cause: e.to_string(),
    }
}

/// `data`, read from live stores or the demo at `data.now` (its keys under `key_prefix`), as of
/// `opts.at` (unchanged without it). An instant after the read is a usage error.
pub fn rewind_user(
    data: &mut UserData,
    opts: &LoadOptions,
    store: &str,
    key_prefix: &str,
) -> Result<(), StoreError> {
    let Some(at) = opts.at else { return Ok(()) };
    let snap = Snapshot {
        user_id: data.user_id.clone(),
        session_id: data.session_id.clone(),
        current_milestone: data.current_milestone.clone(),
        now: data.now,
        query: None,
        session: std::mem::take(&mut data.session),
        journey: std::mem::take(&mut data.journey),
        knowledge: Vec::new(),
        knowledge_search: None,
        cached_context: data.cached_context.take(),
        session_key: data.session_key().map(str::to_string),
        malformed: Vec::new(),
        notes: Vec::new(),
        recorded: Default::default(),
    };
    let r = Rewind {
        at,
        read_at: data.now,
        origin: Origin::Stores,
        cache_ttl: data.cached_context_ttl,
        journey_row: data.current_milestone.is_some(),
        map: &map(opts),
        key_prefix,
    };
    let out = rewind(&snap, &r).map_err(|e| in_future(store, e))?;
    let s = out.snapshot;
    data.session = s.session;
    data.journey = s.journey;
    if s.cached_context.is_none() {
        data.cached_context_ttl = None;
        data.cached_context_ttl_read = false;
    }
    data.cached_context = s.cached_context;
    // The cached context of then would sit under the milestone of then.
    if s.current_milestone != data.current_milestone {
        data.cached_context_key = match (
            &data.cached_context_key,
            &data.current_milestone,
            &s.current_milestone,
        ) {
            (Some(key), Some(now), Some(then)) => key
                .strip_suffix(now.as_str())
                .map(|head| format!("{head}{then}")),
            _ => None,
        };
    }
    data.current_milestone = s.current_milestone;
    data.now = s.now;
    data.notes.extend(s.notes);
    data.as_of = Some(out.as_of);
    Ok(())
}

/// `--now` on a snapshot file: the file as written, replayed at that clock (as a store's user
/// is). Every reader of files calls this one.
pub fn at_clock(file: &mut Snapshot, opts: &LoadOptions) {
    if let Some(now) = opts.now {
        file.now = now;
    }
}

/// A snapshot file's user as of `opts.at` (the file's `now` is when it was read): the
/// snapshot, knowledge hits included, and its user data. Without `at`, the file as written
/// (at the `--now` clock, [`at_clock`]).
pub fn rewind_file(
    file: Snapshot,
    opts: &LoadOptions,
    store: &str,
) -> Result<(Snapshot, UserData), StoreError> {
    let Some(at) = opts.at else {
        let mut file = file;
        at_clock(&mut file, opts);
        let data = UserData::of_snapshot(&file);
        return Ok((file, data));
    };
    let r = Rewind {
        at,
        read_at: file.now,
        origin: Origin::File,
        cache_ttl: None,
        journey_row: file.current_milestone.is_some(),
        map: &map(opts),
        // A file names its keys as SPEC §1 does; the session it holds, by its recorded key.
        key_prefix: "",
    };
    let out = rewind(&file, &r).map_err(|e| in_future(store, e))?;
    let mut data = UserData::of_snapshot(&out.snapshot);
    data.moments = moments(&file);
    data.as_of = Some(out.as_of);
    Ok((out.snapshot, data))
}

#[cfg(test)]
mod tests {
    use crate::engine::Policy;
    use crate::store::{KnowledgeParams, LoadOptions, MemoryStore, load_snapshot};

    #[tokio::test]
    async fn as_of_an_earlier_milestone_the_cached_context_key_is_of_that_milestone() {
        let store = MemoryStore::demo();
        let policy = Policy::preset("prolaunch").expect("preset");
        let read = |at: Option<&str>| {
            let opts = LoadOptions {
                at: at.map(|t| t.parse().expect("instant")),
                ..LoadOptions::default()
            };
            let store = &store;
            let params = KnowledgeParams::of(&policy);
            async move {
                let (_, data) = load_snapshot(store, "u062", &opts, params)
                    .await
                    .expect("u062");
                (data.current_milestone, data.cached_context_key)
            }
        };
        let (now_m, now_key) = read(None).await;
        let (then_m, then_key) = read(Some("2025-01-10T00:00:00Z")).await;
        assert_ne!(now_m, then_m, "u062 moved on since");
        let (now_m, then_m) = (now_m.expect("a milestone"), then_m.expect("a milestone"));
        assert_eq!(now_key, Some(format!("context:u062:{now_m}")));
        assert_eq!(then_key, Some(format!("context:u062:{then_m}")));
    }
}
