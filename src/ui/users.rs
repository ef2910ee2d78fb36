//! The users screen: a virtualised table (only visible rows are built) with filter and sort.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, center_message, il, spinner, styled};
use crate::app::layout::{offset, table_rows};
use crate::app::state::{SortKey, State, UserRow};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let u = &s.users;
    if u.rows.is_empty() {
        return render_empty(frame, area, s, t);
    }
    let title = super::title_in(&title(s), area);
    if u.shown.is_empty() {
        let lines = vec![
            // One row, the filter cut to fit: a pasted page must not fill the screen (the
            // input line below shows its end, where the cursor is).
            Line::from(crate::text::fit(
                &format!("No users match /{}", il(&u.filter)),
                usize::from(area.width.saturating_sub(4)),
            )),
            Line::styled("esc clears the filter", t.muted()),
        ];
        return center_message(frame, area, &title, lines, t);
    }
    let height = table_rows(area);
    let first = offset(u.cursor, height, u.shown.len());
    let widths = column_widths(s, area, first, height);
    // The columns' widths as the table lays them out, so a cut cell ends in `…`.
    let cols: Vec<usize> = Layout::horizontal(widths)
        .spacing(1)
        .split(Rect::new(0, 0, area.width.saturating_sub(2), 1))
        .iter()
        .map(|c| usize::from(c.width))
        .collect();
    // Headings as the columns are laid out: the short form where the long one does not fit,
    // else cut with `…`, never a word cut silently.
    let headings = [
        ("USER", "USER"),
        ("MILESTONE", "MILESTONE"),
        ("NAME", "NAME"),
        ("TOKENS / BUDGET", "TOKENS"),
        ("TRUNC", "TRUNC"),
        ("LAST ACTIVITY", "ACTIVITY"),
    ];
    let header = Row::new(headings.iter().zip(&cols).map(|((long, short), &w)| {
        let text = if long.len() <= w { long } else { short };
        crate::text::fit(text, w)
    }))
    .style(t.title());
    let rows: Vec<Row> = u.shown[first..(first + height).min(u.shown.len())]
        .iter()
        .enumerate()
        .map(|(k, &i)| user_row(s, &u.rows[i], first + k == u.cursor, &cols, t))
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block(title, true, t))
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// `Users 12/71+ · sort tokens (3 not counted yet) · filter /x · figures: …`.
fn title(s: &State) -> String {
    let u = &s.users;
    let filter = if u.filter.is_empty() {
        String::new()
    } else {
        format!(" · filter /{}", il(&u.filter))
    };
    let more = if u.loaded_all { "" } else { "+" };
    let figures = if u.show_tuned {
        // Named as the status bar names the tuned policy: `*` when tuning changed it.
        let marker = if s.modified() { "*" } else { "" };
        format!(" · figures: tuned {}{marker}", il(&s.session.policy.name))
    } else {
        match super::bound(s, &crate::app::Action::ToggleTuned, "t") {
            Some(k) => format!(" · figures: baseline ({k} tuned)"),
            None => " · figures: baseline".to_string(),
        }
    };
    // A sort by figures while some are still being counted is not the final order: said.
    // (Activity: live stores list users without it; their replay reads it.)
    let unknown = |r: &UserRow| {
        let counted = r.failed.is_some() || crate::app::update::shown_stats(s, r).is_some();
        match u.sort {
            SortKey::Tokens | SortKey::Truncation => !counted,
            SortKey::Activity => !counted && r.summary.last_activity.is_none(),
            SortKey::Id | SortKey::Milestone => false,
        }
    };
    let uncounted = u.rows.iter().filter(|r| unknown(r)).count();
    let pending = match uncounted {
        0 => String::new(),
        n => format!(" ({} not counted yet)", crate::text::thousands(n as f64, 0)),
    };
    format!(
        " Users {}/{}{more} · sort {}{pending}{filter}{figures} ",
        u.shown.len(),
        u.rows.len(),
        u.sort.label()
    )
}

