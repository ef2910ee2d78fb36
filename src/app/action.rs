//! Everything that can happen in the app: key-bound actions (named in keymap TOML) and results of effects.

use serde::{Deserialize, Serialize};

use crate::engine::{Policy, Snapshot, Tokenizer};
use crate::store::{UserData, UserPage};

use super::task::{Task, TaskError};
use crate::store::ProgressEvent;

/// Per-user numbers for the users list, under the baseline policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UserStats {
    pub tokens: usize,
    pub budget: u32,
    pub truncation_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Quit ctxlens.
    Quit,
    /// Show the users screen.
    ShowUsers,
    /// Show the selected user's layers.
    ShowLayers,
    /// Show the budget gauges.
    ShowBudget,
    /// Show the milestone graph.
    ShowJourney,
    /// Show the tuning screen.
    ShowTune,
    /// Show the assembled prompt.
    ShowPrompt,
    /// Show live events and the cached context.
    ShowLive,
    /// Show the fleet report: the tuned policy against the baseline over every user.
    ShowReport,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Move left, or lower the value in Tune.
    Left,
    /// Move right, or raise the value in Tune.
    Right,
    /// Jump to the top.
    Top,
    /// Jump to the bottom.
    Bottom,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Next pane.
    NextPane,
    /// Previous pane.
    PrevPane,
    /// Open the selection: a user, an item, a field to edit.
    Select,
    /// Close the overlay, detail or input.
    Back,
    /// Filter users, or search the prompt or help.
    Filter,
    /// Open the command palette (:user, :policy, :theme, :set, :w).
    Palette,
    /// Show the keys.
    Help,
    /// Cycle the users sort order.
    CycleSort,
    /// Raise the selected Tune value.
    Increase,
    /// Lower the selected Tune value.
    Decrease,
    /// Reset tuning to the baseline policy.
    ResetTuning,
    /// Next search match.
    NextMatch,
    /// Previous search match.
    PrevMatch,
    /// Reload users and the selected user from the store.
    Refresh,

    // Not bindable: input and results of effects.
    /// A key typed into the active input line.
    #[serde(skip)]
    Input(InputKey),
    /// A mouse click at (column, row).
    #[serde(skip)]
    Click(u16, u16),
    /// Mouse wheel: true for up.
    #[serde(skip)]
    Scroll(bool),
    /// The terminal was resized.
    #[serde(skip)]
    Resize(u16, u16),
    /// Time passed (spinner, countdowns, demo events).
    #[serde(skip)]
    Tick,
    #[serde(skip)]
    UsersLoaded(UserPage),
    #[serde(skip)]
    UserLoaded(Box<(UserData, Snapshot)>),
    /// Users' numbers for the list, and the users whose load failed (with why).
    #[serde(skip)]
    StatsComputed(Vec<(String, Result<UserStats, String>)>),
    #[serde(skip)]
    TokenizerReady(Tokenizer),
    #[serde(skip)]
    PolicyLoaded(Box<Policy>, String),
    #[serde(skip)]
    Saved(String),
    #[serde(skip)]
    Progress(ProgressEvent),
    /// A fleet report finished: its run number and summary.
    #[serde(skip)]
    ReportReady(u64, Box<crate::report::Summary>),
    /// The stores' health, from a check.
    #[serde(skip)]
    Health(Vec<crate::store::Health>),
    /// A task failed: which, and why (an unreachable store is marked down; a missing user or
    /// bad data is not an outage).
    #[serde(skip)]
    Failed(Task, TaskError),
}

/// A key for an input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    Char(char),
    Backspace,
    Enter,
    Esc,
    Up,
    Down,
}

impl Action {
    /// The help line for a bindable action.
    pub fn describe(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ShowUsers => "users screen",
            Action::ShowLayers => "layers screen",
            Action::ShowBudget => "budget screen",
            Action::ShowJourney => "journey screen",
            Action::ShowTune => "tune screen",
            Action::ShowPrompt => "prompt screen",
            Action::ShowLive => "live screen",
            Action::ShowReport => "fleet report screen",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left / lower value",
            Action::Right => "right / raise value",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::Select => "open / edit",
            Action::Back => "close / back",
            Action::Filter => "filter or search",
            Action::Palette => "command palette",
            Action::Help => "this help",
            Action::CycleSort => "cycle sort",
            Action::Increase => "raise value",
            Action::Decrease => "lower value",
            Action::ResetTuning => "reset tuning",
            Action::NextMatch => "next match",
            Action::PrevMatch => "previous match",
            Action::Refresh => "reload from the store",
            _ => "",
        }
    }
}
