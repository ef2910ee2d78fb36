//! Faults in the TUI: a store down under it, a missing user, rows that could not be counted,
//! malformed data — the last data stays, only real outages mark a store down.

use super::tests::{demo_app, load_fails, memory_down, open, settle};
use super::{Effect, LayerRow, layer_rows, update};
use crate::app::action::Action;
use crate::app::state::{Screen, State};
use crate::app::task::Task;
use crate::store::{Health, StoreError};

mod report;

pub(super) fn shown_user(s: &State) -> Option<&str> {
    s.user.view.as_ref().map(|v| v.data().user_id.as_str())
}

pub(super) fn health(up: bool) -> Vec<Health> {
    vec![Health {
        name: "memory".into(),
        host: "embedded demo".into(),
        latency: None,
        error: (!up).then(|| "connection refused".into()),
    }]
}

#[tokio::test]
async fn opening_another_user_while_a_store_is_down_keeps_the_last_one() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    s.ui.screen = Screen::Users;
    s.users.cursor = 1;
    let effects = update(&mut s, Action::Select);
    assert!(matches!(effects.as_slice(), [Effect::LoadUser { user, .. }] if user == "u002"));
    assert_eq!(
        shown_user(&s),
        Some("u001"),
        "the last user stays while u002 loads"
    );
    load_fails(&mut s, memory_down("refused").into());
    assert_eq!(shown_user(&s), Some("u001"));
    assert_eq!(s.user.loading, None);
    assert_eq!(s.status.health.failed_user.as_deref(), Some("u002"));
    let msg = s.status.message.as_ref().expect("an error");
    assert!(
        msg.error && msg.text.ends_with("still showing u001"),
        "{}",
        msg.text
    );
    assert!(!s.status.stores[0].up);
}

#[tokio::test]
async fn reloading_keeps_the_open_user_on_screen_and_a_failure_leaves_it() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    let effects = update(&mut s, Action::Refresh);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUser { user, .. } if user == "u062")),
        "{effects:?}"
    );
    assert_eq!(shown_user(&s), Some("u062"), "not blanked while reloading");
    assert!(s.user.view.as_ref().is_some_and(|v| v.tuned.is_some()));
    load_fails(&mut s, memory_down("reset").into());
    assert_eq!(shown_user(&s), Some("u062"));
    // Back: the user loads again by itself.
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUser { user, .. } if user == "u062")),
        "{effects:?}"
    );
}

#[tokio::test]
async fn a_missing_user_or_session_is_not_an_outage() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    s.user.loading = Some("nobody".into());
    let e = StoreError::UserNotFound {
        store: "memory".into(),
        user: "nobody".into(),
    };
    load_fails(&mut s, e.into());
    assert!(
        s.status.stores.iter().all(|st| st.up),
        "no store marked down"
    );
    assert_eq!(s.status.health.failed_user, None, "nothing to retry");
    assert_eq!(shown_user(&s), Some("u001"));
    // A bad row or a failed statement names its store, and is still no outage.
    assert!(!s.status.stores.is_empty(), "the demo has a store to mark");
    for st in s.status.stores.clone() {
        s.user.loading = Some("u002".into());
        let e = StoreError::Backend {
            store: st.name.clone(),
            what: "reading u002".into(),
            cause: format!(
                "{}: column \"data\" does not exist (SQLSTATE 42703)",
                st.name
            ),
        };
        load_fails(&mut s, e.into());
        assert!(
            s.status.stores.iter().all(|st| st.up),
            "a data error marked {} down",
            st.name
        );
        assert_eq!(s.status.health.failed_user, None, "nothing to retry");
        assert_eq!(shown_user(&s), Some("u001"));
    }
    // The same through the real store: an unknown id (asked of the store while the list is
    // not known whole; a whole list answers without asking).
    settle(&mut s, &store, Action::ShowUsers).await;
    s.users.loaded_all = false;
    open(&mut s, &store, "u999").await;
    assert!(s.status.stores.iter().all(|st| st.up));
    assert!(
        s.status
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("not found")),
        "{:?}",
        s.status.message
    );
}

