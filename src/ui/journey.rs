//! The Journey screen: the milestone DAG drawn as boxes and edges (`crate::graph`), status by
//! colour and symbol, the selection's dependency closure lit along its edges, panned to keep the
//! selection in view; under it what the selection contributes and what a transition carries,
//! and every milestone's full dependency list.

mod panels;

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::layers::no_user;
use super::theme::{Theme, status_symbol};
use super::{block, il, styled};
use crate::app::layout;
use crate::app::state::{State, UserView};
use crate::engine::milestones::{MilestoneMap, Status, completed};
use crate::graph::{Canvas, Frame as BoxFrame, Geometry, Graph, Label, Role};

/// The panels' parts the Journey tests check on their own.
#[cfg(test)]
pub(super) use panels::{contribution_lines, dependency_window};

/// Each milestone's status for the open user, in map order.
fn statuses(map: &MilestoneMap, v: &UserView) -> Vec<Status> {
    let done = completed(v.snapshot());
    map.statuses(v.snapshot().current_milestone.as_deref(), &done)
        .into_iter()
        .map(|(_, st)| st)
        .collect()
}

/// The graph sized for a body `width` × `height`: names on two lines of their own when there
/// is height for them; else after the id when every box has room for a few letters of it; else
/// on a line of their own, cut with `…`, in boxes stacked without blank rows between them when
/// that still fits the height (80×24); else panned, in boxes wide enough for a few words, the
/// names on two lines of their own when there is height for them, else after the id (a wider screen never shows less of a name than a narrower one: the map is
/// fitted to the width only in boxes at least as wide as the panned ones).
pub(crate) fn sized(map: &MilestoneMap, width: u16, height: u16) -> Graph {
    let g = Graph::new(
        map,
        Geometry {
            box_w: crate::graph::MIN_BOX_W,
            name_lines: 0,
            row_gap: 1,
        },
    );
    let with = |geo: Geometry| g.clone().with_geometry(geo);
    let tall = with(g.fit(width, 2));
    if tall.size().1 + 4 <= height * 2 / 3 {
        return tall;
    }
    let flat = with(g.fit(width, 0));
    // Fitted only in boxes as wide as the panned ones below (or as every name needs): else a
    // wider screen would squeeze the map and show less of each name than a narrower one pans.
    let panned_w = crate::graph::COMFORTABLE_BOX_W.min(g.fit(u16::MAX, 0).box_w);
    if !flat.drops_names() && flat.geometry().box_w >= panned_w {
        return flat;
    }
    let stacked = with(Geometry {
        row_gap: 0,
        ..g.fit(width, 1)
    });
    // Its frame and legend take three rows.
    if stacked.size().1 + 3 <= layout::journey_graph_most(height) {
        return stacked;
    }
    // Panned: boxes as wide as a few words, and the names on lines of their own where the
    // height has room for them (a long chain on a tall screen), else after the id.
    let panned = Geometry {
        box_w: crate::graph::COMFORTABLE_BOX_W.max(flat.geometry().box_w),
        ..flat.geometry()
    };
    let named = with(Geometry {
        name_lines: 2,
        row_gap: 1,
        ..panned
    });
    if named.size().1 + 4 <= height * 2 / 3 {
        named
    } else {
        with(panned)
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Journey") {
        return;
    }
    let Some(v) = &s.user.view else { return };
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    if ids.is_empty() {
        return;
    }
    let sel = s.user.milestone.min(ids.len() - 1);
    let g = sized(map, area.width.saturating_sub(2), area.height).or_narrowest();
    let st = statuses(map, v);
    // Where the user stands on the map, said over the drawing or in place of it.
    let no_journey = v.data().current_milestone.is_none();
    let off_map = v
        .data()
        .current_milestone
        .clone()
        .filter(|m| !map.contains(m));
    if g.too_large_to_draw() {
        let (graph_area, panels) = layout::journey(area, 4);
        let time = super::timeline::strip(s, v, t, usize::from(graph_area.width.saturating_sub(4)));
        let note = match (&off_map, no_journey) {
            (Some(m), _) => format!(
                " The user's milestone {} is not in this map.",
                il(&crate::text::shown_id(m))
            ),
            (None, true) => " The user has no journey row: the map is a new user's.".to_string(),
            (None, false) => String::new(),
        };
        render_undrawn(frame, graph_area, s, t, &g, (time, note));
        panels::render(frame, panels, s, t, sel, &st, &g);
        return;
    }
    let (graph_area, panels) = layout::journey(area, g.size().1 + 1);
    let closure: BTreeSet<&str> = map.closure(ids[sel]).into_iter().collect();
    let labels: Vec<Label> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Label {
            head: format!("{} {}", status_symbol(st[i]), crate::text::shown_id(id)),
            name: if map.name(id) == *id {
                String::new()
            } else {
                map.name(id).to_string()
            },
            frame: if i == sel {
                BoxFrame::Heavy
            } else if st[i] == Status::Current {
                BoxFrame::Double
            } else {
                BoxFrame::Plain
            },
        })
        .collect();
    let lit: Vec<bool> = g
        .edges()
        .iter()
        .map(|&(a, b)| closure.contains(ids[a]) && (b == sel || closure.contains(ids[b])))
        .collect();
    let canvas = g.draw(&labels, &lit);
    let view = GraphView {
        g: &g,
        canvas: &canvas,
        sel,
        st: &st,
        closure: &closure,
        time: super::timeline::strip(s, v, t, usize::from(graph_area.width.saturating_sub(4))),
        no_journey,
        off_map,
        move_hint: move_hint(s),
    };
    render_graph(frame, graph_area, &view, t);
    panels::render(frame, panels, s, t, sel, &st, &g);
}

