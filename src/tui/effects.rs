//! Running effects: what `update` asks for, done on tasks with the loop's resources (store,
//! engine, embedder, the reports' snapshot cache), answered as actions.

use std::sync::Arc;

use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::action::{Action, UserStats};
use crate::app::{Effect, Task, TaskError};
use crate::engine::{Engine, Policy};
use crate::report::run::SnapshotCache;
use crate::store::embedder::Embedder;
use crate::store::{KnowledgeParams, LoadOptions, Store, load_snapshot};

/// Users per page requested from the store.
const PAGE: usize = 200;

/// The sample a TUI report takes of a larger fleet.
const REPORT_SAMPLE: usize = 1_000;

/// What running effects needs, held by the loop (never in the state).
#[derive(Clone)]
pub struct EffectContext {
    pub store: Arc<dyn Store>,
    pub engine: Engine,
    /// How knowledge queries are embedded.
    pub embedder: Embedder,
    /// Snapshots kept between report runs, so a report after a tuning step only replays.
    pub snapshots: Arc<SnapshotCache>,
    /// Where an effect that tells how it goes (the optimizer) sends its progress.
    pub actions: Option<UnboundedSender<Action>>,
    /// The number of the last optimizer search asked to stop (every search up to it stops).
    pub optimizer_stop: Arc<tokio::sync::watch::Sender<u64>>,
    /// Counting the users list's figures, a few pages at a time (a sort reads every page at
    /// once, and each page counted at the same time would hold its snapshots together), the
    /// newest asked first: the page just jumped to is counted before those read on the way.
    pub counting: Arc<super::newest_first::NewestFirst>,
}

/// How many pages of the users list are counted at once.
const COUNTING_AT_ONCE: usize = 8;

impl EffectContext {
    pub fn new(store: Arc<dyn Store>, engine: Engine, embedder: Embedder) -> Self {
        EffectContext {
            store,
            engine,
            embedder,
            snapshots: Arc::default(),
            actions: None,
            optimizer_stop: Arc::new(tokio::sync::watch::Sender::new(0)),
            counting: super::newest_first::NewestFirst::new(COUNTING_AT_ONCE),
        }
    }

    /// Stops optimizer search `id` (and any earlier one).
    pub fn stop_optimizer(&self, id: u64) {
        self.optimizer_stop.send_modify(|g| *g = (*g).max(id));
    }

    /// A guard that stops every optimizer search, those started later included, when dropped.
    pub fn stop_searches_on_drop(&self) -> StopSearches {
        StopSearches(self.optimizer_stop.clone())
    }

    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            embedder: self.embedder.clone(),
            ..LoadOptions::default()
        }
    }

    /// How users are loaded as of `at` (time travel: the milestone of then derived with the
    /// engine's map); `None`: now.
    fn load_options_at(&self, at: Option<chrono::DateTime<chrono::Utc>>) -> LoadOptions {
        LoadOptions {
            at,
            milestones: at.map(|_| Arc::new(self.engine.milestones.clone())),
            ..self.load_options()
        }
    }
}

/// Stops every optimizer search when dropped (see [`EffectContext::stop_searches_on_drop`]): a
/// search measures its trials on a blocking thread, which the runtime waits for before the
/// process exits, so the TUI's loop holds one of these however it ends (quit, a signal, an
/// error, a panic). A stopped search ends after the trial it is measuring.
pub struct StopSearches(Arc<tokio::sync::watch::Sender<u64>>);

impl Drop for StopSearches {
    fn drop(&mut self) {
        self.0.send_modify(|g| *g = u64::MAX);
    }
}