#[tokio::test]
async fn rows_whose_numbers_failed_are_counted_again_when_the_stores_are_back() {
    let (mut s, store) = demo_app().await;
    let row = |s: &State| {
        s.users
            .rows
            .iter()
            .find(|r| r.summary.user_id == "u003")
            .cloned()
            .expect("u003 listed")
    };
    s.users
        .rows
        .iter_mut()
        .filter(|r| r.summary.user_id == "u003")
        .for_each(|r| r.stats = None);
    update(
        &mut s,
        Action::StatsComputed(
            false,
            None,
            vec![("u003".into(), Err("memory: connection refused".into()))],
            None,
        ),
    );
    assert!(row(&s).failed.is_some() && row(&s).stats.is_none());
    update(&mut s, Action::Health(health(false)));
    let effects = update(&mut s, Action::Health(health(true)));
    let again: Vec<&Effect> = effects
        .iter()
        .filter(
            |e| matches!(e, Effect::ComputeStats { users, .. } if users == &["u003".to_string()]),
        )
        .collect();
    assert_eq!(again.len(), 1, "{effects:?}");
    for e in effects {
        let a = crate::tui::effects::run(e, store.clone()).await;
        update(&mut s, a);
    }
    assert!(row(&s).stats.is_some() && row(&s).failed.is_none());
}

#[tokio::test]
async fn layers_list_malformed_data_with_source_and_reason() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u066").await;
    let a = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.clone())
        .expect("replayed");
    let malformed: Vec<String> = (0..s.session.policy.layers.len())
        .flat_map(|p| layer_rows(&s, &a, p))
        .filter_map(|r| match r {
            LayerRow::Malformed(m, _) => Some(format!("{} {}", m.source, m.reason)),
            LayerRow::Item(_) => None,
        })
        .collect();
    assert_eq!(malformed.len(), a.malformed.len());
    assert!(malformed.len() >= 2, "{malformed:?}");
    assert!(
        malformed.iter().all(|m| m.starts_with("session:u066:")),
        "{malformed:?}"
    );
    // The session layer lists them after its items; the cursor reaches them and enter opens one.
    let items = a.layer_items("session").count();
    s.ui.screen = Screen::Layers;
    s.user.layer = None;
    s.user.cursor = 0;
    for _ in 0..items {
        settle(&mut s, &store, Action::Down).await;
    }
    settle(&mut s, &store, Action::Select).await;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|f| crate::ui::render(f, &s, &crate::ui::theme::Theme::default()))
        .expect("draws");
    let text = format!("{:?}", terminal.backend());
    assert!(text.contains("⚠ malformed: not read"), "{text}");
    assert!(text.contains("session:u066:"), "{text}");
    assert!(!text.contains("T tokens"), "no token view offered: {text}");
    // T and e on it say why they have nothing to show, and change nothing.
    settle(&mut s, &store, Action::ToggleTokens).await;
    let msg = s.status.message.clone().expect("a message");
    assert!(
        msg.error && msg.text.contains("session:u066:") && msg.text.contains("no text to cut"),
        "{}",
        msg.text
    );
    assert!(!s.ui.tokens.on);
    settle(&mut s, &store, Action::Explain).await;
    let msg = s.status.message.clone().expect("a message");
    assert!(
        msg.text.starts_with("e: ") && msg.text.contains("could not be read"),
        "{}",
        msg.text
    );
}

#[tokio::test]
async fn under_redact_an_error_quoting_stored_data_is_masked() {
    let (mut s, ctx) = crate::app::update::tests::demo_app_with(true).await;
    let why = "snapshot c1.json:5:26: \"Secretnow value\" is neither RFC 3339 nor epoch seconds";
    let load = s.user.load;
    settle(
        &mut s,
        &ctx,
        Action::UserFailed(load, crate::app::TaskError::Other(why.into())),
    )
    .await;
    let msg = s.status.message.as_ref().expect("an error");
    assert!(msg.error);
    assert!(!msg.text.contains("Secretnow"), "{}", msg.text);
    assert!(msg.text.contains("\"••••••••• •••••\""), "{}", msg.text);
}

