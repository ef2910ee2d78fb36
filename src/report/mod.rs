//! The fleet what-if report: every user replayed under a candidate policy (and a baseline),
//! summed up as seed 003's monitoring table, seed 000's ContextMetrics, a per-milestone
//! breakdown and the users a change affects most.
//!
//! The metrics part is pure: [`UserOutcome::of`] boils one user's assemblies down to a few
//! numbers, [`Tally`] adds outcomes up in memory that does not grow with the number of users
//! (token distributions are exact histograms keyed by token count, the most-affected list is a
//! bounded heap), and [`Tally::summary`] computes the figures. [`run`] feeds it from a store.

pub mod catch;
mod cells;
mod changes;
mod dead;
pub mod dupes;
pub mod format;
pub mod knowledge;
mod outcome;
pub mod run;
pub mod source;
mod summary;
mod tally;

pub use outcome::*;
pub use summary::*;
pub use tally::*;

/// Seed 003's targets.
pub const AVG_TOKENS_TARGET: f64 = 2500.0;
pub const STATIC_SHARE_TARGET: (f64, f64) = (0.20, 0.40);
pub const RAG_HIT_TARGET: f64 = 0.80;
pub const TRUNCATION_TARGET: f64 = 0.05;

/// How many most-affected users a report lists unless asked otherwise.
pub const DEFAULT_TOP: usize = 10;
/// How many load failures a report keeps the message of (all are counted).
const ERRORS_KEPT: usize = 20;

#[cfg(test)]
mod fleet_tests;
#[cfg(test)]
mod tests;
