//! The Budget screen at the smallest size: every layer's margin reachable (the layer budgets
//! scroll, the drift gives its rows up first), every figure whole, a fill per layer.

use super::screen_tests::{run, text};
use crate::app::Action;
use crate::app::budget_view::GaugeRow;
use crate::app::update::tests::{demo_app, open, settle};

/// Under `layered-adr` at 80×24 the estimator drift gives its rows up so that every layer's
/// margin shows; with more layers than fit, the pane says which rows it shows and `G` brings
/// the last layer's margin on screen.
#[tokio::test]
async fn every_layer_margin_can_be_read_at_80x24() {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "policy layered-adr").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let (rows, drift, shown) = laid(&s);
    assert!(!drift, "the drift gives its rows up first");
    assert!(rows.len() <= shown, "{} rows on {shown}", rows.len());
    let t = text(&s, 80, 24);
    assert!(t.contains(&last_note(&rows)), "the last margin shows: {t}");
    // Four layers, four fills: the bar reads without colour.
    for fill in ["█ ", "▓ ", "▒ ", "▚ "] {
        assert!(t.contains(fill), "{fill} in the legend: {t}");
    }

    // Two more layers: more rows than the pane holds.
    let mut p = s.session.policy.clone();
    for (i, name) in ["history2", "rag2"].into_iter().enumerate() {
        let mut l = p.layers[i].clone();
        l.name = name.into();
        p.layers.push(l);
    }
    // Loaded as `:policy test` would load it.
    s.session.policy_asked = Some(("test".into(), s.session.policy.clone(), false));
    settle(
        &mut s,
        &ctx,
        Action::PolicyLoaded(Box::new(p), "test".into()),
    )
    .await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let (rows, _, shown) = laid(&s);
    assert!(rows.len() > shown, "{} rows on {shown}", rows.len());
    let last = last_note(&rows);
    let t = text(&s, 80, 24);
    assert!(
        t.contains(&format!("1-{shown}/{} · j/k", rows.len())),
        "{t}"
    );
    assert!(!t.contains("│rag2 "), "the last layer is below: {t}");
    assert!(
        t.contains("▖ rag2"),
        "the legend wraps, every layer in it: {t}"
    );
    settle(&mut s, &ctx, Action::Bottom).await;
    let t = text(&s, 80, 24);
    assert!(
        t.contains("│rag2 ") && t.contains(&last),
        "the last margin shows: {t}"
    );
    settle(&mut s, &ctx, Action::Top).await;
    assert_eq!(s.user.budget_scroll, 0);
}

/// The Budget screen's layer rows, whether the drift is drawn, and how many rows the pane shows.
fn laid(s: &crate::app::state::State) -> (Vec<GaugeRow>, bool, usize) {
    let v = s.user.view.as_ref().expect("a user");
    let a = v.tuned.as_ref().expect("replayed");
    let body = crate::app::layout::Areas::new(s.ui.size).body;
    let b = crate::app::budget_view::layout(a, v.margins.as_ref(), body);
    let shown = usize::from(b.gauges.height) - 2;
    (b.rows, b.drift.is_some(), shown)
}

fn last_note(rows: &[GaugeRow]) -> String {
    match rows.last() {
        Some(GaugeRow::Note { text, .. }) => text.clone(),
        other => panic!("the last row is a note: {other:?}"),
    }
}

/// The largest budget a policy takes: every layer's figures and the global pass whole at 80
/// columns (the bars give way, the line wraps).
#[tokio::test]
async fn the_largest_budget_shows_whole_at_80x24() {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "set budget.total=4294967295").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let a = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .expect("replayed");
    assert_eq!(a.budget.total, 4_294_967_295);
    let t = text(&s, 80, 24);
    for (_, l) in a.layers.iter() {
        let budget = crate::report::format::thousands(f64::from(l.budget), 0);
        assert!(t.contains(&format!("/ {budget}")), "{budget} whole: {t}");
    }
    assert!(t.contains("keeps every"), "{t}");
    assert!(
        t.contains("candidate"),
        "the global line wraps, not cut: {t}"
    );
}

/// Budget counts a layer's items as Layers does: a truncated item is not also counted as cut,
/// and copies a `dedupe` policy removed are named among what was dropped before the budget.
#[tokio::test]
async fn budget_and_layers_count_the_same_items_the_same_way() {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (120, 40);
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "set strategy=truncate").await;
    run(&mut s, &ctx, "set layers.journey.weight=0.45").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let layers = text(&s, 120, 40);
    assert!(
        layers.contains("3 kept · 1 truncated · 9 cut by the budget"),
        "{layers}"
    );
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let budget = text(&s, 120, 40);
    assert!(
        budget.contains("wants 8,578, has 1,800 · 1 truncated · 9 cut by the budget"),
        "{budget}"
    );
    run(&mut s, &ctx, "reset").await;
    run(&mut s, &ctx, "set dedupe=near").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let budget = text(&s, 120, 40);
    assert!(
        budget.contains("7 cut by the budget · dropped before the budget: 2 duplicate"),
        "{budget}"
    );
}

