//! The layers screen: one pane per policy layer, items with tokens, score and decision; item detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::{block, center_message, clear, il, inert_lines, popup, spinner, styled};
use crate::app::layout::{offset, panes};
use crate::app::state::{State, UserView};
use crate::app::update::{LayerRow, layer_rows};
use crate::engine::snapshot::{Malformed, Snapshot, fmt_ts};
use crate::engine::tokens::chars4;
use crate::engine::{Assembly, Decision, Item, ItemKind};

/// What to show when no user is ready: loading, counting, or nothing selected.
pub(crate) fn no_user(frame: &mut Frame, area: Rect, s: &State, t: &Theme, title: &str) -> bool {
    match (&s.user.view, &s.user.loading) {
        // Another user is loading (the same one reloading keeps its data on screen).
        (v, Some(id)) if v.as_ref().is_none_or(|v| &v.data().user_id != id) => center_message(
            frame,
            area,
            title,
            vec![Line::from(format!("{} Loading {}…", spinner(s), il(id)))],
            t,
        ),
        (None, None) => center_message(
            frame,
            area,
            title,
            vec![
                Line::from("No user selected."),
                Line::styled(
                    "Pick one on Users (1) and press enter, or :user ID",
                    t.muted(),
                ),
            ],
            t,
        ),
        (Some(v), _) if v.tuned.is_none() => {
            let tok = s.session.policy.tokenizer;
            let lines = vec![
                Line::from(format!(
                    "{} counting… loading the {tok} tokenizer",
                    spinner(s)
                )),
                Line::styled(counting_summary(v.snapshot()), t.muted()),
            ];
            center_message(frame, area, title, lines, t)
        }
        _ => return false,
    }
    true
}

