use super::*;
use crate::store::{KnowledgeParams, LoadOptions, MemoryStore, load_snapshot};

async fn load(user: &str, policy: &Policy) -> (Vec<Finding>, Assembly) {
    let store = MemoryStore::demo();
    let params = KnowledgeParams::of(policy);
    let (snap, data) = load_snapshot(&store, user, &LoadOptions::default(), params)
        .await
        .expect("demo user");
    let engine = crate::engine::Engine::default();
    let a = engine.assemble(&snap, policy);
    (findings(&data, &snap, policy, &engine.milestones, &a), a)
}

/// A demo user as loaded, with the policy's knowledge search.
async fn demo_user(user: &str, p: &Policy) -> (Snapshot, UserData) {
    load_snapshot(
        &MemoryStore::demo(),
        user,
        &LoadOptions::default(),
        KnowledgeParams::of(p),
    )
    .await
    .expect("demo user")
}

fn kinds(f: &[Finding]) -> Vec<FindingKind> {
    f.iter().map(|x| x.kind).collect()
}

#[tokio::test]
async fn demo_users_show_their_anomalies() {
    let p = Policy::preset("prolaunch").expect("preset");
    assert_eq!(
        kinds(&load("u001", &p).await.0),
        vec![],
        "a fresh cache, TTLs set"
    );
    let (stale, _) = load("u003", &p).await;
    assert_eq!(kinds(&stale), [FindingKind::CacheDrift]);
    assert_eq!(stale[0].source, "context:u003:M2");
    assert!(
        stale[0]
            .message
            .starts_with("differs from a fresh replay under prolaunch (+"),
        "{}",
        stale[0].message
    );
    assert!(
        stale[0].message.contains("only in replay: s"),
        "the newest turn is missing: {}",
        stale[0].message
    );
    let (many, _) = load("u064", &p).await;
    assert!(kinds(&many).contains(&FindingKind::SessionOverMaxItems));
    let over = many
        .iter()
        .find(|f| f.kind == FindingKind::SessionOverMaxItems)
        .expect("finding");
    assert_eq!(
        over.message,
        "holds 25 turns; the writer keeps the newest 10"
    );
    assert_eq!(kinds(&load("u004", &p).await.0), [FindingKind::NoTtl]);
    assert_eq!(
        kinds(&load("u032", &p).await.0),
        vec![],
        "an unreadable cache is reported as malformed data by the store"
    );
}

/// A snapshot file lists no sessions, but the one it holds longer than the writer keeps is
/// found as on the stores.
#[tokio::test]
async fn a_snapshot_files_long_session_is_found() {
    let p = Policy::preset("prolaunch").expect("preset");
    let (snap, live) = demo_user("u064", &p).await;
    let engine = crate::engine::Engine::default();
    let a = engine.assemble(&snap, &p);
    let over = |data: &UserData| {
        findings(data, &snap, &p, &engine.milestones, &a)
            .into_iter()
            .filter(|f| f.kind == FindingKind::SessionOverMaxItems)
            .map(|f| (f.source, f.message))
            .collect::<Vec<_>>()
    };
    let file = UserData::of_snapshot(&snap);
    assert_eq!(over(&file), over(&live), "as the stores find it");
    assert_eq!(over(&file).len(), 1);
}

/// The findings of `data` against a replay of `snap` under `p`.
fn replayed_findings(data: &UserData, snap: &Snapshot, p: &Policy) -> Vec<Finding> {
    let engine = crate::engine::Engine::default();
    let a = engine.assemble(snap, p);
    findings(data, snap, p, &engine.milestones, &a)
}

/// A cached context written for another milestone than the one whose key holds it (a
/// writer that kept the old milestone's context) is named, never compared as the user's.
#[tokio::test]
async fn a_cache_of_another_milestone_is_named_and_not_compared() {
    let p = Policy::preset("prolaunch").expect("preset");
    let (snap, mut data) = demo_user("u001", &p).await;
    let current = data
        .current_milestone
        .clone()
        .expect("u001 has a milestone");
    let cache = data.cached_context.as_mut().expect("u001 has a cache");
    cache["milestone"] = "elsewhere".into();
    let found = replayed_findings(&data, &snap, &p);
    assert_eq!(kinds(&found), [FindingKind::CacheDrift]);
    assert_eq!(
        found[0].message,
        format!(
            "written for milestone \"elsewhere\", not the user's current {current:?}: not compared with the replay"
        )
    );
    assert!(
        cache_not_compared(&data, &snap).is_some_and(|w| w.contains("milestone \"elsewhere\"")),
        "{:?}",
        cache_not_compared(&data, &snap)
    );
}

