//! The assembly algorithm (SPEC §3): candidates → scores → per-layer fit → global pass → prompt.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::assembly::{Assembly, Decision, Item, ItemKind, Reason};
use super::dedupe::{self, Dedupe, DuplicateOf, Fingerprint, Match};
use super::milestones::MilestoneMap;
use super::policy::{Budgets, LayerSpec, Policy, Source, Strategy};
use super::redact::{mask, mask_milestone, mask_snapshot, masked_kind};
use super::render;
use super::snapshot::{KnowledgeEntry, Snapshot};
use super::tokens::TokenCounter;

/// What assembly needs besides a snapshot and a policy: the milestone map and the token cache.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub milestones: MilestoneMap,
    pub tokens: Arc<TokenCounter>,
}

/// How an assembly is made.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Mask chat, journey and query texts (`--redact`).
    redact: bool,
    /// Count the tokens of items excluded before any fit.
    count_excluded: bool,
    /// Run the global pass (off: what the layer passes alone keep, for margins).
    global_pass: bool,
    /// Find duplicates even where the policy does not remove them (they are always found
    /// under `dedupe`): off in a fleet pass that does not report them, since fingerprinting
    /// every candidate costs more than a replay with cached counts.
    duplicates: bool,
}

impl Default for Mode {
    fn default() -> Self {
        Self {
            redact: false,
            count_excluded: true,
            global_pass: true,
            duplicates: true,
        }
    }
}

/// An item on its way through assembly.
struct Work {
    item: Item,
    layer_idx: usize,
    /// Chronological position for session turns (timestamp, stored index).
    seq: usize,
    /// Reached a fit (not filtered out before).
    candidate: bool,
    /// RAG source line parts: rank, title, section.
    source: Option<(usize, String, Option<String>)>,
    /// What duplicate detection compares (candidates other than the query).
    print: Option<Fingerprint>,
}

/// A pre-scoring item: its kind, id, relevance, timestamp and how to render it.
struct Raw<'a> {
    id: String,
    kind: ItemKind,
    relevance: f64,
    timestamp: Option<DateTime<Utc>>,
    milestone: Option<String>,
    excluded: Option<Reason>,
    seq: usize,
    text: RawText<'a>,
    /// The body duplicate detection compares, for candidates ([`dedupe`]).
    print: Option<Fingerprint>,
}

enum RawText<'a> {
    Ready(String),
    /// Knowledge: rendered once its rank is known.
    Knowledge(&'a KnowledgeEntry),
}

impl Engine {
    pub fn new(milestones: MilestoneMap) -> Self {
        Self {
            milestones,
            tokens: Arc::new(TokenCounter::new()),
        }
    }

    /// Assembles `snapshot` under `policy`: every item gets a decision and a reason.
    pub fn assemble(&self, snapshot: &Snapshot, policy: &Policy) -> Assembly {
        self.assemble_with(snapshot, policy, &policy.budgets(), Mode::default())
    }

    /// Assembles as [`Engine::assemble`] does, counting only the tokens a decision needs: items
    /// excluded before any fit (`max_items`, `below_threshold`, `other_milestone`, `over_limit`)
    /// keep `tokens: 0`. Every decision, kept count, total and the prompt are the same; what
    /// differs is only the `tokens` of those excluded items, which nothing in a fleet report
    /// reads. About 40 % of a demo user's text is never tokenized this way.
    pub fn assemble_decisions(&self, snapshot: &Snapshot, policy: &Policy) -> Assembly {
        self.assemble_with(
            snapshot,
            policy,
            &policy.budgets(),
            Mode {
                count_excluded: false,
                ..Mode::default()
            },
        )
    }

    /// [`Engine::assemble_decisions`] for a fleet pass: with `duplicates` off, copies are found
    /// only where the policy's `dedupe` removes them (what it keeps is then the same; only the
    /// `duplicate` marks and pairs of a `dedupe = "off"` policy are left out).
    pub fn assemble_fleet(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        duplicates: bool,
    ) -> Assembly {
        self.assemble_with(
            snapshot,
            policy,
            &policy.budgets(),
            Mode {
                count_excluded: false,
                duplicates,
                ..Mode::default()
            },
        )
    }

