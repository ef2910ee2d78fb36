//! `ctxlens optimize`: searches the policy space against the fleet targets, prints the Pareto
//! front, the recommended policy (TOML) and the fleet report of it against the baseline.

mod args;
mod category;
mod search;
mod text;

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;

use super::output::write_json;
use super::{CliError, GlobalArgs};
use crate::config::{Config, load_policy};
use crate::engine::{Engine, MilestoneMap, Policy, TokenCounter};
use crate::optimize::eval::{Fleet as Loaded, split};
use crate::optimize::space::{Coverage, Space};
use crate::optimize::target::{Target, targets};
use crate::optimize::{Found, Holdout};
use crate::report::Summary;
use crate::report::run::{Observer, Plan, Quiet, SnapshotCache, run_closing};
use crate::report::source::{Fleet, Pick, snapshot_files};
use crate::store::{KnowledgeParams, LoadOptions, Store};
pub use args::OptimizeArgs;
use args::parse_guard;
use category::{CategoryOf, per_category};
use search::{NotRead, SearchCtx};
use text::{tuned_toml, write_text};

/// A progress bar on stderr: trials, and the best feasible so far.
struct Progress(indicatif::ProgressBar);

impl Observer for Progress {
    fn progress(&mut self, done: u64) {
        self.0.set_message(format!("loading users: {done}"));
    }
}

/// The whole answer, as `--json` prints it.
#[derive(Serialize)]
struct Out<'a> {
    source: &'a str,
    users: u64,
    /// Users that could not be read, so are in no search (the report lists each).
    users_not_read: &'a NotRead,
    #[serde(flatten)]
    found: &'a Found,
    holdout: Option<&'a Holdout>,
    /// Timings: in the text only, so that `--json` is the same on every run.
    #[serde(skip)]
    elapsed_ms: u64,
    /// The search alone (not loading the fleet, nor the report after it).
    #[serde(skip)]
    search_ms: u64,
    #[serde(skip)]
    trials_per_second: f64,
    out: Option<String>,
    policy_toml: String,
    report: &'a Summary,
}

/// Where the users come from: snapshot files (as a store), a synthetic fleet, the stores.
async fn fleet(
    global: &GlobalArgs,
    args: &OptimizeArgs,
    config: &Config,
    pick: &Pick,
) -> Result<Fleet, CliError> {
    let which = choice(args);
    let store: Arc<dyn Store> = match &args.snapshots {
        Some(dir) => {
            let files = snapshot_files(dir).map_err(CliError::Usage)?;
            let from = dir.display().to_string();
            Arc::new(
                crate::store::snapshots::SnapshotStore::open(&files, &from)
                    .map_err(CliError::Usage)?,
            )
        }
        None => which.store(global, config).await?,
    };
    Ok(Fleet::Store {
        store,
        pick: pick.clone(),
    })
}

fn choice(args: &OptimizeArgs) -> super::report::FleetChoice<'_> {
    super::report::FleetChoice {
        users: args.users.as_deref(),
        sample: args.sample,
        synthetic: args.synthetic,
        seed: args.fleet_seed,
    }
}

/// How every fleet run of one optimize call loads and replays: one cache of loaded users.
struct Runs<'a> {
    global: &'a GlobalArgs,
    args: &'a OptimizeArgs,
    /// Which users, read once (a `--users` file may be a pipe, read only once).
    pick: Pick,
    config: Config,
    engine: Arc<Engine>,
    cache: Arc<SnapshotCache>,
    opts: LoadOptions,
}

impl<'a> Runs<'a> {
    /// The runs of one optimize call: the users `args` picks, read with the engine of `map`.
    fn new(
        global: &'a GlobalArgs,
        args: &'a OptimizeArgs,
        config: Config,
        map: MilestoneMap,
    ) -> Result<Self, CliError> {
        Ok(Runs {
            global,
            args,
            pick: choice(args).pick()?,
            config,
            engine: Arc::new(Engine {
                milestones: map,
                tokens: Arc::new(TokenCounter::new()),
            }),
            cache: Arc::new(SnapshotCache::new(usize::MAX)),
            opts: LoadOptions {
                now: args.now,
                embedder: global.embedder()?,
                ..LoadOptions::default()
            },
        })
    }

