//! The palette and the save path as a person drives them: commands without their argument say
//! what they take, the tuned policy is written under a name of its own from a prompt that holds
//! the file name alone, loading an optimizer candidate says what tuning it replaced, and `tui
//! --at` counts the users list as of that instant.

use super::optimize_tests::{drive, optimizer_app};
use super::tests::{demo_app, open, settle, type_text};
use super::*;
use crate::app::action::InputKey;
use crate::app::state::{InputKind, Overlay, Quit};
use crate::engine::snapshot::fmt_ts;
use crate::tui::effects::EffectContext;

mod save;

pub(super) async fn command(s: &mut State, ctx: &EffectContext, line: &str) -> Vec<Effect> {
    update(s, Action::Palette);
    type_text(s, ctx, line).await;
    update(s, Action::Input(InputKey::Enter))
}

pub(super) fn message(s: &State) -> (String, bool) {
    s.status
        .message
        .as_ref()
        .map(|m| (m.text.clone(), m.error))
        .unwrap_or_default()
}

/// The TOML a save effect writes, and where.
fn saved(effects: &[Effect]) -> (String, String) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::SavePolicy { path, toml } => Some((path.clone(), toml.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a save: {effects:?}"))
}

#[tokio::test]
async fn a_command_without_its_argument_says_what_it_takes() {
    let (mut s, ctx) = demo_app().await;
    for (line, usage) in [
        (
            "explain",
            ":explain ROW — a knowledge row id (kn:12) or title text",
        ),
        ("user", ":user ID — a user id (tab completes)"),
        ("user   ", ":user ID — a user id (tab completes)"),
        ("policy", ":policy FILE|PRESET"),
        ("set budget.total", ":set KEY=VALUE"),
        (
            "theme",
            ":theme NAME — one of: default, high-contrast, light",
        ),
    ] {
        assert!(command(&mut s, &ctx, line).await.is_empty(), "{line}");
        let (text, error) = message(&s);
        assert!(error && text.starts_with(usage), "{line:?}: {text}");
        assert!(!text.contains("unknown command"), "{line:?}: {text}");
    }
    command(&mut s, &ctx, "frobnicate").await;
    assert!(message(&s).0.starts_with("unknown command \"frobnicate\""));
}

/// `:user` of an id neither the list nor the store has says so where you are; on the list, esc
/// clears a filter that matches nothing, as the list says it does.
#[tokio::test]
async fn a_missing_user_stays_put_and_esc_clears_the_filter() {
    let (mut s, ctx) = demo_app().await;
    assert!(s.users.loaded_all, "the demo lists every user");
    open(&mut s, &ctx, "nosuchuser").await;
    assert_eq!(s.ui.screen, crate::app::state::Screen::Users);
    let (text, error) = message(&s);
    assert!(
        error && text == "user \"nosuchuser\" not found in DEMO",
        "{text}"
    );
    update(&mut s, Action::Filter);
    type_text(&mut s, &ctx, "zzzz").await;
    update(&mut s, Action::Input(InputKey::Enter));
    assert!(s.users.shown.is_empty() && s.ui.input.is_none());
    update(&mut s, Action::Back);
    assert!(s.users.filter.is_empty());
    assert_eq!(s.users.shown.len(), s.users.rows.len());
    assert_eq!(s.ui.screen, crate::app::state::Screen::Users);
}

/// `:q`, `:q!` and `:reset` take nothing: trailing text is an error and nothing is done.
#[tokio::test]
async fn commands_without_arguments_refuse_trailing_text() {
    let (mut s, ctx) = demo_app().await;
    command(&mut s, &ctx, "set budget.total=3000").await;
    for line in ["q extra", "q! now", "quit please", "reset now please"] {
        assert!(command(&mut s, &ctx, line).await.is_empty(), "{line}");
        assert_eq!(s.ui.quit, Quit::No, "{line}");
        assert_eq!(s.ui.overlay, Overlay::None, "{line}");
        assert_eq!(
            s.session.policy.budget.total,
            Some(3000),
            "{line}: not reset"
        );
        let (text, _) = message(&s);
        assert!(text.contains("takes nothing after it"), "{line}: {text}");
    }
    command(&mut s, &ctx, "reset").await;
    assert_ne!(s.session.policy.budget.total, Some(3000));
}

#[tokio::test]
async fn loading_a_candidate_names_the_unsaved_tuning_it_replaces() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    command(&mut s, &ctx, "set budget.total=3700").await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    settle(&mut s, &ctx, Action::Select).await;
    assert_ne!(s.session.policy.budget.total, Some(3700), "replaced");
    let (text, _) = message(&s);
    assert!(
        text.contains("it replaced unsaved tuning: budget.total=3700 (now "),
        "{text}"
    );
    // Loaded again over itself, nothing of the person's is lost: nothing named.
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    settle(&mut s, &ctx, Action::Select).await;
    let (text, _) = message(&s);
    assert!(!text.contains("replaced"), "{text}");
    // The candidate bears the baseline's name; written, it is told apart.
    let (path, toml) = saved(&command(&mut s, &ctx, "w c.toml").await);
    assert!(toml.contains("name = \"prolaunch-tuned\""), "{toml}");
    // Tuning `:w` wrote is not lost when a candidate replaces it: nothing named.
    command(&mut s, &ctx, "set budget.total=3700").await;
    let (path, _) = saved(&command(&mut s, &ctx, &format!("w! {path}")).await);
    settle(&mut s, &ctx, Action::Saved(path)).await;
    assert!(!s.unsaved());
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    settle(&mut s, &ctx, Action::Select).await;
    assert_ne!(s.session.policy.budget.total, Some(3700), "replaced");
    let (text, _) = message(&s);
    assert!(
        text.contains("loaded as the tuned policy") && !text.contains("replaced"),
        "{text}"
    );
}

