//! The fleet what-if report: every user replayed under a candidate policy (and a baseline),
//! summed up as seed 003's monitoring table, seed 000's ContextMetrics, a per-milestone
//! breakdown and the users a change affects most.
//!
//! The metrics part is pure: [`UserOutcome::of`] boils one user's assemblies down to a few
//! numbers, [`Tally`] adds outcomes up in memory that does not grow with the number of users
//! (token distributions are exact histograms keyed by token count, the most-affected list is a
//! bounded heap), and [`Tally::summary`] computes the figures. [`run`] feeds it from a store.

pub mod catch;
pub mod format;
pub mod run;
pub mod source;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use serde::{Deserialize, Serialize};

use crate::engine::cache::{CachedContext, drift};
use crate::engine::{Assembly, Decision, Policy, Reason, Snapshot, Source};

/// Seed 003's targets.
pub const AVG_TOKENS_TARGET: f64 = 2500.0;
pub const STATIC_SHARE_TARGET: (f64, f64) = (0.20, 0.40);
pub const RAG_HIT_TARGET: f64 = 0.80;
pub const TRUNCATION_TARGET: f64 = 0.05;

/// How many most-affected users a report lists unless asked otherwise.
pub const DEFAULT_TOP: usize = 10;
/// How many load failures a report keeps the message of (all are counted).
const ERRORS_KEPT: usize = 20;

/// What one policy made of one user's snapshot, in a few numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOutcome {
    pub total_tokens: usize,
    /// Kept tokens per layer, in the policy's layer order.
    pub layer_tokens: Vec<usize>,
    /// Kept tokens of layers whose source is `static`.
    pub static_tokens: usize,
    /// `None`: no knowledge search was made (no query, or no knowledge layer).
    pub rag_hit: Option<bool>,
    /// Truncated or dropped for budget (the numerator of `truncation_rate`).
    pub lost: usize,
    /// Items that reached a fit (its denominator).
    pub reached: usize,
    pub cache: CacheState,
}

/// The user's cached context, as a cache-hit and drift metric sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheState {
    /// No `context:{user}:{milestone}` key (expired, or never written).
    Absent,
    /// A key whose value is not a cached context.
    Unreadable,
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
    pub candidate: PolicyOutcome,
    pub baseline: Option<PolicyOutcome>,
    pub change: Option<Change>,
}

impl PolicyOutcome {
    /// Boils `a` (an assembly of `snap` under `policy`) down.
    pub fn of(snap: &Snapshot, policy: &Policy, a: &Assembly) -> Self {
        let mut layer_tokens = vec![0; policy.layers.len()];
        let index: HashMap<&str, usize> = policy
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        let (mut lost, mut reached, mut rag_kept) = (0, 0, false);
        for item in &a.items {
            let Some(&li) = index.get(item.layer.as_str()) else {
                continue;
            };
            layer_tokens[li] += item.kept_tokens;
            let budget_drop = item.reason.is_some_and(Reason::is_budget);
            if item.decision != Decision::Dropped || budget_drop {
                reached += 1;
            }
            if item.decision == Decision::Truncated || budget_drop {
                lost += 1;
            }
            if policy.layers[li].source == Source::Knowledge && item.decision != Decision::Dropped {
                rag_kept = true;
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
            None => CacheState::Absent,
            Some(v) => match CachedContext::from_json(v) {
                Ok(c) => CacheState::Present {
                    drift: !drift(&c, a).is_empty(),
                },
                Err(_) => CacheState::Unreadable,
            },
        };
        PolicyOutcome {
            total_tokens: a.total_tokens,
            layer_tokens,
            static_tokens,
            rag_hit: searched.then_some(rag_kept),
            lost,
            reached,
            cache,
        }
    }
}

impl UserOutcome {
    /// One user: its candidate assembly and, when comparing, its baseline assembly.
    pub fn of(
        snap: &Snapshot,
        candidate: (&Policy, &Assembly),
        baseline: Option<(&Policy, &Assembly)>,
    ) -> Self {
        UserOutcome {
            user_id: snap.user_id.clone(),
            milestone: snap.current_milestone.clone(),
            candidate: PolicyOutcome::of(snap, candidate.0, candidate.1),
            baseline: baseline.map(|(p, a)| PolicyOutcome::of(snap, p, a)),
            change: baseline.map(|(_, a)| crate::engine::diff::diff(a, candidate.1)),
        }
    }
}

/// Exact counts of a value per user: quantiles without keeping every user (values are token
/// counts, so there are at most as many keys as distinct counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    counts: BTreeMap<usize, u64>,
    n: u64,
    sum: u128,
}