#[tokio::test]
async fn refreshing_while_a_store_is_down_keeps_the_list_and_reads_it_when_back() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowUsers).await;
    let listed = s.users.rows.len();
    assert!(listed > 0);
    update(&mut s, Action::Health(health(false)));
    let effects = update(&mut s, Action::Refresh);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { .. })),
        "{effects:?}"
    );
    assert!(effects.contains(&Effect::CheckHealth), "asked at once");
    assert_eq!(s.users.rows.len(), listed, "the rows stay");
    let msg = s.status.message.as_ref().expect("said why");
    assert!(
        msg.text.contains("read again when it is back"),
        "{}",
        msg.text
    );
    // Back: the list is read again.
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: None })),
        "{effects:?}"
    );
    assert!(!s.status.health.reload_users);
    // `R` while a check is under way (started before the store came back): when that check
    // still finds it down, the next runs at once, not after the backoff.
    update(&mut s, Action::Health(health(false)));
    update(&mut s, Action::Health(health(false)));
    s.status.health.checking = true;
    let effects = update(&mut s, Action::Refresh);
    assert!(
        !effects.contains(&Effect::CheckHealth),
        "one check at a time"
    );
    update(&mut s, Action::Health(health(false)));
    assert_eq!(
        s.status.health.next_check, s.ui.tick,
        "checked again at once"
    );
}

#[tokio::test]
async fn a_store_that_goes_away_is_retried_with_backoff_and_reloads_when_back() {
    use crate::app::state::TICKS_PER_SECOND;
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u005").await;
    let down = || health(false);
    let up = || {
        let mut h = health(true);
        h[0].latency = Some(std::time::Duration::from_micros(300));
        h
    };
    // A user load fails while the store is away: the last data stays, the failure is remembered.
    s.user.loading = Some("u062".into());
    load_fails(&mut s, memory_down("refused").into());
    assert_eq!(s.status.health.failed_user.as_deref(), Some("u062"));
    assert!(
        s.users.rows.len() == 71 && s.user.view.is_some(),
        "the last data stays"
    );
    let mut waits = Vec::new();
    for _ in 0..7 {
        update(&mut s, Action::Health(down()));
        waits.push((s.status.health.next_check - s.ui.tick) / TICKS_PER_SECOND);
    }
    assert_eq!(waits, [1, 2, 4, 8, 8, 8, 8], "backoff doubles up to 8 s");
    assert!(!s.status.stores[0].up);
    assert_eq!(
        s.status.stores[0].last_error.as_deref(),
        Some("connection refused")
    );
    // Ticks reach the next check and ask for one, once.
    let mut checks = 0;
    for _ in 0..(9 * TICKS_PER_SECOND) {
        checks += update(&mut s, Action::Tick)
            .iter()
            .filter(|e| **e == Effect::CheckHealth)
            .count();
    }
    assert_eq!(checks, 1, "one check in flight at a time");
    // Back: marked up with its latency, and the failed load runs again.
    s.user.view = None;
    let effects = update(&mut s, Action::Health(up()));
    assert!(s.status.stores[0].up);
    assert_eq!(
        s.status.stores[0].latency,
        Some(std::time::Duration::from_micros(300))
    );
    assert!(
        matches!(effects.as_slice(), [Effect::LoadUser { user, .. }] if user == "u062"),
        "{effects:?}"
    );
    assert_eq!(s.status.health.backoff, 0);
}

/// A user read through the stores while one is shown as down asks for a health check at the
/// next tick, not after the backoff: the bar does not keep saying DOWN beside fresh data.
#[tokio::test]
async fn a_load_that_succeeds_while_a_store_is_shown_down_checks_it_at_once() {
    let (mut s, store) = demo_app().await;
    for _ in 0..5 {
        update(&mut s, Action::Health(health(false)));
    }
    assert!(s.status.health.next_check > s.ui.tick + 10, "backing off");
    s.status.health.checking = false;
    open(&mut s, &store, "u005").await;
    let effects = update(&mut s, Action::Tick);
    assert!(
        effects.contains(&Effect::CheckHealth),
        "checked at the next tick: {effects:?}"
    );
}

