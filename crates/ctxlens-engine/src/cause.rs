//! Why two contexts differ: the same user at two moments, two snapshot files, or one user under two
//! policies. Lists the input changes, replays subsets of them (delta debugging) to find the
//! smallest set that still turns the first prompt into the second, classifies each, and names the
//! first cause — upstream first (a new turn before the query it changes, the query before the
//! similarities it moves).

mod ddmin;
mod inputs;
mod items;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::Serialize;

pub use ddmin::{Minimal, ddmin};
pub use inputs::{Delta, InputChange};
pub use items::{ItemDelta, ItemDeltaKind};

use crate::assemble::Engine;
use crate::assembly::{Assembly, Decision, Item, Reason};
use crate::diff::Fate;
use crate::policy::Policy;
use crate::snapshot::Snapshot;
use items::item_deltas;

/// Subsets replayed at most, so a pair of very different snapshots still answers quickly.
pub const REPLAY_LIMIT: usize = 2_000;

/// Input changes replayed alone at most to name what each does (the rest keep the class their
/// data gives them).
const REFINED_AT_MOST: usize = 500;

/// How many changes of the set are replayed alone to say what they do even past the deadline
/// (the first cause is among them).
const EXPLAINED_AT_LEAST: usize = 3;

/// What kind of input change; the declaration order is the causal order the first cause is
/// picked in (upstream first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    UserSwitched,
    SessionSwitched,
    /// A turn arrived and pushed an older one out of the `max_items` window.
    MaxItemsShift,
    NewTurn,
    TurnEdited,
    /// A turn at the front of the session is no longer stored (trimmed or expired).
    AgedOutTurn,
    TurnRemoved,
    QueryChanged,
    MilestoneChange,
    MemoryBankRowAdded,
    MemoryBankRowRemoved,
    MemoryBankRowChanged,
    KnowledgeRowAdded,
    /// Under another query, a hit in B only whose row was created before A's clock: the table
    /// held it for A too, and A's search did not return it; not a row added.
    KnowledgeHitFound,
    KnowledgeRowRemoved,
    /// Under another query, a hit in A only: B's search did not return it (whether the table
    /// still holds the row is not known); not a row removed.
    KnowledgeHitLost,
    SimilarityChanged,
    KnowledgeRowChanged,
    /// `now` moved and an item crossed `recency.window_hours` (its multiplier changed).
    RecencyWindowCrossed,
    ClockMoved,
    CachedContextChanged,
    PolicyFieldChange,
}

impl Cause {
    pub fn label(self) -> &'static str {
        match self {
            Cause::UserSwitched => "another user",
            Cause::SessionSwitched => "session switched",
            Cause::MaxItemsShift => "max_items shift",
            Cause::NewTurn => "new turn",
            Cause::TurnEdited => "turn edited",
            Cause::AgedOutTurn => "aged-out turn",
            Cause::TurnRemoved => "turn removed",
            Cause::QueryChanged => "query changed",
            Cause::MilestoneChange => "milestone change",
            Cause::MemoryBankRowAdded => "memory-bank row added",
            Cause::MemoryBankRowRemoved => "memory-bank row removed",
            Cause::MemoryBankRowChanged => "memory-bank row changed",
            Cause::KnowledgeRowAdded => "knowledge row added",
            Cause::KnowledgeHitFound => "knowledge hit found",
            Cause::KnowledgeRowRemoved => "knowledge row removed",
            Cause::KnowledgeHitLost => "knowledge hit lost",
            Cause::SimilarityChanged => "similarity changed",
            Cause::KnowledgeRowChanged => "knowledge row changed",
            Cause::RecencyWindowCrossed => "recency window crossed",
            Cause::ClockMoved => "clock moved",
            Cause::CachedContextChanged => "cached context changed",
            Cause::PolicyFieldChange => "policy field change",
        }
    }
}

/// What the cause analysis reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The prompts differ: the set turns the first prompt into the second, byte for byte.
    Prompt,
    /// The prompts are the same but items' decisions differ: the set reproduces every decision.
    Decisions,
    /// Nothing differs.
    Nothing,
}

