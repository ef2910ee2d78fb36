//! The Budget screen: per layer, demand against the budget and what more room would keep
//! (drops before the budget, like a threshold, named as such); a stacked total; estimator drift.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

use super::layers::no_user;
use super::theme::Theme;
use super::{block, il, num, styled, usage_bar};
use crate::app::state::State;
use crate::engine::assembly::LayerReport;
use crate::engine::tokens::chars4;
use crate::engine::{Assembly, Decision, FitMargin, Item, Margins, Reason};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Budget") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    let margins = s.user.view.as_ref().and_then(|v| v.margins.as_ref());
    let lines = gauge_lines(a, margins, usize::from(area.width.saturating_sub(2)), t);
    let [gauges, total, drift] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Length(5),
        Constraint::Min(3),
    ])
    .areas(area);
    render_gauges(frame, gauges, lines, a, t);
    render_total(frame, total, a, margins, t);
    render_drift(frame, drift, a, t);
}

/// The items of `layer` that reached the budget fit (not filtered before it), in fit order:
/// score, then newest, then id (SPEC §3.5).
fn reached_fit<'a>(a: &'a Assembly, layer: &str) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = a
        .items
        .iter()
        .filter(|i| i.layer == layer && i.reason.is_none_or(Reason::is_budget))
        .collect();
    items.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| y.timestamp.cmp(&x.timestamp))
            .then_with(|| x.id.cmp(&y.id))
    });
    items
}

/// `wants 8,578, has 2,000`, what the layer lost and to what.
fn demand(a: &Assembly, layer: &str, l: &LayerReport) -> String {
    let wants: usize = reached_fit(a, layer).iter().map(|i| i.tokens).sum();
    let items: Vec<&Item> = a.layer_items(layer).collect();
    let budget_cut = items
        .iter()
        .filter(|i| i.reason.is_some_and(Reason::is_budget) || i.decision == Decision::Truncated)
        .count();
    let mut filtered: Vec<String> = Vec::new();
    for r in [
        Reason::MaxItems,
        Reason::BelowThreshold,
        Reason::OtherMilestone,
        Reason::OverLimit,
    ] {
        let n = items.iter().filter(|i| i.reason == Some(r)).count();
        if n > 0 {
            filtered.push(format!("{n} {}", r.as_str().replace('_', " ")));
        }
    }
    let fits = if budget_cut == 0 {
        "everything that reached the budget fits".to_string()
    } else {
        format!("{budget_cut} cut by the budget")
    };
    let filters = if filtered.is_empty() {
        String::new()
    } else {
        format!(" · dropped before the budget: {}", filtered.join(", "))
    };
    format!(
        "wants {}, has {} · {fits}{filters}",
        num(wants),
        num(l.budget as usize)
    )
}

/// The layer's exact margins: what one more token at a time admits, what fewer lose, where a
/// `stop` fit ended and the budget that keeps everything (see `engine::margins`).
pub fn margin_line(m: &FitMargin) -> String {
    let mut parts = Vec::new();
    if let Some(step) = &m.next_in {
        parts.push(format!("+{} admits {}", num(step.tokens), il(&step.id)));
    }
    if let Some(step) = &m.first_out {
        parts.push(format!("−{} loses {}", num(step.tokens), il(&step.id)));
    }
    if let Some(b) = &m.blocker
        && b.behind > 0
    {
        parts.push(format!(
            "{} blocks {} more ({} tokens)",
            il(&b.id),
            b.behind,
            num(b.behind_tokens)
        ));
    }
    if m.next_in.is_some() {
        parts.push(format!("all {} at {}", m.entered, num(m.keeps_all_at)));
    }
    if parts.is_empty() {
        return "margin: nothing reached the fit".into();
    }
    format!("margin: {}", parts.join(" · "))
}