/// A map that lays out larger than a drawing may be ([`crate::graph::MAX_DRAWN_CELLS`]): said,
/// with how to move through its milestones, which the panels below show.
fn render_undrawn(
    frame: &mut Frame,
    area: Rect,
    s: &State,
    t: &Theme,
    g: &Graph,
    (time, note): (Line<'static>, String),
) {
    let title = format!(" Milestones · {}{} ", counted(g), move_hint(s));
    let text = format!(
        "Too large to draw: {}. The selected milestone and the dependency list are below; the \
         keys move through the milestones as through the graph.",
        g.why_undrawn().unwrap_or_default()
    );
    frame.render_widget(
        Paragraph::new(format!("{text}{note}"))
            .style(t.muted())
            .wrap(Wrap { trim: true })
            .block(block(il(&title), true, t).title_bottom(time)),
        area,
    );
}

/// `N in L layers`, as the graph's title counts its milestones.
fn counted(g: &Graph) -> String {
    format!(
        "{} in {} layers",
        crate::text::thousands(g.ids().len() as f64, 0),
        crate::text::thousands(g.layer_count() as f64, 0)
    )
}

/// The first column or row to show so that `[at, at + len)` is in a view of `view` cells over
/// `total`, centred when it can be.
fn pan(at: u16, len: u16, view: u16, total: u16) -> u16 {
    if total <= view {
        return 0;
    }
    let centre = (at + len / 2).saturating_sub(view / 2);
    centre.min(total - view)
}

/// The drawn graph and what its styles depend on.
struct GraphView<'a> {
    g: &'a Graph,
    canvas: &'a Canvas,
    sel: usize,
    st: &'a [Status],
    closure: &'a BTreeSet<&'a str>,
    /// The time travel strip, on the bottom border.
    time: Line<'static>,
    /// The user has no journey row (no current milestone): the map is a new user's.
    no_journey: bool,
    /// The user's current milestone when the map does not know it: no box is current.
    off_map: Option<String>,
    /// ` · h/j/k/l move`, from the keymap in use.
    move_hint: String,
}

fn render_graph(frame: &mut Frame, area: Rect, v: &GraphView, t: &Theme) {
    let GraphView {
        g,
        canvas,
        sel,
        st,
        closure,
        ..
    } = *v;
    let ids = g.ids();
    let (w, h) = (canvas.width, canvas.height);
    let inner = block(String::new(), true, t).inner(area);
    let view_h = inner.height.saturating_sub(1);
    let r = g.rect(sel).unwrap_or(crate::graph::Rect {
        x: 0,
        y: 0,
        w: 1,
        h: 1,
    });
    let (ox, oy) = (pan(r.x, r.w, inner.width, w), pan(r.y, r.h, view_h, h));
    let view = Pan {
        cols: (ox, inner.width, w),
        rows: (oy, view_h, h),
    };
    let title = graph_title(v, &view, usize::from(area.width.saturating_sub(2)));
    let b = block(title, true, t).title_bottom(v.time.clone());
    frame.render_widget(b, area);
    frame.render_widget(Paragraph::new(legend(t)), Rect { height: 1, ..inner });
    // A graph narrower than the view is centred in it.
    let pad = inner.width.saturating_sub(w) / 2;
    let view = Rect {
        x: inner.x + pad,
        y: inner.y + 1,
        width: inner.width - pad,
        height: view_h,
    };
    let style = |role: Role| -> Style {
        match role {
            Role::Edge { lit: true } => t.accent().add_modifier(Modifier::BOLD),
            Role::Edge { lit: false } => t.muted(),
            Role::Border(n) | Role::Text(n) if n == sel => {
                t.selected().add_modifier(Modifier::BOLD)
            }
            Role::Border(n) | Role::Text(n) if closure.contains(ids[n].as_str()) => {
                t.status(st[n]).add_modifier(Modifier::BOLD)
            }
            Role::Border(n) | Role::Text(n) => t.status(st[n]),
            Role::Blank | Role::Skip => t.base(),
        }
    };
    draw_canvas(frame.buffer_mut(), view, canvas, (ox, oy), style);
}

