//! `ctxlens optimize`: searches the policy space against the fleet targets, prints the Pareto
//! front, the recommended policy (TOML) and the fleet report of it against the baseline.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

use super::output::{BOLD, DIM, GREEN, RED, Table, io, paint, write_json};
use super::{CliError, GlobalArgs, open_store, parse_now};
use crate::config::{Config, load_policy};
use crate::engine::{Engine, Policy, TokenCounter};
use crate::optimize::eval::{Fleet as Loaded, split};
use crate::optimize::search::{Limits, Method, Trial};
use crate::optimize::space::Space;
use crate::optimize::target::{Metrics, Objective, Target, targets};
use crate::optimize::{Found, Holdout, Setup, holdout, optimize};
use crate::report::Summary;
use crate::report::run::{Observer, Plan, Quiet, SnapshotCache, run};
use crate::report::source::{Fleet, Pick, read_user_list, snapshot_files};
use crate::store::{KnowledgeParams, LoadOptions, MemoryStore, Store};

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// A key the search may move, optionally with bounds (repeatable): layers.*.weight,
    /// layers.NAME.cap=0..1500, knowledge.similarity_threshold, knowledge.limit,
    /// session.max_items, strategy, recency.window_hours, recency.boost, budget.total,
    /// truncate_min_remaining. Default: layer weights and set caps, the knowledge threshold
    /// and limit, session.max_items, strategy and recency; never the total unless freed.
    #[arg(long, value_name = "KEY[=LO..HI]")]
    pub free: Vec<String>,
    /// Keep this key as the baseline has it (repeatable; `*` for a layer name).
    #[arg(long, value_name = "KEY")]
    pub fixed: Vec<String>,
    /// A constraint (repeatable), replacing seed 003's target for that metric:
    /// truncation_rate<0.03, avg_tokens<2000, rag_hits>0.85, static_share=0.2..0.4.
    #[arg(long, value_name = "METRIC<V")]
    pub target: Vec<String>,
    /// No user may lose more than K kept tokens of items scoring at least S, against the
    /// baseline: `--guard 200@1.5`.
    #[arg(long, value_name = "K@S")]
    pub guard: Option<String>,
    /// What to minimise within the targets: cost (average context tokens) or quality (most
    /// kept tokens weighted by score).
    #[arg(long, value_enum, default_value_t = Objective::Cost)]
    pub objective: Objective,
    /// Search method: coordinate search from the baseline, or random search (to compare).
    #[arg(long, value_enum, default_value_t = Method::Coordinate)]
    pub method: Method,
    /// Stop after N measured policies [default: 200 unless --time is given].
    #[arg(long, value_name = "N")]
    pub trials: Option<usize>,
    /// Stop after this long (60s, 2m, 500ms): the best so far is the answer.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<Duration>,
    /// Seed of the search and of the held-out split: the same seed and --trials give the
    /// same answer.
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    pub seed: u64,
    /// Share of users held out of the search and measured after it, to show over-fitting.
    #[arg(long, default_value_t = 0.3, value_name = "SHARE", value_parser = parse_share)]
    pub holdout: f64,
    /// Write the recommended policy (TOML) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replay N users drawn at random (the same N for the same --fleet-seed).
    #[arg(long, value_name = "N", conflicts_with = "users")]
    pub sample: Option<usize>,
    /// Replay the users listed in FILE (one id per line; `#` comments).
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Replay the snapshot files in DIR instead of a store.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["sample", "users", "synthetic"])]
    pub snapshots: Option<PathBuf>,
    /// Replay N generated users instead of a store.
    #[arg(long, value_name = "N")]
    pub synthetic: Option<usize>,
    /// Seed of the synthetic fleet and of --sample.
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    pub fleet_seed: u64,
    /// Replay as of this instant (RFC 3339); default: each store's now.
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// How many most-affected users the fleet report lists.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// One search per seed 003 category (analysis, retrieval, recommendation, technical,
    /// business): the policy's `category` set to each (its static modules), one TOML each
    /// (`--out tuned.toml` writes tuned-analysis.toml, …).
    #[arg(long, conflicts_with = "guard")]
    pub per_category: bool,
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
    let n: f64 = n
        .parse()
        .map_err(|_| format!("{s}: a duration is a number and a unit: 60s, 2m, 500ms"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{s}: unit {unit:?} is not ms, s, m or h")),
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{s}: {e}"))
}

fn parse_share(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..0.95).contains(v))
        .ok_or_else(|| format!("{s}: a share of users from 0 to 0.95"))
}

