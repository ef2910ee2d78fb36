//! The assembly: what assembly decided for every item, per-layer totals and the prompt (SPEC §4).

use chrono::{DateTime, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use std::collections::HashMap;

use super::dedupe::{DuplicateOf, Match};
use super::policy::Strategy;
use super::snapshot::Malformed;
use super::tokens::Tokenizer;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assembly {
    pub user_id: String,
    pub policy: String,
    pub tokenizer: Tokenizer,
    pub strategy: Strategy,
    pub budget: BudgetReport,
    pub items: Vec<Item>,
    pub layers: Ordered<LayerReport>,
    pub total_tokens: usize,
    pub truncation_rate: f64,
    pub prompt: String,
    /// Data that could not be read, with its source and reason. Always written (`[]` when
    /// none), so a script can read it without asking whether it is there.
    #[serde(default)]
    pub malformed: Vec<Malformed>,
    /// Items that copy another (`dedupe`): which copy assembly prefers, what the second costs.
    /// Always written, as `malformed`.
    #[serde(default)]
    pub duplicates: Vec<Pair>,
    /// Candidates checked for exact copies only: the near-copy screening's budget was spent
    /// (tens of thousands of rows written from a handful of words). Written only when not 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub near_unscreened: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetReport {
    pub total: u32,
    pub layers: Ordered<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LayerReport {
    pub budget: u32,
    pub used: usize,
    pub kept: usize,
    pub truncated: usize,
    pub dropped: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub layer: String,
    pub kind: ItemKind,
    /// Tokens of the full rendered `text`.
    pub tokens: usize,
    pub relevance: f64,
    pub multiplier: f64,
    pub score: f64,
    pub decision: Decision,
    pub reason: Option<Reason>,
    /// What the item contributes to the prompt: `tokens`, the truncated count, or 0.
    pub kept_tokens: usize,
    pub text: String,
    /// The truncated text, marker included, when `decision` is `truncated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_text: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::snapshot::rfc3339_opt"
    )]
    pub timestamp: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    /// The earlier copy this item duplicates (`dedupe`), whether or not the policy removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<DuplicateOf>,
}

impl Item {
    /// The text this item puts in the prompt, if any.
    pub fn prompt_text(&self) -> Option<&str> {
        match self.decision {
            Decision::Kept => Some(&self.text),
            Decision::Truncated => self.kept_text.as_deref(),
            Decision::Dropped => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Turn,
    BusinessDna,
    MilestoneData,
    Transition,
    Knowledge,
    Static,
    Query,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Kept,
    Truncated,
    Dropped,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Kept => "kept",
            Decision::Truncated => "truncated",
            Decision::Dropped => "dropped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MaxItems,
    BelowThreshold,
    OtherMilestone,
    OverLimit,
    LayerBudget,
    GlobalBudget,
    /// A copy of an item assembly prefers, removed before the fit by the policy's `dedupe`.
    Duplicate,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MaxItems => "max_items",
            Reason::BelowThreshold => "below_threshold",
            Reason::OtherMilestone => "other_milestone",
            Reason::OverLimit => "over_limit",
            Reason::LayerBudget => "layer_budget",
            Reason::GlobalBudget => "global_budget",
            Reason::Duplicate => "duplicate",
        }
    }

    /// Whether the item reached a fit and lost there (counts towards `truncation_rate`).
    pub fn is_budget(self) -> bool {
        matches!(self, Reason::LayerBudget | Reason::GlobalBudget)
    }

    /// Whether a knowledge gate left the item out (threshold, milestone filter, limit): it was
    /// returned by the search but not retrieved, so it never reached a fit.
    pub fn is_retrieval(self) -> bool {
        matches!(
            self,
            Reason::BelowThreshold | Reason::OtherMilestone | Reason::OverLimit
        )
    }
}

/// A layer's items by what the fit did: kept in full, truncated, cut by a budget (the layer's
/// or the global one), or filtered out before the fit (max_items, retrieval gates, copies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerCounts {
    pub kept: usize,
    pub truncated: usize,
    /// Dropped by the layer's own fit (`layer_budget`).
    pub cut: usize,
    /// Kept by the layer's fit, dropped by the global pass to T (`global_budget`).
    pub global: usize,
    pub filtered: usize,
}

/// A JSON object whose keys keep their order (policy layer order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Ordered<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

impl Assembly {
    /// Byte-stable pretty JSON with a trailing newline (the `--json` output).
    pub fn to_json(&self) -> String {
        let mut s = super::json::pretty(self);
        s.push('\n');
        s
    }

    /// Items of one layer, in output order.
    pub fn layer_items<'a>(&'a self, layer: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.layer == layer)
    }

    /// What the fit did with one layer's items, as every view counts them.
    pub fn counts(&self, layer: &str) -> LayerCounts {
        let mut c = LayerCounts::default();
        for i in self.layer_items(layer) {
            match (i.decision, i.reason) {
                (Decision::Kept, _) => c.kept += 1,
                (Decision::Truncated, _) => c.truncated += 1,
                (_, Some(Reason::GlobalBudget)) => c.global += 1,
                (_, Some(r)) if r.is_budget() => c.cut += 1,
                (_, Some(_)) => c.filtered += 1,
                (Decision::Dropped, None) => {}
            }
        }
        c
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Tokens of the prompt spent on second copies (see [`Assembly::duplicates`]).
    pub fn duplicate_tokens(&self) -> usize {
        spent_tokens(&self.duplicates)
    }
}

/// One duplicate pair of an assembly: the second copy, the first, and what the second costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The second copy (the one a dedupe removes).
    pub id: String,
    pub layer: String,
    /// The copy assembly prefers.
    pub of: String,
    pub of_layer: String,
    #[serde(rename = "match")]
    pub kind: Match,
    pub similarity: f64,
    /// The second copy's tokens.
    pub tokens: usize,
    /// Tokens the second copy puts in the prompt while the first is there too.
    pub spent: usize,
    /// The second copy's decision (`dropped` with reason `duplicate` under a dedupe policy).
    pub decision: Decision,
    pub removed: bool,
}

/// Every duplicate pair among an assembly's `items`, in item order.
pub fn pairs(items: &[Item]) -> Vec<Pair> {
    if items.iter().all(|i| i.duplicate.is_none()) {
        return Vec::new();
    }
    let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    items
        .iter()
        .filter_map(|it| {
            let d = it.duplicate.as_ref()?;
            let first = *by_id.get(d.of.as_str())?;
            Some(Pair {
                id: it.id.clone(),
                layer: it.layer.clone(),
                of: d.of.clone(),
                of_layer: first.layer.clone(),
                kind: d.kind,
                similarity: d.similarity,
                tokens: it.tokens,
                spent: spent(it, first),
                decision: it.decision,
                removed: it.reason == Some(Reason::Duplicate),
            })
        })
        .collect()
}

/// Tokens `second` puts in the prompt while `first` is in it too.
fn spent(second: &Item, first: &Item) -> usize {
    if first.prompt_text().is_some() {
        second.kept_tokens
    } else {
        0
    }
}

/// Tokens of a prompt spent on second copies, of its duplicate `pairs`.
pub fn spent_tokens(pairs: &[Pair]) -> usize {
    pairs.iter().map(|p| p.spent).sum()
}