/// Runs `effect` and returns the action that reports its result.
pub async fn run(effect: Effect, ctx: EffectContext) -> Action {
    let failed = effect.failure();
    match effect {
        Effect::LoadUsers { cursor } => match ctx.store.users(cursor.as_deref(), PAGE).await {
            Ok(page) => Action::UsersLoaded(cursor, page),
            Err(e) => failed(e.into()),
        },
        Effect::LoadUser {
            load,
            user,
            knowledge,
            query,
            at,
        } => load_user(&ctx, load, &user, knowledge, query, at)
            .await
            .unwrap_or_else(failed),
        Effect::ComputeStats {
            users,
            policy,
            tuned,
            at,
        } => compute_stats(&ctx, users, *policy, tuned, at).await,
        Effect::WarmTokenizer(t) => {
            let engine = ctx.engine.clone();
            match tokio::task::spawn_blocking(move || engine.tokens.warm(t)).await {
                Ok(()) => Action::TokenizerReady(t),
                Err(e) => failed(e.to_string().into()),
            }
        }
        Effect::LoadPolicy(spec) => load_policy(spec).await,
        Effect::CheckHealth => Action::Health(ctx.store.health().await),
        Effect::Compare(req) => compare(&ctx, *req).await,
        Effect::ExplainRow { user, policy, arg } => explain_row(&ctx, &user, &policy, &arg).await,
        Effect::RunReport {
            id,
            candidate,
            baseline,
            redact,
        } => fleet_report(&ctx, id, (*candidate, *baseline), redact).await,
        Effect::SavePolicy { path, toml } => save_policy(path, toml).await.unwrap_or_else(failed),
        Effect::RunOptimize {
            id,
            baseline,
            trials,
        } => optimize(&ctx, id, *baseline, trials).await,
        Effect::StopOptimize(id) => {
            ctx.stop_optimizer(id);
            Action::Tick
        }
        // The loop does these itself; nothing runs on a task.
        Effect::ForgetSnapshots | Effect::Clipboard(_) => Action::Tick,
    }
}

/// Loads `user` (load number `load`) with `knowledge` searched for `query` (`None`: the newest
/// user turn), as of `at` (`None`: now).
async fn load_user(
    ctx: &EffectContext,
    load: u64,
    user: &str,
    knowledge: KnowledgeParams,
    query: Option<String>,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Action, TaskError> {
    let opts = LoadOptions {
        query: query.clone(),
        ..ctx.load_options_at(at)
    };
    let (snap, data) = load_snapshot(ctx.store.as_ref(), user, &opts, knowledge).await?;
    // With the search it was read with: a load of a search since changed is stale.
    Ok(Action::UserLoaded(Box::new((
        load, data, snap, knowledge, query,
    ))))
}

/// Reads the policy file (or preset) `spec`, off the runtime's threads: a slow file (a FIFO no
/// one writes yet, a network mount) holds no worker.
async fn load_policy(spec: String) -> Action {
    let read = {
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || crate::config::load_policy(&spec, &[])).await
    };
    match read {
        Ok(Ok(p)) => Action::PolicyLoaded(Box::new(p), spec),
        Ok(Err(e)) => Action::PolicyFailed(spec, e.to_string()),
        Err(e) => Action::PolicyFailed(spec, e.to_string()),
    }
}

/// Writes `toml` to `path`, off the runtime's threads; answered with the file named in full.
async fn save_policy(path: String, toml: String) -> Result<Action, TaskError> {
    let target = path.clone();
    match tokio::task::spawn_blocking(move || std::fs::write(&target, toml)).await {
        // Named in full, so the message says where the file is whatever the
        // directory the TUI was started from.
        Ok(Ok(())) => Ok(Action::Saved(
            std::fs::canonicalize(&path)
                .or_else(|_| std::path::absolute(&path))
                .map_or(path, |p| p.to_string_lossy().into_owned()),
        )),
        Ok(Err(e)) => Err(format!("{path}: {e}").into()),
        Err(e) => Err(e.to_string().into()),
    }
}

