//! The Report screen: the tuned policy compared with the baseline across the fleet, a run
//! that reads no user, and scrolling within its lines.

use super::*;

#[tokio::test]
async fn the_report_screen_compares_the_tuned_policy_with_the_baseline_and_follows_tuning() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    assert_eq!(s.ui.screen, Screen::Report);
    let first = s.report.summary.clone().expect("a report");
    assert_eq!(first.users, 71);
    assert_eq!(first.changes.as_ref().map(|c| c.users_changed), Some(0));
    assert_eq!(s.report.runs, 1);
    // Nothing changed: showing it again does not run it again.
    settle(&mut s, &store, Action::ShowUsers).await;
    settle(&mut s, &store, Action::ShowReport).await;
    assert_eq!(s.report.runs, 1);
    // A lower budget on Tune, then back to Report: computed again, with changes.
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    for _ in 0..20 {
        settle(&mut s, &store, Action::Decrease).await;
    }
    settle(&mut s, &store, Action::ShowReport).await;
    assert_eq!(s.report.runs, 2);
    let after = s.report.summary.clone().expect("a report");
    assert_eq!(after.candidate.total_budget, 2000);
    assert_eq!(after.baseline.as_ref().map(|b| b.total_budget), Some(4000));
    let changes = after.changes.expect("compared");
    assert!(changes.users_changed > 0 && changes.tokens_newly_dropped > 0);
    assert!(changes.most_affected.iter().any(|a| a.user_id == "u062"));
    // enter off a user line says how to reach one; n goes there, and enter opens it on Tune.
    settle(&mut s, &store, Action::Top).await;
    settle(&mut s, &store, Action::Select).await;
    assert_eq!(s.ui.screen, Screen::Report);
    let hint = s.status.message.as_ref().map(|m| m.text.clone());
    assert_eq!(
        hint.as_deref(),
        Some("enter opens a most-affected user: n goes to the next one")
    );
    settle(&mut s, &store, Action::NextMatch).await;
    let lines = crate::app::report_view::lines(s.report.summary.as_deref().expect("report"));
    let first_user = lines
        .iter()
        .position(|l| l.user.is_some())
        .expect("a user line");
    assert_eq!(s.report.cursor, first_user);
    settle(&mut s, &store, Action::PrevMatch).await;
    let last_user = lines
        .iter()
        .rposition(|l| l.user.is_some())
        .expect("a user line");
    assert_eq!(s.report.cursor, last_user, "wraps round");
    // A result from an older run is dropped.
    let stale = first.clone();
    settle(&mut s, &store, Action::ReportReady(1, stale)).await;
    assert_eq!(
        s.report.summary.as_ref().map(|r| r.candidate.total_budget),
        Some(2000)
    );
}

/// A run in which no user could be read (a table gone) keeps the last figures on screen, said
/// to be the last read, with why, and is not started again by itself (a table gone is no
/// outage the health check ends); `R` runs it again, and a run that reads users replaces them.
#[tokio::test]
async fn a_report_run_that_reads_no_user_keeps_the_last_figures() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    let good = s.report.summary.clone().expect("a report");
    let mut none = good.clone();
    none.users = 0;
    none.errors.count = 71;
    none.errors.first = vec!["u001: memory_bank: relation \"memory_bank\" does not exist".into()];
    let runs = |effects: &[Effect]| {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::RunReport { id, .. } => Some(*id),
                _ => None,
            })
            .collect::<Vec<u64>>()
    };
    // R: the report is run again, through the screen's own path.
    let asked = runs(&update(&mut s, Action::Refresh));
    let [id] = asked[..] else {
        panic!("one run: {asked:?}")
    };
    let after = update(&mut s, Action::ReportReady(id, none));
    assert!(
        runs(&after).is_empty(),
        "not run again by itself: {after:?}"
    );
    assert!(
        runs(&update(&mut s, Action::Tick)).is_empty(),
        "nor on the next tick"
    );
    assert_eq!(
        s.report.summary.as_ref(),
        Some(&good),
        "the last figures stay"
    );
    let why = s.report.failed.clone().expect("said");
    assert!(
        why.starts_with("none of 71 users read: u001: memory_bank"),
        "{why}"
    );
    let screen = crate::ui::tests::rows(&s, 120, 40).join("\n");
    assert!(
        screen.contains("figures as last read: computing again failed (R retries): none of 71"),
        "{screen}"
    );
    let asked = runs(&update(&mut s, Action::Refresh));
    let [id] = asked[..] else {
        panic!("R runs it again: {asked:?}")
    };
    settle(&mut s, &store, Action::ReportReady(id, good.clone())).await;
    assert!(s.report.failed.is_none());
}

#[tokio::test]
async fn the_report_scrolls_within_its_lines() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    settle(&mut s, &store, Action::Bottom).await;
    let bottom = s.report.cursor;
    assert!(bottom > 10 && bottom < 200, "{bottom}");
    settle(&mut s, &store, Action::Up).await;
    assert_eq!(s.report.cursor, bottom - 1);
    settle(&mut s, &store, Action::Top).await;
    assert_eq!(s.report.cursor, 0);
    // PgDn from the top shows the next page: the cursor leaves the first page.
    let height = crate::app::layout::pane_rows(crate::app::layout::Areas::new(s.ui.size).body);
    settle(&mut s, &store, Action::PageDown).await;
    assert_eq!(s.report.cursor, height);
    assert_eq!(
        crate::app::layout::offset(s.report.cursor, height, bottom + 1),
        height,
        "the view moved a page"
    );
    settle(&mut s, &store, Action::PageUp).await;
    assert_eq!(s.report.cursor, 0);
}