    fn plan(&self, candidate: Policy, baseline: Option<Policy>) -> Plan {
        Plan {
            candidate,
            baseline,
            top: self.args.top,
            opts: self.opts.clone(),
            cache: Some(self.cache.clone()),
            // Trials compare policies; duplicate marks change no decision a trial measures.
            duplicates: false,
            knowledge_rows: crate::report::knowledge::DEFAULT_LISTED,
            redact: self.global.redact,
        }
    }

    /// Loads every user once, with the baseline's knowledge search, and splits them into the
    /// users searched on and the held-out ones: the search replays them from memory.
    async fn load(
        &self,
        baseline: &Policy,
        guard: Option<(usize, f64)>,
        watch: &CtrlC,
        bar: &indicatif::ProgressBar,
    ) -> Result<(SearchCtx, u64), CliError> {
        let (tally, info) = run_closing(
            fleet(self.global, self.args, &self.config, &self.pick).await?,
            self.plan(baseline.clone(), None),
            self.engine.clone(),
            &mut Progress(bar.clone()),
            watch.stop_load(),
        )
        .await?;
        super::report::whole_sample_note(&info);
        if let Some(st) = &info.stopped {
            bar.finish_and_clear();
            // Stopped by a signal, the process ends as a stopped one does (128 + its number).
            if let Some(n) = watch.caught() {
                crate::say!("ctxlens: note: loading the fleet stopped: {}", st.cause);
                return Err(CliError::Signal(n));
            }
            return Err(CliError::Runtime(format!(
                "loading the fleet stopped: {}",
                st.cause
            )));
        }
        let snaps = self.cache.snapshots(&KnowledgeParams::of(baseline));
        let users = snaps.len() as u64;
        let coverage = Coverage::of_snapshots(baseline, snaps.iter().map(|s| s.as_ref()));
        let (train, held) = split(snaps, self.args.holdout, self.args.seed);
        // The first read failure, as shown: under --redact the values it quotes (a file's or a
        // store's data) are masked, as a report's are (`--json` carries it).
        let first_error = tally.error_messages.first().map(|m| {
            if self.global.redact {
                crate::engine::redact::mask_quoted(m)
            } else {
                m.clone()
            }
        });
        if train.is_empty() {
            bar.finish_and_clear();
            return Err(if held.is_empty() && tally.errors > 0 {
                // Every user asked for failed to read: which, and why, not "no users".
                let first = first_error
                    .as_deref()
                    .map_or_else(String::new, |m| format!(": {}", crate::text::inert_line(m)));
                CliError::Runtime(format!(
                    "no users to optimize on: {} could not be read{first}",
                    crate::text::count(tally.errors, "user", "users")
                ))
            } else if held.is_empty() {
                CliError::Runtime("no users to optimize on: the fleet has no users".into())
            } else {
                let what = match held.len() {
                    1 => "the fleet's one user is held out".to_string(),
                    n => format!("all {n} users are held out"),
                };
                CliError::Usage(format!(
                    "--holdout {}: the holdout left no users to optimize on ({what} with --seed {}); use a smaller --holdout, or --holdout 0",
                    self.args.holdout, self.args.seed
                ))
            });
        }
        let (mut train, mut held) = (Loaded::new(train), Loaded::new(held));
        if let Some((_, s)) = guard {
            train = train.with_guard(&self.engine, baseline, s);
            held = held.with_guard(&self.engine, baseline, s);
        }
        let ctx = SearchCtx {
            engine: self.engine.clone(),
            train: Arc::new(train),
            held: Arc::new(held),
            cancel: watch.cancel.clone(),
            bar: bar.clone(),
            coverage,
            not_read: NotRead {
                count: tally.errors,
                first: first_error,
            },
        };
        Ok((ctx, users))
    }

