//! Margins: how far each budget of one user's assembly is from changing what it keeps.
//!
//! For every layer's fit and for the global pass: the budget that keeps every item entering
//! the fit, the item a larger budget admits next and exactly how many more tokens that takes,
//! the item a smaller budget loses first and by how much, and under `stop` and `truncate` the
//! item at which the fit stopped (everything after it is dropped). "Kept" here means kept in
//! full: a truncated item is not kept. A layer's margins are in tokens of that layer's budget
//! `B`; the global pass's in tokens of `T` with the layer budgets held where they are (changing
//! `T` in a policy moves the layer budgets too: [`Margins::total_for_all`] answers that one).
//!
//! The numbers are exact: replaying with a budget `+ next_in.tokens` keeps that item, with one
//! token less keeps nothing new; `− first_out.tokens` loses that item, one token less than that
//! loses nothing (`assemble/margin_props.rs` checks it).

use serde::{Deserialize, Serialize};

use super::assemble::{Engine, global_cmp};
use super::assembly::{Assembly, Decision, Item, Reason};
use super::policy::{Budgets, Policy, Strategy};
use super::snapshot::Snapshot;

/// A user's margins under a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Margins {
    /// One per layer, in policy order.
    pub layers: Vec<FitMargin>,
    /// The global pass (`name` = "global"), over what the layers kept.
    pub global: FitMargin,
    /// The smallest `budget.total` at which, with the policy's weights and caps, every candidate
    /// of every layer is kept; `None` when a cap (or a zero weight) keeps a layer below what its
    /// candidates need, whatever the total.
    pub total_for_all: Option<u32>,
}

/// How far one fit (a layer's, or the global pass) is from keeping more or less.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitMargin {
    /// The layer, or "global".
    pub name: String,
    pub budget: u32,
    /// Items that entered the fit (candidates; for the global pass, what the layers kept).
    pub entered: usize,
    /// The budget that keeps every item entering the fit: the sum of their tokens.
    pub keeps_all_at: usize,
    /// The item a larger budget keeps first, and how many more tokens that takes.
    pub next_in: Option<Step>,
    /// The kept item a smaller budget loses first, and how many fewer tokens lose it.
    pub first_out: Option<Step>,
    /// `stop` and `truncate`: the first item that did not fit, which ends the fit.
    pub blocker: Option<Blocker>,
    /// A layer's fit only: at `budget + next_in.tokens` (and at `keeps_all_at`) the layer keeps
    /// what it says, yet the global pass to `T` drops (some of) it again, as a replay shows.
    #[serde(default, skip_serializing_if = "GlobalCut::is_none")]
    pub global_cut: GlobalCut,
    /// The global pass only: the item `next_in` admits is one its layer truncated, so it
    /// passes at its truncated size and is never kept in full by a larger `T` alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub next_in_truncated: bool,
    /// `truncate` only: an item kept truncated (a layer's blocker; for the global pass, the
    /// item a layer truncated that goes first) and how many fewer tokens drop it from the
    /// prompt (when that comes before `first_out`): a change a smaller budget makes, though no
    /// item kept in full is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated_out: Option<Step>,
}

/// What the global pass to `T` undoes of a layer's margins (SPEC §3.7 runs after the layers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GlobalCut {
    /// The item `next_in` admits to the layer is not kept in full in the replay.
    pub next_in: bool,
    /// At `keeps_all_at` some candidate of the layer is not kept in full in the replay.
    pub keeps_all: bool,
}

impl GlobalCut {
    fn is_none(&self) -> bool {
        !self.next_in && !self.keeps_all
    }
}

/// An item and a number of tokens (how many more, or fewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub tokens: usize,
}

/// The item at which a `stop` or `truncate` fit ended, and what it kept out behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    pub id: String,
    /// Its tokens as it entered the fit.
    pub tokens: usize,
    /// Items after it that were dropped with it, and their tokens.
    pub behind: usize,
    pub behind_tokens: usize,
}

impl FitMargin {
    /// The margins of a fit of `items` (id, tokens as they enter, in fit order) into `budget`
    /// under `strategy` (SPEC §3.6, as `Engine::fit` runs it).
    pub fn of(name: &str, items: &[(&str, usize)], budget: u32, strategy: Strategy) -> Self {
        Self::of_where(name, items, budget, strategy, |_| true)
    }

