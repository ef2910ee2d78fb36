//! The Journey screen: the milestone DAG drawn as boxes and edges (`crate::graph`), status by
//! colour and symbol, the selection's dependency closure lit along its edges, panned to keep the
//! selection in view; under it what the selection contributes and what a transition carries,
//! and every milestone's full dependency list.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::layers::{badge, kind_label, no_user};
use super::theme::{Theme, status_symbol, status_word};
use super::{block, il, styled};
use crate::app::layout;
use crate::app::state::{State, UserView};
use crate::engine::milestones::{MilestoneMap, Status, completed, prepare_transition};
use crate::graph::{Canvas, Frame as BoxFrame, Geometry, Graph, Label, Role};

/// Each milestone's status for the open user, in map order.
fn statuses(map: &MilestoneMap, v: &UserView) -> Vec<Status> {
    let done = completed(v.snapshot());
    map.statuses(v.snapshot().current_milestone.as_deref(), &done)
        .into_iter()
        .map(|(_, st)| st)
        .collect()
}

/// The graph sized for `area`: names on lines of their own when there is height for them.
pub(crate) fn sized(map: &MilestoneMap, width: u16, height: u16) -> Graph {
    let g = Graph::new(
        map,
        Geometry {
            box_w: crate::graph::MIN_BOX_W,
            name_lines: 0,
        },
    );
    let tall = g.fit(width, true);
    let fits_tall = g.clone().with_geometry(tall).size().1 + 4 <= height * 2 / 3;
    let geo = if fits_tall { tall } else { g.fit(width, false) };
    g.with_geometry(geo)
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
    let g = sized(map, area.width.saturating_sub(2), area.height);
    let (graph_area, panels) = layout::journey(area, g.size().1 + 1);
    let st = statuses(map, v);
    let closure: BTreeSet<&str> = map.closure(ids[sel]).into_iter().collect();
    let labels: Vec<Label> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Label {
            head: format!("{} {}", status_symbol(st[i]), id),
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
        no_journey: v.data().current_milestone.is_none(),
    };
    render_graph(frame, graph_area, &view, t);
    // Narrow, the selection has the width (its `needs` line and the edges drawn above say what
    // the dependency list would).
    if panels.width < DEPENDENCIES_FROM {
        render_selection(frame, panels, s, t, sel, &st);
        return;
    }
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(panels);
    render_selection(frame, left, s, t, sel, &st);
    render_dependencies(frame, right, s, t, sel, &g);
}

/// Columns from which the dependency list shows beside the selected milestone.
const DEPENDENCIES_FROM: u16 = 100;

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
    let b = block(String::new(), true, t);
    let inner = b.inner(area);
    let view_h = inner.height.saturating_sub(1);
    let r = g.rect(sel).unwrap_or(crate::graph::Rect {
        x: 0,
        y: 0,
        w: 1,
        h: 1,
    });
    let (ox, oy) = (pan(r.x, r.w, inner.width, w), pan(r.y, r.h, view_h, h));
    let panned = if w > inner.width || h > view_h {
        format!(
            " · view {}-{} of {w} columns, {}-{} of {h} rows",
            ox + 1,
            (ox + inner.width).min(w),
            oy + 1,
            (oy + view_h).min(h)
        )
    } else {
        String::new()
    };
    let title = format!(
        " Milestones · {} in {} layers{} · h/j/k/l move{panned} ",
        ids.len(),
        g.layer_count(),
        if v.no_journey {
            " · no journey row: a new user's map"
        } else {
            ""
        }
    );
    let b = b
        .title(Line::styled(title, t.title()))
        .title_bottom(v.time.clone());
    frame.render_widget(b, area);
    let legend = Line::from(vec![
        styled("✓ completed ", t.status(Status::Completed)),
        styled("◉ current ", t.status(Status::Current)),
        styled("○ available ", t.status(Status::Available)),
        styled("⊘ locked", t.status(Status::Locked)),
        styled(" · ┏┓ selected · ", t.muted()),
        styled(
            "bold: what it needs",
            t.accent().add_modifier(Modifier::BOLD),
        ),
    ]);
    frame.render_widget(Paragraph::new(legend), Rect { height: 1, ..inner });
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
                let mut tmp = [0u8; 4];
                cell.set_symbol(g.ch.encode_utf8(&mut tmp));
                cell.set_style(style(g.role));
            }
        }
    }
}

/// Most rows the selection panel gives the timeline.
const TIMELINE_ROWS: usize = 7;