/// The columns' widths. Sized by the whole list, so they stay put as it scrolls; past a few
/// thousand rows, by the rows on screen (sizing would cost every frame more than drawing).
fn column_widths(s: &State, area: Rect, first: usize, height: usize) -> [Constraint; 6] {
    const SIZED_BY_ALL_UP_TO: usize = 5_000;
    let u = &s.users;
    let sized = if u.shown.len() <= SIZED_BY_ALL_UP_TO {
        &u.shown[..]
    } else {
        &u.shown[first..(first + height).min(u.shown.len())]
    };
    // As wide as the longest id (at least the header), up to a fifth of the screen.
    let id_width = sized
        .iter()
        .map(|&i| {
            unicode_width::UnicodeWidthStr::width(&*crate::text::shown_id(
                &u.rows[i].summary.user_id,
            ))
        })
        .max()
        .unwrap_or(0)
        .clamp(4, usize::from(area.width / 5).max(10));
    // Tokens and budget are never cut: as wide as the widest figures, with the bar.
    let tokens_width = sized
        .iter()
        .filter_map(|&i| crate::app::update::shown_stats(s, &u.rows[i]))
        .map(|st| figure_text(st.tokens, st.budget as usize).width() + BAR_WIDTH)
        .max()
        .unwrap_or(0)
        .max(22);
    [
        Constraint::Length(u16::try_from(id_width).unwrap_or(10)),
        Constraint::Length(26),
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(tokens_width).unwrap_or(22)),
        Constraint::Length(7),
        Constraint::Length(21),
    ]
}