/// One input change of the explaining set, and what it does alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    /// Index into [`Comparison::inputs`].
    pub change: usize,
    /// The class after looking at its effect (a new turn that pushes another out is a
    /// `max_items` shift; a clock that moves a multiplier crosses the recency window).
    pub cause: Cause,
    /// Items (of the first assembly) whose fate this change alone alters, e.g. `s1#2 kept →
    /// dropped (max_items)`.
    pub effects: Vec<String>,
    /// Not in the replayed set: the input upstream of changes in it (a changed query, for the
    /// hits it moved — a replay keeps each side's stored hits, so the query itself is never
    /// what a replay changes).
    pub upstream: bool,
}

/// How many effects of the first cause are listed before "… N more".
pub const EFFECTS_SHOWN: usize = 8;

impl Explained {
    /// The effects a reader is shown under the first cause: up to [`EFFECTS_SHOWN`], then how
    /// many more (the item list below has them all), so a cut list never reads as complete.
    pub fn effects_shown(&self) -> Vec<String> {
        let max = EFFECTS_SHOWN;
        let mut shown: Vec<String> = self.effects.iter().take(max).cloned().collect();
        if self.effects.len() > max {
            shown.push(format!(
                "… {} more, in the items below",
                self.effects.len() - max
            ));
        }
        shown
    }
}

/// Two contexts compared: the assemblies, the items that differ, every input change, and the
/// smallest set of them that explains the difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    #[serde(skip)]
    pub before: Assembly,
    #[serde(skip)]
    pub after: Assembly,
    pub outcome: Outcome,
    pub items: Vec<ItemDelta>,
    pub inputs: Vec<InputChange>,
    /// The explaining set, first cause first.
    pub cause: Vec<Explained>,
    /// Subsets replayed to find it.
    pub replays: usize,
    /// Whether the set is 1-minimal (false: the replay budget ran out first).
    pub minimal: bool,
}

impl Comparison {
    /// The first cause: the most upstream change of the explaining set.
    pub fn first(&self) -> Option<(&Explained, &InputChange)> {
        let e = self.cause.first()?;
        Some((e, &self.inputs[e.change]))
    }

