//! The live screen: the cached context and its TTL, and `progress:{user}` events as they arrive.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, styled};
use crate::app::state::{State, TICKS_PER_SECOND};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let [cache, events] = Layout::vertical([Constraint::Length(8), Constraint::Min(3)]).areas(area);
    render_cache(frame, cache, s, t);
    let source = if s.live.demo_source {
        "demo event source"
    } else {
        "progress:* channel"
    };
    let lines: Vec<Line> = if s.live.events.is_empty() {
        vec![Line::styled(
            format!("waiting for events from the {source}…"),
            t.muted(),
        )]
    } else {
        s.live
            .events
            .iter()
            .take(events.height.saturating_sub(2) as usize)
            .map(|e| {
                let mine = s
                    .user
                    .view
                    .as_ref()
                    .is_some_and(|v| v.data.user_id == e.user_id);
                Line::from(vec![
                    styled(format!("{}  ", e.timestamp), t.muted()),
                    styled(
                        format!("progress:{:<8}", e.user_id),
                        if mine { t.accent() } else { t.base() },
                    ),
                    styled(format!(" {} {:>5.1}%", e.milestone, e.progress), t.base()),
                ])
            })
            .collect()
    };
    let title = format!(" Events · {source} · {} received ", s.live.events.len());
    frame.render_widget(Paragraph::new(lines).block(block(title, false, t)), events);
}

fn render_cache(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let Some(v) = &s.user.view else {
        let p = Paragraph::new("Open a user to see its cached context.").style(t.muted());
        frame.render_widget(p.block(block(" Cached context ", true, t)), area);
        return;
    };
    let key = format!(
        "context:{}:{}",
        v.data.user_id,
        v.data.current_milestone.as_deref().unwrap_or("—")
    );
    let elapsed = (s.ui.tick.saturating_sub(v.loaded_tick) / TICKS_PER_SECOND) as i64;
    let mut lines = vec![Line::from(vec![
        styled("key       ", t.muted()),
        styled(key, t.base()),
    ])];
    match (&v.data.cached_context, v.data.cached_context_ttl) {
        (None, _) => lines.push(Line::styled(
            "no cached context (a cache miss: the next request aggregates afresh)",
            t.muted(),
        )),
        (Some(_), ttl) => {
            let ttl = match ttl {
                Some(ttl) => {
                    let left = ttl as i64 - elapsed;
                    if left > 0 {
                        format!("{left} s left (of {ttl} s when loaded)")
                    } else {
                        "expired".into()
                    }
                }
                None => "no TTL: this key never expires".into(),
            };
            lines.push(Line::from(vec![
                styled("ttl       ", t.muted()),
                styled(ttl, t.base()),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(" Cached context ", true, t)),
        area,
    );
}