#[tokio::test]
async fn tui_at_counts_the_users_list_as_of_then() {
    let at = chrono::DateTime::parse_from_rfc3339("2025-01-14T00:00:00Z")
        .expect("an instant")
        .with_timezone(&chrono::Utc);
    let (s, ctx) = demo_app().await;
    let now = row(&s, "u062").clone();
    assert_eq!(now.milestone.as_deref(), Some("M9"));
    let mut s = opened_at(&s, &ctx, at).await;
    let then = row(&s, "u062").clone();
    assert_eq!(
        then.milestone.as_deref(),
        Some("M8"),
        "the milestone of then"
    );
    assert!(then.last_activity.is_some_and(|t| t <= at), "{then:?}");
    assert_ne!(then.tokens, now.tokens);
    // The open user, as of the same instant, agrees with its row.
    open(&mut s, &ctx, "u062").await;
    let v = s.user.view.as_ref().expect("open");
    assert_eq!(v.snapshot().current_milestone.as_deref(), Some("M8"));
    let base = v.baseline.as_ref().expect("replayed");
    assert_eq!(base.total_tokens, then.tokens);

    // Time travel moves the instant: back on Users, the list is counted as of the new one.
    settle(&mut s, &ctx, Action::Earlier).await;
    let moved = s.shown_at().expect("a moment");
    assert!(moved < at);
    settle(&mut s, &ctx, Action::ShowUsers).await;
    assert_eq!(s.users.stats_at, Some(moved));
    assert_eq!(
        s.as_of_label().as_deref(),
        Some(format!(" AS OF {} ", fmt_ts(&moved)).as_str())
    );
    let v = s.user.view.as_ref().expect("open");
    let tokens = v.baseline.as_ref().expect("replayed").total_tokens;
    assert_eq!(row(&s, "u062").tokens, tokens);
    // A count for an instant no longer shown is dropped.
    let stale = vec![("u062".to_string(), Ok(now.clone()))];
    update(&mut s, Action::StatsComputed(false, None, stale, None));
    assert_eq!(row(&s, "u062").tokens, tokens);
}