/// The fleet report for the Report screen: every user of a small fleet, else a fixed sample.
async fn fleet_report(
    ctx: &EffectContext,
    id: u64,
    (candidate, baseline): (Policy, Policy),
    redact: bool,
) -> Action {
    use crate::report::source::{Fleet, Pick};
    let all = ctx
        .store
        .user_count()
        .is_some_and(|n| n <= crate::report::run::TUI_ALL_USERS_UP_TO);
    let pick = if all {
        Pick::All
    } else {
        Pick::Sample {
            n: REPORT_SAMPLE,
            seed: 1,
        }
    };
    let plan = crate::report::run::Plan {
        candidate: candidate.clone(),
        baseline: Some(baseline.clone()),
        top: crate::report::DEFAULT_TOP,
        opts: ctx.load_options(),
        cache: Some(ctx.snapshots.clone()),
        // The Report screen shows the duplicates sections (its fleet is the demo or a sample).
        duplicates: true,
        knowledge_rows: crate::report::knowledge::DEFAULT_LISTED,
        redact,
    };
    let fleet = Fleet::Store {
        store: ctx.store.clone(),
        pick,
    };
    let mut quiet = crate::report::run::Quiet;
    let run = crate::report::run::run(
        fleet,
        plan,
        Arc::new(ctx.engine.clone()),
        &mut quiet,
        std::future::pending(),
    );
    match run.await {
        Ok((tally, info)) => {
            // A sample that left users out says so in its source (the run's).
            let summary = tally.summary(&candidate, Some(&baseline), info);
            Action::ReportReady(id, Box::new(summary))
        }
        Err(e) => Action::Failed(Task::Report, e.into()),
    }
}

/// An optimizer search from `baseline`: its progress goes to the loop as it comes, the last
/// (it ended) is the answer.
async fn optimize(ctx: &EffectContext, id: u64, baseline: Policy, trials: usize) -> Action {
    use crate::optimize::run::{Request, Tell, search};
    let tx = ctx.actions.clone();
    let tell: Tell = Arc::new(move |p| {
        if let Some(tx) = &tx {
            let _ = tx.send(Action::OptimizeProgress(id, Box::new(p)));
        }
    });
    let req = Request {
        store: ctx.store.clone(),
        engine: Arc::new(ctx.engine.clone()),
        baseline,
        opts: ctx.load_options(),
        snapshots: ctx.snapshots.clone(),
        trials,
        id,
        stop: ctx.optimizer_stop.subscribe(),
    };
    Action::OptimizeProgress(id, Box::new(search(req, tell).await))
}

/// `:explain ROW`: the row found and scored against the user's query, then explained.
async fn explain_row(
    ctx: &EffectContext,
    user: &crate::loaded::Loaded,
    policy: &Policy,
    arg: &str,
) -> Action {
    use crate::engine::explain::Explanation;
    use crate::knowledge_row::RowError;
    let at = user.data().as_of.as_ref().map(|a| a.at);
    match crate::knowledge_row::find_row(ctx.store.as_ref(), &ctx.embedder, user, arg).await {
        // As of an earlier moment, a row created later was not there: said, as the CLI says it.
        Ok(row) => match crate::knowledge_row::refuse_later(&row, at, "the moment shown,") {
            Ok(()) => {
                Action::Explained(Box::new(user.explain_knowledge(&ctx.engine, policy, &row)))
            }
            Err(m) => Action::Failed(Task::Explain, TaskError::Other(m)),
        },
        // A row the search can never return is answered, as `ctxlens explain` answers it.
        Err(RowError::Unreadable {
            id,
            place,
            reason,
            known,
        }) => Action::Explained(Box::new(
            Explanation::unreadable(user.snapshot(), &policy.name, &id, &place, &reason)
                .titled(known),
        )),
        Err(RowError::Store(e)) => Action::Failed(Task::Explain, e.into()),
        // The palette's way to give one, not the CLI's flag.
        Err(RowError::NoQuery(user, why)) => Action::Failed(
            Task::Explain,
            TaskError::Other(format!(
                "{user} has no query to score knowledge against ({why}): give one with \
                 :query TEXT"
            )),
        ),
        Err(e) => Action::Failed(Task::Explain, TaskError::Other(e.to_string())),
    }
}

