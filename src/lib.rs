//! ctxlens: a terminal inspector for layered LLM context systems.
//!
//! - `engine`: the context system itself: snapshots, policies, tokenizers, milestones, assembly,
//!   the one diff, redaction and key names. Its own crate (`crates/ctxlens-engine`, re-exported
//!   here as `engine`), so the compiler keeps it pure: it depends on no runtime, store client,
//!   terminal or command line, and cannot name anything of this crate.
//! - `store`: where snapshots come from: the `Store` trait and its errors; `MemoryStore` over a
//!   dataset; `LiveStore` over Redis and Postgres (+pgvector), with key ownership, the knowledge
//!   search and per-row decoding; `seed`/`migrate`, the only writers; the query embedder.
//! - `demo`: the embedded demo dataset, its deterministic generator, synthetic and hostile fleets.
//! - `graph`: the milestone DAG laid out as text (layers, ordering, routed edges), for the TUI's
//!   Journey screen and `ctxlens graph` alike.
//! - `findings`: anomalies in one user's stored data (TTLs, oversize sessions, cache drift).
//! - `loaded`: one user as loaded and what a person may see of it (`--redact` masks it here, once).
//! - `knowledge_row`: the knowledge row a person names, found and scored against a user's query.
//! - `token_cache`: the persistent token-count cache on disk (hashes and counts, never text).
//! - `report`: the fleet what-if report: metrics over every user, streamed (bounded memory).
//! - `optimize`: searches the policy space against the fleet targets by replaying a loaded fleet.
//! - `cli`: the non-interactive subcommands, their output formats, completions and the manual.
//! - `app`: the TUI's state, actions and `update` (Elm architecture): plain data, no I/O.
//! - `tui`: the TUI's loop: the terminal, signals, and the effects `update` asks for, run on tasks.
//! - `ui`: rendering, pure functions of app state and a theme.
//! - `text`: text as a person reads it: stored text made inert for a terminal, previews.
//! - `files`: a file a person named, read only when it is a regular file, up to a bound.
//! - `config`: the config file (milestone map, stores, tables), from `--config` or the XDG dir.
//!
//! Dependencies point one way, down these layers: `cli` → `tui` → `ui` → `app` → `optimize` →
//! `knowledge_row` → (`loaded`, `report`) → (`config`, `demo`, `findings`) → (`store`,
//! `token_cache`, `graph`) → (`engine`, `text`, `files`). A module imports only modules of layers to its
//! right, none of its own layer. `tests/architecture.rs` checks it against the same list: no
//! module imports against the layers, no two modules of this crate or of the engine's import each
//! other at any depth (a name a module brings in with `use` and re-exports, or lets its children
//! name, as `super::Selection`, counts as naming the module that defines it), and the engine
//! crate's dependency tree holds none of tokio, redis, sqlx, ratatui, crossterm or clap.

/// `eprintln!` that never panics: a line to a stderr that cannot be written (a full disk, a
/// closed pipe) is lost, not the process (`eprintln!` panics there, and a panic while the exit
/// is said would abort).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub use ctxlens_engine as engine;
pub mod files;
pub mod findings;
pub mod graph;
pub mod knowledge_row;
pub mod loaded;
pub mod optimize;
pub mod report;
pub mod store;
pub mod text;
pub mod token_cache;
pub mod tui;
pub mod ui;
