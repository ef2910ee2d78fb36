//! What one assembly changes against another of the same user: item by item, per layer, in
//! tokens. The Tune screen and the fleet report both read this one diff, so they agree.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::assembly::{Assembly, Decision, Item, ItemKind, Reason};

/// What happened to an item under one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fate {
    pub decision: Decision,
    pub reason: Option<Reason>,
    pub kept_tokens: usize,
}

impl Fate {
    pub(crate) fn of(i: &Item) -> Fate {
        Fate {
            decision: i.decision,
            reason: i.reason,
            kept_tokens: i.kept_tokens,
        }
    }
}

/// One item whose fate differs between the two assemblies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChange {
    pub id: String,
    pub layer: String,
    /// `None`: not an item under that policy (e.g. a static module of another category).
    pub before: Option<Fate>,
    pub after: Option<Fate>,
}

/// How an item's fate changed, in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It was in the prompt and is not any more (dropped, or no longer an item).
    NewlyDropped,
    /// It is in the prompt whole and was not.
    NewlyKept,
    /// It is in the prompt truncated and was not, or was whole.
    NewlyTruncated,
    /// In the prompt both times, with another token count.
    Resized,
    /// Out of the prompt both times, for another reason (or newly an item, dropped).
    ReasonChanged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::NewlyDropped,
        ChangeKind::NewlyKept,
        ChangeKind::NewlyTruncated,
        ChangeKind::Resized,
        ChangeKind::ReasonChanged,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::NewlyDropped => "newly dropped",
            ChangeKind::NewlyKept => "newly kept",
            ChangeKind::NewlyTruncated => "truncated",
            ChangeKind::Resized => "resized",
            ChangeKind::ReasonChanged => "reason changed",
        }
    }
}

impl ItemChange {
    /// Tokens it puts in the prompt before and after.
    pub fn tokens(&self) -> (usize, usize) {
        let kept = |f: &Option<Fate>| f.as_ref().map_or(0, |f| f.kept_tokens);
        (kept(&self.before), kept(&self.after))
    }

    /// The change in a word.
    pub fn kind(&self) -> ChangeKind {
        let in_prompt =
            |f: &Option<Fate>| f.as_ref().is_some_and(|f| f.decision != Decision::Dropped);
        let after = self.after.as_ref().map(|f| f.decision);
        let before = self.before.as_ref().map(|f| f.decision);
        match (in_prompt(&self.before), in_prompt(&self.after)) {
            (true, false) => ChangeKind::NewlyDropped,
            (false, true) if after == Some(Decision::Truncated) => ChangeKind::NewlyTruncated,
            (false, true) => ChangeKind::NewlyKept,
            (true, true) if after == Some(Decision::Truncated) && before != after => {
                ChangeKind::NewlyTruncated
            }
            (true, true) if before != after => ChangeKind::NewlyKept,
            (true, true) => ChangeKind::Resized,
            (false, false) => ChangeKind::ReasonChanged,
        }
    }

    /// Why the item is out of the prompt after, if it is.
    pub fn reason(&self) -> Option<Reason> {
        self.after.as_ref().and_then(|f| f.reason)
    }
}

/// One layer's budget and use, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerChange {
    pub layer: String,
    pub budget: (u32, u32),
    pub used: (usize, usize),
}

/// How `after` differs from `before`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssemblyDiff {
    /// Items whose decision, reason or kept tokens differ, or that are items under one policy
    /// only: `after`'s items in order, then those only `before` has.
    pub items: Vec<ItemChange>,
    /// Every layer of either assembly (`after`'s order, then `before`'s other layers).
    pub layers: Vec<LayerChange>,
    /// Total tokens before and after.
    pub total: (usize, usize),
    /// The assembled prompt differs.
    pub prompt_changed: bool,
    /// Σ over items of what `after` keeps less than `before` did.
    pub tokens_newly_dropped: usize,
    /// Σ over items of what `after` keeps more.
    pub tokens_newly_added: usize,
}

