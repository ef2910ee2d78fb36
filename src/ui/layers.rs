//! The Layers screen: the total against the budget and a bar per layer, then every item in one
//! table (layer, id, kind, tokens kept/total, score, decision and reason, text) and, on wide
//! terminals, the selected item's whole text beside it.

mod table;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, center_message, il, num, spinner, styled, usage_bar};
use crate::app::layout;
use crate::app::state::State;
use crate::app::update::{LayerRow, selected_row};
use crate::engine::snapshot::Snapshot;
use crate::engine::{Assembly, Decision, LayerCounts};

pub(crate) use table::{badge, kind_label};

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
    table::render(frame, areas.table, s, a, t, areas.rows());
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
