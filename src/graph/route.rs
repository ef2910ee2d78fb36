//! Edges routed between layers and the graph drawn on a canvas of glyphs.
//!
//! Between two layers an edge runs straight when both ends share a row; otherwise it leaves its
//! source on a stub, turns down or up in a channel column of its own (edges from one source share
//! one: a fan-out), and enters its target from the left with an arrow. Channels are ordered so
//! that a stub never runs along another edge's stub (which would read as a connection).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Graph, Slot};

pub(super) const UP: u8 = 1;
pub(super) const DOWN: u8 = 2;
pub(super) const LEFT: u8 = 4;
pub(super) const RIGHT: u8 = 8;

/// What a cell of the canvas shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Blank,
    /// The right half of a wide character: nothing to draw.
    Skip,
    /// A line or arrow; `lit` when it belongs to a highlighted edge.
    Edge {
        lit: bool,
    },
    Border(usize),
    Text(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyph {
    pub ch: char,
    /// A zero-width character drawn with `ch` (a combining accent, say): the cell's grapheme
    /// is `ch` then `mark`. Only the first such character is kept.
    pub mark: Option<char>,
    pub role: Role,
}

impl Glyph {
    /// The cell's text: its character and the mark drawn with it.
    pub fn symbol(&self) -> String {
        self.mark
            .map_or_else(|| self.ch.to_string(), |m| format!("{}{m}", self.ch))
    }
}

/// A box's frame: plain, double (the current milestone), heavy (the selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Plain,
    Double,
    Heavy,
}

/// What a box says: its first line (status symbol and id) and the name.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub head: String,
    pub name: String,
    pub frame: Frame,
}

/// The drawn graph: `width × height` glyphs, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    pub width: u16,
    pub height: u16,
    pub cells: Vec<Glyph>,
}

impl Canvas {
    pub fn get(&self, x: u16, y: u16) -> Option<&Glyph> {
        self.cells
            .get(usize::from(y) * usize::from(self.width) + usize::from(x))
    }

    /// The rows as plain text, trailing blanks trimmed.
    pub fn lines(&self) -> Vec<String> {
        self.cells
            .chunks(usize::from(self.width.max(1)))
            .map(|row| {
                let s: String = row
                    .iter()
                    .filter(|g| g.role != Role::Skip)
                    .map(Glyph::symbol)
                    .collect();
                s.trim_end().to_string()
            })
            .collect()
    }
}

/// One piece of an edge between layer `layer` and the next.
#[derive(Debug, Clone, Copy)]
struct Segment {
    edge: usize,
    layer: usize,
    from_row: u16,
    to_row: u16,
    /// The target is a milestone (an arrow), not the edge passing through.
    into_node: bool,
}

fn segments(g: &Graph) -> Vec<Segment> {
    let row_of = |l: usize, s: Slot| {
        g.layers[l]
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(0, |(_, r)| *r)
    };
    let mut out = Vec::new();
    for (e, &(a, b)) in g.edges.iter().enumerate() {
        let (la, lb) = (g.layer[a], g.layer[b]);
        for l in la..lb {
            let from = if l == la {
                Slot::Node(a)
            } else {
                Slot::Pass(e)
            };
            let to = if l + 1 == lb {
                Slot::Node(b)
            } else {
                Slot::Pass(e)
            };
            out.push(Segment {
                edge: e,
                layer: l,
                from_row: row_of(l, from),
                to_row: row_of(l + 1, to),
                into_node: l + 1 == lb,
            });
        }
    }
    out
}

/// How many segments the edges take between layers: what one layout's cost grows with.
pub(super) fn segment_count(g: &Graph) -> usize {
    segments(g).len()
}

