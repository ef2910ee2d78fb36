//! The Budget screen: per layer, demand against the budget and what more room would keep
//! (drops before the budget, like a threshold, named as such); a stacked total; estimator drift.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

use super::layers::no_user;
use super::theme::Theme;
use super::{block, il, num, styled, usage_bar};
use crate::app::budget_view::{self, GaugeRow, INDENT};
use crate::app::state::State;
use crate::engine::Assembly;
use crate::engine::tokens::chars4;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Budget") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    let margins = s.user.view.as_ref().and_then(|v| v.margins.as_ref());
    let b = budget_view::layout(a, margins, area);
    let policy = format!("{}{}", il(&a.policy), if s.modified() { "*" } else { "" });
    render_gauges(
        frame,
        b.gauges,
        &b.rows,
        s.user.budget_scroll,
        (a, &policy),
        (t, &super::item::scroll_keys(s)),
    );
    render_total(frame, b.total, a, &b.legend, &b.global, t);
    if let Some(drift) = b.drift {
        render_drift(frame, drift, a, t);
    }
}

/// A bar per layer, then what it wants and what more room would keep, wrapped under the bar;
/// every figure whole (the bars give way), scrolled from `scroll` when the rows do not fit.
fn render_gauges(
    frame: &mut Frame,
    area: Rect,
    rows: &[GaugeRow],
    scroll: usize,
    (a, policy): (&Assembly, &str),
    (t, scroll_keys): (&Theme, &str),
) {
    let width = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2));
    let widest = |f: fn(&GaugeRow) -> Option<usize>| {
        rows.iter()
            .filter_map(f)
            .map(|n| num(n).len())
            .max()
            .unwrap_or(1)
    };
    let used_w = widest(|r| match r {
        GaugeRow::Bar { used, .. } => Some(*used),
        GaugeRow::Note { .. } => None,
    });
    let budget_w = widest(|r| match r {
        GaugeRow::Bar { budget, .. } => Some(*budget),
        GaugeRow::Note { .. } => None,
    });
    let bar_w = width.saturating_sub(INDENT + used_w + budget_w + 4).max(4);
    let first = crate::app::layout::first_shown(scroll, rows.len(), height);
    let lines: Vec<Line> = rows
        .iter()
        .skip(first)
        .take(height)
        .map(|r| match r {
            GaugeRow::Bar {
                layer,
                used,
                budget,
            } => {
                let mut spans = vec![styled(format!("{:<INDENT$}", il(layer)), t.title())];
                spans.extend(usage_bar(*used, *budget, bar_w, t));
                spans.push(styled(
                    format!(" {:>used_w$} / {:<budget_w$}", num(*used), num(*budget)),
                    t.base(),
                ));
                Line::from(spans)
            }
            GaugeRow::Note { text, margin } => Line::from(vec![
                styled(" ".repeat(INDENT), t.base()),
                styled(text.clone(), if *margin { t.muted() } else { t.base() }),
            ]),
        })
        .collect();
    let place = super::place(first, height, rows.len())
        .map(|p| match scroll_keys {
            "" => format!(" · {p}"),
            keys => format!(" · {p} · {keys}"),
        })
        .unwrap_or_default();
    let b = block(
        format!(
            " Layer budgets · {policy} · {} · {}{place} ",
            a.tokenizer,
            a.strategy.as_str()
        ),
        true,
        t,
    );
    frame.render_widget(Paragraph::new(lines).block(b), area);
}

/// One bar, each layer's share of the total budget in its own colour and fill, its legend
/// (wrapped), and the global pass's margin.
fn render_total(
    frame: &mut Frame,
    area: Rect,
    a: &Assembly,
    legend: &[Vec<(usize, String)>],
    global: &[String],
    t: &Theme,
) {
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
    let colour = |i: usize| Style::new().fg(palette[i % palette.len()]);
    let mut spans = Vec::new();
    let mut drawn = 0;
    for (i, (_, l)) in a.layers.iter().enumerate() {
        // A layer that holds tokens shows at least one cell: the legend names its fill.
        let w = match l.used {
            0 => 0,
            used => (used * width / total).max(1),
        }
        .min(width - drawn);
        let fill = budget_view::FILLS[i % budget_view::FILLS.len()];
        spans.push(styled(fill.repeat(w), colour(i)));
        drawn += w;
    }
    spans.push(styled("░".repeat(width - drawn), t.muted()));
    let mut lines = vec![Line::from(spans)];
    lines.extend(legend.iter().map(|row| {
        Line::from(
            row.iter()
                .map(|(i, entry)| styled(format!("{entry}  "), colour(*i)))
                .collect::<Vec<_>>(),
        )
    }));
    lines.extend(
        global
            .iter()
            .map(|g| Line::from(styled(g.clone(), t.muted()))),
    );
    frame.render_widget(Paragraph::new(lines), inner);
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
            // Signed as the other figures are (`−48.8 %`).
            let pct = format!("{pct:+.1} %").replace('-', "−");
            (super::il(name), exact, est, pct)
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
            Row::new(vec![name, super::num(exact), super::num(est), pct])
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