    /// As [`FitMargin::of`], where only the items `in_full(index)` enter in full: the others
    /// (the global pass's items a layer truncated) are never named as the first kept item lost.
    fn of_where(
        name: &str,
        items: &[(&str, usize)],
        budget: u32,
        strategy: Strategy,
        in_full: impl Fn(usize) -> bool,
    ) -> Self {
        let mut remaining = budget as usize;
        // (index, tokens): the earliest item with the smallest need / the smallest slack.
        let mut next_in: Option<(usize, usize)> = None;
        let mut first_out: Option<(usize, usize)> = None;
        let mut cut = None;
        for (i, &(_, t)) in items.iter().enumerate() {
            if t <= remaining {
                remaining -= t;
                // A kept item falls off once the budget loses more than what is left after it.
                if in_full(i) && first_out.is_none_or(|(_, slack)| remaining < slack) {
                    first_out = Some((i, remaining));
                }
                continue;
            }
            let need = t - remaining;
            if next_in.is_none_or(|(_, n)| need < n) {
                next_in = Some((i, need));
            }
            if strategy != Strategy::Skip {
                cut = Some(i);
                break;
            }
        }
        let step = |(i, tokens): (usize, usize)| Step {
            id: items[i].0.to_string(),
            tokens,
        };
        FitMargin {
            name: name.to_string(),
            budget,
            entered: items.len(),
            keeps_all_at: items.iter().map(|(_, t)| t).sum(),
            next_in: next_in.map(step),
            // Losing `slack + 1` tokens loses the item, if the budget has that many to lose.
            first_out: first_out
                .filter(|&(_, slack)| slack < budget as usize)
                .map(|(i, slack)| step((i, slack + 1))),
            blocker: cut.map(|k| Blocker {
                id: items[k].0.to_string(),
                tokens: items[k].1,
                behind: items.len() - k - 1,
                behind_tokens: items[k + 1..].iter().map(|(_, t)| t).sum(),
            }),
            global_cut: GlobalCut::default(),
            next_in_truncated: false,
            truncated_out: None,
        }
    }

    /// Nothing can be admitted and nothing lost: every item is kept with room to spare.
    pub fn keeps_all(&self) -> bool {
        self.next_in.is_none()
    }
}

impl Engine {
    /// The margins of `snapshot` under `policy`.
    pub fn margins(&self, snapshot: &Snapshot, policy: &Policy) -> Margins {
        self.margins_at(snapshot, policy, &policy.budgets())
    }

    /// The margins of `snapshot` under `policy` with `budgets` in place of the policy's.
    pub fn margins_at(&self, snapshot: &Snapshot, policy: &Policy, budgets: &Budgets) -> Margins {
        let layered = self.assemble_layers(snapshot, policy, budgets);
        let layers: Vec<FitMargin> = policy
            .layers
            .iter()
            .enumerate()
            .map(|(li, l)| {
                // A layer's candidates, in fit order (assembly lists them first, in that order).
                let fit: Vec<(&str, usize)> = layered
                    .layer_items(&l.name)
                    .filter(|i| entered_fit(i))
                    .map(|i| (i.id.as_str(), i.tokens))
                    .collect();
                let budget = budgets.layers.get(li).copied().unwrap_or(0);
                FitMargin::of(&l.name, &fit, budget, policy.strategy)
            })
            .collect();
        let layers: Vec<FitMargin> = layers
            .into_iter()
            .enumerate()
            .map(|(li, mut m)| {
                m.global_cut = self.global_cut(snapshot, policy, budgets, li, &m);
                m.truncated_out = self.truncated_out(snapshot, policy, budgets, li, &m, &layered);
                m
            })
            .collect();
        let (mut global, truncated) = global_margin(&layered, policy, budgets.total);
        global.truncated_out = truncated
            .into_iter()
            .filter_map(|(id, room)| self.global_truncated_out(snapshot, policy, budgets, id, room))
            .min_by_key(|step| step.tokens)
            .filter(|step| {
                global
                    .first_out
                    .as_ref()
                    .is_none_or(|f| step.tokens < f.tokens)
            });
        let needs: Vec<usize> = layers.iter().map(|m| m.keeps_all_at).collect();
        Margins {
            layers,
            global,
            total_for_all: total_for_all(policy, &needs),
        }
    }

    /// Replays layer `li` at the budgets its margins name, the global pass included: whether
    /// what they promise the layer survives the pass to `T`.
    fn global_cut(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        budgets: &Budgets,
        li: usize,
        m: &FitMargin,
    ) -> GlobalCut {
        let replay =
            |budget: usize| self.assemble_at(snapshot, policy, &with_layer(budgets, li, budget));
        // The layer keeps these in full at that budget: one not kept is the global pass's.
        let undone = |a: &Assembly, id: Option<&str>| {
            a.layer_items(&m.name).any(|i| {
                id.is_none_or(|id| i.id == id) && entered_fit(i) && i.decision != Decision::Kept
            })
        };
        GlobalCut {
            next_in: m.next_in.as_ref().is_some_and(|step| {
                undone(&replay(m.budget as usize + step.tokens), Some(&step.id))
            }),
            keeps_all: undone(&replay(m.keeps_all_at), None),
        }
    }