    /// The sentence of a comparison with the same prompt and decisions ([`Outcome::Nothing`]):
    /// that, then what is listed below it all the same — inputs that changed neither, items
    /// that differ by identity alone ([`Comparison::same_words`]) — so the lists do not read
    /// as a contradiction. `None` for another outcome.
    pub fn same_sentence(&self) -> Option<String> {
        if self.outcome != Outcome::Nothing {
            return None;
        }
        let inputs = match self.inputs.len() {
            0 => None,
            1 => Some("the input change listed changes neither".to_string()),
            n => Some(format!("the {n} input changes listed change neither")),
        };
        let same = "the two contexts are the same: same prompt, same decisions".to_string();
        Some(
            [Some(same), inputs, self.same_words()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// The title of the list of input changes: their count, and the star's meaning when one
    /// explains the difference.
    pub fn inputs_title(&self) -> String {
        if self.cause.is_empty() {
            format!("input changes ({})", self.inputs.len())
        } else {
            format!("input changes ({})  * explains it", self.inputs.len())
        }
    }

    /// With the same prompt and decisions ([`Outcome::Nothing`]), items can still differ by
    /// identity alone: another user's or another session's turns of the same text and fate
    /// are other stored items. Said with the outcome, so the items listed do not contradict it.
    pub fn same_words(&self) -> Option<String> {
        match (self.outcome, self.items.len()) {
            (Outcome::Nothing, 0) => None,
            (Outcome::Nothing, 1) => {
                Some("the item listed is another stored item with the same text and fate".into())
            }
            (Outcome::Nothing, n) => Some(format!(
                "the {n} items listed are other stored items with the same text and fate"
            )),
            _ => None,
        }
    }

    /// How many input changes the replays found explain the difference (an upstream query
    /// named for the hits it moved is not one of them).
    pub fn replayed(&self) -> usize {
        self.cause.iter().filter(|e| !e.upstream).count()
    }
}

/// Compares `a` (snapshot and policy) with `b`; replays stop once `stop` says the caller's
/// time budget is spent (the set is then not known to be minimal).
pub fn compare(
    engine: &Engine,
    a: (&Snapshot, &Policy),
    b: (&Snapshot, &Policy),
    stop: &dyn Fn() -> bool,
) -> Comparison {
    let before = engine.assemble(a.0, a.1);
    let after = engine.assemble(b.0, b.1);
    let delta = Delta::new(a, b);
    let items = item_deltas(&before, &after, &delta);
    let outcome = if before.prompt != after.prompt {
        Outcome::Prompt
    } else if decisions(&before) != decisions(&after) {
        Outcome::Decisions
    } else {
        Outcome::Nothing
    };
    let n = delta.changes.len();
    let reproduces = |set: &[usize]| {
        let mut on = vec![false; n];
        for &c in set {
            on[c] = true;
        }
        let Some((s, p)) = delta.apply(&on) else {
            return false;
        };
        let got = engine.assemble_fleet(&s, &p, false);
        match outcome {
            Outcome::Prompt => got.prompt == after.prompt,
            _ => decisions(&got) == decisions(&after),
        }
    };
    let found = match outcome {
        Outcome::Nothing => Minimal {
            set: Vec::new(),
            tests: 0,
            complete: true,
        },
        _ => ddmin(n, REPLAY_LIMIT, stop, reproduces),
    };
    // Each change of the set is replayed alone to say what it does: the first few always, the
    // rest until the deadline (a set of hundreds, found when time ran out, would take minutes);
    // past it a change keeps the class its data gives it.
    let mut cause: Vec<Explained> = found
        .set
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            if k < EXPLAINED_AT_LEAST || !stop() {
                explain(engine, &delta, &before, c)
            } else {
                Explained {
                    change: c,
                    cause: delta.changes[c].cause,
                    effects: Vec::new(),
                    upstream: false,
                }
            }
        })
        .collect();
    cause.extend(upstream_query(&delta, &found.set, &cause));
    let inputs = refined_inputs(engine, &delta, &before, &cause, stop);
    // Upstream first; within a class the earliest, then the one that alone moves the most.
    cause.sort_by_key(|e| {
        let at = delta.changes[e.change].at;
        (e.cause, at, std::cmp::Reverse(e.effects.len()), e.change)
    });
    Comparison {
        before,
        after,
        outcome,
        items,
        inputs,
        cause,
        replays: found.tests,
        minimal: found.complete,
    }
}

/// A changed query moves the similarities of the hits, and so which rows are hits at all:
/// replays keep each side's stored hits, so only they can be in the set; the query that moved
/// them is its first cause, with them as its effects (a hit only one side has is a row
/// retrieval found or lost with the query, not a row the table gained or lost).
fn upstream_query(delta: &Delta, set: &[usize], cause: &[Explained]) -> Option<Explained> {
    let q = delta
        .changes
        .iter()
        .position(|c| c.cause == Cause::QueryChanged)
        .filter(|q| !set.contains(q))?;
    let moved: Vec<String> = cause
        .iter()
        .map(|e| &delta.changes[e.change])
        .filter_map(|c| match c.cause {
            Cause::SimilarityChanged => Some(format!(
                "moves the similarity of {} ({})",
                c.subject, c.detail
            )),
            Cause::KnowledgeRowAdded | Cause::KnowledgeHitFound => {
                Some(format!("brings {} into the hits ({})", c.subject, c.detail))
            }
            Cause::KnowledgeRowRemoved | Cause::KnowledgeHitLost => Some(format!(
                "takes {} out of the hits ({})",
                c.subject, c.detail
            )),
            _ => None,
        })
        .collect();
    (!moved.is_empty()).then_some(Explained {
        change: q,
        cause: Cause::QueryChanged,
        effects: moved,
        upstream: true,
    })
}

/// Every input as what it does (a clock move that changes a multiplier crossed the recency
/// window; a turn that pushes another out shifted max_items), in or out of the set, so the
/// list, the set and `--json` name each change alike. Past the deadline an input keeps the
/// class its data gives it.
fn refined_inputs(
    engine: &Engine,
    delta: &Delta,
    before: &Assembly,
    cause: &[Explained],
    stop: &dyn Fn() -> bool,
) -> Vec<InputChange> {
    let mut inputs = delta.changes.clone();
    for (c, input) in inputs.iter_mut().enumerate().take(REFINED_AT_MOST) {
        if let Some(e) = cause.iter().find(|e| e.change == c) {
            input.cause = e.cause;
        } else if !stop() {
            input.cause = explain(engine, delta, before, c).cause;
        }
    }
    inputs
}

/// Every item's fate, without ids (which move when turns age out), in no particular order: a
/// hit whose new score only moves it among the dropped ones changed no decision.
fn decisions(a: &Assembly) -> Vec<(&str, &str, &'static str, Option<&'static str>, usize)> {
    let mut all: Vec<_> = a
        .items
        .iter()
        .map(|i| {
            (
                i.layer.as_str(),
                i.text.as_str(),
                i.decision.as_str(),
                i.reason.map(Reason::as_str),
                i.kept_tokens,
            )
        })
        .collect();
    all.sort_unstable();
    all
}

fn fate_words(f: &Fate) -> String {
    match (f.decision, f.reason) {
        (Decision::Dropped, Some(r)) => format!("dropped ({})", r.as_str()),
        (d, _) => d.as_str().to_string(),
    }
}

/// `s1#2 kept → dropped (max_items)`, or `s1#2 kept 70 → 61 tokens` when only the count moved.
fn moved_words(id: &str, was: &Fate, now: &Fate) -> String {
    let (a, b) = (fate_words(was), fate_words(now));
    if a == b {
        format!("{id} {a} {} → {} tokens", was.kept_tokens, now.kept_tokens)
    } else {
        format!("{id} {a} → {b}")
    }
}

/// Change `c` applied alone to `a`: its class refined by what it does, and its effects.
fn explain(engine: &Engine, delta: &Delta, before: &Assembly, c: usize) -> Explained {
    let mut on = vec![false; delta.changes.len()];
    on[c] = true;
    let change = &delta.changes[c];
    let solo = delta.apply(&on).map(|(s, p)| engine.assemble(&s, &p));
    let Some(solo) = solo else {
        return Explained {
            change: c,
            cause: change.cause,
            effects: Vec::new(),
            upstream: false,
        };
    };
    let old: HashMap<(&str, &str), &Item> = before
        .items
        .iter()
        .map(|i| ((i.layer.as_str(), i.text.as_str()), i))
        .collect();
    let mut effects = Vec::new();
    let (mut pushed_out, mut crossed) = (false, false);
    for item in &solo.items {
        let Some(prev) = old.get(&(item.layer.as_str(), item.text.as_str())) else {
            continue;
        };
        crossed |= prev.multiplier != item.multiplier;
        if Fate::of(prev) != Fate::of(item) {
            pushed_out |=
                item.reason == Some(Reason::MaxItems) && prev.reason != Some(Reason::MaxItems);
            effects.push(moved_words(&prev.id, &Fate::of(prev), &Fate::of(item)));
        } else if prev.multiplier != item.multiplier {
            effects.push(format!(
                "{} recency ×{} → ×{}",
                prev.id, prev.multiplier, item.multiplier
            ));
        }
    }
    let cause = match change.cause {
        Cause::NewTurn if pushed_out => Cause::MaxItemsShift,
        Cause::ClockMoved if crossed => Cause::RecencyWindowCrossed,
        other => other,
    };
    Explained {
        change: c,
        cause,
        effects,
        upstream: false,
    }
}