fn row<'a>(s: &'a State, id: &str) -> &'a crate::app::state::UserStats {
    s.users
        .rows
        .iter()
        .find(|r| r.summary.user_id == id)
        .and_then(|r| r.stats.as_ref())
        .unwrap_or_else(|| panic!("{id} counted"))
}

/// Tuning that reorders the Layers rows keeps the selected item selected (by id, not by
/// its place in the list).
#[tokio::test]
async fn the_selected_item_stays_selected_when_tuning_reorders_the_rows() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let ids = super::tests::shown_ids;
    let before = ids(&s);
    // Recency weighs more: the rows are ordered by score otherwise.
    command(&mut s, &ctx, "set recency.boost=6").await;
    command(&mut s, &ctx, "set recency.window_hours=1").await;
    let reordered = ids(&s);
    let (at, id) = before
        .iter()
        .enumerate()
        .find(|(i, id)| !id.is_empty() && reordered.get(*i) != Some(id))
        .map(|(i, id)| (i, id.clone()))
        .expect("a row that moved");
    command(&mut s, &ctx, "reset").await;
    assert_eq!(ids(&s), before);
    s.user.cursor = at;
    command(&mut s, &ctx, "set recency.boost=6").await;
    command(&mut s, &ctx, "set recency.window_hours=1").await;
    assert_eq!(ids(&s), reordered);
    let now = &ids(&s)[s.user.cursor];
    assert_eq!(now, &id, "{id} was at {at}, is now at {}", s.user.cursor);
}

/// `R` says it read again, even when nothing on screen changes (a store as fast as the demo).
#[tokio::test]
async fn a_reload_says_it_read_again() {
    let (mut s, ctx) = demo_app().await;
    s.status.message = None;
    settle(&mut s, &ctx, Action::Refresh).await;
    let said = s.status.message.as_ref().map(|m| m.text.clone());
    assert_eq!(
        said,
        Some(format!("reading again from {}", s.status.source))
    );
    assert_eq!(s.users.rows.len(), 71);
}

/// `:user` reads an id written as ctxlens writes it — quoted as lists show an id with edge
/// spaces, or as `y` copies one — as exactly that id; one that does not read says so.
#[tokio::test]
async fn user_takes_an_id_quoted_as_ctxlens_writes_it() {
    let (mut s, ctx) = demo_app().await;
    for (typed, id) in [
        ("user \"u002\"", "u002"),
        ("user 'u003'", "u003"),
        ("user $'u00\\x34'", "u004"),
    ] {
        let effects = command(&mut s, &ctx, typed).await;
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::LoadUser { user, .. } if user == id)),
            "{typed}: {effects:?}"
        );
    }
    let effects = command(&mut s, &ctx, "user \"u00").await;
    assert!(effects.is_empty(), "{effects:?}");
    let (said, error) = message(&s);
    assert!(
        error && said.starts_with(":user \"u00: not a quoted id"),
        "{said}"
    );
    // Completion offers an id that needs quoting quoted, so two ids never read alike.
    s.users.rows[0].summary.user_id = "u001 ".into();
    update(&mut s, Action::Palette);
    type_text(&mut s, &ctx, "user u001").await;
    update(&mut s, Action::Input(InputKey::Tab));
    let line = s.ui.input.as_ref().map(|i| i.text().to_string());
    assert_eq!(line.as_deref(), Some("user 'u001 '"));
}

