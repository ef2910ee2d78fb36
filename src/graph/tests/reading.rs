//! Drawings read as a reader reads them: the lines out of each box followed cell by cell to the
//! boxes they reach, over a 36-milestone map and hundreds of random ones.

use super::*;

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