/// The bent segments between `layer` and the next, grouped by source row, each group's channel
/// index (0: leftmost).
fn channels(segs: &[Segment], layer: usize) -> Vec<(u16, usize)> {
    let mut groups: Vec<u16> = segs
        .iter()
        .filter(|s| s.layer == layer && s.from_row != s.to_row)
        .map(|s| s.from_row)
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let targets = |src: u16| -> Vec<u16> {
        segs.iter()
            .filter(|s| s.layer == layer && s.from_row == src)
            .map(|s| s.to_row)
            .collect()
    };
    // Fewest crossings: groups going up leftmost (top first), then mixed, then going down
    // (bottom first).
    let pref = |src: u16| {
        let t = targets(src);
        let up = t.iter().all(|&r| r <= src);
        let down = t.iter().all(|&r| r >= src);
        match (up, down) {
            (true, _) => (0, i32::from(src)),
            (false, false) => (1, i32::from(src)),
            (false, true) => (2, -i32::from(src)),
        }
    };
    groups.sort_by_key(|&g| pref(g));
    // A group whose source row another group ends on goes left of it: their stubs would overlap.
    let must_precede = |a: u16, b: u16| a != b && targets(b).contains(&a);
    let mut placed: Vec<u16> = Vec::new();
    let mut left = groups.clone();
    while !left.is_empty() {
        let free = left
            .iter()
            .position(|&g| !left.iter().any(|&h| must_precede(h, g)))
            .unwrap_or(0);
        placed.push(left.remove(free));
    }
    placed
        .into_iter()
        .enumerate()
        .map(|(i, g)| (g, i))
        .collect()
}

/// Places where a source's stub runs along the line of an edge that arrives on the same row
/// (the stub reaches past that edge's channel), so that the source reads as leading where that
/// edge goes although it does not. Two groups that each end on the other's source row cannot
/// both be drawn apart by channel order: `Graph::untangle` moves rows until there are none.
fn merges(g: &Graph, segs: &[Segment]) -> usize {
    let mut total = 0;
    for l in 0..g.layers.len().saturating_sub(1) {
        let chans = channels(segs, l);
        let chan = |row: u16| chans.iter().find(|(r, _)| *r == row).map(|(_, k)| *k);
        let here = || segs.iter().filter(|s| s.layer == l);
        for x in here().filter(|s| s.from_row != s.to_row) {
            let (Some(cx), Some(cs)) = (chan(x.from_row), chan(x.to_row)) else {
                continue;
            };
            // The source on the arrival's row leads there too: the shared line says so.
            let also = here().any(|s| s.from_row == x.to_row && s.to_row == x.to_row);
            if cx < cs && !also {
                total += 1;
            }
        }
    }
    total
}

/// How tangled a layout is: its merges (see [`merges`]), the pairs of segments between the same
/// two layers that cross, and the segments that bend — from one pass over its segments.
pub(super) fn tangle(g: &Graph) -> (usize, usize, usize) {
    let segs = segments(g);
    let mut crossings = 0;
    for (i, a) in segs.iter().enumerate() {
        crossings += segs[i + 1..]
            .iter()
            .filter(|b| {
                b.layer == a.layer
                    && ((a.from_row < b.from_row && a.to_row > b.to_row)
                        || (a.from_row > b.from_row && a.to_row < b.to_row))
            })
            .count();
    }
    let bends = segs.iter().filter(|s| s.from_row != s.to_row).count();
    (merges(g, &segs), crossings, bends)
}

/// Each gap's width (between layer `l` and the next), as narrow as reads well: 3 columns for
/// straight edges (`──▶`), else a stub, its channels and two columns to the arrow (`─┴─▶`).
pub(super) fn gap_widths(g: &Graph) -> Vec<u16> {
    let segs = segments(g);
    (0..g.layers.len().saturating_sub(1))
        .map(|l| match channels(&segs, l).len() as u16 {
            0 => 3,
            n => n + 3,
        })
        .collect()
}

