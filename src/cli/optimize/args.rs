//! `ctxlens optimize`'s arguments, and the parsing of the values clap cannot check alone
//! (durations, trials, shares, `--guard K@S`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::cli::{CliError, parse_now};
use crate::optimize::search::Method;
use crate::optimize::target::Objective;

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
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = crate::cli::at_least_one)]
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
    #[arg(long, hide = true, value_name = "TIME", allow_negative_numbers = true, value_parser = crate::cli::no_fleet_at)]
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
pub(super) fn parse_guard(s: &str) -> Result<(usize, f64), CliError> {
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
