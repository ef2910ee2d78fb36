//! The tab bar and the status bar (source, stores, policy, READ-ONLY, loading, messages, input line).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{hint, il, spinner, styled};
use crate::app::layout::tabs;
use crate::app::state::{InputKind, State};

pub fn render_tabs(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    for (screen, label, ..) in tabs(area.width) {
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

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    if let Some(input) = &s.ui.input {
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
        let line = Line::from(vec![
            styled(prompt, t.accent()),
            styled(il(&input.text), t.base()),
            styled("▏", t.accent()),
            styled("   enter ok · esc cancel", t.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
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
        let (dot, style) = if st.up {
            ("●", t.decision(crate::engine::Decision::Kept))
        } else {
            ("●", t.error())
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
    let modified = if s.modified() { "*" } else { "" };
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
    match &s.status.message {
        Some(m) => spans.push(styled(
            il(&m.text),
            if m.error { t.error() } else { t.base() },
        )),
        None => {
            for (k, w) in [("?", "help"), (":", "cmd"), ("/", "filter"), ("q", "quit")] {
                spans.extend(hint(k, w, t));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
