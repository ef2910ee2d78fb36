//! One search (on a task, with the progress bar and Ctrl-C), and `--per-category`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::super::CliError;
use super::super::output::{BOLD, DIM, GREEN, RED, Table, io, paint, write_json};
use super::OptimizeArgs;
use super::text::{best_line, tuned_toml};
use crate::engine::{Engine, Policy, Source};
use crate::optimize::eval::Fleet as Loaded;
use crate::optimize::search::{Limits, Trial};
use crate::optimize::space::Space;
use crate::optimize::target::{Target, targets};
use crate::optimize::{Found, Holdout, Setup, holdout, optimize};

/// What every search of one command shares: the engine, the loaded users, Ctrl-C and the bar.
pub(super) struct SearchCtx {
    pub engine: Arc<Engine>,
    pub train: Arc<Loaded>,
    pub held: Arc<Loaded>,
    pub cancel: Arc<AtomicBool>,
    pub bar: indicatif::ProgressBar,
}

impl SearchCtx {
    /// One search from `baseline` over `space`, for at most `time`, then its held-out figures;
    /// the progress line on stderr calls it `what`.
    pub async fn search(
        &self,
        args: &OptimizeArgs,
        baseline: &Policy,
        what: &str,
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
                    crate::text::inert_line(what),
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

/// Whether `--per-category` has anything to search: `category` only picks the static modules a
/// static layer shows, so without such a layer, or with modules that are the same for every
/// category, the five searches would be one search five times over: a usage error.
pub(super) fn category_matters(baseline: &Policy) -> Result<(), String> {
    let name = crate::text::inert_line(&baseline.name).into_owned();
    if baseline.layer_for(Source::Static).is_none() {
        return Err(format!(
            "--per-category: policy {name} has no static layer, so its category changes nothing (category only picks the static modules); the five searches would be the same: search once without --per-category"
        ));
    }
    let modules = |c: &str| -> Result<Vec<String>, String> {
        let p = baseline
            .clone()
            .with_overrides(&[format!("category={c}")])
            .map_err(|e| e.to_string())?;
        Ok(p.active_modules().map(|m| m.name.clone()).collect())
    };
    let first = modules(CATEGORIES[0])?;
    for c in &CATEGORIES[1..] {
        if modules(c)? != first {
            return Ok(());
        }
    }
    Err(format!(
        "--per-category: policy {name} shows the same static modules for every category, so its category changes nothing; the five searches would be the same: search once without --per-category"
    ))
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
pub(super) async fn per_category(
    ctx: &SearchCtx,
    args: &OptimizeArgs,
    baseline: &Policy,
) -> Result<(), CliError> {
    let mut outs = Vec::new();
    for (i, c) in CATEGORIES.into_iter().enumerate() {
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
        let what = format!(
            "{} for category {c} ({} of {})",
            baseline.name,
            i + 1,
            CATEGORIES.len()
        );
        let (mut found, holdout) = ctx.search(args, &base, &what, space, goals, time).await?;
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
    write_categories(out, ctx, args, &outs)
}

/// The per-category answers as a table: one row per category.
fn write_categories(
    out: &mut impl Write,
    ctx: &SearchCtx,
    args: &OptimizeArgs,
    outs: &[CategoryOut],
) -> Result<(), CliError> {
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
    for o in outs {
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
