//! Screen geometry shared by rendering and mouse hit-testing, as pure functions of the size.

use ratatui::layout::{Constraint, Layout, Rect};

use unicode_width::UnicodeWidthStr;

use super::state::{Screen, State};

/// The smallest terminal ctxlens draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// The three bands of every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn new(size: (u16, u16)) -> Areas {
        let area = Rect::new(0, 0, size.0, size.1);
        let [tabs, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Areas { tabs, body, status }
    }
}

/// Each tab's label and its columns on a tab bar `width` columns wide, some of which the header
/// keeps for a label of its own (time travel's `AS OF …`). A tab is named by the key the keymap
/// binds to its screen (the number by default; none when no key is). Labels lose their
/// padding when the padded ones would not leave room, and then, where even that would not
/// leave the header's room, every tab but the current one shows only its key.
pub fn tabs(s: &State, width: u16) -> Vec<(Screen, String, u16, u16)> {
    let current = s.ui.screen;
    let keys: Vec<Option<String>> = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, screen)| {
            let key = s
                .session
                .keymap
                .key_to_name(&screen.show_action(), &(i + 1).to_string())?;
            Some(crate::text::inert_line(&key).into_owned())
        })
        .collect();
    let named = |i: usize, s: &Screen| match &keys[i] {
        Some(key) => format!("{key} {}", s.title()),
        None => s.title().to_string(),
    };
    let padded = |i: usize, s: &Screen| format!(" {} ", named(i, s));
    let total = |label: &dyn Fn(usize, &Screen) -> String| -> usize {
        Screen::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| label(i, s).width() + 1)
            .sum()
    };
    let (width, reserve) = (width as usize, s.header_reserve() as usize);
    let room = |n: usize| n + reserve <= width;
    let level = if room(total(&padded) + 20) {
        0
    } else if reserve == 0 || room(total(&named) + 2) {
        1
    } else {
        2
    };
    let mut x = 0;
    Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = match (level, &keys[i]) {
                (0, _) => padded(i, s),
                (2, Some(key)) if *s != current => key.clone(),
                _ => named(i, s),
            };
            let w = label.width() as u16;
            let tab = (*s, label, x, x + w);
            x += w + 1;
            tab
        })
        .collect()
}

/// The first row shown of a list of `len` rows, `height` visible, with the cursor at `cursor`:
/// pages of `height`, so the view only moves when the cursor leaves it, and the last page is a
/// full one (its last row at the bottom), never a few rows above an empty rest.
pub fn offset(cursor: usize, height: usize, len: usize) -> usize {
    let page = cursor.checked_div(height).map_or(0, |page| page * height);
    page.min(len.saturating_sub(height))
}

/// The first row shown of `rows` rows scrolled to `scroll` on a view `height` rows high: the
/// last page is a full one.
pub fn first_shown(scroll: usize, rows: usize, height: usize) -> usize {
    scroll.min(rows.saturating_sub(height))
}

/// Lines of a bordered pane without a header inside `area` (the Report screen).
pub fn pane_rows(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

/// Rows of a bordered table with a header inside `area`.
pub fn table_rows(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

/// Narrower than this, the Tune fields go above the diff instead of beside it.
const TUNE_SIDE_BY_SIDE: u16 = 110;

/// The Tune screen's body: the fields table (as wide as it needs when beside the rest, so no
/// value is cut) and the rest (the diff and the flags) beside it, or below it when the body is
/// too narrow for both.
pub fn tune_split(body: Rect, s: &State) -> (Rect, Rect) {
    let need = super::tune::fields_width(&s.session.baseline, &s.session.policy);
    if body.width < TUNE_SIDE_BY_SIDE || body.width < need + 50 {
        // Stacked: the lower half grows to keep the diff (with a row of item changes) and a
        // line of flags; the fields (which scroll) keep a few rows.
        // Item changes past the first take rows from the fields down to a few more than
        // their least (the field stepped stays in view, and what stepping it did shows).
        let least = tune_diff_rows(s, body.width) + 3;
        let changes = match s.user.view.as_ref().map(|v| (&v.baseline, &v.tuned)) {
            Some((Some(base), Some(tuned))) => crate::engine::diff::diff(base, tuned).items.len(),
            _ => 0,
        };
        let lower = (u32::from(body.height) * 48 / 100) as u16;
        let lower = lower
            .max(least.saturating_add(more_change_rows(changes)))
            .min(body.height.saturating_sub(TUNE_FIELDS_MIN + 2).max(least))
            .min(body.height.saturating_sub(TUNE_FIELDS_MIN));
        let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(lower)]).areas(body);
        (a, b)
    } else {
        let [a, b] =
            Layout::horizontal([Constraint::Length(need), Constraint::Min(50)]).areas(body);
        (a, b)
    }
}

/// Rows the Tune fields keep when the panes are stacked: borders, header and three fields.
const TUNE_FIELDS_MIN: u16 = 6;

/// Rows the Tune replay diff needs, `width` wide: its borders, header, layer rows and total,
/// the counts, the weights warning when there is one, and a row of item changes.
pub fn tune_diff_rows(s: &State, width: u16) -> u16 {
    let warning = super::tune::weights_warning(&s.session.policy).map_or(0, |w| {
        ratatui::widgets::Paragraph::new(w)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .line_count(width.saturating_sub(2))
    });
    u16::try_from(s.session.policy.layers.len() + 5 + warning).unwrap_or(u16::MAX)
}

