use super::*;
use crate::engine::milestones::MilestoneDef;

mod reading;

fn seed() -> Graph {
    Graph::new(
        &MilestoneMap::default(),
        Geometry {
            box_w: 14,
            name_lines: 2,
            row_gap: 1,
        },
    )
}

/// A custom map of 26 milestones: a main line with branches that join again, edges that skip
/// layers, and two starting points.
pub(crate) fn map_26() -> MilestoneMap {
    let defs = (0..26)
        .map(|i: usize| {
            let mut deps = Vec::new();
            if !i.is_multiple_of(7) {
                deps.push(format!("S{}", i - 1));
            }
            if i >= 4 && i.is_multiple_of(3) {
                deps.push(format!("S{}", i - 4));
            }
            if i >= 10 && i.is_multiple_of(5) {
                deps.push(format!("S{}", i - 9));
            }
            MilestoneDef {
                id: format!("S{i}"),
                name: format!("Stage {i} of the custom journey"),
                depends_on: deps,
            }
        })
        .collect();
    MilestoneMap::new(defs).expect("a DAG")
}

fn labels(g: &Graph) -> Vec<Label> {
    g.ids()
        .iter()
        .map(|id| Label {
            head: format!("○ {id}"),
            name: "Name".into(),
            frame: Frame::Plain,
        })
        .collect()
}

fn id_edges(g: &Graph) -> Vec<(String, String)> {
    g.edges()
        .iter()
        .map(|&(a, b)| (g.ids()[a].clone(), g.ids()[b].clone()))
        .collect()
}

#[test]
fn edges_implied_by_longer_paths_are_not_drawn() {
    let g = seed();
    let e = id_edges(&g);
    let has = |a: &str, b: &str| e.contains(&(a.to_string(), b.to_string()));
    assert!(has("M0", "M1") && has("M1", "M2") && has("M2", "M3") && has("M3", "M4"));
    assert!(has("M4", "M9") && has("M7", "M9") && has("M8", "M9"));
    assert!(!has("M0", "M9"), "M9 reaches M0 through M4");
    assert!(!has("M1", "M4"), "M4 reaches M1 through M3");
    assert_eq!(e.len(), 10, "{e:?}");
}

#[test]
fn the_seed_map_has_no_crossings() {
    let g = seed();
    let order: Vec<Vec<Slot>> = g
        .layers
        .iter()
        .map(|l| l.iter().map(|(s, _)| *s).collect())
        .collect();
    assert_eq!(g.crossings(&order), 0);
    assert_eq!(g.layer_count(), 7);
}

#[test]
fn the_seed_map_drawn() {
    let g = seed();
    let names = MilestoneMap::default();
    let labels: Vec<Label> = g
        .ids()
        .iter()
        .map(|id| Label {
            head: format!("✓ {id}"),
            name: names.name(id).to_string(),
            frame: if id == "M9" {
                Frame::Double
            } else {
                Frame::Plain
            },
        })
        .collect();
    let lit: Vec<bool> = g.edges().iter().map(|&(_, b)| g.ids()[b] == "M9").collect();
    let canvas = g.draw(&labels, &lit);
    insta::assert_snapshot!("seed_map", canvas.lines().join("\n"));
    // The lit edges are exactly those into M9.
    let lit_cells = canvas
        .cells
        .iter()
        .filter(|c| c.role == Role::Edge { lit: true })
        .count();
    assert!(lit_cells > 20, "{lit_cells}");
}

#[test]
fn every_edge_ends_in_one_arrow_per_target_and_no_line_crosses_a_box() {
    for g in [
        seed(),
        Graph::new(
            &map_26(),
            Geometry {
                box_w: 10,
                name_lines: 0,
                row_gap: 1,
            },
        ),
    ] {
        let canvas = g.draw(&labels(&g), &[]);
        let targets: BTreeSet<usize> = g.edges().iter().map(|&(_, b)| b).collect();
        let mut all_arrows = 0;
        for n in 0..g.ids().len() {
            let r = g.rect(n).expect("placed");
            // The arrows into a box sit just left of it: one per edge into it, each on a row of
            // its own while the box has rows for them (the middle one with a single edge).
            let into = g.edges().iter().filter(|&&(_, b)| b == n).count();
            let arrows = (r.y + 1..r.y + r.h - 1)
                .filter(|&y| {
                    r.x.checked_sub(1)
                        .and_then(|x| canvas.get(x, y))
                        .is_some_and(|c| c.ch == '▶')
                })
                .count();
            assert_eq!(arrows, into.min(usize::from(r.h - 2)), "{}", g.ids()[n]);
            all_arrows += arrows;
            if into == 1 {
                let a = canvas.get(r.x - 1, r.y + g.geometry().mid()).expect("cell");
                assert_eq!(a.ch, '▶', "{}", g.ids()[n]);
            }
            for y in r.y..r.y + r.h {
                for x in r.x..r.x + r.w {
                    let c = canvas.get(x, y).expect("inside");
                    assert!(
                        matches!(c.role, Role::Border(m) | Role::Text(m) if m == n),
                        "{} at {x},{y}: {c:?}",
                        g.ids()[n]
                    );
                }
            }
        }
        assert_eq!(
            all_arrows,
            canvas.cells.iter().filter(|c| c.ch == '▶').count()
        );
        assert!(all_arrows >= targets.len());
    }
}

