//! The status bar: stores' health (and backoff while one is down), failures, messages, and what
//! is loading.

use super::open::open_user;
use super::user::reload_user;
use super::{Effect, done_loading, error, info};
use crate::app::action::Action;
use crate::app::state::{Quit, State, StoreStatus};
use crate::app::task::Task;
use crate::app::task::TaskError;

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Health(list) => health(s, list),
        Action::Failed(task, error) => failed(s, task, &error),
        Action::PolicyFailed(from, why) => {
            // The load asked for last failed: nothing is awaited any more (an earlier one
            // that failed leaves the last one awaited, and said to load).
            if s.session
                .policy_asked
                .as_ref()
                .is_some_and(|(spec, ..)| *spec == from)
            {
                s.session.policy_asked = None;
            }
            let effects = failed(s, Task::Policy, &why.into());
            if s.session.policy_asked.is_some() {
                super::start_loading(s, Task::Policy);
            }
            effects
        }
        Action::Saved(path) => {
            s.tune.saved = s.tune.saving.take();
            let what = if s.modified() {
                "tuned policy"
            } else {
                "policy"
            };
            let said = format!("{what} written to {path}");
            info(s, &said);
            if s.ui.quit == Quit::AfterSave {
                s.ui.quit = Quit::Now;
                s.ui.farewell = Some(said);
            }
            vec![]
        }
        _ => vec![],
    }
}

/// Records the stores' health; while one is down, checks again with backoff (1 s doubling to
/// 30 s); when all are back, loads again what failed meanwhile.
pub(super) fn health(s: &mut State, list: Vec<crate::store::Health>) -> Vec<Effect> {
    use crate::app::state::{HEALTH_EVERY, MAX_BACKOFF, TICKS_PER_SECOND};
    let was_down = s.status.stores.iter().any(|st| !st.up);
    for h in list {
        let last_error = h.error.clone().or_else(|| {
            s.status
                .stores
                .iter()
                .find(|x| x.name == h.name)
                .and_then(|x| x.last_error.clone())
        });
        set_store(
            s,
            StoreStatus {
                up: h.error.is_none(),
                latency: h.latency,
                last_error,
                name: h.name,
                host: h.host,
            },
        );
    }
    let down = s.status.stores.iter().any(|st| !st.up);
    let hs = &mut s.status.health;
    hs.checking = false;
    hs.backoff = if down {
        if hs.backoff == 0 {
            1
        } else {
            (hs.backoff * 2).min(MAX_BACKOFF)
        }
    } else {
        0
    };
    hs.next_check = s.ui.tick + TICKS_PER_SECOND * if down { hs.backoff } else { HEALTH_EVERY };
    // `R` while this check was under way: the next one now.
    if std::mem::take(&mut hs.asked_again) && down {
        hs.next_check = s.ui.tick;
    }
    let recovered = was_down && !down;
    if !recovered {
        return vec![];
    }
    info(s, "stores are back");
    let mut effects = Vec::new();
    let page = std::mem::take(&mut s.status.health.reload_page);
    if s.users.rows.is_empty() || std::mem::take(&mut s.status.health.reload_users) {
        effects.extend(super::user::reload_users(s));
    } else if let Some(c) = s.users.next_cursor.clone().filter(|_| page) {
        effects.push(super::users::ask_page(s, Some(c)));
    }
    if let Some(id) = s.status.health.failed_user.take() {
        let shown = s.user.view.as_ref().is_some_and(|v| v.data().user_id == id);
        if shown {
            effects.extend(reload_user(s));
        } else {
            effects.extend(open_user(s, id));
        }
    }
    // Rows whose numbers could not be counted while a store was down are counted now.
    let missing: Vec<String> = s
        .users
        .rows
        .iter()
        .filter(|r| r.stats.is_none())
        .map(|r| r.summary.user_id.clone())
        .collect();
    if !missing.is_empty() {
        effects.push(super::users::count(s, missing, false));
    }
    effects
}

/// A failed task: the error in the status line. A store out of reach is marked down (its last
/// data stays on screen, and it is checked again with backoff); a failure about the data itself
/// (a missing user, a bad row) or any other cause marks nothing down.
pub(super) fn failed(s: &mut State, task: Task, err: &TaskError) -> Vec<Effect> {
    done_loading(s, task);
    // A statement past its deadline is not a store gone: the server may answer its health
    // check at once (a locked table, a slow query), and marking it down would have every
    // "back" load the same statement again. It is checked now instead: down, it is marked so
    // by the check, and what failed loads again when it is back; up, the error stays said
    // and `R` tries again.
    let timed_out = matches!(err, TaskError::Store(e) if e.is_late());
    let down = err.unavailable_store().filter(|_| !timed_out);
    if timed_out {
        s.status.health.next_check = s.status.health.next_check.min(s.ui.tick + 1);
    }
    // Errors quote what the data holds (a file's bad value): masked under --redact, as the
    // command line masks them.
    let text = if s.ui.redact {
        crate::engine::redact::mask_quoted(&err.to_string())
    } else {
        err.to_string()
    };
    left_by(s, task, &text, down.is_some(), timed_out);
    if let Some(store) = down {
        mark_down(s, task, store, &text);
    }
    // The progress channel lost with its store is the Live screen's to say (the status bar
    // says DOWN), not over the data of another screen at every retry; other trouble (a panic,
    // no channel at all) is said wherever one is.
    if task == Task::Progress {
        s.live.trouble = Some(text.clone());
        if down.is_some() && s.ui.screen != crate::app::state::Screen::Live {
            return vec![];
        }
    }
    let shown = failure_said(s, task, err, text, timed_out);
    // A user screen with no user to show says why in its middle: not twice.
    let user_screen = !matches!(
        s.ui.screen,
        crate::app::state::Screen::Users | crate::app::state::Screen::Report
    );
    if task == Task::User && s.user.failed.is_some() && user_screen {
        return vec![];
    }
    error(s, &shown);
    vec![]
}