/// The part of the canvas shown: per axis, the first cell, the cells shown and the total.
struct Pan {
    cols: (u16, u16, u16),
    rows: (u16, u16, u16),
}

impl Pan {
    /// `first-last/total` of an axis, or nothing when it is shown whole.
    fn range((first, shown, total): (u16, u16, u16)) -> Option<String> {
        super::place(first.into(), shown.into(), total.into())
    }
}

/// The graph's title: what it holds, the keys, and the part shown when panned; shortened to fit
/// `room` columns (the layer count goes first, then the key hint), so the panned range reads.
fn graph_title(v: &GraphView, pan: &Pan, room: usize) -> String {
    let n = crate::text::thousands(v.g.ids().len() as f64, 0);
    let layers = counted(v.g);
    // The note, long then short: it gives way before the panned range does.
    let notes: [String; 2] = match (&v.off_map, v.no_journey) {
        (Some(m), _) => {
            let m = il(&crate::text::shown_id(m));
            [
                format!(" · the user's {m} is not in this map: no box is current"),
                format!(" · {m} not in the map"),
            ]
        }
        (None, true) => [
            " · no journey row: a new user's map".to_string(),
            " · no journey row".to_string(),
        ],
        (None, false) => [String::new(), String::new()],
    };
    let (cols, rows) = (Pan::range(pan.cols), Pan::range(pan.rows));
    let long = if cols.is_some() || rows.is_some() {
        let (c0, cs, ct) = pan.cols;
        let (r0, rs, rt) = pan.rows;
        format!(
            " · view {}-{} of {ct} columns, {}-{} of {rt} rows",
            c0 + 1,
            (c0 + cs).min(ct),
            r0 + 1,
            (r0 + rs).min(rt)
        )
    } else {
        String::new()
    };
    let short: String = [
        cols.map(|c| format!(" · cols {c}")),
        rows.map(|r| format!(" · rows {r}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let hint = &v.move_hint;
    // Each form with the long note, then the short one, before a shorter form.
    let forms: [&dyn Fn(&str) -> String; 4] = [
        &|note| format!(" Milestones · {layers}{note}{hint}{long} "),
        &|note| format!(" Milestones · {layers}{note}{hint}{short} "),
        &|note| format!(" Milestones · {n}{note}{hint}{short} "),
        &|note| format!(" Milestones · {n}{note}{short} "),
    ];
    let candidates: Vec<String> = forms
        .iter()
        .flat_map(|form| notes.iter().map(|note| form(note)))
        .collect();
    let fits = |c: &&String| c.width() <= room;
    candidates
        .iter()
        .find(fits)
        .unwrap_or(&candidates[candidates.len() - 1])
        .clone()
}

/// The status symbols and what the styles say.
fn legend(t: &Theme) -> Line<'static> {
    Line::from(vec![
        styled("✓ completed ", t.status(Status::Completed)),
        styled("◉ ╔╗ current ", t.status(Status::Current)),
        styled("○ available ", t.status(Status::Available)),
        styled("⊘ locked", t.status(Status::Locked)),
        styled(" · ┏┓ selected · ", t.muted()),
        styled("bold: its needs", t.accent().add_modifier(Modifier::BOLD)),
    ])
}

/// Copies the part of `canvas` at `offset` into `area` of the buffer.
fn draw_canvas(
    buf: &mut Buffer,
    area: Rect,
    canvas: &Canvas,
    (ox, oy): (u16, u16),
    style: impl Fn(Role) -> Style,
) {
    for dy in 0..area.height {
        for dx in 0..area.width {
            let Some(g) = canvas.get(ox + dx, oy + dy) else {
                continue;
            };
            if (ox + dx) >= canvas.width || g.role == Role::Skip || g.role == Role::Blank {
                continue;
            }
            if let Some(cell) = buf.cell_mut((area.x + dx, area.y + dy)) {
                cell.set_symbol(&g.symbol());
                cell.set_style(style(g.role));
            }
        }
    }
}

/// ` · h/j/k/l move`: the keys that move along the graph, from the keymap in use.
fn move_hint(s: &State) -> String {
    use crate::app::Action;
    let keys: Vec<String> = [
        (Action::Left, "h"),
        (Action::Down, "j"),
        (Action::Up, "k"),
        (Action::Right, "l"),
    ]
    .iter()
    .filter_map(|(a, usual)| super::bound(s, a, usual))
    .collect();
    if keys.is_empty() {
        String::new()
    } else {
        format!(" · {} move", keys.join("/"))
    }
}