#[test]
fn a_26_milestone_map_is_laid_out_and_every_box_can_be_reached() {
    let g = Graph::new(
        &map_26(),
        Geometry {
            box_w: 10,
            name_lines: 0,
            row_gap: 1,
        },
    );
    let canvas = g.draw(&labels(&g), &[]);
    let text = canvas.lines().join("\n");
    for id in g.ids() {
        assert!(text.contains(&format!("○ {id}")), "{id} drawn:\n{text}");
    }
    // Walking right and down from the first box reaches every box.
    let mut seen = BTreeSet::from([0]);
    let mut todo = vec![0];
    while let Some(n) = todo.pop() {
        for step in [Step::Left, Step::Right, Step::Up, Step::Down] {
            let m = g.step(n, step);
            if seen.insert(m) {
                todo.push(m);
            }
        }
    }
    assert_eq!(seen.len(), 26);
}

#[test]
fn moving_follows_edges_then_layers() {
    let g = seed();
    let id = |s: &str| g.ids().iter().position(|x| x == s).expect("id");
    assert_eq!(g.step(id("M0"), Step::Right), id("M1"));
    assert_eq!(g.step(id("M2"), Step::Left), id("M1"));
    assert_eq!(g.step(id("M0"), Step::Left), id("M0"), "nothing before");
    assert_eq!(g.step(id("M8"), Step::Right), id("M9"), "its dependant");
    // M9's dependencies: M4, M7, M8; the nearest row first.
    assert_eq!(g.step(id("M9"), Step::Left), id("M7"));
    assert_eq!(g.step(id("M3"), Step::Down), id("M5"));
    assert_eq!(g.step(id("M5"), Step::Up), id("M3"));
    assert_eq!(g.step(id("M5"), Step::Down), id("M5"));
}

#[test]
fn fit_chooses_boxes_for_the_width() {
    let g = seed();
    let narrow = g.fit(78, 0);
    let (w, _) = g.clone().with_geometry(narrow).size();
    assert!(w <= 78, "{w}");
    // 118 columns hold every seed name whole on two lines: each layer as wide as it needs.
    let wide = g.clone().with_geometry(g.fit(118, 2));
    assert_eq!(wide.geometry().name_lines, 2);
    assert!(wide.size().0 <= 118, "{:?}", wide.size());
    let names = MilestoneMap::default();
    let text = wide.draw(&labels(&wide), &[]).lines().join("\n");
    assert!(!text.contains('…'), "{text}");
    let labels: Vec<Label> = wide
        .ids()
        .iter()
        .map(|id| Label {
            head: format!("✓ {id}"),
            name: names.name(id).to_string(),
            frame: Frame::Plain,
        })
        .collect();
    let text = wide.draw(&labels, &[]).lines().join("\n");
    assert!(
        text.contains("Manufacturing") && !text.contains('…'),
        "{text}"
    );
}

#[test]
fn wrapped_names_are_cut_with_an_ellipsis() {
    assert_eq!(
        route::wrap("Logistics & Fulfilment", 10, 2),
        ["Logistics", "& Fulfilm…"]
    );
    assert_eq!(
        route::wrap("Customer Validation", 10, 2),
        ["Customer", "Validation"]
    );
    assert_eq!(route::wrap("A\u{1b}[2J", 10, 2), ["A␛[2J"]);
}

#[test]
fn combining_accents_stay_with_their_letters() {
    let g = seed();
    let names = ["Cafe\u{301} opening", "日本\u{301}語 plan"];
    let labels: Vec<Label> = g
        .ids()
        .iter()
        .enumerate()
        .map(|(i, id)| Label {
            head: format!("○ {id}"),
            name: names[i % 2].to_string(),
            frame: Frame::Plain,
        })
        .collect();
    let lit = vec![false; g.edges().len()];
    let text = g.draw(&labels, &lit).lines().join("\n");
    assert!(text.contains("Cafe\u{301}"), "{text}");
    assert!(text.contains("日本\u{301}語"), "{text}");
    // The accent takes no cell of its own: the boxes' right borders still line up.
    let canvas = g.draw(&labels, &lit);
    let marked = canvas.cells.iter().filter(|c| c.mark.is_some()).count();
    assert_eq!(marked, 10, "one accent in each of the 10 boxes");
}

/// A box is as wide as its id is shown (`\u{202e}RTL`, escaped), not as the id is stored (a
/// bidi control takes no column), so the id is not cut to `…`.
#[test]
fn a_box_is_sized_for_its_id_as_shown() {
    let map = MilestoneMap::new(vec![MilestoneDef {
        id: "\u{202e}RTL".into(),
        name: "\u{202e}RTL".into(),
        depends_on: vec![],
    }])
    .expect("a DAG");
    let g = Graph::new(&map, seed().geometry());
    let shown = crate::text::shown_id("\u{202e}RTL");
    assert_eq!(shown, "\\u{202e}RTL");
    assert!(
        usize::from(g.fit(200, 0).box_w) >= shown.width() + 4,
        "{:?}",
        g.fit(200, 0)
    );
}