    /// The fleet report of the recommended policy against the baseline, over every user.
    async fn report(&self, found: &Found, baseline: &Policy) -> Result<Summary, CliError> {
        let (tally, info) = run_closing(
            fleet(self.global, self.args, &self.config, &self.pick).await?,
            self.plan(found.policy.clone(), Some(baseline.clone())),
            self.engine.clone(),
            &mut Quiet,
            // A second Ctrl-C (or SIGTERM) cuts the report short (marked PARTIAL).
            crate::cli::stop_asked(),
        )
        .await?;
        let mut summary = tally.summary(&found.policy, Some(baseline), info);
        if self.global.redact {
            summary.mask(&self.engine.milestones);
        }
        Ok(summary)
    }
}

/// The most generated users one search holds: it keeps every user it replays in memory
/// (about 45 KB each, as README says: 20,000 took about 1 GB, 100,000 about 2.4 GB), where
/// `report --synthetic` streams any number.
pub const MAX_HELD: usize = 100_000;

/// A synthetic fleet larger than a search can hold is refused before it is made, unless a
/// sample of it is what is searched.
fn held_in_memory(args: &OptimizeArgs) -> Result<(), CliError> {
    let held = match (args.synthetic, args.sample) {
        (Some(n), Some(m)) => n.min(m),
        (Some(n), None) => n,
        _ => return Ok(()),
    };
    if held <= MAX_HELD {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "--synthetic {}: optimize holds every user it replays in memory (about 45 KB each), at \
         most {}; search a part of a larger fleet with --sample N (report --synthetic streams \
         any number)",
        crate::text::thousands(held as f64, 0),
        crate::text::thousands(MAX_HELD as f64, 0)
    )))
}

/// `ctxlens optimize`: loads the fleet once, searches (once, or once per category), then
/// prints the answer and the fleet report of the recommended policy against the baseline.
pub async fn optimize_cmd(global: &GlobalArgs, args: &OptimizeArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let (config, _) = Config::load(global.config.as_deref())?;
    let map = config
        .milestone_map()
        .map_err(|e| CliError::Usage(format!("config: {e}")))?;
    let baseline = load_policy(&global.policy, &global.sets)?;
    held_in_memory(args)?;
    // Bad keys and bounds are usage errors before any user is loaded.
    Space::build(&baseline, &args.free, &args.fixed).map_err(CliError::Usage)?;
    let category_of = category_of(args, &baseline)?;
    let mut goals = targets(&baseline, &args.target).map_err(CliError::Usage)?;
    out_writable(args)?;
    let guard = args.guard.as_deref().map(parse_guard).transpose()?;
    if let Some((k, s)) = guard {
        goals.push(Target::guard(k, s));
    }
    let runs = Runs::new(global, args, config, map)?;
    let bar = progress_bar(args);
    let watch = CtrlC::watch();
    let (ctx, users) = runs.load(&baseline, guard, &watch, &bar).await?;
    if args.per_category {
        let result = per_category(&ctx, args, &baseline, category_of.as_ref()).await;
        watch.task.abort();
        return result;
    }
    // Knowledge keys within what the loaded hits cover (snapshot files say what they hold).
    let space = Space::build_within(&baseline, &args.free, &args.fixed, &ctx.coverage)
        .map_err(CliError::Usage)?;
    let searched = Instant::now();
    let (found, hold) = ctx
        .search(args, &baseline, &baseline.name, space, goals, args.time)
        .await?;
    let search_secs = searched.elapsed().as_secs_f64();
    watch.task.abort();
    bar.finish_and_clear();
    let answer = Answer {
        found,
        hold,
        users,
        started,
        search_secs,
    };
    answer.write(&runs, &ctx, &baseline).await
}

/// With `--per-category`: whether the policy's category changes anything (else a usage error),
/// and the users' categories `--category-of` gives.
fn category_of(args: &OptimizeArgs, baseline: &Policy) -> Result<Option<CategoryOf>, CliError> {
    if !args.per_category {
        return Ok(None);
    }
    category::category_matters(baseline).map_err(CliError::Usage)?;
    args.category_of
        .as_deref()
        .map(CategoryOf::read)
        .transpose()
        .map_err(CliError::Usage)
}

