//! The live screen: the cached context and its TTL, and `progress:{user}` events as they arrive.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, il, styled};
use crate::app::state::{LiveEntry, State, TICKS_PER_SECOND};
use crate::engine::Decision;
use crate::findings::FindingKind;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let (cache, events) = crate::app::layout::live(area);
    render_cache(frame, cache, s, t);
    render_events(frame, events, s, t);
}

/// Progress events, newest first: the open user's (or everyone's, `a`), scrollable, paused
/// with `p`. Times are the store's (the demo's own clock in the demo).
fn render_events(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let live = &s.live;
    let open = s.user.view.as_ref().map(|v| v.data().user_id.as_str());
    let shown = crate::app::update::live_shown(s);
    let height = area.height.saturating_sub(2) as usize;
    // The last page is a full one.
    let first = live.scroll.min(shown.len().saturating_sub(height));
    let lines: Vec<Line> = if shown.is_empty() && s.status.source == crate::store::snapshots::LABEL
    {
        vec![Line::styled(
            "snapshot files hold no events: progress events come from a live Redis (--redis-url)",
            t.muted(),
        )]
    } else if shown.is_empty() {
        let whose = match (live.all, open) {
            (false, Some(u)) => format!("{}'s ", il(u)),
            _ => String::new(),
        };
        vec![Line::styled(
            format!(
                "waiting for {whose}events from the {}… (a: every user's)",
                live.source
            ),
            t.muted(),
        )]
    } else {
        shown
            .iter()
            .skip(first)
            .take(height)
            .map(|e| entry_line(e, &live.key_prefix, open, t))
            .collect()
    };
    let whose = match (live.all, open) {
        (true, _) | (_, None) => "every user".to_string(),
        (false, Some(u)) => il(u),
    };
    // Paused first (what the screen is not showing), then whose and how many; the key hints
    // last, dropped when the title would be cut.
    let (state, hints) = if live.paused {
        (
            format!(" · PAUSED, {} new held", live.held.len()),
            " · p resumes · a all/mine",
        )
    } else {
        (String::new(), " · p pause · a all/mine")
    };
    let head = format!(
        " Events{state} · {whose} · {} of {} received",
        shown.len(),
        live.events.len()
    );
    // An unreadable message carries no time: the one shown (marked `*`) is its arrival's.
    let unreadable = shown
        .iter()
        .skip(first)
        .take(height)
        .any(|e| matches!(e, LiveEntry::Unreadable(_)));
    let note = if unreadable {
        " · * arrival time, machine clock"
    } else {
        ""
    };
    let room = usize::from(area.width.saturating_sub(4));
    let title = [format!("{head}{note}{hints} "), format!("{head}{note} ")]
        .into_iter()
        .find(|t| t.chars().count() <= room)
        .unwrap_or_else(|| format!("{head} "));
    let style = if live.paused { t.warning() } else { t.base() };
    frame.render_widget(
        Paragraph::new(lines).block(block(title, false, t).border_style(style)),
        area,
    );
}

/// One event: when, its channel as the store names it (under its key `prefix`; the open user's
/// in the accent colour), the milestone and progress; a message that could not be read says so
/// in words, and why, made inert.
fn entry_line(e: &LiveEntry, prefix: &str, open: Option<&str>, t: &Theme) -> Line<'static> {
    let mine = open == Some(e.user());
    let channel = styled(
        format!(
            "{:<17}",
            il(&crate::engine::keys::progress_channel(prefix, e.user()))
        ),
        if mine { t.accent() } else { t.base() },
    );
    match e {
        LiveEntry::Event(e) => Line::from(vec![
            styled(format!("{}  ", il(&e.timestamp)), t.muted()),
            channel,
            styled(
                format!(" {} {:>5.1}%", il(&e.milestone), e.progress),
                t.base(),
            ),
        ]),
        LiveEntry::Unreadable(u) => Line::from(vec![
            styled(format!("{}* ", il(&u.received)), t.muted()),
            channel,
            styled(" unreadable: ", t.error()),
            styled(il(&u.why), t.base()),
        ]),
    }
}