/// At 80 columns a layer's counts take their short words rather than lose a count; an empty
/// budget is an empty bar, not a full one.
#[tokio::test]
async fn layer_counts_keep_every_count_at_80_columns() {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (80, 24);
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "set strategy=truncate").await;
    run(&mut s, &ctx, "set layers.journey.weight=0.45").await;
    settle(&mut s, &ctx, Action::ShowLayers).await;
    let t = text(&s, 80, 24);
    assert!(t.contains("3 kept · 1 trunc · 9 cut"), "{t}");
    run(&mut s, &ctx, "reset").await;
    run(&mut s, &ctx, "set dedupe=near").await;
    let t = text(&s, 80, 24);
    assert!(t.contains("4 kept · 7 cut · 2 filtered"), "{t}");
    run(&mut s, &ctx, "reset").await;
    run(&mut s, &ctx, "set layers.knowledge.weight=0").await;
    let t = text(&s, 80, 24);
    let row = t
        .lines()
        .find(|l| l.contains("│knowledge "))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(row.contains("░░░░") && !row.contains('█'), "{row}");
    assert!(row.contains("0 kept · 1 cut · 1 filtered"), "{row}");
}

/// Every layer that holds tokens shows in the stacked total, however small its share (26 of
/// 6,692 tokens is under a cell at 120 columns): the fill the legend names is on the bar.
#[tokio::test]
async fn every_layer_the_legend_names_is_on_the_bar() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "policy layered-adr").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let t = text(&s, 120, 40);
    let lines: Vec<&str> = t.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(" Total "))
        .expect("the total pane");
    let bar = lines[at + 1];
    let legend = lines[at + 2];
    for fill in ["█", "▓", "▒", "▚"] {
        if legend.contains(&format!("{fill} ")) {
            assert!(
                bar.contains(fill),
                "{fill} in the legend, not on the bar:\n{bar}\n{legend}"
            );
        }
    }
}

/// Under `truncate` the blocker kept truncated leaves the prompt before any item kept in full
/// is lost: the margin says how many fewer tokens drop it, and a replay agrees to the token.
#[tokio::test]
async fn a_truncated_blocker_says_when_it_leaves() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    run(&mut s, &ctx, "set strategy=truncate").await;
    run(&mut s, &ctx, "set layers.journey.weight=0.35").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let v = s.user.view.as_ref().expect("open");
    let policy = s.session.policy.clone();
    let engine = &s.session.engine;
    let m = engine.margins(v.user.snapshot(), &policy);
    let journey = m
        .layers
        .iter()
        .position(|l| l.name == "journey")
        .expect("journey");
    let out = m.layers[journey]
        .truncated_out
        .clone()
        .expect("a truncated blocker");
    let lost = m.layers[journey].first_out.as_ref().expect("a kept item");
    assert!(out.tokens < lost.tokens, "{out:?} before {lost:?}");
    // The replay: one token fewer than the margin keeps it truncated, the margin drops it.
    let fate = |less: usize| {
        let mut b = policy.budgets();
        b.layers[journey] -= u32::try_from(less).expect("small");
        engine
            .assemble_at(v.user.snapshot(), &policy, &b)
            .items
            .iter()
            .find(|i| i.id == out.id)
            .map(|i| i.decision)
    };
    use crate::engine::assembly::Decision;
    assert_eq!(fate(out.tokens - 1), Some(Decision::Truncated));
    assert_eq!(fate(out.tokens), Some(Decision::Dropped));
    let t = text(&s, 120, 40);
    assert!(
        t.contains(&format!("−{} drops truncated {}", out.tokens, out.id)),
        "{t}"
    );
}

/// An item the layer's fit kept and the global pass dropped is said to be the global pass's,
/// on Budget and on Layers, not cut by its layer's budget.
#[tokio::test]
async fn a_global_pass_drop_is_named_as_such() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    run(&mut s, &store, "set layers.journey.weight=1.0").await;
    let a = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.clone())
        .expect("tuned");
    let n = a.counts("knowledge");
    assert_eq!((n.cut, n.global), (0, 1), "{n:?}");
    settle(&mut s, &store, Action::ShowBudget).await;
    s.status.message = None;
    let t = text(&s, 120, 40);
    assert!(t.contains("1 dropped by the global pass"), "{t}");
    assert!(!t.contains("1 cut by the budget"), "{t}");
    settle(&mut s, &store, Action::ShowLayers).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("1 dropped by the global pass"), "{t}");
}

/// Entries that could not be read are in no layer's demand: the Budget screen says how many,
/// so "everything fits" is not read as "everything was read".
#[tokio::test]
async fn unreadable_entries_are_said_on_the_budget_screen() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u066").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    let t = text(&s, 120, 40);
    assert!(
        t.contains("4 entries unreadable, in no layer's demand: Layers lists them"),
        "{t}"
    );
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowBudget).await;
    assert!(!text(&s, 120, 40).contains("unreadable"));
}
