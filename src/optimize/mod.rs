//! `optimize`: searches the policy space for the policy that best meets an objective within
//! the fleet targets, by replaying a loaded fleet many times; guards against over-fitting
//! with a held-out share of users.
//!
//! - `space`: the free keys, their bounds, and points as `--set` overrides of the baseline.
//! - `coverage`: the knowledge thresholds and limits the loaded hits answer for.
//! - `target`: the metrics, the constraints (seed 003's targets by default) and the objective.
//! - `eval`: one policy measured on the loaded users with the report's outcome and tally.
//! - `search`: coordinate search (and random search to compare), and the Pareto front.
//! - `run`: one whole search as the TUI runs it on a task, telling how it goes.

pub mod coverage;
pub mod eval;
pub mod run;
pub mod search;
pub mod space;
pub mod target;

use serde::Serialize;

use crate::engine::{Engine, Policy};
use eval::Fleet;
use search::{Limits, Method, Search, Trial, pareto};
use space::{Param, Space};
use target::{Metrics, Objective, Target};

/// What to search, how, and for how long.
pub struct Setup {
    pub baseline: Policy,
    pub space: Space,
    pub targets: Vec<Target>,
    pub objective: Objective,
    pub method: Method,
    pub seed: u64,
    pub limits: Limits,
}

/// A key the recommended policy sets differently from the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub key: String,
    pub from: String,
    pub to: String,
}

/// The chosen policy's and the baseline's metrics on the held-out users.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    pub users: usize,
    pub baseline: Metrics,
    pub best: Metrics,
    /// Targets the chosen policy misses on the held-out users.
    pub unmet: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub method: Method,
    pub objective: Objective,
    pub seed: u64,
    pub users_optimized: usize,
    pub trials: usize,
    /// Why the search ended before its trials did (interrupted, time, space used up, failure).
    pub stopped: Option<String>,
    pub free: Vec<Param>,
    pub notes: Vec<String>,
    pub targets: Vec<Target>,
    /// The baseline policy on the users optimized on.
    pub baseline: Metrics,
    pub best: Trial,
    pub feasible: bool,
    /// Targets the best point misses (its closest approach when nothing is feasible).
    pub unmet: Vec<String>,
    /// Targets no trial met, even alone (when nothing is feasible, the ones the bounds or the
    /// trials did not reach; the others were met, only never together).
    pub never_met: Vec<String>,
    pub pareto: Vec<Trial>,
    /// Each trial that improved on the best so far: how the answer got better with trials.
    pub improvements: Vec<Improvement>,
    pub changes: Vec<Change>,
    /// The `--set` overrides that make the recommended policy from the baseline.
    pub sets: Vec<String>,
    #[serde(skip)]
    pub policy: Policy,
    #[serde(skip)]
    pub history: Vec<Trial>,
}

/// A new best: at which trial, its objective and whether it was feasible.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Improvement {
    pub trial: usize,
    pub objective: f64,
    pub violation: f64,
}

/// The trials that beat every trial before them.
fn improvements(history: &[Trial]) -> Vec<Improvement> {
    let mut out = Vec::new();
    let mut best: Option<&Trial> = None;
    for t in history {
        if best.is_none_or(|b| t.better_than(b)) {
            best = Some(t);
            out.push(Improvement {
                trial: t.n,
                objective: t.objective,
                violation: t.violation,
            });
        }
    }
    out
}

/// Targets `m` misses, as `truncation_rate<0.05 (slack -2.1 pt)`.
pub fn unmet(targets: &[Target], m: &Metrics) -> Vec<String> {
    targets
        .iter()
        .filter(|t| t.violation(m) > 0.0)
        .map(|t| {
            let is = t
                .shown_slack(m)
                .map_or(String::new(), |s| format!(" (slack {s})"));
            format!("{}{is}", t.text)
        })
        .collect()
}

/// Searches `setup.space` on `fleet`; `on_trial` hears of every trial and the best so far.
pub fn optimize(
    engine: &Engine,
    fleet: &Fleet,
    setup: Setup,
    on_trial: &mut dyn FnMut(&Trial, &Trial),
) -> Result<Found, String> {
    if fleet.is_empty() {
        return Err("no users to optimize on".into());
    }
    let Setup {
        baseline,
        space,
        targets,
        objective,
        method,
        seed,
        limits,
    } = setup;
    let base_metrics = fleet.measure(engine, &baseline);
    let mut measure = |p: &space::Point| -> Result<Metrics, String> {
        let policy = space.policy(&baseline, p)?;
        Ok(fleet.measure(engine, &policy))
    };
    let cancel = limits.cancel.clone();
    let (deadline, max) = (limits.deadline, limits.trials);
    let mut search = Search::new(&space, &targets, objective, &mut measure, limits, on_trial);
    search.run(method, space.origin(&baseline), seed);
    let failed = search.failed.clone();
    let history = std::mem::take(&mut search.trials);
    let best_i = search.best;
    drop(search);
    if let Some(why) = failed.as_ref().filter(|_| history.is_empty()) {
        return Err(why.clone());
    }
    let best = best_i
        .and_then(|b| history.get(b))
        .cloned()
        .ok_or("the search measured nothing (is --time long enough for one trial?)")?;
    let stopped = why_stopped(failed, &cancel, max, deadline, history.len());
    let policy = space.policy(&baseline, &best.point)?;
    // Against the baseline's own values: its origin is clamped into the asked bounds.
    let changes = space
        .changes(&baseline, &best.point)
        .into_iter()
        .map(|(key, from, to)| Change { key, from, to })
        .collect();
    Ok(Found {
        method,
        objective,
        seed,
        users_optimized: fleet.len(),
        trials: history.len(),
        stopped,
        free: space.params.clone(),
        notes: space.notes.clone(),
        feasible: best.feasible(),
        unmet: unmet(&targets, &best.metrics),
        never_met: targets
            .iter()
            .filter(|t| history.iter().all(|h| t.violation(&h.metrics) > 0.0))
            .map(|t| t.text.clone())
            .collect(),
        pareto: pareto(&history, &targets).into_iter().cloned().collect(),
        improvements: improvements(&history),
        sets: space.recommended_sets(&baseline, &best.point),
        targets,
        baseline: base_metrics,
        best,
        changes,
        policy,
        history,
    })
}

/// Why a search of `measured` trials ended, in words; `None` when it measured the `max` trials
/// asked for.
fn why_stopped(
    failed: Option<String>,
    cancel: &std::sync::atomic::AtomicBool,
    max: Option<usize>,
    deadline: Option<std::time::Instant>,
    measured: usize,
) -> Option<String> {
    if let Some(why) = failed {
        Some(format!("failed: {why}"))
    } else if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        Some(crate::report::run::INTERRUPTED.into())
    } else if max.is_some_and(|n| measured >= n) {
        None
    } else if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
        Some("time".into())
    } else {
        Some("every point within reach was measured".into())
    }
}

/// The chosen and baseline policies measured on the held-out users.
pub fn holdout(engine: &Engine, held: &Fleet, found: &Found, baseline: &Policy) -> Holdout {
    let best = held.measure(engine, &found.policy);
    Holdout {
        users: held.len(),
        baseline: held.measure(engine, baseline),
        unmet: unmet(&found.targets, &best),
        best,
    }
}
