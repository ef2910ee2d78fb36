//! The live screen: the cached context and its TTL, and `progress:{user}` events as they arrive.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::{block, il, styled};
use crate::app::live_view::{self, Row, Tone};
use crate::app::state::{LiveEntry, State};
use crate::engine::Decision;
use crate::text::thousands;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let (cache, rows, events) = live_view::areas(s, area);
    render_cache(frame, cache, rows, s, t);
    render_events(frame, events, s, t);
}

/// Progress events, newest first: the open user's (or everyone's, `a`), scrollable, paused
/// with `p`. Times are the store's (the demo's own clock in the demo).
fn render_events(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let live = &s.live;
    let shown = crate::app::update::live_shown(s);
    let height = area.height.saturating_sub(2) as usize;
    let row_w = usize::from(area.width.saturating_sub(2));
    let geometry = live_view::EventRows::of(&live.key_prefix, &shown, (row_w, height));
    // The last page is a full one (counted in rows: a reason wraps under its event).
    let first = live.scroll.min(geometry.last_first);
    let (lines, on_screen) = event_lines(s, t, &shown, first, (&geometry, row_w, height));
    let room = usize::from(area.width.saturating_sub(4));
    let title = events_title(s, &shown, (first, on_screen), room);
    let style = if live.paused {
        t.warning()
    } else {
        t.border(!live.on_panel)
    };
    // A message in place of events wraps; events are one row each.
    let p = Paragraph::new(lines);
    let p = if shown.is_empty() {
        p.wrap(Wrap { trim: false })
    } else {
        p
    };
    frame.render_widget(
        p.block(block(title, !live.on_panel, t).border_style(style)),
        area,
    );
}

/// The events pane's lines from event `first` on, `height` rows of `row_w` columns at most, and
/// how many events are on screen (fewer than rows when reasons wrap); a message in their place
/// while there are none.
fn event_lines(
    s: &State,
    t: &Theme,
    shown: &[&LiveEntry],
    first: usize,
    (geometry, row_w, height): (&live_view::EventRows, usize, usize),
) -> (Vec<Line<'static>>, usize) {
    let live = &s.live;
    let open = s.user.view.as_ref().map(|v| v.data().user_id.as_str());
    if shown.is_empty() && s.status.source == crate::store::snapshots::LABEL {
        let lines = vec![Line::styled(
            "snapshot files hold no events: progress events come from a live Redis (--redis-url)",
            t.muted(),
        )];
        return (lines, height);
    }
    if shown.is_empty() {
        return (waiting_lines(s, t, open, row_w), height);
    }
    // An unreadable message's reason wraps under itself (a few rows at most): at 80 columns
    // one row would show a few words of it.
    let mut lines: Vec<Line> = Vec::new();
    let mut on_screen = 0;
    for e in shown.iter().skip(first) {
        let room = height.saturating_sub(lines.len());
        if room == 0 {
            break;
        }
        let channel = live_view::channel(&live.key_prefix, e);
        lines.extend(entry_lines(
            e,
            &channel,
            (geometry.channel_w, row_w),
            open,
            t,
            room,
        ));
        on_screen += 1;
    }
    (lines, on_screen)
}

/// What the events pane says while no event has come: whose it waits for, from where, and the
/// channel's trouble if it has any.
fn waiting_lines(s: &State, t: &Theme, open: Option<&str>, row_w: usize) -> Vec<Line<'static>> {
    let live = &s.live;
    let rest = format!("events from the {}… (a: every user's)", live.source);
    let whose = match (live.all, open) {
        // A long id cut in its middle, as the events title cuts it: the line stays a line.
        (false, Some(u)) => {
            let room = row_w.saturating_sub(
                "waiting for 's ".len() + unicode_width::UnicodeWidthStr::width(rest.as_str()),
            );
            format!(
                "{}'s ",
                crate::text::fit_middle(&crate::text::shown_id(u), room.max(8))
            )
        }
        _ => String::new(),
    };
    let mut lines = vec![Line::styled(
        format!("waiting for {whose}{rest}"),
        t.muted(),
    )];
    if let Some(why) = &live.trouble {
        lines.push(Line::styled(format!("⚠ {}", il(why)), t.error()));
    }
    lines
}

/// The events pane's title in `room` columns; `first` and `on_screen` say which events show.
fn events_title(
    s: &State,
    shown: &[&LiveEntry],
    (first, on_screen): (usize, usize),
    room: usize,
) -> String {
    let live = &s.live;
    let open = s.user.view.as_ref().map(|v| v.data().user_id.as_str());
    let whose = match (live.all, open) {
        (true, _) | (_, None) => "every user".to_string(),
        // As ids are listed (a backslash as `\\`, the empty id `""`), as the channel column
        // shows it.
        (false, Some(u)) => crate::text::shown_id(u).into_owned(),
    };
    // Paused first (what the screen is not showing), then whose and how many; the key hints
    // last, dropped when the title would be cut.
    let all = super::key_hint(s, &crate::app::Action::ToggleAll, "a", "all/mine");
    let (state, hints) = if live.paused {
        (
            if live.held_received > live.held.len() as u64 {
                format!(
                    " · PAUSED, {} new, the newest {} held",
                    thousands(live.held_received as f64, 0),
                    live.held.len()
                )
            } else {
                format!(" · PAUSED, {} new held", live.held.len())
            },
            format!(
                "{}{all}",
                super::key_hint(s, &crate::app::Action::Pause, "p", "resumes")
            ),
        )
    } else {
        (
            String::new(),
            format!(
                "{}{all}",
                super::key_hint(s, &crate::app::Action::Pause, "p", "pause")
            ),
        )
    };
    // The channel's trouble, while no event has come since: named first, the rest cut.
    let trouble = match &live.trouble {
        Some(_) if !shown.is_empty() => " · ⚠ channel lost, subscribing again",
        _ => "",
    };
    // Which rows are on screen, once they do not all fit (as the findings panel says it).
    let place = super::place(first, on_screen, shown.len())
        .map_or(String::new(), |p| format!(" · rows {p}"));
    // Held while paused, an event is received all the same; past the bound, the oldest go.
    let kept = (live.events.len() + live.held.len()) as u64;
    let gone = if live.received > kept {
        format!(", the newest {} kept", thousands(kept as f64, 0))
    } else {
        String::new()
    };
    let head = format!(
        " Events{trouble}{state} · {whose} · {} shown of {} received{gone}{place}",
        shown.len(),
        thousands(live.received as f64, 0),
    );
    // An unreadable message carries no time: the one shown (marked `*`) is its arrival's.
    let unreadable = shown
        .iter()
        .skip(first)
        .take(on_screen)
        .any(|e| matches!(e, LiveEntry::Unreadable(_)));
    let note = if unreadable {
        " · * arrival time, machine clock"
    } else {
        ""
    };
    super::first_that_fits(
        [format!("{head}{note}{hints} "), format!("{head}{note} ")],
        &head,
        room,
    )
}

