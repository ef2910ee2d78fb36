//! Rows moved, one slot at a time, until no edge's line runs along another's.
//!
//! The rows [`Graph::rows`](super::Graph) chooses keep edges straight, but two edges between the
//! same layers can swap rows (`a` → `b` while `b` → `a`): each then leaves its source on the row
//! the other arrives on, and whichever channel is further right, one line runs along the other.
//! No channel order draws that apart. A slot moved to another row does: this tries every row for
//! every slot of the layers involved and keeps the move that leaves the fewest such merges, then
//! the fewest crossings, bends and rows, until no move helps or the bound of work ([`WORK`]) is
//! spent.

use super::{Graph, Slot, route};

/// How many rounds of moves at most: each removes at least one merge or stops.
const ROUNDS: usize = 32;

/// The work the moves may take, in segment pairs compared (one layout's cost compares every
/// pair): past it the best layout found so far stands. Keeps a map of a hundred milestones to
/// a fraction of a second, where trying every move would take minutes; the maps of tens of
/// milestones stay well inside it.
const WORK: usize = 15_000_000;

/// (merges, crossings, bends, rows): lower is better, in that order.
type Cost = (usize, usize, usize, u16);

/// Each layer's slots with their rows.
type Rows = Vec<Vec<(Slot, u16)>>;

impl Graph {
    fn cost(&self) -> Cost {
        let (merges, crossings, bends) = route::tangle(self);
        let rows = self.layers.iter().flat_map(|l| l.iter().map(|(_, r)| *r));
        let height = rows.clone().max().unwrap_or(0) - rows.min().unwrap_or(0);
        (merges, crossings, bends, height)
    }

    /// Rows moved up so the top one is row 0 (a move can leave rows above every box empty).
    fn raise_to_top(&mut self) {
        let top = self
            .layers
            .iter()
            .flat_map(|l| l.iter().map(|(_, r)| *r))
            .min()
            .unwrap_or(0);
        for (_, r) in self.layers.iter_mut().flatten() {
            *r -= top;
        }
    }

    pub(super) fn untangle(&mut self) {
        self.raise_to_top();
        let mut best = self.cost();
        let segments = route::segment_count(self).max(1);
        let mut tries = WORK / (segments * segments);
        for _ in 0..ROUNDS {
            if best.0 == 0 {
                return;
            }
            let mut found: Option<(Cost, Rows)> = None;
            let original = self.layers.clone();
            let top = best.3 + 1;
            for l in 0..original.len() {
                for i in 0..original[l].len() {
                    for row in 0..=top {
                        if row == original[l][i].1 {
                            continue;
                        }
                        if tries == 0 {
                            break;
                        }
                        tries -= 1;
                        self.layers = original.clone();
                        self.layers[l] = moved(&original[l], i, row);
                        let c = self.cost();
                        if c < found.as_ref().map_or(best, |f| f.0) {
                            found = Some((c, self.layers.clone()));
                        }
                    }
                }
            }
            match found {
                Some((c, layers)) if c.0 < best.0 => {
                    best = c;
                    self.layers = layers;
                    self.raise_to_top();
                }
                _ => {
                    self.layers = original;
                    return;
                }
            }
        }
    }
}

/// `layer` with slot `i` put on `row`: the others keep their order and move down where they
/// would share a row.
fn moved(layer: &[(Slot, u16)], i: usize, row: u16) -> Vec<(Slot, u16)> {
    let slot = layer[i].0;
    let mut out: Vec<(Slot, u16)> = layer
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, s)| *s)
        .collect();
    let at = out.iter().position(|(_, r)| *r >= row).unwrap_or(out.len());
    out.insert(at, (slot, row));
    for k in 1..out.len() {
        let above = out[k - 1].1;
        if out[k].1 <= above {
            out[k].1 = above + 1;
        }
    }
    out
}
