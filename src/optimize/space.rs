//! The policy space `optimize` searches: which keys move, within which bounds, and how a point
//! of the space becomes a policy (through the same `--set` overrides a person would type).

use serde::Serialize;

pub use super::coverage::Coverage;
use crate::engine::{Policy, Source};
pub use keys::KEYS;
use keys::{asked_keys, check_fixed, layer_key};

mod keys;

/// What values a key takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Domain {
    Real { lo: f64, hi: f64 },
    Int { lo: i64, hi: i64 },
    Choice { options: Vec<String> },
}

/// One free key and its domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub key: String,
    #[serde(flatten)]
    pub domain: Domain,
}

/// A point: one value per parameter (a choice by its index), always within bounds.
pub type Point = Vec<f64>;

/// Real-valued keys are rounded to 1 / GRID (0.0001), so a TOML written from a point replays
/// the very policy that was measured.
const GRID: f64 = 1e4;

/// `v` on the grid, at or above `lo`.
fn grid_up(v: f64) -> f64 {
    (v * GRID - 1e-6).ceil() / GRID
}

/// The parameters and what was said about their bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Space {
    pub params: Vec<Param>,
    /// Why some bounds are narrower than asked (knowledge coverage), and what stays fixed.
    pub notes: Vec<String>,
}

impl Param {
    fn clamp(&self, v: f64) -> f64 {
        match &self.domain {
            Domain::Real { lo, hi } => {
                let g = (v.clamp(*lo, *hi) * GRID).round() / GRID;
                // Rounding must not leave the bounds (the knowledge bounds are coverage).
                if g < *lo {
                    grid_up(*lo)
                } else if g > *hi {
                    (hi * GRID + 1e-6).floor() / GRID
                } else {
                    g
                }
            }
            Domain::Int { lo, hi } => v.round().clamp(*lo as f64, *hi as f64),
            Domain::Choice { options } => v.round().clamp(0.0, options.len() as f64 - 1.0),
        }
    }

    /// The lowest and highest values (a choice: its first and last index).
    pub fn bounds(&self) -> (f64, f64) {
        match &self.domain {
            Domain::Real { lo, hi } => (*lo, *hi),
            Domain::Int { lo, hi } => (*lo as f64, *hi as f64),
            Domain::Choice { options } => (0.0, options.len() as f64 - 1.0),
        }
    }

