use super::*;
use crate::engine::milestones::MilestoneDef;

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

/// A map of 36 milestones as a team might configure: the seed's ten, then 26 more that each
/// depend on one to three earlier ones (a fixed pseudo-random choice), with long names.
fn map_36() -> MilestoneMap {
    let mut defs = MilestoneMap::default().defs().to_vec();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    for i in 10..36u64 {
        let mut deps: Vec<String> = (0..1 + next(3)).map(|_| format!("M{}", next(i))).collect();
        deps.sort();
        deps.dedup();
        defs.push(MilestoneDef {
            id: format!("M{i}"),
            name: format!("Hiring the first engineering team {i}"),
            depends_on: deps,
        });
    }
    MilestoneMap::new(defs).expect("a DAG")
}

/// The boxes whose arrows the lines out of box `n` reach, followed cell by cell as a reader
/// follows them: two cells join where each has a line towards the other (a `│` a line passes
/// under has no arm towards it).
fn reached(g: &Graph, canvas: &Canvas, n: usize) -> BTreeSet<usize> {
    let edge = |x: u16, y: u16| {
        canvas
            .get(x, y)
            .filter(|c| matches!(c.role, Role::Edge { .. }))
    };
    let r = g.rect(n).expect("placed");
    let start = (r.x + r.w, r.y + g.geometry().mid());
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    let mut found = BTreeSet::new();
    while let Some((x, y)) = todo.pop() {
        let Some(c) = edge(x, y) else { continue };
        if !seen.insert((x, y)) {
            continue;
        }
        if c.ch == '▶' {
            let into = (0..g.ids().len()).find(|&m| {
                g.rect(m)
                    .is_some_and(|b| b.x == x + 1 && (b.y..b.y + b.h).contains(&y))
            });
            found.extend(into);
        }
        use super::route::{DOWN, LEFT, RIGHT, UP};
        let a = arms(c.ch);
        let mut go = |dx: i32, dy: i32, back: u8| {
            let (mut nx, mut ny) = (i32::from(x) + dx, i32::from(y) + dy);
            // A line across passes under a channel's `│`: it goes on beyond it.
            while dy == 0
                && let (Ok(cx), Ok(cy)) = (u16::try_from(nx), u16::try_from(ny))
                && edge(cx, cy).is_some_and(|d| d.ch == '│')
            {
                nx += dx;
                ny += dy;
            }
            if let (Ok(nx), Ok(ny)) = (u16::try_from(nx), u16::try_from(ny))
                && edge(nx, ny).is_some_and(|d| arms(d.ch) & back != 0)
            {
                todo.push((nx, ny));
            }
        };
        if a & LEFT != 0 {
            go(-1, 0, RIGHT);
        }
        if a & RIGHT != 0 {
            go(1, 0, LEFT);
        }
        if a & UP != 0 {
            go(0, -1, DOWN);
        }
        if a & DOWN != 0 {
            go(0, 1, UP);
        }
    }
    found
}

