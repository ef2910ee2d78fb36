//! The milestone DAG laid out as text, one layout for the TUI's Journey screen and `ctxlens
//! graph`: longest-path layers left to right, barycentre ordering to keep crossings low, and
//! transitively reduced edges (an edge implied by a longer path is not drawn) routed between the
//! layers with box-drawing characters ([`route`]).

mod order;
mod route;
mod untangle;

use std::collections::BTreeSet;

use unicode_width::UnicodeWidthStr;

use crate::engine::milestones::MilestoneMap;
pub use route::{Canvas, Frame, Glyph, Label, Role};

/// The narrowest box: a frame, a status symbol and a short id.
pub const MIN_BOX_W: u16 = 7;

/// The most places an edge may pass a layer between the two it joins, over a drawn graph:
/// the work of untangling and routing grows fast with them (500 scattered milestones make
/// 2,400 and take a second, 1,000 make 7,000 and take 20), and a drawing of so many lines is
/// no longer read.
pub const MAX_PASSES: usize = 1_500;

/// The most cells a drawn graph may take: a map that lays out larger (hundreds of milestones
/// whose edges span many layers: thousands of columns and rows) would take seconds and
/// gigabytes a frame to draw and could not be read panned a screen at a time.
pub const MAX_DRAWN_CELLS: u32 = 1_000_000;

/// The box width of a graph too wide for the screen (it is panned).
pub const COMFORTABLE_BOX_W: u16 = 14;

/// How boxes are drawn: the widest a box may be (each layer's boxes are as wide as its labels
/// need, up to this), how many lines of name go under the id line (0: the name follows the id
/// on its line), and the blank rows between a layer's boxes (0 stacks them, for short screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub box_w: u16,
    pub name_lines: u16,
    pub row_gap: u16,
}

/// What a name needs after the id on its line to say anything: a space, two letters and `…`.
pub(crate) const NAME_ROOM: usize = 4;

/// The widest a box grows to show a whole name.
const MAX_BOX_W: u16 = 24;

impl Geometry {
    pub fn box_h(self) -> u16 {
        3 + self.name_lines
    }

    /// Rows from one slot to the next: a box and the blank rows under it.
    fn pitch(self) -> u16 {
        self.box_h() + self.row_gap
    }

    /// The row of a box where edges attach.
    fn mid(self) -> u16 {
        self.box_h() / 2
    }
}

/// A place in a layer: a milestone, or an edge passing through on its way to a later layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Node(usize),
    Pass(usize),
}

/// Where a box sits on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

/// A direction to move the selection along the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// To a dependency, else the nearest box of the layer before.
    Left,
    /// To a dependant, else the nearest box of the layer after.
    Right,
    Up,
    Down,
}

/// The laid-out graph: which layer and row each slot has; sizes come from a [`Geometry`].
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    ids: Vec<String>,
    /// Display names ("" where a milestone has none).
    names: Vec<String>,
    /// Transitively reduced edges (dependency, dependant), by node index.
    edges: Vec<(usize, usize)>,
    layer: Vec<usize>,
    /// Per layer, its slots top to bottom with their rows.
    layers: Vec<Vec<(Slot, u16)>>,
    /// Columns between layer `l` and the next, each gap as wide as it needs: a stub, one
    /// channel per bent group, the arrow (at least 3).
    gaps: Vec<u16>,
    geo: Geometry,
    /// Each layer's box width.
    widths: Vec<u16>,
    /// Too large to draw however narrow its boxes, or its edges pass too many layers: its
    /// crossings are not untangled nor its channels routed (work that grows fast with the
    /// map — seconds at a few thousand passes — for a drawing never made).
    undrawable: bool,
}

/// A map's layout: its ids, names, drawn edges and layers.
type LayoutKey = (Vec<String>, Vec<String>, Vec<(usize, usize)>, Vec<usize>);

/// The layouts made lately, by map (a few: the TUI's map, a test's).
static LAYOUTS: std::sync::Mutex<Vec<(LayoutKey, Graph)>> = std::sync::Mutex::new(Vec::new());

/// How many layouts [`LAYOUTS`] keeps.
const LAYOUTS_KEPT: usize = 4;

