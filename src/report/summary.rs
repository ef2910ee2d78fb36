//! The report's figures as printed: seed 003's monitoring table, ContextMetrics, per milestone,
//! the change and the users not read.

use serde::{Deserialize, Serialize};

use std::cmp::Reverse;

use crate::engine::diff::ItemChange;

/// (metric key, label, target) in seed 003's order.
pub const MONITORING: [(&str, &str, &str); 4] = [
    ("avg_context_tokens", "Avg context tokens", "< 2500"),
    ("static_share", "Static context %", "20–40 %"),
    ("rag_hit_rate", "RAG context hits", "> 80 %"),
    ("truncation_rate", "Truncation rate", "< 5 %"),
];

/// Facts about the run that the tally does not know.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub source: String,
    /// How many users the run set out to read, when known.
    pub users_total: Option<u64>,
    /// Stopped early (Ctrl-C, or a store went away): the figures cover the users read so far.
    pub partial: bool,
    /// Why it stopped early, and how many users it did not read.
    pub stopped: Option<Stopped>,
    /// Duplicates were looked for (`--duplicates`, or a policy that dedupes).
    pub duplicates: bool,
    /// What is known of the set of every knowledge row (for "never retrieved").
    pub catalogue: super::knowledge::Catalogue,
    /// Knowledge rows listed per milestone and kind.
    pub knowledge_listed: usize,
    /// A sample asked for more users than there are: (asked, how many there are; every one
    /// was read).
    pub whole_sample: Option<(u64, u64)>,
    /// The milestone map's ids (empty: not known), so users at a milestone it does not have are
    /// said (their journey rows score as `other`).
    pub map_ids: Vec<String>,
}

/// A whole report, as `--format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub source: String,
    pub users: u64,
    pub users_total: Option<u64>,
    pub partial: bool,
    /// With `partial`: why, and how many users were not read.
    #[serde(default)]
    pub stopped: Option<Stopped>,
    pub candidate: PolicySummary,
    pub baseline: Option<PolicySummary>,
    pub monitoring: Vec<MonitoringRow>,
    pub milestones: Vec<MilestoneRow>,
    pub changes: Option<Changes>,
    pub errors: ErrorSummary,
    /// Users at a milestone the dependency map does not have, by milestone (a custom map that
    /// names other milestones than the data's): their journey relevance is `other`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside_map: Vec<(String, u64)>,
    /// Data of users read that could not be read itself (malformed items: a key the server
    /// refused, a row of a bad type): replayed without it, counted and named here.
    #[serde(default, skip_serializing_if = "Unreadable::is_none")]
    pub unreadable: Unreadable,
    /// Redis keys that several users could own (ids may contain `:`), read as no one's: each
    /// key once, `KEY: could belong to a or a:b …`, in key order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ambiguous_keys: Vec<String>,
    /// The users spending the most prompt tokens on second copies (candidate policy).
    #[serde(default)]
    pub duplicated_users: Vec<super::dupes::DupOffender>,
    /// Whether duplicates were looked for: without, the duplicate figures are zeros.
    #[serde(default)]
    pub duplicates_found: bool,
    /// How the candidate used the knowledge rows: dead knowledge by row milestone (`None`: the
    /// candidate has no knowledge layer).
    #[serde(default)]
    pub knowledge: Option<super::knowledge::KnowledgeSummary>,
}

impl Summary {
    /// The JSON a report writes: a policy's figures over no user at all are `null`, as the
    /// table's `n/a`, never 0 (a truncation rate of 0 over no user would read as a pass).
    pub fn to_json(&self) -> serde_json::Value {
        // Plain data (numbers, strings, maps): serialising cannot fail.
        let mut v = serde_json::to_value(self).unwrap_or_default();
        for side in ["candidate", "baseline"] {
            let figures = &mut v[side];
            if figures["users"] != 0 {
                continue;
            }
            for key in [
                "avg_context_tokens",
                "truncation_rate",
                "avg_kept_score",
                "cache_hit_rate",
                "duplicate_share",
            ] {
                figures[key] = serde_json::Value::Null;
            }
            let unknown = |d: &mut serde_json::Value| {
                for key in ["mean", "p50", "p90", "p99"] {
                    if d.get(key).is_some() {
                        d[key] = serde_json::Value::Null;
                    }
                }
            };
            unknown(&mut figures["total_tokens"]);
            figures["layers"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .for_each(unknown);
        }
        v
    }
}

/// One policy's figures over the fleet (seed 000's ContextMetrics and the monitoring inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub policy: String,
    pub tokenizer: String,
    pub strategy: String,
    pub total_budget: u32,
    pub users: u64,
    pub avg_context_tokens: f64,
    /// `None`: the policy has no static layer.
    pub static_share: Option<f64>,
    /// `None`: no user had a knowledge search.
    pub rag_hit_rate: Option<f64>,
    pub truncation_rate: f64,
    /// Kept tokens weighted by score, per user (what `optimize --objective quality` raises).
    #[serde(default)]
    pub avg_kept_score: f64,
    pub total_tokens: Dist,
    /// Kept tokens per layer, in policy order.
    pub layers: Vec<LayerDist>,
    /// Users with a cached context present, of all users.
    pub cache_hit_rate: f64,
    /// Users whose cached context differs from the replay, of those with one.
    pub cache_drift_rate: Option<f64>,
    pub cache_unreadable: u64,
    /// Cached contexts written for another user, or another milestone than their key's: no
    /// hit, and not compared.
    #[serde(default)]
    pub cache_foreign: u64,
    /// Prompt tokens spent on second copies of items (`dedupe`), summed over the users.
    #[serde(default)]
    pub duplicate_tokens: u64,
    /// `duplicate_tokens` of all prompt tokens.
    #[serde(default)]
    pub duplicate_share: f64,
    #[serde(default)]
    pub users_with_duplicates: u64,
    /// Users among whose items near copies were not looked for everywhere (the screening's
    /// bound was reached; exact copies were): their duplicate figures may be low.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub users_near_unscreened: u64,
    /// The figures above before rounding: what verdicts, `--fail-on` gates and the optimizer
    /// decide on, so a rate just under its target (0.04996 against < 5 %) is never failed for
    /// the digits shown. Not written out (the files carry the rounded figures).
    #[serde(skip)]
    pub exact: Exact,
}