/// `:explain` as of an earlier moment (`tui --at`) refuses a row created later, as `ctxlens
/// explain --at` does, instead of scoring a row the table did not hold then; a row of then is
/// explained; a user with no question then is pointed at `:query`, not at a CLI flag.
#[tokio::test]
async fn explain_as_of_an_earlier_moment_refuses_a_later_row() {
    let at = chrono::DateTime::parse_from_rfc3339("2024-12-08T00:00:00Z")
        .expect("an instant")
        .with_timezone(&chrono::Utc);
    let (s, ctx) = demo_app().await;
    let mut s = opened_at(&s, &ctx, at).await;
    open(&mut s, &ctx, "u062").await;
    // No turn of then: nothing to ask with.
    let query = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.snapshot().query.clone());
    assert_eq!(query, None);
    super::tests::run_command(&mut s, &ctx, "explain kn:58").await;
    let (text, error) = message(&s);
    assert!(error, "{text}");
    assert!(
        text.ends_with(
            "u062 has no query to score knowledge against (no user turn): give one with \
             :query TEXT"
        ),
        "{text}"
    );
    super::tests::run_command(&mut s, &ctx, "query price").await;
    s.status.message = None;
    super::tests::run_command(&mut s, &ctx, "explain kn:58").await;
    let (text, error) = message(&s);
    assert!(error, "{text}");
    assert!(
        text.ends_with(
            "kn:58 was created at 2024-12-10T11:00:00Z, not by the moment shown, \
             2024-12-08T00:00:00Z: the knowledge table held no such row then"
        ),
        "{text}"
    );
    assert!(s.user.explained.is_none());
    // A row of then is explained.
    super::tests::run_command(&mut s, &ctx, "explain kn:1").await;
    let e = s.user.explained.as_ref().expect("explained");
    assert_eq!(e.row_heading().split_whitespace().next(), Some("kn:1"));
}

/// A fresh state over `s`'s engine as `tui --at T` starts it: the open user and the users
/// list as of `at`, the list read.
async fn opened_at(s: &State, ctx: &EffectContext, at: chrono::DateTime<chrono::Utc>) -> State {
    let mut fresh = State::new(
        super::tests::session(&s.session.engine),
        "DEMO".into(),
        true,
        "default".into(),
        false,
    );
    fresh.user.at = Some(at);
    fresh.users.stats_at = Some(at);
    settle(&mut fresh, ctx, Action::Refresh).await;
    fresh
}

/// In a session opened as of T, a user whose load fails (a store past its deadline) leaves the
/// session at T: the next user opens as of T, not as of now.
#[tokio::test]
async fn a_failed_load_keeps_the_sessions_instant() {
    let at = chrono::DateTime::parse_from_rfc3339("2025-01-15T12:00:00Z")
        .expect("an instant")
        .to_utc();
    let (s, ctx) = demo_app().await;
    let mut s = opened_at(&s, &ctx, at).await;
    s.user.opened_at = Some(at);
    assert!(s.user.view.is_none());
    s.user.loading = Some("u001".into());
    update(
        &mut s,
        Action::Failed(
            crate::app::task::Task::User,
            crate::app::task::TaskError::Other("memory_bank: no answer within 4 s".into()),
        ),
    );
    assert_eq!(s.user.at, Some(at), "still as of T");
    open(&mut s, &ctx, "u062").await;
    assert_eq!(s.shown_at(), Some(at));
}

#[tokio::test]
async fn a_set_that_changes_nothing_says_so_and_replays_nothing() {
    let (mut s, ctx) = demo_app().await;
    let total = s
        .session
        .policy
        .budget
        .total
        .expect("the demo policy sets a total");
    let effects = command(&mut s, &ctx, &format!("set budget.total = {total}")).await;
    assert!(effects.is_empty(), "{effects:?}");
    let (text, error) = message(&s);
    assert!(
        !error && text.contains("budget.total: already that value"),
        "{text}"
    );
    // A real change is still a change.
    command(&mut s, &ctx, &format!("set budget.total={}", total + 100)).await;
    assert_eq!(s.session.policy.budget.total, Some(total + 100));
    assert!(!message(&s).0.contains("already"));
}