impl Histogram {
    pub fn add(&mut self, v: usize) {
        *self.counts.entry(v).or_default() += 1;
        self.n += 1;
        self.sum += v as u128;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (v, c) in &other.counts {
            *self.counts.entry(*v).or_default() += c;
        }
        self.n += other.n;
        self.sum += other.sum;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum as f64 / self.n as f64
        }
    }

    /// Nearest rank: the smallest value with at least `ceil(p × n)` values at or below it.
    pub fn quantile(&self, p: f64) -> usize {
        let rank = ((p * self.n as f64).ceil() as u64).clamp(1, self.n.max(1));
        let mut seen = 0;
        for (v, c) in &self.counts {
            seen += c;
            if seen >= rank {
                return *v;
            }
        }
        0
    }

    pub fn stats(&self) -> Dist {
        Dist {
            mean: round2(self.mean()),
            p50: self.quantile(0.50),
            p90: self.quantile(0.90),
            p99: self.quantile(0.99),
        }
    }
}

/// Sums of one policy's outcomes over a group of users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub users: u64,
    pub total: Histogram,
    /// Per policy layer.
    pub layers: Vec<Histogram>,
    pub static_tokens: u64,
    pub rag_searched: u64,
    pub rag_hits: u64,
    pub lost: u64,
    pub reached: u64,
    pub cache_present: u64,
    pub cache_unreadable: u64,
    pub cache_drift: u64,
}

impl Counts {
    fn add(&mut self, o: &PolicyOutcome) {
        self.users += 1;
        self.total.add(o.total_tokens);
        if self.layers.len() < o.layer_tokens.len() {
            self.layers
                .resize_with(o.layer_tokens.len(), Histogram::default);
        }
        for (h, t) in self.layers.iter_mut().zip(&o.layer_tokens) {
            h.add(*t);
        }
        self.static_tokens += o.static_tokens as u64;
        if let Some(hit) = o.rag_hit {
            self.rag_searched += 1;
            self.rag_hits += u64::from(hit);
        }
        self.lost += o.lost as u64;
        self.reached += o.reached as u64;
        match o.cache {
            CacheState::Absent => {}
            CacheState::Unreadable => self.cache_unreadable += 1,
            CacheState::Present { drift } => {
                self.cache_present += 1;
                self.cache_drift += u64::from(drift);
            }
        }
    }

    fn merge(&mut self, o: &Counts) {
        self.users += o.users;
        self.total.merge(&o.total);
        if self.layers.len() < o.layers.len() {
            self.layers.resize_with(o.layers.len(), Histogram::default);
        }
        for (h, other) in self.layers.iter_mut().zip(&o.layers) {
            h.merge(other);
        }
        self.static_tokens += o.static_tokens;
        self.rag_searched += o.rag_searched;
        self.rag_hits += o.rag_hits;
        self.lost += o.lost;
        self.reached += o.reached;
        self.cache_present += o.cache_present;
        self.cache_unreadable += o.cache_unreadable;
        self.cache_drift += o.cache_drift;
    }

    fn truncation_rate(&self) -> f64 {
        ratio(self.lost, self.reached)
    }

    fn rag_hit_rate(&self) -> Option<f64> {
        (self.rag_searched > 0).then(|| ratio(self.rag_hits, self.rag_searched))
    }
}

/// Candidate and baseline counts of one group of users, and how many of them changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub candidate: Counts,
    pub baseline: Counts,
    pub changed: u64,
    pub tokens_newly_dropped: u64,
    pub tokens_newly_added: u64,
}

impl Group {
    fn add(&mut self, o: &UserOutcome) {
        self.candidate.add(&o.candidate);
        if let Some(b) = &o.baseline {
            self.baseline.add(b);
        }
        if let Some(c) = &o.change {
            self.changed += u64::from(c.prompt_changed);
            self.tokens_newly_dropped += c.tokens_newly_dropped as u64;
            self.tokens_newly_added += c.tokens_newly_added as u64;
        }
    }