/// A policy's monitoring figures unrounded ([`PolicySummary::exact`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Exact {
    pub avg_context_tokens: f64,
    pub static_share: Option<f64>,
    pub rag_hit_rate: Option<f64>,
    pub truncation_rate: f64,
    pub avg_kept_score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Dist {
    /// The exact sum over the users (the mean is rounded).
    #[serde(default)]
    pub sum: u64,
    pub mean: f64,
    pub p50: usize,
    pub p90: usize,
    pub p99: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerDist {
    pub layer: String,
    pub source: String,
    pub budget: u32,
    #[serde(flatten)]
    pub tokens: Dist,
    /// The layer budget at which half, 90 % and 99 % of users would keep every candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keeps_all: Option<KeepsAll>,
}

/// Per layer over the fleet: the budgets that keep every candidate for a share of users.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct KeepsAll {
    pub p50: usize,
    pub p90: usize,
    pub p99: usize,
    /// Users whose candidates all fit the layer's budget now, of all users.
    pub users_kept_whole: f64,
}

/// A metric's value under one policy and whether it meets seed 003's target (`None`: n/a).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub value: Option<f64>,
    pub pass: Option<bool>,
    /// The value unrounded, which `pass` is decided on: shown with the digits it takes not to
    /// read as the target's edge. Not written out.
    #[serde(skip)]
    pub exact: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringRow {
    pub metric: String,
    pub label: String,
    pub target: String,
    pub candidate: Metric,
    pub baseline: Option<Metric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneRow {
    /// `None`: users with no journey.
    pub milestone: Option<String>,
    pub users: u64,
    pub candidate: MilestoneFigures,
    pub baseline: Option<MilestoneFigures>,
    pub users_changed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MilestoneFigures {
    pub avg_context_tokens: f64,
    pub truncation_rate: f64,
    /// Seed 003's "RAG context hits": of the users searched, those whose prompt kept a hit.
    pub rag_hit_rate: Option<f64>,
    /// Hits retrieved (through threshold, milestone filter and limit), summed over the users.
    #[serde(default)]
    pub rag_hits_retrieved: u64,
    /// Of those, kept whole or truncated.
    #[serde(default)]
    pub rag_hits_kept: u64,
    /// `rag_hits_kept / rag_hits_retrieved` (`None`: nothing retrieved).
    #[serde(default)]
    pub rag_kept_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub users_compared: u64,
    pub users_changed: u64,
    pub tokens_newly_dropped: u64,
    pub tokens_newly_added: u64,
    pub most_affected: Vec<Affected>,
}

/// Malformed items over the fleet: how many, in how many users, the first few by user id
/// (`USER: SOURCE: reason`; `inspect USER` lists each), and every such user's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    pub items: u64,
    pub users: u64,
    pub first: Vec<String>,
    /// Every user with data that could not be read, in id order: the text lists the first few.
    #[serde(default)]
    pub user_ids: Vec<String>,
}

impl Unreadable {
    fn is_none(&self) -> bool {
        self.items == 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorSummary {
    pub count: u64,
    pub first: Vec<String>,
}

/// Why a run stopped before reading every user, and how many it did not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stopped {
    /// [`super::run::INTERRUPTED`], or the store error that stopped it (naming the store).
    pub cause: String,
    /// Users the run knew of and did not read: of the total when it is known, else of those
    /// listed before the stop.
    pub not_read: u64,
    /// The total is unknown and listing stopped too: more users may exist than were counted.
    pub not_read_lower_bound: bool,
    /// A store went away (or could not be reached); false for Ctrl-C and for a users list
    /// the store could not give (bad data in it, say), which an outage would not explain.
    #[serde(default)]
    pub outage: bool,
}

/// A user among the most affected, ordered so the heap's top is the least affected kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub user_id: String,
    pub milestone: Option<String>,
    pub tokens_newly_dropped: usize,
    pub tokens_newly_added: usize,
    pub items: Vec<ItemChange>,
}

impl Affected {
    /// More dropped first, then more added, then user id ascending.
    pub(super) fn rank(&self) -> (Reverse<usize>, Reverse<usize>, &str) {
        (
            Reverse(self.tokens_newly_dropped),
            Reverse(self.tokens_newly_added),
            &self.user_id,
        )
    }
}

impl Ord for Affected {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Affected {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Summary {
    /// The report as `--redact` shows it: a milestone the map does not know is masked (it was
    /// written by someone, not taken from the map), and so are the values quoted in why the run
    /// stopped (a run with `Plan::redact` masks its users' messages as it names them).
    pub fn mask(&mut self, map: &crate::engine::MilestoneMap) {
        use crate::engine::redact::{mask_milestone, mask_quoted};
        // Rows of milestones the map does not know are masked, and go last, ordered by their
        // figures: in the order of their hidden names they would tell where those names sort.
        let hidden =
            |m: &Option<String>| m.as_deref().is_some_and(|id| mask_milestone(id, map) != id);
        let mut rows: Vec<(bool, MilestoneRow)> = std::mem::take(&mut self.milestones)
            .into_iter()
            .map(|r| (hidden(&r.milestone), r))
            .collect();
        // Rows of equal figures, by a hash of their names: nothing their order tells spells.
        let name = |r: &MilestoneRow| blind(r.milestone.as_deref().unwrap_or_default());
        rows.sort_by(|(ha, a), (hb, b)| {
            ha.cmp(hb).then_with(|| {
                if *ha {
                    b.users
                        .cmp(&a.users)
                        .then(
                            b.candidate
                                .avg_context_tokens
                                .total_cmp(&a.candidate.avg_context_tokens),
                        )
                        .then_with(|| name(a).cmp(&name(b)))
                } else {
                    std::cmp::Ordering::Equal
                }
            })
        });
        self.milestones = rows.into_iter().map(|(_, r)| r).collect();
        for row in &mut self.milestones {
            row.milestone = row.milestone.as_deref().map(|m| mask_milestone(m, map));
        }
        let masked = |m: &mut Option<String>| *m = m.as_deref().map(|id| mask_milestone(id, map));
        if let Some(k) = &mut self.knowledge {
            // Groups of milestones the map does not know go last, by their figures.
            k.milestones.sort_by(|a, b| {
                let (ha, hb) = (hidden(&a.milestone), hidden(&b.milestone));
                let key = |g: &crate::report::knowledge::KnowledgeGroup| {
                    (
                        std::cmp::Reverse((g.counts.seen, g.counts.rows)),
                        blind(g.milestone.as_deref().unwrap_or_default()),
                    )
                };
                ha.cmp(&hb).then_with(|| {
                    if ha {
                        key(a).cmp(&key(b))
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
            });
            for group in &mut k.milestones {
                masked(&mut group.milestone);
            }
        }
        for a in self.changes.iter_mut().flat_map(|c| &mut c.most_affected) {
            masked(&mut a.milestone);
        }
        for d in &mut self.duplicated_users {
            masked(&mut d.milestone);
        }
        // Most users first, not in the order of the names hidden.
        self.outside_map
            .sort_by_key(|(m, users)| (std::cmp::Reverse(*users), blind(m)));
        for (m, _) in &mut self.outside_map {
            *m = mask_milestone(m, map);
        }
        // The messages of users not read and of data unreadable were masked where the run
        // named them, before they were joined to ids and names that may hold quotes.
        if let Some(stopped) = &mut self.stopped {
            stopped.cause = mask_quoted(&stopped.cause);
        }
    }
}

/// Where a hidden name sorts among others of equal figures: by a hash of it (FNV-1a), so the
/// order tells nothing of how the names compare.
fn blind(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A per-milestone row's CSV key: the milestone as stored (an empty one empty), and
/// `(no journey)` for users without a journey row, so the two are two keys there too.
pub fn milestone_key(m: Option<&str>) -> String {
    m.map_or_else(|| "(no journey)".into(), str::to_string)
}

/// A per-milestone row's name: `(no journey)` for users without a journey row, `(empty)` for a
/// journey row at an empty milestone (two groups, never one).
pub fn milestone_name(m: Option<&str>) -> String {
    match m {
        None => "(no journey)".into(),
        Some("") => "(empty)".into(),
        Some(m) => m.to_string(),
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
