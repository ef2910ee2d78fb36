//! The Layers screen: the total against the budget and a bar per layer, then every item in one
//! table (layer, id, kind, tokens kept/total, score, decision and reason, text) and, on wide
//! terminals, the selected item's whole text beside it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, center_message, il, num, spinner, styled, usage_bar};
use crate::app::layout::{self, offset};
use crate::app::state::State;
use crate::app::update::{LayerRow, selected_row, shown_rows};
use crate::engine::snapshot::Snapshot;
use crate::engine::{Assembly, Decision, Item, ItemKind, LayerCounts, Reason};

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
        (None, None) if let Some((user, why)) = &s.user.failed => {
            // A user a store that is down kept from opening opens by itself when it is back; one
            // a store up but past its deadline kept is opened again by `R`.
            let waits = s.status.health.failed_user.as_deref() == Some(user.as_str());
            let down = s.status.stores.iter().any(|st| !st.up);
            let next = if waits && down {
                format!("{} opens as soon as the store is back.", il(user))
            } else if waits {
                format!("R tries {} again.", il(user))
            } else {
                "Pick another on Users (1) and press enter, or :user ID".to_string()
            };
            let lines = vec![
                Line::styled(format!("Could not open {}.", il(user)), t.error()),
                Line::from(il(why)),
                Line::styled(next, t.muted()),
            ];
            center_message(frame, area, title, lines, t)
        }
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
    let Some(v) = s.user.view.as_ref() else {
        return;
    };
    let Some(a) = v.tuned.as_ref() else { return };
    let areas = layout::layers(area, a.layers.0.len());
    render_totals(frame, areas.totals, s, a, t);
    render_table(frame, areas.table, s, a, t, areas.rows());
    if let Some(p) = areas.preview {
        let row = selected_row(s, a);
        // Named in the title; a text longer than the pane ends in how much more there is.
        let title = match &row {
            Some(LayerRow::Item(it)) => format!(" Selected · {} ", il(&it.id)),
            Some(LayerRow::Malformed(m, _)) => {
                format!(" Selected · {} ", il(m.id.as_deref().unwrap_or(&m.source)))
            }
            None => " Selected ".to_string(),
        };
        let b = block(
            crate::text::fit(&title, usize::from(p.width.saturating_sub(2))),
            false,
            t,
        );
        let height = usize::from(p.height.saturating_sub(2));
        let lines = match row {
            None => vec![Line::styled("nothing selected", t.muted())],
            Some(row) => {
                let rows =
                    super::item::lines(row, s, v, a, t, usize::from(p.width.saturating_sub(2)));
                if rows.len() > height && height > 0 {
                    let more = rows.len() - (height - 1);
                    let mut lines = rows.window(0, height - 1);
                    lines.push(Line::styled(
                        format!("… {more} more rows: enter shows the whole text"),
                        t.muted(),
                    ));
                    lines
                } else {
                    rows.window(0, height)
                }
            }
        };
        frame.render_widget(Paragraph::new(lines).block(b), p);
    }
}