/// Where the edges into one box from several sources enter it, between layer `layer` and the
/// next: (target row, source row, the box's row the arrow is on). Each source its own row of
/// the box's side where the box has rows enough (names on lines of their own), in the order
/// of the sources, an edge straight across on the middle one: lines into one box then never
/// share a run, so a source that leads to several boxes does not read as leading where
/// another source leads. An edge into a box on whose middle row another source's line leaves
/// (to a channel right of the edge's) enters off the middle too. Where rows run out, each side
/// shares its row nearest the middle. A box entered in the middle is not listed.
fn ports(
    segs: &[Segment],
    layer: usize,
    box_h: u16,
    chans: &[(u16, usize)],
) -> Vec<(u16, u16, u16)> {
    let mid = box_h / 2;
    let (first, last) = (1, box_h.saturating_sub(2).max(1));
    let mut targets: Vec<u16> = segs
        .iter()
        .filter(|s| s.layer == layer && s.into_node)
        .map(|s| s.to_row)
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let chan = |row: u16| chans.iter().find(|(r, _)| *r == row).map(|(_, k)| *k);
    let mut out = Vec::new();
    for t in targets {
        let mut from: Vec<u16> = segs
            .iter()
            .filter(|s| s.layer == layer && s.into_node && s.to_row == t)
            .map(|s| s.from_row)
            .collect();
        from.sort_unstable();
        from.dedup();
        let others: Vec<u16> = from.iter().copied().filter(|&r| r != t).collect();
        // The middle row is taken where a line leaves a source on it: straight into this box,
        // or to a channel right of an arriving edge's (which would run along that line from
        // its own channel on).
        let taken = from.contains(&t)
            || chan(t)
                .is_some_and(|stub| others.iter().any(|&r| chan(r).is_some_and(|k| k < stub)));
        if others.is_empty() || (others.len() == 1 && !taken) {
            continue;
        }
        // An edge straight across enters in the middle; the others take the box's other rows,
        // in the order of their sources, as many as possible of those above the box over the
        // middle and of those below under it (one that is not crosses the straight line).
        if from.contains(&t) {
            out.push((t, t, mid));
        }
        let rows: Vec<u16> = (first..=last).filter(|&r| !taken || r != mid).collect();
        if rows.len() >= others.len() {
            let start = best_start(t, &others, &rows, mid);
            for (i, r) in others.iter().enumerate() {
                out.push((t, *r, rows[start + i]));
            }
            continue;
        }
        out.extend(shared_ports(t, &others, &rows, mid));
    }
    out
}

/// Where in `rows` (a box's rows, at least as many as `others`) the sources `others` of an
/// edge into row `t` begin to take a row each: the start that places the most of those above
/// the box over the middle row `mid` and of those below under it, then the nearest the middle.
fn best_start(t: u16, others: &[u16], rows: &[u16], mid: u16) -> usize {
    let fits = |start: usize| -> (usize, usize) {
        let placed = others
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                let row = rows[start + i];
                (**r < t && row <= mid) || (**r > t && row >= mid)
            })
            .count();
        let from_mid = others
            .iter()
            .enumerate()
            .map(|(i, _)| usize::from(rows[start + i].abs_diff(mid)))
            .sum();
        (placed, from_mid)
    };
    (0..=rows.len().saturating_sub(others.len()))
        .max_by_key(|&st| {
            let (placed, from_mid) = fits(st);
            (placed, std::cmp::Reverse(from_mid))
        })
        .unwrap_or(0)
}

/// The ports of the sources `others` of an edge into row `t` where the box has fewer `rows`
/// than sources, its middle row `mid`: (target row, source row, the box's row).
fn shared_ports(t: u16, others: &[u16], rows: &[u16], mid: u16) -> Vec<(u16, u16, u16)> {
    let mut out = Vec::new();
    // Fewer rows than sources: those above take the rows over the middle from the top,
    // those below the rows under it from the bottom, the nearest to the middle shared
    // by the rest (a source never crosses to the other side to share).
    let up: Vec<u16> = rows.iter().copied().filter(|&r| r <= mid).collect();
    let down: Vec<u16> = rows.iter().copied().filter(|&r| r >= mid).rev().collect();
    let (above, below): (Vec<u16>, Vec<u16>) = others.iter().partition(|&&r| r < t);
    for (side, rs) in [(&up, above), (&down, below.into_iter().rev().collect())] {
        for (i, r) in rs.iter().enumerate() {
            let row = side
                .get(i)
                .or(side.last())
                .or(rows.first())
                .copied()
                .unwrap_or(mid);
            out.push((t, *r, row));
        }
    }
    out
}

/// Line masks per cell: every edge's, the lit edges', and where arrows are; and whose lines
/// they are (a group: the gap and its source row), across and down.
struct Lines {
    width: u16,
    all: Vec<u8>,
    lit: Vec<u8>,
    arrow: Vec<bool>,
    across: Vec<Vec<u32>>,
    down: Vec<Option<u32>>,
}