/// A drift of the total alone says what differs (no dangling colon); counts are grouped.
#[test]
fn a_drift_summary_always_says_what_differs() {
    let total_only = crate::engine::cache::Drift {
        token_delta: -12_345,
        ..Default::default()
    };
    assert_eq!(
        drift_summary(&total_only, "prolaunch"),
        "differs from a fresh replay under prolaunch (-12,345 tokens): its total_tokens is not the sum the replay makes of the same items"
    );
    let one = crate::engine::cache::Drift {
        changed_tokens: vec![("s1#2".into(), 5, 6)],
        token_delta: 1_001,
        ..Default::default()
    };
    assert_eq!(
        drift_summary(&one, "p"),
        "differs from a fresh replay under p (+1,001 tokens): 1 item with other token counts"
    );
    // The same count and other text: said so, not "(0 tokens)" beside "differs".
    let text_only = crate::engine::cache::Drift {
        prompt_differs: true,
        ..Default::default()
    };
    assert_eq!(
        drift_summary(&text_only, "p"),
        "differs from a fresh replay under p (the same tokens): the prompt text differs"
    );
    // A cache claiming u64::MAX tokens: the difference exactly, not saturated; an id that
    // is stored text, not an item's, is quoted (so `--redact` masks it).
    let odd = crate::engine::cache::Drift {
        only_cached: vec!["Alice 555-0199".into(), "s1#2".into(), "SECRETWORD".into()],
        token_delta: 3 - i128::from(u64::MAX),
        ..Default::default()
    };
    let said = drift_summary(&odd, "p");
    assert!(
        said.starts_with(
            "differs from a fresh replay under p (-18,446,744,073,709,551,612 tokens): \
                 only in cache: \"Alice 555-0199\", s1#2, \"SECRETWORD\""
        ),
        "{said}"
    );
    let masked = crate::engine::redact::mask_quoted(&said);
    assert!(
        !masked.contains("Alice") && !masked.contains("SECRET") && masked.contains("s1#2"),
        "{masked}"
    );
}

/// A cached context written for another user (a file edited by hand, a key written by a
/// bug) is a finding naming whose it is, never compared as if it were this user's; a cache
/// not compared says why, so no screen calls it equal.
#[tokio::test]
async fn a_cache_of_another_user_is_named_and_not_compared() {
    let p = Policy::preset("prolaunch").expect("preset");
    let (mut snap, mut data) = demo_user("u001", &p).await;
    assert_eq!(cache_not_compared(&data, &snap), None, "compared");
    let cache = data.cached_context.as_mut().expect("u001 has a cache");
    cache["user_id"] = "u062".into();
    let found = replayed_findings(&data, &snap, &p);
    assert_eq!(kinds(&found), [FindingKind::CacheDrift]);
    assert_eq!(
        found[0].message,
        "written for user \"u062\", not this user: not compared with the replay"
    );
    assert_eq!(
        cache_not_compared(&data, &snap).as_deref(),
        Some("the cache was written for user \"u062\", not this user")
    );
    data.cached_context.as_mut().expect("cache")["user_id"] = "u001".into();
    snap.query = Some("another question".into());
    assert!(
        cache_not_compared(&data, &snap).is_some_and(|w| w.contains("another question")),
        "a what-if query is not compared"
    );
}

