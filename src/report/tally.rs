//! Adding users up in memory that does not grow with the fleet: exact token histograms, counts,
//! per-milestone groups and a bounded heap of the most affected users.

use std::collections::{BTreeMap, BinaryHeap};

use super::outcome::{CacheState, PolicyOutcome, UserOutcome};
use super::summary::{
    Affected, Changes, Dist, ErrorSummary, KeepsAll, LayerDist, Metric, MilestoneFigures,
    MilestoneRow, MonitoringRow, PolicySummary, RunInfo, Summary,
};
use super::{
    AVG_TOKENS_TARGET, ERRORS_KEPT, MONITORING, RAG_HIT_TARGET, STATIC_SHARE_TARGET,
    TRUNCATION_TARGET,
};
use crate::engine::{Policy, Source};

/// Exact counts of a value per user: quantiles without keeping every user (values are token
/// counts, so there are at most as many keys as distinct counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    pub(super) counts: BTreeMap<usize, u64>,
    pub(super) n: u64,
    pub(super) sum: u128,
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

    /// The budgets at which half, 90 % and 99 % of users keep every candidate (the needs'
    /// quantiles), and the share of users whose needs fit `budget`.
    pub fn keeps_all(&self, budget: u32) -> KeepsAll {
        let fit: u64 = self.counts.range(..=budget as usize).map(|(_, c)| c).sum();
        KeepsAll {
            p50: self.quantile(0.50),
            p90: self.quantile(0.90),
            p99: self.quantile(0.99),
            users_kept_whole: round4(ratio(fit, self.n)),
        }
    }

    pub fn stats(&self) -> Dist {
        Dist {
            sum: u64::try_from(self.sum).unwrap_or(u64::MAX),
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
    /// Per policy layer: the budget that keeps every candidate, per user.
    pub needs: Vec<Histogram>,
    pub kept_score: f64,
    pub static_tokens: u64,
    pub rag_searched: u64,
    pub rag_hits: u64,
    /// Hits retrieved (through the knowledge gates) and kept, summed over users.
    pub rag_retrieved: u64,
    pub rag_kept: u64,
    pub lost: u64,
    pub reached: u64,
    pub cache_present: u64,
    pub cache_unreadable: u64,
    pub cache_foreign: u64,
    pub cache_drift: u64,
    pub duplicate_tokens: u64,
    pub users_with_duplicates: u64,
    pub users_near_unscreened: u64,
}

impl Counts {
    pub(super) fn add(&mut self, o: &PolicyOutcome) {
        self.users += 1;
        self.total.add(o.total_tokens);
        if self.layers.len() < o.layer_tokens.len() {
            self.layers
                .resize_with(o.layer_tokens.len(), Histogram::default);
        }
        for (h, t) in self.layers.iter_mut().zip(&o.layer_tokens) {
            h.add(*t);
        }
        if self.needs.len() < o.layer_needs.len() {
            self.needs
                .resize_with(o.layer_needs.len(), Histogram::default);
        }
        for (h, t) in self.needs.iter_mut().zip(&o.layer_needs) {
            h.add(*t);
        }
        self.kept_score += o.kept_score;
        self.static_tokens += o.static_tokens as u64;
        if let Some(hit) = o.rag_hit {
            self.rag_searched += 1;
            self.rag_hits += u64::from(hit);
        }
        self.rag_retrieved += o.rag_retrieved as u64;
        self.rag_kept += o.rag_kept as u64;
        self.lost += o.lost as u64;
        self.reached += o.reached as u64;
        self.duplicate_tokens += o.duplicates.1 as u64;
        self.users_with_duplicates += u64::from(o.duplicates.0 > 0);
        self.users_near_unscreened += u64::from(o.near_unscreened);
        match o.cache {
            CacheState::Absent => {}
            CacheState::Unreadable => self.cache_unreadable += 1,
            CacheState::Foreign => self.cache_foreign += 1,
            CacheState::Present { drift } => {
                self.cache_present += 1;
                self.cache_drift += u64::from(drift);
            }
        }
    }

    pub(super) fn merge(&mut self, o: &Counts) {
        self.users += o.users;
        self.total.merge(&o.total);
        if self.layers.len() < o.layers.len() {
            self.layers.resize_with(o.layers.len(), Histogram::default);
        }
        for (h, other) in self.layers.iter_mut().zip(&o.layers) {
            h.merge(other);
        }
        if self.needs.len() < o.needs.len() {
            self.needs.resize_with(o.needs.len(), Histogram::default);
        }
        for (h, other) in self.needs.iter_mut().zip(&o.needs) {
            h.merge(other);
        }
        self.kept_score += o.kept_score;
        self.static_tokens += o.static_tokens;
        self.rag_searched += o.rag_searched;
        self.rag_hits += o.rag_hits;
        self.rag_retrieved += o.rag_retrieved;
        self.rag_kept += o.rag_kept;
        self.lost += o.lost;
        self.reached += o.reached;
        self.cache_present += o.cache_present;
        self.cache_unreadable += o.cache_unreadable;
        self.cache_foreign += o.cache_foreign;
        self.cache_drift += o.cache_drift;
        self.duplicate_tokens += o.duplicate_tokens;
        self.users_with_duplicates += o.users_with_duplicates;
        self.users_near_unscreened += o.users_near_unscreened;
    }

    pub(super) fn truncation_rate(&self) -> f64 {
        ratio(self.lost, self.reached)
    }

    pub(super) fn rag_hit_rate(&self) -> Option<f64> {
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
    pub(super) fn add(&mut self, o: &UserOutcome) {
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

    pub(super) fn merge(&mut self, o: &Group) {
        self.candidate.merge(&o.candidate);
        self.baseline.merge(&o.baseline);
        self.changed += o.changed;
        self.tokens_newly_dropped += o.tokens_newly_dropped;
        self.tokens_newly_added += o.tokens_newly_added;
    }
}

/// The running report: bounded in memory whatever the number of users.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub fleet: Group,
    /// By current milestone (`None`: no journey; `Some("")`: a journey row at an empty one).
    pub milestones: BTreeMap<Option<String>, Group>,
    pub(super) top_n: usize,
    /// Max-heap by rank: its top is the least affected of those kept.
    pub(super) top: BinaryHeap<Affected>,
    pub compared: bool,
    pub errors: u64,
    pub error_messages: Vec<String>,
    /// Items that could not be read, the users holding them, and the first few (`USER: SOURCE:
    /// reason`).
    pub(super) unreadable: super::summary::Unreadable,
    /// Keys several users could own, each once (a key is met under each of its users).
    pub(super) ambiguous: std::collections::BTreeMap<String, String>,
    pub(super) duplicated: super::dupes::DupTop,
    /// How the candidate's replays used each knowledge row (filled by [`super::run`]).
    pub knowledge: super::knowledge::KnowledgeUse,
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
        self.ambiguous.extend(o.ambiguous.iter().cloned());
        if o.unreadable.0 > 0 {
            let u = &mut self.unreadable;
            u.items += o.unreadable.0 as u64;
            u.users += 1;
            u.user_ids.push(o.user_id.clone());
            if let Some(first) = &o.unreadable.1 {
                let named = format!("{}: {first}", crate::text::shown_id(&o.user_id));
                keep(&mut u.first, named);
            }
        }
        self.duplicated.offer(super::dupes::DupOffender {
            user_id: o.user_id.clone(),
            milestone: o.milestone.clone(),
            pairs: o.candidate.duplicates.0,
            spent_tokens: o.candidate.duplicates.1,
            total_tokens: o.candidate.total_tokens,
        });
        self.milestones
            .entry(o.milestone.clone())
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

    pub(super) fn offer(&mut self, a: Affected) {
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
        keep(&mut self.error_messages, message);
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
        self.duplicated.merge(other.duplicated);
        self.knowledge.merge(other.knowledge);
        self.errors += other.errors;
        self.unreadable.items += other.unreadable.items;
        self.unreadable.users += other.unreadable.users;
        self.unreadable.user_ids.extend(other.unreadable.user_ids);
        self.ambiguous.extend(other.ambiguous);
        for m in other.unreadable.first {
            keep(&mut self.unreadable.first, m);
        }
        for m in other.error_messages {
            keep(&mut self.error_messages, m);
        }
    }

    pub fn users(&self) -> u64 {
        self.fleet.candidate.users
    }

    /// The figures, for output.
    pub fn summary(&self, candidate: &Policy, baseline: Option<&Policy>, run: RunInfo) -> Summary {
        let knowledge = candidate
            .layers
            .iter()
            .any(|l| l.source == Source::Knowledge)
            .then(|| {
                self.knowledge
                    .summary(&candidate.name, &run.catalogue, run.knowledge_listed)
            });
        let side = |c: &Counts, p: &Policy| PolicySummary::of(c, p);
        let cand = side(&self.fleet.candidate, candidate);
        let base = baseline.map(|p| side(&self.fleet.baseline, p));
        let monitoring = monitoring_rows(&cand, base.as_ref());
        let compared = baseline.is_some();
        Summary {
            source: run.source,
            users: self.users(),
            users_total: run.users_total,
            partial: run.partial,
            stopped: run.stopped,
            candidate: cand,
            baseline: base,
            monitoring,
            milestones: self.milestone_rows(compared),
            changes: compared.then(|| self.changes()),
            errors: ErrorSummary {
                count: self.errors,
                first: least(&self.error_messages),
            },
            unreadable: self.unreadable_summary(),
            ambiguous_keys: self
                .ambiguous
                .iter()
                .map(|(key, why)| format!("{}: {why}", crate::text::inert_line(key)))
                .collect(),
            outside_map: self.outside_map(&run.map_ids),
            duplicated_users: self.duplicated.sorted(),
            duplicates_found: run.duplicates,
            knowledge,
        }
    }

    /// One row per milestone met: the candidate's figures, and the baseline's when `compared`.
    fn milestone_rows(&self, compared: bool) -> Vec<MilestoneRow> {
        self.milestones
            .iter()
            .map(|(m, g)| MilestoneRow {
                milestone: m.clone(),
                users: g.candidate.users,
                candidate: MilestoneFigures::of(&g.candidate),
                baseline: compared.then(|| MilestoneFigures::of(&g.baseline)),
                users_changed: compared.then_some(g.changed),
            })
            .collect()
    }

    /// What the candidate changed against the baseline, the most affected users first.
    fn changes(&self) -> Changes {
        Changes {
            users_compared: self.fleet.baseline.users,
            users_changed: self.fleet.changed,
            tokens_newly_dropped: self.fleet.tokens_newly_dropped,
            tokens_newly_added: self.fleet.tokens_newly_added,
            most_affected: {
                let mut v: Vec<Affected> = self.top.clone().into_vec();
                v.sort();
                v
            },
        }
    }

    /// The unreadable data met: the first few messages, and every such user by id.
    fn unreadable_summary(&self) -> super::summary::Unreadable {
        super::summary::Unreadable {
            first: least(&self.unreadable.first),
            user_ids: {
                let mut ids = self.unreadable.user_ids.clone();
                ids.sort();
                ids
            },
            ..self.unreadable.clone()
        }
    }

    /// The milestones users are at that the map (its ids `map_ids`) does not have, with their
    /// users; none when there is no map.
    fn outside_map(&self, map_ids: &[String]) -> Vec<(String, u64)> {
        if map_ids.is_empty() {
            return Vec::new();
        }
        self.milestones
            .iter()
            .filter_map(|(m, g)| {
                let m = m.as_deref().filter(|m| !m.is_empty())?;
                (!map_ids.iter().any(|id| id == m)).then(|| (m.to_string(), g.candidate.users))
            })
            .collect()
    }
}

/// Seed 003's monitoring table: each metric's target, the candidate's figure and the baseline's.
fn monitoring_rows(cand: &PolicySummary, base: Option<&PolicySummary>) -> Vec<MonitoringRow> {
    MONITORING
        .iter()
        .map(|&(metric, label, target)| MonitoringRow {
            metric: metric.to_string(),
            label: label.to_string(),
            target: target.to_string(),
            candidate: cand.monitor(metric),
            baseline: base.map(|b| b.monitor(metric)),
        })
        .collect()
}

impl PolicySummary {
    pub(super) fn of(c: &Counts, p: &Policy) -> Self {
        let budgets = p.budgets();
        let has_static = p.layers.iter().any(|l| l.source == Source::Static);
        let sum_total = c.total.sum as u64;
        let exact = super::summary::Exact {
            avg_context_tokens: c.total.mean(),
            static_share: has_static.then(|| ratio(c.static_tokens, sum_total)),
            rag_hit_rate: c.rag_hit_rate(),
            truncation_rate: c.truncation_rate(),
            avg_kept_score: if c.users == 0 {
                0.0
            } else {
                c.kept_score / c.users as f64
            },
        };
        PolicySummary {
            policy: p.name.clone(),
            tokenizer: p.tokenizer.to_string(),
            strategy: p.strategy.as_str().to_string(),
            total_budget: budgets.total,
            users: c.users,
            avg_context_tokens: round2(exact.avg_context_tokens),
            static_share: exact.static_share.map(round4),
            rag_hit_rate: exact.rag_hit_rate.map(round4),
            truncation_rate: round4(exact.truncation_rate),
            avg_kept_score: round2(exact.avg_kept_score),
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
                    keeps_all: c
                        .needs
                        .get(i)
                        .map(|h| h.keeps_all(budgets.layers.get(i).copied().unwrap_or(0))),
                })
                .collect(),
            cache_hit_rate: round4(ratio(c.cache_present, c.users)),
            cache_drift_rate: (c.cache_present > 0)
                .then(|| round4(ratio(c.cache_drift, c.cache_present))),
            cache_unreadable: c.cache_unreadable,
            cache_foreign: c.cache_foreign,
            duplicate_tokens: c.duplicate_tokens,
            duplicate_share: round4(ratio(c.duplicate_tokens, sum_total)),
            users_with_duplicates: c.users_with_duplicates,
            users_near_unscreened: c.users_near_unscreened,
            exact,
        }
    }

    /// The monitoring metric `key` (as shown, rounded) and its verdict (on the exact figure).
    pub fn monitor(&self, key: &str) -> Metric {
        let x = &self.exact;
        let read = self.users > 0;
        let (value, exact) = match key {
            // Of no user, an average or a rate is not 0: nothing was measured.
            "avg_context_tokens" => (
                read.then_some(self.avg_context_tokens),
                read.then_some(x.avg_context_tokens),
            ),
            "static_share" => (self.static_share, x.static_share),
            "rag_hit_rate" => (self.rag_hit_rate, x.rag_hit_rate),
            "truncation_rate" => (
                read.then_some(self.truncation_rate),
                read.then_some(x.truncation_rate),
            ),
            _ => (None, None),
        };
        let pass = exact.and_then(|v| match key {
            "avg_context_tokens" => Some(v < AVG_TOKENS_TARGET),
            "static_share" => {
                let (lo, hi) = STATIC_SHARE_TARGET;
                Some((lo..=hi).contains(&v))
            }
            "rag_hit_rate" => Some(v > RAG_HIT_TARGET),
            "truncation_rate" => Some(v < TRUNCATION_TARGET),
            _ => None,
        });
        Metric { value, pass, exact }
    }
}

impl MilestoneFigures {
    pub(super) fn of(c: &Counts) -> Self {
        MilestoneFigures {
            avg_context_tokens: round2(c.total.mean()),
            truncation_rate: round4(c.truncation_rate()),
            rag_hit_rate: c.rag_hit_rate().map(round4),
            rag_hits_retrieved: c.rag_retrieved,
            rag_hits_kept: c.rag_kept,
            rag_kept_share: (c.rag_retrieved > 0)
                .then(|| round4(ratio(c.rag_kept, c.rag_retrieved))),
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Figures are rounded so text, CSV and JSON agree and re-runs compare equal.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// `message` kept if it is among the first few in order (messages begin with their user's id):
/// the same few whatever order the workers read the users in; the rest are counted only.
fn keep(list: &mut Vec<String>, message: String) {
    list.push(message);
    if list.len() >= 2 * ERRORS_KEPT {
        list.sort();
        list.truncate(ERRORS_KEPT);
    }
}

/// The first few of `list` in order, as [`keep`] keeps them.
fn least(list: &[String]) -> Vec<String> {
    let mut first = list.to_vec();
    first.sort();
    first.truncate(ERRORS_KEPT);
    first
}

#[cfg(test)]
mod keep_tests;
