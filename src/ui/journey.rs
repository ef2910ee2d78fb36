//! The journey screen: the milestone DAG in layers, status colours, the selection's closure,
//! the items it contributes, the transition preview and a timeline.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layers::no_user;
use super::theme::Theme;
use super::{block, il, styled};
use crate::app::state::State;
use crate::engine::milestones::{completed, prepare_transition};
use crate::engine::snapshot::{JourneyKind, fmt_ts};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Journey") {
        return;
    }
    let Some(v) = &s.user.view else { return };
    let map = &s.session.engine.milestones;
    let ids: Vec<&str> = map.ids().collect();
    let Some(sel) = ids
        .get(s.user.milestone.min(ids.len().saturating_sub(1)))
        .copied()
    else {
        return;
    };
    let done = completed(v.snapshot());
    let statuses = map.statuses(v.snapshot().current_milestone.as_deref(), &done);
    let closure: BTreeSet<&str> = map.closure(sel).into_iter().collect();
    let layers = map.layers();
    let graph_h = layers.iter().map(Vec::len).max().unwrap_or(1) as u16 * 3 + 3;
    let [graph, bottom] =
        Layout::vertical([Constraint::Length(graph_h), Constraint::Min(4)]).areas(area);
    let b = block(
        il(&format!(" Milestones · selected {sel} {} ", map.name(sel))),
        true,
        t,
    );
    let inner = b.inner(graph);
    frame.render_widget(b, graph);
    let cols = Layout::horizontal(vec![
        Constraint::Ratio(1, layers.len().max(1) as u32);
        layers.len()
    ])
    .split(inner);
    for (li, (col, nodes)) in cols.iter().zip(&layers).enumerate() {
        let mut lines = vec![Line::styled(format!("layer {li}"), t.muted())];
        for id in nodes {
            let status = statuses.iter().find(|(m, _)| m == id).map(|(_, st)| *st);
            let mut style = status.map_or(t.base(), |st| t.status(st));
            if *id == sel {
                style = t.selected();
            } else if closure.contains(id) {
                style = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
            }
            let name: String = il(map.name(id))
                .chars()
                .take(col.width.saturating_sub(5) as usize)
                .collect();
            lines.push(Line::from(Span::styled(il(&format!("{id} {name}")), style)));
            let deps = map.deps(id);
            let arrow = if deps.is_empty() {
                "  (no deps)".to_string()
            } else {
                format!("  ← {}", deps.join(" "))
            };
            lines.push(Line::styled(
                il(&arrow)
                    .chars()
                    .take(col.width as usize)
                    .collect::<String>(),
                t.muted(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), *col);
    }
    let [detail, timeline] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    render_detail(frame, detail, s, t, sel);
    render_timeline(frame, timeline, s, t);
}

/// The selected milestone: status, closure, the journey items it contributes, the transition preview.
fn render_detail(frame: &mut Frame, area: Rect, s: &State, t: &Theme, sel: &str) {
    let Some(v) = &s.user.view else { return };
    let map = &s.session.engine.milestones;
    let done = completed(v.snapshot());
    let status = map
        .statuses(v.snapshot().current_milestone.as_deref(), &done)
        .into_iter()
        .find(|(m, _)| *m == sel)
        .map(|(_, st)| st);
    let mut lines = vec![Line::from(vec![
        styled(il(&format!("{sel} {} ", map.name(sel))), t.title()),
        status.map_or(styled("", t.base()), |st| {
            styled(format!("{st:?}").to_lowercase(), t.status(st))
        }),
    ])];
    let closure = map.closure(sel);
    lines.push(Line::styled(
        format!(
            "needs (closure): {}",
            if closure.is_empty() {
                "nothing".into()
            } else {
                il(&closure.join(", "))
            }
        ),
        t.muted(),
    ));
    let contributes: Vec<String> = v
        .tuned
        .iter()
        .flat_map(|a| a.items.iter())
        .filter(|i| i.milestone.as_deref() == Some(sel) && i.layer != "knowledge")
        .map(|i| {
            format!(
                "{} {:?} {} tokens, {}",
                il(&i.id),
                i.kind,
                i.tokens,
                super::layers::badge(i)
            )
            .to_lowercase()
        })
        .collect();
    lines.push(Line::styled("contributes:", t.accent()));
    if contributes.is_empty() {
        lines.push(Line::styled("  nothing in the journey layer", t.muted()));
    }
    lines.extend(
        contributes
            .into_iter()
            .map(|c| Line::from(format!("  {c}"))),
    );
    let preview = prepare_transition(map, v.snapshot(), sel);
    lines.push(Line::styled(
        format!(
            "transition {} → {sel} would carry:",
            il(preview.from.as_deref().unwrap_or("—"))
        ),
        t.accent(),
    ));
    for (m, data) in &preview.context {
        // Masked when loaded under --redact.
        let text = crate::engine::render::json_lines(data).replace('\n', " · ");
        lines.push(Line::from(il(&format!("  {m}: {text}"))));
    }
    if !preview.missing.is_empty() {
        lines.push(Line::styled(
            il(&format!("  missing: {}", preview.missing.join(", "))),
            t.error(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(block(" Selection ", false, t)),
        area,
    );
}

/// Completions and transitions, newest first.
fn render_timeline(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let Some(v) = &s.user.view else { return };
    let mut rows: Vec<_> = v
        .snapshot()
        .journey
        .iter()
        .filter(|j| j.kind != JourneyKind::BusinessDna)
        .collect();
    rows.sort_by(|a, b| b.timestamp.cmp(&a.timestamp).then_with(|| a.id.cmp(&b.id)));
    let lines: Vec<Line> = rows
        .iter()
        .map(|j| {
            let when = j.timestamp.as_ref().map_or("—".into(), fmt_ts);
            let m = j.milestone.as_deref().unwrap_or("?");
            let what = match j.kind {
                JourneyKind::Transition => {
                    let from = j.data.get("from").and_then(|x| x.as_str()).unwrap_or("?");
                    format!("transition {from} → {m}")
                }
                _ => format!("completed {m}"),
            };
            Line::from(vec![
                styled(format!("{when}  "), t.muted()),
                styled(il(&what), t.base()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(" Timeline ", false, t)),
        area,
    );
}
