//! Fleet-wide work under a store that is down: the Report screen waits for it (its last
//! figures said to be the previous policies'), and neither a report nor an optimizer search is
//! started until it is back.

use super::*;

/// Whether `effects` start a fleet report.
fn runs_report(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::RunReport { .. }))
}

/// Whether `effects` start an optimizer search.
fn runs_optimizer(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::RunOptimize { .. }))
}

#[tokio::test]
async fn the_report_screen_opened_while_a_store_is_down_says_so_and_waits_for_it() {
    let (mut s, _store) = demo_app().await;
    update(&mut s, Action::Health(health(false)));
    let effects = update(&mut s, Action::ShowReport);
    assert!(!runs_report(&effects), "{effects:?}");
    let shown = format!(
        "{:?}",
        crate::ui::tests::draw(&s, 80, 24, &crate::ui::theme::Theme::default()).backend()
    );
    assert!(
        shown.contains("is down: the report runs when it is back"),
        "{shown}"
    );
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(runs_report(&effects), "{effects:?}");
}

#[tokio::test]
async fn a_report_that_failed_for_an_outage_says_why_and_runs_when_the_stores_are_back() {
    let (mut s, _store) = demo_app().await;
    let effects = update(&mut s, Action::ShowReport);
    assert!(runs_report(&effects), "{effects:?}");
    update(
        &mut s,
        Action::Failed(Task::Report, memory_down("refused").into()),
    );
    assert!(
        s.report
            .failed
            .as_deref()
            .is_some_and(|w| w.contains("refused"))
    );
    let shown = format!(
        "{:?}",
        crate::ui::tests::draw(&s, 80, 24, &crate::ui::theme::Theme::default()).backend()
    );
    assert!(shown.contains("could not be computed"), "{shown}");
    // Not again while the store is down: every key would start a run that fails.
    let effects = update(&mut s, Action::Down);
    assert!(!runs_report(&effects), "{effects:?}");
    // Back: it runs by itself.
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(runs_report(&effects), "{effects:?}");
}

/// A report whose policies changed since it was computed says it is computing again only while
/// a run is under way; a run that failed says why, and that the figures are the previous
/// policies'.
#[tokio::test]
async fn a_stale_report_never_claims_to_compute_when_its_run_failed() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::ShowReport).await;
    assert!(s.report.summary.is_some() && s.report.running.is_none());
    s.session.policy.budget.total = Some(3500);
    let drawn = |s: &State| {
        format!(
            "{:?}",
            crate::ui::tests::draw(s, 120, 40, &crate::ui::theme::Theme::default()).backend()
        )
    };
    s.report.running = Some(s.report.runs + 1);
    assert!(drawn(&s).contains("policies changed since: computing again…"));
    update(
        &mut s,
        Action::Failed(Task::Report, memory_down("refused").into()),
    );
    let shown = drawn(&s);
    assert!(!shown.contains("computing again…"), "{shown}");
    assert!(
        shown.contains(
            "figures of the previous policies: computing again failed (R retries): memory: users: connection refused"
        ),
        "{shown}"
    );
}

/// Tuning while a store is down and then opening the Report starts no run (it would fail): the
/// previous figures stay, said to be the previous policies', until the stores are back.
#[tokio::test]
async fn tuning_while_a_store_is_down_starts_no_report() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::ShowReport).await;
    assert!(s.report.summary.is_some());
    open(&mut s, &ctx, "u062").await;
    update(&mut s, Action::Health(health(false)));
    settle(&mut s, &ctx, Action::ShowTune).await;
    let mut effects = update(&mut s, Action::Right);
    assert!(s.modified(), "tuned");
    effects.extend(update(&mut s, Action::ShowReport));
    effects.extend(update(&mut s, Action::Down));
    assert!(!runs_report(&effects), "{effects:?}");
    let effects = update(&mut s, Action::Health(health(true)));
    assert!(runs_report(&effects), "{effects:?}");
}

/// `o` while a store is down starts no search (every trial would fail, as a report would): it
/// says which store and to ask again; once the store is back, `o` searches.
#[tokio::test]
async fn the_optimizer_is_not_started_while_a_store_is_down() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    update(&mut s, Action::Health(health(false)));
    let effects = update(&mut s, Action::Optimize);
    assert!(!runs_optimizer(&effects), "{effects:?}");
    assert_eq!(s.ui.overlay, crate::app::state::Overlay::None);
    let said = s.status.message.as_ref().expect("said");
    assert!(
        said.error && said.text.contains("is down: o again when it is back"),
        "{}",
        said.text
    );
    update(&mut s, Action::Health(health(true)));
    let effects = update(&mut s, Action::Optimize);
    assert!(runs_optimizer(&effects), "{effects:?}");
}
