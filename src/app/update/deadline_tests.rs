//! A statement past its deadline (a locked table, a slow query) against a store that answers
//! its health check: not an outage, and not loaded again in a loop.

use super::fault_tests::{health, shown_user};
use super::tests::{demo_app, load_fails, memory_down, open};
use super::{Effect, update};
use crate::app::action::Action;
use crate::app::state::Screen;
use crate::app::task::Task;

/// A statement past its deadline while the server answers (a locked table) is not an outage:
/// the store is not marked down, the health check is asked at once, and its "up" loads
/// nothing again — no loop of the same statement; the error says `R` tries again and the
/// last user stays.
#[tokio::test]
async fn a_statement_past_its_deadline_is_not_an_outage_and_is_not_retried_in_a_loop() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    s.ui.screen = Screen::Users;
    s.users.cursor = 1;
    update(&mut s, Action::Select);
    let waited = crate::store::StoreError::TimedOut {
        store: "memory embedded demo".into(),
        what: "memory_bank".into(),
        secs: 3.0,
    };
    let tick = s.ui.tick;
    load_fails(&mut s, waited.into());
    assert_eq!(shown_user(&s), Some("u001"));
    assert!(s.status.stores.iter().all(|st| st.up), "not marked down");
    assert!(s.status.health.next_check <= tick + 1, "checked at once");
    let msg = s.status.message.as_ref().expect("an error");
    assert!(
        msg.error
            && msg
                .text
                .contains("(a busy server or a locked table?) · R tries again"),
        "{}",
        msg.text
    );
    // The server answers: nothing is loaded again by itself.
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::LoadUser { .. })),
        "{effects:?}"
    );
    // A server that does not answer is down, and what failed loads when it is back.
    update(&mut s, Action::Health(health(false)));
    assert!(!s.status.stores[0].up);
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadUser { user, .. } if user == "u002")),
        "{effects:?}"
    );
    // Once another user is shown, a recovery does not open the one that failed before.
    s.ui.screen = Screen::Users;
    s.users.cursor = 2;
    update(&mut s, Action::Select);
    load_fails(&mut s, memory_down("x").into());
    assert_eq!(s.status.health.failed_user.as_deref(), Some("u003"));
    open(&mut s, &store, "u005").await;
    assert_eq!(s.status.health.failed_user, None);
}

/// A first user kept from opening by a statement past its deadline, the store up: the screen
/// says `R` tries it again, not that it opens once the store is back (nothing would bring it).
#[tokio::test]
async fn a_user_kept_by_a_deadline_is_tried_again_by_r() {
    let (mut s, _store) = demo_app().await;
    assert!(s.user.view.is_none());
    s.user.loading = Some("u062".into());
    let waited = crate::store::StoreError::TimedOut {
        store: "memory embedded demo".into(),
        what: "memory_bank".into(),
        secs: 4.0,
    };
    load_fails(&mut s, waited.into());
    s.ui.screen = Screen::Layers;
    let layers = crate::ui::tests::rows(&s, 120, 40).join("\n");
    assert!(layers.contains("R tries u062 again."), "{layers}");
    assert!(!layers.contains("as soon as the store is back"), "{layers}");
    let effects = update(&mut s, Action::Refresh);
    assert!(loads(&effects, "u062"), "{effects:?}");
    // Another user picked meanwhile (its load under way): `R` does not take it over.
    s.user.loading = Some("u005".into());
    let effects = update(&mut s, Action::Refresh);
    assert!(!loads(&effects, "u062"), "{effects:?}");
    assert_eq!(s.user.loading.as_deref(), Some("u005"));
    // A user the store does not have is not asked for again at every `R`.
    s.user.loading = Some("nobody".into());
    let missing = crate::store::StoreError::UserNotFound {
        user: "nobody".into(),
        store: "DEMO".into(),
    };
    load_fails(&mut s, missing.into());
    let effects = update(&mut s, Action::Refresh);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::LoadUser { .. })),
        "{effects:?}"
    );
}

/// Whether `effects` load `user`.
fn loads(effects: &[Effect], user: &str) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::LoadUser { user: u, .. } if u == user))
}

