//! Everything that can happen in the app: key-bound actions (named in keymap TOML) and results of effects.

use serde::{Deserialize, Serialize};

use crate::engine::{Policy, Snapshot, Tokenizer};
use crate::store::{UserData, UserPage};

use super::task::{Task, TaskError};
use crate::store::ProgressEvent;

/// Per-user numbers for the users list, under one policy, as of the instant the list is counted
/// at ([`super::state::UsersState::stats_at`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserStats {
    pub tokens: usize,
    pub budget: u32,
    pub truncation_rate: f64,
    /// The milestone of then.
    pub milestone: Option<String>,
    /// The newest turn read (at or before the instant).
    pub last_activity: Option<chrono::DateTime<chrono::Utc>>,
}

/// A message on `progress:{user}` that could not be read as a progress event.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// The user its channel names; `None` when the channel names nobody (its name is not
    /// UTF-8): then it is no user's, shown only among every user's events.
    pub user: Option<String>,
    /// Why it could not be read (not JSON, a field missing), as the store said.
    pub why: String,
    /// The channel's name as shown when it names nobody (bytes escaped).
    pub nobodys_channel: Option<String>,
    /// When it arrived, by this machine's clock: it carries no time of its own that could be
    /// read, and the store's clock is not asked (Live marks the time as such).
    pub received: String,
}

impl Unreadable {
    /// What the store said of a message, received at `received`.
    pub fn of(bad: crate::store::BadEvent, received: String) -> Unreadable {
        Unreadable {
            user: bad.user,
            why: bad.why,
            nobodys_channel: bad.nobodys_channel,
            received,
        }
    }
}

