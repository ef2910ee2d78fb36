//! The Report screen: the fleet summary for the tuned policy against the baseline — the same
//! sections `ctxlens report` prints, laid out as aligned tables in one scrolling view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, center_message, styled};
use crate::app::state::State;
use crate::report::format::{Section, Tone, headline, sections};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let running = s.report.running.is_some();
    let Some(summary) = &s.report.summary else {
        let msg = if running {
            "Replaying every user under the tuned and the baseline policy…"
        } else {
            "No report yet."
        };
        center_message(
            frame,
            area,
            " Report ",
            vec![Line::styled(msg, t.muted())],
            t,
        );
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    for (i, text) in headline(summary).into_iter().enumerate() {
        let style = if i == 0 { t.title() } else { t.muted() };
        lines.push(Line::styled(super::il(&text), style));
    }
    if s.report.computed_for.as_deref()
        != Some(&(s.session.policy.clone(), s.session.baseline.clone()))
    {
        lines.push(Line::styled(
            "policies changed since: computing again…",
            t.accent(),
        ));
    }
    for sec in sections(summary) {
        lines.push(Line::raw(""));
        section_lines(&sec, t, &mut lines);
    }
    let height = area.height.saturating_sub(2) as usize;
    let scroll = s.report.scroll.min(lines.len().saturating_sub(height));
    let title = if running {
        " Report · computing… ".to_string()
    } else {
        format!(" Report · tuned vs baseline · {} users ", summary.users)
    };
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown).block(block(title, true, t)), area);
}

fn section_lines<'a>(sec: &Section, t: &Theme, out: &mut Vec<Line<'a>>) {
    out.push(Line::styled(super::il(&sec.title), t.title()));
    if sec.rows.is_empty() {
        out.push(Line::styled("  none", t.muted()));
        return;
    }
    let mut widths: Vec<usize> = sec.columns.iter().map(|c| c.1.width()).collect();
    for (_, row) in &sec.rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.shown.width());
        }
    }
    let pad = |text: &str, w: usize, right: bool| {
        let gap = " ".repeat(w.saturating_sub(text.width()));
        if right {
            format!("{gap}{text}")
        } else {
            format!("{text}{gap}")
        }
    };
    let head: Vec<Span> = sec
        .columns
        .iter()
        .zip(&widths)
        .map(|((_, title, right), w)| styled(format!("  {}", pad(title, *w, *right)), t.muted()))
        .collect();
    out.push(Line::from(head));
    for (_, row) in &sec.rows {
        let spans: Vec<Span> = row
            .iter()
            .zip(&sec.columns)
            .zip(&widths)
            .map(|((c, (_, _, right)), w)| {
                let style = match c.tone {
                    Tone::Plain => t.base(),
                    Tone::Pass => t.decision(crate::engine::Decision::Kept),
                    Tone::Fail => t.decision(crate::engine::Decision::Dropped),
                    Tone::Dim => t.muted(),
                    Tone::Bold => t.accent(),
                };
                styled(format!("  {}", pad(&c.shown, *w, *right)), style)
            })
            .collect();
        out.push(Line::from(spans));
    }
}