    fn merge(&mut self, o: &Group) {
        self.candidate.merge(&o.candidate);
        self.baseline.merge(&o.baseline);
        self.changed += o.changed;
        self.tokens_newly_dropped += o.tokens_newly_dropped;
        self.tokens_newly_added += o.tokens_newly_added;
    }
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
    fn rank(&self) -> (Reverse<usize>, Reverse<usize>, &str) {
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

/// The running report: bounded in memory whatever the number of users.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub fleet: Group,
    /// By current milestone (`""`: no journey).
    pub milestones: BTreeMap<String, Group>,
    top_n: usize,
    /// Max-heap by rank: its top is the least affected of those kept.
    top: BinaryHeap<Affected>,
    pub compared: bool,
    pub errors: u64,
    pub error_messages: Vec<String>,
}

impl Tally {
    pub fn new(top_n: usize, compared: bool) -> Self {
        Tally {
            top_n,
            compared,
            ..Tally::default()
        }
    }

    pub fn add(&mut self, o: UserOutcome) {
        self.fleet.add(&o);
        self.milestones
            .entry(o.milestone.clone().unwrap_or_default())
            .or_default()
            .add(&o);
        if let Some(c) = o.change
            && c.prompt_changed
        {
            self.offer(Affected {
                user_id: o.user_id,
                milestone: o.milestone,
                tokens_newly_dropped: c.tokens_newly_dropped,
                tokens_newly_added: c.tokens_newly_added,
                items: c.items,
            });
        }
    }

    fn offer(&mut self, a: Affected) {
        if self.top_n == 0 {
            return;
        }
        if self.top.len() < self.top_n {
            self.top.push(a);
        } else if self.top.peek().is_some_and(|worst| a < *worst) {
            self.top.pop();
            self.top.push(a);
        }
    }

    /// A user that could not be loaded: counted, and its message kept while there are few.
    pub fn error(&mut self, message: String) {
        self.errors += 1;
        if self.error_messages.len() < ERRORS_KEPT {
            self.error_messages.push(message);
        }
    }

    /// Adds another tally's users (from another worker).
    pub fn merge(&mut self, other: Tally) {
        self.fleet.merge(&other.fleet);
        for (m, g) in &other.milestones {
            self.milestones.entry(m.clone()).or_default().merge(g);
        }
        for a in other.top {
            self.offer(a);
        }
        self.errors += other.errors;
        for m in other.error_messages {
            if self.error_messages.len() < ERRORS_KEPT {
                self.error_messages.push(m);
            }
        }
    }

    pub fn users(&self) -> u64 {
        self.fleet.candidate.users
    }