/// `K@S`.
fn parse_guard(s: &str) -> Result<(usize, f64), CliError> {
    let bad = || CliError::Usage(format!("--guard {s}: expected K@S, e.g. 200@1.5"));
    let (k, sc) = s.split_once('@').ok_or_else(bad)?;
    let k = k.trim().parse().map_err(|_| bad())?;
    let sc: f64 = sc.trim().parse().map_err(|_| bad())?;
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
    #[serde(flatten)]
    found: &'a Found,
    holdout: Option<&'a Holdout>,
    elapsed_ms: u64,
    trials_per_second: f64,
    out: Option<String>,
    policy_toml: String,
    report: &'a Summary,
}

/// Where the users come from: snapshot files (held in memory), a synthetic fleet, the stores.
async fn fleet(
    global: &GlobalArgs,
    args: &OptimizeArgs,
    config: &Config,
) -> Result<Fleet, CliError> {
    let store: Arc<dyn Store> = if let Some(dir) = &args.snapshots {
        let files = snapshot_files(dir).map_err(CliError::Usage)?;
        let from = dir.display().to_string();
        Arc::new(
            crate::store::snapshots::SnapshotStore::open(&files, &from).map_err(CliError::Usage)?,
        )
    } else if let Some(n) = args.synthetic {
        Arc::new(MemoryStore::synthetic(args.fleet_seed, n))
    } else {
        open_store(global, config).await?.into()
    };
    let pick = match (&args.users, args.sample) {
        (Some(file), _) => Pick::Listed(read_user_list(file).map_err(CliError::Usage)?),
        (None, Some(n)) => Pick::Sample {
            n,
            seed: args.fleet_seed,
        },
        (None, None) => Pick::All,
    };
    Ok(Fleet::Store { store, pick })
}

pub async fn optimize_cmd(global: &GlobalArgs, args: &OptimizeArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let (config, _) = Config::load(global.config.as_deref())?;
    let map = config
        .milestone_map()
        .map_err(|e| CliError::Usage(format!("config: {e}")))?;
    let baseline = load_policy(&global.policy, &global.sets)?;
    let space = Space::build(&baseline, &args.free, &args.fixed).map_err(CliError::Usage)?;
    let mut goals = targets(&baseline, &args.target).map_err(CliError::Usage)?;
    let guard = args.guard.as_deref().map(parse_guard).transpose()?;
    if let Some((k, s)) = guard {
        goals.push(Target::guard(k, s));
    }
    let engine = Arc::new(Engine {
        milestones: map,
        tokens: Arc::new(TokenCounter::new()),
    });
    let show = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let bar = if show {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} · {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    // Load every user once, with the baseline's knowledge search; the search replays them.
    let cache = Arc::new(SnapshotCache::new(usize::MAX));
    let opts = LoadOptions {
        now: args.now,
        embedder: global.embedder()?,
        ..LoadOptions::default()
    };
    let plan = |candidate: Policy, base: Option<Policy>| Plan {
        candidate,
        baseline: base,
        top: args.top,
        opts: opts.clone(),
        cache: Some(cache.clone()),
    };
    // Ctrl-C stops the load (a partial fleet is no basis for a policy) or ends the search
    // with the best point so far.
    let cancel = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(tokio::sync::Notify::new());
    let ctrl_c = {
        let (cancel, interrupted) = (cancel.clone(), interrupted.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.store(true, Ordering::Relaxed);
                interrupted.notify_one();
            }
        })
    };
    let stop_load = {
        let interrupted = interrupted.clone();
        async move { interrupted.notified().await }
    };
    let fleet_now = fleet(global, args, &config).await?;
    let (_, info) = run(
        fleet_now,
        plan(baseline.clone(), None),
        engine.clone(),
        &mut Progress(bar.clone()),
        stop_load,
    )
    .await?;
    if let Some(st) = &info.stopped {
        bar.finish_and_clear();
        return Err(CliError::Runtime(format!(
            "loading the fleet stopped: {}",
            st.cause
        )));
    }
    let snaps = cache.snapshots(&KnowledgeParams::of(&baseline));
    let users = snaps.len() as u64;
    let (train, held) = split(snaps, args.holdout, args.seed);
    let mut train = Loaded::new(train);
    let mut held = Loaded::new(held);
    if let Some((_, s)) = guard {
        train = train.with_guard(&engine, &baseline, s);
        held = held.with_guard(&engine, &baseline, s);
    }
    let (train, held) = (Arc::new(train), Arc::new(held));
    let run_ctx = SearchCtx {
        engine: engine.clone(),
        train: train.clone(),
        held: held.clone(),
        cancel: cancel.clone(),
        bar: bar.clone(),
    };
    if args.per_category {
        let result = per_category(&run_ctx, args, &baseline).await;
        ctrl_c.abort();
        bar.finish_and_clear();
        return result;
    }
    let searched = Instant::now();
    let found = run_ctx
        .search(args, &baseline, space, goals, args.time)
        .await?;
    let search_secs = searched.elapsed().as_secs_f64();
    ctrl_c.abort();
    bar.finish_and_clear();
    let (found, hold) = found;
    let toml = tuned_toml(&found);
    if let Some(path) = &args.out {
        std::fs::write(path, &toml)
            .map_err(|e| CliError::Runtime(format!("writing {}: {e}", path.display())))?;
    }
    // The fleet report of the recommended policy against the baseline, over every user.
    let (tally, info) = run(
        fleet(global, args, &config).await?,
        plan(found.policy.clone(), Some(baseline.clone())),
        engine.clone(),
        &mut Quiet,
        // A second Ctrl-C cuts the report short (marked PARTIAL).
        async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        },
    )
    .await?;
    let summary = tally.summary(&found.policy, Some(&baseline), info);
    let out = &mut anstream::stdout();
    let view = Out {
        source: &summary.source,
        users,
        found: &found,
        holdout: hold.as_ref(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        trials_per_second: found.trials as f64 / search_secs.max(1e-9),
        out: args.out.as_ref().map(|p| p.display().to_string()),
        policy_toml: toml,
        report: &summary,
    };
    if args.json {
        write_json(out, &view)
    } else {
        write_text(out, &view)
    }
}

