//! The Live screen's upper panel as data: the open user's cached context (key, TTL, content,
//! drift) and every finding, laid out in rows of a given width, which the screen draws
//! (`ui::live`) and whose height its layout and scrolling need (`layout::live`, `update::nav`).

use super::state::{State, TICKS_PER_SECOND};
use crate::findings::FindingKind;

/// How wide the labels of the panel's lines are (`key`, `content`, `findings`).
pub const LABEL: usize = 10;

/// What a part of a row says, for the screen to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Base,
    Muted,
    Error,
    /// As a kept item: nothing wrong.
    Good,
    /// As a dropped item: something differs.
    Bad,
    /// A finding's source (key or table and id).
    Source,
}

/// One screen row of the panel: a label column (`LABEL` wide, blank under the first row of a
/// wrapped line; absent on an unlabelled line), then its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: Option<String>,
    pub parts: Vec<(String, Tone)>,
}

/// One line of the panel before it is wrapped.
struct Said {
    label: Option<&'static str>,
    parts: Vec<(String, Tone)>,
}

fn said(label: &'static str, parts: Vec<(String, Tone)>) -> Said {
    Said {
        label: Some(label),
        parts,
    }
}

/// The panel's lines for the open user, made inert; `None` without one.
fn lines(s: &State) -> Option<Vec<Said>> {
    let v = s.user.view.as_ref()?;
    let il = |t: &str| crate::text::inert_line(t).into_owned();
    let data = v.data();
    // As the store names it (with its key prefix).
    let key = data
        .cached_context_key
        .as_deref()
        .map_or_else(|| "— (no journey: no current milestone)".into(), il);
    let elapsed = (s.ui.tick.saturating_sub(v.loaded_tick) / TICKS_PER_SECOND) as i64;
    let mut out = vec![said("key", vec![(key, Tone::Base)])];
    // A value the store could not read at all is a malformed item naming the key.
    let unreadable = v.snapshot().unreadable_cache();
    match (v.user.cached_summary(), unreadable) {
        (None, Some(m)) => out.push(said(
            "content",
            vec![(format!("unreadable: {}", il(&m.reason)), Tone::Error)],
        )),
        (None, None) => out.push(Said {
            label: None,
            parts: vec![(
                "no cached context: the next request aggregates afresh".into(),
                Tone::Muted,
            )],
        }),
        (Some(summary), _) => {
            let ttl = match data.cached_context_ttl {
                _ if !data.ttls_known => "unknown: a snapshot file holds no TTLs".into(),
                Some(ttl) if ttl as i64 > elapsed => {
                    format!("{} s left (of {ttl} s when loaded)", ttl as i64 - elapsed)
                }
                Some(_) => "expired".into(),
                None => "no TTL: this key never expires".into(),
            };
            out.push(said("ttl", vec![(ttl, Tone::Base)]));
            out.push(match &summary {
                Err(e) => said("content", vec![(il(e), Tone::Error)]),
                Ok(c) => said("content", vec![(il(c), Tone::Base)]),
            });
            let drift = v.findings.as_ref().map(|f| {
                f.iter()
                    .find(|x| x.kind == FindingKind::CacheDrift)
                    .map(|x| x.message.clone())
            });
            let drift = match (drift, summary.is_ok()) {
                (_, false) => ("—".into(), Tone::Muted),
                (None, _) => ("counting…".into(), Tone::Muted),
                (Some(None), _) => match v.user.cache_not_compared() {
                    Some(why) => (format!("not compared: {}", il(&why)), Tone::Muted),
                    // The cache is compared with the baseline's replay, whatever is tuned.
                    None if s.modified() => (
                        format!(
                            "none: the cache equals a fresh replay of the baseline ({}), not of the tuning",
                            il(&s.session.baseline.name)
                        ),
                        Tone::Good,
                    ),
                    None => ("none: the cache equals a fresh replay".into(), Tone::Good),
                },
                (Some(Some(m)), _) => (il(&m), Tone::Bad),
            };
            out.push(said("drift", vec![drift]));
        }
    }
    match &v.findings {
        None => {}
        Some(f) if f.is_empty() => out.push(said("findings", vec![("none".into(), Tone::Good)])),
        Some(f) => out.extend(f.iter().enumerate().map(|(i, x)| {
            said(
                if i == 0 { "findings" } else { "" },
                vec![
                    (format!("{} ", il(&x.source)), Tone::Source),
                    (il(&x.message), Tone::Base),
                ],
            )
        })),
    }
    Some(out)
}

