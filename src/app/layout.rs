//! Screen geometry shared by rendering and mouse hit-testing, as pure functions of the size.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::Screen;

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

/// Each tab's label and its columns on a tab bar `width` columns wide (labels lose their
/// padding when the padded ones would not leave room).
pub fn tabs(width: u16) -> Vec<(Screen, String, u16, u16)> {
    let padded = |i: usize, s: &Screen| format!(" {} {} ", i + 1, s.title());
    let full: usize = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| padded(i, s).chars().count() + 1)
        .sum();
    let tight = full + 20 > width as usize;
    let mut x = 0;
    Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = if tight {
                format!("{} {}", i + 1, s.title())
            } else {
                padded(i, s)
            };
            let w = label.chars().count() as u16;
            let tab = (*s, label, x, x + w);
            x += w + 1;
            tab
        })
        .collect()
}

/// The first row shown of a list of `len` rows, `height` visible, with the cursor at `cursor`:
/// pages of `height`, so the view only moves when the cursor leaves it.
pub fn offset(cursor: usize, height: usize) -> usize {
    cursor.checked_div(height).map_or(0, |page| page * height)
}

/// Rows of a bordered table with a header inside `area`.
pub fn table_rows(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

/// The layers screen's panes: one column per layer (two rows of panes when there are four or more
/// layers and the screen is narrow).
pub fn panes(body: Rect, n: usize) -> Vec<Rect> {
    if n == 0 {
        return vec![];
    }
    let cols = if n >= 4 && body.width < 140 {
        n.div_ceil(2)
    } else {
        n
    };
    let rows = n.div_ceil(cols);
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(body);
    let mut out = Vec::with_capacity(n);
    for r in row_areas.iter() {
        let in_row = (n - out.len()).min(cols);
        out.extend(
            Layout::horizontal(vec![Constraint::Ratio(1, cols as u32); cols])
                .split(*r)
                .iter()
                .take(in_row),
        );
    }
    out
}