/// Loads both sides of a `:diff` and compares them off the thread that draws.
async fn compare(ctx: &EffectContext, req: crate::app::CompareRequest) -> Action {
    let mut loaded = Vec::with_capacity(2);
    for side in [&req.a, &req.b] {
        if let Some(shown) = &side.loaded {
            loaded.push((**shown).clone());
            continue;
        }
        let opts = LoadOptions {
            query: side.query.clone(),
            now: side.now,
            ..ctx.load_options_at(side.at)
        };
        let params = KnowledgeParams::of(&side.policy);
        match load_snapshot(ctx.store.as_ref(), &side.user, &opts, params).await {
            Ok((snap, data)) => loaded.push(crate::loaded::Loaded::new(
                data,
                snap,
                req.redact.then_some(&ctx.engine.milestones),
            )),
            Err(e) => return Action::Failed(Task::Compare, e.into()),
        }
    }
    let engine = ctx.engine.clone();
    let work = tokio::task::spawn_blocking(move || {
        let c = loaded[0].compare(&engine, &req.a.policy, &loaded[1], &req.b.policy);
        crate::app::state::Compared::new(req.a.label, req.b.label, c)
    });
    match work.await {
        Ok(c) => Action::Compared(Box::new(c)),
        Err(e) => Action::Failed(Task::Compare, TaskError::Other(e.to_string())),
    }
}

/// Users the list's numbers are read for at once: one batched read each
/// ([`Store::load_users`]), all of one count sharing one pass over the keyspace.
const STATS_CHUNK: usize = 256;

/// Replays each user under `policy` for the users list (loads here, assembly on a blocking
/// thread), loaded as of `at` as the open user is (`None`: now): its numbers, and its milestone
/// and newest turn then. A user that cannot be loaded is answered with why.
///
/// Users are read as a report reads them: in id order, a chunk at a time, through one
/// [`crate::store::FleetPass`], so a live Redis is scanned once for the count, not once per user.
async fn compute_stats(
    ctx: &EffectContext,
    mut users: Vec<String>,
    policy: Policy,
    tuned: bool,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Action {
    let _turn = ctx.counting.turn().await;
    let params = [KnowledgeParams::of(&policy)];
    let opts = ctx.load_options_at(at);
    let store = ctx.store.as_ref();
    let pass = crate::store::FleetPass::default();
    users.sort_unstable();
    let mut stats = Vec::with_capacity(users.len());
    let mut outage = None;
    // A chunk at a time, read then replayed: only one chunk's snapshots are held at once, so
    // counting a large fleet (sorting it reads every page) keeps memory flat.
    for chunk in users.chunks(STATS_CHUNK) {
        let datas = store.load_users(chunk, &opts, &pass).await;
        let datas = datas
            .iter()
            .map(|d| d.as_ref().map_err(Clone::clone))
            .collect();
        let found = crate::store::snapshots_of_many(store, datas, &opts, &params).await;
        let mut snaps = Vec::with_capacity(chunk.len());
        for (u, got) in chunk.iter().zip(found) {
            match got.map(|mut one| one.pop()) {
                // Answered by the listed id: a snapshot folder lists one user in several files
                // as USER@FILE, each snapshot keeping the user's own id.
                Ok(Some(snap)) => snaps.push((u.clone(), snap)),
                Ok(None) => stats.push((u.clone(), Err(format!("user {u}: no snapshot")))),
                // A store out of reach: the rest would each wait out the timeout; they are not
                // counted (the list is read again when the store is back).
                Err(e) if e.unavailable_store().is_some() => {
                    outage = Some(TaskError::Store(e));
                    break;
                }
                Err(e) => stats.push((u.clone(), Err(e.to_string()))),
            }
        }
        match replayed(ctx, snaps, &policy).await {
            Ok(counted) => stats.extend(counted),
            Err(failed) => return failed,
        }
        if outage.is_some() {
            break;
        }
    }
    Action::StatsComputed(tuned, at, stats, outage)
}

/// The figures of `snaps` under `policy`, replayed off the async threads.
async fn replayed(
    ctx: &EffectContext,
    snaps: Vec<(String, crate::engine::Snapshot)>,
    policy: &Policy,
) -> Result<Vec<(String, Result<UserStats, String>)>, Action> {
    let engine = ctx.engine.clone();
    let policy = policy.clone();
    let work = tokio::task::spawn_blocking(move || {
        snaps
            .iter()
            .map(|(listed, snap)| {
                let a = engine.assemble(snap, &policy);
                let stats = UserStats {
                    tokens: a.total_tokens,
                    budget: a.budget.total,
                    truncation_rate: a.truncation_rate,
                    milestone: snap.current_milestone.clone(),
                    last_activity: snap
                        .session
                        .iter()
                        .filter_map(|e| e.turn.as_ref().ok().map(|t| t.timestamp))
                        .max(),
                };
                (listed.clone(), Ok(stats))
            })
            .collect::<Vec<_>>()
    });
    work.await
        .map_err(|e| Action::Failed(Task::Stats, e.to_string().into()))
}

/// How a subscription to the progress channel ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Followed {
    /// The TUI is gone: nothing to forward to.
    Closed,
    /// The store has no progress channel to follow (no Redis configured): said once.
    Unavailable,
    /// The connection went away (or could not be made): worth subscribing again.
    Lost,
}

