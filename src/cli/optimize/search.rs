//! One search (on a task, with the progress bar and Ctrl-C), and what the users not read and
//! the targets not met make of its answer.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::super::CliError;
use super::args::OptimizeArgs;
use super::text::best_line;
use crate::engine::{Engine, Policy};
use crate::optimize::eval::Fleet as Loaded;
use crate::optimize::search::{Limits, Trial};
use crate::optimize::space::{Coverage, Space};
use crate::optimize::target::Target;
use crate::optimize::{Found, Holdout, Setup, holdout, optimize};

/// What every search of one command shares: the engine, the loaded users, Ctrl-C and the bar.
pub(super) struct SearchCtx {
    pub engine: Arc<Engine>,
    pub train: Arc<Loaded>,
    pub held: Arc<Loaded>,
    pub cancel: Arc<AtomicBool>,
    pub bar: indicatif::ProgressBar,
    /// The knowledge thresholds and limits the loaded hits answer for.
    pub coverage: Coverage,
    /// Users of the fleet that could not be read, so are in no search (and the first reason).
    pub not_read: NotRead,
}

/// Users that could not be read: how many, and the first one's error.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(super) struct NotRead {
    pub count: u64,
    pub first: Option<String>,
}

impl NotRead {
    /// The runtime failure a search over the rest ends with (exit 1), as `report`'s does; else
    /// the gate its answer fails (exit 3: no point met every target), which a runtime failure
    /// still names, so a log says both.
    pub fn verdict(&self, read: u64, missed: Option<String>) -> Result<(), CliError> {
        if self.count == 0 {
            return missed.map_or(Ok(()), |m| Err(CliError::Gate(m)));
        }
        Err(CliError::Runtime(format!(
            "{} could not be read and {} in no search; the search covers the other {}{}{}",
            crate::report::format::users_n(self.count),
            if self.count == 1 { "is" } else { "are" },
            crate::text::thousands_exact(read.into()),
            self.first
                .as_deref()
                .map_or(String::new(), |f| format!(" (first: {f})")),
            missed.map_or(String::new(), |m| format!("; and {m}"))
        )))
    }
}

/// What a search's answer fails when no point met every target: the closest point is shown
/// (and written by `--out`, marked so), but it is no policy to ship, so the exit is a gate's.
pub(super) fn missed(f: &Found) -> Option<String> {
    (!f.feasible).then(|| {
        format!(
            "no policy met every target: the closest point (trial {}) misses {}",
            f.best.n,
            f.unmet.join(", ")
        )
    })
}

impl SearchCtx {
    /// The same search context on the users `keep` names only (optimized on and held out as
    /// they were split).
    pub(super) fn only(&self, keep: &dyn Fn(&str) -> bool) -> SearchCtx {
        let pick = |f: &Loaded| {
            Arc::new(Loaded::new(
                f.snaps
                    .iter()
                    .filter(|s| keep(&s.user_id))
                    .cloned()
                    .collect(),
            ))
        };
        SearchCtx {
            engine: self.engine.clone(),
            train: pick(&self.train),
            held: pick(&self.held),
            cancel: self.cancel.clone(),
            bar: self.bar.clone(),
            coverage: self.coverage.clone(),
            not_read: self.not_read.clone(),
        }
    }

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
        let objective = args.objective;
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
                crate::say!(
                    "ctxlens: searching {} on {} ({} held out), {upto}, for {}; Ctrl-C keeps the best so far",
                    crate::text::inert_line(what),
                    crate::text::count(self.train.len() as u64, "user", "users"),
                    self.held.len(),
                    objective.describe()
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
                bar.set_message(best_line(objective, best));
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