impl Lines {
    fn add(&mut self, x: u16, y: u16, mask: u8, lit: bool, group: u32) {
        let i = usize::from(y) * usize::from(self.width) + usize::from(x);
        if let Some(c) = self.all.get_mut(i) {
            *c |= mask;
            if lit {
                self.lit[i] |= mask;
            }
            if mask & (LEFT | RIGHT) != 0 && !self.across[i].contains(&group) {
                self.across[i].push(group);
            }
            if mask & (UP | DOWN) != 0 {
                self.down[i] = Some(group);
            }
        }
    }

    fn hline(&mut self, x0: u16, x1: u16, y: u16, lit: bool, group: u32) {
        for x in x0..x1 {
            self.add(x, y, LEFT | RIGHT, lit, group);
        }
    }

    /// The glyph of cell `i`: lines of two groups that cross show as the channel's line with
    /// the other passing under it, so that `┼` always joins lines of one group.
    fn glyph(&self, i: usize) -> Glyph {
        let mask = self.all[i];
        if mask == 0 {
            return Glyph {
                ch: ' ',
                mark: None,
                role: Role::Blank,
            };
        }
        let crossing = mask == UP | DOWN | LEFT | RIGHT
            && self.down[i].is_some_and(|g| !self.across[i].contains(&g));
        let (ch, lit) = if self.arrow[i] {
            ('▶', self.lit[i] != 0)
        } else if crossing {
            ('│', self.lit[i] & (UP | DOWN) != 0)
        } else {
            (line_char(mask), self.lit[i] != 0)
        };
        Glyph {
            ch,
            mark: None,
            role: Role::Edge { lit },
        }
    }
}

fn line_char(mask: u8) -> char {
    match mask {
        m if m == LEFT | RIGHT || m == LEFT || m == RIGHT => '─',
        m if m == UP | DOWN || m == UP || m == DOWN => '│',
        m if m == DOWN | RIGHT => '╭',
        m if m == DOWN | LEFT => '╮',
        m if m == UP | RIGHT => '╰',
        m if m == UP | LEFT => '╯',
        m if m == UP | DOWN | RIGHT => '├',
        m if m == UP | DOWN | LEFT => '┤',
        m if m == LEFT | RIGHT | DOWN => '┬',
        m if m == LEFT | RIGHT | UP => '┴',
        _ => '┼',
    }
}

impl Graph {
    /// Draws the boxes (`labels[n]` for node `n`) and the edges (`lit[e]`: edge `e` is
    /// highlighted), on a canvas of [`Graph::size`].
    pub fn draw(&self, labels: &[Label], lit: &[bool]) -> Canvas {
        let (width, height) = self.size();
        let n = usize::from(width) * usize::from(height);
        let mut lines = Lines {
            width,
            all: vec![0; n],
            lit: vec![0; n],
            arrow: vec![false; n],
            across: vec![Vec::new(); n],
            down: vec![None; n],
        };
        let segs = segments(self);
        let mid = self.geo.mid();
        for l in 0..self.layers.len().saturating_sub(1) {
            let chans = channels(&segs, l);
            let ports = ports(&segs, l, self.geo.box_h(), &chans);
            let start = self.x(l) + self.width(l);
            let end = self.x(l + 1);
            for s in segs.iter().filter(|s| s.layer == l) {
                let on = lit.get(s.edge).copied().unwrap_or(false);
                let group = (l as u32) << 16 | u32::from(s.from_row);
                let port = ports
                    .iter()
                    .find(|p| p.0 == s.to_row && p.1 == s.from_row)
                    .map_or(mid, |p| p.2);
                let (ys, yt) = (self.y(s.from_row) + mid, self.y(s.to_row) + port);
                if ys == yt {
                    lines.hline(start, end, ys, on, group);
                } else {
                    let k = chans
                        .iter()
                        .find(|(r, _)| *r == s.from_row)
                        .map_or(0, |(_, k)| *k as u16);
                    let c = start + 1 + k;
                    lines.hline(start, c, ys, on, group);
                    let (turn_in, turn_out) = if yt > ys { (DOWN, UP) } else { (UP, DOWN) };
                    lines.add(c, ys, LEFT | turn_in, on, group);
                    for y in ys.min(yt) + 1..ys.max(yt) {
                        lines.add(c, y, UP | DOWN, on, group);
                    }
                    lines.add(c, yt, turn_out | RIGHT, on, group);
                    lines.hline(c + 1, end, yt, on, group);
                }
                if s.into_node {
                    let i = usize::from(yt) * usize::from(width) + usize::from(end - 1);
                    lines.arrow[i] = true;
                } else {
                    // Passing through the next layer's column.
                    lines.hline(end, end + self.width(l + 1), yt, on, group);
                }
            }
        }
        let mut cells: Vec<Glyph> = (0..n).map(|i| lines.glyph(i)).collect();
        for (node, label) in labels.iter().enumerate().take(self.ids.len()) {
            self.draw_box(&mut cells, width, node, label);
        }
        Canvas {
            width,
            height,
            cells,
        }
    }

