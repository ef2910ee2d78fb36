//! The help overlay, generated from the keymap, searchable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, clear, popup, styled};
use crate::app::state::State;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme, search: &str, scroll: usize) {
    let area = popup(area, 70, 80);
    clear(frame, area);
    let needle = search.to_lowercase();
    let mut lines: Vec<Line> = s
        .session
        .keymap
        .help()
        .into_iter()
        .filter(|(keys, a)| {
            needle.is_empty()
                || keys.to_lowercase().contains(&needle)
                || a.describe().contains(&needle)
        })
        .map(|(keys, a)| {
            Line::from(vec![
                styled(format!("{keys:>22}  "), t.accent()),
                styled(a.describe(), t.base()),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(format!("no key matches /{search}"), t.muted()));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("{:>22}  {}", "commands", crate::app::update::COMMANDS),
        t.muted(),
    ));
    lines.push(Line::styled(
        format!(
            "{:>22}  {}",
            "mouse", "click tabs, rows and panes; wheel scrolls"
        ),
        t.muted(),
    ));
    let title = if search.is_empty() {
        " Keys · / search · esc close ".to_string()
    } else {
        format!(" Keys matching /{search} ")
    };
    let p = Paragraph::new(lines)
        .scroll((scroll as u16, 0))
        .block(block(title, true, t));
    frame.render_widget(p, area);
}
