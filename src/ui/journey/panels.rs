//! The Journey screen's panels under the graph: the selected milestone (its status, needs,
//! contributions, timeline and what a transition carries) and every milestone's dependency list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::state::{State, UserView};
use crate::engine::ItemKind;
use crate::engine::milestones::{Status, prepare_transition};
use crate::graph::Graph;
use crate::ui::layers::{badge, kind_label};
use crate::ui::theme::{Theme, status_symbol, status_word};
use crate::ui::{block, il, styled};

/// Columns from which the dependency list shows beside the selected milestone.
const DEPENDENCIES_FROM: u16 = 100;

/// The selected milestone's panel, and the dependency list beside it when there is width.
pub(super) fn render(
    frame: &mut Frame,
    panels: Rect,
    s: &State,
    t: &Theme,
    sel: usize,
    st: &[Status],
    g: &Graph,
) {
    // Narrow, the selection has the width (its `needs` line and the edges drawn above say what
    // the dependency list would).
    if panels.width < DEPENDENCIES_FROM {
        render_selection(frame, panels, s, t, sel, st);
        return;
    }
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(panels);
    render_selection(frame, left, s, t, sel, st);
    render_dependencies(frame, right, s, t, sel, g);
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
    // A long closure wraps under its value, not under the label.
    lines.extend(crate::ui::wrap::hanging(
        &[styled("needs      ", t.muted())],
        &[Span::raw(" ".repeat(11))],
        &Line::styled(list(map.closure(id)), t.base()),
        width,
    ));
    lines.push(Line::styled("contributes (journey layer):", t.accent()));
    lines.extend(contribution_lines(v, id, t));
    // The timeline before the transitions' carried data, which can run long: time travel
    // steps through it. What the panel has room for beside both, it takes.
    let after = transition_lines(s, v, t, id, st[sel], width);
    let height = usize::from(area.height.saturating_sub(2));
    let used = |l: &[Line]| crate::ui::wrap::all_rows(l, width).len();
    let room = height.saturating_sub(used(&lines) + 1 + used(&after));
    let rows = if room > TIMELINE_ROWS {
        room
    } else {
        height
            .saturating_sub(lines.len() + 3)
            .clamp(3, TIMELINE_ROWS)
    };
    lines.push(Line::styled(
        il(&crate::ui::timeline::heading(s, v, rows)),
        t.accent(),
    ));
    lines.extend(crate::ui::timeline::lines(s, v, t, rows));
    lines.extend(after);
    // Scrolled by the page keys where its rows do not fit (80×24): the title says which.
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    let rows = p.line_count(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2));
    s.user.panel_rows.set((rows, height));
    let first = crate::app::layout::first_shown(s.user.panel, rows, height);
    let shown = crate::ui::place(first, height, rows)
        .map(|p| format!(" · {p} · PgDn/PgUp"))
        .unwrap_or_default();
    // The name gives way to the range and the keys (cut with an ellipsis).
    let fixed = format!(" {} {shown} ", il(id)).width();
    let name = crate::text::fit(
        map.name(id),
        usize::from(area.width).saturating_sub(fixed + 2),
    );
    let title = format!(" {} {name}{shown} ", il(id));
    let first = u16::try_from(first).unwrap_or(u16::MAX);
    frame.render_widget(p.scroll((first, 0)).block(block(title, false, t)), area);
}

/// The items a milestone gives the journey under the tuned policy, or "nothing": knowledge
/// rows carry their milestone too, but are the knowledge layer's, whatever the policy names it.
pub(in crate::ui) fn contribution_lines(v: &UserView, id: &str, t: &Theme) -> Vec<Line<'static>> {
    let items: Vec<Line> = v
        .tuned
        .iter()
        .flat_map(|a| a.items.iter())
        .filter(|i| i.milestone.as_deref() == Some(id) && i.kind != ItemKind::Knowledge)
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

