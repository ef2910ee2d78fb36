use std::collections::VecDeque;
use std::sync::Arc;

use super::*;
use crate::app::action::InputKey;
use crate::app::keymap::Keymap;
use crate::app::state::Session;
use crate::engine::{Decision, Engine, Reason};
use crate::store::{MemoryStore, Store};
use crate::tui::effects::EffectContext;

mod report;

pub(crate) fn session(engine: &Engine) -> Session {
    let policy = Policy::preset("prolaunch").expect("preset");
    Session {
        engine: engine.clone(),
        baseline: policy.clone(),
        policy,
        keymap: Keymap::default(),
        themes: vec!["default".into(), "high-contrast".into(), "light".into()],
        ready: [Tokenizer::Chars4].into(),
        warming: Default::default(),
        policy_asked: None,
    }
}

/// Applies `action`, then runs every effect it causes (and theirs) with `ctx` until quiet.
pub(crate) async fn settle(s: &mut State, ctx: &EffectContext, action: Action) {
    let mut queue: VecDeque<Effect> = update(s, action).into();
    while let Some(effect) = queue.pop_front() {
        let result = crate::tui::effects::run(effect, ctx.clone()).await;
        queue.extend(update(s, result));
    }
}

/// The demo app with users loaded.
pub(crate) async fn demo_app() -> (State, EffectContext) {
    demo_app_with(false).await
}

/// The demo app, with `--redact` or without.
pub(crate) async fn demo_app_with(redact: bool) -> (State, EffectContext) {
    app_over(Arc::new(MemoryStore::demo()), redact).await
}

/// The test snapshot file of u1 as JSON, to change before writing it out.
pub(crate) fn snapshot_u1() -> serde_json::Value {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshot-u1.json");
    serde_json::from_str(&std::fs::read_to_string(src).expect("read")).expect("JSON")
}

/// The app over snapshot files (name, contents) written to a temp dir, which lives as long as
/// the returned guard.
pub(crate) async fn app_over_files(
    files: &[(&str, String)],
) -> (State, EffectContext, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths: Vec<std::path::PathBuf> = files
        .iter()
        .map(|(name, text)| {
            let to = dir.path().join(name);
            std::fs::write(&to, text).expect("write");
            to
        })
        .collect();
    let store = crate::store::snapshots::SnapshotStore::open(&paths, "snapshots").expect("reads");
    let (s, ctx) = app_over(Arc::new(store), false).await;
    (s, ctx, dir)
}

/// The app over `store` (shown as DEMO), its users listed, and the context its effects run in.
pub(crate) async fn app_over(store: Arc<dyn Store>, redact: bool) -> (State, EffectContext) {
    app_with(store, Engine::default(), redact).await
}

/// The app over `store` with `engine` (another milestone map), its users listed.
pub(crate) async fn app_with(
    store: Arc<dyn Store>,
    engine: Engine,
    redact: bool,
) -> (State, EffectContext) {
    let ctx = EffectContext::new(store.clone(), engine.clone(), Default::default());
    let mut s = State::new(
        session(&engine),
        store.describe(),
        true,
        "default".into(),
        redact,
    );
    settle(&mut s, &ctx, Action::Refresh).await;
    (s, ctx)
}

/// The embedded store's error when it cannot be reached (`connection {how}`).
pub(crate) fn memory_down(how: &str) -> crate::store::StoreError {
    crate::store::StoreError::Unavailable {
        store: "memory".into(),
        what: "users".into(),
        cause: format!("connection {how}"),
    }
}

pub(crate) async fn type_text(s: &mut State, store: &EffectContext, text: &str) {
    for c in text.chars() {
        settle(s, store, Action::Input(InputKey::Char(c))).await;
    }
}

/// Runs `line` through the `:` palette, as a person would, its effects settled.
pub(crate) async fn run_command(s: &mut State, store: &EffectContext, line: &str) {
    settle(s, store, Action::Palette).await;
    type_text(s, store, line).await;
    settle(s, store, Action::Input(InputKey::Enter)).await;
}

/// Opens `user` through the palette, as a person would.
/// The last user load asked fails with `error`, as its task says it.
pub(crate) fn load_fails(s: &mut State, error: crate::app::task::TaskError) -> Vec<Effect> {
    let load = s.user.load;
    update(s, Action::UserFailed(load, error))
}

pub(crate) async fn open(s: &mut State, store: &EffectContext, user: &str) {
    run_command(s, store, &format!("user {user}")).await;
}

