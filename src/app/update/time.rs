//! Time travel on the open user: stepping through the moments of their data (journey rows and
//! turns, [`crate::engine::rewind::moments`]) and back to now. Each step loads the user again as
//! of the moment picked; the view stays until it arrives.

use chrono::{DateTime, Utc};

use super::user::reload_user;
use super::{Effect, info};
use crate::app::action::Action;
use crate::app::state::State;
use crate::engine::snapshot::fmt_ts;

/// Applies `Earlier`, `Later` or `Present`.
pub(super) fn travel(s: &mut State, action: &Action) -> Vec<Effect> {
    let Some(v) = &s.user.view else {
        info(s, "time travel: open a user first");
        return vec![];
    };
    let data = v.data();
    // Moments after the data was read (a clock ahead of the store's) cannot be loaded.
    let read_at = data.as_of.as_ref().map_or(data.now, |a| a.read_at);
    let stops: Vec<DateTime<Utc>> = data
        .moments
        .iter()
        .map(|m| m.at)
        .filter(|t| *t <= read_at)
        .collect();
    let from = s.user.at;
    let to = match action {
        Action::Earlier => {
            // Shown as of an instant between two moments (`tui --at`), the data is that of the
            // newest moment before it: a step back goes past that one, or it would show the
            // same data again.
            let before = match from {
                Some(t) => stops.iter().rev().find(|m| **m <= t).copied().unwrap_or(t),
                None => DateTime::<Utc>::MAX_UTC,
            };
            match stops.iter().rev().find(|t| **t < before) {
                Some(t) => Some(*t),
                None => {
                    let msg = match stops.first() {
                        Some(first) => {
                            format!("time travel: {} is the oldest moment", fmt_ts(first))
                        }
                        None => "time travel: this user has no dated data".to_string(),
                    };
                    info(s, &msg);
                    return vec![];
                }
            }
        }
        Action::Later => match from {
            None => {
                info(s, "time travel: already at now");
                return vec![];
            }
            // Past the newest moment: now.
            Some(at) => stops.iter().find(|t| **t > at).copied(),
        },
        // `0`: back to the instant the TUI was opened at (`tui --at T`), and from there to now.
        _ => match s.user.opened_at {
            Some(t) if from != Some(t) => {
                let again = again(s, &Action::Present, "0", "now");
                info(
                    s,
                    &format!(
                        "time travel: back to {}, the instant ctxlens was opened at{again}",
                        fmt_ts(&t)
                    ),
                );
                Some(t)
            }
            _ => None,
        },
    };
    if to == from {
        return vec![];
    }
    // The newest moment before now (a row dated later, a clock ahead, is no moment to step to;
    // what is kept only as it is now is rebuilt from the rows up to it, as the findings say):
    // said, or the step looks like it did nothing.
    if from.is_none()
        && let Some(t) = to
        && stops.last() == Some(&t)
    {
        let again = again(s, &Action::Earlier, "[", "steps back");
        info(
            s,
            &format!(
                "time travel: as of {}, the newest change before now{again}",
                fmt_ts(&t)
            ),
        );
    }
    s.user.at = to;
    reload_user(s).into_iter().collect()
}

/// `; KEY again: what`, naming the key the keymap in use binds to `action` (nothing when none
/// is).
fn again(s: &State, action: &Action, usual: &str, what: &str) -> String {
    s.session
        .keymap
        .key_to_name(action, usual)
        .map_or_else(String::new, |k| format!("; {k} again: {what}"))
}
