//! The order of each layer's slots and their rows: barycentre sweeps that keep crossings
//! low, and rows as level with their neighbours as that order allows.

use super::{Graph, Slot};

impl Graph {
    /// The slots of each layer, in map order, edges passing through after the milestones.
    fn slots(&self) -> Vec<Vec<Slot>> {
        let n = self.layer.iter().max().map_or(0, |m| m + 1);
        let mut out = vec![Vec::new(); n];
        for (i, &l) in self.layer.iter().enumerate() {
            out[l].push(Slot::Node(i));
        }
        for (e, &(a, b)) in self.edges.iter().enumerate() {
            for layer in out.iter_mut().take(self.layer[b]).skip(self.layer[a] + 1) {
                layer.push(Slot::Pass(e));
            }
        }
        out
    }

    /// The slots `slot` (in layer `l`) connects to in layer `l - 1` (`before`) or `l + 1`.
    fn neighbours(&self, slot: Slot, l: usize, before: bool) -> Vec<Slot> {
        let other = if before { l.wrapping_sub(1) } else { l + 1 };
        let via = |e: usize| {
            let (a, b) = self.edges[e];
            let end = if before { a } else { b };
            if self.layer[end] == other {
                Slot::Node(end)
            } else {
                Slot::Pass(e)
            }
        };
        match slot {
            Slot::Pass(e) => vec![via(e)],
            Slot::Node(n) => self
                .edges
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| if before { *b == n } else { *a == n })
                .map(|(e, _)| via(e))
                .collect(),
        }
    }

    /// Each layer's slots in the order with the fewest crossings barycentre sweeps found.
    pub(super) fn order(&self) -> Vec<Vec<Slot>> {
        let mut order = self.slots();
        let mut best = (self.crossings(&order), order.clone());
        for pass in 0..12 {
            let down = pass % 2 == 0;
            let layers: Vec<usize> = if down {
                (1..order.len()).collect()
            } else {
                (0..order.len().saturating_sub(1)).rev().collect()
            };
            for l in layers {
                let fixed = if down { l - 1 } else { l + 1 };
                let pos = |s: Slot| order[fixed].iter().position(|x| *x == s);
                let mut keyed: Vec<(f64, Slot)> = order[l]
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| {
                        let ps: Vec<usize> = self
                            .neighbours(s, l, down)
                            .into_iter()
                            .filter_map(pos)
                            .collect();
                        let key = if ps.is_empty() {
                            i as f64
                        } else {
                            ps.iter().sum::<usize>() as f64 / ps.len() as f64
                        };
                        (key, s)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                order[l] = keyed.into_iter().map(|(_, s)| s).collect();
            }
            let c = self.crossings(&order);
            if c < best.0 {
                best = (c, order.clone());
            }
        }
        best.1
    }

    /// Pairs of segments between adjacent layers that cross.
    pub(super) fn crossings(&self, order: &[Vec<Slot>]) -> usize {
        let mut total = 0;
        for l in 0..order.len().saturating_sub(1) {
            let pos = |layer: usize, s: Slot| order[layer].iter().position(|x| *x == s);
            let segs: Vec<(usize, usize)> = order[l]
                .iter()
                .enumerate()
                .flat_map(|(i, &s)| {
                    self.neighbours(s, l, false)
                        .into_iter()
                        .filter_map(move |t| pos(l + 1, t).map(|j| (i, j)))
                })
                .collect();
            for (k, a) in segs.iter().enumerate() {
                total += segs[k + 1..]
                    .iter()
                    .filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1))
                    .count();
            }
        }
        total
    }

    /// Rows for the ordered slots: as level with their neighbours as order allows, so that
    /// edges run straight where they can.
    pub(super) fn rows(&self, order: Vec<Vec<Slot>>) -> Vec<Vec<(Slot, u16)>> {
        let mut rows: Vec<Vec<u16>> = order.iter().map(|l| vec![0; l.len()]).collect();
        let mean = |v: Vec<u16>| -> Option<u16> {
            (!v.is_empty()).then(|| {
                let sum: u32 = v.iter().map(|&r| u32::from(r)).sum();
                (f64::from(sum) / v.len() as f64).round() as u16
            })
        };
        for l in 0..order.len() {
            let mut last: Option<u16> = None;
            for (i, &s) in order[l].iter().enumerate() {
                let wanted = if l == 0 {
                    i as u16
                } else {
                    let ps = self.neighbours(s, l, true);
                    let prev: Vec<u16> = ps
                        .iter()
                        .filter_map(|p| order[l - 1].iter().position(|x| x == p))
                        .map(|j| rows[l - 1][j])
                        .collect();
                    mean(prev).unwrap_or(last.map_or(0, |r| r + 1))
                };
                let r = last.map_or(wanted, |p| wanted.max(p + 1));
                rows[l][i] = r;
                last = Some(r);
            }
        }
        // Then pull boxes down towards what they lead to, within their order.
        for l in (0..order.len().saturating_sub(1)).rev() {
            for i in (0..order[l].len()).rev() {
                let next: Vec<u16> = self
                    .neighbours(order[l][i], l, false)
                    .iter()
                    .filter_map(|n| order[l + 1].iter().position(|x| x == n))
                    .map(|j| rows[l + 1][j])
                    .collect();
                let upper = rows[l].get(i + 1).map_or(u16::MAX, |r| r - 1);
                if let Some(want) = mean(next).filter(|w| *w > rows[l][i]) {
                    rows[l][i] = want.min(upper);
                }
            }
        }
        order
            .into_iter()
            .zip(rows)
            .map(|(slots, rs)| slots.into_iter().zip(rs).collect())
            .collect()
    }
}
