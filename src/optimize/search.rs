//! The search: coordinate (compass) search seeded from the baseline, and random search to
//! compare it with. Feasibility comes first (the least total violation of the targets), then
//! the objective.
//!
//! Coordinate search moves one key at a time, in an order shuffled each round by the seed:
//! a real or integer key tries a step up and down; a step that improves is doubled along the
//! same direction while it keeps improving (bracketing the best point on that line), one that
//! does not halves the key's step for the next round; a choice key (strategy) tries every
//! option. When no key improves and every step is at its smallest, it restarts from the best
//! point so far with a few keys moved at random, until the trials or the time run out.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::space::{Point, Space};
use super::target::{Metrics, Objective, Target};

/// When a search stops.
#[derive(Debug, Clone)]
pub struct Limits {
    pub trials: Option<usize>,
    pub deadline: Option<Instant>,
    pub cancel: Arc<AtomicBool>,
}

/// One measured point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    /// 1-based, in the order measured.
    pub n: usize,
    #[serde(skip)]
    pub point: Point,
    pub metrics: Metrics,
    /// Sum over the targets of how far outside each the metrics are (0: feasible).
    pub violation: f64,
    pub objective: f64,
}

impl Trial {
    pub fn feasible(&self) -> bool {
        self.violation == 0.0
    }

    /// Feasibility first, then the objective; ties keep the earlier trial.
    pub fn better_than(&self, other: &Trial) -> bool {
        if self.violation != other.violation {
            return self.violation < other.violation;
        }
        self.objective < other.objective
    }
}

/// Which method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Coordinate search with step doubling and halving, seeded from the baseline.
    Coordinate,
    /// Uniform random points (the baseline first): the comparison.
    Random,
}

impl Method {
    /// As `--method` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Coordinate => "coordinate",
            Method::Random => "random",
        }
    }
}

/// Measures a point: its metrics, or why its policy could not be made.
pub type Measure<'a> = dyn FnMut(&Point) -> Result<Metrics, String> + 'a;

/// A search in progress: every trial, and the best so far.
pub struct Search<'a> {
    space: &'a Space,
    targets: &'a [Target],
    objective: Objective,
    measure: &'a mut Measure<'a>,
    limits: Limits,
    pub trials: Vec<Trial>,
    seen: HashMap<Vec<i64>, usize>,
    pub best: Option<usize>,
    /// Called after each new trial with it and the best so far.
    on_trial: &'a mut dyn FnMut(&Trial, &Trial),
    /// The first failure to make a policy (the search stops there).
    pub failed: Option<String>,
    repeats: usize,
}

/// A run of cached points this long means the space is used up.
const MAX_REPEATS: usize = 5_000;

impl<'a> Search<'a> {
    pub fn new(
        space: &'a Space,
        targets: &'a [Target],
        objective: Objective,
        measure: &'a mut Measure<'a>,
        limits: Limits,
        on_trial: &'a mut dyn FnMut(&Trial, &Trial),
    ) -> Self {
        Search {
            space,
            targets,
            objective,
            measure,
            limits,
            trials: Vec::new(),
            seen: HashMap::new(),
            best: None,
            on_trial,
            failed: None,
            repeats: 0,
        }
    }

    pub fn best(&self) -> Option<&Trial> {
        self.best.map(|b| &self.trials[b])
    }

