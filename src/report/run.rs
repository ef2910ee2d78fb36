//! Runs a report: lists the fleet in batches, loads and replays each batch as a task on the
//! runtime's worker threads (a bounded number in flight, so memory stays flat), and adds the
//! batches' tallies up in listing order. Token counts are shared through the engine's cache.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::join_all;

use super::catch;
use super::knowledge::{Catalogue, KnowledgeUse};
use super::source::{Fleet, Job, Lister};
use super::{RunInfo, Tally, UserOutcome};
use crate::engine::{Engine, Policy, Snapshot};
use crate::store::{FleetPass, KnowledgeParams, LoadOptions, Store, StoreError, snapshots_of_many};
pub use cache::{SnapshotCache, TUI_ALL_USERS_UP_TO};

mod cache;

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
    /// Keep loaded snapshots here for the next run (see [`SnapshotCache`]).
    pub cache: Option<Arc<SnapshotCache>>,
    /// Find duplicates (`report --duplicates`) where the policies do not dedupe, for the
    /// duplicates sections: fingerprinting every candidate costs more than a cached replay.
    pub duplicates: bool,
    /// Knowledge rows the dead-knowledge section lists per milestone and kind.
    pub knowledge_rows: usize,
    /// `--redact`: a user's error or unreadable data is masked where it is named, before it is
    /// joined to the user's id and the source's name (which may hold quotes of their own).
    pub redact: bool,
}

impl Plan {
    /// Whether the run finds duplicates: asked for, or a policy removes them.
    pub fn finds_duplicates(&self) -> bool {
        let dedupes = |p: &Policy| p.dedupe != crate::engine::dedupe::Dedupe::Off;
        self.duplicates || dedupes(&self.candidate) || self.baseline.as_ref().is_some_and(dedupes)
    }
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
    /// What this run's loads share (one key discovery for many users).
    pass: FleetPass,
}

pub use super::summary::Stopped;

/// The cause of a run stopped by its caller (Ctrl-C).
pub const INTERRUPTED: &str = "interrupted";

/// [`run`] for a command whose fleet's store is its own: the store is closed after
/// ([`Store::close`]), whatever the run's end.
pub async fn run_closing(
    fleet: Fleet,
    plan: Plan,
    engine: Arc<Engine>,
    observer: &mut dyn Observer,
    cancel: impl Future<Output = ()>,
) -> Result<(Tally, RunInfo), StoreError> {
    let store = fleet.store().cloned();
    let ran = run(fleet, plan, engine, observer, cancel).await;
    if let Some(store) = store {
        store.close().await;
    }
    ran
}

/// What joins a sampled fleet's source to its sample (`DEMO · a random sample of 10 of 71
/// users (seed 4)`); the headline puts the sample on a line of its own.
pub const SAMPLED: &str = " · a random sample of ";

