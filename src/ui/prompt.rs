//! The Prompt screen: the assembled prompt as the model gets it (headers, truncation markers,
//! search), or its line diff against the baseline's (`d`: `-` removed, `+` added).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use super::layers::no_user;
use super::theme::Theme;
use crate::app::state::State;
use crate::app::update::{current_match, prompt_rows, search_hits};
use crate::engine::{Assembly, Decision};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if no_user(frame, area, s, t, "Prompt") {
        return;
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return;
    };
    // Masked when loaded under --redact; made inert, so search matches what is shown. Drawn
    // row by row as the scroll keys count them.
    let view = prompt_rows(s);
    let (text, rows) = (&view.lines, &view.rows);
    let marker = s.session.policy.truncate_marker.trim();
    let needle = s.user.search.to_lowercase();
    // Every match, and the one `n`/`N` is on (drawn apart from the others).
    let hits = search_hits(s);
    let current = hits.get(current_match(s, hits.len())).copied();
    let total = rows.len();
    let height = area.height.saturating_sub(2) as usize;
    let scroll = s.user.scroll.min(total.saturating_sub(height));
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll)
        .take(height)
        .map(|(i, r)| {
            let l = &text[*i];
            let on = current.filter(|(line, _)| line == i).map(|(_, at)| at);
            let whole = style_line(l, s.user.diff, marker, (&needle, on), t);
            // In the diff every row of a line keeps its mark, not only its colour.
            let mut spans = if s.user.diff {
                vec![Span::raw(l.get(..2).unwrap_or("").to_string())]
            } else {
                vec![]
            };
            spans.extend(super::wrap::slice(&whole.spans, r.clone()));
            Line::from(spans).style(whole.style)
        })
        .collect();
    // The query, cut to `max` characters: a long one gives way before its count does.
    let search = |max: usize| {
        if needle.is_empty() {
            return String::new();
        }
        let query = crate::text::fit(&super::il(&s.user.search), max);
        match hits.len() {
            0 => format!(" · /{query} no match"),
            n => format!(" · /{query} {}/{n}", current_match(s, n) + 1),
        }
    };
    let (what, hint) = what_shown(s, a, text);
    // Rows as drawn: a long line is several. When the title does not fit, the key hint gives
    // way first, then the rows; the search's count stays.
    let rows = format!(
        " · rows {}-{} of {total}",
        (scroll + 1).min(total),
        (scroll + height).min(total)
    );
    let (long, short) = (search(32), search(10));
    let title = super::first_that_fits(
        [
            format!(" {what}{hint}{rows}{long} "),
            format!(" {what}{rows}{long} "),
            format!(" {what}{long} "),
            format!(" {what}{short} "),
            format!(" Prompt{short} "),
        ],
        &format!(" Prompt{short}"),
        usize::from(area.width.saturating_sub(3)),
    );
    frame.render_widget(Paragraph::new(lines).block(block(title, true, t)), area);
}

/// What the title says is shown (the prompt and its tokens, or the diff and how many lines it
/// removes and adds), and the key hint that toggles to the other.
fn what_shown(s: &State, a: &Assembly, text: &[String]) -> (String, String) {
    let toggle = |what: &str| super::key_hint(s, &crate::app::Action::ToggleDiff, "d", what);
    if s.user.diff {
        let (removed, added) = text.iter().fold((0, 0), |(r, ad), l| {
            (
                r + usize::from(l.starts_with("- ")),
                ad + usize::from(l.starts_with("+ ")),
            )
        });
        // Untuned, there is nothing to compare: said, not a silent `-0 +0`.
        let what = if s.modified() {
            format!("Prompt diff · baseline → tuned · -{removed} +{added} lines")
        } else {
            "Prompt diff · nothing tuned".to_string()
        };
        (what, toggle("plain"))
    } else {
        (
            format!("Prompt · {} item tokens", super::num(a.total_tokens)),
            toggle("diff"),
        )
    }
}

/// One line of the prompt styled: a diff mark's colour, a heading, a truncation, or the
/// search's matches (`needle`; `current`: the byte the match `n`/`N` is on starts at).
fn style_line<'a>(
    l: &str,
    diff: bool,
    marker: &str,
    (needle, current): (&str, Option<usize>),
    t: &Theme,
) -> Line<'a> {
    let body = if diff { l.get(2..).unwrap_or("") } else { l };
    if diff && l.starts_with("- ") {
        return Line::styled(l.to_string(), t.decision(Decision::Dropped));
    }
    if diff && l.starts_with("+ ") {
        return Line::styled(l.to_string(), t.decision(Decision::Kept));
    }
    if body.starts_with("## ") {
        Line::styled(l.to_string(), t.title().add_modifier(Modifier::UNDERLINED))
    } else if !marker.is_empty() && l.contains(marker) {
        Line::styled(l.to_string(), t.decision(Decision::Truncated))
    } else if !needle.is_empty() && l.to_lowercase().contains(needle) {
        highlight(l, needle, current, t)
    } else if diff {
        Line::styled(l.to_string(), t.muted())
    } else {
        Line::from(l.to_string())
    }
}

/// A line with every case-insensitive occurrence of `needle` highlighted, the one starting at
/// byte `current` (the match `n`/`N` is on) in the selection's colours, bold.
fn highlight<'a>(line: &str, needle: &str, current: Option<usize>, t: &Theme) -> Line<'a> {
    let lower = line.to_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    // Lower-casing can change byte lengths; fall back to a whole-line highlight when it does.
    if lower.len() != line.len() {
        let style = if current.is_some() {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            t.highlight()
        };
        return Line::styled(line.to_string(), style);
    }
    while let Some(pos) = lower[at..].find(needle) {
        let start = at + pos;
        spans.push(Span::raw(line[at..start].to_string()));
        let style = if current == Some(start) {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            t.highlight()
        };
        spans.push(Span::styled(
            line[start..start + needle.len()].to_string(),
            style,
        ));
        at = start + needle.len();
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}