impl Graph {
    /// Lays out `map`'s DAG (boxes sized by `geo`, which [`Graph::fit`] can choose).
    pub fn new(map: &MilestoneMap, geo: Geometry) -> Graph {
        let mut g = Graph::unlaid(map, geo);
        // The layout depends on the map alone: made once per map (the TUI draws the graph on
        // every frame, and a large map's layout takes a noticeable moment).
        let key = (
            g.ids.clone(),
            g.names.clone(),
            g.edges.clone(),
            g.layer.clone(),
        );
        let mut cache = LAYOUTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, laid)) = cache.iter().find(|(k, _)| *k == key) {
            return laid.clone().with_geometry(geo);
        }
        g.lay_out();
        if cache.len() >= LAYOUTS_KEPT {
            cache.remove(0);
        }
        cache.push((key, g.clone()));
        g.with_geometry(geo)
    }

    /// `map`'s milestones, names, drawn edges and layers, not laid out yet.
    fn unlaid(map: &MilestoneMap, geo: Geometry) -> Graph {
        let ids: Vec<String> = map.ids().map(str::to_string).collect();
        let at: std::collections::HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let index = |id: &str| at.get(id).copied();
        let edges = drawn_edges(map, &ids, index);
        let mut layer = vec![0; ids.len()];
        for (l, members) in map.layers().iter().enumerate() {
            for id in members {
                if let Some(i) = index(id) {
                    layer[i] = l;
                }
            }
        }
        let names = ids
            .iter()
            .map(|id| {
                let n = map.name(id);
                if n == id {
                    String::new()
                } else {
                    n.to_string()
                }
            })
            .collect();
        Graph {
            ids,
            names,
            edges,
            layer,
            layers: Vec::new(),
            gaps: Vec::new(),
            geo,
            widths: Vec::new(),
            undrawable: false,
        }
    }

    /// Orders and places the slots of each layer and, unless the drawing would be too large,
    /// untangles them and routes the gaps between the layers.
    fn lay_out(&mut self) {
        let order = self.order();
        self.layers = self.rows(order);
        // The least a drawing takes: the narrowest boxes, a row of text each, no gaps.
        let rows = self.size_rows();
        let least = u64::from(MIN_BOX_W) * self.layers.len() as u64 * u64::from(rows) * 3;
        self.undrawable = least > u64::from(MAX_DRAWN_CELLS) || self.passes() > MAX_PASSES;
        if !self.undrawable {
            self.untangle();
            self.gaps = route::gap_widths(self);
        }
    }

    /// The same layout with other box sizes.
    pub fn with_geometry(mut self, geo: Geometry) -> Graph {
        self.geo = geo;
        self.widths = (0..self.layers.len())
            .map(|l| {
                self.natural(l, geo.name_lines)
                    .min(geo.box_w)
                    .max(MIN_BOX_W)
            })
            .collect();
        self
    }

    /// The width of box `n`'s first line: a status symbol, a space and the id as it is shown
    /// (`crate::text::shown_id`: an id holding a bidi control is wider shown than stored).
    fn head_width(&self, n: usize) -> usize {
        crate::text::shown_id(&self.ids[n]).width() + 2
    }

    /// The width layer `l`'s boxes need for whole labels (a status symbol, the id, the name on
    /// `name_lines` lines or after the id), up to [`MAX_BOX_W`].
    fn natural(&self, l: usize, name_lines: u16) -> u16 {
        let need = |n: usize| -> usize {
            let head = self.head_width(n);
            let name = &self.names[n];
            if name.is_empty() {
                return head;
            }
            if name_lines == 0 {
                return head + 1 + name.width();
            }
            let longest = name
                .split_whitespace()
                .map(|w| w.width())
                .max()
                .unwrap_or(0);
            let fits = (longest..name.width())
                .find(|&w| route::wrap(name, w, usize::MAX).len() <= usize::from(name_lines))
                .unwrap_or(name.width());
            fits.max(head)
        };
        let inner = self.layers[l]
            .iter()
            .filter_map(|(s, _)| match s {
                Slot::Node(n) => Some(need(*n)),
                Slot::Pass(_) => None,
            })
            .max()
            .unwrap_or(0);
        (inner as u16 + 2).min(MAX_BOX_W)
    }

    /// Box sizes for a canvas at most `width` columns wide: each layer as wide as its labels
    /// need, the widest cut down until the graph fits; names on `name_lines` lines of their own
    /// (0: after the id), a blank row between boxes. A graph that cannot fit at all is panned:
    /// its boxes then stay readable.
    pub fn fit(&self, width: u16, name_lines: u16) -> Geometry {
        let gaps = self.gaps.iter().sum::<u16>();
        let natural: Vec<u16> = (0..self.layers.len())
            .map(|l| self.natural(l, name_lines).max(MIN_BOX_W))
            .collect();
        let total = |cap: u16| natural.iter().map(|&w| w.min(cap)).sum::<u16>() + gaps;
        let widest = natural.iter().copied().max().unwrap_or(MIN_BOX_W);
        let box_w = (MIN_BOX_W..=widest)
            .rev()
            .find(|&cap| total(cap) <= width)
            .unwrap_or(COMFORTABLE_BOX_W);
        Geometry {
            box_w,
            name_lines,
            row_gap: 1,
        }
    }

    /// Whether some box shows its id alone: names after the id (no lines of their own), and a
    /// box too narrow for the first letters of its name.
    pub fn drops_names(&self) -> bool {
        self.geo.name_lines == 0
            && (0..self.ids.len()).any(|n| {
                let head = self.head_width(n);
                !self.names[n].is_empty()
                    && self
                        .rect(n)
                        .is_some_and(|r| usize::from(r.w.saturating_sub(2)) < head + NAME_ROOM)
            })
    }

    pub fn geometry(&self) -> Geometry {
        self.geo
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The drawn (transitively reduced) edges, (dependency, dependant).
    pub fn edges(&self) -> &[(usize, usize)] {
        &self.edges
    }

    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// The canvas size: (columns, rows).
    pub fn size(&self) -> (u16, u16) {
        let rows = self.size_rows();
        let w = self.x(self.layers.len()).max(1);
        let h = rows
            .saturating_mul(self.geo.pitch())
            .saturating_sub(self.geo.row_gap)
            .max(1);
        (w, h)
    }

    /// How many places its edges pass a layer on their way.
    fn passes(&self) -> usize {
        self.layers
            .iter()
            .flatten()
            .filter(|(s, _)| matches!(s, Slot::Pass(_)))
            .count()
    }

    /// Why it is not drawn, when it is not: the cells its layout takes at least, or the
    /// places its edges pass layers.
    pub fn why_undrawn(&self) -> Option<String> {
        if !self.too_large_to_draw() {
            return None;
        }
        let n = |v: u64| crate::text::thousands(v as f64, 0);
        let passes = self.passes();
        Some(if passes > MAX_PASSES {
            format!(
                "its edges pass layers on their way {} times, and at most {} are drawn",
                n(passes as u64),
                n(MAX_PASSES as u64)
            )
        } else {
            let (w, h) = self.size();
            format!(
                "its layout takes at least {} × {} cells, and at most {} are drawn",
                n(w.into()),
                n(h.into()),
                n(MAX_DRAWN_CELLS.into())
            )
        })
    }

    /// This layout too large to draw as it is: in its narrowest boxes (ids alone, no blank
    /// rows), which may still be drawn, and otherwise give the least size it would take.
    pub fn or_narrowest(self) -> Graph {
        if !self.too_large_to_draw() {
            return self;
        }
        self.with_geometry(Geometry {
            box_w: MIN_BOX_W,
            name_lines: 0,
            row_gap: 0,
        })
    }

    /// Rows of slots: the last slot's row and one.
    fn size_rows(&self) -> u16 {
        self.layers
            .iter()
            .flat_map(|l| l.iter().map(|(_, r)| *r))
            .max()
            .map_or(0, |r| r.saturating_add(1))
    }

    /// Whether the canvas would be too large to draw (more than [`MAX_DRAWN_CELLS`], or past
    /// what its coordinates hold): the Journey screen and `graph` then list the milestones
    /// without the drawing.
    pub fn too_large_to_draw(&self) -> bool {
        let (w, h) = self.size();
        self.undrawable
            || w == u16::MAX
            || h == u16::MAX
            || u32::from(w) * u32::from(h) > MAX_DRAWN_CELLS
    }

    /// The column layer `layer` begins at (the canvas's width past the last), held at the
    /// most a coordinate holds.
    fn x(&self, layer: usize) -> u16 {
        let sum = |v: &[u16]| v.iter().fold(0u16, |a, &b| a.saturating_add(b));
        let layer = layer.min(self.widths.len());
        sum(&self.widths[..layer]).saturating_add(sum(&self.gaps[..layer.min(self.gaps.len())]))
    }

    /// The width of layer `layer`'s boxes.
    fn width(&self, layer: usize) -> u16 {
        self.widths.get(layer).copied().unwrap_or(MIN_BOX_W)
    }

    fn y(&self, row: u16) -> u16 {
        row * self.geo.pitch()
    }

    /// Where node `n`'s box is.
    pub fn rect(&self, n: usize) -> Option<Rect> {
        let l = *self.layer.get(n)?;
        let row = self.layers[l]
            .iter()
            .find(|(s, _)| *s == Slot::Node(n))
            .map(|(_, r)| *r)?;
        Some(Rect {
            x: self.x(l),
            y: self.y(row),
            w: self.width(l),
            h: self.geo.box_h(),
        })
    }

    /// The box to select after `from` moves one `step` along the graph (`from` if none).
    pub fn step(&self, from: usize, step: Step) -> usize {
        let Some(here) = self.rect(from) else {
            return from;
        };
        let row = |n: usize| self.rect(n).map_or(0, |r| r.y);
        let nearest = |cands: Vec<usize>| {
            cands
                .into_iter()
                .min_by_key(|&n| (row(n).abs_diff(here.y), n))
        };
        let l = self.layer[from];
        let nodes_of = |layer: usize| -> Vec<usize> {
            self.layers[layer]
                .iter()
                .filter_map(|(s, _)| match s {
                    Slot::Node(n) => Some(*n),
                    Slot::Pass(_) => None,
                })
                .collect()
        };
        let found = match step {
            Step::Left | Step::Right => {
                let linked: Vec<usize> = self
                    .edges
                    .iter()
                    .filter_map(|&(a, b)| match step {
                        Step::Left if b == from => Some(a),
                        Step::Right if a == from => Some(b),
                        _ => None,
                    })
                    .collect();
                let layers: Vec<usize> = if step == Step::Left {
                    (0..l).rev().collect()
                } else {
                    (l + 1..self.layers.len()).collect()
                };
                nearest(linked).or_else(|| {
                    layers
                        .into_iter()
                        .map(nodes_of)
                        .find(|v| !v.is_empty())
                        .and_then(nearest)
                })
            }
            Step::Up | Step::Down => {
                let same = nodes_of(l);
                let at = same.iter().position(|&n| n == from).unwrap_or(0);
                match step {
                    Step::Up => at.checked_sub(1).map(|i| same[i]),
                    _ => same.get(at + 1).copied(),
                }
            }
        };
        found.unwrap_or(from)
    }
}

/// `map`'s transitively reduced edges (dependency, dependant) by index into `ids`: an edge
/// implied by a longer path is not drawn.
fn drawn_edges(
    map: &MilestoneMap,
    ids: &[String],
    index: impl Fn(&str) -> Option<usize>,
) -> Vec<(usize, usize)> {
    let deps: Vec<Vec<usize>> = ids
        .iter()
        .map(|id| map.deps(id).iter().filter_map(|d| index(d)).collect())
        .collect();
    let closure: Vec<BTreeSet<usize>> = ids
        .iter()
        .map(|id| map.closure(id).into_iter().filter_map(&index).collect())
        .collect();
    let mut edges = Vec::new();
    for (n, ds) in deps.iter().enumerate() {
        for &d in ds {
            // Implied by a longer path through another dependency: not drawn.
            if !ds.iter().any(|&e| e != d && closure[e].contains(&d)) {
                edges.push((d, n));
            }
        }
    }
    edges
}

#[cfg(test)]
pub(crate) mod size_tests;
#[cfg(test)]
pub(crate) mod tests;
