//! The Journey screen as drawn: names in the boxes at 80×24, the selection's panel scrolled to
//! the next milestones, the dependency closure lit along the edges, and a 26-milestone map
//! walked with the keys, panned so the selection stays on screen.

use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use super::tests::{draw, rows, snap};
use super::theme::Theme;
use crate::app::Action;
use crate::app::state::State;
use crate::app::update::tests::{demo_app, open, settle};
use crate::graph::{Geometry, Graph, Step};

/// The selected milestone's id.
pub(super) fn selected(s: &State) -> String {
    s.session.engine.milestones.defs()[s.user.milestone]
        .id
        .clone()
}

/// Where `text` starts in the buffer (column, row), cell by cell.
pub(super) fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
    let chars: Vec<String> = text.chars().map(String::from).collect();
    let (w, h) = (buf.area.width, buf.area.height);
    (0..h).find_map(|y| {
        (0..w).find_map(|x| {
            let at = |i: usize| buf.cell((x + i as u16, y)).map(|c| c.symbol());
            chars
                .iter()
                .enumerate()
                .all(|(i, ch)| at(i) == Some(ch.as_str()))
                .then_some((x, y))
        })
    })
}

/// The arrow into the box whose first line reads `head`: left of its frame, on its middle row.
fn arrow_into(buf: &Buffer, head: &str) -> (u16, u16) {
    let (x, y) = find(buf, head).unwrap_or_else(|| panic!("{head} drawn"));
    (y.saturating_sub(1)..y + 3)
        .map(|row| (x - 2, row))
        .find(|&p| buf[p].symbol() == "▶")
        .unwrap_or_else(|| panic!("an arrow into {head}"))
}

#[tokio::test]
async fn the_selections_closure_is_lit_along_its_edges() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    for a in [Action::Left, Action::Left, Action::Up] {
        settle(&mut s, &store, a).await;
    }
    assert_eq!(selected(&s), "M4");
    let t = Theme::default();
    let term = draw(&s, 120, 40, &t);
    let buf = term.backend().buffer();
    let lit = |head: &str| {
        let cell = &buf[arrow_into(buf, head)];
        let bold = cell.modifier.contains(Modifier::BOLD);
        if cell.fg == t.accent().fg.expect("accent") && bold {
            Some(true)
        } else if cell.fg == t.muted().fg.expect("muted") && !bold {
            Some(false)
        } else {
            None
        }
    };
    // M4 needs M3 (and M0-M2 through it): the edges into M4 and into M3 are lit; the edge from
    // M2 out of the closure into M5, and from M4 on to M9, are not.
    assert_eq!(lit("✓ M4"), Some(true), "into the selection");
    assert_eq!(lit("✓ M3"), Some(true), "within its closure");
    assert_eq!(lit("✓ M5"), Some(false), "from the closure to outside it");
    assert_eq!(lit("◉ M9"), Some(false), "on from the selection");
}

#[tokio::test]
async fn at_80x24_the_boxes_keep_their_names_cut_with_an_ellipsis() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    s.ui.size = (80, 24);
    let screen = rows(&s, 80, 24).join("\n");
    for name in ["│Busin…├", "│Produ…├", "│Brand…├", "┃Launch┃"] {
        assert!(screen.contains(name), "{name}:\n{screen}");
    }
    assert!(
        screen.contains("Milestones · 10 in 7 layers · h/j/k/l move ") && !screen.contains("view "),
        "the whole graph, not panned:\n{screen}"
    );
}