/// Followed line by line, the lines out of each box lead into exactly the boxes it leads to:
/// lines into one box from several sources enter it on rows of their own, so a source that
/// leads to several boxes never reads as leading where another leads (with names on lines of
/// their own, the boxes have the rows). Without rows to spare (names after the id), every
/// box a source leads to is still reached.
#[test]
fn the_lines_out_of_a_box_lead_only_to_the_boxes_it_leads_to() {
    // Four sources, three into one box, one of them into another too, one elsewhere.
    let def = |id: &str, deps: &[&str]| MilestoneDef {
        id: id.into(),
        name: format!("Stage {id}"),
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
    };
    let fan = MilestoneMap::new(vec![
        def("A", &[]),
        def("B", &[]),
        def("C", &[]),
        def("D", &[]),
        def("T", &["A", "C", "D"]),
        def("U", &["B"]),
        def("V", &["D"]),
    ])
    .expect("a DAG");
    for (name, map) in [
        ("seed", MilestoneMap::default()),
        ("26", map_26()),
        ("36", map_36()),
        ("fan", fan),
    ] {
        // Names on two lines of their own (three rows a side), on one line with the boxes
        // stacked (80×24), after the id (one row).
        for (name_lines, row_gap) in [(2, 1), (1, 0), (0, 1)] {
            let g = Graph::new(
                &map,
                Geometry {
                    box_w: 14,
                    name_lines,
                    row_gap,
                },
            );
            let canvas = g.draw(&labels(&g), &[]);
            for n in 0..g.ids().len() {
                let leads: BTreeSet<usize> = g
                    .edges()
                    .iter()
                    .filter(|&&(a, _)| a == n)
                    .map(|&(_, b)| b)
                    .collect();
                let got = reached(&g, &canvas, n);
                let ids = |s: &BTreeSet<usize>| -> Vec<&str> {
                    s.iter().map(|&m| g.ids()[m].as_str()).collect()
                };
                if name_lines == 2 {
                    assert_eq!(
                        ids(&got),
                        ids(&leads),
                        "map {name}: {}\n{}",
                        g.ids()[n],
                        canvas.lines().join("\n")
                    );
                } else {
                    assert!(got.is_superset(&leads), "map {name}: {}", g.ids()[n]);
                }
            }
        }
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

/// The line glyphs' arms.
fn arms(ch: char) -> u8 {
    use route::{DOWN, LEFT, RIGHT, UP};
    match ch {
        '─' => LEFT | RIGHT,
        '│' => UP | DOWN,
        '╭' => DOWN | RIGHT,
        '╮' => DOWN | LEFT,
        '╰' => UP | RIGHT,
        '╯' => UP | LEFT,
        '├' => UP | DOWN | RIGHT,
        '┤' => UP | DOWN | LEFT,
        '┬' => LEFT | RIGHT | DOWN,
        '┴' => LEFT | RIGHT | UP,
        '┼' => UP | DOWN | LEFT | RIGHT,
        '▶' => LEFT,
        _ => 0,
    }
}

/// The box whose left edge is at column `x` and spans row `y`.
fn box_at(g: &Graph, x: u16, y: u16) -> Option<usize> {
    (0..g.ids().len()).find(|&m| {
        g.rect(m)
            .is_some_and(|r| r.x == x && (r.y..r.y + r.h).contains(&y))
    })
}

/// Every box a reader can reach following the lines out of `n`'s box anywhere but back left:
/// at a junction a line branches; a line across that meets a `│` passes under it.
fn reachable(g: &Graph, canvas: &Canvas, n: usize) -> BTreeSet<usize> {
    use route::{DOWN, RIGHT, UP};
    let back = |d: u8| match d {
        UP => DOWN,
        DOWN => UP,
        _ => route::LEFT,
    };
    let r = g.rect(n).expect("placed");
    let mut found = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut todo = vec![(r.x + r.w, r.y + g.geometry().mid(), RIGHT)];
    while let Some((x, y, d)) = todo.pop() {
        if !seen.insert((x, y, d)) {
            continue;
        }
        let Some(c) = canvas
            .get(x, y)
            .filter(|c| matches!(c.role, Role::Edge { .. }))
        else {
            continue;
        };
        if c.ch == '│' && d == RIGHT {
            todo.push((x + 1, y, d));
            continue;
        }
        let m = arms(c.ch);
        if m & back(d) == 0 {
            continue;
        }
        if c.ch == '▶' {
            found.extend(box_at(g, x + 1, y));
            continue;
        }
        if m & UP != 0 && d != DOWN {
            todo.extend(y.checked_sub(1).map(|y| (x, y, UP)));
        }
        if m & DOWN != 0 && d != UP {
            todo.push((x, y + 1, DOWN));
        }
        if m & RIGHT != 0 {
            todo.push((x + 1, y, RIGHT));
        }
    }
    found
}

/// The box the line straight out of `n`'s box runs into, if it runs on to an arrow: across
/// junctions and under `│`, until it turns.
fn straight_on(g: &Graph, canvas: &Canvas, n: usize) -> Option<usize> {
    let r = g.rect(n).expect("placed");
    let y = r.y + g.geometry().mid();
    let mut x = r.x + r.w;
    loop {
        let c = canvas
            .get(x, y)
            .filter(|c| matches!(c.role, Role::Edge { .. }))?;
        match c.ch {
            '▶' => return box_at(g, x + 1, y),
            '│' => {}
            ch if arms(ch) & route::RIGHT == 0 => return None,
            _ => {}
        }
        x += 1;
    }
}

/// A DAG of `n` milestones from `seed`: each depends on up to three earlier ones.
fn random_map(seed: u64, n: usize) -> MilestoneMap {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |m: usize| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) as usize) % m.max(1)
    };
    let defs = (0..n)
        .map(|i| {
            let mut deps: Vec<String> = Vec::new();
            if i > 0 {
                for _ in 0..=next(3) {
                    let d = format!("R{}", i - 1 - next(i.min(6)));
                    if !deps.contains(&d) {
                        deps.push(d);
                    }
                }
            }
            if i > 0 && next(5) == 0 {
                deps.clear();
            }
            MilestoneDef {
                id: format!("R{i}"),
                name: format!("Stage {i}"),
                depends_on: deps,
            }
        })
        .collect();
    MilestoneMap::new(defs).expect("a DAG")
}