fn render_cache(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let Some(v) = &s.user.view else {
        let p =
            Paragraph::new("Open a user to see its cached context and findings.").style(t.muted());
        frame.render_widget(p.block(block(" Cached context ", true, t)), area);
        return;
    };
    let data = v.data();
    // As the store names it (with its key prefix).
    let key = data
        .cached_context_key
        .clone()
        .unwrap_or_else(|| "— (no journey: no current milestone)".into());
    let elapsed = (s.ui.tick.saturating_sub(v.loaded_tick) / TICKS_PER_SECOND) as i64;
    let label = |k: &str| styled(format!("{k:<10}"), t.muted());
    let mut lines = vec![Line::from(vec![label("key"), styled(il(&key), t.base())])];
    // A value the store could not read at all is a malformed item naming the key.
    let unreadable = v.snapshot().unreadable_cache();
    match (v.user.cached_summary(), unreadable) {
        (None, Some(m)) => lines.push(Line::from(vec![
            label("content"),
            styled(format!("unreadable: {}", il(&m.reason)), t.error()),
        ])),
        (None, None) => lines.push(Line::styled(
            "no cached context: the next request aggregates afresh",
            t.muted(),
        )),
        (Some(summary), _) => {
            let ttl = match data.cached_context_ttl {
                _ if !data.ttls_known => "unknown: a snapshot file holds no TTLs".into(),
                Some(ttl) if ttl as i64 > elapsed => {
                    format!("{} s left (of {ttl} s when loaded)", ttl as i64 - elapsed)
                }
                Some(_) => "expired".into(),
                None => "no TTL: this key never expires".into(),
            };
            lines.push(Line::from(vec![label("ttl"), styled(ttl, t.base())]));
            lines.push(match &summary {
                Err(e) => Line::from(vec![label("content"), styled(il(e), t.error())]),
                Ok(c) => Line::from(vec![label("content"), styled(il(c), t.base())]),
            });
            let drift = v.findings.as_ref().map(|f| {
                f.iter()
                    .find(|x| x.kind == FindingKind::CacheDrift)
                    .map(|x| x.message.clone())
            });
            lines.push(match (drift, summary.is_ok()) {
                (_, false) => Line::from(vec![label("drift"), styled("—", t.muted())]),
                (None, _) => Line::from(vec![label("drift"), styled("counting…", t.muted())]),
                (Some(None), _) => Line::from(vec![
                    label("drift"),
                    styled(
                        "none: the cache equals a fresh replay",
                        t.decision(Decision::Kept),
                    ),
                ]),
                (Some(Some(m)), _) => Line::from(vec![
                    label("drift"),
                    styled(il(&m), t.decision(Decision::Dropped)),
                ]),
            });
        }
    }
    lines.extend(findings_lines(v, t));
    // A long value wraps under its column, not under the labels.
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = lines.into_iter().flat_map(|l| hanging(l, width)).collect();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Cached context · findings ", true, t)),
        area,
    );
}

/// How wide the labels of the cached-context lines are (`key`, `content`, `findings`).
const LABEL: usize = 10;

/// `line` (a label of [`LABEL`] columns, then its value) in rows of `width` columns, the rows
/// after the first indented under the value; a line without a label as it is.
fn hanging(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let labelled = line.spans.len() > 1 && line.spans[0].content.width() == LABEL;
    if !labelled || line.width() <= width || width <= LABEL + 8 {
        return vec![line];
    }
    let mut spans = line.spans.into_iter();
    let label = spans.next().unwrap_or_default();
    let value: Vec<Span<'static>> = spans.collect();
    let text: String = value.iter().map(|s| s.content.as_ref()).collect();
    // Each span's byte range in `text`, with its style.
    let mut at = 0;
    let styled_ranges: Vec<(std::ops::Range<usize>, ratatui::style::Style)> = value
        .iter()
        .map(|s| {
            let r = at..at + s.content.len();
            at = r.end;
            (r, s.style)
        })
        .collect();
    crate::text::wrap(&text, width - LABEL)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let head = if i == 0 {
                label.clone()
            } else {
                Span::raw(" ".repeat(LABEL))
            };
            let mut out = vec![head];
            for (r, style) in &styled_ranges {
                let (from, to) = (r.start.max(row.start), r.end.min(row.end));
                if from < to {
                    out.push(Span::styled(text[from..to].to_string(), *style));
                }
            }
            Line::from(out)
        })
        .collect()
}

/// The open user's findings, one line each (`none`, or nothing while they are counted).
fn findings_lines(v: &crate::app::state::UserView, t: &Theme) -> Vec<Line<'static>> {
    let label = |k: &str| styled(format!("{k:<10}"), t.muted());
    let mut out = Vec::new();
    match &v.findings {
        None => {}
        Some(f) if f.is_empty() => out.push(Line::from(vec![
            label("findings"),
            styled("none", t.decision(Decision::Kept)),
        ])),
        Some(f) => {
            for (i, x) in f.iter().enumerate() {
                let head = if i == 0 { label("findings") } else { label("") };
                out.push(Line::from(vec![
                    head,
                    styled(format!("{} ", il(&x.source)), t.accent()),
                    styled(il(&x.message), t.base()),
                ]));
            }
        }
    }
    out
}