/// One row of the table: id, milestone, name, tokens against the budget, truncation, activity.
fn user_row<'a>(s: &State, r: &UserRow, selected: bool, cols: &[usize], t: &Theme) -> Row<'a> {
    let fit = |i: usize, text: &str| crate::text::fit(text, cols.get(i).copied().unwrap_or(0));
    // Under AS OF, the milestone and activity of then: "…" until counted.
    let then = crate::app::update::row_then(s, r);
    let m = match then.as_ref().map(|t| t.0.as_deref()) {
        None => "…".to_string(),
        Some(None) => "—".to_string(),
        Some(Some(m)) => il(&s.session.engine.milestones.label(m)),
    };
    // Masked when loaded under --redact; made inert here.
    let name = il(r.summary.display_name.as_deref().unwrap_or_default());
    let (tokens, trunc) = match crate::app::update::shown_stats(s, r) {
        Some(st) => (
            Line::from(vec![
                styled(format!("{:>5}", super::num(st.tokens)), t.base()),
                styled(
                    format!(" / {:<5}", super::num(st.budget as usize)),
                    t.muted(),
                ),
                // The bar gives way where the column cannot hold the figures and it.
                Span::raw(
                    if figure_text(st.tokens, st.budget as usize).width() + BAR_WIDTH
                        <= cols.get(3).copied().unwrap_or(0)
                    {
                        mini_bar(st.tokens, st.budget as usize)
                    } else {
                        String::new()
                    },
                ),
            ]),
            Line::styled(
                format!("{:>5.1}%", st.truncation_rate * 100.0),
                trunc_style(st.truncation_rate, t),
            ),
        ),
        None if r.failed.is_some() => (
            Line::styled("unreadable", t.error()),
            Line::styled("  —", t.muted()),
        ),
        // Not being counted: a store went away (the list is counted again when it is back).
        None if !s.status.loading.contains(&crate::app::Task::Stats) => (
            Line::styled("not counted", t.muted()),
            Line::styled("  —", t.muted()),
        ),
        None => (
            Line::styled("counting…", t.muted()),
            Line::styled("  …", t.muted()),
        ),
    };
    // A selected row takes the selection's colours whole, so every cell keeps its contrast.
    let (tokens, trunc) = if selected {
        (plain(tokens), plain(trunc))
    } else {
        (tokens, trunc)
    };
    let last = match then.map(|t| t.1) {
        None => "…".to_string(),
        // To the second: the column's width (the user's screens show the exact instant).
        Some(last) => last
            .as_ref()
            .map_or("—".into(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    };
    let row = Row::new(vec![
        // Cut in the middle: two long ids that share their start still read apart.
        Cell::from(crate::text::fit_middle(
            &crate::text::shown_id(&r.summary.user_id),
            cols.first().copied().unwrap_or(0),
        )),
        Cell::from(fit(1, &m)),
        Cell::from(fit(2, &name)),
        Cell::from(tokens),
        Cell::from(trunc),
        Cell::from(if selected {
            Line::from(last)
        } else {
            Line::styled(last, t.muted())
        }),
    ]);
    if selected {
        row.style(t.selected())
    } else {
        row
    }
}

/// The screen before any user is listed: loading, the error that stopped it, or no users.
fn render_empty(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let loading = s.status.loading.contains(&crate::app::Task::Users);
    let lines = if loading {
        vec![Line::from(format!(
            "{} Loading users from {}…",
            spinner(s),
            il(&s.status.source)
        ))]
    } else if let Some(why) = &s.users.failed {
        let mut lines = vec![
            Line::styled("Could not load users", t.error()),
            Line::from(il(why)),
        ];
        // Every store that is down, with its own reason: the list's error names the first.
        for st in s.status.stores.iter().filter(|st| !st.up) {
            if let Some(e) = st.last_error.as_ref().filter(|e| !why.contains(e.as_str())) {
                lines.push(Line::from(il(e)));
            }
        }
        // What reads them again, by the keymap's key (none bound: the palette's `:reload`
        // is not one, so only what happens by itself is said).
        let key = s
            .session
            .keymap
            .key_to_name(&crate::app::Action::Refresh, "R");
        let down = s.status.stores.iter().any(|st| !st.up);
        let again = match (down, key) {
            (true, Some(k)) => {
                format!("They are read as soon as the stores are back ({k} asks now).")
            }
            (true, None) => "They are read as soon as the stores are back.".to_string(),
            // Not an outage (a statement past its deadline, a bad row): nothing retries by
            // itself, so the key that does is named.
            (false, Some(k)) => format!("{k} reads them again."),
            (false, None) => String::new(),
        };
        if !again.is_empty() {
            lines.push(Line::styled(again, t.muted()));
        }
        lines
    } else {
        vec![Line::from(format!("No users in {}.", il(&s.status.source)))]
    };
    center_message(frame, area, "Users", lines, t);
}

/// The line's text without its colours.
fn plain(l: Line) -> Line {
    Line::from(
        l.spans
            .into_iter()
            .map(|sp| Span::raw(sp.content))
            .collect::<Vec<_>>(),
    )
}

/// An eight-cell bar of tokens against the budget.
/// The columns [`mini_bar`] takes.
const BAR_WIDTH: usize = 9;

/// `  685 / 4,000`: the figures of the tokens column, as a row shows them.
fn figure_text(tokens: usize, budget: usize) -> String {
    format!("{:>5} / {:<5}", super::num(tokens), super::num(budget))
}

/// Eight cells of use against the budget, to the nearest cell: none only when nothing is used,
/// all only when the budget is.
fn mini_bar(used: usize, budget: usize) -> String {
    let cells = 8;
    let filled = if used == 0 {
        0
    } else if used >= budget {
        cells
    } else {
        ((used * cells + budget / 2) / budget).clamp(1, cells - 1)
    };
    format!(" {}{}", "▰".repeat(filled), "▱".repeat(cells - filled))
}

fn trunc_style(rate: f64, t: &Theme) -> ratatui::style::Style {
    if rate == 0.0 {
        t.muted()
    } else if rate < 0.05 {
        t.decision(crate::engine::Decision::Truncated)
    } else {
        t.decision(crate::engine::Decision::Dropped)
    }
}

#[cfg(test)]
mod tests {
    /// The bar is to the nearest cell: one token more than half the budget is not five cells
    /// of eight; any use shows, and a full bar is a full budget.
    #[test]
    fn the_mini_bar_rounds_to_the_nearest_cell() {
        let filled = |used, budget| super::mini_bar(used, budget).matches('▰').count();
        assert_eq!(filled(2_000, 4_000), 4);
        assert_eq!(filled(2_004, 4_000), 4);
        assert_eq!(filled(1, 4_000), 1);
        assert_eq!(filled(0, 4_000), 0);
        assert_eq!(filled(3_999, 4_000), 7);
        assert_eq!(filled(4_000, 4_000), 8);
        assert_eq!(filled(9_000, 4_000), 8);
        assert_eq!(filled(5, 0), 8);
    }
}