/// The header: `549 + 1,960 + 114 = 2,623 / 4,000 tokens` with its bar, then one bar per layer
/// (used / budget, and where the cut fell).
/// A `:query` asked instead of the newest turn is named after the policy (which stays whole),
/// in the room left, so the what-if is never mistaken for what the user asked.
fn render_totals(frame: &mut Frame, area: Rect, s: &State, a: &Assembly, t: &Theme) {
    let width = usize::from(area.width.saturating_sub(2));
    // `prolaunch*` while tuned, as Tune and the status bar say: the figures are the tuning's.
    let tuned = if s.modified() { "*" } else { "" };
    let rest = format!(
        " · {}{tuned} · {} · {}",
        il(&a.policy),
        a.tokenizer,
        a.strategy.as_str()
    );
    // A long id gives way in its middle, so what tells it from another stays and the policy
    // after it is never cut.
    let id_room = width.saturating_sub(rest.width() + 2).max(12);
    // Named as listed: a user listed under a label (`USER@FILE`) by it, not by the file's own
    // id, which may read as another entry's label.
    let id = s
        .user
        .view
        .as_ref()
        .map_or(&a.user_id, |v| &v.data().user_id);
    let head = format!(
        " {}{rest}",
        crate::text::fit_middle(&crate::text::shown_id(id), id_room)
    );
    let asked = s
        .user
        .query
        .as_ref()
        .and(s.user.view.as_ref())
        .and_then(|v| v.snapshot().query.as_deref())
        .map(|q| {
            let room = width.saturating_sub(head.width() + ":query \"\"".width() + 4);
            format!(
                " · :query \"{}\"",
                crate::text::preview(q, room.clamp(12, 40))
            )
        })
        .unwrap_or_default();
    let title = crate::text::fit(&format!("{head}{asked} "), width);
    let b = block(title, false, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let parts: Vec<String> = a.layers.iter().map(|(_, l)| num(l.used)).collect();
    let sum = format!(
        "{} = {} / {} tokens ",
        parts.join(" + "),
        num(a.total_tokens),
        num(a.budget.total as usize)
    );
    let total = a.budget.total as usize;
    let pct = format!(
        " {:>3}%",
        (a.total_tokens * 100).checked_div(total).unwrap_or(0)
    );
    let room = (inner.width as usize).saturating_sub(sum.width() + pct.len());
    let mut first = vec![styled(sum, t.title())];
    first.extend(usage_bar(a.total_tokens, total, room.min(60), t));
    first.push(styled(pct, t.base()));
    let mut lines = vec![Line::from(first)];
    let name_w = a.layers.iter().map(|(n, _)| n.width()).max().unwrap_or(5);
    let bar_w = (inner.width as usize / 4).clamp(8, 30);
    for (i, (name, l)) in a.layers.iter().enumerate() {
        let unreadable = crate::app::update::layer_rows(s, a, i)
            .iter()
            .filter(|r| matches!(r, LayerRow::Malformed(..)))
            .count();
        let mut spans = vec![styled(format!("{:<name_w$} ", il(name)), t.base())];
        spans.extend(usage_bar(l.used, l.budget as usize, bar_w, t));
        let n = a.counts(name);
        spans.push(if n.truncated + n.cut + n.global > 0 {
            styled("✂", t.decision(Decision::Dropped))
        } else {
            styled(" ", t.base())
        });
        spans.push(styled(
            format!(" {:>6} / {:<6} ", num(l.used), num(l.budget as usize)),
            t.base(),
        ));
        let used: usize = spans.iter().map(Span::width).sum();
        let room = (inner.width as usize).saturating_sub(used);
        spans.extend(layer_counts(n, unreadable, room, t));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `5 kept · 1 truncated · 9 cut by the budget · 2 filtered out · 2 unreadable` in `room`
/// columns: the short words (`5 kept · 1 trunc · 9 cut · 2 filtered · 2 unread`) when the long
/// ones do not fit, cut with `…` past that. Every count is kept before any word is lost.
/// `unreadable`: the layer's malformed entries, listed in the table.
fn layer_counts(n: LayerCounts, unreadable: usize, room: usize, t: &Theme) -> Vec<Span<'static>> {
    // (count, long words, short words, style); kept always shows.
    let parts = [
        (n.kept, "kept", "kept", t.decision(Decision::Kept)),
        (
            n.truncated,
            "truncated",
            "trunc",
            t.decision(Decision::Truncated),
        ),
        (
            n.cut,
            "cut by the budget",
            "cut",
            t.decision(Decision::Dropped),
        ),
        (
            n.global,
            "dropped by the global pass",
            "global",
            t.decision(Decision::Dropped),
        ),
        (n.filtered, "filtered out", "filtered", t.muted()),
        (unreadable, "unreadable", "unread", t.error()),
    ];
    let shown: Vec<_> = parts
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == 0 || p.0 > 0)
        .map(|(_, p)| p)
        .collect();
    let say = |short: bool| -> Vec<(String, Style)> {
        shown
            .iter()
            .enumerate()
            .map(|(i, (n, long, brief, style))| {
                let sep = if i == 0 { "" } else { " · " };
                (
                    format!(
                        "{sep}{} {}",
                        crate::text::thousands(*n as f64, 0),
                        if short { brief } else { long }
                    ),
                    *style,
                )
            })
            .collect()
    };
    let width = |v: &[(String, Style)]| v.iter().map(|(s, _)| s.width()).sum::<usize>();
    let mut words = say(false);
    if width(&words) > room {
        words = say(true);
    }
    let mut left = room;
    let mut out = Vec::new();
    for (text, style) in words {
        if text.width() <= left {
            left -= text.width();
            out.push(styled(text, style));
        } else {
            out.push(styled(crate::text::fit(&text, left), style));
            break;
        }
    }
    out
}

/// An item's tokens kept of its tokens, grouped as every figure is: `0/200,056`.
fn token_cell(i: &Item) -> String {
    format!("{}/{}", num(i.kept_tokens), num(i.tokens))
}

pub(crate) fn kind_label(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Turn => "turn",
        ItemKind::BusinessDna => "business dna",
        ItemKind::MilestoneData => "milestone",
        ItemKind::Transition => "transition",
        ItemKind::Knowledge => "knowledge",
        ItemKind::Static => "static",
        ItemKind::Query => "query",
    }
}