/// Lines of a milestone's carried data shown on Journey, and rows one line may wrap to.
const CARRY_FIELDS: usize = 12;
const CARRY_ROWS_PER_FIELD: usize = 3;

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
        if let Some(f) = p.from.as_deref().filter(|f| !map.contains(f)) {
            lines.push(Line::styled(
                format!("  the user's {} is not in this map", il(f)),
                t.warning(),
            ));
        }
        // As `ctxlens transition` says it: a transition into where the user is, or back.
        if let Some(note) = p.from.as_deref().and_then(|f| map.not_forward(f, to)) {
            lines.push(Line::styled(format!("  {}", il(&note)), t.warning()));
        }
        if p.context.is_empty() && p.missing.is_empty() {
            lines.push(Line::styled("  nothing (it depends on nothing)", t.muted()));
        }
        for (m, data) in &p.context {
            lines.push(Line::from(format!("  {}:", il(m))));
            // Every field, wrapped (the panel scrolls); a long one cut at a few rows. Masked
            // when loaded under --redact.
            let text = crate::engine::render::json_lines(data);
            let fields: Vec<&str> = text.lines().collect();
            let cut = width.saturating_sub(4).max(20) * CARRY_ROWS_PER_FIELD;
            for f in fields.iter().take(CARRY_FIELDS) {
                // Wrapped under its own indentation, and two more for what continues it.
                let body = f.trim_start();
                let indent = " ".repeat(4 + f.len() - body.len());
                let first = [Span::raw(indent.clone())];
                let rest = [Span::raw(format!("{indent}  "))];
                let body = Line::from(crate::text::fit(body, cut));
                lines.extend(crate::ui::wrap::hanging(&first, &rest, &body, width));
            }
            if fields.len() > CARRY_FIELDS {
                lines.push(Line::styled(
                    format!(
                        "    … {} more lines (Layers shows the item whole)",
                        fields.len() - CARRY_FIELDS
                    ),
                    t.muted(),
                ));
            }
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

/// Every milestone's full dependency list (the graph draws only edges not implied by others),
/// a long list wrapped under its arrow so none is cut; the selection's rows kept in view, and
/// the title saying which milestones are shown when not all fit.
fn render_dependencies(frame: &mut Frame, area: Rect, s: &State, t: &Theme, sel: usize, g: &Graph) {
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    let id_w = ids.iter().map(|i| i.width()).max().unwrap_or(2);
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let width = usize::from(area.width.saturating_sub(2));
    let blocks: Vec<Vec<Line>> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let deps = map.deps(id);
            let drawn = g.edges().iter().filter(|(_, b)| *b == i).count();
            let text = if deps.is_empty() {
                "—".to_string()
            } else {
                let implied = deps.len() - drawn;
                let note = if implied > 0 {
                    format!("  ({implied} implied)")
                } else {
                    String::new()
                };
                format!("{}{note}", deps.join(" "))
            };
            let first = [styled(format!("{:<id_w$} ← ", il(id)), t.base())];
            let rest = [Span::raw(" ".repeat(id_w + 3))];
            let body = Line::from(styled(il(&text), t.muted()));
            let rows = crate::ui::wrap::hanging(&first, &rest, &body, width);
            if i == sel {
                rows.into_iter()
                    .map(|l| crate::ui::selected_line(l, t))
                    .collect()
            } else {
                rows
            }
        })
        .collect();
    let shown = dependency_window(
        &blocks.iter().map(Vec::len).collect::<Vec<_>>(),
        sel,
        height,
    );
    let title = if shown.len() == ids.len() {
        " Depends on (all) ".to_string()
    } else {
        format!(
            " Depends on · {} ",
            crate::ui::span(shown.start + 1, shown.end, ids.len())
        )
    };
    let lines: Vec<Line> = blocks[shown.clone()]
        .iter()
        .flatten()
        .take(height)
        .cloned()
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block(title, false, t)), area);
}

/// Which blocks of `heights` rows show, `height` rows at a time: pages of whole blocks (the
/// page the selection is on), so no entry shows in part and the range counts what shows; a
/// block taller than the pane is a page of its own, cut at the bottom.
pub(in crate::ui) fn dependency_window(
    heights: &[usize],
    sel: usize,
    height: usize,
) -> std::ops::Range<usize> {
    let height = height.max(1);
    let (mut start, mut rows) = (0, 0);
    for (i, &h) in heights.iter().enumerate() {
        if rows > 0 && rows + h > height {
            if sel < i {
                return start..i;
            }
            (start, rows) = (i, 0);
        }
        rows += h;
    }
    start..heights.len()
}
