//! The Report screen: the fleet summary for the tuned policy against the baseline, answer first
//! (`crate::app::report_view` lays the lines out), with a cursor: `enter` on a most-affected
//! user opens that user's tune diff.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, center_message, styled};
use crate::app::layout::offset;
use crate::app::report_view::{Tone, lines};
use crate::app::state::State;
use crate::engine::Decision;

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
    let all = lines(summary);
    let height = area.height.saturating_sub(2) as usize;
    let cursor = s.report.cursor.min(all.len().saturating_sub(1));
    let first = offset(cursor, height.max(1), all.len());
    let tone = |tone: Tone| match tone {
        Tone::Plain => t.base(),
        Tone::Pass => t.decision(Decision::Kept),
        Tone::Fail => t.decision(Decision::Dropped),
        Tone::Dim => t.muted(),
        Tone::Bold => t.title(),
    };
    let mut shown: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, l)| {
            let spans: Vec<Span> = l
                .cells
                .iter()
                .map(|(text, tn)| styled(super::il(text), tone(*tn)))
                .collect();
            let line = Line::from(spans);
            if i == cursor {
                super::selected_line(line, t)
            } else {
                line
            }
        })
        .collect();
    let stale = s.report.computed_for.as_deref()
        != Some(&(s.session.policy.clone(), s.session.baseline.clone()));
    if stale && !shown.is_empty() {
        shown[0] = Line::styled("policies changed since: computing again…", t.accent());
    }
    // The fleet is replayed as it is now, whatever moment the open user is shown at.
    let of_now = if s.shown_at().is_some() {
        "fleet of now · "
    } else {
        ""
    };
    let title = if running {
        format!(" Report · {of_now}computing… ")
    } else {
        format!(
            " Report · {of_now}tuned vs baseline · {} users · line {}/{} ",
            summary.users,
            cursor + 1,
            all.len()
        )
    };
    frame.render_widget(Paragraph::new(shown).block(block(title, true, t)), area);
}
