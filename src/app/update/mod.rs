//! `update`: the only place state changes. Synchronous; I/O is returned as effects.

mod input;
mod nav;
mod screen;
mod status;
mod user;
mod users;

pub use input::COMMANDS;
pub use nav::{LayerRow, layer_len, layer_rows, search_lines};
use screen::show;
pub use status::set_store;
use user::{open_user, retune};

use super::action::Action;
use super::state::{Message, Screen, State};
use super::task::Task;
use crate::engine::{Policy, Tokenizer};
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
        Action::Input(key) => input::key(s, key),
        Action::Quit
        | Action::Tick
        | Action::Resize(..)
        | Action::Help
        | Action::Palette
        | Action::Filter
        | Action::Back
        | Action::Progress(_)
        | Action::ShowUsers
        | Action::ShowLayers
        | Action::ShowBudget
        | Action::ShowJourney
        | Action::ShowTune
        | Action::ShowPrompt
        | Action::ShowLive
        | Action::ShowReport => screen::apply(s, action),
        Action::UsersLoaded(_) | Action::StatsComputed(_) => users::apply(s, action),
        Action::UserLoaded(_)
        | Action::TokenizerReady(_)
        | Action::PolicyLoaded(..)
        | Action::ResetTuning
        | Action::Refresh => user::apply(s, action),
        Action::Health(_) | Action::Failed(..) | Action::Saved(_) => status::apply(s, action),
        Action::ReportReady(id, summary) => {
            if s.report.running == Some(id) {
                done_loading(s, Task::Report);
                s.report.running = None;
                s.report.computed_for = s.report.running_for.take();
                s.report.summary = Some(summary);
            }
            vec![]
        }
        other => nav::navigate(s, other),
    }
}

pub(super) fn start_loading(s: &mut State, task: Task) {
    if !s.status.loading.contains(&task) {
        s.status.loading.push(task);
    }
}

pub(super) fn done_loading(s: &mut State, task: Task) {
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

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
pub(crate) mod tests;