/// Replays `fleet` under `plan`. Stops early, with `partial` set and why in `stopped`, when
/// `cancel` completes or a store goes away (an outage: every later read would fail the same
/// way). A failure of one user's data fails that user only, counted in the tally's errors.
pub async fn run(
    fleet: Fleet,
    plan: Plan,
    engine: Arc<Engine>,
    observer: &mut dyn Observer,
    cancel: impl Future<Output = ()>,
) -> Result<(Tally, RunInfo), StoreError> {
    let (shared, source) = Shared::new(&fleet, plan, engine);
    let mut lister = Lister::new(fleet).await?;
    let source = sampled_source(source, &lister);
    let whole = lister.whole();
    let total = lister.total();
    observer.total(total);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let in_flight = workers * 2;
    let mut progress = Progress::new(Tally::new(shared.plan.top, shared.plan.baseline.is_some()));
    tokio::pin!(cancel);
    loop {
        progress
            .list(&mut lister, &shared, in_flight, cancel.as_mut())
            .await;
        if progress.stop.is_some() && !progress.listing_failed {
            break;
        }
        let Some(next) = progress.pending.pop_front() else {
            break;
        };
        let part = tokio::select! {
            biased;
            () = &mut cancel => { progress.stop = Some(INTERRUPTED.into()); break; }
            part = next => part,
        };
        if progress.take(part, observer) {
            break;
        }
    }
    for task in progress.pending.drain(..) {
        task.abort();
    }
    let stopped = progress.stopped(total);
    // The store's rows are listed after the replays; a stop asked meanwhile (Ctrl-C on a
    // locked table) ends the listing, said, and the report of every user read prints.
    let catalogue = if stopped.is_some() {
        catalogue(&shared, true, &progress.tally.knowledge).await
    } else {
        tokio::select! {
            biased;
            () = &mut cancel => Catalogue::NotRead(
                "stopped (a signal) before the rows were listed".into(),
            ),
            c = catalogue(&shared, false, &progress.tally.knowledge) => c,
        }
    };
    let mut info = shared.info(source, total, stopped, catalogue);
    info.whole_sample = whole;
    Ok((progress.tally, info))
}

/// The fleet's description, and when a sample left users out, of how many it was taken.
fn sampled_source(source: String, lister: &Lister) -> String {
    // A sample that left users out says so, and of how many.
    match lister.sampled() {
        Some((kept, of, seed)) => format!(
            "{source}{SAMPLED}{} of {} (seed {seed})",
            crate::text::thousands(kept as f64, 0),
            crate::text::count(of, "user", "users")
        ),
        None => source,
    }
}

/// Where a run is: its tally, the batches in flight, how far the listing got, and what stopped
/// it.
struct Progress {
    tally: Tally,
    pending: VecDeque<tokio::task::JoinHandle<Part>>,
    listed: u64,
    listed_all: bool,
    /// The first cause to stop the run. Ctrl-C and an outage met by a batch stop it at once; a
    /// listing that fails stops the listing, and the batches already listed are still read.
    stop: Option<String>,
    listing_failed: bool,
    /// Whether what stopped it is an outage (not Ctrl-C, not a list the store could not give).
    outage_stop: bool,
}

impl Progress {
    fn new(tally: Tally) -> Self {
        Progress {
            tally,
            pending: VecDeque::new(),
            listed: 0,
            listed_all: false,
            stop: None,
            listing_failed: false,
            outage_stop: false,
        }
    }

    /// Lists batches and starts each as a task until `in_flight` are, the listing ends or
    /// fails, or `cancel` completes.
    async fn list(
        &mut self,
        lister: &mut Lister,
        shared: &Arc<Shared>,
        in_flight: usize,
        mut cancel: std::pin::Pin<&mut impl Future<Output = ()>>,
    ) {
        while !self.listed_all
            && !self.listing_failed
            && self.stop.is_none()
            && self.pending.len() < in_flight
        {
            let jobs = tokio::select! {
                biased;
                () = &mut cancel => { self.stop = Some(INTERRUPTED.into()); break; }
                jobs = lister.next_batch(BATCH) => jobs,
            };
            match jobs {
                Ok(jobs) if jobs.is_empty() => self.listed_all = true,
                Ok(jobs) => {
                    self.listed += jobs.len() as u64;
                    self.pending
                        .push_back(tokio::spawn(batch(jobs, shared.clone())));
                }
                Err(e) => {
                    self.listing_failed = true;
                    self.outage_stop = e.is_outage();
                    self.stop = Some(e.to_string());
                }
            }
        }
    }

    /// Adds a finished batch up and tells `observer`; whether an outage it met stops the run.
    fn take(
        &mut self,
        part: Result<Part, tokio::task::JoinError>,
        observer: &mut dyn Observer,
    ) -> bool {
        let outage = match part {
            Ok(part) => {
                self.tally.merge(part.tally);
                part.outage
            }
            // Not expected (each user's panics are caught): the batch's users count as failed.
            Err(e) => {
                self.tally
                    .error(format!("a batch of {BATCH} users failed: {e}"));
                None
            }
        };
        observer.progress(self.tally.users() + self.tally.errors);
        let Some(cause) = outage else {
            return false;
        };
        if self.stop.is_none() {
            self.outage_stop = true;
            self.stop = Some(cause);
        }
        true
    }

