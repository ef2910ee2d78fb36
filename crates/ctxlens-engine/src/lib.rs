//! The context system itself: pure, synchronous, no I/O, no clock.
//!
//! `Engine::assemble(&Snapshot, &Policy) -> Assembly` is SPEC §3. Token counts are cached by
//! content in the engine's `TokenCounter`, so re-assembly after a policy change never re-tokenizes.

pub mod assemble;
pub mod assembly;
pub mod cache;
pub mod cause;
pub mod dedupe;
pub mod diff;
pub mod embed;
pub mod explain;
pub mod json;
pub mod keys;
pub mod linediff;
pub mod margins;
pub mod milestones;
pub mod policy;
pub mod redact;
pub mod render;
pub mod rewind;
pub mod snapshot;
pub mod tokens;

pub use assemble::Engine;
pub use assembly::{Assembly, Decision, Item, ItemKind, LayerReport, Reason};
pub use margins::{FitMargin, Margins};
pub use milestones::{MilestoneMap, Status};
pub use policy::{Policy, PolicyError, Source, Strategy};
pub use snapshot::Snapshot;
pub use tokens::{TokenCounter, Tokenizer};