/// The open user's tuned assembly.
pub(crate) fn tuned(s: &State) -> &crate::engine::Assembly {
    s.user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .expect("replayed")
}

/// The ids of the Layers rows as shown, in order (a malformed row without an id: empty).
pub(crate) fn shown_ids(s: &State) -> Vec<String> {
    super::shown_rows(s, tuned(s))
        .iter()
        .map(|r| match r {
            super::LayerRow::Item(it) => it.id.clone(),
            super::LayerRow::Malformed(..) => String::new(),
        })
        .collect()
}

fn decision(s: &State, id: &str) -> Option<(Decision, Option<Reason>)> {
    let a = s.user.view.as_ref()?.tuned.as_ref()?;
    a.item(id).map(|i| (i.decision, i.reason))
}

#[tokio::test]
async fn lowering_a_weight_drops_a_named_item_and_reset_restores_the_baseline() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u005").await;
    assert_eq!(s.ui.screen, Screen::Layers);
    assert_eq!(
        decision(&s, "mb:16").map(|d| d.0),
        Some(Decision::Kept),
        "u005's M1 completion is kept"
    );
    settle(&mut s, &store, Action::ShowTune).await;
    let fields = crate::app::tune::fields(&s.session.policy);
    s.tune.cursor = fields
        .iter()
        .position(|f| f.key == "layers.journey.weight")
        .expect("field");
    for _ in 0..8 {
        settle(&mut s, &store, Action::Decrease).await; // 0.5 → 0.1: journey budget 400
    }
    assert_eq!(
        crate::app::tune::shown(&s.session.policy, "layers.journey.weight"),
        "0.1"
    );
    assert!(s.modified());
    assert_eq!(
        decision(&s, "mb:16"),
        Some((Decision::Dropped, Some(Reason::LayerBudget)))
    );
    settle(&mut s, &store, Action::ResetTuning).await;
    let v = s.user.view.as_ref().expect("view");
    let (base, tuned) = (
        v.baseline.as_ref().expect("baseline"),
        v.tuned.as_ref().expect("tuned"),
    );
    assert_eq!(
        tuned.to_json(),
        base.to_json(),
        "reset replays to the baseline byte for byte"
    );
    assert!(!s.modified());
}

#[tokio::test]
async fn palette_commands_and_errors() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set strategy=truncate").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    assert_eq!(s.session.policy.strategy, crate::engine::Strategy::Truncate);
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "theme light").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    assert_eq!(s.ui.theme, "light");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "frobnicate").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let m = s.status.message.clone().expect("message");
    assert!(
        m.error
            && m.text
                .starts_with("unknown command \"frobnicate\": :user ID"),
        "{m:?}"
    );
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set layers.nope.weight=1").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let m = s.status.message.clone().expect("message");
    assert_eq!(
        m.text,
        ":set layers.nope.weight=1: no layers entry named \"nope\" (have: session, journey, knowledge)"
    );
    assert_eq!(
        s.session.policy.strategy,
        crate::engine::Strategy::Truncate,
        "a bad --set changes nothing"
    );
}

#[tokio::test]
async fn tokenizer_switch_counts_in_the_background_then_replays() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    let fields = crate::app::tune::fields(&s.session.policy);
    s.ui.screen = Screen::Tune;
    s.tune.cursor = fields
        .iter()
        .position(|f| f.key == "tokenizer")
        .expect("field");
    // Without running effects: the tuned assembly waits for o200k ("counting…").
    let effects = update(&mut s, Action::Increase);
    assert_eq!(effects, vec![Effect::WarmTokenizer(Tokenizer::O200kBase)]);
    assert!(s.user.view.as_ref().is_some_and(|v| v.tuned.is_none()));
    for e in effects {
        let a = crate::tui::effects::run(e, store.clone()).await;
        update(&mut s, a);
    }
    let tuned = tuned(&s);
    assert_eq!(tuned.tokenizer, Tokenizer::O200kBase);
}

#[tokio::test]
async fn a_failed_load_reports_and_keeps_the_last_data() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    let before = s.users.rows.len();
    update(
        &mut s,
        Action::Failed(Task::Users, memory_down("reset").into()),
    );
    assert_eq!(s.users.rows.len(), before, "rows stay");
    assert!(s.user.view.is_some(), "the user stays");
    assert!(!s.status.stores[0].up);
    assert_eq!(
        s.status.stores[0].last_error.as_deref(),
        Some("memory: users: connection reset")
    );
    assert!(
        s.status
            .message
            .as_ref()
            .is_some_and(|m| m.error && m.text == "users: memory: users: connection reset")
    );
    settle(&mut s, &store, Action::Refresh).await;
    assert!(
        s.status.stores[0].up,
        "a good load marks the store up again"
    );
}

