//! The budget screen: a gauge per layer with where the cut fell, a stacked total, estimator drift.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::layers::no_user;
use super::theme::Theme;
use super::{block, styled};
use crate::app::state::State;
use crate::engine::tokens::chars4;
use crate::engine::{Assembly, Decision, Reason};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Budget") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    let n = a.layers.0.len() as u16;
    let [gauges, total, drift] = Layout::vertical([
        Constraint::Length(n * 2 + 2),
        Constraint::Length(4),
        Constraint::Min(3),
    ])
    .areas(area);
    render_gauges(frame, gauges, a, t);
    render_total(frame, total, a, t);
    render_drift(frame, drift, a, t);
}

fn bar_spans(used: usize, budget: usize, width: usize, t: &Theme) -> Vec<Span<'static>> {
    let filled = if budget == 0 {
        width
    } else {
        (used.min(budget) * width).div_ceil(budget).min(width)
    };
    let fill = if used > budget { t.gauge_over } else { t.gauge };
    vec![
        styled("█".repeat(filled), Style::new().fg(fill)),
        styled("░".repeat(width - filled), t.muted()),
    ]
}

/// Where the layer's cut fell: the first item that lost to the budget, and what it needed.
fn cut(a: &Assembly, layer: &str) -> String {
    let lost = a
        .layer_items(layer)
        .find(|i| i.decision == Decision::Truncated || i.reason.is_some_and(Reason::is_budget));
    match lost {
        None => "everything fits".into(),
        Some(i) if i.decision == Decision::Truncated => format!(
            "cut inside {}: {} of {} tokens kept",
            i.id, i.kept_tokens, i.tokens
        ),
        Some(i) => format!(
            "cut before {} ({} tokens, {})",
            i.id,
            i.tokens,
            i.reason.map_or("", |r| r.as_str())
        ),
    }
}

fn render_gauges(frame: &mut Frame, area: Rect, a: &Assembly, t: &Theme) {
    let b = block(
        format!(
            " Layer budgets · {} · {} ",
            a.tokenizer,
            a.strategy.as_str()
        ),
        true,
        t,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let width = (inner.width as usize).saturating_sub(30).max(10);
    let mut lines = Vec::new();
    for (name, l) in a.layers.iter() {
        let mut spans = vec![styled(format!("{name:<12}"), t.title())];
        spans.extend(bar_spans(l.used, l.budget as usize, width, t));
        spans.push(styled(
            format!(" {:>6} / {:<6}", l.used, l.budget),
            t.base(),
        ));
        lines.push(Line::from(spans));
        lines.push(Line::from(vec![
            styled(" ".repeat(12), t.base()),
            styled(
                format!(
                    "{} kept · {} truncated · {} dropped · {}",
                    l.kept,
                    l.truncated,
                    l.dropped,
                    cut(a, name)
                ),
                t.muted(),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One bar, each layer's share of the total budget in its own colour.
fn render_total(frame: &mut Frame, area: Rect, a: &Assembly, t: &Theme) {
    let b = block(
        format!(" Total {} / {} tokens ", a.total_tokens, a.budget.total),
        true,
        t,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let width = inner.width as usize;
    let total = (a.budget.total as usize).max(a.total_tokens).max(1);
    let palette = [
        t.accent,
        t.kept,
        t.truncated,
        t.current,
        t.available,
        t.dropped,
    ];
    let mut spans = Vec::new();
    let mut legend = Vec::new();
    let mut drawn = 0;
    for (i, (name, l)) in a.layers.iter().enumerate() {
        let w = (l.used * width / total).min(width - drawn);
        let c = palette[i % palette.len()];
        spans.push(styled("█".repeat(w), Style::new().fg(c)));
        legend.push(styled(format!("■ {name} {}  ", l.used), Style::new().fg(c)));
        drawn += w;
    }
    spans.push(styled("░".repeat(width - drawn), t.muted()));
    frame.render_widget(
        Paragraph::new(vec![Line::from(spans), Line::from(legend)]),
        inner,
    );
}

/// Per layer: exact tokens of the candidates against seed 003's chars/4 estimate.
fn render_drift(frame: &mut Frame, area: Rect, a: &Assembly, t: &Theme) {
    let rows: Vec<Row> = a
        .layers
        .iter()
        .map(|(name, _)| {
            let (exact, est) = a.layer_items(name).fold((0usize, 0usize), |(e, c), i| {
                (e + i.tokens, c + chars4(&i.text))
            });
            let pct = if exact == 0 {
                0.0
            } else {
                (est as f64 - exact as f64) / exact as f64 * 100.0
            };
            Row::new(vec![
                name.to_string(),
                exact.to_string(),
                est.to_string(),
                format!("{pct:+.1}%"),
            ])
        })
        .collect();
    let exact = format!("EXACT ({})", a.tokenizer);
    let header = Row::new(["LAYER", exact.as_str(), "CHARS/4", "DRIFT"]).style(t.title());
    let widths = [
        Constraint::Length(14),
        Constraint::Length(20),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let table = Table::new(rows, widths).header(header).block(block(
        " Estimator drift (all items) ",
        false,
        t,
    ));
    frame.render_widget(table, area);
}
