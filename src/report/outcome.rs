//! What one user's replay comes to for the report: a few numbers per policy, and the diff.

use std::collections::HashMap;

use crate::engine::cache::{CachedContext, drift};
use crate::engine::snapshot::Malformed;
use crate::engine::{Assembly, Decision, MilestoneMap, Policy, Reason, Snapshot, Source};

/// What one policy made of one user's snapshot, in a few numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOutcome {
    pub total_tokens: usize,
    /// Kept tokens per layer, in the policy's layer order.
    pub layer_tokens: Vec<usize>,
    /// Per layer, the tokens of every item that reached its fit: the layer budget that would
    /// keep them all.
    pub layer_needs: Vec<usize>,
    /// Kept tokens weighted by score (`--objective quality`).
    pub kept_score: f64,
    /// Kept tokens of layers whose source is `static`.
    pub static_tokens: usize,
    /// `None`: no knowledge search was made (no query, or no knowledge layer).
    pub rag_hit: Option<bool>,
    /// Knowledge hits that passed retrieval (threshold, milestone filter, limit), and of those
    /// the ones kept whole or truncated.
    pub rag_retrieved: usize,
    pub rag_kept: usize,
    /// Truncated or dropped for budget (the numerator of `truncation_rate`).
    pub lost: usize,
    /// Items that reached a fit (its denominator).
    pub reached: usize,
    pub cache: CacheState,
    /// Duplicate pairs, and the prompt tokens spent on their second copies.
    pub duplicates: (usize, usize),
    /// Near copies were not looked for among some candidates (the screening's bound).
    pub near_unscreened: bool,
}

/// The user's cached context, as a cache-hit and drift metric sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheState {
    /// No `context:{user}:{milestone}` key (expired, or never written).
    Absent,
    /// A key whose value is not a cached context.
    Unreadable,
    /// A cached context written for another user, or another milestone than its key's.
    Foreign,
    /// A cached context; `drift`: it differs from the replay.
    Present { drift: bool },
}

/// How a user's assembly changed from baseline to candidate: the engine's one diff, which the
/// Tune screen reads too.
pub type Change = crate::engine::diff::AssemblyDiff;
pub use crate::engine::diff::{Fate, ItemChange};

/// Everything a report keeps of one user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserOutcome {
    pub user_id: String,
    pub milestone: Option<String>,
    /// Items of the user that could not be read (malformed), and the first of them as
    /// `SOURCE: reason`: a row or key refused or unreadable is data not replayed, said.
    pub unreadable: (usize, Option<String>),
    /// Redis keys this user and another could own (ids may contain `:`): read as no one's, so
    /// the report says them (key, and whose they could be).
    pub ambiguous: Vec<(String, String)>,
    pub candidate: PolicyOutcome,
    pub baseline: Option<PolicyOutcome>,
    pub change: Option<Change>,
}