/// What every search of one command shares: the engine, the loaded users, Ctrl-C and the bar.
struct SearchCtx {
    engine: Arc<Engine>,
    train: Arc<Loaded>,
    held: Arc<Loaded>,
    cancel: Arc<AtomicBool>,
    bar: indicatif::ProgressBar,
}

impl SearchCtx {
    /// One search from `baseline` over `space`, for at most `time`, then its held-out figures.
    async fn search(
        &self,
        args: &OptimizeArgs,
        baseline: &Policy,
        space: Space,
        goals: Vec<Target>,
        time: Option<Duration>,
    ) -> Result<(Found, Option<Holdout>), CliError> {
        let limits = Limits {
            trials: args
                .trials
                .or(if time.is_none() { Some(200) } else { None }),
            deadline: time.map(|d| Instant::now() + d),
            cancel: self.cancel.clone(),
        };
        let bar = self.bar.clone();
        bar.set_position(0);
        if let Some(n) = limits.trials {
            bar.set_length(n as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} trials · {msg} · {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        if !args.quiet {
            let upto = match (limits.trials, time) {
                (Some(n), _) => format!("up to {n} trials"),
                (None, Some(t)) => format!("for {:.0} s", t.as_secs_f64()),
                (None, None) => String::new(),
            };
            bar.suspend(|| {
                eprintln!(
                    "ctxlens: searching {} on {} users ({} held out), {upto}; Ctrl-C keeps the best so far",
                    crate::text::inert_line(&baseline.name),
                    self.train.len(),
                    self.held.len()
                )
            });
        }
        let setup = Setup {
            baseline: baseline.clone(),
            space,
            targets: goals,
            objective: args.objective,
            method: args.method,
            seed: args.seed,
            limits,
        };
        let (engine, train, held, base) = (
            self.engine.clone(),
            self.train.clone(),
            self.held.clone(),
            baseline.clone(),
        );
        tokio::task::spawn_blocking(move || {
            let mut on = |t: &Trial, best: &Trial| {
                bar.set_position(t.n as u64);
                bar.set_message(best_line(best));
            };
            let found = optimize(&engine, &train, setup, &mut on)?;
            let hold = (!held.is_empty()).then(|| holdout(&engine, &held, &found, &base));
            Ok::<_, String>((found, hold))
        })
        .await
        .map_err(|e| CliError::Runtime(format!("the search failed: {e}")))?
        .map_err(CliError::Runtime)
    }
}

/// Seed 003's prompt categories (`getContextForCategory`).
const CATEGORIES: [&str; 5] = [
    "analysis",
    "retrieval",
    "recommendation",
    "technical",
    "business",
];

/// One category's answer, as `--per-category --json` prints it.
#[derive(Serialize)]
struct CategoryOut {
    category: &'static str,
    #[serde(flatten)]
    found: Found,
    holdout: Option<Holdout>,
    out: Option<String>,
    policy_toml: String,
}

/// `--out tuned.toml` → `tuned-analysis.toml` beside it.
fn category_path(out: &std::path::Path, category: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or("tuned".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-{category}.toml"))
}

/// `--per-category`: one search per seed 003 category (the policy's `category` set to it, which
/// picks its static modules), each with the same trials (or an equal share of `--time`).
async fn per_category(
    ctx: &SearchCtx,
    args: &OptimizeArgs,
    baseline: &Policy,
) -> Result<(), CliError> {
    let mut outs = Vec::new();
    for c in CATEGORIES {
        if ctx.cancel.load(Ordering::Relaxed) {
            break;
        }
        let base = baseline
            .clone()
            .with_overrides(&[format!("category={c}")])
            .map_err(|e| CliError::Usage(e.to_string()))?;
        let space = Space::build(&base, &args.free, &args.fixed).map_err(CliError::Usage)?;
        let goals = targets(&base, &args.target).map_err(CliError::Usage)?;
        let time = args.time.map(|t| t / CATEGORIES.len() as u32);
        let (mut found, holdout) = ctx.search(args, &base, space, goals, time).await?;
        found.policy.name = format!("{}-{c}", found.policy.name);
        let toml = tuned_toml(&found);
        let out = args.out.as_ref().map(|o| category_path(o, c));
        if let Some(path) = &out {
            std::fs::write(path, &toml)
                .map_err(|e| CliError::Runtime(format!("writing {}: {e}", path.display())))?;
        }
        outs.push(CategoryOut {
            category: c,
            found,
            holdout,
            out: out.map(|p| p.display().to_string()),
            policy_toml: toml,
        });
    }
    ctx.bar.finish_and_clear();
    let out = &mut anstream::stdout();
    if args.json {
        return write_json(out, &serde_json::json!({ "per_category": outs }));
    }
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "Optimize per category · {} users optimized on, {} held out · {:?} search, seed {}",
                ctx.train.len(),
                ctx.held.len(),
                args.method,
                args.seed
            )
        )
    )
    .map_err(io)?;
    let mut t = Table::new(&[
        ("CATEGORY", false),
        ("FEASIBLE", false),
        ("BASELINE AVG", true),
        ("BEST AVG", true),
        ("TRUNCATION", true),
        ("HELD-OUT MISSES", false),
        ("CHANGES", false),
        ("FILE", false),
    ]);
    for o in &outs {
        let f = &o.found;
        let feasible = if f.feasible {
            ("yes".to_string(), GREEN)
        } else {
            (format!("no: {}", f.unmet.join(", ")), RED)
        };
        let changes: Vec<String> = f
            .changes
            .iter()
            .map(|c| format!("{}={}", c.key, c.to))
            .collect();
        t.row(vec![
            (o.category.to_string(), BOLD),
            feasible,
            (format!("{:.1}", f.baseline.avg_tokens), DIM),
            (format!("{:.1}", f.best.metrics.avg_tokens), BOLD),
            (
                format!("{:.2} %", f.best.metrics.truncation_rate * 100.0),
                Default::default(),
            ),
            (
                o.holdout.as_ref().map_or("—".into(), |h| {
                    if h.unmet.is_empty() {
                        "none".into()
                    } else {
                        h.unmet.join(", ")
                    }
                }),
                Default::default(),
            ),
            (changes.join(" "), DIM),
            (
                o.out
                    .as_deref()
                    .map_or("—".into(), |p| crate::text::inert_line(p).into_owned()),
                Default::default(),
            ),
        ]);
    }
    t.write(out, 2)
}

