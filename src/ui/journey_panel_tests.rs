//! The Journey screen's panels: what a transition into the selected milestone carries (field
//! by field, back, or nothing), every milestone's dependency list, and what a milestone
//! contributes.

use super::journey_tests::{journey_of_u062, selected};
use super::tests::rows;
use super::theme::Theme;
use crate::app::Action;
use crate::app::update::tests::{demo_app, open, settle};

/// What a transition would carry is listed field by field, every field of every milestone it
/// carries (not the first one cut to a line).
#[tokio::test]
async fn a_transition_preview_lists_every_carried_field() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u064").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    assert_eq!(selected(&s), "M5");
    s.ui.size = (120, 40);
    let mut seen = String::new();
    for _ in 0..30 {
        seen.push_str(&rows(&s, 120, 40).join("\n"));
        settle(&mut s, &store, Action::PageDown).await;
    }
    let view = s.user.view.as_ref().expect("u064 open");
    let map = &s.session.engine.milestones;
    // M9 needs every milestone: it carries the data of the completed ones.
    let p = crate::engine::milestones::prepare_transition(map, view.snapshot(), "M9");
    assert!(
        p.context.len() >= 2,
        "M9 carries the completed ones:\n{seen}"
    );
    let mut checked = 0;
    for (m, data) in &p.context {
        assert!(seen.contains(&format!("  {m}:")), "{m}:\n{seen}");
        let text = crate::engine::render::json_lines(data);
        for line in text.lines().take(12).filter(|l| l.trim().len() < 50) {
            assert!(seen.contains(line.trim()), "{m} {line:?}:\n{seen}");
            checked += 1;
        }
    }
    assert!(
        checked > p.context.len(),
        "more than one field each: {checked}"
    );
}

/// A transition back (into a milestone behind the user) says so, as `ctxlens transition` does,
/// and one that carries nothing says "nothing" instead of an empty list.
#[tokio::test]
async fn a_transition_back_says_so_and_an_empty_one_says_nothing() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    assert_eq!(selected(&s), "M9", "u062 is at M9");
    s.ui.size = (120, 40);
    // To M8 (depends on nothing, one of M9's dependencies).
    for _ in 0..10 {
        if selected(&s) == "M8" {
            break;
        }
        settle(&mut s, &store, Action::Left).await;
        if selected(&s) == "M0" {
            settle(&mut s, &store, Action::Down).await;
        }
    }
    assert_eq!(selected(&s), "M8");
    let mut seen = String::new();
    for _ in 0..10 {
        seen.push_str(&rows(&s, 120, 40).join("\n"));
        settle(&mut s, &store, Action::PageDown).await;
    }
    assert!(seen.contains("a transition M9 → M8 would carry:"), "{seen}");
    assert!(seen.contains("note: M8 comes before M9"), "{seen}");
    assert!(seen.contains("nothing (it depends on nothing)"), "{seen}");
}

