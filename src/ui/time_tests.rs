//! Time travel in the TUI: stepping through u062's timeline on the Journey screen, the header's
//! `AS OF` label on every screen, the context of then, and back to now; `tui --at`.

use super::tests::{rows, snap};
use crate::app::Action;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, open, settle};
use crate::engine::snapshot::fmt_ts;
use crate::tui::effects::EffectContext;

async fn press(s: &mut State, ctx: &EffectContext, action: Action, times: usize) {
    for _ in 0..times {
        settle(s, ctx, action.clone()).await;
    }
}

fn ids(s: &State) -> Vec<String> {
    let v = s.user.view.as_ref().expect("a user");
    let a = v.tuned.as_ref().expect("replayed");
    a.items.iter().map(|i| i.id.clone()).collect()
}

fn shown(s: &State) -> Option<String> {
    s.shown_at().map(|t| fmt_ts(&t))
}

#[tokio::test]
async fn the_journey_timeline_steps_back_and_forth_and_returns_to_now() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    let now = rows(&s, 80, 24);
    assert!(now[15].contains("now · 28 moments · [ earlier"), "{now:#?}");
    assert!(!now[0].contains("AS OF"));
    assert!(ids(&s).contains(&"s2#7".to_string()));

    // Past the eight turns of the newest session: the transition into M9.
    press(&mut s, &ctx, Action::Earlier, 9).await;
    assert_eq!(shown(&s).as_deref(), Some("2025-01-14T21:53:38Z"));
    let then = rows(&s, 80, 24);
    assert!(
        then[0].contains(" AS OF 2025-01-14T21:53:38Z "),
        "{then:#?}"
    );
    assert!(
        then[15]
            .contains("as of 2025-01-14T21:53:38Z · 20/28 transition → M9 · [ ] moment · 0 now"),
        "{then:#?}"
    );
    let items = ids(&s);
    assert!(!items.iter().any(|i| i.starts_with("s2#")), "{items:?}");
    assert!(items.contains(&"s1#6".to_string()) && items.contains(&"mb:331".to_string()));
    // Every screen says so.
    for screen in [Action::ShowLayers, Action::ShowPrompt, Action::ShowBudget] {
        settle(&mut s, &ctx, screen).await;
        assert!(rows(&s, 80, 24)[0].contains("AS OF 2025-01-14T21:53:38Z"));
    }
    // The fleet report is of now, and says so while the user is shown as of then.
    settle(&mut s, &ctx, Action::ShowReport).await;
    let report = rows(&s, 120, 40);
    assert!(
        report[1].contains(" Report · fleet of now · baseline (nothing tuned) · "),
        "{report:#?}"
    );
    settle(&mut s, &ctx, Action::ShowJourney).await;

    // Ten moments further back: the completion of M6, where M7 was the milestone.
    press(&mut s, &ctx, Action::Earlier, 10).await;
    assert_eq!(shown(&s).as_deref(), Some("2024-12-30T20:25:43Z"));
    let v = s.user.view.as_ref().expect("a user");
    assert_eq!(v.snapshot().current_milestone.as_deref(), Some("M7"));
    let items = ids(&s);
    assert!(
        !items
            .iter()
            .any(|i| i == "mb:329" || i == "mb:331" || i.starts_with("s1#")),
        "{items:?}"
    );
    let journey = rows(&s, 120, 40).join("\n");
    assert!(journey.contains("◉ M7"), "{journey}");
    assert!(
        journey.contains("▶ 2024-12-30T20:25:43Z  completed M6"),
        "{journey}"
    );
    snap("journey_as_of", &mut s);

    // One later: the completion of M7; then back to now.
    press(&mut s, &ctx, Action::Later, 1).await;
    assert_eq!(shown(&s).as_deref(), Some("2025-01-07T07:44:31Z"));
    settle(&mut s, &ctx, Action::Present).await;
    assert_eq!(shown(&s), None);
    assert!(ids(&s).contains(&"s2#7".to_string()));
    assert!(!rows(&s, 80, 24)[0].contains("AS OF"));
}

