//! The TUI's state machine (Elm architecture): plain-data state, actions, and `update`, which
//! returns effects for the loop (`crate::tui`) to run. Nothing here does I/O.

pub mod action;
pub mod budget_view;
pub mod diff_view;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod live_view;
pub use crate::engine::linediff as prompt_diff;
pub mod report_view;
pub mod state;
pub mod task;
pub mod token_view;
pub mod tune;
pub mod update;

pub use action::Action;
pub use state::{Screen, State};
pub use task::{Task, TaskError};
pub use update::{CompareRequest, CompareSide, Effect, update};
