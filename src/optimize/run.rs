//! One whole search as the TUI runs it on a task: the fleet loaded (every user of a small
//! fleet, else a fixed sample), 30 % held out, the coordinate search against seed 003's
//! targets, and how it goes told as it goes (the best so far and the Pareto front), stoppable
//! at any moment with the best so far kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::eval::{Fleet as Loaded, split};
use super::search::{Limits, Method, Trial, pareto};
use super::space::{Coverage, Space};
use super::target::{Metrics, Objective, Target, targets};
use super::{Change, Holdout, Setup, holdout, optimize, unmet};
use crate::engine::{Engine, Policy};
use crate::report::run::{Observer, Plan, SnapshotCache, TUI_ALL_USERS_UP_TO, run};
use crate::report::source::{Fleet, Pick};
use crate::store::{KnowledgeParams, LoadOptions, Store};

/// Trials a TUI search makes unless asked otherwise (`ctxlens optimize`'s default).
pub const TRIALS: usize = 200;
/// Users a TUI search loads of a larger or live fleet.
pub const SAMPLE: usize = 1_000;
/// Share of users held out of the search.
const HOLDOUT: f64 = 0.3;
/// The shortest time between two progress messages (a search makes hundreds of trials a second).
const TELL_EVERY: Duration = Duration::from_millis(100);

/// How a search is going: what the screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub phase: Phase,
    /// Users the search replays, and users held out to measure the answer on.
    pub users: usize,
    pub held_out: usize,
    pub trials: usize,
    pub max_trials: usize,
    pub elapsed: Duration,
    /// The targets, as `truncation_rate<0.05`.
    pub targets: Vec<String>,
    /// The baseline's figures on the searched users.
    pub baseline: Option<Metrics>,
    /// Whether those figures meet every target (`None`: not measured yet).
    pub baseline_meets: Option<bool>,
    /// The best trial so far: feasible first, then the fewest average tokens.
    pub best: Option<Candidate>,
    /// The trials no other beats on cost and on every target's slack, cheapest first.
    pub pareto: Vec<Candidate>,
    /// At the end: the best policy and the baseline measured on the held-out users.
    pub holdout: Option<Holdout>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Loading users (this many so far).
    Loading(u64),
    Searching,
    /// Ended: why early (stopped, time), or `None` when the trials ran out.
    Done(Option<String>),
    /// Could not search: why.
    Failed(String),
}

impl Phase {
    pub fn ended(&self) -> bool {
        matches!(self, Phase::Done(_) | Phase::Failed(_))
    }
}

/// A measured policy the screen can load as the tuned one.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub trial: usize,
    pub metrics: Metrics,
    pub feasible: bool,
    /// Targets it misses, with their slack.
    pub unmet: Vec<String>,
    /// Keys it sets differently from the baseline.
    pub changes: Vec<Change>,
    pub policy: Policy,
}

/// What a TUI search needs.
pub struct Request {
    pub store: Arc<dyn Store>,
    pub engine: Arc<Engine>,
    pub baseline: Policy,
    pub opts: LoadOptions,
    /// Snapshots shared with the Report screen: users it loaded are not read again.
    pub snapshots: Arc<SnapshotCache>,
    /// Trials to make at most.
    pub trials: usize,
    /// The run's number; it stops once `stop` holds a number at least this.
    pub id: u64,
    pub stop: watch::Receiver<u64>,
}

/// A sink for progress messages.
pub type Tell = Arc<dyn Fn(Progress) + Send + Sync>;