    /// What stopped the run, if anything did, and how many of `total` (or of those listed, when
    /// the total is not known) it did not read.
    fn stopped(&self, total: Option<u64>) -> Option<Stopped> {
        let done = self.tally.users() + self.tally.errors;
        self.stop.clone().map(|cause| Stopped {
            outage: self.outage_stop && cause != INTERRUPTED,
            cause,
            not_read: total.unwrap_or(self.listed).saturating_sub(done),
            not_read_lower_bound: total.is_none() && !self.listed_all,
        })
    }
}

impl Shared {
    /// What the workers of a run over `fleet` share, and the fleet's description.
    fn new(fleet: &Fleet, plan: Plan, engine: Arc<Engine>) -> (Arc<Shared>, String) {
        let store = fleet.store().cloned();
        let source = match fleet {
            Fleet::Store { store, .. } => store.describe(),
            Fleet::Snapshots(files) => format!("{} snapshot files", files.len()),
        };
        let mut params = vec![KnowledgeParams::of(&plan.candidate)];
        params.extend(plan.baseline.iter().map(KnowledgeParams::of));
        let shared = Shared {
            plan,
            engine,
            store,
            params,
            pass: FleetPass::default(),
        };
        (Arc::new(shared), source)
    }

    /// What a finished (or stopped) run tells besides its tally.
    fn info(
        &self,
        source: String,
        total: Option<u64>,
        stopped: Option<Stopped>,
        catalogue: Catalogue,
    ) -> RunInfo {
        RunInfo {
            duplicates: self.plan.finds_duplicates(),
            source,
            users_total: total,
            partial: stopped.is_some(),
            stopped,
            catalogue,
            knowledge_listed: self.plan.knowledge_rows,
            whole_sample: None,
            map_ids: self.engine.milestones.ids().map(str::to_string).collect(),
        }
    }
}

/// What the run learns of every knowledge row: the store's rows listed (after the replays, so
/// each is classified against them), unless the run stopped early or the fleet is files.
async fn catalogue(shared: &Shared, stopped: bool, used: &KnowledgeUse) -> Catalogue {
    let Some(store) = &shared.store else {
        return Catalogue::Unlisted;
    };
    if stopped {
        return Catalogue::NotRead("the run stopped before the rows were listed".into());
    }
    let held = shared.plan.cache.as_ref().map(|c| &c.catalogue);
    let listed = shared.plan.knowledge_rows;
    match super::knowledge::scan(store.as_ref(), used, listed, held).await {
        Ok(Some(scan)) => Catalogue::Scanned(scan),
        Ok(None) => Catalogue::Unlisted,
        Err(e) => Catalogue::NotRead(e.to_string()),
    }
}

/// A batch's result: its users' tally, and the outage that kept some of them from being read.
struct Part {
    tally: Tally,
    outage: Option<String>,
}

