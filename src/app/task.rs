//! The work the loop does on tasks, by name: what the status line shows while it runs and names
//! when it fails, and how it failed (a store's typed error, or another cause).

use std::fmt;

use crate::engine::Tokenizer;
use crate::store::StoreError;

/// A kind of background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    /// A page of the users list.
    Users,
    /// The selected user.
    User,
    /// The users list's numbers.
    Stats,
    /// A tokenizer's vocabulary.
    Tokenizer(Tokenizer),
    /// A policy file.
    Policy,
    /// Writing the tuned policy.
    Save,
    /// A store health check.
    Health,
    /// The fleet report.
    Report,
    /// The optimizer's search.
    Optimize,
    /// The progress subscription.
    Progress,
    /// Reading the terminal.
    Terminal,
    /// Two contexts compared (`:diff`).
    Compare,
    /// A knowledge row found and scored (`:explain`).
    Explain,
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Users => f.write_str("users"),
            Task::User => f.write_str("user"),
            Task::Stats => f.write_str("stats"),
            Task::Tokenizer(t) => write!(f, "tokenizer {t}"),
            Task::Policy => f.write_str("policy"),
            Task::Save => f.write_str("save"),
            Task::Health => f.write_str("health"),
            Task::Report => f.write_str("report"),
            Task::Optimize => f.write_str("optimizer"),
            Task::Progress => f.write_str("progress channel"),
            Task::Terminal => f.write_str("terminal"),
            Task::Compare => f.write_str("diff"),
            Task::Explain => f.write_str("explain"),
        }
    }
}

/// The tasks under way, each with the app clock's tick it started at (the status line says how
/// long one has waited, so a store that answers its health check but not its queries shows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loading(Vec<(Task, u64)>);

impl Loading {
    /// `tasks` under way since tick 0.
    pub fn of(tasks: &[Task]) -> Self {
        Loading(tasks.iter().map(|t| (*t, 0)).collect())
    }

    pub fn contains(&self, task: &Task) -> bool {
        self.0.iter().any(|(t, _)| t == task)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `task` under way from `tick`; one already under way keeps its start.
    pub fn start(&mut self, task: Task, tick: u64) {
        if !self.contains(&task) {
            self.0.push((task, tick));
        }
    }

    pub fn done(&mut self, task: Task) {
        self.0.retain(|(t, _)| *t != task);
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Each task under way and the tick it started at, in the order they started.
    pub fn iter(&self) -> impl Iterator<Item = (Task, u64)> + '_ {
        self.0.iter().copied()
    }
}

/// Why a task failed.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskError {
    /// A store's answer: an outage marks that store down; a missing user or bad data does not.
    Store(StoreError),
    /// Anything else (a file, a policy, a panic caught at the task boundary).
    Other(String),
}

impl TaskError {
    /// The store that is out of reach, if this is an outage.
    pub fn unavailable_store(&self) -> Option<&str> {
        match self {
            TaskError::Store(e) => e.unavailable_store(),
            TaskError::Other(_) => None,
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Store(e) => e.fmt(f),
            TaskError::Other(m) => f.write_str(m),
        }
    }
}

impl From<StoreError> for TaskError {
    fn from(e: StoreError) -> Self {
        TaskError::Store(e)
    }
}

impl From<String> for TaskError {
    fn from(m: String) -> Self {
        TaskError::Other(m)
    }
}