/// Rows the Tune replay diff would take past [`tune_diff_rows`] for `changes` item changes:
/// one for each past the first.
pub fn more_change_rows(changes: usize) -> u16 {
    u16::try_from(changes.saturating_sub(1)).unwrap_or(u16::MAX)
}

/// Columns from which the Layers screen shows the selected item's text beside the table.
pub const PREVIEW_FROM: u16 = 140;

/// The Layers screen: the totals (the sum line and a bar per layer), the items table, and the
/// selected item's preview on wide terminals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayersAreas {
    pub totals: Rect,
    pub table: Rect,
    pub preview: Option<Rect>,
}

impl LayersAreas {
    /// Item rows the table shows (inside its border, under its header).
    pub fn rows(&self) -> usize {
        table_rows(self.table)
    }
}

/// The Layers screen's areas for a policy of `layers` layers.
pub fn layers(body: Rect, layers: usize) -> LayersAreas {
    let [totals, rest] =
        Layout::vertical([Constraint::Length(layers as u16 + 3), Constraint::Min(4)]).areas(body);
    if body.width < PREVIEW_FROM {
        return LayersAreas {
            totals,
            table: rest,
            preview: None,
        };
    }
    let [table, preview] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(rest);
    LayersAreas {
        totals,
        table,
        preview: Some(preview),
    }
}

/// The item and help overlays on a screen of `size`: most of it, all of a small one's height
/// but the bars.
pub fn item_popup(size: (u16, u16)) -> Rect {
    let area = Rect::new(0, 0, size.0, size.1);
    if size.1 < 32 {
        let w = size.0 * 9 / 10;
        return Rect::new((size.0 - w) / 2, 1, w, size.1.saturating_sub(2));
    }
    popup(area, 86, 84)
}

/// `area` (an overlay's) no taller than `rows` lines and its border need, centred where the
/// full one was: a short overlay is not a tall empty box. The width stays, so lines cut to it
/// are the same lines.
pub fn fitted(area: Rect, rows: usize) -> Rect {
    let want = u16::try_from(rows.saturating_add(2)).unwrap_or(u16::MAX);
    let height = area.height.min(want);
    Rect::new(
        area.x,
        area.y + (area.height - height) / 2,
        area.width,
        height,
    )
}

/// A popup area: `pct` of `area`, centred.
pub fn popup(area: Rect, pct_x: u16, pct_y: u16) -> Rect {
    use ratatui::layout::Flex;
    let [v] = Layout::vertical([Constraint::Percentage(pct_y)])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Percentage(pct_x)])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// The fewest rows the Live screen's events keep (frame included) under a tall upper panel.
const LIVE_EVENTS_LEAST: u16 = 7;

/// The Live screen's body: the cached context's panel, as tall as its `panel_rows` up to what
/// leaves the events theirs, and the events under it.
pub fn live(body: Rect, panel_rows: usize) -> (Rect, Rect) {
    let most = body.height.saturating_sub(LIVE_EVENTS_LEAST).max(4);
    let rows = u16::try_from(panel_rows)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .clamp(4, most);
    let [cache, events] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(3)]).areas(body);
    (cache, events)
}

/// The most rows the Journey screen's graph (frame and legend included) takes of a body
/// `height` rows high: the panels under it keep at least a third.
pub fn journey_graph_most(height: u16) -> u16 {
    height.saturating_sub(height / 3).max(5)
}

/// The Journey screen: the graph (with its legend), and the selection's panels under it.
pub fn journey(body: Rect, graph_rows: u16) -> (Rect, Rect) {
    // The graph takes what it needs, leaving the panels at least a third of the body.
    let most = journey_graph_most(body.height);
    let [graph, rest] = Layout::vertical([
        Constraint::Length((graph_rows + 2).min(most)),
        Constraint::Min(3),
    ])
    .areas(body);
    (graph, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_overlay_fits_its_rows_where_the_full_one_was() {
        let full = Rect::new(8, 3, 100, 33);
        assert_eq!(fitted(full, 12), Rect::new(8, 12, 100, 14));
        // As many rows as fit, or more: the full area (it scrolls).
        assert_eq!(fitted(full, 31), full);
        assert_eq!(fitted(full, 500), full);
        assert_eq!(fitted(full, 0).height, 2);
    }

    use super::offset;

    #[test]
    fn the_last_page_is_a_full_one() {
        // 36 rows, 35 shown: the first page, then the last 35 rows, not one row above 34 empty.
        assert_eq!(offset(0, 35, 36), 0);
        assert_eq!(offset(34, 35, 36), 0);
        assert_eq!(offset(35, 35, 36), 1);
        // Pages in between are whole pages; a list shorter than the view never moves.
        assert_eq!(offset(45, 10, 100), 40);
        assert_eq!(offset(99, 10, 100), 90);
        assert_eq!(offset(95, 10, 97), 87);
        assert_eq!(offset(3, 10, 5), 0);
        assert_eq!(offset(3, 0, 5), 0);
    }
}