/// The progress channel lost while Layers is shown: the status bar says DOWN, nothing pops
/// over the table; the Live screen says why, until an event comes again.
#[tokio::test]
async fn a_lost_progress_channel_is_said_on_live_not_over_other_screens() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u005").await;
    settle(&mut s, &store, Action::ShowLayers).await;
    s.status.message = None;
    update(
        &mut s,
        Action::Failed(Task::Progress, memory_down("refused").into()),
    );
    assert_eq!(s.status.message, None, "nothing over the table");
    assert!(!s.status.stores[0].up, "the status bar says DOWN");
    settle(&mut s, &store, Action::ShowLive).await;
    let shown = format!(
        "{:?}",
        crate::ui::tests::draw(&s, 120, 40, &crate::ui::theme::Theme::default()).backend()
    );
    assert!(shown.contains("⚠ ") && shown.contains("refused"), "{shown}");
    // Its next check at the end of a long backoff: an event from the store brings it forward.
    s.status.health.next_check = s.ui.tick + 8 * crate::app::state::TICKS_PER_SECOND;
    let event = Action::Progress(crate::store::ProgressEvent {
        user_id: "u005".into(),
        milestone: "M2".into(),
        progress: 10.0,
        timestamp: "2025-01-15T12:00:00Z".into(),
    });
    update(&mut s, event.clone());
    assert_eq!(s.live.trouble, None, "an event says the channel is back");
    assert_eq!(
        s.status.health.next_check,
        s.ui.tick + crate::app::state::TICKS_PER_SECOND,
        "the store the channel comes from checked within a second"
    );
    // Only once: events that keep coming do not keep bringing checks forward.
    s.status.health.next_check = s.ui.tick + 8 * crate::app::state::TICKS_PER_SECOND;
    update(&mut s, event.clone());
    assert_eq!(
        s.status.health.next_check,
        s.ui.tick + 8 * crate::app::state::TICKS_PER_SECOND
    );
    // Events held while paused, shown after the channel was lost, are not news from it.
    update(&mut s, Action::Pause);
    update(&mut s, event);
    update(
        &mut s,
        Action::Failed(Task::Progress, memory_down("refused").into()),
    );
    update(&mut s, Action::Pause);
    assert!(s.live.trouble.is_some(), "still lost");
    assert!(
        s.live.channel_store.is_some(),
        "still waiting to hear from it"
    );
}

#[tokio::test]
async fn a_list_read_again_that_fails_keeps_the_rows_and_the_selection() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowUsers).await;
    let listed: Vec<String> = s.users.ids();
    s.users.cursor = 3;
    let selected = s.selected_row().expect("a row").summary.user_id.clone();
    let figures = s.selected_row().and_then(|r| r.stats.clone());
    assert!(figures.is_some(), "counted");
    // The store goes away just as the list is read again: the read fails as an outage.
    let effects = update(&mut s, Action::Refresh);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUsers { cursor: None })),
        "{effects:?}"
    );
    assert_eq!(s.users.ids(), listed, "the rows stay while it is read");
    update(
        &mut s,
        Action::Failed(Task::Users, memory_down("refused").into()),
    );
    assert_eq!(s.users.ids(), listed, "a failed read keeps them");
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.clone()),
        Some(selected.clone())
    );
    assert!(s.status.stores.iter().any(|st| !st.up), "marked down");
    // Back: read again, and the page that arrives replaces the rows, the selection kept.
    let effects = update(&mut s, Action::Health(health(true)));
    let load = effects
        .into_iter()
        .find(|e| matches!(e, Effect::LoadUsers { cursor: None }))
        .expect("read again when back");
    let page = crate::tui::effects::run(load, store.clone()).await;
    update(&mut s, page);
    assert_eq!(s.users.ids(), listed, "replaced, not appended");
    assert_eq!(
        s.selected_row().map(|r| r.summary.user_id.clone()),
        Some(selected)
    );
    // Until counted again, each row keeps its last figures.
    assert_eq!(s.selected_row().and_then(|r| r.stats.clone()), figures);
}