use live_view::{REASON_ROWS, TIME_W};

/// One event: when, its channel as the store names it (under its key `prefix`; the open user's
/// in the accent colour), the milestone and progress; a message that could not be read says so
/// in words, and why, made inert, wrapped under itself over at most [`REASON_ROWS`] and `most`
/// rows. `(width, row)`: the channel column's and the row's width; what would run past the
/// rows ends in `…`.
fn entry_lines(
    e: &LiveEntry,
    channel: &str,
    (width, row): (usize, usize),
    open: Option<&str>,
    t: &Theme,
    most: usize,
) -> Vec<Line<'static>> {
    let rest = row.saturating_sub(TIME_W + width);
    let mine = open.is_some() && open == e.user();
    let channel = styled(
        crate::text::pad(&crate::text::fit_middle(channel, width), width),
        if mine { t.accent() } else { t.base() },
    );
    match e {
        // The figure always shows: a long milestone gives way to it.
        LiveEntry::Event(e) => {
            let figure = format!(" {:>5.1}%", e.progress);
            let room = rest.saturating_sub(figure.chars().count());
            vec![Line::from(vec![
                styled(format!("{}  ", il(&e.timestamp)), t.muted()),
                channel,
                styled(
                    crate::text::fit(&format!(" {}", e.milestone), room),
                    t.base(),
                ),
                styled(figure, t.base()),
            ])]
        }
        LiveEntry::Unreadable(u) => {
            let parts = live_view::reason_rows(
                &u.why,
                live_view::reason_widths(width, row),
                REASON_ROWS.min(most).max(1),
            );
            let indent = " ".repeat(TIME_W);
            let mut lines = vec![Line::from(vec![
                styled(format!("{}* ", il(&u.received)), t.muted()),
                channel,
                styled(" unreadable: ", t.error()),
                styled(parts.first().cloned().unwrap_or_default(), t.base()),
            ])];
            lines.extend(
                parts.into_iter().skip(1).map(|p| {
                    Line::from(vec![styled(indent.clone(), t.base()), styled(p, t.base())])
                }),
            );
            lines
        }
    }
}

/// The open user's cached context and findings, as tall as they need up to what leaves the
/// events theirs; scrolled with the moves after `tab`.
fn render_cache(frame: &mut Frame, area: Rect, rows: Option<Vec<Row>>, s: &State, t: &Theme) {
    let Some(rows) = rows else {
        // A user that could not be opened says why here too.
        let lines = match &s.user.failed {
            Some((user, why)) if s.user.view.is_none() => vec![
                Line::styled(format!("Could not open {}.", super::il(user)), t.error()),
                Line::from(super::il(why)),
            ],
            _ => vec![Line::styled(
                "Open a user to see its cached context and findings.",
                t.muted(),
            )],
        };
        let p = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
        frame.render_widget(p.block(block(" Cached context ", false, t)), area);
        return;
    };
    let height = usize::from(area.height.saturating_sub(2));
    let first = crate::app::layout::first_shown(s.live.panel_scroll, rows.len(), height);
    let findings = match live_view::findings(s) {
        1 => " · 1 finding".to_string(),
        n => format!(" · {n} findings"),
    };
    let tab = |what: &str| super::key_hint(s, &crate::app::Action::NextPane, "tab", what);
    let keys = if s.live.on_panel {
        format!("{}{}", super::item::scroll_hint(s), tab("events"))
    } else {
        tab("scrolls")
    };
    let title = match super::place(first, height, rows.len()) {
        Some(p) => format!(" Cached context{findings} · {p}{keys} "),
        None => format!(" Cached context{findings} "),
    };
    let tone = |tone: Tone| match tone {
        Tone::Base => t.base(),
        Tone::Muted => t.muted(),
        Tone::Error => t.error(),
        Tone::Good => t.decision(Decision::Kept),
        Tone::Bad => t.decision(Decision::Dropped),
        Tone::Source => t.accent(),
    };
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(first)
        .take(height)
        .map(|r| {
            let label = r.label.map(|l| styled(l, t.muted()));
            Line::from(
                label
                    .into_iter()
                    .chain(r.parts.into_iter().map(|(text, x)| styled(text, tone(x))))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(title, s.live.on_panel, t)),
        area,
    );
}