#[tokio::test]
async fn the_current_milestones_panel_scrolls_to_the_next_ones_at_80x24() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u064").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    assert_eq!(selected(&s), "M5", "the current milestone first");
    s.ui.size = (80, 24);
    let screen = |s: &State| rows(s, 80, 24).join("\n");
    let top = screen(&s);
    assert!(top.contains("◉ current"), "{top}");
    assert!(
        top.contains(" · PgDn/PgUp"),
        "the panel says it scrolls: {top}"
    );
    let mut seen = top.clone();
    for _ in 0..20 {
        if seen.contains("a transition M5 → M7 would carry:") {
            break;
        }
        settle(&mut s, &store, Action::PageDown).await;
        seen.push_str(&screen(&s));
    }
    // For the current milestone, the next ones: M6 and M7 depend on M5.
    for next in ["M6", "M7"] {
        assert!(
            seen.contains(&format!("a transition M5 → {next} would carry:")),
            "{next}:\n{seen}"
        );
    }
    assert!(!seen.contains("transition M5 → M5"), "{seen}");
    // The last page ends the scrolling; `PgUp` goes back to the top, as does another selection.
    let mut end = screen(&s);
    for _ in 0..20 {
        settle(&mut s, &store, Action::PageDown).await;
        let now = screen(&s);
        if now == end {
            break;
        }
        end = now;
    }
    let (rows, height) = s.user.panel_rows.get();
    assert!(
        rows > height,
        "more rows than the panel has: {rows} in {height}"
    );
    assert!(
        end.contains(&format!("{}-{rows}/{rows} · PgDn/PgUp", rows - height + 1)),
        "the last page is a full one: {end}"
    );
    for _ in 0..20 {
        settle(&mut s, &store, Action::PageUp).await;
    }
    assert_eq!(screen(&s), top);
    // The mouse wheel scrolls the panel too, three rows a notch, the selection kept.
    let selected = s.user.milestone;
    settle(&mut s, &store, Action::Scroll(false)).await;
    assert_eq!((s.user.panel, s.user.milestone), (3, selected));
    settle(&mut s, &store, Action::Scroll(true)).await;
    assert_eq!(screen(&s), top);
    settle(&mut s, &store, Action::PageDown).await;
    settle(&mut s, &store, Action::Left).await;
    assert_eq!(s.user.panel, 0, "a new selection's panel starts at its top");
}

/// The shortest run of moves from box `from` to box `to` along the graph, as the keys make them.
fn moves(g: &Graph, from: usize, to: usize) -> Vec<Step> {
    let steps = [Step::Left, Step::Right, Step::Up, Step::Down];
    let mut paths = vec![(from, Vec::new())];
    let mut seen = std::collections::BTreeSet::from([from]);
    while !paths.is_empty() {
        let mut next = Vec::new();
        for (n, path) in paths {
            if n == to {
                return path;
            }
            for st in steps {
                let m = g.step(n, st);
                if seen.insert(m) {
                    let mut p: Vec<Step> = path.clone();
                    p.push(st);
                    next.push((m, p));
                }
            }
        }
        paths = next;
    }
    panic!("no way from {from} to {to}")
}

/// The selection's heavy box is drawn whole: its first line between heavy sides, its bottom.
fn selection_on_screen(screen: &[String], id: &str) -> bool {
    let head = screen.iter().any(|r| {
        ["✓", "◉", "○", "⊘"]
            .iter()
            .any(|sym| r.contains(&format!("┃{sym} {id}")))
            && r.matches('┃').count() == 2
    });
    head && screen.iter().any(|r| r.contains('┗') && r.contains('┛'))
}

