//! Maps too large to draw: said, never drawn, and still moved through.

use crate::engine::milestones::{MilestoneDef, MilestoneMap};

use super::{Geometry, Graph, Step};

fn geometry() -> Geometry {
    Geometry {
        box_w: super::MIN_BOX_W,
        name_lines: 0,
        row_gap: 1,
    }
}

/// `n` milestones, each depending on up to three anywhere before it (a fixed pseudo-random
/// choice): edges that span many layers, as a generated map has.
pub(crate) fn scattered(n: usize) -> MilestoneMap {
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: usize| {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 33) as usize) % m.max(1)
    };
    let defs = (0..n)
        .map(|i| {
            let mut deps: Vec<String> = (0..3)
                .filter(|_| i > 0)
                .map(|_| format!("S{}", next(i)))
                .collect();
            deps.sort();
            deps.dedup();
            MilestoneDef {
                id: format!("S{i}"),
                name: format!("Stage {i}"),
                depends_on: deps,
            }
        })
        .collect();
    MilestoneMap::new(defs).expect("a DAG")
}

/// A thousand scattered milestones lay out past what is drawn: the graph says so (so no canvas
/// of millions of cells is made), and every milestone can still be selected and moved from.
#[test]
fn a_map_too_large_to_draw_says_so_and_is_still_moved_through() {
    let g = Graph::new(&scattered(1_000), geometry());
    assert!(g.too_large_to_draw(), "{:?}", g.size());
    // Its edges pass so many layers that it is not untangled (seconds of work) to be said so.
    let why = g.why_undrawn().expect("said why");
    assert!(
        why.starts_with("its edges pass layers on their way ")
            && why.ends_with(" times, and at most 1,500 are drawn"),
        "{why}"
    );
    for n in 0..g.ids().len() {
        assert!(g.rect(n).is_some(), "{} has a place", g.ids()[n]);
    }
    let mut at = 0;
    for step in [Step::Right, Step::Down, Step::Right, Step::Up, Step::Left] {
        at = g.step(at, step);
        assert!(at < g.ids().len());
    }
    assert_ne!(at, 0, "moved");
}

/// Maps of the sizes teams configure are drawn; so is a long chain, however many layers.
#[test]
fn maps_of_usual_sizes_and_long_chains_are_drawn() {
    assert!(!Graph::new(&MilestoneMap::default(), geometry()).too_large_to_draw());
    assert!(!Graph::new(&scattered(60), geometry()).too_large_to_draw());
    assert_eq!(Graph::new(&scattered(60), geometry()).why_undrawn(), None);
    let chain = (0..1_000)
        .map(|i| MilestoneDef {
            id: format!("C{i}"),
            name: format!("Step {i}"),
            depends_on: if i == 0 {
                vec![]
            } else {
                vec![format!("C{}", i - 1)]
            },
        })
        .collect();
    let g = Graph::new(&MilestoneMap::new(chain).expect("a chain"), geometry());
    assert!(!g.too_large_to_draw(), "{:?}", g.size());
    assert_eq!(g.layer_count(), 1_000);
}