/// `--out FILE` can be written (checked before any user is loaded); `--out -` is refused.
fn out_writable(args: &OptimizeArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        // `-` is stdout for `snapshot --out`: here a file named `-` would be a surprise.
        if out.as_os_str() == "-" {
            return Err(CliError::Usage(
                "--out -: optimize prints its table (or --json) on stdout; name a file for the \
                 policy's TOML"
                    .into(),
            ));
        }
        super::output::writable(out)?;
    }
    Ok(())
}

/// One search's answer, with what it took.
struct Answer {
    found: Found,
    hold: Option<Holdout>,
    /// Users read (the ones searched on and the held-out ones).
    users: u64,
    /// When the command started.
    started: Instant,
    /// The search alone, in seconds.
    search_secs: f64,
}

impl Answer {
    /// Writes the recommended policy (`--out`), runs the fleet report of it against the
    /// baseline, prints both (text or `--json`), and ends as the users not read and the
    /// targets met say.
    async fn write(
        self,
        runs: &Runs<'_>,
        ctx: &SearchCtx,
        baseline: &Policy,
    ) -> Result<(), CliError> {
        let (args, found) = (runs.args, &self.found);
        let toml = tuned_toml(found);
        if let Some(path) = &args.out {
            super::output::write_out(path, &toml)?;
        }
        let summary = runs.report(found, baseline).await?;
        let view = Out {
            source: &summary.source,
            users: self.users,
            users_not_read: &ctx.not_read,
            found,
            holdout: self.hold.as_ref(),
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            search_ms: (self.search_secs * 1000.0) as u64,
            trials_per_second: found.trials as f64 / self.search_secs.max(1e-9),
            out: args.out.as_ref().map(|p| p.display().to_string()),
            policy_toml: toml,
            report: &summary,
        };
        let out = &mut anstream::stdout();
        if args.json {
            write_json(out, &view)?;
        } else {
            write_text(out, &view)?;
        }
        ctx.not_read.verdict(self.users, search::missed(found))
    }
}

/// A bar on stderr when it is a terminal (not with --json or --quiet): users loaded, then trials.
fn progress_bar(args: &OptimizeArgs) -> indicatif::ProgressBar {
    let show = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let bar = if show {
        indicatif::ProgressBar::with_draw_target(None, super::output::progress_target())
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} · {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

/// Ctrl-C or SIGTERM: it stops the load (a partial fleet is no basis for a policy) or ends the
/// search with the best point so far.
struct CtrlC {
    cancel: Arc<AtomicBool>,
    /// The signal that asked, once one has (0: none yet).
    signal: Arc<std::sync::atomic::AtomicI32>,
    interrupted: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl CtrlC {
    fn watch() -> Self {
        let cancel = Arc::new(AtomicBool::new(false));
        let interrupted = Arc::new(tokio::sync::Notify::new());
        let signal = Arc::new(std::sync::atomic::AtomicI32::new(0));
        let task = {
            let (cancel, interrupted, signal) =
                (cancel.clone(), interrupted.clone(), signal.clone());
            tokio::spawn(async move {
                signal.store(crate::cli::stop_signal().await, Ordering::Relaxed);
                cancel.store(true, Ordering::Relaxed);
                interrupted.notify_one();
            })
        };
        CtrlC {
            cancel,
            signal,
            interrupted,
            task,
        }
    }

    /// The signal that asked to stop, if one has.
    fn caught(&self) -> Option<i32> {
        Some(self.signal.load(Ordering::Relaxed)).filter(|&n| n != 0)
    }

    /// Completes on Ctrl-C (a load's `cancel`).
    fn stop_load(&self) -> impl std::future::Future<Output = ()> + use<> {
        let interrupted = self.interrupted.clone();
        async move { interrupted.notified().await }
    }
}
