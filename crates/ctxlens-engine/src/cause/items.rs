//! The items that differ between two assemblies: how each differs, and matching them by
//! identity (a turn by its stored content, so one whose index moved is the same item).

use std::collections::HashMap;

use serde::Serialize;

use super::inputs::Delta;
use crate::assembly::{Assembly, Item};
use crate::diff::{ChangeKind, Fate, ItemChange};

/// How an item differs between the two assemblies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemDeltaKind {
    /// Only the second assembly has it.
    Added,
    /// Only the first has it.
    Removed,
    /// The first has it; in the second it is a malformed item (its row could not be read).
    NowUnreadable,
    /// The second has it; in the first it was a malformed item.
    NowReadable,
    NewlyDropped,
    NewlyKept,
    NewlyTruncated,
    Resized,
    ReasonChanged,
    /// The same fate, other text.
    Edited,
}

impl ItemDeltaKind {
    pub fn label(self) -> &'static str {
        match self {
            ItemDeltaKind::Added => "added",
            ItemDeltaKind::Removed => "removed",
            ItemDeltaKind::NowUnreadable => "could not be read in B",
            ItemDeltaKind::NowReadable => "could not be read in A",
            ItemDeltaKind::NewlyDropped => "kept → dropped",
            ItemDeltaKind::NewlyKept => "now kept",
            ItemDeltaKind::NewlyTruncated => "now truncated",
            ItemDeltaKind::Resized => "resized",
            ItemDeltaKind::ReasonChanged => "reason changed",
            ItemDeltaKind::Edited => "edited",
        }
    }

    /// The mark in front of the row: colour is never the only sign.
    pub fn mark(self) -> char {
        match self {
            ItemDeltaKind::Added | ItemDeltaKind::NewlyKept | ItemDeltaKind::NowReadable => '+',
            ItemDeltaKind::Removed | ItemDeltaKind::NewlyDropped | ItemDeltaKind::NowUnreadable => {
                '-'
            }
            _ => '~',
        }
    }
}

/// One item that differs: matched by identity (a turn by its stored content, so a turn whose
/// index moved because older ones aged out is the same item), else by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDelta {
    /// The id in the second assembly (the first's when removed).
    pub id: String,
    /// The id in the first assembly, when it differs (`s1#4` that is now `s1#2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
    pub layer: String,
    pub kind: ItemDeltaKind,
    pub before: Option<Fate>,
    pub after: Option<Fate>,
}

impl ItemDelta {
    /// Tokens it puts in the prompt before and after.
    pub fn tokens(&self) -> (usize, usize) {
        let kept = |f: &Option<Fate>| f.as_ref().map_or(0, |f| f.kept_tokens);
        (kept(&self.before), kept(&self.after))
    }

    /// The change in tokens it puts in the prompt, signed (`0` when none).
    pub fn delta(&self) -> String {
        let (a, b) = self.tokens();
        match b as i64 - a as i64 {
            0 => "0".to_string(),
            d => format!("{d:+}"),
        }
    }

    /// Why it reads as it does: its reason in B, or for an item only in A that A dropped, the
    /// reason there (`in A: max_items`); empty when it was kept.
    pub fn why(&self) -> String {
        match (&self.before, &self.after) {
            (_, Some(f)) => f.reason.map(|r| r.as_str().to_string()),
            (Some(f), None) => f.reason.map(|r| format!("in A: {}", r.as_str())),
            (None, None) => None,
        }
        .unwrap_or_default()
    }
}