impl AssemblyDiff {
    /// Whether nothing changed: the same prompt from the same items, the same budgets.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && !self.prompt_changed
            && self.layers.iter().all(|l| l.budget.0 == l.budget.1)
    }

    /// Items changed in this way.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.items.iter().filter(|i| i.kind() == kind).count()
    }
}

/// Which store an item of `kind` comes from: session, journey (any of its kinds), knowledge,
/// static, query.
pub(crate) fn source_of(kind: ItemKind) -> u8 {
    match kind {
        ItemKind::Turn => 0,
        ItemKind::BusinessDna | ItemKind::MilestoneData | ItemKind::Transition => 1,
        ItemKind::Knowledge => 2,
        ItemKind::Static => 3,
        ItemKind::Query => 4,
    }
}

/// How `after` differs from `before` (two assemblies of the same snapshot, e.g. under the
/// baseline and a tuned policy).
pub fn diff(before: &Assembly, after: &Assembly) -> AssemblyDiff {
    // An item is the same item when its source and id are: a hand-made file may give a journey
    // row a knowledge hit's id, and a static module may be named like a turn.
    let key = |i: &'_ Item| (source_of(i.kind), i.id.clone());
    let old: HashMap<(u8, String), &Item> = before.items.iter().map(|i| (key(i), i)).collect();
    let mut d = AssemblyDiff {
        total: (before.total_tokens, after.total_tokens),
        prompt_changed: before.prompt != after.prompt,
        ..AssemblyDiff::default()
    };
    let mut seen = HashSet::new();
    for item in &after.items {
        seen.insert(key(item));
        let prev = old.get(&key(item)).copied();
        let was = prev.map_or(0, |p| p.kept_tokens);
        d.tokens_newly_dropped += was.saturating_sub(item.kept_tokens);
        d.tokens_newly_added += item.kept_tokens.saturating_sub(was);
        if prev.is_none_or(|p| Fate::of(p) != Fate::of(item)) {
            d.items.push(ItemChange {
                id: item.id.clone(),
                layer: item.layer.clone(),
                before: prev.map(Fate::of),
                after: Some(Fate::of(item)),
            });
        }
    }
    for item in before.items.iter().filter(|i| !seen.contains(&key(i))) {
        d.tokens_newly_dropped += item.kept_tokens;
        d.items.push(ItemChange {
            id: item.id.clone(),
            layer: item.layer.clone(),
            before: Some(Fate::of(item)),
            after: None,
        });
    }
    let names = after.layers.iter().map(|(n, _)| n).chain(
        before
            .layers
            .iter()
            .map(|(n, _)| n)
            .filter(|n| after.layers.get(n).is_none()),
    );
    d.layers = names
        .map(|name| {
            let (b, a) = (
                before.layers.get(name).cloned().unwrap_or_default(),
                after.layers.get(name).cloned().unwrap_or_default(),
            );
            LayerChange {
                layer: name.to_string(),
                budget: (b.budget, a.budget),
                used: (b.used, a.used),
            }
        })
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Policy};

    fn demo_assemblies(sets: &[&str]) -> (Assembly, Assembly) {
        // Four turns and two knowledge hits (one below the threshold): kept and dropped items.
        let text = r#"{"user_id":"u1","session_id":"s1","current_milestone":"M1",
          "now":"2025-01-15T12:00:00Z","query":"how to price",
          "session":[
            {"user":"How do I price candles?","assistant":"Start from landed cost.","timestamp":"2025-01-15T08:00:00Z"},
            {"user":"What margin?","assistant":"Aim for 60 to 70 percent.","timestamp":"2025-01-15T09:00:00Z"},
            {"user":"Wholesale?","assistant":"Half of retail.","timestamp":"2025-01-15T10:00:00Z"},
            {"user":"Shipping?","assistant":"Flat rate under a threshold.","timestamp":"2025-01-15T11:00:00Z"}],
          "knowledge":[
            {"id":"kn:1","milestone":null,"title":"Pricing","content":"Cost-plus against value.","similarity":0.9},
            {"id":"kn:2","milestone":null,"title":"Logistics","content":"Carriers.","similarity":0.5}]}"#;
        let snap = crate::Snapshot::from_json(text).expect("snapshot");
        let engine = Engine::default();
        let base = Policy::preset("prolaunch").expect("preset");
        let tuned = base
            .clone()
            .with_overrides(&sets.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("valid");
        (
            engine.assemble(&snap, &base),
            engine.assemble(&snap, &tuned),
        )
    }

    #[test]
    fn the_same_assembly_has_no_diff() {
        let (a, _) = demo_assemblies(&[]);
        let d = diff(&a, &a);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((d.tokens_newly_dropped, d.tokens_newly_added), (0, 0));
    }

    #[test]
    fn every_kind_of_change_is_seen_and_tokens_add_up() {
        let (a, mut b) = demo_assemblies(&[]);
        // An item dropped, one gone, one new, one dropped for another reason, one resized.
        let kept: Vec<usize> = (0..b.items.len())
            .filter(|&i| b.items[i].decision == Decision::Kept)
            .collect();
        let dropped: Vec<usize> = (0..b.items.len())
            .filter(|&i| b.items[i].decision == Decision::Dropped)
            .collect();
        assert!(kept.len() >= 3 && !dropped.is_empty(), "a varied fixture");
        let (k0, k1, k2, d0) = (kept[0], kept[1], kept[2], dropped[0]);
        let lost = b.items[k0].kept_tokens;
        b.items[k0].decision = Decision::Dropped;
        b.items[k0].reason = Some(Reason::GlobalBudget);
        b.items[k0].kept_tokens = 0;
        b.items[k1].kept_tokens -= 1;
        b.items[d0].reason = Some(Reason::OverLimit);
        let gone = b.items.remove(k2);
        let mut new = gone.clone();
        new.id = "brand-new".into();
        b.items.push(new);
        let d = diff(&a, &b);
        let kinds: Vec<(String, ChangeKind)> =
            d.items.iter().map(|i| (i.id.clone(), i.kind())).collect();
        let id = |i: usize| a.items[i].id.clone();
        assert!(
            kinds.contains(&(id(k0), ChangeKind::NewlyDropped)),
            "{kinds:?}"
        );
        assert!(kinds.contains(&(id(k1), ChangeKind::Resized)), "{kinds:?}");
        assert!(
            kinds.contains(&(id(d0), ChangeKind::ReasonChanged)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(gone.id.clone(), ChangeKind::NewlyDropped)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("brand-new".into(), ChangeKind::NewlyKept)),
            "{kinds:?}"
        );
        assert_eq!(
            d.tokens_newly_dropped,
            lost + 1 + gone.kept_tokens,
            "dropped, resized by one, gone"
        );
        assert_eq!(d.tokens_newly_added, gone.kept_tokens, "the new item");
    }

    /// Items of two sources under one id (a static module named like a turn, a journey row
    /// given a knowledge hit's id) are two items: neither is compared with the other.
    #[test]
    fn one_id_in_two_sources_is_two_items() {
        let (a, mut b) = demo_assemblies(&[]);
        let turn = a
            .items
            .iter()
            .find(|i| i.kind == ItemKind::Turn && i.kept_tokens > 1)
            .expect("a kept turn")
            .clone();
        let mut module = turn.clone();
        module.kind = ItemKind::Static;
        module.kept_tokens = 1;
        b.items.push(module);
        let d = diff(&a, &b);
        let changed: Vec<(&str, Option<ItemKind>)> = d
            .items
            .iter()
            .map(|c| {
                let kind = b.items.iter().rev().find(|i| i.id == c.id).map(|i| i.kind);
                (c.id.as_str(), kind)
            })
            .collect();
        assert_eq!(
            changed,
            [(turn.id.as_str(), Some(ItemKind::Static))],
            "only the new one"
        );
        assert_eq!((d.tokens_newly_dropped, d.tokens_newly_added), (0, 1));
    }
}
