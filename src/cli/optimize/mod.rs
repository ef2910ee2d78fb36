//! `ctxlens optimize`: searches the policy space against the fleet targets, prints the Pareto
//! front, the recommended policy (TOML) and the fleet report of it against the baseline.

mod search;
mod text;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

use super::output::write_json;
use super::{CliError, GlobalArgs, parse_now};
use crate::config::{Config, load_policy};
use crate::engine::{Engine, Policy, TokenCounter};
use crate::optimize::eval::{Fleet as Loaded, split};
use crate::optimize::search::Method;
use crate::optimize::space::{Coverage, Space};
use crate::optimize::target::{Objective, Target, targets};
use crate::optimize::{Found, Holdout};
use crate::report::Summary;
use crate::report::run::{Observer, Plan, Quiet, SnapshotCache, run_closing};
use crate::report::source::{Fleet, Pick, snapshot_files};
use crate::store::{KnowledgeParams, LoadOptions, Store};
use search::{CategoryOf, NotRead, SearchCtx, per_category};
use text::{tuned_toml, write_text};

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// A key the search may move, optionally with bounds (repeatable): layers.*.weight,
    /// layers.NAME.cap=0..1500, knowledge.similarity_threshold, knowledge.limit,
    /// session.max_items, strategy, recency.window_hours, recency.boost, budget.total,
    /// truncate_min_remaining. The keys named are the ones that move, instead of the default:
    /// layer weights and set caps, the knowledge threshold and limit, session.max_items,
    /// strategy and recency; never the total unless freed.
    #[arg(long, value_name = "KEY[=LO..HI]")]
    pub free: Vec<String>,
    /// Keep this key as the baseline has it (repeatable; `*` for a layer name).
    #[arg(long, value_name = "KEY")]
    pub fixed: Vec<String>,
    /// A constraint (repeatable), replacing seed 003's target for that metric:
    /// truncation_rate<0.03, avg_tokens<2000, rag_hits>0.85, static_share=0.2..0.4.
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<String>,
    /// No user may lose more than K kept tokens of items scoring at least S, against the
    /// baseline: `--guard 200@1.5`.
    // A value starting with `-` is taken as one, so `--guard -5@1` says what is wrong with it.
    #[arg(long, value_name = "K@S", allow_hyphen_values = true)]
    pub guard: Option<String>,
    /// What to minimise within the targets: cost (average context tokens) or quality (most
    /// kept tokens weighted by score).
    #[arg(long, value_enum, default_value_t = Objective::Cost)]
    pub objective: Objective,
    /// Search method: coordinate search from the baseline, or random search (to compare).
    #[arg(long, value_enum, default_value_t = Method::Coordinate)]
    pub method: Method,
    /// Stop after N measured policies, at least 1 [default: 200 unless --time is given].
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = parse_trials)]
    pub trials: Option<usize>,
    /// Stop after this long (60s, 2m, 500ms; a bare number is seconds): the best so far is the
    /// answer.
    #[arg(long, allow_hyphen_values = true, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<Duration>,
    /// Seed of the search and of the held-out split: the same seed and --trials give the
    /// same answer.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 1,
        value_name = "SEED"
    )]
    pub seed: u64,
    /// Share of users held out of the search and measured after it, to show over-fitting
    /// (0 up to, not including, 0.95: at least a twentieth is searched on).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.3, value_name = "SHARE", value_parser = parse_share)]
    pub holdout: f64,
    /// Write the recommended policy (TOML) to FILE. When no trial met every target the closest
    /// point is written, its header saying `NOT FEASIBLE` and what it misses, and the exit
    /// status is 3.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replay N users drawn at random (the same N for the same --fleet-seed).
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "N",
        conflicts_with = "users"
    )]
    pub sample: Option<usize>,
    /// Replay the users listed in FILE (one id per line; a `#` starting a line or after a
    /// space or tab begins a comment).
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Replay the snapshot files in DIR instead of a store.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["sample", "users", "synthetic"])]
    pub snapshots: Option<PathBuf>,
    /// Replay N generated users instead of a store.
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = super::at_least_one)]
    pub synthetic: Option<usize>,
    /// Seed of the synthetic fleet and of --sample.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 1,
        value_name = "SEED"
    )]
    pub fleet_seed: u64,
    /// Replay as of this instant (RFC 3339 or epoch seconds); default: each store's now.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Not a fleet's: refused, naming `--now` (a user as of a time is `inspect USER --at`).
    #[arg(long, hide = true, value_name = "TIME", allow_negative_numbers = true, value_parser = super::no_fleet_at)]
    pub at: Option<String>,
    /// How many most-affected users the fleet report lists (at least 1).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 10,
        value_name = "N",
        value_parser = crate::cli::at_least_one
    )]
    pub top: usize,
    /// One search per seed 003 category (analysis, retrieval, recommendation, technical,
    /// business): the policy's `category` set to each (it picks the static modules), one TOML
    /// each (`--out tuned.toml` writes tuned-analysis.toml, …). The stored data holds no
    /// category per user, so every category is searched on every user unless --category-of
    /// says which users are whose.
    #[arg(long, conflicts_with = "guard")]
    pub per_category: bool,
    /// With --per-category: the category of each user, one `USER CATEGORY` a line (`#`
    /// comments; the category is the last word, the id the rest or JSON-quoted: `"an id"
    /// analysis`); each category is then searched on its own users only, and users not listed
    /// are in no search.
    #[arg(long, value_name = "FILE", requires = "per_category")]
    pub category_of: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().map_err(|_| {
        "a duration is a number of seconds, or a number and a unit: 60, 60s, 2m, 500ms".to_string()
    })?;
    if n <= 0.0 {
        return Err("a search needs some time: more than 0".to_string());
    }
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        // `1e400s`: an exponent is not a unit.
        _ if unit.starts_with(['e', 'E']) && s.parse::<f64>().is_err() => {
            return Err(
                "a duration is a plain number and a unit, without an exponent: 60s, 2m, 500ms"
                    .to_string(),
            );
        }
        _ => {
            return Err(format!(
                "unit {} is not ms, s, m or h",
                crate::text::quoted(unit)
            ));
        }
    };
    // A search bounded by a year or more is not bounded: the longest taken is a week.
    const WEEK: f64 = 7.0 * 24.0 * 3600.0;
    if secs > WEEK {
        return Err(
            "at most a week (168h); for a search without a time bound, leave --time out and give --trials"
                .to_string(),
        );
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

fn parse_trials(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("--trials must be at least 1: a search measures one policy or more".into()),
        Ok(n) => Ok(n),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Err(format!(
            "--trials is at most {}; for a search bounded by time, give --time",
            usize::MAX
        )),
        Err(_) => Err(format!(
            "{s}: --trials is a whole number of trials, at least 1"
        )),
    }
}

