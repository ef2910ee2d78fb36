//! Tune's figures, flags and counts of changes at both sizes.

use super::screen_tests::{run, text};
use crate::app::Action;
use crate::app::update::tests::{demo_app, open, settle};

/// Tune never cuts a figure or a flag: the largest total, the layer budgets it makes, and every
/// `--set` flag, at both sizes.
#[tokio::test]
async fn tune_shows_large_figures_and_every_flag_whole() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    for set in [
        "set budget.total=4294967295",
        "set knowledge.similarity_threshold=0.6145",
        "set session.max_items=1",
    ] {
        run(&mut s, &store, set).await;
    }
    s.status.message = None;
    let flags = [
        "--set budget.total=4294967295",
        "--set knowledge.similarity_threshold=0.6145",
        "--set session.max_items=1",
    ];
    let figures = [
        "4,000 → 4,294,967,295",
        "2,000 → 2,147,483,647",
        "4,000 → 4,294,967,295",
    ];
    let t = text(&s, 120, 40);
    for whole in figures.iter().chain(&flags) {
        assert!(t.contains(whole), "120×40: {whole} in {t}");
    }
    // 80×24: the layer table stays whole; the flags box says what it cannot show.
    let t = text(&s, 80, 24);
    for whole in figures.iter().chain(&flags[..1]) {
        assert!(t.contains(whole), "80×24: {whole} in {t}");
    }
    assert!(t.contains("3 flags, y copies all"), "{t}");
}

/// A key `:set` changes that the Tune list does not hold (the marker) is counted in the title
/// beside the listed ones, so the count agrees with the flags.
#[tokio::test]
async fn tune_counts_changes_the_list_does_not_hold() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowTune).await;
    run(&mut s, &store, "set truncate_marker=[cut]").await;
    s.status.message = None;
    let t = text(&s, 120, 40);
    assert!(t.contains("1 changed (in flags)"), "{t}");
    assert!(t.contains("truncate_marker=\"[cut]\""), "{t}");
    run(&mut s, &store, "set session.max_items=3").await;
    s.status.message = None;
    let t = text(&s, 120, 40);
    assert!(t.contains("1 changed (n/N) +1 in flags"), "{t}");
}

/// At 80×24 with the weights warning, two flags that do not fit one per line share a row, so
/// both show (the change that drops most items among them).
#[tokio::test]
async fn tune_flags_share_a_row_when_one_per_line_does_not_fit() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for set in [
        "set layers.journey.weight=0.3906",
        "set session.max_items=1",
    ] {
        run(&mut s, &store, set).await;
    }
    settle(&mut s, &store, Action::ShowTune).await;
    s.status.message = None;
    let t = text(&s, 80, 24);
    assert!(
        t.contains("--set layers.journey.weight=0.3906  --set session.max_items=1"),
        "{t}"
    );
    // A third flag that does not fit the row goes to the next one whole: no row ends on a
    // `--set` without its value.
    run(&mut s, &store, "set budget.total=3000").await;
    s.status.message = None;
    let t = text(&s, 80, 24);
    assert!(t.contains("3 flags"), "{t}");
    for row in t.lines() {
        let inside = row.trim_end_matches(['│', ' ']);
        assert!(!inside.ends_with("--set"), "{row}");
    }
}

/// On a short pane the counts in the diff's title end one space before the border.
#[tokio::test]
async fn the_diff_titles_counts_end_one_space_before_the_border() {
    let (mut s, store) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set budget.total=3000").await;
    settle(&mut s, &store, Action::ShowTune).await;
    let t = text(&s, 80, 24);
    let title = t
        .lines()
        .find(|l| l.contains("Replay diff"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(title.contains("1 newly dropped ─"), "{title}");
}

/// An item's tokens before → after and the change group their thousands, as every other figure
/// on the screen does.
#[test]
fn an_items_token_change_groups_its_thousands() {
    use crate::engine::Decision;
    use crate::engine::diff::{Fate, ItemChange};
    let fate = |kept_tokens| {
        Some(Fate {
            decision: Decision::Kept,
            reason: None,
            kept_tokens,
        })
    };
    let grew = ItemChange {
        id: "s2#0".into(),
        layer: "session".into(),
        before: fate(0),
        after: fate(449_007),
    };
    assert_eq!(super::tune::change_text(&grew).0, "0 → 449,007 (+449,007)");
    let shrank = ItemChange {
        before: fate(12_345),
        after: fate(79),
        ..grew
    };
    assert_eq!(super::tune::change_text(&shrank).0, "12,345 → 79 (-12,266)");
}