/// A malformed row's text in `width` columns: its source (key, or table and id), which is
/// what tells such rows apart, cut in its middle so its end (`…:s2`) shows, taking up to two
/// thirds of the room when the reason would not fit beside it; then the reason.
fn malformed_text(m: &crate::engine::snapshot::Malformed, width: usize) -> String {
    let whole = format!("{}: {}", m.source, m.reason);
    if whole.width() <= width {
        return crate::text::preview(&whole, width);
    }
    let source = crate::text::fit_middle(&m.source, (width * 2 / 3).max(12).min(width));
    crate::text::preview(&format!("{source}: {}", m.reason), width)
}

/// The short form of a copy's badge before its original's id: the glyph, `…` where a reason
/// other than being a copy was cut away (never dropped silently), `dup of `.
fn compact_head(full: &str, decision: &str) -> String {
    let glyph = full.chars().next().unwrap_or('✘');
    if decision.chars().count() > 1 {
        format!("{glyph} … dup of ")
    } else {
        format!("{glyph} dup of ")
    }
}

/// A copy's badge in its short form (see [`compact_head`]).
fn compact_badge(it: &Item, of: &str) -> String {
    let full = badge(it);
    let tail = format!("dup of {}", il(of));
    let decision = full[..full.len().saturating_sub(tail.len())].trim_end();
    format!("{}{}", compact_head(&full, decision), il(of))
}

/// [`badge`] in `width` columns. A copy's `dup of ID` is what tells it apart: the decision
/// before it gives way first (`✘ layer b… dup of mb:327`), then the id is cut in its middle,
/// so its `#n` shows.
fn badge_in(it: &Item, width: usize) -> String {
    let full = badge(it);
    if full.width() <= width {
        return full;
    }
    match &it.duplicate {
        Some(d) => {
            let tail = format!("dup of {}", il(&d.of));
            let head = full[..full.len() - tail.len()].trim_end();
            // The glyph, a cut word and a space before the whole tail, when they fit.
            let head_room = width.saturating_sub(tail.width() + 1);
            if head_room >= 3 {
                return format!("{} {tail}", crate::text::fit(head, head_room));
            }
            let head = compact_head(&full, head);
            let room = width.saturating_sub(head.width());
            format!("{head}{}", crate::text::fit_middle(&il(&d.of), room))
        }
        None => crate::text::fit(&full, width),
    }
}

/// The decision with its glyph and, for a drop, the reason: `✘ layer budget`; a copy of
/// another item says of which: `✔ kept · dup of mb:12`, `✘ dup of mb:12` (removed by dedupe).
pub(crate) fn badge(it: &Item) -> String {
    let decision = match (it.decision, it.reason) {
        (Decision::Kept, _) => "✔ kept".into(),
        (Decision::Truncated, _) => "✂ truncated".into(),
        (Decision::Dropped, Some(Reason::Duplicate)) if it.duplicate.is_some() => "✘".into(),
        (Decision::Dropped, Some(r)) => format!("✘ {}", r.as_str().replace('_', " ")),
        (Decision::Dropped, None) => "✘ dropped".into(),
    };
    match &it.duplicate {
        Some(d) if it.reason == Some(Reason::Duplicate) => {
            format!("{decision} dup of {}", il(&d.of))
        }
        Some(d) => format!("{decision} · dup of {}", il(&d.of)),
        None => decision,
    }
}