#[tokio::test]
async fn unknown_user_is_an_error_not_a_crash() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "nobody").await;
    assert!(s.user.view.is_none() && s.user.loading.is_none());
    let (who, why) = s.user.failed.clone().expect("said why");
    assert_eq!(who, "nobody");
    assert_eq!(why, "user \"nobody\" not found in DEMO");
}

/// A user added after the list was read is asked of the store: `:user` opens it without `R`.
#[tokio::test]
async fn user_opens_one_added_after_the_list_was_read() {
    let (mut s, store) = demo_app().await;
    assert!(s.users.loaded_all);
    s.users.rows.retain(|r| r.summary.user_id != "u007");
    crate::app::update::users::reshow_users(&mut s);
    open(&mut s, &store, "u007").await;
    let v = s.user.view.as_ref().expect("u007 opens from the store");
    assert_eq!(v.data().user_id, "u007");
    assert_eq!(s.ui.screen, Screen::Layers, "and shows");
    // One that is not there either: the open user stays, and why shows.
    open(&mut s, &store, "nobody").await;
    assert_eq!(
        s.user.view.as_ref().map(|v| v.data().user_id.as_str()),
        Some("u007")
    );
    let m = s.status.message.clone().expect("an error");
    assert!(
        m.error && m.text.contains("\"nobody\" not found"),
        "{}",
        m.text
    );
}

#[tokio::test]
async fn vim_motions_and_sort() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Bottom).await;
    assert_eq!(s.users.cursor, 70);
    settle(&mut s, &store, Action::Top).await;
    assert_eq!(s.users.cursor, 0);
    settle(&mut s, &store, Action::CycleSort).await; // milestone
    settle(&mut s, &store, Action::CycleSort).await; // tokens, descending
    let top = &s.users.rows[s.users.shown[0]];
    let first = top.stats.as_ref().map(|st| st.tokens).expect("stats");
    assert!(
        s.users
            .rows
            .iter()
            .filter_map(|r| r.stats.as_ref())
            .all(|st| st.tokens <= first)
    );
}

#[tokio::test]
async fn mouse_clicks_tabs_and_rows_and_scrolls() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (120, 40);
    // Rows start two lines under the body's top border (border, header): row 3 of the screen is u002.
    settle(&mut s, &store, Action::Click(5, 4)).await;
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.as_str()),
        Some("u002")
    );
    settle(&mut s, &store, Action::Click(5, 4)).await; // a second click opens
    assert_eq!(s.ui.screen, Screen::Layers);
    assert_eq!(
        s.user.view.as_ref().map(|v| v.data().user_id.as_str()),
        Some("u002")
    );
    let (_, _, x, _) = crate::app::layout::tabs(&s, s.ui.size.0)
        .into_iter()
        .find(|t| t.0 == Screen::Budget)
        .expect("tab");
    settle(&mut s, &store, Action::Click(x + 1, 0)).await;
    assert_eq!(s.ui.screen, Screen::Budget);
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::Scroll(false)).await;
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.as_str()),
        Some("u003")
    );
    // Tune: a click on a field's row selects it; a click on the diff beside it selects nothing.
    settle(&mut s, &store, Action::ShowTune).await;
    let (fields, diff) =
        crate::app::layout::tune_split(crate::app::layout::Areas::new(s.ui.size).body, &s);
    assert!(diff.x >= fields.right(), "side by side at 120×40");
    settle(
        &mut s,
        &store,
        Action::Click(fields.x + 3, fields.y + 2 + 4),
    )
    .await;
    assert_eq!(s.tune.cursor, 4);
    settle(&mut s, &store, Action::Click(diff.x + 3, fields.y + 2 + 7)).await;
    assert_eq!(s.tune.cursor, 4);
}

#[tokio::test]
async fn loading_a_policy_replays_the_user_and_the_list() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    let before = s.users.rows[0].stats.clone().expect("stats");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "policy layered-adr").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    assert_eq!(s.session.baseline.name, "layered-adr");
    assert!(!s.modified());
    let tuned = tuned(&s);
    assert_eq!(tuned.layers.0.len(), 4);
    // layered-adr searches every milestone: u062 (at M9) is fetched again and gets other milestones' hits.
    let snap = &s.user.view.as_ref().expect("view").snapshot();
    assert!(
        snap.knowledge
            .iter()
            .any(|k| k.milestone.as_deref().is_some_and(|m| m != "M9")),
        "refetched"
    );
    let after = s.users.rows[0].stats.clone().expect("stats");
    assert_eq!(
        after.budget, 6692,
        "the list now shows layered-adr's budget"
    );
    assert_ne!(before.budget, after.budget);
}