/// A replay that asks another question than the newest turn is not held against the
/// cache (which answered the turn), so a fresh cache shows no drift under a what-if query;
/// asking the turn's own words is still compared.
#[tokio::test]
async fn a_what_if_query_is_not_cache_drift() {
    let p = Policy::preset("prolaunch").expect("preset");
    let store = MemoryStore::demo();
    let engine = crate::engine::Engine::default();
    let found = |query: Option<String>, user: &'static str| {
        let (store, engine, p) = (&store, &engine, &p);
        async move {
            let opts = LoadOptions {
                query,
                ..LoadOptions::default()
            };
            let (snap, data) = load_snapshot(store, user, &opts, KnowledgeParams::of(p))
                .await
                .expect("demo user");
            let a = engine.assemble(&snap, p);
            kinds(&findings(&data, &snap, p, &engine.milestones, &a))
        }
    };
    let what_if = Some("how do I hire a first employee?".to_string());
    assert_eq!(found(what_if.clone(), "u001").await, vec![]);
    assert_eq!(
        found(what_if, "u003").await,
        vec![],
        "stale, but not compared"
    );
    let (snap, _) = load_snapshot(
        &store,
        "u003",
        &LoadOptions::default(),
        KnowledgeParams::of(&p),
    )
    .await
    .expect("demo user");
    let own = snap.newest_user_text().map(str::to_string);
    assert!(own.is_some());
    assert_eq!(found(own, "u003").await, [FindingKind::CacheDrift]);
}

#[tokio::test]
async fn the_stores_notes_come_first_as_findings() {
    let p = Policy::preset("prolaunch").expect("preset");
    let store = MemoryStore::demo();
    let (mut snap, data) = load_snapshot(
        &store,
        "u001",
        &LoadOptions::default(),
        KnowledgeParams::of(&p),
    )
    .await
    .expect("demo user");
    snap.notes.push(crate::engine::snapshot::Note {
        kind: NoteKind::AmbiguousKey,
        source: "session:u001:x:s1".into(),
        message: "could belong to u001 or u001:x".into(),
    });
    let engine = crate::engine::Engine::default();
    let a = engine.assemble(&snap, &p);
    let f = findings(&data, &snap, &p, &engine.milestones, &a);
    assert_eq!(kinds(&f), [FindingKind::AmbiguousKey]);
    assert_eq!(f[0].source, "session:u001:x:s1");
}

#[tokio::test]
async fn demo_copies_are_findings_with_their_cost() {
    let p = Policy::preset("prolaunch").expect("preset");
    let dups = |f: &[Finding]| -> Vec<(String, String)> {
        f.iter()
            .filter(|x| x.kind == FindingKind::Duplicate)
            .map(|x| (x.source.clone(), x.message.clone()))
            .collect()
    };
    let (f, a) = load("u069", &p).await;
    let spent = a.item("kn:29").expect("the article").kept_tokens;
    assert_eq!(
        dups(&f),
        [(
            "knowledge id=29".to_string(),
            format!(
                "kn:29 (knowledge) is a near copy (Jaccard 0.75) of s1#6 (session): {spent} \
                     tokens of the prompt spent on the second copy"
            )
        )]
    );
    let (f, _) = load("u070", &p).await;
    let found = dups(&f);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "session:u070:s1[4]");
    assert!(
        found[0]
            .1
            .starts_with("s1#4 (session) is an exact copy of s1#5 (session): ")
    );
    assert!(
        found[1].1.contains("(journey) is an exact copy of mb:"),
        "{found:?}"
    );
    let (f, _) = load("u071", &p).await;
    assert!(
        dups(&f)[0]
            .1
            .contains("is a near copy (Jaccard 0.79) of s1#6"),
        "{f:?}"
    );
    assert!(dups(&load("u001", &p).await.0).is_empty());
    // Under dedupe the copy is gone from the prompt, and the finding says so.
    let near = p.with_overrides(&["dedupe=near".into()]).expect("valid");
    let (f, a) = load("u069", &near).await;
    let tokens = a.item("kn:29").expect("the article").tokens;
    assert!(
        dups(&f)[0].1.ends_with(&format!(
            "removed by dedupe before the fit ({tokens} tokens)"
        )),
        "{f:?}"
    );
}

#[tokio::test]
async fn weights_that_do_not_sum_to_one() {
    let p = Policy::preset("prolaunch")
        .expect("preset")
        .with_overrides(&["layers.journey.weight=0.6".into()])
        .expect("valid");
    let (f, _) = load("u001", &p).await;
    let w = f
        .iter()
        .find(|x| x.kind == FindingKind::WeightsSum)
        .expect("weights finding");
    assert_eq!(
        w.message,
        "layer weights sum to 1.10, not 1: layers can overcommit T; the global pass decides"
    );
}