/// `Items · layer journey (2/4) · 9 rows · …`: which layers are shown, and the keys.
fn table_title(s: &State, rows: usize) -> String {
    let which = match s.user.layer {
        None => "all layers".to_string(),
        Some(l) => format!(
            "layer {} ({}/{})",
            il(&s.session.policy.layers[l].name),
            l + 1,
            s.session.policy.layers.len()
        ),
    };
    let rows = match rows {
        1 => "1 row".to_string(),
        n => format!("{} rows", crate::text::thousands(n as f64, 0)),
    };
    format!(
        " Items · {which} · {rows}{}{} ",
        super::key_hint(s, &crate::app::Action::NextPane, "tab", "one layer"),
        super::key_hint(s, &crate::app::Action::Select, "enter", "open")
    )
}

fn render_table(frame: &mut Frame, area: Rect, s: &State, a: &Assembly, t: &Theme, height: usize) {
    let rows = shown_rows(s, a);
    let title = table_title(s, rows.len());
    if rows.is_empty() {
        let p = Paragraph::new(Line::styled("no items", t.muted())).block(block(title, true, t));
        frame.render_widget(p, area);
        return;
    }
    let first = offset(s.user.cursor, height, rows.len());
    let w_layer = a
        .layers
        .iter()
        .map(|(n, _)| n.width())
        .max()
        .unwrap_or(5)
        .max(5);
    let w_id = rows
        .iter()
        .map(|r| match r {
            LayerRow::Item(i) => il(&i.id).width(),
            LayerRow::Malformed(m, _) => il(m.id.as_deref().unwrap_or("—")).width(),
        })
        .max()
        .unwrap_or(2)
        .clamp(2, 16);
    let visible: Vec<(usize, &LayerRow)> =
        rows.iter().enumerate().skip(first).take(height).collect();
    // Sized over every row shown, not the page: columns stay put while the table scrolls.
    let all: Vec<(usize, &LayerRow)> = rows.iter().enumerate().collect();
    let cols = Columns {
        kind: column(&all, "KIND", |r| match r {
            LayerRow::Item(i) => kind_label(i.kind).width(),
            LayerRow::Malformed(..) => "⚠ malformed".width(),
        }),
        id: w_id,
        tokens: column(&all, "TOKENS", |r| match r {
            LayerRow::Item(i) => token_cell(i).width(),
            LayerRow::Malformed(..) => 1,
        }),
        score: column(&all, "SCORE", |r| match r {
            LayerRow::Item(i) => crate::engine::shown_factor(i.score, 2).width(),
            LayerRow::Malformed(..) => 1,
        }),
        decision: column(&all, "DECISION", |r| match r {
            LayerRow::Item(i) => badge(i).width(),
            LayerRow::Malformed(..) => "⚠ unreadable".width(),
        }),
        text: 0,
    };
    let total = usize::from(area.width.saturating_sub(2));
    // A copy's long badge (`✘ layer budget dup of mb:327`) widens the column for every row:
    // unless the text keeps a fair width beside it, copies show their short form
    // (`✘ dup of mb:327`) and the column is as wide as the others need.
    let fixed_but_decision = w_layer + w_id + cols.kind + cols.tokens + cols.score + 6;
    let cols = if total.saturating_sub(fixed_but_decision + cols.decision) >= FAIR_TEXT {
        cols
    } else {
        Columns {
            decision: column(&all, "DECISION", |r| match r {
                LayerRow::Item(i) => match &i.duplicate {
                    Some(d) => compact_badge(i, &d.of).width(),
                    None => badge(i).width(),
                },
                LayerRow::Malformed(..) => "⚠ unreadable".width(),
            }),
            ..cols
        }
    };
    // Numbers and kinds are never cut. When the row is too wide, the decision gives way first,
    // then the id (both cut so an id keeps its `#n`), so some text still shows.
    let room = total.saturating_sub(w_layer + cols.kind + cols.tokens + cols.score + 6 + MIN_TEXT);
    let mut w_id = w_id;
    let mut w_decision = cols.decision;
    if w_id + w_decision > room {
        w_decision = room.saturating_sub(w_id).clamp(MIN_DECISION, w_decision);
    }
    if w_id + w_decision > room {
        w_id = room
            .saturating_sub(w_decision)
            .clamp(w_id.min(MIN_ID), w_id);
    }
    let fixed = w_layer + w_id + cols.kind + cols.tokens + cols.score + w_decision + 6;
    let cols = Columns {
        id: w_id,
        decision: w_decision,
        text: total.saturating_sub(fixed).max(4),
        ..cols
    };
    let body: Vec<Row> = visible
        .iter()
        .map(|(k, r)| table_row(s, r, *k == s.user.cursor, t, &cols))
        .collect();
    let header =
        Row::new(["LAYER", "ID", "KIND", "TOKENS", "SCORE", "DECISION", "TEXT"]).style(t.title());
    let widths = [
        Constraint::Length(w_layer as u16),
        Constraint::Length(cols.id as u16),
        Constraint::Length(cols.kind as u16),
        Constraint::Length(cols.tokens as u16),
        Constraint::Length(cols.score as u16),
        Constraint::Length(cols.decision as u16),
        Constraint::Fill(1),
    ];
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .block(block(title, true, t));
    frame.render_widget(table, area);
}