    /// Layer `li`'s blocker, when its `truncate` fit kept it truncated: how many fewer tokens
    /// of the layer's budget drop it (the room left for it falls to `truncate_min_remaining`),
    /// checked by two replays of the layer (dropped there, still truncated one token above);
    /// `None` when that is not so, or when a kept item is lost first.
    fn truncated_out(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        budgets: &Budgets,
        li: usize,
        m: &FitMargin,
        layered: &Assembly,
    ) -> Option<Step> {
        let b = m.blocker.as_ref()?;
        let decision = |a: &Assembly| {
            a.layer_items(&m.name)
                .find(|i| i.id == b.id)
                .map(|i| i.decision)
        };
        if policy.strategy != Strategy::Truncate || decision(layered)? != Decision::Truncated {
            return None;
        }
        let before: usize = layered
            .layer_items(&m.name)
            .filter(|i| entered_fit(i))
            .take_while(|i| i.id != b.id)
            .map(|i| i.tokens)
            .sum();
        let room = (m.budget as usize).checked_sub(before)?;
        let tokens = room.checked_sub(policy.truncate_min_remaining as usize)?;
        if tokens == 0 || m.first_out.as_ref().is_some_and(|f| f.tokens <= tokens) {
            return None;
        }
        let at = |less: usize| {
            let lb = with_layer(budgets, li, m.budget as usize - less);
            decision(&self.assemble_layers(snapshot, policy, &lb))
        };
        (at(tokens) == Some(Decision::Dropped) && at(tokens - 1) == Some(Decision::Truncated)).then(
            || Step {
                id: b.id.clone(),
                tokens,
            },
        )
    }
}

impl Engine {
    /// An item a layer's `truncate` fit truncated, with `room` tokens of `T` left for it in the
    /// global pass: how many fewer tokens of `T` drop it from the prompt (the room falls to
    /// `truncate_min_remaining`), checked by two replays (dropped there, still truncated one
    /// token above); `None` when that is not so.
    fn global_truncated_out(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        budgets: &Budgets,
        id: &str,
        room: usize,
    ) -> Option<Step> {
        let tokens = room.checked_sub(policy.truncate_min_remaining as usize)?;
        if tokens == 0 {
            return None;
        }
        let at = |less: usize| {
            let mut b = budgets.clone();
            b.total = budgets.total.saturating_sub(u32::try_from(less).ok()?);
            self.assemble_at(snapshot, policy, &b)
                .items
                .iter()
                .find(|i| i.id == id)
                .map(|i| i.decision)
        };
        (at(tokens) == Some(Decision::Dropped) && at(tokens - 1) == Some(Decision::Truncated)).then(
            || Step {
                id: id.to_string(),
                tokens,
            },
        )
    }
}

/// `budgets` with layer `li`'s budget at `budget`.
fn with_layer(budgets: &Budgets, li: usize, budget: usize) -> Budgets {
    let mut b = budgets.clone();
    b.layers[li] = u32::try_from(budget).unwrap_or(u32::MAX);
    b
}

/// Whether an item reached a fit (not excluded before it).
fn entered_fit(i: &Item) -> bool {
    i.reason.is_none_or(Reason::is_budget)
}