    /// Assembles as [`Engine::assemble`] does, with the texts of chat, journey and query items
    /// masked (`--redact`) before the prompt is built from them: tokens, decisions and the
    /// prompt's shape are those of the stored text.
    pub fn assemble_redacted(&self, snapshot: &Snapshot, policy: &Policy) -> Assembly {
        self.assemble_with(
            snapshot,
            policy,
            &policy.budgets(),
            Mode {
                redact: true,
                ..Mode::default()
            },
        )
    }

    /// Assembles as [`Engine::assemble`] does, with `budgets` in place of the policy's (T and
    /// every layer budget): what a margin is stated against, so a replay at a budget ± its
    /// margin can be checked.
    pub fn assemble_at(&self, snapshot: &Snapshot, policy: &Policy, budgets: &Budgets) -> Assembly {
        self.assemble_with(snapshot, policy, budgets, Mode::default())
    }

    /// The layer passes alone (no global pass), counting only what decisions need.
    pub(crate) fn assemble_layers(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        budgets: &Budgets,
    ) -> Assembly {
        let mode = Mode {
            count_excluded: false,
            global_pass: false,
            duplicates: false,
            ..Mode::default()
        };
        self.assemble_with(snapshot, policy, budgets, mode)
    }

    fn assemble_with(
        &self,
        snapshot: &Snapshot,
        policy: &Policy,
        budgets: &Budgets,
        mode: Mode,
    ) -> Assembly {
        let Mode {
            redact,
            count_excluded,
            global_pass,
            duplicates,
        } = mode;
        let prints = duplicates || policy.dedupe != Dedupe::Off;
        let mut works = Vec::new();
        let mut ranges = Vec::new();
        for (li, layer) in policy.layers.iter().enumerate() {
            let raws = self.raw_items(snapshot, policy, layer, prints);
            let start = works.len();
            works.extend(self.score_and_order(
                policy,
                layer,
                (li, count_excluded),
                snapshot.now,
                raws,
            ));
            ranges.push(start..works.len());
        }
        // Duplicates are found among every layer's candidates, and removed (`dedupe`) before
        // any layer is fitted: between SPEC §3.5 and §3.6.
        let unscreened = mark_duplicates(&mut works, policy);
        for (li, range) in ranges.into_iter().enumerate() {
            let order: Vec<usize> = range.filter(|&i| works[i].candidate).collect();
            self.fit(
                &mut works,
                &order,
                budgets.layers.get(li).copied().unwrap_or(0) as usize,
                policy,
                Reason::LayerBudget,
            );
        }
        let kept: usize = works.iter().map(|w| w.item.kept_tokens).sum();
        if global_pass && kept > budgets.total as usize {
            let mut order: Vec<usize> = (0..works.len())
                .filter(|&i| works[i].item.decision != Decision::Dropped)
                .collect();
            order.sort_by(|&a, &b| global_order(&works[a], &works[b]));
            self.fit(
                &mut works,
                &order,
                budgets.total as usize,
                policy,
                Reason::GlobalBudget,
            );
        }
        if redact {
            self.mask_texts(&mut works, snapshot, policy);
        }
        let mut a = finish::finish(snapshot, policy, &budgets.layers, budgets.total, works);
        a.near_unscreened = unscreened;
        if redact {
            super::redact::unlink_across_the_mask(&mut a);
            for m in &mut a.malformed {
                *m = super::redact::shown_malformed(m, snapshot);
            }
        }
        a
    }

    /// Replaces the texts of chat, journey and query items with their rendering from the masked
    /// snapshot: labels and headings stay readable, the user's words are `•`. Masking keeps every
    /// character's place, so a truncated item keeps the same number of characters.
    fn mask_texts(&self, works: &mut [Work], snapshot: &Snapshot, policy: &Policy) {
        let shown = mask_snapshot(snapshot, &self.milestones);
        let mut texts: std::collections::HashMap<String, String> = Default::default();
        for layer in &policy.layers {
            if matches!(
                layer.source,
                Source::Session | Source::Journey | Source::Query
            ) {
                for raw in self.raw_items(&shown, policy, layer, false) {
                    if let RawText::Ready(t) = raw.text {
                        texts.insert(raw.id, t);
                    }
                }
            }
        }
        let marker = &policy.truncate_marker;
        for w in works.iter_mut().filter(|w| masked_kind(w.item.kind)) {
            let masked = texts
                .remove(&w.item.id)
                .unwrap_or_else(|| mask(&w.item.text));
            w.item.kept_text = w.item.kept_text.as_deref().map(|k| {
                let kept = k.strip_suffix(marker.as_str()).unwrap_or(k).chars().count();
                let prefix: String = masked.chars().take(kept).collect();
                if k.ends_with(marker.as_str()) {
                    format!("{prefix}{marker}")
                } else {
                    prefix
                }
            });
            w.item.text = masked;
        }
        // A milestone the map does not know was typed by someone, on a knowledge row too.
        for w in works.iter_mut() {
            if let Some(m) = &w.item.milestone {
                w.item.milestone = Some(mask_milestone(m, &self.milestones));
            }
        }
    }