/// The narrowest the text, decision and id columns are made when the row is too wide.
const MIN_TEXT: usize = 8;
/// The text width a copy's long badge may not squeeze the text below (the reason a copy was
/// dropped is worth more than a dozen more letters of text the preview shows whole).
const FAIR_TEXT: usize = 12;
const MIN_DECISION: usize = 14;
const MIN_ID: usize = 10;

/// Widths of the table's columns that vary with what is shown.
struct Columns {
    id: usize,
    kind: usize,
    tokens: usize,
    /// As wide as the widest score shown (`1.00e308` is never cut to `1.00e`).
    score: usize,
    decision: usize,
    text: usize,
}

/// The width of a column: its heading or its widest visible cell.
fn column(rows: &[(usize, &LayerRow)], head: &str, width: impl Fn(&LayerRow) -> usize) -> usize {
    rows.iter()
        .map(|(_, r)| width(r))
        .max()
        .unwrap_or(0)
        .max(head.width())
}

fn table_row<'a>(s: &State, r: &LayerRow, selected: bool, t: &Theme, cols: &Columns) -> Row<'a> {
    // A selected row takes the selection's colours whole, so every cell keeps its contrast.
    let c = |text: String, style: Style| {
        if selected {
            Cell::from(text)
        } else {
            Cell::from(Line::styled(text, style))
        }
    };
    let layer_name = |i: usize| il(&s.session.policy.layers[i].name);
    let cells = match r {
        LayerRow::Item(it) => vec![
            c(il(&it.layer), t.muted()),
            c(crate::text::fit_middle(&it.id, cols.id), t.base()),
            c(kind_label(it.kind).into(), t.muted()),
            c(format!("{:>w$}", token_cell(it), w = cols.tokens), t.base()),
            c(
                format!(
                    "{:>w$}",
                    crate::engine::shown_factor(it.score, 2),
                    w = cols.score
                ),
                t.base(),
            ),
            c(badge_in(it, cols.decision), t.decision(it.decision)),
            // Masked when loaded under --redact; the preview is inert.
            c(crate::text::preview(&it.text, cols.text), t.muted()),
        ],
        LayerRow::Malformed(m, layer) => vec![
            c(layer_name(*layer), t.muted()),
            c(
                crate::text::fit_middle(m.id.as_deref().unwrap_or("—"), cols.id),
                t.base(),
            ),
            c("⚠ malformed".into(), t.error()),
            c(format!("{:>w$}", "—", w = cols.tokens), t.muted()),
            c(format!("{:>w$}", "—", w = cols.score), t.muted()),
            c("⚠ unreadable".into(), t.error()),
            c(malformed_text(m, cols.text), t.muted()),
        ],
    };
    let row = Row::new(cells);
    if selected {
        row.style(t.selected())
    } else {
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts are grouped as every figure is (`9,990 filtered out`), in the long and short words.
    #[test]
    fn layer_counts_group_their_thousands() {
        let n = LayerCounts {
            kept: 10,
            truncated: 0,
            cut: 1_200,
            global: 2,
            filtered: 9_990,
        };
        let t = Theme::default();
        let text = |room: usize| -> String {
            layer_counts(n, 2, room, &t)
                .iter()
                .map(|s| s.content.as_ref())
                .collect()
        };
        assert_eq!(
            text(120),
            "10 kept · 1,200 cut by the budget · 2 dropped by the global pass · 9,990 filtered out · 2 unreadable"
        );
        assert_eq!(
            text(60),
            "10 kept · 1,200 cut · 2 global · 9,990 filtered · 2 unread"
        );
    }
}