    fn draw_box(&self, cells: &mut [Glyph], width: u16, node: usize, label: &Label) {
        let Some(r) = self.rect(node) else { return };
        let [tl, h, tr, v, bl, br] = match label.frame {
            Frame::Plain => ['┌', '─', '┐', '│', '└', '┘'],
            Frame::Double => ['╔', '═', '╗', '║', '╚', '╝'],
            Frame::Heavy => ['┏', '━', '┓', '┃', '┗', '┛'],
        };
        let mut put_marked = |x: u16, y: u16, ch: char, mark: Option<char>, role: Role| {
            if let Some(c) = cells.get_mut(usize::from(y) * usize::from(width) + usize::from(x)) {
                *c = Glyph { ch, mark, role };
            }
        };
        let mut put = |x: u16, y: u16, ch: char, role: Role| put_marked(x, y, ch, None, role);
        let border = Role::Border(node);
        let (right, bottom) = (r.x + r.w - 1, r.y + r.h - 1);
        for x in r.x..=right {
            let (top, bot) = match x {
                x if x == r.x => (tl, bl),
                x if x == right => (tr, br),
                _ => (h, h),
            };
            put(x, r.y, top, border);
            put(x, bottom, bot, border);
        }
        let leaves = self.edges.iter().any(|(a, _)| *a == node);
        for y in r.y + 1..bottom {
            for x in r.x + 1..right {
                put(x, y, ' ', Role::Text(node));
            }
            put(r.x, y, v, border);
            let out = leaves && y == r.y + self.geo.mid() && label.frame == Frame::Plain;
            put(right, y, if out { '├' } else { v }, border);
        }
        let inner = usize::from(r.w.saturating_sub(2));
        let text: Vec<String> = if self.geo.name_lines == 0 {
            // A name cut to less than a few letters says nothing: the id alone then.
            let head = label.head.width();
            if label.name.is_empty() || inner < head + super::NAME_ROOM {
                vec![fit(&label.head, inner)]
            } else {
                vec![fit(&format!("{} {}", label.head, label.name), inner)]
            }
        } else {
            let mut t = vec![fit(&label.head, inner)];
            t.extend(wrap(&label.name, inner, usize::from(self.geo.name_lines)));
            t
        };
        for (dy, line) in text.iter().enumerate() {
            let y = r.y + 1 + dy as u16;
            // Each drawn character with the first zero-width one after it (a combining accent).
            let mut drawn: Vec<(char, Option<char>)> = Vec::new();
            for ch in line.chars() {
                match (ch.width().unwrap_or(0), drawn.last_mut()) {
                    (0, Some((_, mark))) => *mark = mark.or(Some(ch)),
                    (0, None) => {}
                    _ => drawn.push((ch, None)),
                }
            }
            let mut x = r.x + 1;
            for (ch, mark) in drawn {
                let w = ch.width().unwrap_or(0) as u16;
                put_marked(x, y, ch, mark, Role::Text(node));
                if w == 2 {
                    put_marked(x + 1, y, ' ', None, Role::Skip);
                }
                x += w;
            }
        }
    }
}

/// `text` made inert and cut to `max` columns with an ellipsis.
fn fit(text: &str, max: usize) -> String {
    crate::text::fit(text, max)
}

/// `text` word-wrapped into at most `lines` lines of `max` columns; the last takes the rest,
/// cut with an ellipsis.
pub(super) fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out = crate::text::wrap_words(text, max);
    if out.len() > lines && lines > 0 {
        let rest = out.split_off(lines - 1).join(" ");
        out.push(rest);
    }
    out.into_iter().map(|l| fit(&l, max)).collect()
}
