//! ctxlens: a terminal inspector for layered LLM context systems.
//!
//! - `engine`: the context system itself: policies, tokenizers, milestones, assembly (pure, no I/O).
//! - `store`: where snapshots come from: the `Store` trait and `MemoryStore` over the demo.
//! - `demo`: the embedded demo dataset and its deterministic generator.
//! - `findings`: anomalies in one user's stored data (TTLs, oversize sessions, cache drift).
//! - `loaded`: one user as loaded and what a person may see of it (`--redact` masks it here, once).
//! - `report`: the fleet what-if report: metrics over every user, streamed (bounded memory).
//! - `cli`: the non-interactive subcommands and their output formats.
//! - `app`: the TUI's state, actions and `update` (Elm architecture): plain data, no I/O.
//! - `tui`: the TUI's loop: the terminal, signals, and the effects `update` asks for, run on tasks.
//! - `ui`: rendering, pure functions of app state and a theme.
//! - `text`: text as a person reads it: stored text made inert for a terminal, previews.
//! - `config`: the config file (milestone map), from `--config` or the XDG config dir.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod engine;
pub mod findings;
pub mod loaded;
pub mod report;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