#[tokio::test]
async fn a_26_milestone_map_is_walked_with_the_keys_and_panned_to_the_selection() {
    let (mut s, store) = journey_of_u062(crate::graph::tests::map_26()).await;
    let map = s.session.engine.milestones.clone();
    let g = Graph::new(
        &map,
        Geometry {
            box_w: crate::graph::MIN_BOX_W,
            name_lines: 0,
            row_gap: 1,
        },
    );
    // From the first milestone (`g g`), across the map to S12.
    settle(&mut s, &store, Action::Top).await;
    assert_eq!(selected(&s), "S0");
    // Right to the last layer, then the shortest way back to S12.
    let mut path = Vec::new();
    let mut at = 0;
    while g.step(at, Step::Right) != at {
        at = g.step(at, Step::Right);
        path.push(Step::Right);
    }
    assert!(path.len() > 10, "across the map's layers: {path:?}");
    let target = map.ids().position(|m| m == "S12").expect("S12");
    path.extend(moves(&g, at, target));
    for step in path {
        let key = match step {
            Step::Left => Action::Left,
            Step::Right => Action::Right,
            Step::Up => Action::Up,
            Step::Down => Action::Down,
        };
        settle(&mut s, &store, key).await;
        let id = selected(&s);
        for (w, h) in [(80, 24), (120, 40)] {
            let screen = rows(&s, w, h);
            assert!(
                selection_on_screen(&screen, &id),
                "{w}×{h}: {id} on screen\n{}",
                screen.join("\n")
            );
        }
    }
    assert_eq!(selected(&s), "S12");
    snap("journey_26", &mut s);
    // A closure too long for one row (the last milestone's) wraps under its value, not under
    // the label.
    settle(&mut s, &store, Action::Bottom).await;
    let screen = rows(&s, 80, 24);
    let at = screen
        .iter()
        .position(|r| r.contains("needs      "))
        .expect("the needs row");
    let col = screen[at].find("needs      ").expect("label");
    let next = &screen[at + 1][col..];
    assert!(
        next.starts_with("           ") && !next[11..].starts_with(' '),
        "{}\n{}",
        screen[at],
        screen[at + 1]
    );
    settle(&mut s, &store, Action::Top).await;
    // The title reads whole at 80 columns: the part of the graph shown (its rows too, where
    // they do not all fit).
    s.ui.size = (80, 24);
    let title = rows(&s, 80, 24)[1].clone();
    assert!(
        title.contains("Milestones · 26") && title.contains(" · cols "),
        "{title}"
    );
    let ends = title.trim_end_matches(['─', '╮']);
    if let Some((_, range)) = ends.rsplit_once(" · rows ") {
        let parts: Vec<&str> = range.trim_end().split(['-', '/']).collect();
        assert!(
            parts.len() == 3 && parts.iter().all(|n| n.parse::<u16>().is_ok()),
            "the row range whole: {title}"
        );
    }
    let wide = rows(&s, 120, 40)[1].clone();
    assert!(wide.contains("h/j/k/l move · view "), "{wide}");
}

/// The demo's u062 on the Journey screen, under the milestone map `map`.
pub(super) async fn journey_of_u062(
    map: crate::engine::milestones::MilestoneMap,
) -> (State, crate::tui::effects::EffectContext) {
    let engine = crate::engine::Engine::new(map);
    let store = std::sync::Arc::new(crate::store::MemoryStore::demo());
    let (mut s, store) = crate::app::update::tests::app_with(store, engine, false).await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    (s, store)
}

/// A map too tall for names on lines of their own keeps a few letters of every name after its
/// id, panned where the boxes do not fit: a wider screen never shows less than a narrower one.
#[test]
fn a_wide_screen_never_drops_the_names_a_narrow_one_shows() {
    use crate::engine::milestones::{MilestoneDef, MilestoneMap};
    let defs = (0..30)
        .map(|i: usize| MilestoneDef {
            id: format!("M{i}"),
            name: format!("Extremely Long Milestone Name Number {i} About Compliance"),
            // A chain of 19 (layers), and 11 more after its first (rows).
            depends_on: match i {
                0 => vec![],
                1..19 => vec![format!("M{}", i - 1)],
                _ => vec!["M0".to_string()],
            },
        })
        .collect();
    let map = MilestoneMap::new(defs).expect("a DAG");
    for (w, h) in [(118, 38), (198, 58), (238, 58)] {
        let g = super::journey::sized(&map, w, h);
        assert!(!g.drops_names(), "{w}×{h}: {:?}", g.geometry());
    }
    // Names after the id: a wider screen's boxes are never narrower than a narrower one's
    // (squeezing the map to fit would show less of every name than panning it does), here for
    // seed 000's map and 20 more milestones, which fit 200 columns only in 9-column boxes.
    let extra: &[(&str, &[&str])] = &[
        ("M10", &["M3", "M8"]),
        ("M11", &["M2", "M5"]),
        ("M12", &["M7", "M9"]),
        ("M13", &["M9", "M10"]),
        ("M14", &["M1", "M9"]),
        ("M15", &["M0", "M13"]),
        ("M16", &["M4", "M15"]),
        ("M17", &["M6", "M7"]),
        ("M18", &["M15", "M17"]),
        ("M19", &["M4", "M12"]),
        ("M20", &["M4", "M7"]),
        ("M21", &["M12", "M16"]),
        ("M22", &["M0", "M21"]),
        ("M23", &["M2", "M5"]),
        ("M24", &["M1", "M18"]),
        ("M25", &["M9", "M24"]),
        ("M26", &["M0", "M8"]),
        ("M27", &["M15", "M19"]),
        ("M28", &["M12", "M23"]),
        ("M29", &["M22", "M25"]),
    ];
    let mut defs = MilestoneMap::default().defs().to_vec();
    defs.extend(extra.iter().map(|(id, deps)| MilestoneDef {
        id: (*id).to_string(),
        name: format!("Extended Milestone Number {}", &id[1..]),
        depends_on: deps.iter().map(|d| (*d).to_string()).collect(),
    }));
    let chain = MilestoneMap::new(defs).expect("a DAG");
    let mut last: Option<((u16, u16), crate::graph::Geometry)> = None;
    for (w, h) in [
        (118, 38),
        (138, 42),
        (158, 48),
        (178, 54),
        (198, 58),
        (238, 58),
    ] {
        let geo = super::journey::sized(&chain, w, h).geometry();
        if let Some((at, before)) = last
            && before.name_lines == 0
            && geo.name_lines == 0
        {
            assert!(
                geo.box_w >= before.box_w,
                "{w}×{h}: {geo:?} narrower than at {at:?}: {before:?}"
            );
        }
        last = Some(((w, h), geo));
    }
}