/// Runs the whole search; `tell` hears how it goes. The answer is the last progress.
pub async fn search(req: Request, tell: Tell) -> Progress {
    let started = Instant::now();
    let goals = match targets(&req.baseline, &[]) {
        Ok(g) => g,
        Err(why) => return failed(why, started),
    };
    if let Err(why) = Space::build(&req.baseline, &[], &[]) {
        return failed(why, started);
    }
    let snaps = match load(&req, &tell, started).await {
        Ok(snaps) => snaps,
        // Stopped while loading: nothing measured, nothing failed.
        Err(_) if *req.stop.borrow() >= req.id => {
            return Progress {
                phase: Phase::Done(Some(crate::report::run::INTERRUPTED.into())),
                trials: 0,
                ..empty(started)
            };
        }
        Err(why) => return failed(why, started),
    };
    // Knowledge keys within what the loaded hits cover (snapshot files say what they hold).
    let cov = Coverage::of_snapshots(&req.baseline, snaps.iter().map(|s| s.as_ref()));
    let space = match Space::build_within(&req.baseline, &[], &[], &cov) {
        Ok(s) => s,
        Err(why) => return failed(why, started),
    };
    let (train, held) = split(snaps, HOLDOUT, SEED);
    let base = Progress {
        phase: Phase::Searching,
        max_trials: req.trials,
        users: train.len(),
        held_out: held.len(),
        targets: goals.iter().map(|t| t.text.clone()).collect(),
        ..empty(started)
    };
    tell(base.clone());
    let cancel = Arc::new(AtomicBool::new(false));
    let watch = Watch {
        stop: req.stop.clone(),
        id: req.id,
        cancel: cancel.clone(),
    };
    let job = Job {
        engine: req.engine.clone(),
        baseline: req.baseline.clone(),
        train: Loaded::new(train),
        held: Loaded::new(held),
        space,
        goals,
        trials: req.trials,
        started,
    };
    let blocking = tokio::task::spawn_blocking(move || job.run(base, cancel, watch, tell));
    blocking
        .await
        .unwrap_or_else(|e| failed(format!("the search failed: {e}"), started))
}

fn empty(started: Instant) -> Progress {
    Progress {
        phase: Phase::Searching,
        users: 0,
        held_out: 0,
        trials: 0,
        max_trials: TRIALS,
        elapsed: started.elapsed(),
        targets: Vec::new(),
        baseline: None,
        baseline_meets: None,
        best: None,
        pareto: Vec::new(),
        holdout: None,
    }
}

fn failed(why: String, started: Instant) -> Progress {
    Progress {
        phase: Phase::Failed(why),
        ..empty(started)
    }
}

/// Tells the loading's progress, at most every [`TELL_EVERY`].
struct Loading {
    tell: Tell,
    started: Instant,
    last: Option<Instant>,
}