    /// The span a step is a fraction of.
    pub fn range(&self) -> f64 {
        match &self.domain {
            Domain::Real { lo, hi } => hi - lo,
            Domain::Int { lo, hi } => (hi - lo) as f64,
            Domain::Choice { options } => options.len() as f64 - 1.0,
        }
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.domain, Domain::Choice { .. })
    }

    pub fn is_int(&self) -> bool {
        !matches!(self.domain, Domain::Real { .. })
    }

    /// The value as `--set` writes it.
    pub fn show(&self, v: f64) -> String {
        match &self.domain {
            Domain::Real { .. } => {
                let s = format!("{:.4}", self.clamp(v));
                let s = s.trim_end_matches('0');
                if s.ends_with('.') {
                    format!("{s}0")
                } else {
                    s.to_string()
                }
            }
            Domain::Int { .. } => format!("{}", self.clamp(v) as i64),
            Domain::Choice { options } => options
                .get(self.clamp(v) as usize)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The value as `--set` writes it, not clamped into the bounds (the baseline's may lie
    /// outside them); a real off the grid is shown in full.
    fn show_raw(&self, v: f64) -> String {
        match &self.domain {
            Domain::Real { .. } if (v * GRID).round() / GRID == v => {
                let s = format!("{v:.4}");
                let s = s.trim_end_matches('0');
                if s.ends_with('.') {
                    format!("{s}0")
                } else {
                    s.to_string()
                }
            }
            Domain::Real { .. } => format!("{v}"),
            Domain::Int { .. } => format!("{}", v as i64),
            Domain::Choice { options } => options
                .get(v.max(0.0) as usize)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The baseline's own value of this key (a choice by its index), not clamped into the
    /// bounds; `None` when the baseline leaves it unset (a layer without a cap).
    fn raw_in(&self, p: &Policy) -> Option<f64> {
        let v = p.get(&self.key);
        match (&self.domain, v) {
            (Domain::Choice { options }, Some(toml::Value::String(s))) => {
                Some(options.iter().position(|o| *o == s).unwrap_or(0) as f64)
            }
            (_, Some(toml::Value::Integer(i))) => Some(i as f64),
            (_, Some(toml::Value::Float(f))) => Some(f),
            (Domain::Int { .. }, None) if self.key.ends_with(".cap") => None,
            (Domain::Int { .. }, None) if self.key == "budget.total" => {
                Some(f64::from(p.budgets().total))
            }
            _ => Some(0.0),
        }
    }

    /// The baseline's value of this key as a point coordinate (clamped into the bounds; an
    /// unset cap starts at the highest).
    fn value_in(&self, p: &Policy) -> f64 {
        let raw = self.raw_in(p).unwrap_or(self.bounds().1);
        self.clamp(raw)
    }

    /// The baseline's value as the changes show it: `unset` for a cap it does not set.
    fn baseline_text(&self, p: &Policy) -> String {
        self.raw_in(p)
            .map_or_else(|| "unset".to_string(), |v| self.show_raw(v))
    }

    /// A note when the baseline's value lies outside the bounds (the search starts at the
    /// nearest bound), or leaves the key unset.
    fn outside_note(&self, p: &Policy) -> Option<String> {
        if self.is_choice() {
            return None;
        }
        let (lo, hi) = self.bounds();
        let start = self.show(self.value_in(p));
        match self.raw_in(p) {
            None => Some(format!(
                "{}: the baseline sets none; the search starts at {start}",
                self.key
            )),
            Some(v) if v < lo || v > hi => Some(format!(
                "{}: the baseline's {} is outside {}..{}; the search starts at {start}",
                self.key,
                self.show_raw(v),
                self.show(lo),
                self.show(hi)
            )),
            Some(_) => None,
        }
    }
}

impl Space {
    /// The point the baseline policy is at.
    pub fn origin(&self, baseline: &Policy) -> Point {
        self.params.iter().map(|p| p.value_in(baseline)).collect()
    }

    pub fn clamp(&self, point: &mut Point) {
        for (p, v) in self.params.iter().zip(point.iter_mut()) {
            *v = p.clamp(*v);
        }
    }

    /// The `--set` overrides that move the baseline to `point`.
    pub fn sets(&self, point: &Point) -> Vec<String> {
        self.params
            .iter()
            .zip(point)
            .map(|(p, v)| format!("{}={}", p.key, p.show(*v)))
            .collect()
    }

    /// The `--set` overrides that make the recommended policy at `point` from the baseline: as
    /// [`Space::sets`], but a cap that caps nothing kept as the baseline's (unset: no flag), as
    /// [`Space::policy`] keeps it.
    pub fn recommended_sets(&self, baseline: &Policy, point: &Point) -> Vec<String> {
        let tuned = self.policy(baseline, point).ok();
        self.params
            .iter()
            .zip(point)
            .filter_map(|(p, v)| match &tuned {
                Some(t) if p.key.ends_with(".cap") => {
                    t.get(&p.key).map(|cap| format!("{}={cap}", p.key))
                }
                _ => Some(format!("{}={}", p.key, p.show(*v))),
            })
            .collect()
    }

    /// The policy at `point`: the baseline with every free key set.
    pub fn policy(&self, baseline: &Policy, point: &Point) -> Result<Policy, String> {
        let mut p = baseline
            .clone()
            .with_overrides(&self.sets(point))
            .map_err(|e| e.to_string())?;
        p.name = format!("{}-tuned", baseline.name);
        caps_as_in(baseline, &mut p);
        Ok(p)
    }

    /// The keys whose value at `point` differs from the baseline policy's own value (not the
    /// origin's, which is clamped into the bounds): (key, from, to).
    pub fn changes(&self, baseline: &Policy, point: &Point) -> Vec<(String, String, String)> {
        // A cap that caps nothing, as the baseline's caps nothing, is no change.
        let tuned = self.policy(baseline, point).ok();
        let same = |key: &str| {
            tuned
                .as_ref()
                .is_some_and(|t| t.get(key) == baseline.get(key))
        };
        self.params
            .iter()
            .zip(point)
            .map(|(p, v)| (p.key.clone(), p.baseline_text(baseline), p.show(*v)))
            .filter(|(key, from, to)| from != to && !(key.ends_with(".cap") && same(key)))
            .collect()
    }

    /// The space `--free` / `--fixed` ask for over `baseline`, with users loaded by the
    /// baseline's own knowledge search ([`Coverage::of_policy`]).
    pub fn build(baseline: &Policy, free: &[String], fixed: &[String]) -> Result<Space, String> {
        Space::build_within(baseline, free, fixed, &Coverage::of_policy(baseline))
    }

    /// The space `--free` / `--fixed` ask for over `baseline`. Knowledge bounds are narrowed to
    /// what the loaded hits cover (`cov`): outside it a replay would miss hits a new search
    /// returns.
    pub fn build_within(
        baseline: &Policy,
        free: &[String],
        fixed: &[String],
        cov: &Coverage,
    ) -> Result<Space, String> {
        let asked = asked_keys(baseline, free, fixed)?;
        check_fixed(baseline, fixed)?;
        let mut notes = Vec::new();
        let params = asked
            .into_iter()
            .map(|(key, bounds)| param(baseline, key, bounds, cov, &mut notes))
            .collect::<Result<Vec<_>, _>>()?;
        for p in &params {
            check_policy(baseline, p)?;
            notes.extend(p.outside_note(baseline));
        }
        let searched = |key: &str| params.iter().any(|p| p.key == key);
        if searched("knowledge.similarity_threshold") || searched("knowledge.limit") {
            notes.extend(cov.note.clone());
        }
        if baseline.layer_for(Source::Knowledge).is_some() {
            notes.push(
                "knowledge.same_milestone_only stays as it is: changing it needs a new search"
                    .into(),
            );
        }
        if params.is_empty() {
            return Err("nothing to optimize: every key is --fixed".into());
        }
        Ok(Space { params, notes })
    }
}

/// A layer's cap no lower than its share of `T` caps nothing: where the baseline's caps
/// nothing too (or it sets none, where an unset cap's search starts), `p` keeps the baseline's,
/// so a search that never moved a cap recommends no change of it.
fn caps_as_in(baseline: &Policy, p: &mut Policy) {
    let total = f64::from(p.budgets().total);
    for l in &mut p.layers {
        let share = (total * l.weight).floor();
        let base = baseline
            .layers
            .iter()
            .find(|b| b.name == l.name)
            .and_then(|b| b.cap);
        let caps_nothing = |c: Option<u32>| c.is_none_or(|c| f64::from(c) >= share);
        if l.cap != base && caps_nothing(l.cap) && caps_nothing(base) {
            l.cap = base;
        }
    }
}

/// Both ends of `p`'s bounds must make a valid policy from `baseline` (the policy's own checks,
/// after any rule [`keys::check_bounds`] does not know of).
fn check_policy(baseline: &Policy, p: &Param) -> Result<(), String> {
    if p.is_choice() {
        return Ok(());
    }
    let (lo, hi) = p.bounds();
    for v in [lo, hi] {
        let set = format!("{}={}", p.key, p.show(v));
        if let Err(e) = baseline.clone().with_overrides(std::slice::from_ref(&set)) {
            return Err(format!(
                "--free {}: the bounds {}..{} make an invalid policy: {e}",
                p.key,
                p.show(lo),
                p.show(hi)
            ));
        }
    }
    Ok(())
}

/// The similarity thresholds the loaded hits can answer for (down to `cov.min_threshold`),
/// within the asked bounds; notes say so.
fn threshold_domain(cov: &Coverage, asked: Option<(f64, f64)>, notes: &mut Vec<String>) -> Domain {
    let covered = (grid_up(cov.min_threshold.max(-1.0)), 1.0);
    let (lo, hi) = asked.unwrap_or(covered);
    if lo < covered.0 {
        notes.push(format!(
            "knowledge.similarity_threshold: {lo} is below what the loaded hits cover; searched from {:.2}",
            covered.0
        ));
    }
    // Bounds the user asked for and that the hits cover are searched as asked: no note.
    if asked.is_none() || lo < covered.0 || hi > 1.0 {
        notes.push(format!(
            "knowledge.similarity_threshold searched within {:.2}..{:.2}: {}",
            lo.max(covered.0),
            hi.min(1.0),
            cov.threshold_why
        ));
    }
    Domain::Real {
        lo: lo.max(covered.0),
        hi: hi.min(1.0),
    }
}

/// The knowledge limits the loaded hits can answer for (up to `cov.max_limit`), within the
/// asked bounds; notes say so.
fn limit_domain(cov: &Coverage, asked: Option<(f64, f64)>, notes: &mut Vec<String>) -> Domain {
    // Never past what a policy may ask (a baseline at the bound covers its near misses too).
    let covered = cov
        .max_limit
        .min(crate::engine::policy::MAX_KNOWLEDGE_LIMIT) as f64;
    let (lo, hi) = asked.unwrap_or((1.0_f64.min(covered), covered));
    if hi > covered {
        notes.push(format!(
            "knowledge.limit: {hi} is past what the loaded hits cover; searched up to {covered}"
        ));
    }
    if asked.is_none() || lo < 0.0 || hi > covered {
        notes.push(format!(
            "knowledge.limit searched within {}..{}: {}",
            lo.max(0.0),
            hi.min(covered),
            cov.limit_why
        ));
    }
    Domain::Int {
        lo: lo.max(0.0).round() as i64,
        hi: hi.min(covered).round() as i64,
    }
}

/// A key's domain: the asked bounds, else a default around the baseline.
fn param(
    p: &Policy,
    key: String,
    asked: Option<(f64, f64)>,
    cov: &Coverage,
    notes: &mut Vec<String>,
) -> Result<Param, String> {
    let total = f64::from(p.budgets().total);
    let real = |lo: f64, hi: f64| {
        let (lo, hi) = asked.unwrap_or((lo, hi));
        Domain::Real { lo, hi }
    };
    let int = |lo: f64, hi: f64| {
        let (lo, hi) = asked.unwrap_or((lo, hi));
        Domain::Int {
            lo: lo.round() as i64,
            hi: hi.round() as i64,
        }
    };
    let domain = match key.as_str() {
        "strategy" => Domain::Choice {
            options: ["stop", "skip", "truncate"].map(String::from).to_vec(),
        },
        "budget.total" => int((total / 4.0).max(1.0), total * 2.0),
        "knowledge.similarity_threshold" => threshold_domain(cov, asked, notes),
        "knowledge.limit" => limit_domain(cov, asked, notes),
        "session.max_items" => {
            let m = p.session.max_items as f64;
            int(1.0, (m * 2.0).max(m + 5.0))
        }
        "recency.window_hours" => real(0.0, 168.0),
        "recency.boost" => real(1.0, 4.0),
        "truncate_min_remaining" => int(0.0, 500.0),
        _ if key.ends_with(".weight") => real(0.0, 1.0),
        _ if key.ends_with(".cap") => {
            let name = layer_key(&key).map_or("", |(name, _)| name);
            let cap = p.layers.iter().find(|l| l.name == name).and_then(|l| l.cap);
            int(0.0, cap.map_or(total, |c| f64::from(c) * 2.0))
        }
        _ => return Err(format!("--free {key}: not a key optimize moves")),
    };
    let empty = match &domain {
        Domain::Real { lo, hi } => lo > hi,
        Domain::Int { lo, hi } => lo > hi,
        Domain::Choice { options } => options.is_empty(),
    };
    if empty {
        return Err(format!("--free {key}: its bounds leave nothing to search"));
    }
    Ok(Param { key, domain })
}

#[cfg(test)]
mod tests;