/// A bar per layer, then what it wants and what more room would keep, wrapped under the bar.
fn gauge_lines(
    a: &Assembly,
    margins: Option<&Margins>,
    width: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let bar_w = width.saturating_sub(32).max(10);
    let text_w = width.saturating_sub(12).max(20);
    let mut lines = Vec::new();
    for (name, l) in a.layers.iter() {
        let mut spans = vec![styled(format!("{:<12}", il(name)), t.title())];
        spans.extend(usage_bar(l.used, l.budget as usize, bar_w, t));
        spans.push(styled(
            format!(" {:>7} / {:<7}", num(l.used), num(l.budget as usize)),
            t.base(),
        ));
        lines.push(Line::from(spans));
        let notes = [
            Some((demand(a, name, l), t.base())),
            margins
                .and_then(|m| m.layers.iter().find(|lm| lm.name == name))
                .map(|m| (margin_line(m), t.muted())),
        ];
        for (text, style) in notes.into_iter().flatten() {
            for part in super::wrap_words(&text, text_w) {
                lines.push(Line::from(vec![
                    styled(" ".repeat(12), t.base()),
                    styled(part, style),
                ]));
            }
        }
    }
    lines
}

fn render_gauges(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    a: &Assembly,
    t: &Theme,
) {
    let b = block(
        format!(
            " Layer budgets · {} · {} ",
            a.tokenizer,
            a.strategy.as_str()
        ),
        true,
        t,
    );
    frame.render_widget(Paragraph::new(lines).block(b), area);
}

/// One bar, each layer's share of the total budget in its own colour.
fn render_total(frame: &mut Frame, area: Rect, a: &Assembly, m: Option<&Margins>, t: &Theme) {
    let b = block(
        format!(
            " Total {} / {} tokens ",
            num(a.total_tokens),
            num(a.budget.total as usize)
        ),
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
    // Each layer its colour and its own fill, so the bar reads without colour too.
    const FILLS: [&str; 3] = ["█", "▓", "▒"];
    let mut spans = Vec::new();
    let mut legend = Vec::new();
    let mut drawn = 0;
    for (i, (name, l)) in a.layers.iter().enumerate() {
        let w = (l.used * width / total).min(width - drawn);
        let c = palette[i % palette.len()];
        let fill = FILLS[i % FILLS.len()];
        spans.push(styled(fill.repeat(w), Style::new().fg(c)));
        legend.push(styled(
            format!("{fill} {} {}  ", il(name), num(l.used)),
            Style::new().fg(c),
        ));
        drawn += w;
    }
    spans.push(styled("░".repeat(width - drawn), t.muted()));
    let mut lines = vec![Line::from(spans), Line::from(legend)];
    if let Some(m) = m {
        lines.push(Line::from(styled(global_line(m), t.muted())));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The global pass's margin (layer budgets held), and the total that keeps every candidate.
pub fn global_line(m: &Margins) -> String {
    let all = match m.total_for_all {
        Some(t) => format!("budget.total {} keeps every candidate", num(t as usize)),
        None => "a cap keeps some candidate out at any total".into(),
    };
    let pass = margin_line(&m.global).replacen("margin: ", "global pass: ", 1);
    format!("{pass} · {all}")
}

/// Per layer: exact tokens of the candidates against seed 003's chars/4 estimate. A table, or
/// where the screen is too short for it, one line of the drifts (the figures behind them are on
/// the table at a taller size).
fn render_drift(frame: &mut Frame, area: Rect, a: &Assembly, t: &Theme) {
    let drifts: Vec<(String, usize, usize, String)> = a
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
            (super::il(name), exact, est, format!("{pct:+.1}%"))
        })
        .collect();
    if usize::from(area.height) < drifts.len() + 3 {
        let line = drifts
            .iter()
            .map(|(name, .., pct)| format!("{name} {pct}"))
            .collect::<Vec<_>>()
            .join(" · ");
        let title = format!(" Estimator drift: chars/4 against {} ", a.tokenizer);
        frame.render_widget(
            Paragraph::new(line)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block(title, false, t)),
            area,
        );
        return;
    }
    let rows: Vec<Row> = drifts
        .into_iter()
        .map(|(name, exact, est, pct)| {
            Row::new(vec![name, exact.to_string(), est.to_string(), pct])
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
