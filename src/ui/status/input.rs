//! The input line that takes the status bar's place while something is typed: what it is for,
//! the text with its cursor, and how the query fares (matches, Tab's candidates).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::state::{Input, InputKind, Quit, State};
use crate::ui::theme::Theme;
use crate::ui::{il, styled};

/// The input line: what it is for, the text with its cursor, and how the query fares (matches,
/// Tab's candidates).
pub(super) fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme, input: &Input) {
    let prompt = prompt_of(s, input);
    let (hint, hint_style) = hint_of(s, t, input);
    // A suggestion says that typing replaces it (arrows and backspace edit it instead), where
    // the line has room for that and the keys both.
    let plain_hint = hint.clone();
    let hint = if input.suggested {
        format!("   typing replaces it · {}", hint.trim_start())
    } else {
        hint
    };
    // A paste cut short is said before the prompt, where a long line cannot push it out.
    let lead = if input.cut { "[paste cut] " } else { "" };
    let text = il(input.text());
    // Saving names what is saved where there is room; where the keys would be cut, the prompt
    // is only where it saves (what enter and esc do matters more).
    let prompt = if input.kind == InputKind::Save
        && lead.width() + prompt.width() + text.width() + 1 + plain_hint.width()
            > usize::from(area.width)
    {
        "save to: ".to_string()
    } else {
        prompt
    };
    let room = (area.width as usize)
        .saturating_sub(lead.width() + prompt.width() + 1)
        .max(1);
    let scroll = input.line.visual_scroll(room);
    let cursor = input.line.visual_cursor().saturating_sub(scroll);
    let shown: String = text.chars().skip(scroll).collect();
    let before: String = shown.chars().take(cursor).collect();
    let at: String = shown.chars().skip(cursor).take(1).collect();
    let after: String = shown.chars().skip(cursor + 1).collect();
    // The hint takes what the line leaves, cut with `…` rather than at the edge.
    let used = lead.width() + prompt.width() + shown.width().max(cursor + 1);
    let room = usize::from(area.width).saturating_sub(used);
    let hint = if hint.width() <= room {
        hint
    } else {
        plain_hint
    };
    let hint = crate::text::fit(&hint, room);
    // A suggestion is drawn selected, as a field a keystroke replaces.
    let text_style = if input.suggested {
        t.selected()
    } else {
        t.base()
    };
    let line = Line::from(vec![
        styled(lead.to_string(), t.error()),
        styled(prompt, t.accent()),
        styled(before, text_style),
        styled(
            if at.is_empty() { " ".to_string() } else { at },
            t.selected(),
        ),
        styled(after, text_style),
        styled(hint, hint_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// What the line is for, before the text: `/`, `:`, `save policy to: `, `FIELD = `.
fn prompt_of(s: &State, input: &Input) -> String {
    match input.kind {
        InputKind::Filter => "/".to_string(),
        InputKind::Search => "search /".to_string(),
        InputKind::HelpSearch => "help /".to_string(),
        InputKind::Palette => ":".to_string(),
        InputKind::Save if !s.modified() => "save policy to: ".into(),
        InputKind::Save => "save tuned policy to: ".to_string(),
        InputKind::Edit => {
            let fields = crate::app::tune::fields(&s.session.policy);
            format!(
                "{} = ",
                fields.get(s.tune.cursor).map_or("", |f| f.key.as_str())
            )
        }
    }
}

/// What follows the text, and its style: how the query fares (matches, Tab's candidates, a
/// word nothing completes), else what the keys do.
fn hint_of(s: &State, t: &Theme, input: &Input) -> (String, Style) {
    match input.kind {
        _ if input.unmatched => {
            let word = input.text().rsplit(' ').next().unwrap_or_default();
            (
                format!("   nothing completes {}", crate::text::quoted(word)),
                t.error(),
            )
        }
        // How many, first: a list cut at the edge still says how far typing has to narrow it.
        _ if !input.completions.is_empty() => (
            format!(
                "   {} · {}",
                input.completions.len(),
                il(&input.completions.join("  "))
            ),
            t.accent(),
        ),
        InputKind::Filter if !input.text().is_empty() => match s.users.shown.len() {
            0 => ("   no match".to_string(), t.error()),
            n => (format!("   {n}/{} users", s.users.rows.len()), t.muted()),
        },
        InputKind::HelpSearch if !input.text().is_empty() => {
            match crate::ui::help::match_count(s, input.text()) {
                (0, _) => ("   no match".to_string(), t.error()),
                (n, all) => (format!("   {n}/{all} keys"), t.muted()),
            }
        }
        InputKind::Search if !input.text().is_empty() => {
            match crate::app::update::search_lines(s).len() {
                0 => ("   no match".to_string(), t.error()),
                n => (
                    format!("   {}/{n}", crate::app::update::current_match(s, n) + 1),
                    t.muted(),
                ),
            }
        }
        InputKind::Palette => (
            "   tab completes · ↑/↓ history · enter run · esc cancel".to_string(),
            t.muted(),
        ),
        InputKind::Save if s.ui.quit == Quit::AfterSave => (
            "   enter writes and quits · esc stays".to_string(),
            t.muted(),
        ),
        InputKind::Save => ("   enter writes · esc cancels".to_string(), t.muted()),
        _ => ("   enter ok · esc cancel".to_string(), t.muted()),
    }
}
