//! Rendering: pure functions of borrowed state and a theme. Nothing here changes state.

mod budget;
mod help;
mod journey;
mod layers;
mod live;
mod prompt;
mod report;
mod status;
pub mod theme;
mod tune;
mod users;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use crate::app::layout::{Areas, MIN_SIZE};
use crate::app::state::{Overlay, Screen, State};
use theme::Theme;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, s: &State, t: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::new().style(t.base()), area);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "Terminal too small: {}×{}. ctxlens needs at least {}×{}.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        let [mid] = Layout::vertical([Constraint::Length(1)])
            .flex(Flex::Center)
            .areas(area);
        frame.render_widget(
            Paragraph::new(msg)
                .style(t.error())
                .alignment(Alignment::Center),
            mid,
        );
        return;
    }
    let areas = Areas::new((area.width, area.height));
    status::render_tabs(frame, areas.tabs, s, t);
    match s.ui.screen {
        Screen::Users => users::render(frame, areas.body, s, t),
        Screen::Layers => layers::render(frame, areas.body, s, t),
        Screen::Budget => budget::render(frame, areas.body, s, t),
        Screen::Journey => journey::render(frame, areas.body, s, t),
        Screen::Tune => tune::render(frame, areas.body, s, t),
        Screen::Prompt => prompt::render(frame, areas.body, s, t),
        Screen::Live => live::render(frame, areas.body, s, t),
        Screen::Report => report::render(frame, areas.body, s, t),
    }
    match &s.ui.overlay {
        Overlay::Help { search, scroll } => help::render(frame, area, s, t, search, *scroll),
        Overlay::Item => layers::render_item(frame, area, s, t),
        Overlay::None => {}
    }
    status::render(frame, areas.status, s, t);
}

/// A bordered block with a title.
pub(crate) fn block<'a>(title: impl Into<Line<'a>>, focused: bool, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.border(focused))
        .title(title.into().style(t.title()))
}

/// A message in the middle of `area` (loading, empty and error states).
pub(crate) fn center_message(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    t: &Theme,
) {
    let b = block(title.to_string(), false, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let h = lines.len() as u16;
    let [mid] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(inner);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        mid,
    );
}

/// The spinner frame for the current tick.
pub(crate) fn spinner(s: &State) -> &'static str {
    const FRAMES: [&str; 8] = ["⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"];
    FRAMES[(s.ui.tick / 2) as usize % FRAMES.len()]
}

/// A popup area: `pct` of the screen, centred.
pub(crate) fn popup(area: Rect, pct_x: u16, pct_y: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Percentage(pct_y)])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Percentage(pct_x)])
        .flex(Flex::Center)
        .areas(v);
    h
}

pub(crate) fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}

/// Stored text as one cell of a line: made inert (ids, names, keys, messages).
pub(crate) fn il(text: &str) -> String {
    crate::text::inert_line(text).into_owned()
}

/// Stored multi-line text as lines: made inert, one `Line` per line.
pub(crate) fn inert_lines(text: &str) -> Vec<Line<'static>> {
    crate::text::inert(text)
        .lines()
        .map(|l| Line::from(l.to_string()))
        .collect()
}

/// A dim key hint: `key` then `what`.
pub(crate) fn hint<'a>(key: &'a str, what: &'a str, t: &Theme) -> Vec<Span<'a>> {
    vec![
        Span::styled(key, t.accent()),
        Span::styled(format!(" {what}  "), t.muted()),
    ]
}

pub(crate) fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

#[cfg(test)]
mod tests;
