//! Opening a user: the load asked for it (the last user stays on screen meanwhile), which the
//! users list, the screens, the status and the user's own reloads all start.

use super::{Effect, done_loading, start_loading};
use crate::app::state::State;
use crate::app::task::Task;
use crate::store::KnowledgeParams;

/// Starts loading `id` as the selected user.
pub(super) fn open_user(s: &mut State, id: String) -> Vec<Effect> {
    if s.user.view.as_ref().is_some_and(|v| v.data().user_id == id) {
        // Already shown: a load of another user under way is no longer wanted, nor its answer,
        // nor (the stores back) one that failed in an outage.
        s.status.health.failed_user = None;
        if s.user.loading.take().is_some() {
            s.user.load += 1;
            done_loading(s, Task::User);
        }
        return vec![];
    }
    if let Some(pos) = s
        .users
        .shown
        .iter()
        .position(|&i| s.users.rows[i].summary.user_id == id)
    {
        s.users.at_top = false;
        s.users.cursor = pos;
    }
    // Another user asked for: one that failed in an outage is no longer wanted when the stores
    // are back (opening it then would take the place of this one).
    if s.status.health.failed_user.as_ref() != Some(&id) {
        s.status.health.failed_user = None;
    }
    // The last user stays in the view until this one arrives (or fails to).
    s.user.loading = Some(id.clone());
    s.user.query = None;
    start_loading(s, Task::User);
    let knowledge = KnowledgeParams::of(&s.session.policy);
    s.user.load += 1;
    vec![Effect::LoadUser {
        load: s.user.load,
        user: id,
        knowledge,
        query: None,
        at: s.user.at,
    }]
}
