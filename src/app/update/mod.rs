//! `update`: the only place state changes. Synchronous; I/O is returned as effects.

mod command;
mod compare;
mod input;
mod layers;
mod nav;
mod open;
mod optimize;
mod screen;
mod status;
mod time;
mod user;
mod users;
mod yank;

pub use command::COMMANDS;

/// Characters of a `:query` its message and the explain overlay show (about three lines).
pub const QUERY_SHOWN: usize = 300;

pub use compare::asked;
pub use input::{QuitAnswer, quit_answer};
pub use layers::{LayerRow, layer_rows, selected_row, shown_rows};
pub use nav::{
    PromptRows, current_match, live_shown, match_scroll, prompt_area, prompt_lines, prompt_rows,
    search_hits, search_lines,
};
use open::open_user;
pub use optimize::candidates;
use screen::show;
pub use status::set_store;
use user::retune;
pub use users::{row_then, shown_stats};

use super::action::Action;
use super::state::{MESSAGE_SECONDS, Message, Screen, State, TICKS_PER_SECOND};
use super::task::{Task, TaskError};
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
        /// Its number (`UserState::load`): its answer says it, so a superseded one is dropped.
        load: u64,
        user: String,
        knowledge: KnowledgeParams,
        /// Search knowledge with this text instead of the newest user turn (`:query`).
        query: Option<String>,
        /// Load the user as of this instant (time travel); `None`: now.
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Replay these users under a policy for the users list (the tuned one: `tuned`), loaded
    /// as of `at` (`None`: now), the instant the open user is shown as of.
    ComputeStats {
        users: Vec<String>,
        policy: Box<Policy>,
        tuned: bool,
        at: Option<chrono::DateTime<chrono::Utc>>,
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
        /// `--redact`: what the run names of the users' data is masked as it is named.
        redact: bool,
    },
    /// Drop the snapshots kept for reports (a reload reads the stores again).
    ForgetSnapshots,
    /// Search the fleet for the policy that meets the targets, from `baseline` (search `id`),
    /// telling how it goes.
    RunOptimize {
        id: u64,
        baseline: Box<Policy>,
        trials: usize,
    },
    /// Stop search `id` (it answers with the best so far).
    StopOptimize(u64),
    /// Put this text (already made inert) on the terminal's clipboard (OSC 52).
    Clipboard(String),
    /// Load two contexts and compare them (`:diff`).
    Compare(Box<CompareRequest>),
    /// Find the knowledge row `arg` names, score it against the user's query and explain it
    /// under `policy` (`:explain`).
    ExplainRow {
        user: Box<crate::loaded::Loaded>,
        policy: Box<Policy>,
        arg: String,
    },
}

/// One side of a `:diff`: a user (the open one as shown, or one to read now), the policy and
/// query it is replayed with, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSide {
    pub user: String,
    pub policy: Policy,
    pub query: Option<String>,
    pub label: String,
    /// The open user as shown: compared as loaded, not read from the store again (so both
    /// sides of baseline → tuned are the same data, at the same clock).
    pub loaded: Option<Box<crate::loaded::Loaded>>,
    /// The instant a side read from the store is read as of (`None`: now).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// The clock a side read from the store is replayed at (`None`: as read): another user is
    /// compared at the open user's clock, so the seconds between the two reads are no change.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// What `:diff` compares; `redact` masks what is shown, as everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    pub a: CompareSide,
    pub b: CompareSide,
    pub redact: bool,
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
            Effect::RunOptimize { .. } | Effect::StopOptimize(_) => Task::Optimize,
            Effect::Clipboard(_) => Task::Terminal,
            Effect::Compare(_) => Task::Compare,
            Effect::ExplainRow { .. } => Task::Explain,
        }
    }

    /// What says this effect failed, and why: a user's load says which load it was.
    pub fn failure(&self) -> impl FnOnce(TaskError) -> Action + Send + 'static {
        let task = self.task();
        let load = match self {
            Effect::LoadUser { load, .. } => Some(*load),
            _ => None,
        };
        move |error| match load {
            Some(load) => Action::UserFailed(load, error),
            None => Action::Failed(task, error),
        }
    }
}

/// Applies `action` to `s` and returns the effects to run.
/// Whether `action`, in a burst of keys, leaves a held replay held: a step of a Tune field (it
/// only moves the tuned policy on) or the keys of a sequence shown.
fn held_on(s: &State, action: &Action) -> bool {
    s.ui.burst
        && match action {
            Action::KeysPending(_) => true,
            Action::Left | Action::Right | Action::Increase | Action::Decrease => {
                s.ui.screen == Screen::Tune
                    && s.ui.overlay == crate::app::state::Overlay::None
                    && s.ui.input.is_none()
            }
            _ => false,
        }
}

pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    // A message answers the last thing done: the next thing a person does clears it (unless it
    // sets its own), so no message outlives what it was about.
    let before = action
        .by_person()
        .then(|| s.status.message.clone())
        .flatten();
    // An overlay computed under a policy (a diff, an explanation) is not left showing the
    // figures of a policy no longer in use.
    let computed = |s: &State| match s.ui.overlay {
        crate::app::state::Overlay::Diff { .. } => Some("diff"),
        crate::app::state::Overlay::Explain { .. } => Some("explanation"),
        _ => None,
    };
    // (The clock's ticks change no policy: nothing to hold for them.)
    let under = computed(s)
        .filter(|_| action != Action::Tick)
        .map(|_| (s.session.policy.clone(), s.session.baseline.clone()));
    // An error shown (boxed above the status bar when long) is what esc closes first, as an
    // overlay: the screen under it stays.
    if action == Action::Back && s.status.message.as_ref().is_some_and(|m| m.error) {
        s.status.message = None;
        return vec![];
    }
    // `r`'s question is about the tuning as it was asked: anything else a person does first
    // (another key, a new change, another screen) takes the question back.
    if action.by_person() && action != Action::ResetTuning {
        s.tune.reset_asked = None;
    }
    // A replay held back in a burst is made before anything that could read it: all but the
    // burst's next step of the same kind.
    let mut effects = if s.user.replay_held.is_some() && !held_on(s, &action) {
        user::release_held(s)
    } else {
        Vec::new()
    };
    effects.extend(apply(s, action));
    if before.is_some() && s.status.message == before {
        s.status.message = None;
    }
    if let (Some((policy, baseline)), Some(what)) = (under, computed(s))
        && (policy != s.session.policy || baseline != s.session.baseline)
    {
        s.ui.overlay = crate::app::state::Overlay::None;
        info(
            s,
            &format!(
                "the policy changed: the {what} shown was computed under the one before, so it \
                 is closed (:diff or e again for this one)"
            ),
        );
    }
    // However the Budget screen was opened (a key, a click, the palette), its margins are there.
    user::margins_due(s);
    effects.extend(users::count_again_if_moved(s));
    effects.extend(report_if_stale(s));
    effects.extend(optimize::stop_if_left(s));
    effects
}

/// While the Report screen is shown, a summary computed for other policies (or none) is
/// computed again, one run at a time.
fn report_if_stale(s: &mut State) -> Vec<Effect> {
    // While a store is down a run would fail: it runs when the stores are back.
    let down = s.status.stores.iter().any(|st| !st.up);
    if s.ui.screen != Screen::Report || s.report.running.is_some() || down {
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
    // The baseline named with the flags given at launch; the candidate `{baseline}-tuned`
    // when tuned, so its line tells it from the baseline's, else the baseline itself.
    let baseline = crate::app::tune::report_baseline(&wanted.1);
    let candidate = if s.modified() {
        crate::app::tune::saved_policy(&s.session)
    } else {
        baseline.clone()
    };
    vec![Effect::RunReport {
        id: s.report.runs,
        candidate: Box::new(candidate),
        baseline: Box::new(baseline),
        redact: s.ui.redact,
    }]
}

fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    // `q` closes an overlay as a pager does (help, an item, a diff, the optimizer), else quits;
    // the optimizer's at once, a search under way stopped as leaving the overlay stops it (`esc`
    // is the key that stops it and keeps the overlay open).
    if action == Action::Close && s.ui.overlay == crate::app::state::Overlay::Optimize {
        s.ui.overlay = crate::app::state::Overlay::None;
        return optimize::stop_if_left(s);
    }
    let action = match action {
        Action::Close if s.ui.overlay != crate::app::state::Overlay::None => Action::Back,
        Action::Close => Action::Quit,
        a => a,
    };
    if let Some(effects) = optimize::overlay_keys(s, &action) {
        return effects;
    }
    match action {
        Action::Input(key) => input::key(s, key),
        Action::Paste(text) => input::paste(s, &text),
        // On the list, esc first clears its filter (as the list says).
        Action::Back
            if s.ui.overlay == crate::app::state::Overlay::None
                && s.ui.screen == Screen::Users
                && !s.users.filter.is_empty() =>
        {
            s.users.filter.clear();
            users::reshow_users(s);
            vec![]
        }
        Action::Quit
        | Action::Tick
        | Action::Resize(..)
        | Action::KeysPending(..)
        | Action::BurstEnded
        | Action::Help
        | Action::Palette
        | Action::Filter
        | Action::Back
        | Action::Progress(_)
        | Action::ProgressUnreadable(_)
        | Action::ShowUsers
        | Action::ShowLayers
        | Action::ShowBudget
        | Action::ShowJourney
        | Action::ShowTune
        | Action::ShowPrompt
        | Action::ShowLive
        | Action::ShowReport
        | Action::ToggleAll
        | Action::Pause => screen::apply(s, action),
        // A count stopped by an outage: the rows counted are taken, the store is marked down
        // and said so; the rows not counted show it and are counted when it is back.
        Action::StatsComputed(tuned, at, stats, Some(outage)) => {
            let mut effects = users::apply(s, Action::StatsComputed(tuned, at, stats, None));
            effects.extend(status::failed(s, Task::Stats, &outage));
            effects
        }
        Action::UsersLoaded(..) | Action::StatsComputed(..) | Action::ToggleTuned => {
            users::apply(s, action)
        }
        Action::Yank => yank::yank(s),
        Action::Earlier | Action::Later | Action::Present => time::travel(s, &action),
        Action::ToggleTokens | Action::ToggleTokenIds => toggle_tokens(s, &action),
        Action::UserLoaded(_)
        | Action::TokenizerReady(_)
        | Action::PolicyLoaded(..)
        | Action::ResetTuning
        | Action::Refresh => user::apply(s, action),
        Action::Health(_) | Action::Failed(..) | Action::PolicyFailed(..) | Action::Saved(_) => {
            status::apply(s, action)
        }
        // A superseded load's failure is not the newer one's (nor is its spinner ended).
        Action::UserFailed(load, _) if load != s.user.load => vec![],
        Action::UserFailed(_, error) => status::failed(s, Task::User, &error),
        Action::Compared(c) => compare::arrived(s, c),
        Action::Explain => compare::explain_selected(s),
        Action::Explained(e) => compare::explained(s, e),
        Action::Optimize => optimize::start(s),
        Action::OptimizeProgress(id, progress) => optimize::progress(s, id, progress),
        Action::ReportReady(id, summary) => report_ready(s, id, summary),
        other => nav::navigate(s, other),
    }
}