/// Every milestone's dependencies are listed whole on a big map: a long list wraps under its
/// arrow, the selection's rows stay in view, and the title says which milestones show.
#[tokio::test]
async fn the_dependency_list_wraps_long_lists_and_says_what_it_shows() {
    use crate::engine::milestones::{MilestoneDef, MilestoneMap};
    let defs: Vec<MilestoneDef> = (0..30)
        .map(|i: usize| MilestoneDef {
            id: format!("S{i}"),
            name: format!("Stage {i}, named at such length that it crowds any title"),
            // The last depends on every other one, directly.
            depends_on: if i == 29 {
                (0..29).map(|d| format!("S{d}")).collect()
            } else {
                (i > 0).then(|| format!("S{}", i - 1)).into_iter().collect()
            },
        })
        .collect();
    let (mut s, store) = journey_of_u062(MilestoneMap::new(defs).expect("a DAG")).await;
    settle(&mut s, &store, Action::Bottom).await;
    assert_eq!(selected(&s), "S29");
    // The selection's title keeps its range and keys whole; the long name gives way.
    for (w, h) in [(80, 24), (100, 32)] {
        let screen = rows(&s, w, h);
        let title = screen
            .iter()
            .find(|r| r.contains("S29 Stage 29"))
            .unwrap_or_else(|| panic!("{w}×{h}: the title\n{}", screen.join("\n")));
        let title = title.split('╮').next().unwrap_or_default();
        let scrolls = w == 80;
        assert!(title.contains('…'), "{w}×{h}: {title}");
        assert_eq!(title.contains(" · PgDn/PgUp "), scrolls, "{w}×{h}: {title}");
    }
    let screen = rows(&s, 120, 40);
    let all = screen.join("\n");
    assert!(all.contains("S29 ← S0 S1"), "{all}");
    assert!(
        all.contains("S28  (28 implied)"),
        "the list's end shows: {all}"
    );
    assert!(
        screen
            .iter()
            .any(|r| r.contains("Depends on · ") && r.contains("/30 ")),
        "the title says which show: {all}"
    );
    // Whatever the size and the selection, the range the title gives is what shows: every
    // entry in it has its head, and the last its end.
    for (w, h) in [(100, 30), (120, 40)] {
        for pick in [Action::Bottom, Action::Left, Action::Top] {
            settle(&mut s, &store, pick).await;
            let screen = rows(&s, w, h);
            let title = screen
                .iter()
                .find_map(|r| r.split("Depends on · ").nth(1))
                .unwrap_or_else(|| panic!("{w}×{h}: a range\n{}", screen.join("\n")));
            let range = title.split(' ').next().unwrap_or_default();
            let (from, to) = range
                .split_once('/')
                .and_then(|(r, _)| r.split_once('-'))
                .map(|(a, b)| {
                    (
                        a.parse::<usize>().expect("from"),
                        b.parse::<usize>().expect("to"),
                    )
                })
                .expect("a-b/n");
            let all = screen.join("\n");
            for i in from - 1..to {
                let head = format!("{:<3} ← ", format!("S{i}"));
                assert!(all.contains(&head), "{w}×{h}: {head} in {range}\n{all}");
            }
            let end = if to == 30 {
                "(28 implied)".to_string()
            } else {
                format!("S{} ← S{}", to - 1, to - 2)
            };
            assert!(all.contains(&end), "{w}×{h}: {end} in {range}\n{all}");
        }
    }
    settle(&mut s, &store, Action::Top).await;
    let all = rows(&s, 120, 40).join("\n");
    assert!(all.contains("S0  ← —"), "{all}");
    assert!(all.contains("Depends on · 1-"), "{all}");
}

#[test]
fn the_dependency_window_keeps_the_selected_block_in_view() {
    let window = super::journey::dependency_window;
    // Ten one-row blocks, a five-row one last, six rows at a time: pages of whole blocks.
    let mut heights = vec![1; 10];
    heights.push(5);
    assert_eq!(window(&heights, 0, 6), 0..6);
    assert_eq!(window(&heights, 5, 6), 0..6);
    assert_eq!(window(&heights, 7, 6), 6..10);
    assert_eq!(window(&heights, 10, 6), 10..11, "the tall block whole");
    // A block taller than the pane is a page of its own.
    assert_eq!(window(&[1, 9, 1], 1, 4), 1..2);
    assert_eq!(window(&[1, 9, 1], 2, 4), 2..3);
    // All fit: all show.
    assert_eq!(window(&[1, 2, 1], 2, 10), 0..3);
}

/// A milestone's contribution lists its journey items, never the knowledge rows that carry its
/// id too, whatever the policy calls the knowledge layer (`layered-adr` calls it `rag`).
#[tokio::test]
async fn a_milestones_contribution_never_lists_its_knowledge_rows() {
    use super::screen_tests::run;
    use crate::engine::ItemKind;
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    for policy in ["layered-adr", "prolaunch"] {
        run(&mut s, &store, &format!("policy {policy}")).await;
        let v = s.user.view.as_ref().expect("u062 open");
        let tuned = v.tuned.as_ref().expect("replayed");
        let mut checked = 0;
        for k in tuned.items.iter().filter(|i| i.kind == ItemKind::Knowledge) {
            let m = k.milestone.as_deref().expect("a knowledge row's milestone");
            let lines = super::journey::contribution_lines(v, m, &Theme::default());
            let text: String = lines.iter().map(ToString::to_string).collect();
            assert!(
                !text.contains(&k.id),
                "{policy}: {m} lists {}: {text}",
                k.id
            );
            checked += 1;
        }
        assert!(checked > 0, "{policy}: u062 has knowledge rows to check");
        // `layered-adr` has no journey layer; under `prolaunch` a milestone lists its rows.
        if policy == "layered-adr" {
            continue;
        }
        let journey = tuned
            .items
            .iter()
            .find(|i| i.kind != ItemKind::Knowledge && i.milestone.is_some())
            .expect("a journey row of a milestone");
        let m = journey.milestone.as_deref().expect("its milestone");
        let text: String = super::journey::contribution_lines(v, m, &Theme::default())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(text.contains(&journey.id), "{policy}: {m}: {text}");
    }
}