/// `best feasible: 2,310.4 avg tokens (trial 57)` or the closest infeasible.
fn best_line(best: &Trial) -> String {
    let what = if best.feasible() {
        "best feasible"
    } else {
        "none feasible yet; closest"
    };
    format!(
        "{what}: {:.1} avg tokens, truncation {:.1} % (trial {})",
        best.metrics.avg_tokens,
        best.metrics.truncation_rate * 100.0,
        best.n
    )
}

/// The recommended policy as a TOML file, with a header saying where it came from.
fn tuned_toml(f: &Found) -> String {
    let mut s = String::from("# Written by `ctxlens optimize`");
    s.push_str(&format!(
        " ({:?} search, {} trials, seed {}, objective {:?}).\n",
        f.method, f.trials, f.seed, f.objective
    ));
    for c in &f.changes {
        s.push_str(&format!("# {}: {} → {}\n", c.key, c.from, c.to));
    }
    s.push('\n');
    s.push_str(&f.policy.to_toml());
    s
}

fn fmt_metric(key: &str, v: Option<f64>) -> String {
    match (key, v) {
        (_, None) => "n/a".into(),
        ("avg_tokens" | "guard_loss", Some(v)) => format!("{v:.1}"),
        ("avg_kept_score", Some(v)) => format!("{v:.1}"),
        (_, Some(v)) => format!("{:.2} %", v * 100.0),
    }
}