#[tokio::test]
async fn lowering_the_threshold_searches_again() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u063").await;
    let hits = |s: &State| {
        s.user
            .view
            .as_ref()
            .map_or(0, |v| v.snapshot().knowledge.len())
    };
    assert_eq!(hits(&s), 0, "nothing within 0.7 − 0.3");
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set knowledge.similarity_threshold=0.3").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    assert!(hits(&s) > 0, "the wider search found near misses");
    let a = tuned(&s);
    assert!(
        a.layer_items("knowledge")
            .all(|i| i.reason == Some(Reason::BelowThreshold))
    );
}

/// A message answers the last thing done: time does not clear it early, the next key does
/// (unless that key answers with a message of its own).
#[tokio::test]
async fn the_next_key_clears_a_message_time_does_not() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "frobnicate").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let shown = s.status.message.clone().expect("an error");
    assert!(
        shown.error && shown.text.contains("frobnicate"),
        "{}",
        shown.text
    );
    update(&mut s, Action::Tick);
    assert_eq!(s.status.message.as_ref(), Some(&shown), "a tick keeps it");
    settle(&mut s, &store, Action::Down).await;
    assert_eq!(s.status.message, None, "the next key clears it");
    // A key that answers with its own message shows that one.
    settle(&mut s, &store, Action::Later).await;
    let own = s.status.message.clone().expect("its own message");
    assert_ne!(own.text, shown.text);
}

/// Live stores list users without their activity: the list shows (and sorts by) the newest turn
/// its replays read instead of a dash.
#[tokio::test]
async fn activity_missing_from_the_listing_comes_from_the_replay() {
    let (mut s, store) = demo_app().await;
    let newest = |s: &State, id: &str| {
        let r = s
            .users
            .rows
            .iter()
            .find(|r| r.summary.user_id == id)
            .expect("row");
        super::users::row_then(s, r).and_then(|t| t.1)
    };
    let listed = newest(&s, "u062").expect("the demo lists activity");
    for r in &mut s.users.rows {
        r.summary.last_activity = None;
    }
    assert_eq!(newest(&s, "u062"), Some(listed), "the replay's newest turn");
    s.users.sort = crate::app::state::SortKey::Id;
    while s.users.sort != crate::app::state::SortKey::Activity {
        settle(&mut s, &store, Action::CycleSort).await;
    }
    let shown: Vec<_> = s
        .users
        .shown
        .iter()
        .map(|i| newest(&s, &s.users.rows[*i].summary.user_id))
        .collect();
    assert!(
        shown.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {shown:?}"
    );
}

/// A policy file that cannot be read is named once, by the error itself.
#[tokio::test]
async fn a_missing_policy_file_is_named_once() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "policy /nonexistent/p.toml").await;
    settle(&mut s, &store, Action::Input(InputKey::Enter)).await;
    let said = s.status.message.clone().expect("an error").text;
    assert!(said.contains("/nonexistent/p.toml"), "{said}");
    assert!(!said.starts_with("policy: policy"), "{said}");
}

/// A next page of users that failed at an outage is read again when the stores are back (the
/// list stayed at its first pages until another key asked).
#[tokio::test]
async fn a_next_page_that_failed_at_an_outage_is_read_when_the_stores_are_back() {
    use crate::app::task::Task;
    let (mut s, _store) = demo_app().await;
    assert!(!s.users.rows.is_empty());
    s.users.next_cursor = Some("pg:u030".into());
    s.users.loaded_all = false;
    let health = |up: bool| {
        Action::Health(vec![crate::store::Health {
            name: "memory".into(),
            host: "embedded demo".into(),
            latency: None,
            error: (!up).then(|| "connection refused".into()),
        }])
    };
    update(&mut s, health(false));
    update(
        &mut s,
        Action::Failed(Task::Users, memory_down("refused").into()),
    );
    let effects = update(&mut s, health(true));
    assert!(
        effects.contains(&Effect::LoadUsers {
            cursor: Some("pg:u030".into())
        }),
        "{effects:?}"
    );
}