/// Opening a user, then another before the first answers: a late failure of the first load
/// does not end the second (its spinner and its answer stay), and the second is shown.
#[tokio::test]
async fn a_late_failure_of_a_superseded_load_does_not_end_the_newer_one() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u001").await;
    let mut asked = Vec::new();
    for row in [1, 2] {
        s.ui.screen = Screen::Users;
        s.users.cursor = row;
        asked.extend(update(&mut s, Action::Select));
    }
    let [
        first @ Effect::LoadUser { .. },
        second @ Effect::LoadUser { user, .. },
    ] = asked.as_slice()
    else {
        panic!("two loads: {asked:?}");
    };
    assert_eq!(user, "u003");
    let late = first.failure()(memory_down("reset").into());
    update(&mut s, late);
    assert_eq!(s.user.loading.as_deref(), Some("u003"), "still loading");
    assert!(s.status.loading.contains(&Task::User), "its spinner stays");
    assert!(s.status.message.is_none(), "{:?}", s.status.message);
    assert!(s.status.stores.iter().all(|st| st.up), "not marked down");
    let answer = crate::tui::effects::run(second.clone(), ctx.clone()).await;
    update(&mut s, answer);
    assert_eq!(shown_user(&s), Some("u003"));
    assert!(!s.status.loading.contains(&Task::User));
}

/// Picks the Users row `row` and returns the effects asked (the list's screen first).
fn pick(s: &mut crate::app::state::State, row: usize) -> Vec<Effect> {
    s.ui.screen = Screen::Users;
    s.users.cursor = row;
    update(s, Action::Select)
}

/// The demo with u001 shown and u002 failed in an outage (to be opened when the stores are
/// back).
async fn u002_failed_in_an_outage() -> (crate::app::state::State, crate::tui::effects::EffectContext)
{
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u001").await;
    pick(&mut s, 1);
    load_fails(&mut s, memory_down("refused").into());
    assert_eq!(s.status.health.failed_user.as_deref(), Some("u002"));
    (s, ctx)
}

/// Whether `effects` load a user.
fn loads_a_user(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::LoadUser { .. }))
}

/// A user that failed in an outage, then another picked before the stores are back: their
/// return reopens neither the first over the second nor drops the second's answer.
#[tokio::test]
async fn the_stores_back_do_not_reopen_a_user_failed_before_another_was_picked() {
    let (mut s, ctx) = u002_failed_in_an_outage().await;
    let asked = pick(&mut s, 2);
    let [load @ Effect::LoadUser { .. }] = asked.as_slice() else {
        panic!("one load: {asked:?}");
    };
    let back = update(&mut s, Action::Health(health(true)));
    assert!(!loads_a_user(&back), "{back:?}");
    let answer = crate::tui::effects::run(load.clone(), ctx.clone()).await;
    update(&mut s, answer);
    assert_eq!(shown_user(&s), Some("u003"));
}

/// Redis has no table to lock: a Redis statement past its deadline offers only a busy server.
#[tokio::test]
async fn a_late_redis_is_not_said_to_have_a_locked_table() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u001").await;
    pick(&mut s, 1);
    let late = crate::store::StoreError::TimedOut {
        store: "redis 127.0.0.1:6379".into(),
        what: "session:u002:s1".into(),
        secs: 3.0,
    };
    load_fails(&mut s, late.into());
    let said = s.status.message.as_ref().map(|m| m.text.clone());
    let said = said.unwrap_or_default();
    assert!(
        said.contains("(a busy server?) · R tries again") && !said.contains("locked table"),
        "{said}"
    );
}

/// Back on the user already shown after another failed in an outage: the stores' return does
/// not open the failed one over it.
#[tokio::test]
async fn going_back_to_the_shown_user_forgets_one_that_failed() {
    let (mut s, _ctx) = u002_failed_in_an_outage().await;
    assert!(pick(&mut s, 0).is_empty(), "u001 is shown");
    let back = update(&mut s, Action::Health(health(true)));
    assert!(!loads_a_user(&back), "{back:?}");
    assert_eq!(shown_user(&s), Some("u001"));
}
