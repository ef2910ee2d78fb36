//! The items each layer's source offers, before scoring (SPEC §3.2).

use super::{Engine, Raw, RawText};
use crate::assembly::{ItemKind, Reason};
use crate::dedupe::Fingerprint;
use crate::milestones::Relation;
use crate::policy::{LayerSpec, Policy, Source};
use crate::render;
use crate::snapshot::{JourneyEntry, JourneyKind, Snapshot};

impl Engine {
    /// The items a layer's source offers, before scoring (SPEC §3.2), with the fingerprints of
    /// the candidates' bodies when `prints`.
    pub(super) fn raw_items<'a>(
        &self,
        snap: &'a Snapshot,
        policy: &Policy,
        layer: &LayerSpec,
        prints: bool,
    ) -> Vec<Raw<'a>> {
        let print = |body: &str| prints.then(|| Fingerprint::of(body));
        match layer.source {
            Source::Session => session_items(snap, policy, prints),
            Source::Journey => snap
                .journey
                .iter()
                .map(|j| {
                    let (kind, r) = self.journey_relevance(snap, policy, j);
                    let text = render::journey_text(j, &self.milestones);
                    // The heading names the row's kind and milestone; the data is the body.
                    let body = text.split_once('\n').map_or("", |(_, b)| b);
                    Raw {
                        print: print(body),
                        ..plain(
                            j.id.clone(),
                            kind,
                            r,
                            j.timestamp,
                            j.milestone.clone(),
                            text,
                        )
                    }
                })
                .collect(),
            Source::Knowledge => knowledge_items(snap, policy, prints),
            Source::Static => policy
                .active_modules()
                .map(|m| Raw {
                    print: print(&m.text),
                    ..plain(
                        m.name.clone(),
                        ItemKind::Static,
                        m.priority,
                        None,
                        None,
                        m.text.clone(),
                    )
                })
                .collect(),
            Source::Query => snap
                .query
                .iter()
                .filter(|q| !q.trim().is_empty())
                .map(|q| plain("query".into(), ItemKind::Query, 1.0, None, None, q.clone()))
                .collect(),
        }
    }

    fn journey_relevance(
        &self,
        snap: &Snapshot,
        policy: &Policy,
        j: &JourneyEntry,
    ) -> (ItemKind, f64) {
        let rel = &policy.journey.relevance;
        let current = snap.current_milestone.as_deref();
        let relation = |m: Option<&str>| match (current, m) {
            (Some(c), Some(m)) => self.milestones.relation(c, m),
            _ => Relation::Other,
        };
        let by_relation = |r: Relation| match r {
            Relation::Direct => rel.direct,
            Relation::Transitive => rel.transitive,
            Relation::Other => rel.other,
        };
        match j.kind {
            JourneyKind::BusinessDna => (ItemKind::BusinessDna, rel.business_dna),
            JourneyKind::MilestoneData => (
                ItemKind::MilestoneData,
                by_relation(relation(j.milestone.as_deref())),
            ),
            JourneyKind::Transition => {
                let to = j.about();
                let r = if to.is_some() && to == current {
                    rel.direct
                } else {
                    rel.other
                };
                (ItemKind::Transition, r)
            }
        }
    }
}

/// A ready-rendered item that nothing excludes and no fingerprint is taken of.
fn plain<'a>(
    id: String,
    kind: ItemKind,
    relevance: f64,
    timestamp: Option<chrono::DateTime<chrono::Utc>>,
    milestone: Option<String>,
    text: String,
) -> Raw<'a> {
    Raw {
        id,
        kind,
        relevance,
        timestamp,
        milestone,
        excluded: None,
        seq: 0,
        print: None,
        text: RawText::Ready(text),
    }
}

/// The session's turns in time order, the oldest beyond `max_items` excluded.
fn session_items<'a>(snap: &'a Snapshot, policy: &Policy, prints: bool) -> Vec<Raw<'a>> {
    let mut turns: Vec<_> = snap.turns().collect();
    turns.sort_by(|a, b| a.1.timestamp.cmp(&b.1.timestamp).then(a.0.cmp(&b.0)));
    let first_kept = turns.len().saturating_sub(policy.session.max_items);
    turns
        .iter()
        .enumerate()
        .map(|(pos, (i, t))| {
            let candidate = pos >= first_kept;
            Raw {
                excluded: (!candidate).then_some(Reason::MaxItems),
                seq: pos,
                print: (prints && candidate).then(|| Fingerprint::of(&render::turn_body(t))),
                ..plain(
                    snap.turn_id(*i),
                    ItemKind::Turn,
                    1.0,
                    Some(t.timestamp),
                    None,
                    render::turn_text(t),
                )
            }
        })
        .collect()
}

/// Knowledge hits with their exclusions (SPEC §3.2): threshold, milestone, then the limit best.
fn knowledge_items<'a>(snap: &'a Snapshot, policy: &Policy, prints: bool) -> Vec<Raw<'a>> {
    let k = &policy.knowledge;
    let mut hits: Vec<_> = snap.knowledge.iter().collect();
    hits.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut passed = 0;
    hits.into_iter()
        .map(|h| {
            let excluded = if h.similarity < k.similarity_threshold {
                Some(Reason::BelowThreshold)
            } else if k.same_milestone_only
                && h.milestone.is_some()
                && h.milestone.as_deref() != snap.current_milestone.as_deref()
            {
                Some(Reason::OtherMilestone)
            } else if passed >= k.limit {
                Some(Reason::OverLimit)
            } else {
                passed += 1;
                None
            };
            Raw {
                id: h.id.clone(),
                kind: ItemKind::Knowledge,
                relevance: h.similarity,
                timestamp: h.timestamp,
                milestone: h.milestone.clone(),
                print: (prints && excluded.is_none()).then(|| Fingerprint::of(&h.content)),
                excluded,
                seq: 0,
                text: RawText::Knowledge(h),
            }
        })
        .collect()
}