fn metric_rows(m: &Metrics) -> Vec<(&'static str, Option<f64>)> {
    vec![
        ("avg_tokens", Some(m.avg_tokens)),
        ("static_share", m.static_share),
        ("rag_hits", m.rag_hits),
        ("truncation_rate", Some(m.truncation_rate)),
        ("avg_kept_score", Some(m.avg_kept_score)),
        ("guard_loss", m.guard_loss.map(|l| l as f64)),
    ]
}

fn write_text(out: &mut impl Write, v: &Out) -> Result<(), CliError> {
    let f = v.found;
    let line = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(io);
    line(
        out,
        paint(
            BOLD,
            &format!(
                "Optimize · {} · {} users ({} optimized on, {} held out, seed {})",
                crate::text::inert_line(v.source),
                v.users,
                f.users_optimized,
                v.holdout.map_or(0, |h| h.users),
                f.seed
            ),
        ),
    )?;
    line(
        out,
        format!(
            "{} · {:?} search · {} trials in {:.1} s ({:.1} trials/s){}",
            f.objective.describe(),
            f.method,
            f.trials,
            v.elapsed_ms as f64 / 1000.0,
            v.trials_per_second,
            f.stopped
                .as_ref()
                .map_or(String::new(), |s| format!(" · stopped: {s}"))
        )
        .to_lowercase(),
    )?;
    let free: Vec<String> = f
        .free
        .iter()
        .map(|p| {
            let (lo, hi) = p.bounds();
            if p.is_choice() {
                p.key.clone()
            } else {
                format!("{} {}..{}", p.key, p.show(lo), p.show(hi))
            }
        })
        .collect();
    line(out, paint(DIM, &format!("free: {}", free.join(", "))))?;
    for n in &f.notes {
        line(out, paint(DIM, &format!("note: {n}")))?;
    }
    let goals: Vec<&str> = f.targets.iter().map(|t| t.text.as_str()).collect();
    line(out, paint(DIM, &format!("targets: {}", goals.join(", "))))?;
    line(out, String::new())?;
    if f.feasible {
        line(
            out,
            paint(
                GREEN.bold(),
                &format!("Feasible: trial {} meets every target", f.best.n),
            ),
        )?;
    } else {
        line(
            out,
            paint(
                RED.bold(),
                &format!(
                    "No feasible policy found: {} cannot be met within these bounds; the closest point (trial {}) is shown",
                    f.unmet.join(", "),
                    f.best.n
                ),
            ),
        )?;
    }
    write_pareto(out, f)?;
    line(
        out,
        format!(
            "\n{}",
            paint(BOLD, "Recommended policy (changes from the baseline)")
        ),
    )?;
    if f.changes.is_empty() {
        line(out, "  none: the baseline is the best point found".into())?;
    }
    for c in &f.changes {
        line(out, format!("  {:<34} {} → {}", c.key, c.from, c.to))?;
    }
    match &v.out {
        Some(p) => line(
            out,
            paint(DIM, &format!("  written to {}", crate::text::inert_line(p))),
        )?,
        None => line(
            out,
            paint(
                DIM,
                "  (--out FILE writes it as TOML; --json carries it too)",
            ),
        )?,
    }
    write_metrics(out, f, v.holdout)?;
    line(
        out,
        format!(
            "\n{}",
            paint(BOLD, "Fleet report: recommended vs baseline (every user)")
        ),
    )?;
    super::report::table(out, v.report)
}

