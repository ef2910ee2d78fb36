//! `update`: the only place state changes. Synchronous; I/O is returned as effects.

mod input;
mod nav;

pub use input::COMMANDS;
pub use nav::{LayerRow, layer_len, layer_rows, search_lines};

use super::action::Action;
use super::state::{
    Input, InputKind, Message, Overlay, Screen, State, StoreStatus, UserRow, UserView,
};
use super::task::{Task, TaskError};
use crate::engine::{Policy, Tokenizer};
use crate::loaded::Loaded;
use crate::store::KnowledgeParams;

/// Work for the event loop: each runs on a task and answers with an action. Effects are plain
/// data; the loop supplies what running them needs (store, engine, embedder, caches).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Load a page of users.
    LoadUsers { cursor: Option<String> },
    /// Load one user's data and snapshot (knowledge searched as the tuned policy asks).
    LoadUser {
        user: String,
        knowledge: KnowledgeParams,
    },
    /// Replay these users under the baseline policy for the users list.
    ComputeStats {
        users: Vec<String>,
        policy: Box<Policy>,
    },
    /// Load a tokenizer's vocabulary in the background.
    WarmTokenizer(Tokenizer),
    /// Read a policy file (or preset) as the new baseline.
    LoadPolicy(String),
    /// Write the tuned policy as TOML.
    SavePolicy { path: String, toml: String },
    /// Ask every store for its health.
    CheckHealth,
    /// Replay the fleet under the tuned policy against the baseline (run `id`).
    RunReport {
        id: u64,
        candidate: Box<Policy>,
        baseline: Box<Policy>,
    },
    /// Drop the snapshots kept for reports (a reload reads the stores again).
    ForgetSnapshots,
}

impl Effect {
    /// The task this effect's work is, for the status line and its failures.
    pub fn task(&self) -> Task {
        match self {
            Effect::LoadUsers { .. } => Task::Users,
            Effect::LoadUser { .. } => Task::User,
            Effect::ComputeStats { .. } => Task::Stats,
            Effect::WarmTokenizer(t) => Task::Tokenizer(*t),
            Effect::LoadPolicy(_) => Task::Policy,
            Effect::SavePolicy { .. } => Task::Save,
            Effect::CheckHealth => Task::Health,
            Effect::RunReport { .. } | Effect::ForgetSnapshots => Task::Report,
        }
    }
}

/// Applies `action` to `s` and returns the effects to run.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = apply(s, action);
    effects.extend(report_if_stale(s));
    effects
}

/// While the Report screen is shown, a summary computed for other policies (or none) is
/// computed again, one run at a time.
fn report_if_stale(s: &mut State) -> Vec<Effect> {
    if s.ui.screen != Screen::Report || s.report.running.is_some() {
        return vec![];
    }
    let wanted = (s.session.policy.clone(), s.session.baseline.clone());
    if s.report.computed_for.as_deref() == Some(&wanted) {
        return vec![];
    }
    s.report.runs += 1;
    s.report.running = Some(s.report.runs);
    s.report.running_for = Some(Box::new(wanted.clone()));
    start_loading(s, Task::Report);
    vec![Effect::RunReport {
        id: s.report.runs,
        candidate: Box::new(wanted.0),
        baseline: Box::new(wanted.1),
    }]
}

fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            s.ui.quit = true;
            vec![]
        }
        Action::Tick => {
            s.ui.tick += 1;
            let h = &mut s.status.health;
            if s.ui.tick >= h.next_check && !h.checking {
                h.checking = true;
                return vec![Effect::CheckHealth];
            }
            vec![]
        }
        Action::Health(list) => health(s, list),
        Action::Resize(w, h) => {
            s.ui.size = (w, h);
            vec![]
        }
        Action::Input(key) => input::key(s, key),
        Action::Help => {
            s.ui.overlay = match s.ui.overlay {
                Overlay::Help { .. } => Overlay::None,
                _ => Overlay::Help {
                    search: String::new(),
                    scroll: 0,
                },
            };
            vec![]
        }
        Action::Palette => {
            s.ui.input = Some(Input {
                kind: InputKind::Palette,
                text: String::new(),
            });
            vec![]
        }
        Action::Filter => {
            let kind = match (&s.ui.overlay, s.ui.screen) {
                (Overlay::Help { .. }, _) => InputKind::HelpSearch,
                (_, Screen::Prompt) => InputKind::Search,
                _ => {
                    s.ui.overlay = Overlay::None;
                    s.ui.screen = Screen::Users;
                    InputKind::Filter
                }
            };
            let text = match kind {
                InputKind::Filter => s.users.filter.clone(),
                InputKind::Search => s.user.search.clone(),
                _ => String::new(),
            };
            s.ui.input = Some(Input { kind, text });
            vec![]
        }
        Action::Back => {
            if s.ui.overlay != Overlay::None {
                s.ui.overlay = Overlay::None;
            } else {
                s.status.message = None;
            }
            vec![]
        }
        Action::ShowUsers => show(s, Screen::Users),
        Action::ShowLayers => show(s, Screen::Layers),
        Action::ShowBudget => show(s, Screen::Budget),
        Action::ShowJourney => show(s, Screen::Journey),
        Action::ShowTune => show(s, Screen::Tune),
        Action::ShowPrompt => show(s, Screen::Prompt),
        Action::ShowLive => show(s, Screen::Live),
        Action::ShowReport => show(s, Screen::Report),
        Action::ReportReady(id, summary) => {
            if s.report.running == Some(id) {
                done_loading(s, Task::Report);
                s.report.running = None;
                s.report.computed_for = s.report.running_for.take();
                s.report.summary = Some(summary);
            }
            vec![]
        }
        Action::ResetTuning => {
            s.session.policy = s.session.baseline.clone();
            info(s, "tuning reset to the baseline policy");
            replay(s)
        }
        Action::Refresh => refresh(s),
        Action::UsersLoaded(page) => users_loaded(s, page),
        Action::UserLoaded(loaded) => {
            let (data, snapshot) = *loaded;
            if s.user.loading.as_deref() != Some(data.user_id.as_str()) {
                return vec![]; // a newer selection superseded this load
            }
            done_loading(s, Task::User);
            s.user.loading = None;
            let same = s
                .user
                .view
                .as_ref()
                .is_some_and(|v| v.data().user_id == data.user_id);
            let layers = s.session.policy.layers.len();
            if !same {
                s.user.cursors = vec![0; layers];
                s.user.pane = s.user.pane.min(layers.saturating_sub(1));
                s.user.scroll = 0;
                s.user.milestone = snapshot
                    .current_milestone
                    .as_deref()
                    .and_then(|m| s.session.engine.milestones.ids().position(|x| x == m))
                    .unwrap_or(0);
            }
            // Masked here, once, under --redact: everything shown and searched is the masked copy.
            s.user.view = Some(UserView {
                user: Loaded::new(data, snapshot, s.ui.redact),
                baseline: None,
                tuned: None,
                findings: None,
                loaded_tick: s.ui.tick,
            });
            replay(s)
        }
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
        Action::TokenizerReady(t) => {
            s.session.warming.remove(&t);
            s.session.ready.insert(t);
            done_loading(s, Task::Tokenizer(t));
            replay(s)
        }
        Action::PolicyLoaded(policy, from) => {
            let refetch = KnowledgeParams::of(&policy) != KnowledgeParams::of(&s.session.policy);
            s.session.baseline = (*policy).clone();
            s.session.policy = *policy;
            info(
                s,
                &format!("policy {} loaded from {from}", s.session.policy.name),
            );
            if let Some(v) = &mut s.user.view {
                v.baseline = None;
                v.findings = None;
            }
            s.user.cursors = vec![0; s.session.policy.layers.len()];
            // The users list shows the baseline's numbers: replay every loaded user under it.
            let users: Vec<String> = s
                .users
                .rows
                .iter()
                .map(|r| r.summary.user_id.clone())
                .collect();
            let mut effects = replay(s);
            // The new policy searches knowledge differently: the open user is fetched again.
            if refetch {
                effects.extend(reload_user(s));
            }
            if !users.is_empty() {
                start_loading(s, Task::Stats);
                effects.push(Effect::ComputeStats {
                    users,
                    policy: Box::new(s.session.baseline.clone()),
                });
            }
            effects
        }
        Action::Saved(path) => {
            info(s, &format!("tuned policy written to {path}"));
            vec![]
        }
        Action::Progress(ev) => {
            s.live.events.push_front(ev);
            s.live.events.truncate(super::state::MAX_EVENTS);
            vec![]
        }
        Action::Failed(task, error) => failed(s, task, &error),
        other => nav::navigate(s, other),
    }
}