#[tokio::test]
async fn the_oldest_moment_says_so_and_tui_at_opens_users_then() {
    let (mut s, ctx) = demo_app().await;
    s.user.at = chrono::DateTime::parse_from_rfc3339("2024-12-01T00:00:00Z")
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc));
    open(&mut s, &ctx, "u062").await;
    assert_eq!(shown(&s).as_deref(), Some("2024-12-01T00:00:00Z"));
    let v = s.user.view.as_ref().expect("a user");
    assert_eq!(v.snapshot().current_milestone.as_deref(), Some("M4"));
    // Shown between two moments, the data is the newest one's before it: the first step back
    // goes past that one (else it would show the same data again).
    let v = s.user.view.as_ref().expect("a user");
    let at = s.user.at.expect("an instant");
    let mut before: Vec<_> = v
        .data()
        .moments
        .iter()
        .map(|m| m.at)
        .filter(|m| *m <= at)
        .collect();
    before.sort();
    let (in_force, previous) = (before[before.len() - 1], before[before.len() - 2]);
    assert_ne!(in_force, at, "T is between two moments");
    press(&mut s, &ctx, Action::Earlier, 1).await;
    assert_eq!(shown(&s), Some(fmt_ts(&previous)));
    // Four more to the oldest; one past it says so and stays.
    press(&mut s, &ctx, Action::Earlier, 5).await;
    assert_eq!(shown(&s).as_deref(), Some("2024-10-22T05:28:18Z"));
    let msg = s.status.message.as_ref().map(|m| m.text.clone());
    assert_eq!(
        msg.as_deref(),
        Some("time travel: 2024-10-22T05:28:18Z is the oldest moment")
    );
    // Another user opens at the instant shown.
    open(&mut s, &ctx, "u001").await;
    assert_eq!(shown(&s).as_deref(), Some("2024-10-22T05:28:18Z"));
}

#[tokio::test]
async fn tui_at_shows_the_users_list_as_of_then() {
    let (_, ctx) = demo_app().await;
    let at = chrono::DateTime::parse_from_rfc3339("2025-01-14T00:00:00Z")
        .expect("an instant")
        .with_timezone(&chrono::Utc);
    let engine = crate::engine::Engine::default();
    let session = crate::app::update::tests::session(&engine);
    let mut s = State::new(session, "DEMO".into(), true, "default".into(), false);
    // As `tui --at` starts.
    s.user.at = Some(at);
    s.users.stats_at = Some(at);
    settle(&mut s, &ctx, Action::Refresh).await;
    settle(&mut s, &ctx, Action::Filter).await;
    crate::app::update::tests::type_text(&mut s, &ctx, "u062").await;
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = rows(&s, w, h);
        assert!(
            screen[0].contains(" AS OF 2025-01-14T00:00:00Z "),
            "{screen:#?}"
        );
        let row = screen
            .iter()
            .find(|r| r.contains("│u062 "))
            .unwrap_or_else(|| panic!("u062 listed: {screen:#?}"));
        // u062 was at M8 then, its context 2030 tokens (as Layers shows it at T), not today's
        // M9 and 2623.
        assert!(row.contains("M8 "), "{row}");
        if w == 120 {
            assert!(row.contains(" 2,030 / 4,000"), "{row}");
            // Nothing after T: the newest turn then.
            assert!(
                !row.contains("2025-01-14T") && !row.contains("2025-01-15T"),
                "{row}"
            );
        }
    }
    // The fleet report is of now: its title says so before any user is open, since the app
    // was opened as of T.
    settle(&mut s, &ctx, Action::ShowReport).await;
    let report = rows(&s, 120, 40);
    assert!(
        report[1].contains(" Report · fleet of now · "),
        "{report:#?}"
    );
    // `0` on a user opened as of T: a step back, then `0` returns to T (where ctxlens was
    // opened), and `0` again to now.
    s.user.opened_at = Some(at);
    open(&mut s, &ctx, "u062").await;
    assert_eq!(s.shown_at(), Some(at));
    settle(&mut s, &ctx, Action::ShowJourney).await;
    settle(&mut s, &ctx, Action::Earlier).await;
    assert!(s.shown_at().is_some_and(|t| t < at));
    settle(&mut s, &ctx, Action::Present).await;
    assert_eq!(s.shown_at(), Some(at));
    let said = s.status.message.clone().expect("said").text;
    assert!(
        said.ends_with("the instant ctxlens was opened at; 0 again: now"),
        "{said}"
    );
    settle(&mut s, &ctx, Action::Present).await;
    assert_eq!(s.shown_at(), None);
}