    /// Scores, orders (SPEC §3.5), renders and counts a layer's items: candidates first, in fit
    /// order. Items excluded before the fit are counted only when `count_excluded`.
    fn score_and_order(
        &self,
        policy: &Policy,
        layer: &LayerSpec,
        (li, count_excluded): (usize, bool),
        now: DateTime<Utc>,
        raws: Vec<Raw>,
    ) -> Vec<Work> {
        let works = scored_in_fit_order(policy, now, raws);
        let tok = policy.tokenizer;
        works
            .enumerate()
            .map(|(rank0, (raw, multiplier, score))| {
                let (text, source) = match raw.text {
                    RawText::Ready(t) => (t, None),
                    RawText::Knowledge(k) => {
                        let rank = rank0 + 1;
                        let text = render::knowledge_text(&k.title, &k.content, layer.render, rank);
                        (text, Some((rank, k.title.clone(), k.section.clone())))
                    }
                };
                let candidate = raw.excluded.is_none();
                let tokens = if candidate || count_excluded {
                    self.tokens.count(tok, &text)
                } else {
                    0
                };
                let item = Item {
                    id: raw.id,
                    layer: layer.name.clone(),
                    kind: raw.kind,
                    tokens,
                    relevance: raw.relevance,
                    multiplier,
                    score,
                    decision: if candidate {
                        Decision::Kept
                    } else {
                        Decision::Dropped
                    },
                    reason: raw.excluded,
                    kept_tokens: if candidate { tokens } else { 0 },
                    text,
                    kept_text: None,
                    timestamp: raw.timestamp,
                    milestone: raw.milestone,
                    duplicate: None,
                };
                Work {
                    item,
                    layer_idx: li,
                    seq: raw.seq,
                    candidate,
                    source,
                    print: raw.print,
                }
            })
            .collect()
    }

    /// Fits `order` (indices into `works`, all currently kept or truncated) into `budget` (SPEC §3.6).
    fn fit(
        &self,
        works: &mut [Work],
        order: &[usize],
        budget: usize,
        policy: &Policy,
        reason: Reason,
    ) {
        let mut remaining = budget;
        let mut cut = false;
        for &i in order {
            let item = &mut works[i].item;
            if !cut && item.kept_tokens <= remaining {
                remaining -= item.kept_tokens;
                continue;
            }
            if !cut
                && policy.strategy == Strategy::Truncate
                && remaining > policy.truncate_min_remaining as usize
            {
                let cut_text = self.tokens.truncate(
                    policy.tokenizer,
                    &item.text,
                    remaining,
                    &policy.truncate_marker,
                );
                if let Some((text, n)) = cut_text {
                    item.decision = Decision::Truncated;
                    item.kept_tokens = n;
                    item.kept_text = Some(text);
                    cut = true;
                    continue;
                }
            }
            item.decision = Decision::Dropped;
            item.reason = Some(reason);
            item.kept_tokens = 0;
            item.kept_text = None;
            cut |= policy.strategy != Strategy::Skip;
        }
    }
}

