//! The Report screen: figures never pushed off, before and after a change, the dead-knowledge
//! and duplicates sections, an outage, and a summary with nothing to judge.

use super::tests::{draw, rows, snap};
use super::theme::Theme;
use crate::app::Action;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, open, settle};
use crate::tui::effects::EffectContext;

/// u062 opened and its budget lowered on Tune (budget.total 4000 → 2000), then the Report.
async fn lower_the_budget_of_u062(s: &mut State, store: &EffectContext) {
    open(s, store, "u062").await;
    settle(s, store, Action::ShowTune).await;
    for _ in 0..20 {
        settle(s, store, Action::Decrease).await; // budget.total 4000 → 2000
    }
    settle(s, store, Action::ShowReport).await;
}

/// A most-affected user whose id is wider than the pane is cut in its middle, and the figures
/// beside it (milestone, dropped, added, items) still show, at 80 and 120 columns.
#[tokio::test]
async fn a_long_user_id_never_pushes_the_report_figures_off() {
    let (mut s, store) = demo_app().await;
    lower_the_budget_of_u062(&mut s, &store).await;
    let mut summary = s.report.summary.clone().expect("a report");
    let changes = summary.changes.as_mut().expect("changes");
    let first = changes.most_affected.first_mut().expect("an affected user");
    first.user_id = format!("u{}end", "漢".repeat(300));
    let at = crate::app::report_view::lines(&summary)
        .iter()
        .position(|l| l.plain().contains("漢end"))
        .expect("the user's line");
    s.report.summary = Some(summary);
    s.report.cursor = at;
    for (w, h) in [(80, 24), (120, 40)] {
        let all = super::screen_tests::text(&s, w, h);
        let row = all
            .lines()
            .find(|l| l.contains("u漢") && l.contains("end"))
            .unwrap_or_else(|| panic!("the cut id at {w}: {all}"));
        assert!(
            row.chars().filter(|c| c.is_ascii_digit()).count() >= 3,
            "the figures show beside it at {w}: {row}"
        );
    }
}

#[tokio::test]
async fn report_screen_before_and_after_a_change() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    snap("report_baseline", &mut s);
    lower_the_budget_of_u062(&mut s, &store).await;
    let summary = s.report.summary.clone().expect("a report");
    assert_eq!(
        summary.candidate.policy, "prolaunch-tuned",
        "told from the baseline"
    );
    snap("report_lowered_budget", &mut s);
    // The Δ is of the unrounded averages (rounded ones can be 0.1 off).
    let avg = summary
        .monitoring
        .iter()
        .find(|m| m.metric == "avg_context_tokens")
        .expect("the average row");
    let exact = |m: crate::report::Metric| m.exact.or(m.value).expect("a value");
    let want = exact(avg.candidate) - exact(avg.baseline.expect("a baseline"));
    let row = crate::app::report_view::lines(&summary)
        .into_iter()
        .find(|l| l.plain().contains(&avg.label))
        .expect("the row");
    let shown = row.cells.last().expect("the Δ cell").0.trim().to_string();
    assert_eq!(shown, crate::text::thousands(want, 1), "{}", row.plain());
    for _ in 0..12 {
        settle(&mut s, &store, Action::Down).await;
    }
    snap("report_scrolled", &mut s);
}

/// Sideways at 80 columns: the per-milestone table's last columns come into view, cut
/// columns marked, and no further than the widest line.
#[tokio::test]
async fn the_report_scrolls_sideways_to_the_widest_lines_end() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    lower_the_budget_of_u062(&mut s, &store).await;
    let summary = s.report.summary.clone().expect("a report");
    s.ui.size = (80, 24);
    let lines = crate::app::report_view::lines(&summary);
    s.report.cursor = lines
        .iter()
        .position(|l| l.cells.iter().any(|(t, _)| t.contains("Trunc base")))
        .expect("the per-milestone table");
    let milestone_header = |s: &State| {
        rows(s, 80, 24)
            .into_iter()
            .find(|r| r.contains("Trunc base"))
            .unwrap_or_default()
    };
    let before = milestone_header(&s);
    assert!(before.contains('…') && !before.contains("RAG"), "{before}");
    for _ in 0..40 {
        settle(&mut s, &store, Action::Right).await;
    }
    let after = milestone_header(&s);
    // The first column stays: what each row is about reads beside the columns scrolled to.
    let first = before
        .chars()
        .skip(1)
        .take_while(|c| *c != '…')
        .collect::<String>();
    let first = first
        .split("  ")
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_string();
    assert!(!first.is_empty(), "{before}");
    assert!(after.contains("RAG") && after.contains(&first), "{after}");
    assert!(after.contains('…'), "the cut is marked: {after}");
    let m0 = rows(&s, 80, 24)
        .into_iter()
        .find(|r| r.contains("  M0 "))
        .unwrap_or_default();
    assert!(m0.contains('…'), "a milestone row keeps its id: {m0}");
    // A table that fits the pane stays whole while a wider one is scrolled.
    let fitting = lines
        .iter()
        .find(|l| l.frozen > 0 && l.width() <= 78 && l.cells.len() > 2)
        .expect("a table row that fits at 80 columns");
    let (key, second) = (fitting.cells[0].0.trim(), fitting.cells[1].0.trim());
    let screen = rows(&s, 80, 400);
    assert!(
        screen.iter().any(|r| r.contains(key) && r.contains(second)),
        "{key} {second} unmoved: {}",
        screen.join("\n")
    );
    let most = lines.iter().map(|l| l.overflow(78)).max().unwrap_or(0);
    assert!(most > 0);
    assert_eq!(s.report.left, most, "up to the widest line's end");
    for _ in 0..40 {
        settle(&mut s, &store, Action::Left).await;
    }
    assert_eq!(s.report.left, 0);
}