impl PolicyOutcome {
    /// Boils `a` (an assembly of `snap` under `policy`) down.
    pub fn of(snap: &Snapshot, policy: &Policy, a: &Assembly) -> Self {
        let mut layer_tokens = vec![0; policy.layers.len()];
        let mut layer_needs = vec![0; policy.layers.len()];
        let mut kept_score = 0.0;
        let index: HashMap<&str, usize> = policy
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        let (mut lost, mut reached, mut rag_kept) = (0, 0, false);
        let (mut rag_retrieved, mut rag_kept_hits) = (0, 0);
        for item in &a.items {
            let Some(&li) = index.get(item.layer.as_str()) else {
                continue;
            };
            layer_tokens[li] += item.kept_tokens;
            kept_score += item.score * item.kept_tokens as f64;
            let budget_drop = item.reason.is_some_and(Reason::is_budget);
            if item.decision != Decision::Dropped || budget_drop {
                reached += 1;
                layer_needs[li] += item.tokens;
            }
            if item.decision == Decision::Truncated || budget_drop {
                lost += 1;
            }
            if policy.layers[li].source == Source::Knowledge {
                let kept = item.decision != Decision::Dropped;
                rag_kept |= kept;
                rag_kept_hits += usize::from(kept);
                rag_retrieved += usize::from(!item.reason.is_some_and(Reason::is_retrieval));
            }
        }
        let static_tokens = policy
            .layers
            .iter()
            .zip(&layer_tokens)
            .filter(|(l, _)| l.source == Source::Static)
            .map(|(_, t)| t)
            .sum();
        let searched =
            snap.query.is_some() && policy.layers.iter().any(|l| l.source == Source::Knowledge);
        let cache = match &snap.cached_context {
            None if snap.unreadable_cache().is_some() => CacheState::Unreadable,
            None => CacheState::Absent,
            Some(v) => match CachedContext::from_json(v) {
                // Written for another user or milestone: no hit of this one's, and nothing
                // to compare.
                Ok(c)
                    if c.written_for_another(&snap.user_id, snap.current_milestone.as_deref())
                        .is_some() =>
                {
                    CacheState::Foreign
                }
                Ok(c) => CacheState::Present {
                    drift: !drift(&c, a).is_empty(),
                },
                Err(_) => CacheState::Unreadable,
            },
        };
        PolicyOutcome {
            total_tokens: a.total_tokens,
            layer_tokens,
            layer_needs,
            kept_score,
            static_tokens,
            rag_hit: searched.then_some(rag_kept),
            rag_retrieved,
            rag_kept: rag_kept_hits,
            lost,
            reached,
            cache,
            duplicates: (a.duplicates.len(), a.duplicate_tokens()),
            near_unscreened: a.near_unscreened > 0,
        }
    }
}

impl UserOutcome {
    /// One user: its candidate assembly and, when comparing, its baseline assembly.
    /// `redact` (with the milestone map): the first unreadable item is masked here, as
    /// `--redact` shows it: its reason, and the milestones the map does not know in its key.
    pub fn of(
        snap: &Snapshot,
        candidate: (&Policy, &Assembly),
        baseline: Option<(&Policy, &Assembly)>,
        redact: Option<&MilestoneMap>,
    ) -> Self {
        UserOutcome {
            user_id: snap.user_id.clone(),
            milestone: snap.current_milestone.clone(),
            // Masked here under --redact, as the first unreadable item is: a file's own words
            // whole, a milestone the map does not know in a key.
            ambiguous: snap
                .notes
                .iter()
                .filter(|n| n.kind == crate::engine::snapshot::NoteKind::AmbiguousKey)
                .map(|n| match redact {
                    Some(map) => {
                        use crate::engine::redact::{mask_words, note_message, unknown_in};
                        let words = unknown_in(snap, map);
                        (
                            mask_words(&n.source, &words),
                            note_message(&n.source, &n.message, snap, &words),
                        )
                    }
                    None => (n.source.clone(), n.message.clone()),
                })
                .collect(),
            unreadable: (
                candidate.1.malformed.len(),
                candidate.1.malformed.first().map(|m| {
                    // Masked here, before it is joined to names that may hold quotes.
                    let shown = match redact {
                        Some(map) => {
                            use crate::engine::redact::{mask_words, shown_malformed, unknown_in};
                            let words = unknown_in(snap, map);
                            let m = shown_malformed(m, snap);
                            Malformed {
                                source: mask_words(&m.source, &words),
                                reason: mask_words(&m.reason, &words),
                                ..m
                            }
                        }
                        None => m.clone(),
                    };
                    let (source, reason) = (crate::text::inert_line(&shown.source), shown.reason);
                    // A snapshot file's own words are quoted, said to be the file's.
                    if snap.recorded_malformed(&m.source, m.id.as_deref()) {
                        let said = serde_json::Value::from(reason.as_str());
                        format!(
                            "{source}: the file says {}",
                            crate::text::inert_line(&said.to_string())
                        )
                    } else {
                        format!("{source}: {}", crate::text::inert_line(&reason))
                    }
                }),
            ),
            candidate: PolicyOutcome::of(snap, candidate.0, candidate.1),
            baseline: baseline.map(|(p, a)| PolicyOutcome::of(snap, p, a)),
            change: baseline.map(|(_, a)| crate::engine::diff::diff(a, candidate.1)),
        }
    }
}