/// Defines [`Action`] once: the bindable actions in help order, each with its help line (also
/// its doc), then the actions only the app makes (input, results of effects), never bound.
macro_rules! actions {
    (
        bindable { $( $b:ident => $help:literal, )* }
        made { $( $(#[$m:meta])* $r:ident $( ( $($t:ty),* ) )?, )* }
    ) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $( #[doc = $help] $b, )*
            $( $(#[$m])* #[serde(skip)] $r $( ( $($t),* ) )?, )*
        }

        impl Action {
            /// Every bindable action in help order, with its help line.
            pub const BINDABLE: &'static [(Action, &'static str)] = &[ $( (Action::$b, $help), )* ];
        }
    };
}

actions! {
    bindable {
        Help => "this help",
        Close => "close the overlay (as a pager does); without one, quit",
        Quit => "quit",
        ShowUsers => "users screen",
        ShowLayers => "layers screen",
        ShowBudget => "budget screen",
        ShowJourney => "journey screen",
        ShowTune => "tune screen",
        ShowPrompt => "prompt screen",
        ShowLive => "live screen",
        ShowReport => "fleet report screen",
        Filter => "filter or search",
        Palette => "command palette",
        Select => "open / edit",
        Back => "close / back",
        Up => "up",
        Down => "down",
        Left => "left / lower value / scroll left",
        Right => "right / raise value / scroll right",
        Top => "top",
        Bottom => "bottom",
        PageUp => "page up",
        PageDown => "page down",
        NextPane => "next layer or pane",
        PrevPane => "previous layer or pane",
        CycleSort => "cycle sort",
        Increase => "raise value",
        Decrease => "lower value",
        ResetTuning => "reset tuning",
        NextMatch => "next match",
        PrevMatch => "previous match",
        Yank => "copy to the clipboard",
        ToggleTuned => "tuned policy's figures",
        ToggleDiff => "diff tuned vs baseline",
        ToggleAll => "every user's events",
        Pause => "pause or resume",
        Refresh => "reload from the store",
        ToggleTokens => "item: its text cut into tokens",
        ToggleTokenIds => "item: token ids",
        Explain => "knowledge row: why it was (not) used, gate by gate",
        Earlier => "time travel: the user as of the moment before",
        Later => "time travel: the moment after (past the last, now)",
        Present => "time travel: back to now (to T first under tui --at T)",
        Optimize => "tune: search the fleet for a policy meeting the targets",
    }
    made {
        /// A key typed into the active input line.
        Input(InputKey),
        /// Text pasted into the terminal (bracketed paste): typed into the open input line,
        /// never read as keys.
        Paste(String),
        /// A mouse click at (column, row).
        Click(u16, u16),
        /// Mouse wheel: true for up.
        Scroll(bool),
        /// The terminal was resized.
        Resize(u16, u16),
        /// The keys of a sequence typed so far (`g` of `g g`), or none: shown until it ends.
        KeysPending(String),
        /// A burst of keys taken in before one frame ended: what it held back is done now.
        BurstEnded,
        /// Time passed (spinner, countdowns, demo events).
        Tick,
        /// A page of users arrived.
        /// A page of users, and the cursor it was asked for (`None`: the first).
        UsersLoaded(Option<String>, UserPage),
        /// The selected user's data and snapshot arrived.
        /// With the knowledge search and query it was read with: one since asked otherwise
        /// is stale.
        /// Its load's number first: the answer of a load since superseded is stale.
        UserLoaded(Box<(u64, UserData, Snapshot, crate::store::KnowledgeParams, Option<String>)>),
        /// The selected user's load (its number) failed: said only when it is still the last
        /// asked, so a late failure of a superseded load cannot end the newer one.
        UserFailed(u64, TaskError),
        /// Users' numbers for the list (under the tuned policy: `true`) as of an instant (`None`:
        /// now), the users whose load failed (with why), and the outage that stopped the count
        /// (the users after it are not counted).
        StatsComputed(bool, Option<chrono::DateTime<chrono::Utc>>, Vec<(String, Result<UserStats, String>)>, Option<crate::app::task::TaskError>),
        /// A tokenizer's vocabulary is loaded.
        TokenizerReady(Tokenizer),
        /// A policy was read (from the file or preset named).
        PolicyLoaded(Box<Policy>, String),
        /// A policy could not be read (the file or preset named, and why).
        PolicyFailed(String, String),
        /// The tuned policy was written to this path.
        Saved(String),
        /// A `progress:{user}` event arrived.
        Progress(ProgressEvent),
        /// A message on a progress channel that is not a progress event arrived.
        ProgressUnreadable(Unreadable),
        /// A fleet report finished: its run number and summary.
        ReportReady(u64, Box<crate::report::Summary>),
        /// A knowledge row explained (`:explain ROW`).
        Explained(Box<crate::engine::explain::Explanation>),
        /// Two contexts compared (`:diff`).
        Compared(Box<super::diff_view::Compared>),
        /// How an optimizer search goes (its number): the last one says it ended.
        OptimizeProgress(u64, Box<crate::optimize::run::Progress>),
        /// The stores' health, from a check.
        Health(Vec<crate::store::Health>),
        /// A task failed: which, and why (an unreachable store is marked down; a missing user or
        /// bad data is not an outage).
        Failed(Task, TaskError),
    }
}

/// A key for an input line (or a prompt waiting for an answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    /// Start of line (home, ctrl-a).
    Home,
    /// End of line (end, ctrl-e).
    End,
    /// A word back or on (alt-b, alt-f, ctrl-←/→).
    WordLeft,
    WordRight,
    /// Delete the word before the cursor (ctrl-w, alt-backspace).
    DeleteWord,
    /// Delete to the start of the line (ctrl-u).
    DeleteToStart,
    /// Delete to the end of the line (ctrl-k).
    DeleteToEnd,
    Tab,
    Enter,
    Esc,
    Up,
    Down,
}

impl Action {
    /// Whether a person did this (a key, a paste, the mouse), not time or a task.
    pub fn by_person(&self) -> bool {
        matches!(
            self,
            Action::Input(_) | Action::Paste(_) | Action::Click(..) | Action::Scroll(_)
        ) || Action::BINDABLE.iter().any(|(a, _)| a == self)
    }

    /// The help line of a bindable action (empty for the others).
    pub fn describe(&self) -> &'static str {
        Action::BINDABLE
            .iter()
            .find(|(a, _)| a == self)
            .map_or("", |(_, help)| help)
    }

    /// Where a bindable action stands in help (the others after them).
    pub fn help_rank(&self) -> usize {
        Action::BINDABLE
            .iter()
            .position(|(a, _)| a == self)
            .unwrap_or(Action::BINDABLE.len())
    }
}