/// A user whose milestone the map does not know (a custom map over other data): the graph's
/// title says so, and so does each transition preview, rather than showing no current box
/// without a word.
#[tokio::test]
async fn a_users_milestone_the_map_does_not_know_is_said_on_journey() {
    use crate::engine::milestones::{MilestoneDef, MilestoneMap};
    let defs: Vec<MilestoneDef> = (0..3)
        .map(|i: usize| MilestoneDef {
            id: format!("S{i}"),
            name: format!("Stage {i}"),
            depends_on: (i > 0).then(|| format!("S{}", i - 1)).into_iter().collect(),
        })
        .collect();
    let (s, _store) = journey_of_u062(MilestoneMap::new(defs).expect("a DAG")).await;
    let current = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.data().current_milestone.clone());
    let m = current.expect("u062 has a milestone");
    for (w, h) in [(80, 24), (120, 40)] {
        let all = rows(&s, w, h).join("\n");
        assert!(
            all.contains(&format!("the user's {m} is not in this map")),
            "{w}×{h}:\n{all}"
        );
    }
    let all = rows(&s, 120, 40).join("\n");
    assert!(
        all.contains("no box is current"),
        "the graph's title says why:\n{all}"
    );
}

/// A user without a journey row is told so on the map, not shown as a user at M0.
#[tokio::test]
async fn a_user_without_a_journey_row_is_told_so_on_the_map() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u067").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    assert!(
        s.user
            .view
            .as_ref()
            .is_some_and(|v| v.data().current_milestone.is_none())
    );
    let text = |s: &State| super::screen_tests::text(s, 120, 40);
    assert!(text(&s).contains("no journey row: a new user's map"));
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowJourney).await;
    let t = text(&s);
    assert!(
        t.contains(" Milestones · ") && !t.contains("no journey row"),
        "{t}"
    );
}

/// A map too large to draw is said to be, with how to move through it; the selection's panel
/// and the dependency list stay, and the keys move the selection as on a drawn map.
#[tokio::test]
async fn a_map_too_large_to_draw_is_said_and_its_milestones_still_listed() {
    let (mut s, store) = journey_of_u062(crate::graph::size_tests::scattered(1_000)).await;
    settle(&mut s, &store, Action::Top).await;
    settle(&mut s, &store, Action::Right).await;
    let moved = selected(&s);
    assert_ne!(moved, "S0", "moved along the graph");
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = rows(&s, w, h).join("\n");
        assert!(screen.contains("Too large to draw"), "{w}×{h}:\n{screen}");
        assert!(
            screen.contains(&format!("{moved} ")),
            "{w}×{h}: the selection's panel:\n{screen}"
        );
        assert!(!screen.contains('┏'), "{w}×{h}: no box drawn:\n{screen}");
        // What a drawing would say: where the user is (not on this map), and the moments.
        assert!(
            screen.contains("M9")
                && screen.contains("is not in this map.")
                && screen.contains("╰ now ·"),
            "{w}×{h}:\n{screen}"
        );
    }
    assert!(rows(&s, 120, 40).join("\n").contains("Depends on"));
}