fn counting_summary(snap: &Snapshot) -> String {
    format!(
        "{} turns · {} journey items · {} knowledge hits, tokens counting…",
        snap.session.len(),
        snap.journey.len(),
        snap.knowledge.len()
    )
}

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Layers") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    let areas = panes(area, s.session.policy.layers.len());
    for (i, (layer, pane)) in s.session.policy.layers.iter().zip(areas).enumerate() {
        let rep = a.layers.get(&layer.name).cloned().unwrap_or_default();
        let focused = i == s.user.pane;
        let title = Line::from(vec![
            styled(format!(" {} ", layer.name), t.title()),
            styled(
                format!("{}/{} ", rep.used, rep.budget),
                if rep.used > rep.budget as usize {
                    t.error()
                } else {
                    t.muted()
                },
            ),
        ]);
        let b = block(title, focused, t);
        let inner = b.inner(pane);
        frame.render_widget(b, pane);
        let rows = layer_rows(s, a, i);
        if rows.is_empty() {
            frame.render_widget(Paragraph::new(Line::styled("no items", t.muted())), inner);
            continue;
        }
        let cursor = s.user.cursors.get(i).copied().unwrap_or(0);
        let height = inner.height as usize;
        let first = offset(cursor, height);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(k, row)| {
                let selected = focused && k == cursor;
                match row {
                    LayerRow::Item(it) => item_line(it, t, inner.width, selected),
                    LayerRow::Malformed(m) => malformed_line(m, t, inner.width, selected),
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The badge for a decision: `kept`, `trunc`, or the drop reason.
pub(crate) fn badge(it: &Item) -> String {
    match (it.decision, it.reason) {
        (Decision::Kept, _) => "kept".into(),
        (Decision::Truncated, _) => "trunc".into(),
        (Decision::Dropped, Some(r)) => r.as_str().replace('_', " "),
        (Decision::Dropped, None) => "dropped".into(),
    }
}

fn malformed_line<'a>(m: &Malformed, t: &Theme, width: u16, selected: bool) -> Line<'a> {
    let head = format!(" {:<8} malformed · ", il(m.id.as_deref().unwrap_or("—")));
    let room = (width as usize).saturating_sub(2 + head.chars().count());
    let what = crate::text::preview(&format!("{}: {}", m.source, m.reason), room);
    let line = Line::from(vec![
        Span::styled("⚠", t.error()),
        Span::styled(head, t.error()),
        Span::styled(what, t.muted()),
    ]);
    if selected {
        line.style(t.selected())
    } else {
        line
    }
}

fn item_line<'a>(it: &Item, t: &Theme, width: u16, selected: bool) -> Line<'a> {
    let glyph = match it.decision {
        Decision::Kept => "✔",
        Decision::Truncated => "✂",
        Decision::Dropped => "✘",
    };
    let head = format!(" {:<8}{:>5} {:>4.2} ", il(&it.id), it.tokens, it.score);
    let why = match it.reason {
        Some(r) => format!("{} · ", r.as_str().replace('_', " ")),
        None => String::new(),
    };
    let room = (width as usize).saturating_sub(2 + head.chars().count() + why.chars().count());
    // Masked when loaded under --redact; the preview is inert.
    let preview = crate::text::preview(&it.text, room);
    let line = Line::from(vec![
        Span::styled(glyph, t.decision(it.decision)),
        Span::styled(head, t.base()),
        Span::styled(why, t.decision(it.decision)),
        Span::styled(preview, t.muted()),
    ]);
    if selected {
        line.style(t.selected())
    } else {
        line
    }
}

/// The selected row in the focused pane.
pub(crate) fn selected_row<'a>(s: &'a State, a: &'a Assembly) -> Option<LayerRow<'a>> {
    let cursor = s.user.cursors.get(s.user.pane).copied().unwrap_or(0);
    layer_rows(s, a, s.user.pane).get(cursor).copied()
}

/// Where an item came from: the Redis key or table row.
pub(crate) fn source_of(it: &Item, v: &UserView) -> String {
    let snap = v.snapshot();
    match it.kind {
        ItemKind::Turn => {
            let idx = it.id.rsplit('#').next().unwrap_or("?");
            let key = v.data().session_key().map_or_else(
                || {
                    crate::engine::keys::session_key(
                        "",
                        &snap.user_id,
                        snap.session_id.as_deref().unwrap_or("?"),
                    )
                },
                str::to_string,
            );
            format!("redis {key}[{idx}]")
        }
        ItemKind::BusinessDna | ItemKind::MilestoneData | ItemKind::Transition => {
            format!(
                "postgres memory_bank id={}",
                it.id.trim_start_matches("mb:")
            )
        }
        ItemKind::Knowledge => format!("postgres knowledge id={}", it.id.trim_start_matches("kn:")),
        ItemKind::Static => format!("policy [[static]] {}", it.id),
        ItemKind::Query => "the query (newest user turn, or --query)".into(),
    }
}

pub fn render_item(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let Some(v) = &s.user.view else { return };
    let Some(a) = &v.tuned else { return };
    let it = match selected_row(s, a) {
        Some(LayerRow::Item(it)) => it,
        Some(LayerRow::Malformed(m)) => return render_malformed(frame, area, m, t),
        None => return,
    };
    let area = popup(area, 86, 84);
    clear(frame, area);
    let b = block(il(&format!(" {} · {} ", it.id, it.layer)), true, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let field = |k: &str, v: String| {
        Line::from(vec![
            styled(format!("{k:<12}"), t.muted()),
            styled(v, t.base()),
        ])
    };
    let reason = it
        .reason
        .map(|r| format!(" ({})", r.as_str()))
        .unwrap_or_default();
    let estimate = chars4(&it.text);
    let mut lines = vec![
        Line::from(vec![
            styled(format!("{:<12}", "decision"), t.muted()),
            styled(
                format!("{}{reason}", it.decision.as_str()),
                t.decision(it.decision),
            ),
        ]),
        field("source", il(&source_of(it, v))),
        field(
            "timestamp",
            it.timestamp.as_ref().map_or("—".into(), fmt_ts),
        ),
        field(
            "score",
            format!(
                "{:.3} relevance × {:.2} recency = {:.3}",
                it.relevance, it.multiplier, it.score
            ),
        ),
        field(
            "tokens",
            format!(
                "{} exact ({}) · {} by chars/4 ({:+})",
                it.tokens,
                a.tokenizer,
                estimate,
                estimate as i64 - it.tokens as i64
            ),
        ),
        field("in prompt", format!("{} tokens", it.kept_tokens)),
        Line::from(""),
    ];
    if let Some(kept) = &it.kept_text {
        lines.push(Line::styled(
            "truncated to:",
            t.decision(Decision::Truncated),
        ));
        lines.extend(inert_lines(kept));
        lines.push(Line::from(""));
        lines.push(Line::styled("full text:", t.muted()));
    }
    lines.extend(inert_lines(&it.text));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The detail of data that could not be read: where it was, and why.
fn render_malformed(frame: &mut Frame, area: Rect, m: &Malformed, t: &Theme) {
    let area = popup(area, 70, 40);
    clear(frame, area);
    let b = block(" malformed data ", true, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let field = |k: &str, v: &str| {
        Line::from(vec![
            styled(format!("{k:<12}"), t.muted()),
            styled(il(v), t.base()),
        ])
    };
    let lines = vec![
        field("item", m.id.as_deref().unwrap_or("—")),
        field("source", &m.source),
        Line::from(vec![
            styled(format!("{:<12}", "reason"), t.muted()),
            styled(il(&m.reason), t.error()),
        ]),
        Line::from(""),
        Line::styled(
            "Not read: the rest of the user is assembled without it.",
            t.muted(),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
