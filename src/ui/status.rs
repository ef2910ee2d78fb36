//! The tab bar and the status bar (source, stores, policy, READ-ONLY, loading, messages, input line).

mod bar;
mod input;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{il, spinner, styled};
use crate::app::layout::tabs;
use crate::app::state::State;
use bar::keep_end;
use unicode_width::UnicodeWidthStr;

pub fn render_tabs(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    let as_of = s.as_of_label();
    for (screen, label, ..) in tabs(s, area.width) {
        let style = if screen == s.ui.screen {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            t.muted()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    // Who: the id (which tells two files of one user apart: `u062@u062-before.json`), then
    // the name.
    let (id, name) = match (&s.user.view, &s.user.loading) {
        (_, Some(id)) => (
            format!("{} loading {}", spinner(s), crate::text::shown_id(id)),
            String::new(),
        ),
        (Some(v), None) => (
            crate::text::shown_id(&v.data().user_id).into_owned(),
            v.data()
                .display_name
                .as_deref()
                .map(|n| il(&format!(" · {n}")))
                .unwrap_or_default(),
        ),
        (None, None) => (String::new(), String::new()),
    };
    let who = if id.is_empty() {
        String::new()
    } else {
        format!("{id}{name} ")
    };
    // The instant shown comes before who: it changes what every screen means.
    let room = (area.width as usize).saturating_sub(spans.iter().map(|sp| sp.width()).sum());
    if let Some(label) = as_of.filter(|l| l.chars().count() <= room) {
        spans.push(styled(label, t.badge().add_modifier(Modifier::BOLD)));
    }
    let used: usize = spans.iter().map(|sp| sp.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    // When it does not fit the name gives way first; the id is cut in its middle, so its end
    // (a file's name) shows. A space stays at the end.
    let who: String = if who.width() > room {
        let id = short_id(&id, room.saturating_sub(1));
        let rest = room.saturating_sub(1 + id.width());
        let name = if rest >= 6 {
            crate::text::fit(&name, rest)
        } else {
            String::new()
        };
        format!("{id}{name} ")
    } else {
        who
    };
    spans.push(Span::styled(right_aligned(&who, room), t.title()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `text` right-aligned in `room` columns, by display width (`{:>n}` counts characters: a wide
/// one would push the end of a name off the screen).
fn right_aligned(text: &str, room: usize) -> String {
    format!("{}{text}", " ".repeat(room.saturating_sub(text.width())))
}

/// `id` in `max` columns. A file's user (`u062@ticket-before.json`) keeps the user and the end
/// of the file's name, where a before and an after differ (`u062@…ket-before`); another id is
/// cut in its middle.
fn short_id(id: &str, max: usize) -> String {
    if id.width() <= max {
        return id.to_string();
    }
    if let Some((user, file)) = id.split_once('@') {
        let stem = file.strip_suffix(".json").unwrap_or(file);
        // What the file's name may take after `user@`: its end, `…` first when cut.
        let room = max.saturating_sub(user.width() + 1);
        if room >= 5 {
            return format!("{user}@{}", keep_end(stem, room));
        }
    }
    crate::text::fit_middle(id, max)
}

/// Draws the status bar; returns the columns the message had (a longer one is also shown
/// whole above the bar).
///
/// What changes how far the screen may be trusted always stays: the data source (DEMO,
/// SNAPSHOT), REDACTED, each store's up or DOWN, the policy (and whether it is tuned) and
/// READ-ONLY. The rest gives way while the bar is too narrow, least needed first: the key
/// hints, latencies, "(tuned)", a down store's error, what is loading (the spinner stays),
/// the stores' addresses, then the policy's and the source's names are cut.
pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) -> usize {
    if let Some(input) = &s.ui.input {
        input::render(frame, area, s, t, input);
        return usize::MAX;
    }
    let width = area.width as usize;
    let bar = bar::laid_out(s, t, width);
    let room = width.saturating_sub(bar.width() + 2);
    let mut spans = bar.spans();
    if let Some(m) = &s.status.message {
        // The bar shows a message of one line that fits; one of several lines, or too long, is
        // shown whole above it instead (once: not also cut here).
        let shown = il(&m.text);
        if !m.text.contains('\n') && shown.width() <= room {
            spans.push(Span::raw("  "));
            spans.push(styled(shown, if m.error { t.error() } else { t.base() }));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    room
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    /// A name of wide characters takes the room it is given, not more: its end stays on the
    /// screen.
    #[test]
    fn a_wide_name_is_right_aligned_by_its_width() {
        let who = "zz1 · Zoë 測試 🚀 Tester ";
        let shown = super::right_aligned(who, 40);
        assert_eq!(shown.width(), 40, "{shown:?}");
        assert!(shown.ends_with(who));
        assert_eq!(
            super::right_aligned(who, 5),
            who,
            "no room: as it is (cut before)"
        );
    }
}
