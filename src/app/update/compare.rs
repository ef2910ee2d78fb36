//! `:diff`: the open user under the baseline and the tuned policy, or against another user;
//! loaded and compared on a task, shown in an overlay.

use super::{CompareRequest, CompareSide, Effect, done_loading, error, start_loading};
use crate::app::state::{Compared, Overlay, State};
use crate::app::task::Task;

/// Runs `:diff` (no argument: baseline → tuned) or `:diff USER` (this user → USER).
pub(super) fn start(s: &mut State, arg: &str) -> Vec<Effect> {
    let Some(v) = &s.user.view else {
        error(s, ":diff needs a user open (:user ID)");
        return vec![];
    };
    let user = v.data().user_id.clone();
    let (baseline, tuned) = (&s.session.baseline, &s.session.policy);
    let side = |user: &str, policy: &crate::engine::Policy, label: String| CompareSide {
        user: user.to_string(),
        policy: policy.clone(),
        query: s.user.query.clone(),
        label,
    };
    let (a, b) = if arg.is_empty() {
        if baseline == tuned {
            error(
                s,
                ":diff compares the baseline with the tuned policy: tune something first, or :diff USER",
            );
            return vec![];
        }
        (
            side(
                &user,
                baseline,
                format!("{user} · baseline {}", baseline.name),
            ),
            side(&user, tuned, format!("{user} · tuned")),
        )
    } else {
        (
            side(&user, tuned, user.clone()),
            CompareSide {
                query: None,
                ..side(arg, tuned, arg.to_string())
            },
        )
    };
    start_loading(s, Task::Compare);
    vec![Effect::Compare(Box::new(CompareRequest {
        a,
        b,
        redact: s.ui.redact,
    }))]
}

/// The comparison arrived: shown in the overlay.
pub(super) fn arrived(s: &mut State, c: Box<Compared>) -> Vec<Effect> {
    done_loading(s, Task::Compare);
    s.user.compared = Some(c);
    s.ui.overlay = Overlay::Diff { scroll: 0 };
    vec![]
}