/// The selected milestone: status, dependencies, what it contributes, and what a transition
/// carries (into it; for the current milestone, into the next ones).
fn render_selection(
    frame: &mut Frame,
    area: Rect,
    s: &State,
    t: &Theme,
    sel: usize,
    st: &[Status],
) {
    let Some(v) = &s.user.view else { return };
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    let id = ids[sel];
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = vec![Line::from(vec![
        styled(format!("{} ", status_symbol(st[sel])), t.status(st[sel])),
        styled(status_word(st[sel]), t.status(st[sel])),
    ])];
    let list = |v: Vec<&str>| {
        if v.is_empty() {
            "nothing".to_string()
        } else {
            il(&v.join(", "))
        }
    };
    lines.push(Line::from(vec![
        styled("needs      ", t.muted()),
        styled(list(map.closure(id)), t.base()),
    ]));
    lines.push(Line::styled("contributes (journey layer):", t.accent()));
    lines.extend(contribution_lines(v, id, t));
    // The timeline before the transitions' carried data, which can run long: time travel
    // steps through it.
    lines.push(Line::styled("timeline (newest first):", t.accent()));
    let rows = usize::from(area.height.saturating_sub(2)).saturating_sub(lines.len() + 2);
    lines.extend(super::timeline::lines(
        s,
        v,
        t,
        rows.clamp(3, TIMELINE_ROWS),
    ));
    lines.extend(transition_lines(s, v, t, id, st[sel], width));
    let title = il(&format!(" {id} {} ", map.name(id)));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, false, t)),
        area,
    );
}

/// The items a milestone gives the journey layer under the tuned policy, or "nothing".
fn contribution_lines(v: &UserView, id: &str, t: &Theme) -> Vec<Line<'static>> {
    let items: Vec<Line> = v
        .tuned
        .iter()
        .flat_map(|a| a.items.iter())
        .filter(|i| i.milestone.as_deref() == Some(id) && i.layer != "knowledge")
        .map(|i| {
            Line::from(vec![
                styled(format!("  {} {} ", il(&i.id), kind_label(i.kind)), t.base()),
                styled(format!("{}/{} tokens ", i.kept_tokens, i.tokens), t.muted()),
                styled(badge(i), t.decision(i.decision)),
            ])
        })
        .collect();
    if items.is_empty() {
        return vec![Line::styled("  nothing", t.muted())];
    }
    items
}

/// What a transition into `id` would carry; for the current milestone, into each next one.
fn transition_lines(
    s: &State,
    v: &UserView,
    t: &Theme,
    id: &str,
    status: Status,
    width: usize,
) -> Vec<Line<'static>> {
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    let mut lines = Vec::new();
    let targets: Vec<&str> = if status == Status::Current {
        ids.iter()
            .copied()
            .filter(|m| map.deps(m).iter().any(|d| d == id))
            .collect()
    } else {
        vec![id]
    };
    if status == Status::Current && targets.is_empty() {
        lines.push(Line::styled(
            il(&format!("{id} is current and nothing comes after it")),
            t.muted(),
        ));
    }
    for to in targets {
        let p = prepare_transition(map, v.snapshot(), to);
        let from = il(p.from.as_deref().unwrap_or("(no journey)"));
        lines.push(Line::styled(
            format!("a transition {from} → {} would carry:", il(to)),
            t.accent(),
        ));
        for (m, data) in &p.context {
            // Masked when loaded under --redact.
            let text = crate::engine::render::json_lines(data).replace('\n', " · ");
            let line = format!("{m}: {text}");
            lines.push(Line::from(format!(
                "  {}",
                crate::text::fit(&line, width.saturating_sub(2))
            )));
        }
        if !p.missing.is_empty() {
            lines.push(Line::styled(
                il(&format!(
                    "  missing (not completed): {}",
                    p.missing.join(", ")
                )),
                t.error(),
            ));
        }
    }
    lines
}

/// Every milestone's full dependency list (the graph draws only edges not implied by others).
fn render_dependencies(frame: &mut Frame, area: Rect, s: &State, t: &Theme, sel: usize, g: &Graph) {
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    let id_w = ids.iter().map(|i| i.width()).max().unwrap_or(2);
    let height = usize::from(area.height.saturating_sub(2));
    let first = layout::offset(sel, height.max(1), ids.len());
    let lines: Vec<Line> = ids
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, id)| {
            let deps = map.deps(id);
            let drawn: Vec<&str> = g
                .edges()
                .iter()
                .filter(|(_, b)| *b == i)
                .map(|(a, _)| ids[*a])
                .collect();
            let text = if deps.is_empty() {
                "—".to_string()
            } else {
                let implied = deps.len() - drawn.len();
                let note = if implied > 0 {
                    format!("  ({implied} implied)")
                } else {
                    String::new()
                };
                format!("{}{note}", deps.join(" "))
            };
            let line = Line::from(vec![
                styled(format!("{:<id_w$} ← ", il(id)), t.base()),
                styled(il(&text), t.muted()),
            ]);
            if i == sel {
                super::selected_line(line, t)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(" Depends on (all) ", false, t)),
        area,
    );
}