/// Follows the progress channel for as long as the TUI runs: after a lost connection it
/// subscribes again (after 1 s, doubling to 8 s while the store stays away), so the Live screen
/// resumes by itself when Redis is back.
pub async fn keep_following(store: Arc<dyn Store>, tx: UnboundedSender<Action>) {
    const FIRST: std::time::Duration = std::time::Duration::from_secs(1);
    const MOST: std::time::Duration = std::time::Duration::from_secs(8);
    let mut wait = FIRST;
    loop {
        let started = std::time::Instant::now();
        match follow_progress(store.clone(), tx.clone()).await {
            Followed::Closed | Followed::Unavailable => return,
            Followed::Lost => {}
        }
        // A subscription that lasted a while was a recovery: start the backoff over.
        if started.elapsed() > MOST {
            wait = FIRST;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MOST);
    }
}

/// Forwards the store's progress events (the demo's built-in source, or `progress:*`) as actions
/// until the subscription ends, and says how it ended.
pub async fn follow_progress(store: Arc<dyn Store>, tx: UnboundedSender<Action>) -> Followed {
    let lost = |e: TaskError| Action::Failed(Task::Progress, e);
    let mut events = match store.subscribe(None).await {
        Ok(e) => e,
        Err(e) => {
            let outage = e.is_outage();
            let _ = tx.send(lost(e.into()));
            return if outage {
                Followed::Lost
            } else {
                Followed::Unavailable
            };
        }
    };
    while let Some(ev) = events.next().await {
        let action = match ev {
            Ok(ev) => Action::Progress(ev),
            // A message that is not a progress event is listed on the Live screen, as read.
            Err(e) => Action::ProgressUnreadable(crate::app::state::Unreadable::of(
                e,
                crate::engine::snapshot::fmt_ts(&chrono::SubsecRound::trunc_subsecs(
                    chrono::Utc::now(),
                    0,
                )),
            )),
        };
        if tx.send(action).is_err() {
            return Followed::Closed;
        }
    }
    // The stream ends only when the connection does, or the server stops answering its PING:
    // the store is out of reach (marked down; said on the Live screen, not over another).
    let gone = crate::store::StoreError::Unavailable {
        store: store.progress_source(),
        what: "progress channel".into(),
        cause: "the subscription ended (the connection was lost, or the server stopped \
                answering); subscribing again"
            .into(),
    };
    if tx.send(lost(gone.into())).is_err() {
        return Followed::Closed;
    }
    Followed::Lost
}