#[tokio::test]
async fn counting_stops_at_an_outage_and_the_rows_not_counted_say_so() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowUsers).await;
    for r in &mut s.users.rows {
        r.stats = None;
    }
    let counted = s.users.rows[0].summary.user_id.clone();
    let stats = crate::app::action::UserStats {
        tokens: 10,
        budget: 4000,
        truncation_rate: 0.0,
        milestone: None,
        last_activity: None,
    };
    let effects = update(
        &mut s,
        Action::StatsComputed(
            false,
            None,
            vec![(counted.clone(), Ok(stats))],
            Some(memory_down("refused").into()),
        ),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.status.stores.iter().any(|st| !st.up), "marked down");
    let text = crate::ui::tests::rows(&s, 100, 30).join("\n");
    assert!(text.contains("not counted"), "{text}");
    assert!(!text.contains("counting…"), "{text}");
    // Back: the rows not counted are counted, the one counted is not counted again.
    let effects = update(&mut s, Action::Health(health(true)));
    let recount: Vec<&Vec<String>> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::ComputeStats { users, .. } => Some(users),
            _ => None,
        })
        .collect();
    assert_eq!(recount.len(), 1, "{effects:?}");
    assert!(!recount[0].contains(&counted));
    assert_eq!(recount[0].len(), s.users.rows.len() - 1);
}

/// With no user open and no list read, what a store that is down holds back is said as what
/// will happen: the list is read when it is back (not "stays as last read"), the user asked
/// for opens then, and every store that is down gives its own reason.
#[tokio::test]
async fn before_anything_was_read_an_outage_says_what_happens_when_it_is_back() {
    use crate::store::Health;
    let engine = crate::engine::Engine::default();
    let mut s = State::new(
        super::tests::session(&engine),
        "x".into(),
        false,
        "default".into(),
        false,
    );
    let down = |name: &str| Health {
        name: name.into(),
        host: "h:1".into(),
        latency: None,
        error: Some(format!("{name} h:1: connect: connection refused")),
    };
    update(
        &mut s,
        Action::Health(vec![down("redis"), down("postgres")]),
    );
    let refused = crate::store::StoreError::Unavailable {
        store: "redis h:1".into(),
        what: "connect".into(),
        cause: "connection refused".into(),
    };
    update(&mut s, Action::Failed(Task::Users, refused.clone().into()));
    update(&mut s, Action::Refresh);
    let said = s.status.message.as_ref().expect("said");
    assert_eq!(
        said.text,
        "a store is down: the users list is read as soon as it is back"
    );
    let users = crate::ui::tests::rows(&s, 120, 40).join("\n");
    assert!(
        users.contains("redis h:1: connect: connection refused"),
        "{users}"
    );
    assert!(
        users.contains("postgres h:1: connect: connection refused"),
        "{users}"
    );
    s.user.loading = Some("u062".into());
    load_fails(&mut s, refused.into());
    s.ui.screen = crate::app::state::Screen::Layers;
    let layers = crate::ui::tests::rows(&s, 120, 40).join("\n");
    assert!(
        layers.contains("u062 opens as soon as the store is back."),
        "{layers}"
    );
}

/// A page of users read says nothing of a store shown down (the page may come from Postgres
/// alone while Redis is frozen): it stays down and is checked again, never taken to be up.
#[tokio::test]
async fn a_page_of_users_does_not_mark_a_down_store_up() {
    let (mut s, _store) = demo_app().await;
    update(&mut s, Action::Health(health(false)));
    assert!(s.status.stores.iter().all(|st| !st.up));
    s.status.health.checking = false;
    let page = crate::store::UserPage {
        users: vec![],
        next_cursor: None,
        unlisted: Vec::new(),
    };
    s.users.asked = Some(None);
    let effects = update(&mut s, Action::UsersLoaded(None, page));
    assert!(s.status.stores.iter().all(|st| !st.up), "still down");
    assert!(effects.contains(&Effect::CheckHealth), "{effects:?}");
}
