//! The Layers screen's items table: its title, its columns' widths, its rows, and how an
//! item's kind and decision read in them (and on Journey).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

use crate::app::layout::offset;
use crate::app::state::State;
use crate::app::update::{LayerRow, shown_rows};
use crate::engine::{Assembly, Decision, Item, ItemKind, Reason};
use crate::ui::theme::Theme;
use crate::ui::{block, il, num};

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
        crate::ui::key_hint(s, &crate::app::Action::NextPane, "tab", "one layer"),
        crate::ui::key_hint(s, &crate::app::Action::Select, "enter", "open")
    )
}

/// The items table: the rows shown, under column headings, in columns sized by [`fit_columns`].
pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    s: &State,
    a: &Assembly,
    t: &Theme,
    height: usize,
) {
    let rows = shown_rows(s, a);
    let title = table_title(s, rows.len());
    if rows.is_empty() {
        let p = Paragraph::new(Line::styled("no items", t.muted())).block(block(title, true, t));
        frame.render_widget(p, area);
        return;
    }
    let first = offset(s.user.cursor, height, rows.len());
    let visible: Vec<(usize, &LayerRow)> =
        rows.iter().enumerate().skip(first).take(height).collect();
    let cols = fit_columns(a, &rows, usize::from(area.width.saturating_sub(2)));
    let body: Vec<Row> = visible
        .iter()
        .map(|(k, r)| table_row(s, r, *k == s.user.cursor, t, &cols))
        .collect();
    let header =
        Row::new(["LAYER", "ID", "KIND", "TOKENS", "SCORE", "DECISION", "TEXT"]).style(t.title());
    let widths = [
        Constraint::Length(cols.layer as u16),
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

/// Every column's width as its cells need it; the text's is left to [`fit_columns`].
fn natural_columns(a: &Assembly, rows: &[LayerRow]) -> Columns {
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
    // Sized over every row shown, not the page: columns stay put while the table scrolls.
    let all: Vec<(usize, &LayerRow)> = rows.iter().enumerate().collect();
    Columns {
        layer: w_layer,
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
    }
}

/// The columns' widths in `total` columns: [`natural_columns`], copies' badges in their short
/// form when the long one leaves the text too little, the decision then the id cut when the
/// row is still too wide, and the text taking what is left.
fn fit_columns(a: &Assembly, rows: &[LayerRow], total: usize) -> Columns {
    let cols = natural_columns(a, rows);
    let (w_layer, w_id) = (cols.layer, cols.id);
    let all: Vec<(usize, &LayerRow)> = rows.iter().enumerate().collect();
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
    Columns {
        id: w_id,
        decision: w_decision,
        text: total.saturating_sub(fixed).max(4),
        ..cols
    }
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
    layer: usize,
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