/// The panel in rows of `width` columns: a long value wraps under its column, not under the
/// labels; an unlabelled line wraps at the left edge. `None` without an open user.
pub fn rows(s: &State, width: usize) -> Option<Vec<Row>> {
    Some(
        lines(s)?
            .into_iter()
            .flat_map(|l| wrapped(l, width))
            .collect(),
    )
}

/// How many findings the open user has (none while they are counted).
pub fn findings(s: &State) -> usize {
    s.user
        .view
        .as_ref()
        .and_then(|v| v.findings.as_ref())
        .map_or(0, Vec::len)
}

fn wrapped(line: Said, width: usize) -> Vec<Row> {
    let indent = if line.label.is_some() { LABEL } else { 0 };
    let text: String = line.parts.iter().map(|(t, _)| t.as_str()).collect();
    // Each part's byte range in `text`, with its tone.
    let mut at = 0;
    let ranges: Vec<(std::ops::Range<usize>, Tone)> = line
        .parts
        .iter()
        .map(|(t, tone)| {
            let r = at..at + t.len();
            at = r.end;
            (r, *tone)
        })
        .collect();
    let label = |first: bool| {
        line.label.map(|l| {
            let l = if first { l } else { "" };
            format!("{l:<LABEL$}")
        })
    };
    let whole = std::iter::once(0..text.len()).collect();
    let cut = if width > indent + 8 {
        crate::text::wrap(&text, width - indent)
    } else {
        // Too narrow to wrap usefully: one row, cut by the screen.
        whole
    };
    let cut = if cut.is_empty() {
        std::iter::once(0..0).collect()
    } else {
        cut
    };
    cut.into_iter()
        .enumerate()
        .map(|(i, row)| Row {
            label: label(i == 0),
            parts: ranges
                .iter()
                .filter_map(|(r, tone)| {
                    let (from, to) = (r.start.max(row.start), r.end.min(row.end));
                    (from < to).then(|| (text[from..to].to_string(), *tone))
                })
                .collect(),
        })
        .collect()
}

/// The Live screen on `body`: the upper panel's area and rows (`None` without an open user),
/// and the events' area.
pub fn areas(
    s: &State,
    body: ratatui::layout::Rect,
) -> (
    ratatui::layout::Rect,
    Option<Vec<Row>>,
    ratatui::layout::Rect,
) {
    let rows = rows(s, usize::from(body.width.saturating_sub(2)));
    let (panel, events) = super::layout::live(body, rows.as_ref().map_or(1, Vec::len));
    (panel, rows, events)
}

/// The event list's columns: the time (`2025-01-15T10:00:00Z  `), the channel's least width,
/// what an event shows after its channel (` M10  75.0%`), ` unreadable: ` before why, and the
/// most rows an unreadable message's reason wraps over.
pub const TIME_W: usize = 22;
pub const CHANNEL_W: usize = 17;
pub const AFTER_W: usize = 12;
pub const UNREADABLE_W: usize = 13;
pub const REASON_ROWS: usize = 4;
/// The least a reason's first row keeps beside ` unreadable: `, however long the channel.
const REASON_MIN: usize = 12;

/// How the event list of `shown` is laid out in a pane `row` columns wide and `height` rows
/// high: the channel column's width, the rows each event takes, and the first event a scroll
/// can show (the events from it to the end fill the pane: the last page is a full one).
#[derive(Debug, Clone, PartialEq)]
pub struct EventRows {
    pub channel_w: usize,
    pub heights: Vec<usize>,
    pub last_first: usize,
}