impl Observer for Loading {
    fn progress(&mut self, done: u64) {
        if self.last.is_some_and(|t| t.elapsed() < TELL_EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        (self.tell)(Progress {
            phase: Phase::Loading(done),
            ..empty(self.started)
        });
    }
}

/// The fleet's snapshots under the baseline's knowledge search: every user of a fleet of up to
/// [`TUI_ALL_USERS_UP_TO`], else a fixed sample of [`SAMPLE`] (as the Report screen reads them).
async fn load(
    req: &Request,
    tell: &Tell,
    started: Instant,
) -> Result<Vec<Arc<crate::engine::Snapshot>>, String> {
    let all = req
        .store
        .user_count()
        .is_some_and(|n| n <= TUI_ALL_USERS_UP_TO);
    let pick = if all {
        Pick::All
    } else {
        Pick::Sample { n: SAMPLE, seed: 1 }
    };
    let plan = Plan {
        candidate: req.baseline.clone(),
        baseline: None,
        top: 0,
        opts: req.opts.clone(),
        cache: Some(req.snapshots.clone()),
        duplicates: false,
        knowledge_rows: 0,
        // Only the snapshots are kept: the run's summary, its messages, is not shown.
        redact: false,
    };
    let fleet = Fleet::Store {
        store: req.store.clone(),
        pick,
    };
    let mut stop = req.stop.clone();
    let id = req.id;
    let cancel = async move {
        let _ = stop.wait_for(|&g| g >= id).await;
    };
    let mut observer = Loading {
        tell: tell.clone(),
        started,
        last: None,
    };
    let (_, info) = run(fleet, plan, req.engine.clone(), &mut observer, cancel)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(st) = info.stopped {
        return Err(format!("loading the fleet stopped: {}", st.cause));
    }
    let snaps = req.snapshots.snapshots(&KnowledgeParams::of(&req.baseline));
    if snaps.is_empty() {
        return Err("no users to optimize on".into());
    }
    Ok(snaps)
}

/// The stop signal, passed on to the search's flag at each trial.
struct Watch {
    stop: watch::Receiver<u64>,
    id: u64,
    cancel: Arc<AtomicBool>,
}

impl Watch {
    fn check(&self) {
        if *self.stop.borrow() >= self.id {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// The search proper, on a blocking thread.
struct Job {
    engine: Arc<Engine>,
    baseline: Policy,
    train: Loaded,
    held: Loaded,
    space: Space,
    goals: Vec<Target>,
    trials: usize,
    started: Instant,
}

/// The seed of the TUI's search and of its held-out split: `ctxlens optimize --seed 1` (its
/// default) searches alike.
pub const SEED: u64 = 1;

impl Job {
    fn run(self, base: Progress, cancel: Arc<AtomicBool>, watch: Watch, tell: Tell) -> Progress {
        let setup = Setup {
            baseline: self.baseline.clone(),
            space: self.space.clone(),
            targets: self.goals.clone(),
            objective: Objective::Cost,
            method: Method::Coordinate,
            seed: SEED,
            limits: Limits {
                trials: Some(self.trials),
                deadline: None,
                cancel,
            },
        };
        let base_metrics = self.train.measure(&self.engine, &self.baseline);
        let mut history: Vec<Trial> = Vec::new();
        let mut told: Option<Instant> = None;
        let mut on_trial = |t: &Trial, best: &Trial| {
            watch.check();
            history.push(t.clone());
            if told.is_some_and(|at| at.elapsed() < TELL_EVERY) && t.n != best.n {
                return;
            }
            told = Some(Instant::now());
            tell(self.progress(&base, &history, best, Some(base_metrics)));
        };
        let found = match optimize(&self.engine, &self.train, setup, &mut on_trial) {
            Ok(found) => found,
            Err(why) => return failed(why, self.started),
        };
        let mut last = self.progress(&base, &found.history, &found.best, Some(found.baseline));
        last.phase = Phase::Done(found.stopped.clone());
        last.holdout = (!self.held.is_empty())
            .then(|| holdout(&self.engine, &self.held, &found, &self.baseline));
        last
    }

    /// The progress after `history`, `best` the best so far.
    fn progress(
        &self,
        base: &Progress,
        history: &[Trial],
        best: &Trial,
        baseline: Option<Metrics>,
    ) -> Progress {
        Progress {
            trials: history.len(),
            elapsed: self.started.elapsed(),
            baseline,
            baseline_meets: baseline.map(|m| self.goals.iter().all(|t| t.violation(&m) == 0.0)),
            best: Some(self.candidate(best)),
            pareto: pareto(history, &self.goals)
                .into_iter()
                .map(|t| self.candidate(t))
                .collect(),
            ..base.clone()
        }
    }

    fn candidate(&self, t: &Trial) -> Candidate {
        let mut policy = self
            .space
            .policy(&self.baseline, &t.point)
            .unwrap_or_else(|_| self.baseline.clone());
        policy.name = self.baseline.name.clone();
        Candidate {
            trial: t.n,
            metrics: t.metrics,
            feasible: t.feasible(),
            unmet: unmet(&self.goals, &t.metrics),
            changes: self
                .space
                .changes(&self.baseline, &t.point)
                .into_iter()
                .map(|(key, from, to)| Change { key, from, to })
                .collect(),
            policy,
        }
    }
}