/// What `task` failing (saying `text`; `down`: at an outage, `timed_out`: past its deadline)
/// leaves behind in its own part of the state, and what it has loaded again when the stores
/// are back.
fn left_by(s: &mut State, task: Task, text: &str, down: bool, timed_out: bool) {
    match task {
        Task::Health => s.status.health.checking = false,
        // Saving from the quit prompt failed: stay, with the error.
        Task::Save if s.ui.quit == Quit::AfterSave => s.ui.quit = Quit::No,
        // Not again until the policies change or a refresh: the old summary stays.
        // An outage: run again when the stores are back (the health check says when).
        Task::Report if down => {
            s.report.running = None;
            s.report.running_for = None;
            s.report.failed = Some(text.to_string());
        }
        Task::Report => {
            s.report.running = None;
            s.report.computed_for = s.report.running_for.take();
            s.report.failed = Some(text.to_string());
        }
        // A list read again that failed: the rows stay as last read; after an outage the list
        // is read again when the stores are back.
        Task::Users => {
            let replacing = std::mem::take(&mut s.users.replacing);
            if replacing && down {
                s.status.health.reload_users = true;
            }
            // A next page that failed at an outage is read again when the stores are back.
            if !replacing && down && !s.users.rows.is_empty() {
                s.status.health.reload_page = true;
            }
            // No row read yet: the empty list says why (read again when the stores are back).
            if s.users.rows.is_empty() {
                s.users.failed = Some(text.to_string());
            }
        }
        Task::User => user_failed(s, text, down || timed_out),
        _ => {}
    }
}

/// The user being loaded failed (saying `text`): the one shown stays, the moment steps on from
/// it; `again` (an outage, a deadline): loaded again once the stores answer.
fn user_failed(s: &mut State, text: &str, again: bool) {
    let wanted = s.user.loading.take();
    s.user.show_on_load = false;
    if s.user.view.is_none() {
        s.user.failed = wanted.clone().map(|u| (u, text.to_string()));
    }
    // A moment that could not be loaded is not the one shown: step on from the shown one.
    // With no user shown, the session's own instant stays (`tui --at T`), never now.
    s.user.at = if s.user.view.is_some() {
        s.shown_at()
    } else {
        s.user.opened_at
    };
    if again {
        s.status.health.failed_user = wanted;
        // Check the stores soon: the next health answer restarts the load when back.
        s.status.health.next_check = s.status.health.next_check.min(s.ui.tick + 1);
    }
}

/// The store `store` (named as an error names it) marked down, with `text` as its last error;
/// a lost progress channel remembers it, so its next event marks it back.
fn mark_down(s: &mut State, task: Task, store: &str, text: &str) {
    let name = store.split_whitespace().next().unwrap_or(store);
    for st in s.status.stores.iter_mut().filter(|st| st.name == name) {
        st.up = false;
        st.last_error = Some(text.to_string());
    }
    if task == Task::Progress {
        s.live.channel_store = Some(name.to_string());
    }
}

/// The status message for `task` failing with `err` (said as `text`): named by its task, with
/// what to try after a deadline and the user still shown after a failed load.
fn failure_said(s: &State, task: Task, err: &TaskError, text: String, timed_out: bool) -> String {
    // Named by its task, unless the error already begins with it (`policy FILE: …`).
    let said = if text.starts_with(&format!("{task} ")) {
        text
    } else {
        format!("{task}: {text}")
    };
    // What keeps a statement waiting: a locked table is Postgres's; Redis is only busy.
    let late_store_is_redis = matches!(
        err,
        TaskError::Store(
            crate::store::StoreError::TimedOut { store, .. }
                | crate::store::StoreError::Busy { store, .. }
        ) if store.starts_with("redis")
    );
    let said = if timed_out {
        let why = if late_store_is_redis {
            "a busy server?"
        } else {
            "a busy server or a locked table?"
        };
        format!("{said} ({why}) · R tries again")
    } else {
        said
    };
    match s.user.view.as_ref() {
        Some(v) if task == Task::User => format!(
            "{said} · still showing {}",
            crate::text::shown_id(&v.data().user_id)
        ),
        _ => said,
    }
}

/// Marks a store up or down (the live-store loop reports health with this).
pub fn set_store(s: &mut State, status: StoreStatus) {
    match s.status.stores.iter_mut().find(|x| x.name == status.name) {
        Some(x) => *x = status,
        None => s.status.stores.push(status),
    }
}