    fn out_of_budget(&self) -> bool {
        self.failed.is_some()
            || self.repeats > MAX_REPEATS
            || self.limits.cancel.load(Ordering::Relaxed)
            || self.limits.trials.is_some_and(|n| self.trials.len() >= n)
            || self.limits.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Measures `point` (clamped) unless it was measured before; `None` once the budget is spent.
    fn try_point(&mut self, mut point: Point) -> Option<usize> {
        self.space.clamp(&mut point);
        let key: Vec<i64> = point.iter().map(|v| (v * 1e4).round() as i64).collect();
        if let Some(&i) = self.seen.get(&key) {
            self.repeats += 1;
            return (!self.out_of_budget()).then_some(i);
        }
        // The first point (the baseline's) is always measured: there is always an answer.
        if self.out_of_budget() && !self.trials.is_empty() {
            return None;
        }
        self.repeats = 0;
        let metrics = match (self.measure)(&point) {
            Ok(m) => m,
            Err(why) => {
                self.failed = Some(why);
                return None;
            }
        };
        let trial = Trial {
            n: self.trials.len() + 1,
            point,
            violation: self.targets.iter().map(|t| t.violation(&metrics)).sum(),
            objective: self.objective.value(&metrics),
            metrics,
        };
        let i = self.trials.len();
        self.trials.push(trial);
        self.seen.insert(key, i);
        if self
            .best
            .is_none_or(|b| self.trials[i].better_than(&self.trials[b]))
        {
            self.best = Some(i);
        }
        if let Some(b) = self.best {
            (self.on_trial)(&self.trials[i], &self.trials[b]);
        }
        Some(i)
    }

    /// Runs `method` from `origin` until the limits stop it.
    pub fn run(&mut self, method: Method, origin: Point, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        match method {
            Method::Coordinate => self.coordinate(origin, &mut rng),
            Method::Random => self.random(origin, &mut rng),
        }
    }

    fn random(&mut self, origin: Point, rng: &mut ChaCha8Rng) {
        if self.try_point(origin).is_none() {
            return;
        }
        loop {
            let p: Point = self
                .space
                .params
                .iter()
                .map(|p| {
                    let (lo, hi) = p.bounds();
                    if p.is_int() {
                        rng.random_range(lo.round() as i64..=hi.round() as i64) as f64
                    } else {
                        lo + rng.random::<f64>() * (hi - lo)
                    }
                })
                .collect();
            if self.try_point(p).is_none() {
                return;
            }
        }
    }

    fn coordinate(&mut self, origin: Point, rng: &mut ChaCha8Rng) {
        let Some(mut cur) = self.try_point(origin) else {
            return;
        };
        let params = &self.space.params;
        let first_step = |i: usize| {
            let p = &params[i];
            if p.is_int() {
                (p.range() / 4.0).round().max(1.0)
            } else {
                p.range() / 4.0
            }
        };
        let smallest = |i: usize| {
            let p = &params[i];
            if p.is_int() {
                1.0
            } else {
                (p.range() / 1000.0).max(1e-4)
            }
        };
        let n = params.len();
        let mut steps: Vec<f64> = (0..n).map(first_step).collect();
        loop {
            let mut improved = false;
            let mut order: Vec<usize> = (0..n).collect();
            for k in (1..n).rev() {
                order.swap(k, rng.random_range(0..=k));
            }
            for &i in &order {
                let Some(next) = self.line(cur, i, steps[i]) else {
                    return;
                };
                if next != cur {
                    cur = next;
                    improved = true;
                } else if !params[i].is_choice() {
                    let half = steps[i] / 2.0;
                    steps[i] = if params[i].is_int() {
                        half.floor()
                    } else {
                        half
                    };
                }
            }
            let spent = (0..n).all(|i| params[i].is_choice() || steps[i] < smallest(i));
            if !improved && spent {
                // A local optimum: start again near the best point, a few keys moved.
                let best = self.best.unwrap_or(cur);
                let mut p = self.trials[best].point.clone();
                for (i, v) in p.iter_mut().enumerate() {
                    if rng.random_bool(0.5) {
                        *v += (rng.random::<f64>() - 0.5) * 0.6 * params[i].range();
                    }
                }
                let Some(t) = self.try_point(p) else {
                    return;
                };
                cur = if self.trials[t].better_than(&self.trials[best]) {
                    t
                } else {
                    best
                };
                steps = (0..n).map(first_step).collect();
            }
        }
    }

    /// Moves key `i` from trial `cur`: each option of a choice, else a step each way and, on an
    /// improvement, doubled steps while they improve. The trial it ends at (`cur` when nothing
    /// improved); `None` once the budget is spent.
    fn line(&mut self, cur: usize, i: usize, step: f64) -> Option<usize> {
        let param = &self.space.params[i];
        let base = self.trials[cur].point.clone();
        let mut best = cur;
        if param.is_choice() {
            for o in 0..=(param.range() as usize) {
                if o as f64 == base[i] {
                    continue;
                }
                let mut p = base.clone();
                p[i] = o as f64;
                let t = self.try_point(p)?;
                if self.trials[t].better_than(&self.trials[best]) {
                    best = t;
                }
            }
            return Some(best);
        }
        if step <= 0.0 {
            return Some(cur);
        }
        for dir in [1.0, -1.0] {
            let mut s = step;
            let mut p = base.clone();
            p[i] = base[i] + dir * s;
            let t = self.try_point(p)?;
            if !self.trials[t].better_than(&self.trials[best]) {
                continue;
            }
            best = t;
            loop {
                s *= 2.0;
                let from = &self.trials[best].point;
                let mut p = from.clone();
                p[i] = from[i] + dir * s;
                let t = self.try_point(p)?;
                if t == best || !self.trials[t].better_than(&self.trials[best]) {
                    break;
                }
                best = t;
            }
            break;
        }
        Some(best)
    }
}

/// The trials no other trial beats on the objective and on every target's slack at once: those
/// that meet every target first, best objective first, then the nearest to meeting them (each
/// distinct set of figures once).
pub fn pareto<'t>(trials: &'t [Trial], targets: &[Target]) -> Vec<&'t Trial> {
    let slacks: Vec<Vec<f64>> = trials
        .iter()
        .map(|t| {
            targets
                .iter()
                .map(|g| g.slack(&t.metrics).unwrap_or(0.0))
                .collect()
        })
        .collect();
    let dominates = |a: usize, b: usize| {
        let (ta, tb) = (&trials[a], &trials[b]);
        let no_worse =
            ta.objective <= tb.objective && slacks[a].iter().zip(&slacks[b]).all(|(x, y)| x >= y);
        let better =
            ta.objective < tb.objective || slacks[a].iter().zip(&slacks[b]).any(|(x, y)| x > y);
        no_worse && better
    };
    // In order of objective, then of slacks (largest first): whatever dominates a trial comes
    // before it, and whatever dominates a trial off the front is dominated by one on it, so each
    // trial is checked against the front so far only (a long search has a short front: the check
    // stays linear in the trials, where against every other trial it took minutes).
    let mut order: Vec<usize> = (0..trials.len()).collect();
    order.sort_by(|&a, &b| {
        trials[a]
            .objective
            .total_cmp(&trials[b].objective)
            .then_with(|| {
                slacks[b]
                    .iter()
                    .zip(&slacks[a])
                    .map(|(x, y)| x.total_cmp(y))
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
    });
    let mut front: Vec<usize> = Vec::new();
    for b in order {
        if !front.iter().any(|&a| dominates(a, b)) {
            front.push(b);
        }
    }
    front.sort_by(|&a, &b| {
        trials[a]
            .objective
            .total_cmp(&trials[b].objective)
            .then(trials[a].n.cmp(&trials[b].n))
    });
    // Points that measure the same on every axis shown: the earliest stands for them.
    front.dedup_by(|a, b| trials[*a].objective == trials[*b].objective && slacks[*a] == slacks[*b]);
    // Those that meet every target first (they are the ones to ship), then the nearest to it.
    let outside = |t: &Trial| if t.feasible() { 0.0 } else { t.violation };
    front.sort_by(|&a, &b| {
        let (a, b) = (&trials[a], &trials[b]);
        (!a.feasible())
            .cmp(&!b.feasible())
            .then(outside(a).total_cmp(&outside(b)))
    });
    front.into_iter().map(|i| &trials[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::space::{Domain, Param};
    use crate::optimize::target::Target;

    fn space() -> Space {
        Space {
            params: vec![
                Param {
                    key: "x".into(),
                    domain: Domain::Real { lo: 0.0, hi: 10.0 },
                },
                Param {
                    key: "n".into(),
                    domain: Domain::Int { lo: 0, hi: 20 },
                },
            ],
            notes: vec![],
        }
    }

    /// "avg_tokens" = (x − 7)² + n, "truncation" = 0.1 − x / 100: feasible from x > 5.
    fn toy(p: &Point) -> Result<Metrics, String> {
        Ok(Metrics {
            users: 1,
            avg_tokens: (p[0] - 7.0).powi(2) + p[1],
            static_share: None,
            rag_hits: None,
            truncation_rate: 0.1 - p[0] / 100.0,
            avg_kept_score: 0.0,
            guard_loss: None,
        })
    }

    fn search(method: Method, trials: usize) -> (Trial, usize) {
        let s = space();
        let targets = [Target::parse("truncation_rate<0.05").expect("target")];
        let mut f = toy;
        let mut seen = 0;
        let mut on = |_: &Trial, _: &Trial| seen += 1;
        let limits = Limits {
            trials: Some(trials),
            deadline: None,
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let mut search = Search::new(&s, &targets, Objective::Cost, &mut f, limits, &mut on);
        search.run(method, vec![1.0, 10.0], 7);
        let best = search.best().cloned().expect("a trial");
        let n = search.trials.len();
        (best, n.min(seen))
    }

    #[test]
    fn coordinate_search_finds_the_feasible_optimum_from_an_infeasible_start() {
        let (best, n) = search(Method::Coordinate, 120);
        assert!(best.feasible(), "{best:?}");
        assert!((best.point[0] - 7.0).abs() < 0.1, "{best:?}");
        assert_eq!(best.point[1], 0.0);
        assert_eq!(n, 120, "every trial reported");
    }

    #[test]
    fn same_seed_same_search_and_random_is_worse_here() {
        let a = search(Method::Coordinate, 60);
        let b = search(Method::Coordinate, 60);
        assert_eq!(a.0, b.0);
        let r = search(Method::Random, 60);
        assert!(a.0.objective <= r.0.objective, "{:?} vs {:?}", a.0, r.0);
    }

    #[test]
    fn the_pareto_front_trades_the_objective_against_slack() {
        let targets = [Target::parse("truncation_rate<0.05").expect("target")];
        let t = |n, x: f64| {
            let m = toy(&vec![x, 0.0]).expect("metrics");
            Trial {
                n,
                point: vec![x, 0.0],
                violation: targets[0].violation(&m),
                objective: m.avg_tokens,
                metrics: m,
            }
        };
        let trials = [t(1, 7.0), t(2, 8.0), t(3, 6.0), t(4, 5.0)];
        let front: Vec<usize> = pareto(&trials, &targets).iter().map(|t| t.n).collect();
        // x = 6 is beaten by x = 7 (lower cost, more slack); 7 and 8 trade cost for slack.
        assert_eq!(front, [1, 2]);
    }

    /// The front found against the front so far is the front by definition: no trial on it is
    /// dominated by any trial, and every trial off it is dominated or measures as one on it.
    #[test]
    fn the_pareto_front_is_every_trial_no_other_dominates() {
        let targets = [
            Target::parse("truncation_rate<0.05").expect("target"),
            Target::parse("avg_tokens<30").expect("target"),
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let trials: Vec<Trial> = (1..=400)
            .map(|n| {
                let point = vec![
                    f64::from(rng.random_range(0..12_u8)),
                    f64::from(rng.random_range(0..6_u8)),
                ];
                let m = toy(&point).expect("metrics");
                Trial {
                    n,
                    violation: targets.iter().map(|t| t.violation(&m)).sum(),
                    objective: m.truncation_rate * 1000.0 + point[1],
                    point,
                    metrics: m,
                }
            })
            .collect();
        let slack = |t: &Trial| -> Vec<f64> {
            targets
                .iter()
                .map(|g| g.slack(&t.metrics).unwrap_or(0.0))
                .collect()
        };
        let dominates = |a: &Trial, b: &Trial| {
            let (sa, sb) = (slack(a), slack(b));
            a.objective <= b.objective
                && sa.iter().zip(&sb).all(|(x, y)| x >= y)
                && (a.objective < b.objective || sa.iter().zip(&sb).any(|(x, y)| x > y))
        };
        let front = pareto(&trials, &targets);
        assert!(front.len() > 2, "{}", front.len());
        for f in &front {
            assert!(
                !trials.iter().any(|t| dominates(t, f)),
                "{f:?} is dominated"
            );
        }
        for t in &trials {
            let on = front.iter().any(|f| f.n == t.n);
            let same = front
                .iter()
                .any(|f| f.objective == t.objective && slack(f) == slack(t));
            assert!(
                on || same || front.iter().any(|f| dominates(f, t)),
                "{t:?} left off"
            );
        }
    }

    /// A cheaper point that misses a target comes after the ones that meet them all.
    #[test]
    fn the_pareto_front_lists_what_meets_the_targets_first() {
        let targets = [Target::parse("truncation_rate<0.05").expect("target")];
        let t = |n, point: Point| {
            let m = toy(&point).expect("metrics");
            Trial {
                n,
                point,
                violation: targets[0].violation(&m),
                objective: m.avg_tokens,
                metrics: m,
            }
        };
        // x = 4: 9 tokens, misses; x = 9 with n = 10: 14 tokens, meets it.
        let trials = [t(1, vec![4.0, 0.0]), t(2, vec![9.0, 10.0])];
        let front: Vec<(usize, bool)> = pareto(&trials, &targets)
            .iter()
            .map(|t| (t.n, t.feasible()))
            .collect();
        assert_eq!(front, [(2, true), (1, false)]);
    }
}