/// `T` (the item's text cut into tokens) and `i` (with their ids, which turns the tokens on).
fn toggle_tokens(s: &mut State, action: &Action) -> Vec<Effect> {
    // Tokens show in an item's detail: without one open, said, not a silent no-op.
    if !matches!(s.ui.overlay, crate::app::state::Overlay::Item { .. }) {
        info(
            s,
            "T and i show an item's text cut into tokens, in its detail: enter opens the item first",
        );
        return vec![];
    }
    if *action == Action::ToggleTokenIds {
        s.ui.tokens.ids = !s.ui.tokens.ids;
        s.ui.tokens.on |= s.ui.tokens.ids;
        return vec![];
    }
    // An unreadable row's overlay has no text to cut: said, not a silent no-op.
    if let (crate::app::state::Overlay::Item { .. }, Some((name, _))) =
        (&s.ui.overlay, layers::selected_unreadable(s))
    {
        error(
            s,
            &format!(
                "T: {} could not be read; it has no text to cut into tokens",
                crate::text::inert_line(&name)
            ),
        );
        return vec![];
    }
    s.ui.tokens.on = !s.ui.tokens.on;
    s.ui.tokens.ids &= s.ui.tokens.on;
    vec![]
}

/// A fleet report arrived: shown if it is the run under way (masked under --redact), else
/// dropped (a later run replaced it).
fn report_ready(s: &mut State, id: u64, mut summary: Box<crate::report::Summary>) -> Vec<Effect> {
    if s.report.running == Some(id) {
        if s.ui.redact {
            summary.mask(&s.session.engine.milestones);
        }
        done_loading(s, Task::Report);
        s.report.running = None;
        // No user could be read this time (a table gone, every key refused): the last figures
        // stay, said to be the last read, with why.
        if summary.users == 0 && summary.errors.count > 0 && s.report.summary.is_some() {
            // Not run again by itself: a table gone is no outage the health check ends.
            s.report.computed_for = s.report.running_for.take();
            s.report.failed = Some(format!(
                "none of {} read: {}",
                crate::text::count(summary.errors.count, "user", "users"),
                summary.errors.first.first().map_or("", String::as_str)
            ));
            return vec![];
        }
        s.report.computed_for = s.report.running_for.take();
        s.report.shown_for = s.report.computed_for.clone();
        s.report.summary = Some(summary);
        s.report.failed = None;
    }
    vec![]
}

/// The cursor after a movement over `n` rows, `page` rows to a page.
pub(super) fn moved(cursor: usize, n: usize, action: &Action, page: usize) -> usize {
    let last = n.saturating_sub(1);
    match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => cursor.saturating_sub(page.max(1)),
        Action::PageDown => (cursor + page.max(1)).min(last),
        _ => cursor.min(last),
    }
}

/// Rows of a full-height table on this screen size.
pub(super) fn page(s: &State) -> usize {
    super::layout::table_rows(super::layout::Areas::new(s.ui.size).body)
}

pub(super) fn start_loading(s: &mut State, task: Task) {
    s.status.loading.start(task, s.ui.tick);
}

pub(super) fn done_loading(s: &mut State, task: Task) {
    s.status.loading.done(task);
}

pub(super) fn info(s: &mut State, text: &str) {
    s.status.message = Some(Message {
        text: text.to_string(),
        error: false,
        until: s.ui.tick + MESSAGE_SECONDS * TICKS_PER_SECOND,
    });
}

/// An error stays twice as long as a message.
pub(super) fn error(s: &mut State, text: &str) {
    s.status.message = Some(Message {
        text: text.to_string(),
        error: true,
        until: s.ui.tick + 2 * MESSAGE_SECONDS * TICKS_PER_SECOND,
    });
}

#[cfg(test)]
mod command_tests;
#[cfg(test)]
mod deadline_tests;
#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod habit_tests;
#[cfg(test)]
pub(crate) mod optimize_tests;
#[cfg(test)]
mod paste_tests;
#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod screen_key_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod users_tests;