/// The items that differ, matched by identity: turns through the session alignment (so one that
/// moved index is one item), everything else by id.
pub(super) fn item_deltas(before: &Assembly, after: &Assembly, delta: &Delta) -> Vec<ItemDelta> {
    let same_turn = same_turns(delta);
    // The same item: the same source and id, as `diff` matches them (a hand-made file may give
    // a journey row a knowledge hit's id).
    let source = |i: &Item| crate::diff::source_of(i.kind);
    let old: HashMap<(u8, &str), &Item> = before
        .items
        .iter()
        .map(|i| ((source(i), i.id.as_str()), i))
        .collect();
    let mut matched = std::collections::HashSet::new();
    let mut out = Vec::new();
    for item in &after.items {
        let key = id_in_a(item, &same_turn);
        let prev = old.get(&(source(item), key.as_str())).copied();
        if let Some(p) = prev {
            matched.insert((source(p), p.id.as_str()));
        }
        let kind = match prev {
            None if unreadable(before, &item.id) => ItemDeltaKind::NowReadable,
            None => ItemDeltaKind::Added,
            Some(p) if Fate::of(p) != Fate::of(item) => delta_kind(p, item),
            Some(p) if p.text != item.text => ItemDeltaKind::Edited,
            Some(_) => continue,
        };
        out.push(ItemDelta {
            id: item.id.clone(),
            was: prev.filter(|p| p.id != item.id).map(|p| p.id.clone()),
            layer: item.layer.clone(),
            kind,
            before: prev.map(Fate::of),
            after: Some(Fate::of(item)),
        });
    }
    for item in before
        .items
        .iter()
        .filter(|i| !matched.contains(&(source(i), i.id.as_str())))
    {
        out.push(ItemDelta {
            id: item.id.clone(),
            was: None,
            layer: item.layer.clone(),
            kind: if unreadable(after, &item.id) {
                ItemDeltaKind::NowUnreadable
            } else {
                ItemDeltaKind::Removed
            },
            before: Some(Fate::of(item)),
            after: None,
        });
    }
    out
}

/// The first assembly's id of each of the second's turns that is the same stored turn (by
/// index in the session).
fn same_turns(delta: &Delta) -> HashMap<usize, usize> {
    let mut same_turn: HashMap<usize, usize> = HashMap::new();
    if let Some(slots) = &delta.turns {
        // The earlier text of each change, looked up once (not a scan of every slot for each
        // of a hundred thousand new turns).
        let mut earlier: HashMap<usize, usize> = HashMap::new();
        for o in slots {
            if let (Some(c), Some(a)) = (o.change, o.a) {
                earlier.entry(c).or_insert(a);
            }
        }
        for s in slots {
            if let (Some(i), Some(j)) = (s.a, s.b) {
                same_turn.insert(j, i);
            } else if let (Some(j), Some(c)) = (s.b, s.change) {
                // An edited turn shares one change with its earlier text.
                if let Some(&i) = earlier.get(&c) {
                    same_turn.insert(j, i);
                }
            }
        }
    }
    same_turn
}

/// The id `item` of the second assembly is matched by in the first: a turn's through
/// `same_turn` (`s1#new7` for one the first has no earlier self of), anything else's own.
fn id_in_a(item: &Item, same_turn: &HashMap<usize, usize>) -> String {
    match (
        item.kind == crate::assembly::ItemKind::Turn,
        item.id.rsplit_once('#'),
    ) {
        (true, Some((sid, idx))) => {
            match idx.parse::<usize>().ok().and_then(|j| same_turn.get(&j)) {
                Some(i) => format!("{sid}#{i}"),
                None => format!("{sid}#new{idx}"),
            }
        }
        _ => item.id.clone(),
    }
}

/// `a` holds a malformed item of `id`: its row is there and could not be read (a row that
/// becomes unreadable is not one that was removed).
fn unreadable(a: &Assembly, id: &str) -> bool {
    a.malformed.iter().any(|m| m.id.as_deref() == Some(id))
}

fn delta_kind(p: &Item, n: &Item) -> ItemDeltaKind {
    let change = ItemChange {
        id: n.id.clone(),
        layer: n.layer.clone(),
        before: Some(Fate::of(p)),
        after: Some(Fate::of(n)),
    };
    match change.kind() {
        ChangeKind::NewlyDropped => ItemDeltaKind::NewlyDropped,
        ChangeKind::NewlyKept => ItemDeltaKind::NewlyKept,
        ChangeKind::NewlyTruncated => ItemDeltaKind::NewlyTruncated,
        ChangeKind::Resized => ItemDeltaKind::Resized,
        ChangeKind::ReasonChanged => ItemDeltaKind::ReasonChanged,
    }
}