/// An event's channel as the store names it, under its key `prefix`, made inert. A channel
/// whose name is not UTF-8 names nobody: its bytes show escaped (`progress:h2\xFF`), as the
/// reason beside it names them.
pub fn channel(prefix: &str, e: &super::state::LiveEntry) -> String {
    use super::state::LiveEntry;
    match (e, e.user()) {
        (LiveEntry::Unreadable(u), None) => {
            crate::text::inert_line(u.nobodys_channel.as_deref().unwrap_or("\u{fffd}")).into_owned()
        }
        // The user as ids are shown (a backslash as `\\`): a user's channel never reads as
        // one that names nobody.
        (_, user) => crate::text::inert_line(&crate::engine::keys::progress_channel(
            prefix,
            &crate::text::shown_id(user.unwrap_or("\u{fffd}")),
        ))
        .into_owned(),
    }
}

impl EventRows {
    pub fn of(
        prefix: &str,
        shown: &[&super::state::LiveEntry],
        (row, height): (usize, usize),
    ) -> Self {
        use super::state::LiveEntry;
        // The channel column as wide as the longest listed channel (steady while scrolling),
        // never so wide that the milestone and progress after it, or a reason's first words,
        // are pushed off the row: a longer channel is cut in its middle.
        let widest = shown
            .iter()
            .map(|e| unicode_width::UnicodeWidthStr::width(channel(prefix, e).as_str()))
            .max()
            .unwrap_or(0);
        let room = row.saturating_sub(TIME_W + AFTER_W.max(UNREADABLE_W + REASON_MIN));
        let channel_w = widest.clamp(CHANNEL_W, room.max(CHANNEL_W));
        let heights: Vec<usize> = shown
            .iter()
            .map(|e| match e {
                LiveEntry::Event(_) => 1,
                LiveEntry::Unreadable(u) => {
                    reason_rows(&u.why, reason_widths(channel_w, row), REASON_ROWS)
                        .len()
                        .max(1)
                }
            })
            .collect();
        // From the end, as many events as fill the pane.
        let (mut last_first, mut used) = (heights.len(), 0);
        while last_first > 0 && used + heights[last_first - 1] <= height.max(1) {
            last_first -= 1;
            used += heights[last_first];
        }
        EventRows {
            channel_w,
            heights,
            last_first: last_first.min(shown.len().saturating_sub(1)),
        }
    }
}

/// An unreadable message's reason: its first row beside the channel, the others under the
/// channel and the reason both.
pub fn reason_widths(channel_w: usize, row: usize) -> (usize, usize) {
    let rest = row.saturating_sub(TIME_W + channel_w);
    (
        rest.saturating_sub(UNREADABLE_W),
        row.saturating_sub(TIME_W),
    )
}

/// `why`, made inert, in rows: the first `first` columns wide, the others `under`, at most
/// `most` of them; the last one ends in `…` when the rest would not fit.
pub fn reason_rows(why: &str, (first, under): (usize, usize), most: usize) -> Vec<String> {
    let (first, under, most) = (first.max(1), under.max(1), most.max(1));
    // A reason may quote a payload of megabytes: only what the rows can show is wrapped (and
    // what is left out is marked, however little of the rest the rows would have shown).
    let keep = under * most * 4;
    let cut = why.chars().nth(keep).is_some();
    let why: String = why.chars().take(keep).collect();
    let line = crate::text::inert_line(&why);
    let Some(head) = crate::text::wrap(&line, first).into_iter().next() else {
        return Vec::new();
    };
    let after = line[head.end..].trim_start();
    let rows = if after.is_empty() {
        Vec::new()
    } else {
        crate::text::wrap(after, under)
    };
    let mut out = vec![line[head.clone()].to_string()];
    out.extend(
        rows.iter()
            .take(most - 1)
            .map(|r| after[r.clone()].to_string()),
    );
    if rows.len() >= most || cut {
        // What follows the last row's start, as much as the row holds, then the mark.
        let (text, width) = match out.len() {
            1 => (&line[head.start..], first),
            n => (&after[rows[n - 2].start..], under),
        };
        // When all that was kept fits, the mark still says more was not kept.
        let text = if cut {
            format!("{text}…")
        } else {
            text.to_string()
        };
        if let Some(last) = out.last_mut() {
            *last = crate::text::fit(&text, width);
        }
    }
    out
}
