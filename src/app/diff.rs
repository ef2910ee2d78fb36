//! The replay diff: what a tuned policy changes against the baseline, item by item and per layer.

use std::collections::HashMap;

use crate::engine::{Assembly, Decision, Reason};

/// How an item's fate changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    NewlyDropped,
    NewlyKept,
    NewlyTruncated,
    /// Still in the prompt, with a different token count.
    Resized,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::NewlyDropped => "newly dropped",
            Change::NewlyKept => "newly kept",
            Change::NewlyTruncated => "truncated",
            Change::Resized => "resized",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemDiff {
    pub id: String,
    pub layer: String,
    pub change: Change,
    pub before: usize,
    pub after: usize,
    pub reason: Option<Reason>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayerDiff {
    pub layer: String,
    pub budget: (u32, u32),
    pub used: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diff {
    pub items: Vec<ItemDiff>,
    pub layers: Vec<LayerDiff>,
    pub total: (usize, usize),
}

impl Diff {
    /// Whether the tuned assembly puts the same items, with the same tokens, in the prompt.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.layers.iter().all(|l| l.budget.0 == l.budget.1)
    }

    pub fn count(&self, change: Change) -> usize {
        self.items.iter().filter(|i| i.change == change).count()
    }
}

/// Compares two assemblies of the same snapshot.
pub fn diff(base: &Assembly, tuned: &Assembly) -> Diff {
    let before: HashMap<&str, (Decision, usize)> = base
        .items
        .iter()
        .map(|i| (i.id.as_str(), (i.decision, i.kept_tokens)))
        .collect();
    let items = tuned
        .items
        .iter()
        .filter_map(|i| {
            let (was, was_tokens) = before
                .get(i.id.as_str())
                .copied()
                .unwrap_or((Decision::Dropped, 0));
            let change = match (was, i.decision) {
                (Decision::Kept | Decision::Truncated, Decision::Dropped) => Change::NewlyDropped,
                (Decision::Dropped, Decision::Kept) => Change::NewlyKept,
                (Decision::Kept | Decision::Dropped, Decision::Truncated) => Change::NewlyTruncated,
                _ if was_tokens != i.kept_tokens => Change::Resized,
                _ => return None,
            };
            Some(ItemDiff {
                id: i.id.clone(),
                layer: i.layer.clone(),
                change,
                before: was_tokens,
                after: i.kept_tokens,
                reason: i.reason,
            })
        })
        .collect();
    let layers = tuned
        .layers
        .iter()
        .map(|(name, l)| {
            let b = base.layers.get(name).cloned().unwrap_or_default();
            LayerDiff {
                layer: name.to_string(),
                budget: (b.budget, l.budget),
                used: (b.used, l.used),
            }
        })
        .collect();
    Diff {
        items,
        layers,
        total: (base.total_tokens, tuned.total_tokens),
    }
}