/// A user in several snapshot files is listed as `USER@FILE`, but its cached context is still
/// the file's user's: never called another user's (this file's turns were edited after its
/// query was recorded, and that is what keeps the cache from being compared).
#[tokio::test]
async fn a_user_listed_under_its_file_keeps_its_own_cache() {
    use crate::store::Store;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff");
    let files = crate::report::source::snapshot_files(&dir).expect("fixtures");
    let store =
        crate::store::snapshots::SnapshotStore::open(&files, "fixtures/diff").expect("opens");
    let p = Policy::preset("prolaunch").expect("preset");
    let (snap, data) = load_snapshot(
        &store,
        "u005@u005-after.json",
        &LoadOptions::default(),
        KnowledgeParams::of(&p),
    )
    .await
    .expect("loads");
    assert_eq!(data.user_id, "u005@u005-after.json");
    assert_eq!(data.stored_as.as_deref(), Some("u005"));
    assert_eq!(
        cache_not_compared(&data, &snap).as_deref(),
        Some(
            "the replay asks another question than the newest user turn, which the cache answered"
        )
    );
    let found = replayed_findings(&data, &snap, &p);
    assert!(
        found
            .iter()
            .all(|f| !f.message.contains("written for user")),
        "{found:?}"
    );
    assert!(store.users(None, 10).await.is_ok());
}

/// Items dated after the replay's clock are one finding per source, saying how many and the
/// latest: the recency rule counts them as recent.
#[tokio::test]
async fn items_dated_after_now_are_named_per_source() {
    let p = Policy::preset("prolaunch").expect("preset");
    let (mut snap, data) = demo_user("u062", &p).await;
    assert!(
        !kinds(&replayed_findings(&data, &snap, &p)).contains(&FindingKind::FutureTimestamp),
        "the demo's data is all dated before its clock"
    );
    // The clock set back a day: the journey rows and turns of the last day are later than it.
    snap.now -= chrono::TimeDelta::days(1);
    let late_rows = snap
        .journey
        .iter()
        .filter(|j| j.timestamp.is_some_and(|t| t > snap.now))
        .count();
    assert!(late_rows > 0, "u062 has journey rows of its last day");
    let f = replayed_findings(&data, &snap, &p);
    let future: Vec<&Finding> = f
        .iter()
        .filter(|x| x.kind == FindingKind::FutureTimestamp)
        .collect();
    let rows = future
        .iter()
        .find(|x| x.source == "memory_bank")
        .expect("a finding for memory_bank");
    assert!(
        rows.message.starts_with(&format!("{late_rows} row")),
        "{}",
        rows.message
    );
    assert!(
        rows.message.contains("The recency window counts"),
        "{}",
        rows.message
    );
    assert!(
        future
            .iter()
            .all(|x| x.source != "knowledge" || x.message.contains("hit"))
    );
}

/// As of an earlier instant, a milestone the map does not know is named by the memory_bank row
/// it comes from (user_journeys holds today's), as the milestone at T.
#[tokio::test]
async fn an_unknown_milestone_of_then_names_the_row_it_comes_from() {
    let p = Policy::preset("prolaunch").expect("preset");
    let (snap, mut data) = demo_user("u062", &p).await;
    data.current_milestone = Some("ZZQ".into());
    let engine = crate::engine::Engine::default();
    let a = engine.assemble(&snap, &p);
    let unknown = |data: &UserData| {
        findings(data, &snap, &p, &engine.milestones, &a)
            .into_iter()
            .find(|f| f.kind == FindingKind::UnknownMilestone)
            .map(|f| (f.source, f.message))
    };
    assert_eq!(
        unknown(&data),
        Some((
            "user_journeys".to_string(),
            "current milestone \"ZZQ\" is not in the dependency map".to_string()
        ))
    );
    data.as_of = Some(crate::engine::rewind::AsOf {
        at: snap.now,
        read_at: snap.now,
        milestone: Some("ZZQ".into()),
        milestone_from: crate::engine::rewind::MilestoneFrom::Transition { id: "mb:5".into() },
    });
    assert_eq!(
        unknown(&data),
        Some((
            "memory_bank id=5".to_string(),
            "milestone at T \"ZZQ\" is not in the dependency map".to_string()
        ))
    );
}