/// Each item with its recency multiplier and score (SPEC §3.4), candidates first in fit order
/// (§3.5); the excluded after them keep their listing order.
fn scored_in_fit_order<'a>(
    policy: &Policy,
    now: DateTime<Utc>,
    raws: Vec<Raw<'a>>,
) -> impl Iterator<Item = (Raw<'a>, f64, f64)> + use<'a> {
    let works: Vec<(Raw<'a>, f64, f64)> = raws
        .into_iter()
        .map(|r| {
            let recent = policy.recency.covers(now, r.timestamp);
            let m = if recent { policy.recency.boost } else { 1.0 };
            let score = r.relevance * m;
            (r, m, score)
        })
        .collect();
    // Candidates first (stable for the excluded, which keep their listing order). Sorting
    // indices, not the items, keeps large moves out of the sort.
    let mut order: Vec<usize> = (0..works.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&works[i], &works[j]);
        a.0.excluded
            .is_some()
            .cmp(&b.0.excluded.is_some())
            .then_with(|| {
                if a.0.excluded.is_some() {
                    return Ordering::Equal;
                }
                fit_order(a.2, a.0.timestamp, &a.0.id, b.2, b.0.timestamp, &b.0.id)
            })
    });
    let mut slots: Vec<Option<(Raw<'a>, f64, f64)>> = works.into_iter().map(Some).collect();
    order.into_iter().filter_map(move |i| slots[i].take())
}

/// Finds duplicates among the candidates (walked in the global pass's order, so the copy
/// assembly prefers is the original) and, under `dedupe`, removes them before any fit: dropped,
/// reason `duplicate`, no longer a candidate. Under `exact` the near copies that remain are
/// still marked. Returns how many candidates were checked for exact copies only (the
/// near-copy screening's budget spent: [`dedupe::SCREEN_BUDGET`]).
fn mark_duplicates(works: &mut [Work], policy: &Policy) -> usize {
    let mut order: Vec<usize> = (0..works.len())
        .filter(|&i| works[i].candidate && works[i].print.is_some())
        .collect();
    if order.len() < 2 {
        return 0;
    }
    order.sort_by(|&a, &b| global_order(&works[a], &works[b]));
    let threshold = policy.dedupe_threshold;
    let prints: Vec<&Fingerprint> = order
        .iter()
        .filter_map(|&i| works[i].print.as_ref())
        .collect();
    let assigned = dedupe::assign(&prints, threshold, policy.dedupe == Dedupe::Exact);
    let mut unscreened = assigned.exact_only_after.map_or(0, |at| order.len() - at);
    let found = assigned.found;
    let mut marks: Vec<(usize, usize, Match, f64)> = found
        .iter()
        .enumerate()
        .filter_map(|(k, f)| f.map(|(o, m, sim)| (order[k], order[o], m, sim)))
        .collect();
    if policy.dedupe == Dedupe::Exact {
        // The exact copies go; near copies among what remains are marked, not removed.
        let removed: Vec<bool> = found.iter().map(Option::is_some).collect();
        let rest: Vec<usize> = (0..order.len()).filter(|&k| !removed[k]).collect();
        let rest_prints: Vec<&Fingerprint> = rest.iter().map(|&k| prints[k]).collect();
        let near = dedupe::assign(&rest_prints, threshold, false);
        if let Some(at) = near.exact_only_after {
            unscreened = unscreened.max(rest.len() - at);
        }
        for (r, f) in near.found.iter().enumerate() {
            if let Some((o, m, sim)) = f {
                marks.push((order[rest[r]], order[rest[*o]], *m, *sim));
            }
        }
    }
    for (i, of, m, sim) in marks {
        let remove = match policy.dedupe {
            Dedupe::Off => false,
            Dedupe::Exact => m == Match::Exact,
            Dedupe::Near => true,
        };
        let of = works[of].item.id.clone();
        let w = &mut works[i];
        w.item.duplicate = Some(DuplicateOf {
            of,
            kind: m,
            similarity: dedupe::round3(sim),
        });
        if remove {
            w.candidate = false;
            w.item.decision = Decision::Dropped;
            w.item.reason = Some(Reason::Duplicate);
            w.item.kept_tokens = 0;
        }
    }
    unscreened
}

/// Score descending, then timestamp descending (none = oldest), then id ascending.
fn fit_order(
    sa: f64,
    ta: Option<DateTime<Utc>>,
    ia: &str,
    sb: f64,
    tb: Option<DateTime<Utc>>,
    ib: &str,
) -> Ordering {
    sb.total_cmp(&sa)
        .then_with(|| tb.cmp(&ta))
        .then_with(|| ia.cmp(ib))
}

fn global_order(a: &Work, b: &Work) -> Ordering {
    global_cmp((&a.item, a.layer_idx), (&b.item, b.layer_idx))
}

/// The global pass order: score desc, timestamp desc, layer order, id asc (SPEC §3.7); each
/// item with the index of its layer in the policy.
pub(crate) fn global_cmp((a, la): (&Item, usize), (b, lb): (&Item, usize)) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| b.timestamp.cmp(&a.timestamp))
        .then_with(|| la.cmp(&lb))
        .then_with(|| a.id.cmp(&b.id))
}

mod finish;
mod sources;

#[cfg(test)]
mod dupes;
#[cfg(test)]
mod margin_props;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