/// The global pass over what the layer passes kept, in the global order; and each item a
/// layer truncated with the room `T` leaves for it there (`T` less what comes before it).
fn global_margin<'a>(
    layered: &'a Assembly,
    policy: &Policy,
    total: u32,
) -> (FitMargin, Vec<(&'a str, usize)>) {
    let layer_of = |i: &Item| {
        policy
            .layers
            .iter()
            .position(|l| l.name == i.layer)
            .unwrap_or(usize::MAX)
    };
    let mut kept: Vec<(&Item, usize)> = layered
        .items
        .iter()
        .filter(|i| i.decision != Decision::Dropped)
        .map(|i| (i, layer_of(i)))
        .collect();
    kept.sort_by(|a, b| global_cmp(*a, *b));
    let fit: Vec<(&str, usize)> = kept
        .iter()
        .map(|(i, _)| (i.id.as_str(), i.kept_tokens))
        .collect();
    let truncated = |k: usize| kept[k].0.decision == Decision::Truncated;
    let mut m = FitMargin::of_where("global", &fit, total, policy.strategy, |k| !truncated(k));
    m.next_in_truncated = m.next_in.as_ref().is_some_and(|step| {
        kept.iter()
            .any(|(i, _)| i.id == step.id && i.decision == Decision::Truncated)
    });
    let mut before = 0usize;
    let mut rooms = Vec::new();
    for (k, &(id, tokens)) in fit.iter().enumerate() {
        if truncated(k)
            && let Some(room) = (total as usize).checked_sub(before)
        {
            rooms.push((id, room));
        }
        before += tokens;
    }
    (m, rooms)
}

/// The smallest T with `floor(T × weight)` (capped) ≥ each layer's need and T ≥ their sum.
pub fn total_for_all(policy: &Policy, needs: &[usize]) -> Option<u32> {
    let mut t: u64 = needs.iter().map(|&n| n as u64).sum::<u64>().max(1);
    for (l, &need) in policy.layers.iter().zip(needs) {
        if need == 0 {
            continue;
        }
        if l.cap.is_some_and(|c| (c as usize) < need) || l.weight <= 0.0 {
            return None;
        }
        // As `Policy::budgets` computes a layer budget, so the answer is exact. A total past
        // what a policy takes (u32) is none: a tiny weight asks for more than any T gives.
        let budget = |t: u64| (t as f64 * l.weight).floor() as u64;
        let estimate = (need as f64 / l.weight).ceil();
        if estimate.is_nan() || estimate > f64::from(u32::MAX) {
            return None;
        }
        let mut lo = (estimate as u64).max(1);
        while budget(lo) < need as u64 {
            if lo > u64::from(u32::MAX) {
                return None;
            }
            lo += 1;
        }
        while lo > 1 && budget(lo - 1) >= need as u64 {
            lo -= 1;
        }
        t = t.max(lo);
    }
    u32::try_from(t).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(items: &[(&str, usize)], budget: u32, s: Strategy) -> FitMargin {
        FitMargin::of("l", items, budget, s)
    }

    #[test]
    fn a_tiny_weight_has_no_total_that_keeps_all_and_answers_at_once() {
        let mut p = Policy::preset("prolaunch").expect("preset");
        for w in [1e-20, 1e-18, 1e-12, 5e-324] {
            p.layers[1].weight = w;
            assert_eq!(total_for_all(&p, &[100, 8578, 50]), None, "{w}");
        }
        p.layers[1].weight = 0.5;
        assert_eq!(total_for_all(&p, &[100, 8578, 50]), Some(17156));
    }

    #[test]
    fn stop_names_the_blocker_and_the_last_kept() {
        let m = fit(
            &[("a", 40), ("b", 30), ("c", 50), ("d", 5)],
            100,
            Strategy::Stop,
        );
        assert_eq!(m.keeps_all_at, 125);
        // 70 used, 30 left: c needs 20 more; b falls off when 31 are lost.
        assert_eq!(
            m.next_in,
            Some(Step {
                id: "c".into(),
                tokens: 20
            })
        );
        assert_eq!(
            m.first_out,
            Some(Step {
                id: "b".into(),
                tokens: 31
            })
        );
        let b = m.blocker.expect("stop ends at c");
        assert_eq!(
            (b.id.as_str(), b.tokens, b.behind, b.behind_tokens),
            ("c", 50, 1, 5)
        );
    }

    #[test]
    fn skip_admits_the_cheapest_misfit_and_has_no_blocker() {
        // a kept (60 left), b 80 > 60 (needs 20), c kept (10 left), d 15 > 10 (needs 5).
        let m = fit(
            &[("a", 40), ("b", 80), ("c", 50), ("d", 15)],
            100,
            Strategy::Skip,
        );
        assert_eq!(
            m.next_in,
            Some(Step {
                id: "d".into(),
                tokens: 5
            })
        );
        assert_eq!(
            m.first_out,
            Some(Step {
                id: "c".into(),
                tokens: 11
            })
        );
        assert_eq!(m.blocker, None);
    }

    #[test]
    fn everything_kept_has_no_next_and_a_first_out_past_the_slack() {
        let m = fit(&[("a", 10), ("b", 20)], 50, Strategy::Truncate);
        assert!(m.keeps_all());
        assert_eq!(
            m.first_out,
            Some(Step {
                id: "b".into(),
                tokens: 21
            })
        );
        let empty = fit(&[], 50, Strategy::Stop);
        assert_eq!(
            (empty.next_in, empty.first_out, empty.keeps_all_at),
            (None, None, 0)
        );
    }

    #[test]
    fn total_for_all_follows_weights_and_caps() {
        let p = Policy::preset("prolaunch").expect("preset");
        let n = p.layers.len();
        let mut needs = vec![0; n];
        needs[0] = 801;
        let t = total_for_all(&p, &needs).expect("reachable");
        let w = p.layers[0].weight;
        assert!((f64::from(t) * w).floor() as usize >= 801);
        assert!((f64::from(t - 1) * w).floor() < 801.0);
        let mut capped = p.clone();
        capped.layers[0].cap = Some(800);
        assert_eq!(total_for_all(&capped, &needs), None);
    }
}
