//! The tab bar and the status bar (source, stores, policy, READ-ONLY, loading, messages, input line).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{hint, il, spinner, styled};
use crate::app::layout::tabs;
use crate::app::state::{Input, InputKind, State};
use unicode_width::UnicodeWidthStr;

pub fn render_tabs(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    let as_of = s.as_of_label();
    for (screen, label, ..) in tabs(area.width, s.ui.screen, s.header_reserve()) {
        let style = if screen == s.ui.screen {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            t.muted()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let who = match (&s.user.view, &s.user.loading) {
        (_, Some(id)) => format!("{} loading {} ", spinner(s), il(id)),
        (Some(v), None) => {
            let name = v
                .data()
                .display_name
                .as_deref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            il(&format!("{}{name} ", v.data().user_id))
        }
        (None, None) => String::new(),
    };
    // The instant shown comes before who: it changes what every screen means.
    let room = (area.width as usize).saturating_sub(spans.iter().map(|sp| sp.width()).sum());
    if let Some(label) = as_of.filter(|l| l.chars().count() <= room) {
        spans.push(styled(label, t.badge().add_modifier(Modifier::BOLD)));
    }
    let used: usize = spans.iter().map(|sp| sp.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    let who: String = if who.chars().count() > room {
        who.chars().take(room).collect()
    } else {
        who
    };
    spans.push(Span::styled(format!("{who:>room$}"), t.title()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The input line: what it is for, the text with its cursor, and how the query fares (matches,
/// Tab's candidates).
fn render_input(frame: &mut Frame, area: Rect, s: &State, t: &Theme, input: &Input) {
    let prompt = match input.kind {
        InputKind::Filter => "/".to_string(),
        InputKind::Search => "search /".to_string(),
        InputKind::HelpSearch => "help /".to_string(),
        InputKind::Palette => ":".to_string(),
        InputKind::Edit => {
            let fields = crate::app::tune::fields(&s.session.policy);
            format!(
                "{} = ",
                fields.get(s.tune.cursor).map_or("", |f| f.key.as_str())
            )
        }
    };
    let (hint, hint_style) = match input.kind {
        _ if !input.completions.is_empty() => (
            format!("   {}", il(&input.completions.join("  "))),
            t.accent(),
        ),
        InputKind::Filter if !input.text().is_empty() => match s.users.shown.len() {
            0 => ("   no match".to_string(), t.error()),
            n => (format!("   {n}/{} users", s.users.rows.len()), t.muted()),
        },
        InputKind::Search if !input.text().is_empty() => {
            match crate::app::update::search_lines(s).len() {
                0 => ("   no match".to_string(), t.error()),
                n => (format!("   {}/{n}", s.user.found + 1), t.muted()),
            }
        }
        InputKind::Palette => (
            "   tab completes · ↑/↓ history · enter run · esc cancel".to_string(),
            t.muted(),
        ),
        _ => ("   enter ok · esc cancel".to_string(), t.muted()),
    };
    let text = il(input.text());
    let room = (area.width as usize)
        .saturating_sub(prompt.width() + 1)
        .max(1);
    let scroll = input.line.visual_scroll(room);
    let cursor = input.line.visual_cursor().saturating_sub(scroll);
    let shown: String = text.chars().skip(scroll).collect();
    let before: String = shown.chars().take(cursor).collect();
    let at: String = shown.chars().skip(cursor).take(1).collect();
    let after: String = shown.chars().skip(cursor + 1).collect();
    let line = Line::from(vec![
        styled(prompt, t.accent()),
        styled(before, t.base()),
        styled(
            if at.is_empty() { " ".to_string() } else { at },
            t.selected(),
        ),
        styled(after, t.base()),
        styled(hint, hint_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// Draws the status bar; returns the columns the message had (a longer one is also shown
/// whole above the bar).
pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) -> usize {
    if let Some(input) = &s.ui.input {
        render_input(frame, area, s, t, input);
        return usize::MAX;
    }
    let mut spans = vec![
        styled(format!(" {} ", il(&s.status.source)), t.badge()),
        Span::raw(" "),
    ];
    if s.ui.redact {
        spans.push(styled(" REDACTED ", t.badge()));
        spans.push(Span::raw(" "));
    }
    for st in &s.status.stores {
        // The word says it too: colour is not the only sign.
        let (dot, style) = if st.up {
            ("● up", t.ok())
        } else {
            ("● DOWN", t.error())
        };
        spans.push(styled(format!("{dot} "), style));
        spans.push(styled(il(&format!("{} {}", st.name, st.host)), t.muted()));
        if let (true, Some(l)) = (st.up, st.latency) {
            spans.push(styled(
                format!(" {:.1} ms", l.as_secs_f64() * 1000.0),
                t.muted(),
            ));
        }
        if let (false, Some(e)) = (st.up, &st.last_error) {
            spans.push(styled(format!(" ({})", il(e)), t.error()));
        }
        spans.push(Span::raw("  "));
    }
    let modified = if s.modified() { "* (tuned)" } else { "" };
    spans.push(styled(
        format!("policy {}{modified}", il(&s.session.policy.name)),
        t.accent(),
    ));
    spans.push(Span::raw("  "));
    spans.push(styled(" READ-ONLY ", t.selected()));
    spans.push(Span::raw("  "));
    if !s.status.loading.is_empty() {
        spans.push(styled(
            format!(
                "{} {}  ",
                spinner(s),
                s.status
                    .loading
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            t.accent(),
        ));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(used);
    match &s.status.message {
        Some(m) => spans.push(styled(
            crate::text::fit(&m.text, room),
            if m.error { t.error() } else { t.base() },
        )),
        None => {
            for (k, w) in [("?", "help"), (":", "cmd"), ("/", "filter"), ("q", "quit")] {
                spans.extend(hint(k, w, t));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    room
}
