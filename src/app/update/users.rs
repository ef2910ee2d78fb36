//! The users list: pages as they arrive, and each row's numbers.

use super::Effect;
use super::{done_loading, nav, start_loading};
use crate::app::action::Action;
use crate::app::state::State;
use crate::app::state::UserRow;
use crate::app::task::Task;

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::UsersLoaded(page) => users_loaded(s, page),
        Action::StatsComputed(stats) => {
            for (id, st) in stats {
                if let Some(row) = s.users.rows.iter_mut().find(|r| r.summary.user_id == id) {
                    match st {
                        Ok(st) => {
                            row.stats = Some(st);
                            row.failed = None;
                        }
                        Err(e) => row.failed = Some(e),
                    }
                }
            }
            done_loading(s, Task::Stats);
            nav::reshow_users(s);
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn users_loaded(s: &mut State, page: crate::store::UserPage) -> Vec<Effect> {
    done_loading(s, Task::Users);
    s.status.stores.iter_mut().for_each(|st| st.up = true);
    let ids: Vec<String> = page.users.iter().map(|u| u.user_id.clone()).collect();
    // Display names are masked here, once, under --redact: the filter matches what is shown.
    s.users
        .rows
        .extend(page.users.into_iter().map(|mut summary| {
            if s.ui.redact {
                crate::loaded::mask_summary(&mut summary);
            }
            UserRow {
                summary,
                stats: None,
                failed: None,
            }
        }));
    s.users.loaded_all = page.next_cursor.is_none();
    s.users.next_cursor = page.next_cursor;
    nav::reshow_users(s);
    let mut effects = Vec::new();
    if !ids.is_empty() {
        start_loading(s, Task::Stats);
        effects.push(Effect::ComputeStats {
            users: ids,
            policy: Box::new(s.session.baseline.clone()),
        });
    }
    if let Some(wanted) = s.users.wanted.take() {
        effects.extend(nav::jump_to_user(s, wanted));
    }
    effects
}