#[tokio::test]
async fn report_screen_shows_dead_knowledge_by_row_milestone() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    let summary = s.report.summary.clone().expect("a report");
    let at = crate::app::report_view::lines(&summary)
        .iter()
        .position(|l| l.plain().contains("Knowledge rows by their milestone"))
        .expect("the section");
    for _ in 0..at {
        settle(&mut s, &store, Action::Down).await;
    }
    snap("report_dead_knowledge", &mut s);
    let text = format!("{:?}", draw(&s, 80, 24, &Theme::default()).backend());
    for want in [
        "Knowledge rows by their milestone (prolaunch)",
        "Never retrieved",
        "M0                6          2     2                4",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

/// The Report screen looks for copies in every user (the demo's u069–u071 paste articles and
/// summaries twice): its Duplicates sections are drawn.
#[tokio::test]
async fn report_screen_shows_the_duplicates_sections() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    let summary = s.report.summary.clone().expect("a report");
    assert!(summary.duplicates_found, "the screen asks for duplicates");
    let at = crate::app::report_view::lines(&summary)
        .iter()
        .position(|l| {
            l.plain()
                .contains("Duplicates (tokens spent on second copies)")
        })
        .expect("the section");
    for _ in 0..at {
        settle(&mut s, &store, Action::Down).await;
    }
    s.ui.size = (120, 40);
    let text = format!("{:?}", draw(&s, 120, 40, &Theme::default()).backend());
    for want in [
        "Duplicates (tokens spent on second copies)",
        "tokens on second copies",
        "share of prompt tokens",
        "users with duplicates",
        "Most duplicated users (4)",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // The numbers as drawn: the demo's four users with copies, u070 the most.
    let drawn = rows(&s, 120, 40);
    for want in [
        "  tokens on second copies       467        467",
        "  users with duplicates           4          4",
        "  u070  M5             2              234          1,220",
    ] {
        assert!(drawn.iter().any(|r| r.contains(want)), "{want}: {drawn:#?}");
    }
}

/// The Report screen after `R` at an outage says which store holds the run back, not that the
/// policies changed; a summary with no figure to judge says the targets cannot be judged.
#[tokio::test]
async fn report_screen_names_an_outage_and_never_judges_no_figures() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    assert!(s.report.summary.is_some(), "a report");
    s.report.computed_for = None;
    s.status.stores[0].up = false;
    let screen = rows(&s, 120, 40).join("\n");
    assert!(
        screen.contains("down: figures as last read, computed again once back"),
        "{screen}"
    );
    assert!(!screen.contains("policies changed since"), "{screen}");
    let mut none = s.report.summary.clone().expect("a report");
    for m in &mut none.monitoring {
        m.candidate.pass = None;
    }
    let lines: Vec<String> = crate::app::report_view::lines(&none)
        .iter()
        .map(|l| l.plain())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Targets: none can be judged")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("target met")), "{lines:?}");
}

/// A sampled report says so on a line of its own, under the title: never cut off its end on
/// a narrow screen, where every figure's first caveat would be lost.
#[tokio::test]
async fn a_sample_is_said_on_its_own_line() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowReport).await;
    let mut summary = s.report.summary.clone().expect("a report");
    summary.source = format!(
        "{} · a random sample of 40 of 500 users (seed 9)",
        summary.source
    );
    s.report.summary = Some(summary);
    for (w, h) in [(80, 24), (120, 40)] {
        let all = rows(&s, w, h);
        let title = all
            .iter()
            .position(|l| l.contains("Fleet report ·"))
            .expect("the title");
        assert!(!all[title].contains("sample"), "{w}×{h}: {}", all[title]);
        assert!(
            all[title + 1].contains("a random sample of 40 of 500 users (seed 9)"),
            "{w}×{h}:\n{}",
            all.join("\n")
        );
    }
}
