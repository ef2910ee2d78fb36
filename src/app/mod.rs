//! The TUI's state machine (Elm architecture): state, actions, `update`, effects and the event loop.

pub mod action;
pub mod diff;
pub mod keymap;
pub mod layout;
pub mod run;
pub mod signals;
pub mod state;
pub mod tune;
pub mod update;

pub use action::Action;
pub use state::{Screen, State};
pub use update::{Effect, update};
