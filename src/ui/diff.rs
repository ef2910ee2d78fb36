//! The `:diff` overlay: the first cause and what explains it, the input changes, the items that
//! differ, and the two prompts side by side (removed on the left, added on the right); and the
//! `e` / `:explain` overlay: a knowledge row's gates, the first failed one marked.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, clear, styled};
use crate::app::diff_view::{SEPARATOR, Shown, Tone, explain_rows, half_width};
use crate::app::layout;
use crate::app::state::State;
use crate::app::update::asked;
use crate::engine::linediff::Change;

fn tone(t: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Title => t.title(),
        Tone::Base => t.base(),
        Tone::Muted => t.muted(),
        Tone::Accent => t.accent(),
        Tone::Added => t.ok(),
        Tone::Removed => t.error(),
        Tone::Changed => t.warning(),
    }
}

/// One side of a prompt row, `width` cells wide (its piece already fits).
fn half(side: Option<&(Change, String)>, width: usize, t: &Theme) -> ratatui::text::Span<'static> {
    let Some((ch, text)) = side else {
        return styled(" ".repeat(width), t.muted());
    };
    let style = match ch {
        Change::Same => t.muted(),
        Change::Removed => t.error(),
        Change::Added => t.ok(),
    };
    let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
    styled(format!("{text}{}", " ".repeat(pad)), style)
}

pub fn render(frame: &mut Frame, s: &State, t: &Theme, scroll: usize) {
    let Some(c) = &s.user.compared else { return };
    let area = layout::item_popup(s.ui.size);
    clear(frame, area, t);
    let height = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let all = c.shown(width);
    let scroll = scroll.min(all.len().saturating_sub(height));
    let half_w = half_width(width);
    let lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(height)
        .map(|r| match r {
            Shown::Text(x, to) => Line::from(styled(x.clone(), tone(t, *to))),
            Shown::Pair(a, b) => Line::from(vec![
                half(a.as_ref(), half_w, t),
                styled(SEPARATOR, t.muted()),
                half(b.as_ref(), half_w, t),
            ]),
            Shown::Heads(a, b) => {
                let pad = |x: &str| {
                    format!(
                        "{}{x:<w$}",
                        Change::Same.mark(),
                        w = half_w.saturating_sub(2)
                    )
                };
                Line::from(vec![
                    styled(pad(a), t.title()),
                    styled(SEPARATOR, t.muted()),
                    styled(pad(b), t.title()),
                ])
            }
        })
        .collect();
    let title = format!(
        " diff · {}{}{}{} ",
        super::span(
            (scroll + 1).min(all.len()),
            (scroll + height).min(all.len()),
            all.len()
        ),
        super::item::scroll_hint(s),
        super::pair_hint(
            s,
            (&crate::app::Action::NextMatch, "n"),
            (&crate::app::Action::PrevMatch, "N"),
            "next change"
        ),
        super::close_hint(s)
    );
    frame.render_widget(Paragraph::new(lines).block(block(title, true, t)), area);
}

/// A knowledge row's gates, one line each (`✔`, `✘` or `·`), the first failed one marked.
pub fn render_explain(frame: &mut Frame, s: &State, t: &Theme, scroll: usize) {
    let Some(e) = &s.user.explained else { return };
    let area = layout::item_popup(s.ui.size);
    let query = asked(s);
    let width = usize::from(area.width.saturating_sub(2));
    let all = explain_rows(e, &query, width);
    let area = layout::fitted(area, all.len());
    clear(frame, area, t);
    let height = usize::from(area.height.saturating_sub(2));
    let scroll = scroll.min(all.len().saturating_sub(height));
    let title = format!(
        " explain {}{}{} ",
        crate::text::fit(&e.row.id, 20),
        super::item::scroll_hint(s),
        super::close_hint(s)
    );
    let rows: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(height)
        .map(|(text, to)| Line::from(styled(text, tone(t, to))))
        .collect();
    frame.render_widget(Paragraph::new(rows).block(block(title, true, t)), area);
}
