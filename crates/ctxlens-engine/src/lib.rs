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
pub mod utf8;

pub use assemble::Engine;
pub use assembly::{Assembly, Decision, Item, ItemKind, LayerCounts, LayerReport, Reason};
pub use margins::{FitMargin, Margins};
pub use milestones::{MilestoneMap, Status};
pub use policy::{Policy, PolicyError, Source, Strategy};
pub use snapshot::Snapshot;
pub use tokens::{TokenCounter, Tokenizer};

/// A number as a message quotes it: as written for everyday magnitudes, in exponent form past
/// them (`1e308`, not 309 digits).
pub fn shown_f64(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A score or factor in a table cell: `decimals` places for everyday magnitudes, exponent form
/// from 100,000 (`1.00e308`, not 309 digits: a policy may set `recency.boost` that high).
pub fn shown_factor(x: f64, decimals: usize) -> String {
    if x.is_finite() && x.abs() >= 1e5 {
        format!("{x:.decimals$e}")
    } else {
        format!("{x:.decimals$}")
    }
}

#[cfg(test)]
mod shown_tests {
    #[test]
    fn factors_past_everyday_magnitudes_are_short() {
        assert_eq!(super::shown_factor(1.8, 2), "1.80");
        assert_eq!(super::shown_factor(99_999.0, 2), "99999.00");
        assert_eq!(super::shown_factor(1e308, 2), "1.00e308");
        assert_eq!(super::shown_factor(-2e6, 3), "-2.000e6");
    }

    #[test]
    fn large_and_tiny_numbers_are_quoted_short() {
        assert_eq!(super::shown_f64(1e308), "1e308");
        assert_eq!(super::shown_f64(-1e308), "-1e308");
        assert_eq!(super::shown_f64(1.5), "1.5");
        assert_eq!(super::shown_f64(0.0), "0");
        assert_eq!(super::shown_f64(2e-9), "2e-9");
        assert_eq!(super::shown_f64(f64::NAN), "NaN");
    }
}