/// Every box's dependants, by node.
fn dependants(g: &Graph, n: usize) -> BTreeSet<usize> {
    g.edges()
        .iter()
        .filter(|(a, _)| *a == n)
        .map(|&(_, b)| b)
        .collect()
}

/// What a reader gets wrong about `g`: a dependant the lines out of a box never reach, or a
/// line straight out of a box that runs on into a box it does not lead to (it ran along
/// another edge's line).
fn misreadings(g: &Graph) -> Vec<String> {
    let canvas = g.draw(&labels(g), &[]);
    let mut wrong = Vec::new();
    for n in 0..g.ids().len() {
        let want = dependants(g, n);
        let unreached: Vec<&String> = want
            .difference(&reachable(g, &canvas, n))
            .map(|&m| &g.ids()[m])
            .collect();
        if !unreached.is_empty() {
            wrong.push(format!("{} never reaches {unreached:?}", g.ids()[n]));
        }
        if let Some(m) = straight_on(g, &canvas, n).filter(|m| !want.contains(m)) {
            wrong.push(format!("{} runs straight into {}", g.ids()[n], g.ids()[m]));
        }
    }
    if !wrong.is_empty() {
        wrong.push(canvas.lines().join("\n"));
    }
    wrong
}

#[test]
fn the_lines_out_of_a_box_lead_to_its_dependants_and_nowhere_else() {
    let mut misread_before_untangling = 0;
    for seed in 0..200u64 {
        let map = random_map(seed, 6 + (seed as usize % 25));
        for geo in [
            Geometry {
                box_w: 10,
                name_lines: 0,
                row_gap: 0,
            },
            Geometry {
                box_w: 14,
                name_lines: 2,
                row_gap: 1,
            },
        ] {
            let g = Graph::new(&map, geo);
            // No empty rows above every box.
            let top = g.layers.iter().flatten().map(|(_, r)| *r).min();
            assert_eq!(top, Some(0), "seed {seed}");
            let wrong = misreadings(&g);
            assert!(
                wrong.is_empty(),
                "seed {seed} {geo:?}:\n{}",
                wrong.join("\n")
            );
            // The same layout before rows were moved apart: the check can fail.
            let mut raw = g.clone();
            raw.layers = raw.rows(raw.order());
            raw.gaps = route::gap_widths(&raw);
            if !misreadings(&raw.with_geometry(geo)).is_empty() {
                misread_before_untangling += 1;
            }
        }
    }
    assert!(
        misread_before_untangling > 20,
        "{misread_before_untangling}"
    );
}

/// A map of a hundred milestones, each depending on up to three anywhere before it, is laid
/// out (the moves stop at their work bound: trying every one took minutes) with every
/// dependant reached along the lines.
#[test]
fn a_hundred_milestones_are_laid_out_and_every_edge_drawn() {
    let defs = (0..100usize)
        .map(|i| {
            let mut deps: Vec<String> = [7, 13, 29]
                .iter()
                .filter(|_| i > 0)
                .map(|k| format!("R{}", (i * k + 3) % i))
                .collect();
            deps.sort();
            deps.dedup();
            MilestoneDef {
                id: format!("R{i}"),
                name: format!("Stage {i}"),
                depends_on: deps,
            }
        })
        .collect();
    let map = MilestoneMap::new(defs).expect("a DAG");
    let g = Graph::new(
        &map,
        Geometry {
            box_w: 10,
            name_lines: 0,
            row_gap: 1,
        },
    );
    let canvas = g.draw(&labels(&g), &[]);
    for n in 0..g.ids().len() {
        let want = dependants(&g, n);
        assert!(
            want.is_subset(&reachable(&g, &canvas, n)),
            "{} reaches {:?} of {:?}",
            g.ids()[n],
            reachable(&g, &canvas, n),
            want
        );
    }
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
