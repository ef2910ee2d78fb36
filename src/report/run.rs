//! Runs a report: lists the fleet in batches, loads and replays each batch as a task on the
//! runtime's worker threads (a bounded number in flight, so memory stays flat), and adds the
//! batches' tallies up in listing order. Token counts are shared through the engine's cache.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::join_all;

use super::source::{Fleet, Job, Lister};
use super::{RunInfo, Tally, UserOutcome};
use crate::engine::{Engine, Policy, Snapshot};
use crate::store::{KnowledgeParams, LoadOptions, Store, StoreError, load_snapshots};

/// Users per task: enough to amortise a task, few enough to spread over the cores.
const BATCH: usize = 64;

/// What to replay the fleet under.
#[derive(Debug, Clone)]
pub struct Plan {
    pub candidate: Policy,
    /// Compare with this policy.
    pub baseline: Option<Policy>,
    /// How many most-affected users to list.
    pub top: usize,
    /// Embedder and `now` for store loads (session and query are each user's own).
    pub opts: LoadOptions,
}

/// What a run tells its caller as it goes.
pub trait Observer: Send {
    /// The number of users to read, once known.
    fn total(&mut self, _users: Option<u64>) {}
    /// `done` users have been read so far.
    fn progress(&mut self, _done: u64) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {}

struct Shared {
    plan: Plan,
    engine: Arc<Engine>,
    store: Option<Arc<dyn Store>>,
    params: Vec<KnowledgeParams>,
}

/// Replays `fleet` under `plan`. Stops early, with `partial` set, when `cancel` completes.
pub async fn run(
    fleet: Fleet,
    plan: Plan,
    engine: Arc<Engine>,
    observer: &mut dyn Observer,
    cancel: impl Future<Output = ()>,
) -> Result<(Tally, RunInfo), StoreError> {
    let (store, source) = match &fleet {
        Fleet::Store { store, .. } => (Some(store.clone()), store.describe()),
        Fleet::Snapshots(files) => (None, format!("{} snapshot files", files.len())),
    };
    let mut params = vec![KnowledgeParams::of(&plan.candidate)];
    params.extend(plan.baseline.iter().map(KnowledgeParams::of));
    let shared = Arc::new(Shared {
        plan,
        engine,
        store,
        params,
    });
    let mut lister = Lister::new(fleet).await?;
    let total = lister.total();
    observer.total(total);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let in_flight = workers * 2;
    let mut tally = Tally::new(shared.plan.top, shared.plan.baseline.is_some());
    let mut pending = VecDeque::new();
    let mut listed_all = false;
    let mut partial = false;
    tokio::pin!(cancel);
    loop {
        while !listed_all && pending.len() < in_flight {
            let jobs = tokio::select! {
                biased;
                () = &mut cancel => { partial = true; break; }
                jobs = lister.next_batch(BATCH) => jobs?,
            };
            if jobs.is_empty() {
                listed_all = true;
            } else {
                pending.push_back(tokio::spawn(batch(jobs, shared.clone())));
            }
        }
        if partial {
            break;
        }
        let Some(next) = pending.pop_front() else {
            break;
        };
        let part = tokio::select! {
            biased;
            () = &mut cancel => { partial = true; break; }
            part = next => part,
        };
        match part {
            Ok(part) => tally.merge(part),
            // A batch that panicked: its users are counted as failed, the rest go on.
            Err(e) => tally.error(format!("a batch of {BATCH} users failed: {e}")),
        }
        observer.progress(tally.users() + tally.errors);
    }
    for task in pending {
        task.abort();
    }
    let info = RunInfo {
        source,
        users_total: total,
        partial,
    };
    Ok((tally, info))
}

/// Loads and replays a batch of users, each load concurrent with the others (live stores).
async fn batch(jobs: Vec<Job>, s: Arc<Shared>) -> Tally {
    let mut tally = Tally::new(s.plan.top, s.plan.baseline.is_some());
    let loads = join_all(jobs.iter().map(|j| load(j, &s))).await;
    for loaded in loads {
        match loaded {
            Ok(snaps) => tally.add(outcome(&snaps, &s)),
            Err(e) => tally.error(e),
        }
    }
    tally
}

/// The snapshots of one job: one per knowledge-parameter set (candidate, then baseline).
async fn load(job: &Job, s: &Shared) -> Result<Vec<Snapshot>, String> {
    match job {
        Job::File(path) => {
            let snap = crate::store::file::read_snapshot(path)?;
            Ok(vec![snap; s.params.len()])
        }
        Job::User { id, .. } => {
            let Some(store) = &s.store else {
                return Err("no store to read users from".into());
            };
            load_snapshots(store.as_ref(), id, &s.plan.opts, &s.params)
                .await
                .map(|(snaps, _)| snaps)
                .map_err(|e| format!("{}: {e}", job.name()))
        }
    }
}

fn outcome(snaps: &[Snapshot], s: &Shared) -> UserOutcome {
    let cand = s.engine.assemble(&snaps[0], &s.plan.candidate);
    match &s.plan.baseline {
        None => UserOutcome::of(&snaps[0], (&s.plan.candidate, &cand), None),
        Some(p) => {
            let snap = snaps.get(1).unwrap_or(&snaps[0]);
            let base = s.engine.assemble(snap, p);
            UserOutcome::of(&snaps[0], (&s.plan.candidate, &cand), Some((p, &base)))
        }
    }
}