/// A moment picked on one user stays the instant for the next: between two of that user's
/// moments, the strip names the one in force then with its own time.
#[tokio::test]
async fn an_instant_carried_to_another_user_names_its_moment_in_force() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u071").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    press(&mut s, &ctx, Action::Earlier, 1).await;
    let at = s.shown_at().expect("travelled");
    // The first step from now lands on the newest change, which holds the data of now.
    let said = s.status.message.clone().expect("a message").text;
    assert!(
        said.ends_with("the newest change before now; [ again: steps back"),
        "{said}"
    );
    // The key named is the keymap's in use; none when nothing is bound.
    for (keys, ends) in [
        (
            "[keys]\n\"[\" = \"\"\n\",\" = \"earlier\"\n",
            "before now; , again: steps back",
        ),
        ("[keys]\n\"[\" = \"\"\n", "the newest change before now"),
    ] {
        s.session.keymap = crate::app::keymap::Keymap::default()
            .merge(keys, "keymap.toml")
            .expect("a keymap");
        settle(&mut s, &ctx, Action::Present).await;
        settle(&mut s, &ctx, Action::Earlier).await;
        let said = s.status.message.clone().expect("a message").text;
        assert!(said.ends_with(ends), "{keys}: {said}");
    }
    s.session.keymap = crate::app::keymap::Keymap::default();
    assert_eq!(s.shown_at(), Some(at), "the same step each time");
    open(&mut s, &ctx, "u001").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    assert_eq!(s.shown_at(), Some(at), "the instant is carried over");
    let v = s.user.view.as_ref().expect("a user");
    let moment = v
        .data()
        .moments
        .iter()
        .filter(|m| m.at <= at)
        .max_by_key(|m| m.at)
        .expect("u001 has a moment before then");
    assert_ne!(moment.at, at, "the instant falls between u001's moments");
    let strip = rows(&s, 200, 60).join("\n");
    assert!(
        strip.contains(&format!("{} of {}", moment.label, fmt_ts(&moment.at))),
        "{strip}"
    );
}

/// Stepping through moments: a selection on the current milestone follows the milestone current
/// then; one moved elsewhere stays where it was put.
#[tokio::test]
async fn a_picked_milestone_stays_selected_through_time_travel() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    let id = |s: &State| {
        s.session
            .engine
            .milestones
            .ids()
            .nth(s.user.milestone)
            .expect("a milestone")
            .to_string()
    };
    assert_eq!(id(&s), "M9");
    // Back before the transition into M9: M8 was current then, and the selection follows.
    press(&mut s, &ctx, Action::Earlier, 11).await;
    let then = s.shown_at();
    assert_eq!(id(&s), "M8");
    let current_then = id(&s);
    press(&mut s, &ctx, Action::Present, 1).await;
    assert_eq!(id(&s), "M9");
    // Picked M0 (not current): stays through both directions.
    for _ in 0..12 {
        settle(&mut s, &ctx, Action::Left).await;
    }
    let picked = id(&s);
    assert_ne!(picked, "M9");
    press(&mut s, &ctx, Action::Earlier, 11).await;
    assert_eq!(s.shown_at(), then);
    assert_eq!(id(&s), picked, "current then was {current_then}");
    press(&mut s, &ctx, Action::Present, 1).await;
    assert_eq!(id(&s), picked);
}

/// The timeline's window counts what it leaves out, above and below the moment shown: none of
/// u005's 13 moments is out of sight without a word.
#[tokio::test]
async fn the_timeline_window_counts_the_moments_it_leaves_out() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u005").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    let t = rows(&s, 120, 40).join("\n");
    let older = t
        .lines()
        .find(|l| l.contains("older ([ steps back)"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(!t.contains("newer"), "at now nothing is newer: {t}");
    press(&mut s, &ctx, Action::Earlier, 8).await;
    let t = rows(&s, 120, 40).join("\n");
    assert!(t.contains("⋮") && t.contains(" newer"), "{t}");
    assert!(t.contains("▶ "), "the moment shown stays: {t}");
    assert!(older.contains("⋮ "), "{older}");
}

/// A user with no dated data offers no step back: the strip says so instead of a `[` that
/// would only answer that there is nothing to step to.
#[tokio::test]
async fn a_user_with_no_dated_data_offers_no_step_back() {
    let empty = r#"{"user_id":"uempty","now":"2025-01-15T12:00:00Z"}"#;
    let (mut s, ctx, _dir) =
        crate::app::update::tests::app_over_files(&[("uempty.json", empty.into())]).await;
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    let screen = rows(&s, 80, 24).join("\n");
    assert!(
        screen.contains("now · no dated data to step back to"),
        "{screen}"
    );
    assert!(!screen.contains("[ earlier"), "{screen}");
}
