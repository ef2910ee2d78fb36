//! The open user's timeline on the Journey screen: the moments time travel steps through
//! (journey rows and turns), the one shown marked, and a one-line strip with the keys.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{il, styled};
use crate::app::Action;
use crate::app::state::{State, UserView};
use crate::engine::rewind::Moment;
use crate::engine::snapshot::fmt_ts;

/// The moments one can step to (not after the data was read), oldest first, and the position
/// of the one shown: `None` for now, else the newest moment at or before the instant shown.
fn stops<'a>(s: &State, v: &'a UserView) -> (Vec<&'a Moment>, Option<usize>) {
    let data = v.data();
    let read_at = data.as_of.as_ref().map_or(data.now, |a| a.read_at);
    let stops: Vec<&Moment> = data.moments.iter().filter(|m| m.at <= read_at).collect();
    let shown = s
        .shown_at()
        .and_then(|at| stops.iter().rposition(|m| m.at <= at));
    (stops, shown)
}

/// ` as of T · 12/40 completed M5 · [ ] moment · 0 now `, or at now ` now · 40 moments · [ earlier `.
pub fn strip(s: &State, v: &UserView, t: &Theme, width: usize) -> Line<'static> {
    let (stops, shown) = stops(s, v);
    let (back, on, now) = (
        super::key_of(s, &Action::Earlier),
        super::key_of(s, &Action::Later),
        super::key_of(s, &Action::Present),
    );
    let mut spans: Vec<Span> = vec![styled(" ", t.muted())];
    match s.shown_at() {
        None if stops.is_empty() => {
            spans.push(styled("now", t.accent().add_modifier(Modifier::BOLD)));
            spans.push(styled(" · no dated data to step back to ", t.muted()));
        }
        None => {
            spans.push(styled("now", t.accent().add_modifier(Modifier::BOLD)));
            spans.push(styled(
                format!(
                    " · {} · ",
                    crate::text::count(stops.len() as u64, "moment", "moments")
                ),
                t.muted(),
            ));
            spans.push(styled(il(&back), t.accent()));
            spans.push(styled(" earlier ", t.muted()));
        }
        Some(at) => {
            spans.push(styled(
                format!("as of {}", fmt_ts(&at)),
                t.warning().add_modifier(Modifier::BOLD),
            ));
            // T between two moments (carried over from another user): the one in force then,
            // with its own time.
            let what = shown.map_or("before every moment".to_string(), |i| {
                let m = stops[i];
                let when = if m.at == at {
                    String::new()
                } else {
                    format!(" of {}", fmt_ts(&m.at))
                };
                format!("{}/{} {}{when}", i + 1, stops.len(), il(&m.label))
            });
            spans.push(styled(format!(" · {what} · "), t.muted()));
            spans.push(styled(format!("{} {}", il(&back), il(&on)), t.accent()));
            spans.push(styled(" moment · ", t.muted()));
            spans.push(styled(il(&now), t.accent()));
            spans.push(styled(" now ", t.muted()));
        }
    }
    super::fit_spans(spans, width)
}

/// The timeline's heading over at most `rows` of its lines: when not all of them show, how many
/// moments there are besides now, and the keys that step through them.
pub fn heading(s: &State, v: &UserView, rows: usize) -> String {
    let all = stops(s, v).0.len() + 1;
    if all <= rows.max(1) {
        "timeline (newest first):".to_string()
    } else {
        format!(
            "timeline (now + {} moments, newest first; {} {} step):",
            all - 1,
            super::key_of(s, &Action::Earlier),
            super::key_of(s, &Action::Later)
        )
    }
}

/// At most `rows` lines of the timeline, newest first: now, then the moments; the one shown
/// marked `▶`, those after it (not yet happened then) muted, the window kept around it.
pub fn lines(s: &State, v: &UserView, t: &Theme, rows: usize) -> Vec<Line<'static>> {
    let (stops, shown) = stops(s, v);
    let at_now = s.shown_at().is_none();
    // Row 0 is now; row i + 1 the i-th newest moment.
    let mut all: Vec<Line<'static>> = Vec::with_capacity(stops.len() + 1);
    let mark = |on: bool| if on { "▶ " } else { "  " };
    all.push(Line::styled(
        format!("{}now", mark(at_now)),
        if at_now { t.selected() } else { t.base() },
    ));
    for (i, m) in stops.iter().enumerate().rev() {
        let on = shown == Some(i);
        let later = !at_now && shown.is_none_or(|k| i > k);
        let style = if on {
            t.selected()
        } else if later {
            t.muted()
        } else {
            t.base()
        };
        all.push(Line::from(vec![
            styled(format!("{}{}  ", mark(on), fmt_ts(&m.at)), style),
            styled(il(&m.label), style),
        ]));
    }
    if stops.is_empty() {
        all.push(Line::styled("  no dated journey row or turn", t.muted()));
    }
    let sel = match (at_now, shown) {
        (true, _) => 0,
        (false, Some(i)) => stops.len() - i,
        (false, None) => all.len() - 1,
    };
    let rows = rows.max(1);
    let total = all.len();
    let first = sel.saturating_sub(rows / 2).min(total.saturating_sub(rows));
    let mut shown: Vec<Line<'static>> = all.into_iter().skip(first).take(rows).collect();
    // What the window leaves out is counted where it is cut (the selection, kept near the
    // middle, is never the line a count takes): the step keys reach it.
    if rows >= 3 {
        let below = total.saturating_sub(first + rows);
        if first > 0 {
            shown[0] = Line::styled(format!("  ⋮ {} newer", first + 1), t.muted());
        }
        if below > 0
            && let Some(last) = shown.last_mut()
        {
            *last = Line::styled(
                format!(
                    "  ⋮ {} older ({} steps back)",
                    below + 1,
                    super::key_of(s, &Action::Earlier)
                ),
                t.muted(),
            );
        }
    }
    shown
}