fn write_pareto(out: &mut impl Write, f: &Found) -> Result<(), CliError> {
    // Feasible points first (cheapest first), then the nearest to feasible.
    let mut rows: Vec<&Trial> = f.pareto.iter().filter(|t| t.feasible()).collect();
    let mut near: Vec<&Trial> = f.pareto.iter().filter(|t| !t.feasible()).collect();
    near.sort_by(|a, b| a.violation.total_cmp(&b.violation).then(a.n.cmp(&b.n)));
    rows.extend(near);
    writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "Pareto front"),
        paint(
            DIM,
            &format!(
                "({} points: objective against each target's slack; feasible first, then the nearest to feasible; 15 shown)",
                f.pareto.len()
            )
        )
    )
    .map_err(io)?;
    let objective = match f.objective {
        Objective::Cost => "AVG TOKENS",
        Objective::Quality => "KEPT SCORE",
    };
    let mut header: Vec<(String, bool)> = vec![("TRIAL".into(), true), (objective.into(), true)];
    header.extend(f.targets.iter().map(|t| (t.text.to_uppercase(), true)));
    header.push(("".into(), false));
    let h: Vec<(&str, bool)> = header.iter().map(|(s, r)| (s.as_str(), *r)).collect();
    let mut t = Table::new(&h);
    for tr in rows.into_iter().take(15) {
        let mut cells = vec![
            (tr.n.to_string(), Default::default()),
            (format!("{:.2}", tr.objective.abs()), BOLD),
        ];
        for g in &f.targets {
            let slack = g.slack(&tr.metrics);
            let ok = g.violation(&tr.metrics) == 0.0;
            let key = g.metric.as_str();
            let value = fmt_metric(
                key,
                metric_rows(&tr.metrics)
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| *v),
            );
            let shown = match slack {
                Some(s) => format!("{value} ({s:+.3})"),
                None => value,
            };
            cells.push((shown, if ok { GREEN } else { RED }));
        }
        let mark = match (tr.feasible(), tr.n == f.best.n) {
            (true, true) => "✓ ← recommended",
            (false, true) => "✗ ← closest",
            (true, false) => "✓",
            (false, false) => "✗",
        };
        cells.push((mark.into(), Default::default()));
        t.row(cells);
    }
    t.write(out, 2)
}

fn write_metrics(out: &mut impl Write, f: &Found, hold: Option<&Holdout>) -> Result<(), CliError> {
    writeln!(out, "\n{}", paint(BOLD, "Metrics: baseline → recommended")).map_err(io)?;
    let mut header = vec![("METRIC", false), ("BASELINE", true), ("RECOMMENDED", true)];
    if hold.is_some() {
        header.extend([("HELD-OUT BASELINE", true), ("HELD-OUT RECOMMENDED", true)]);
    }
    let mut t = Table::new(&header);
    let base = metric_rows(&f.baseline);
    let best = metric_rows(&f.best.metrics);
    let hb = hold.map(|h| metric_rows(&h.baseline));
    let hr = hold.map(|h| metric_rows(&h.best));
    for (i, (key, b)) in base.iter().enumerate() {
        if b.is_none() && best[i].1.is_none() {
            continue;
        }
        let mut cells = vec![
            (key.to_string(), Default::default()),
            (fmt_metric(key, *b), DIM),
            (fmt_metric(key, best[i].1), BOLD),
        ];
        if let (Some(hb), Some(hr)) = (&hb, &hr) {
            cells.push((fmt_metric(key, hb[i].1), DIM));
            cells.push((fmt_metric(key, hr[i].1), Default::default()));
        }
        t.row(cells);
    }
    t.write(out, 2)?;
    if let Some(h) = hold
        && !h.unmet.is_empty()
    {
        writeln!(
            out,
            "  {}",
            paint(
                RED,
                &format!(
                    "held out, the recommendation misses: {}",
                    h.unmet.join(", ")
                )
            )
        )
        .map_err(io)?;
    }
    Ok(())
}