fn show(s: &mut State, screen: Screen) -> Vec<Effect> {
    s.ui.overlay = Overlay::None;
    let fleet_wide = matches!(screen, Screen::Users | Screen::Report);
    if !fleet_wide && s.user.view.is_none() && s.user.loading.is_none() {
        // Every other screen is about one user: open the one under the cursor.
        let Some(id) = s.selected_row().map(|r| r.summary.user_id.clone()) else {
            error(s, "no user to show yet");
            return vec![];
        };
        s.ui.screen = screen;
        return open_user(s, id);
    }
    s.ui.screen = screen;
    vec![]
}

/// Starts loading `id` as the selected user.
pub(super) fn open_user(s: &mut State, id: String) -> Vec<Effect> {
    if s.user.view.as_ref().is_some_and(|v| v.data().user_id == id) {
        // Already shown: a load of another user under way is no longer wanted.
        if s.user.loading.take().is_some() {
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
        s.users.cursor = pos;
    }
    // The last user stays in the view until this one arrives (or fails to).
    s.user.loading = Some(id.clone());
    start_loading(s, Task::User);
    let knowledge = KnowledgeParams::of(&s.session.policy);
    vec![Effect::LoadUser {
        user: id,
        knowledge,
    }]
}

fn refresh(s: &mut State) -> Vec<Effect> {
    // The report is read again too (when its screen is shown), from the store.
    s.report.computed_for = None;
    s.users.rows.clear();
    s.users.shown.clear();
    s.users.next_cursor = None;
    s.users.loaded_all = false;
    start_loading(s, Task::Users);
    let mut effects = vec![Effect::ForgetSnapshots, Effect::LoadUsers { cursor: None }];
    // With no user open, replay only starts loading the policy's tokenizer.
    effects.extend(replay(s));
    // The open user is read again; its last data stays on screen until the answer arrives.
    effects.extend(reload_user(s));
    effects
}

fn users_loaded(s: &mut State, page: crate::store::UserPage) -> Vec<Effect> {
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

/// Records the stores' health; while one is down, checks again with backoff (1 s doubling to
/// 30 s); when all are back, loads again what failed meanwhile.
fn health(s: &mut State, list: Vec<crate::store::Health>) -> Vec<Effect> {
    use super::state::{HEALTH_EVERY, MAX_BACKOFF, TICKS_PER_SECOND};
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
    let recovered = was_down && !down;
    if !recovered {
        return vec![];
    }
    info(s, "stores are back");
    let mut effects = Vec::new();
    if s.users.rows.is_empty() {
        start_loading(s, Task::Users);
        effects.push(Effect::LoadUsers { cursor: None });
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
        start_loading(s, Task::Stats);
        effects.push(Effect::ComputeStats {
            users: missing,
            policy: Box::new(s.session.baseline.clone()),
        });
    }
    effects
}

/// A failed task: the error in the status line. A store out of reach is marked down (its last
/// data stays on screen, and it is checked again with backoff); a failure about the data itself
/// (a missing user, a bad row) or any other cause marks nothing down.
fn failed(s: &mut State, task: Task, err: &TaskError) -> Vec<Effect> {
    done_loading(s, task);
    let down = err.unavailable_store();
    match task {
        Task::Health => s.status.health.checking = false,
        // Not again until the policies change or a refresh: the old summary stays.
        Task::Report => {
            s.report.running = None;
            s.report.computed_for = s.report.running_for.take();
        }
        Task::User => {
            let wanted = s.user.loading.take();
            if down.is_some() {
                s.status.health.failed_user = wanted;
                // Check the stores soon: the next health answer restarts the load when back.
                s.status.health.next_check = s.status.health.next_check.min(s.ui.tick + 1);
            }
        }
        _ => {}
    }
    if let Some(store) = down {
        let name = store.split_whitespace().next().unwrap_or(store);
        for st in s.status.stores.iter_mut().filter(|st| st.name == name) {
            st.up = false;
            st.last_error = Some(err.to_string());
        }
    }
    let shown = match s.user.view.as_ref() {
        Some(v) if task == Task::User => {
            format!("{task}: {err} · still showing {}", v.data().user_id)
        }
        _ => format!("{task}: {err}"),
    };
    error(s, &shown);
    vec![]
}

/// Replays the selected user: the baseline once, the tuned policy on every change. Waits for
/// a tokenizer that is still loading (items show "counting…").
pub(super) fn replay(s: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    for t in [s.session.baseline.tokenizer, s.session.policy.tokenizer] {
        if !s.session.ready.contains(&t) && s.session.warming.insert(t) {
            start_loading(s, Task::Tokenizer(t));
            effects.push(Effect::WarmTokenizer(t));
        }
    }
    let ready = |t: Tokenizer| s.session.ready.contains(&t);
    let (base_ready, tuned_ready) = (
        ready(s.session.baseline.tokenizer),
        ready(s.session.policy.tokenizer),
    );
    let engine = &s.session.engine;
    if let Some(v) = &mut s.user.view {
        if base_ready && v.baseline.is_none() {
            let base = v.user.assemble(engine, &s.session.baseline);
            v.findings = Some(v.user.findings(engine, &s.session.baseline, Some(&base)));
            v.baseline = Some(base);
        }
        v.tuned = if !tuned_ready {
            None
        } else if s.session.policy == s.session.baseline {
            v.baseline.clone()
        } else {
            Some(v.user.assemble(engine, &s.session.policy))
        };
    }
    effects
}

/// Applies a tuned policy and replays. A change to what the knowledge search asks for
/// (threshold, limit, milestone filter) loads the user again, since the store does the search.
pub(super) fn retune(s: &mut State, policy: Policy) -> Vec<Effect> {
    if policy.layers.len() != s.user.cursors.len() {
        s.user.cursors = vec![0; policy.layers.len()];
    }
    let refetch = KnowledgeParams::of(&policy) != KnowledgeParams::of(&s.session.policy);
    s.session.policy = policy;
    let mut effects = replay(s);
    if refetch {
        effects.extend(reload_user(s));
    }
    effects
}

/// Fetches the open user again (its knowledge search depends on the policy); the view stays
/// until the new load arrives.
fn reload_user(s: &mut State) -> Option<Effect> {
    let id = s.user.view.as_ref().map(|v| v.data().user_id.clone())?;
    s.user.loading = Some(id.clone());
    start_loading(s, Task::User);
    Some(Effect::LoadUser {
        user: id,
        knowledge: KnowledgeParams::of(&s.session.policy),
    })
}

pub(super) fn start_loading(s: &mut State, task: Task) {
    if !s.status.loading.contains(&task) {
        s.status.loading.push(task);
    }
}

fn done_loading(s: &mut State, task: Task) {
    s.status.loading.retain(|l| *l != task);
}

pub(super) fn info(s: &mut State, text: &str) {
    s.status.message = Some(Message {
        text: text.to_string(),
        error: false,
    });
}

pub(super) fn error(s: &mut State, text: &str) {
    s.status.message = Some(Message {
        text: text.to_string(),
        error: true,
    });
}

/// Marks a store up or down (the live-store loop reports health with this).
pub fn set_store(s: &mut State, status: StoreStatus) {
    match s.status.stores.iter_mut().find(|x| x.name == status.name) {
        Some(x) => *x = status,
        None => s.status.stores.push(status),
    }
}

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
pub(crate) mod tests;