    /// The figures, for output.
    pub fn summary(&self, candidate: &Policy, baseline: Option<&Policy>, run: RunInfo) -> Summary {
        let side = |c: &Counts, p: &Policy| PolicySummary::of(c, p);
        let cand = side(&self.fleet.candidate, candidate);
        let base = baseline.map(|p| side(&self.fleet.baseline, p));
        let monitoring = MONITORING
            .iter()
            .map(|&(metric, label, target)| MonitoringRow {
                metric: metric.to_string(),
                label: label.to_string(),
                target: target.to_string(),
                candidate: cand.monitor(metric),
                baseline: base.as_ref().map(|b| b.monitor(metric)),
            })
            .collect();
        let milestones = self
            .milestones
            .iter()
            .map(|(m, g)| MilestoneRow {
                milestone: (!m.is_empty()).then(|| m.clone()),
                users: g.candidate.users,
                candidate: MilestoneFigures::of(&g.candidate),
                baseline: baseline.map(|_| MilestoneFigures::of(&g.baseline)),
                users_changed: baseline.map(|_| g.changed),
            })
            .collect();
        let changes = baseline.map(|_| Changes {
            users_compared: self.fleet.baseline.users,
            users_changed: self.fleet.changed,
            tokens_newly_dropped: self.fleet.tokens_newly_dropped,
            tokens_newly_added: self.fleet.tokens_newly_added,
            most_affected: {
                let mut v: Vec<Affected> = self.top.clone().into_vec();
                v.sort();
                v
            },
        });
        Summary {
            source: run.source,
            users: self.users(),
            users_total: run.users_total,
            partial: run.partial,
            stopped: run.stopped,
            candidate: cand,
            baseline: base,
            monitoring,
            milestones,
            changes,
            errors: ErrorSummary {
                count: self.errors,
                first: self.error_messages.clone(),
            },
        }
    }
}

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
    pub stopped: Option<run::Stopped>,
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
    pub stopped: Option<run::Stopped>,
    pub candidate: PolicySummary,
    pub baseline: Option<PolicySummary>,
    pub monitoring: Vec<MonitoringRow>,
    pub milestones: Vec<MilestoneRow>,
    pub changes: Option<Changes>,
    pub errors: ErrorSummary,
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
    pub total_tokens: Dist,
    /// Kept tokens per layer, in policy order.
    pub layers: Vec<LayerDist>,
    /// Users with a cached context present, of all users.
    pub cache_hit_rate: f64,
    /// Users whose cached context differs from the replay, of those with one.
    pub cache_drift_rate: Option<f64>,
    pub cache_unreadable: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Dist {
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
}

/// A metric's value under one policy and whether it meets seed 003's target (`None`: n/a).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub value: Option<f64>,
    pub pass: Option<bool>,
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
    pub rag_hit_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub users_compared: u64,
    pub users_changed: u64,
    pub tokens_newly_dropped: u64,
    pub tokens_newly_added: u64,
    pub most_affected: Vec<Affected>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorSummary {
    pub count: u64,
    pub first: Vec<String>,
}

impl PolicySummary {
    fn of(c: &Counts, p: &Policy) -> Self {
        let budgets = p.budgets();
        let has_static = p.layers.iter().any(|l| l.source == Source::Static);
        let sum_total = c.total.sum as u64;
        PolicySummary {
            policy: p.name.clone(),
            tokenizer: p.tokenizer.to_string(),
            strategy: p.strategy.as_str().to_string(),
            total_budget: budgets.total,
            users: c.users,
            avg_context_tokens: round2(c.total.mean()),
            static_share: has_static.then(|| round4(ratio(c.static_tokens, sum_total))),
            rag_hit_rate: c.rag_hit_rate().map(round4),
            truncation_rate: round4(c.truncation_rate()),
            total_tokens: c.total.stats(),
            layers: p
                .layers
                .iter()
                .enumerate()
                .map(|(i, l)| LayerDist {
                    layer: l.name.clone(),
                    source: l.source.as_str().to_string(),
                    budget: budgets.layers.get(i).copied().unwrap_or(0),
                    tokens: c.layers.get(i).map(Histogram::stats).unwrap_or_default(),
                })
                .collect(),
            cache_hit_rate: round4(ratio(c.cache_present, c.users)),
            cache_drift_rate: (c.cache_present > 0)
                .then(|| round4(ratio(c.cache_drift, c.cache_present))),
            cache_unreadable: c.cache_unreadable,
        }
    }

    /// The monitoring metric `key` and its verdict.
    pub fn monitor(&self, key: &str) -> Metric {
        let (value, pass) = match key {
            "avg_context_tokens" => {
                let v = self.avg_context_tokens;
                (Some(v), (self.users > 0).then_some(v < AVG_TOKENS_TARGET))
            }
            "static_share" => {
                let v = self.static_share;
                let (lo, hi) = STATIC_SHARE_TARGET;
                (v, v.map(|v| (lo..=hi).contains(&v)))
            }
            "rag_hit_rate" => (
                self.rag_hit_rate,
                self.rag_hit_rate.map(|v| v > RAG_HIT_TARGET),
            ),
            "truncation_rate" => {
                let v = self.truncation_rate;
                (Some(v), (self.users > 0).then_some(v < TRUNCATION_TARGET))
            }
            _ => (None, None),
        };
        Metric { value, pass }
    }
}

impl MilestoneFigures {
    fn of(c: &Counts) -> Self {
        MilestoneFigures {
            avg_context_tokens: round2(c.total.mean()),
            truncation_rate: round4(c.truncation_rate()),
            rag_hit_rate: c.rag_hit_rate().map(round4),
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Figures are rounded so text, CSV and JSON agree and re-runs compare equal.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