fn parse_share(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..0.95).contains(v))
        .ok_or_else(|| "a share of users from 0 up to (not including) 0.95".to_string())
}

/// `K@S`.
fn parse_guard(s: &str) -> Result<(usize, f64), CliError> {
    let bad = || CliError::Usage(format!("--guard {s}: expected K@S, e.g. 200@1.5"));
    let (k, sc) = s.split_once('@').ok_or_else(bad)?;
    let k = k.trim().parse().map_err(|e: std::num::ParseIntError| {
        if *e.kind() == std::num::IntErrorKind::PosOverflow {
            CliError::Usage(format!(
                "--guard {s}: K (kept tokens) is at most {}",
                usize::MAX
            ))
        } else {
            bad()
        }
    })?;
    let sc: f64 = sc.trim().parse().map_err(|_| bad())?;
    if !(sc.is_finite() && sc >= 0.0) {
        return Err(CliError::Usage(format!(
            "--guard {s}: the score S is a number ≥ 0 (an item's relevance × recency), e.g. 200@1.5"
        )));
    }
    Ok((k, sc))
}

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

impl Runs<'_> {
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
    let category_of = if args.per_category {
        search::category_matters(&baseline).map_err(CliError::Usage)?;
        args.category_of
            .as_deref()
            .map(CategoryOf::read)
            .transpose()
            .map_err(CliError::Usage)?
    } else {
        None
    };
    let mut goals = targets(&baseline, &args.target).map_err(CliError::Usage)?;
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
    let guard = args.guard.as_deref().map(parse_guard).transpose()?;
    if let Some((k, s)) = guard {
        goals.push(Target::guard(k, s));
    }
    let runs = Runs {
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
    };
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
    let toml = tuned_toml(&found);
    if let Some(path) = &args.out {
        super::output::write_out(path, &toml)?;
    }
    let summary = runs.report(&found, &baseline).await?;
    let view = Out {
        source: &summary.source,
        users,
        users_not_read: &ctx.not_read,
        found: &found,
        holdout: hold.as_ref(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        search_ms: (search_secs * 1000.0) as u64,
        trials_per_second: found.trials as f64 / search_secs.max(1e-9),
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
    ctx.not_read.verdict(users, search::missed(&found))
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