/// Loads and replays a batch of users: users not in the snapshot cache are read together
/// ([`Store::load_users`]), then their knowledge searched concurrently. Each user's replay is
/// caught on its own: a panic fails that user.
async fn batch(jobs: Vec<Job>, s: Arc<Shared>) -> Part {
    let mut tally = Tally::new(s.plan.top, s.plan.baseline.is_some());
    let mut outage = None;
    for (job, loaded) in jobs.iter().zip(load_isolated(&jobs, &s).await) {
        match loaded {
            Ok(snaps) => match catch::call(|| outcome(&snaps, &s, &mut tally.knowledge)) {
                Ok(mut o) => {
                    // A file's user is named with its file (`u005@a.json`): several files may
                    // hold one user, at different moments.
                    match job {
                        Job::File(path) => {
                            // Quoted when the id holds `@`, so two users never read alike.
                            let file = crate::text::file_name(path.file_name().unwrap_or_default());
                            o.user_id = crate::store::snapshots::in_file(&o.user_id, &file);
                        }
                        // The id the store lists the user under (`USER@FILE` for a user in
                        // several files of a folder), which opens that user again.
                        Job::User { id, .. } => o.user_id.clone_from(id),
                    }
                    tally.add(o)
                }
                Err(panic) => tally.error(format!(
                    "{}: replay failed: {}",
                    job.name(),
                    shown_error(&panic, s.plan.redact)
                )),
            },
            Err(Unread::Failed(msg)) => tally.error(msg),
            Err(Unread::Outage(cause)) => {
                outage.get_or_insert(cause);
            }
        }
    }
    Part { tally, outage }
}

/// Why a job was not read.
#[derive(Debug, Clone)]
enum Unread {
    /// Its store is out of reach (the message names the store): not the user's fault.
    Outage(String),
    /// Its data could not be read (the message names the user).
    Failed(String),
}

type JobSnapshots = Result<Vec<Arc<Snapshot>>, Unread>;

/// [`load`], with the failure of one user kept to that user: when the batch's shared read
/// panics, or fails for more than one user, each of those users is read again on its own, so
/// one bad row no longer fails the other users of its batch.
///
/// A read that met an outage is tried once more first: a single connection lost (a backend
/// terminated, a connection reset) is not a store gone, and a pool opens a new one. Only an
/// outage met twice stops the run.
async fn load_isolated(jobs: &[Job], s: &Shared) -> Vec<JobSnapshots> {
    let (mut out, panicked) = match catch::future(load(jobs, s)).await {
        Ok(out) => (out, false),
        Err(panic) => {
            let panic = shown_error(&panic, s.plan.redact);
            (vec![Err(Unread::Failed(panic)); jobs.len()], true)
        }
    };
    let lost: Vec<usize> = (0..jobs.len())
        .filter(|&i| matches!(out[i], Err(Unread::Outage(_))))
        .collect();
    if !lost.is_empty() {
        let again: Vec<Job> = lost.iter().map(|&i| jobs[i].clone()).collect();
        if let Ok(read) = catch::future(load(&again, s)).await {
            for (&i, one) in lost.iter().zip(read) {
                // Gone twice: the first cause is the one named (a read after it may only have
                // waited for a connection the first left waiting on the server).
                if !matches!(one, Err(Unread::Outage(_))) {
                    out[i] = one;
                }
            }
        }
    }
    let failed: Vec<usize> = (0..jobs.len())
        .filter(|&i| matches!(out[i], Err(Unread::Failed(_))))
        .collect();
    if !panicked && failed.len() < 2 {
        return out;
    }
    let alone = failed.iter().map(|&i| async move {
        match catch::future(load(&jobs[i..=i], s)).await {
            Ok(mut one) => one
                .pop()
                .unwrap_or_else(|| Err(Unread::Failed(jobs[i].name()))),
            Err(panic) => Err(Unread::Failed(format!(
                "{}: reading failed: {}",
                jobs[i].name(),
                shown_error(&panic, s.plan.redact)
            ))),
        }
    });
    for (i, one) in failed.iter().zip(join_all(alone).await) {
        out[*i] = one;
    }
    out
}

