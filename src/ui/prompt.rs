//! The prompt screen: the assembled prompt as the model gets it, with headers, markers and search.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use super::layers::no_user;
use super::theme::Theme;
use crate::app::state::State;
use crate::engine::Decision;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Prompt") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    // Masked when loaded under --redact; made inert here, so search matches what is shown.
    let prompt = crate::text::inert(&a.prompt);
    let marker = s.session.policy.truncate_marker.trim();
    let needle = s.user.search.to_lowercase();
    let total = prompt.lines().count();
    let height = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = prompt
        .lines()
        .skip(s.user.scroll)
        .take(height)
        .map(|l| {
            if l.starts_with("## ") {
                Line::styled(l.to_string(), t.title().add_modifier(Modifier::UNDERLINED))
            } else if !marker.is_empty() && l.contains(marker) {
                Line::styled(l.to_string(), t.decision(Decision::Truncated))
            } else if !needle.is_empty() && l.to_lowercase().contains(&needle) {
                highlight(l, &needle, t)
            } else {
                Line::from(l.to_string())
            }
        })
        .collect();
    let search = if needle.is_empty() {
        String::new()
    } else {
        format!(" · /{} ", super::il(&s.user.search))
    };
    let title = format!(
        " Prompt · {} tokens · lines {}-{} of {total}{search} ",
        a.total_tokens,
        (s.user.scroll + 1).min(total),
        (s.user.scroll + height).min(total)
    );
    // Scrolling is by prompt line (search jumps there); long lines wrap below it.
    let p = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
    frame.render_widget(p.block(block(title, true, t)), area);
}

/// A line with every case-insensitive occurrence of `needle` highlighted.
fn highlight<'a>(line: &str, needle: &str, t: &Theme) -> Line<'a> {
    let lower = line.to_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    // Lower-casing can change byte lengths; fall back to a whole-line highlight when it does.
    if lower.len() != line.len() {
        return Line::styled(line.to_string(), t.highlight());
    }
    while let Some(pos) = lower[at..].find(needle) {
        let start = at + pos;
        spans.push(Span::raw(line[at..start].to_string()));
        spans.push(Span::styled(
            line[start..start + needle.len()].to_string(),
            t.highlight(),
        ));
        at = start + needle.len();
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}