/// The snapshots of each job, in order: one per knowledge-parameter set (candidate, then
/// baseline).
async fn load(jobs: &[Job], s: &Shared) -> Vec<JobSnapshots> {
    let mut out: Vec<Option<JobSnapshots>> = vec![None; jobs.len()];
    let mut to_read: Vec<(usize, &str)> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        out[i] = match job {
            Job::File(path) => Some(
                crate::store::file::read_snapshot(path)
                    .map(|mut snap| {
                        crate::store::as_of::at_clock(&mut snap, &s.plan.opts);
                        // One snapshot serves every policy: the same Arc, shared.
                        let snap = Arc::new(snap);
                        s.params.iter().map(|_| snap.clone()).collect()
                    })
                    .map_err(|e| Unread::Failed(file_error(path, &e, s.plan.redact))),
            ),
            Job::User { id, .. } => {
                match s.plan.cache.as_ref().and_then(|c| c.get(id, &s.params)) {
                    Some(hit) => Some(Ok(hit)),
                    None => {
                        to_read.push((i, id));
                        None
                    }
                }
            }
        };
    }
    if let (Some(store), false) = (&s.store, to_read.is_empty()) {
        let ids: Vec<String> = to_read.iter().map(|(_, id)| id.to_string()).collect();
        let datas = store.load_users(&ids, &s.plan.opts, &s.pass).await;
        let datas = datas
            .iter()
            .map(|d| d.as_ref().map_err(Clone::clone))
            .collect();
        let found = snapshots_of_many(store.as_ref(), datas, &s.plan.opts, &s.params).await;
        for ((i, id), snaps) in to_read.iter().zip(found) {
            out[*i] = Some(match snaps {
                Ok(snaps) => {
                    let snaps: Vec<Arc<Snapshot>> = snaps.into_iter().map(Arc::new).collect();
                    if let Some(c) = &s.plan.cache {
                        c.put(id, &s.params, &snaps);
                    }
                    Ok(snaps)
                }
                Err(e) if e.is_outage() => Err(Unread::Outage(e.to_string())),
                Err(e) => Err(Unread::Failed(format!(
                    "{}: {}",
                    jobs[*i].name(),
                    shown_error(&e.to_string(), s.plan.redact)
                ))),
            });
        }
    }
    out.into_iter()
        .map(|o| o.unwrap_or_else(|| Err(Unread::Failed("no store to read users from".into()))))
        .collect()
}

/// An error about a user's data as the run names it: under `--redact` its quoted values masked
/// here, before it is joined to the user's id (which may hold a quote that would pair with one
/// of the error's and leave a value outside every quote).
fn shown_error(error: &str, redact: bool) -> String {
    if redact {
        crate::engine::redact::mask_quoted(error)
    } else {
        error.to_string()
    }
}

/// A snapshot file's error as the run names it: under `--redact` what follows the file's name
/// masked (the name, typed by whoever named the file, may hold a quote of its own).
fn file_error(path: &std::path::Path, error: &str, redact: bool) -> String {
    let head = crate::store::file::named(path);
    match error.strip_prefix(&head) {
        Some(rest) if redact => format!("{head}{}", shown_error(rest, true)),
        _ => shown_error(error, redact),
    }
}

/// One user's outcome; the candidate's use of knowledge rows goes to `used`.
fn outcome(snaps: &[Arc<Snapshot>], s: &Shared, used: &mut KnowledgeUse) -> UserOutcome {
    // Both policies measured whenever the duplicates sections show (a deduping policy finds
    // them anyway), so the baseline's column is never an unmeasured zero.
    let dup = s.plan.finds_duplicates();
    let redact = s.plan.redact.then_some(&s.engine.milestones);
    let cand = s.engine.assemble_fleet(&snaps[0], &s.plan.candidate, dup);
    let o = match &s.plan.baseline {
        None => UserOutcome::of(&snaps[0], (&s.plan.candidate, &cand), None, redact),
        Some(p) => {
            let snap = snaps.get(1).unwrap_or(&snaps[0]);
            let base = s.engine.assemble_fleet(snap, p, dup);
            UserOutcome::of(
                &snaps[0],
                (&s.plan.candidate, &cand),
                Some((p, &base)),
                redact,
            )
        }
    };
    used.add(&snaps[0], &cand);
    o
}
