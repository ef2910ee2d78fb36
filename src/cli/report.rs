//! `ctxlens report`: the fleet what-if report (text table, markdown, CSV or JSON).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::output::{BOLD, DIM, GREEN, RED, Table, io, paint, write_json};
use super::{CliError, GlobalArgs, open_store, parse_now};
use crate::config::{Config, load_policy};
use crate::engine::{Engine, Policy, TokenCounter};
use crate::token_cache::DiskCache;

/// Token counts a report keeps (about 3 MB): enough for the texts users share and for the users
/// in flight, and memory does not grow with the fleet.
const REPORT_TOKEN_CACHE: usize = 1 << 16;
use crate::report::format::{Section, Tone, csv, headline, markdown, not_read, sections};
use crate::report::knowledge::DEFAULT_LISTED;
use crate::report::run::{INTERRUPTED, Observer, Plan, run_closing};
use crate::report::source::{Fleet, Pick, read_user_list, snapshot_files};
use crate::report::{DEFAULT_TOP, Summary};
use crate::store::{LoadOptions, MemoryStore, Store};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Compare with this policy (preset or file). Default: with `--set`, the policy without the
    /// overrides; otherwise no comparison.
    #[arg(long, value_name = "PRESET|FILE")]
    pub baseline: Option<String>,
    /// Replay N users drawn at random (the same N for the same --seed).
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
    /// Replay the snapshot files (`ctxlens snapshot` output) in DIR instead of a store.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["sample", "users", "synthetic"])]
    pub snapshots: Option<PathBuf>,
    /// Replay N generated users instead of a store (the fleet `seed --synthetic N` writes).
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = super::at_least_one)]
    pub synthetic: Option<usize>,
    /// Seed of the synthetic fleet and of --sample.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 1,
        value_name = "SEED"
    )]
    pub seed: u64,
    /// How many most-affected users to list (at least 1).
    #[arg(long, allow_negative_numbers = true, default_value_t = DEFAULT_TOP, value_name = "N", value_parser = super::at_least_one)]
    pub top: usize,
    /// Replay as of this instant (RFC 3339 or epoch seconds); default: each store's now.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Not a fleet's: refused, naming `--now` (a user as of a time is `inspect USER --at`).
    #[arg(long, hide = true, value_name = "TIME", allow_negative_numbers = true, value_parser = super::no_fleet_at)]
    pub at: Option<String>,
    /// Output format: an aligned table, markdown, CSV (long form) or JSON.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Neither read nor write the persistent token-count cache
    /// ($XDG_CACHE_HOME/ctxlens/token-counts.bin: hashes and counts, never text).
    #[arg(long)]
    pub no_cache: bool,
    /// Look for duplicate items (exact and near copies) in every user, for the duplicates
    /// sections: about twice the replay's work. Always on when a policy dedupes.
    #[arg(long)]
    pub duplicates: bool,
    /// Knowledge rows the dead-knowledge section lists per milestone, of each kind (never
    /// retrieved; retrieved but never kept); the counts cover every row.
    #[arg(long, allow_negative_numbers = true, default_value_t = DEFAULT_LISTED, value_name = "N")]
    pub knowledge_rows: usize,
    /// Exit with status 3 when the candidate fails a seed 003 target: `target` for any of them,
    /// or one by name (avg_context_tokens, static_share, rag_hit_rate, truncation_rate; also
    /// optimize's avg_tokens, rag_hits); repeatable. Gates a budget change in CI.
    #[arg(long = "fail-on", value_name = "TARGET")]
    pub fail_on: Vec<String>,
}

/// A metric as `--fail-on` names it: the report's name, or `optimize --target`'s for it (one
/// table of names, the optimizer's).
fn metric_name(name: &str) -> &str {
    crate::optimize::target::MetricKey::parse(name)
        .and_then(crate::optimize::target::MetricKey::report_key)
        .unwrap_or(name)
}

/// The targets `--fail-on` names, checked before anything runs.
fn gates(names: &[String]) -> Result<Vec<&'static str>, CliError> {
    let keys: Vec<&'static str> = crate::report::MONITORING.iter().map(|m| m.0).collect();
    let mut out = Vec::new();
    for n in names {
        match n.as_str() {
            "target" | "any" => out.extend(&keys),
            n => match keys.iter().find(|k| **k == metric_name(n)) {
                Some(k) => out.push(*k),
                None => {
                    return Err(CliError::Usage(format!(
                        "--fail-on {n}: not a target (target, {}; also avg_tokens, rag_hits, \
                         truncation as optimize names them)",
                        keys.join(", ")
                    )));
                }
            },
        }
    }
    Ok(out)
}

/// The gated targets the candidate fails, as `label (target)`.
fn failing(summary: &Summary, gated: &[&str]) -> Vec<String> {
    summary
        .monitoring
        .iter()
        .filter(|m| gated.contains(&m.metric.as_str()) && m.candidate.pass == Some(false))
        .map(|m| format!("{} ({})", m.label, m.target))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Markdown,
}

/// A progress bar on stderr.
struct Bar(indicatif::ProgressBar);

impl Bar {
    /// Drawn when `show` and stderr is a terminal; else hidden.
    fn new(show: bool) -> Self {
        Bar(if show && std::io::stderr().is_terminal() {
            // Until the total is known (never, for live stores), a count and the time so far.
            indicatif::ProgressBar::with_draw_target(None, super::output::progress_target())
                .with_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {human_pos} users · {elapsed}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                )
        } else {
            indicatif::ProgressBar::hidden()
        })
    }
}

impl Observer for Bar {
    fn total(&mut self, users: Option<u64>) {
        if let Some(n) = users {
            self.0.set_length(n);
            self.0.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {human_pos}/{human_len} users · {elapsed} · eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
    }

    fn progress(&mut self, done: u64) {
        self.0.set_position(done);
    }
}

/// The candidate and baseline policies the flags ask for. A candidate changed by `--set` is
/// named with its changes (`prolaunch --set budget.total=3000`), not as the policy it came from,
/// which is the baseline's name.
fn policies(global: &GlobalArgs, args: &ReportArgs) -> Result<(Policy, Option<Policy>), CliError> {
    let mut candidate = load_policy(&global.policy, &global.sets)?;
    if !global.sets.is_empty() {
        candidate.name = format!("{} --set {}", candidate.name, global.sets.join(" --set "));
    }
    let baseline = match (&args.baseline, global.sets.is_empty()) {
        (Some(p), _) => Some(load_policy(p, &[])?),
        (None, false) => Some(load_policy(&global.policy, &[])?),
        (None, true) => None,
    };
    Ok((candidate, baseline))
}

/// Where the users come from: snapshot files, a synthetic fleet, the stores, or the demo.
async fn fleet(global: &GlobalArgs, args: &ReportArgs, config: &Config) -> Result<Fleet, CliError> {
    if let Some(dir) = &args.snapshots {
        return snapshot_files(dir)
            .map(Fleet::Snapshots)
            .map_err(CliError::Usage);
    }
    let which = FleetChoice {
        users: args.users.as_deref(),
        sample: args.sample,
        synthetic: args.synthetic,
        seed: args.seed,
    };
    let store = which.store(global, config).await?;
    Ok(Fleet::Store {
        store,
        pick: which.pick()?,
    })
}

/// The fleet a command replays from a store (`report` and `optimize` alike): a synthetic one
/// or the configured stores, all users, a listed few or a seeded sample.
pub(super) struct FleetChoice<'a> {
    pub users: Option<&'a std::path::Path>,
    pub sample: Option<usize>,
    pub synthetic: Option<usize>,
    /// Of the synthetic fleet and of the sample.
    pub seed: u64,
}

impl FleetChoice<'_> {
    /// The synthetic fleet asked for, else the stores (or the demo).
    pub async fn store(
        &self,
        global: &GlobalArgs,
        config: &Config,
    ) -> Result<Arc<dyn Store>, CliError> {
        Ok(match self.synthetic {
            Some(n) => Arc::new(MemoryStore::synthetic(self.seed, n)),
            None => open_store(global, config).await?.into(),
        })
    }

    /// Which of the store's users: the listed ones, a seeded sample, or all.
    pub fn pick(&self) -> Result<Pick, CliError> {
        Ok(match (self.users, self.sample) {
            (Some(file), _) => {
                let listed = read_user_list(file).map_err(CliError::Usage)?;
                for l in listed.iter().filter(|l| !l.again.is_empty()) {
                    let lines: Vec<String> = l.again.iter().map(usize::to_string).collect();
                    warn(&format!(
                        "{}: user {} is listed again on line {}: read once",
                        l.origin,
                        crate::text::id_in_message(&l.user_id),
                        lines.join(", ")
                    ));
                }
                Pick::Listed(listed)
            }
            (None, Some(0)) => {
                return Err(CliError::Usage(
                    "--sample 0: a sample holds at least one user".into(),
                ));
            }
            (None, Some(n)) => Pick::Sample { n, seed: self.seed },
            (None, None) => Pick::All,
        })
    }
}

pub async fn report(global: &GlobalArgs, args: &ReportArgs) -> Result<(), CliError> {
    let (config, _) = Config::load(global.config.as_deref())?;
    let map = config
        .milestone_map()
        .map_err(|e| CliError::Usage(format!("config: {e}")))?;
    let (candidate, baseline) = policies(global, args)?;
    let gated = gates(&args.fail_on)?;
    // A gate named on a metric this policy cannot be measured by could never fail: refused
    // before the work, as `optimize --target` refuses it.
    for n in &args.fail_on {
        let metric = crate::optimize::target::MetricKey::parse(n);
        if let Some(layer) = metric.and_then(|m| m.missing_layer(&candidate)) {
            return Err(CliError::Usage(format!(
                "--fail-on {n}: policy {} has no {layer} layer, so {} cannot be measured and \
                 this gate could never fail",
                candidate.name,
                metric_name(n)
            )));
        }
    }
    // Before any store is asked: a bad endpoint is a usage error, not a report of failures.
    let embedder = global.embedder()?;
    let format = if args.json {
        ReportFormat::Json
    } else {
        args.format
    };
    let fleet = fleet(global, args, &config).await?;
    let plan = Plan {
        candidate: candidate.clone(),
        baseline: baseline.clone(),
        top: args.top,
        opts: LoadOptions {
            now: args.now,
            embedder,
            ..LoadOptions::default()
        },
        // One run: nothing to keep snapshots for.
        cache: None,
        duplicates: args.duplicates,
        knowledge_rows: args.knowledge_rows,
        redact: global.redact,
    };
    let mut bar = Bar::new(!args.quiet && format != ReportFormat::Json);
    // Ctrl-C, SIGTERM, SIGHUP or SIGQUIT: the users read so far are reported, marked PARTIAL.
    let cancel = super::stop_asked();
    let disk = (!args.no_cache).then(DiskCache::in_cache_dir).flatten();
    let engine = Arc::new(Engine {
        milestones: map,
        tokens: Arc::new(counter(disk.as_ref())),
    });
    let (tally, info) = run_closing(fleet, plan, Arc::clone(&engine), &mut bar, cancel).await?;
    bar.0.finish_and_clear();
    whole_sample_note(&info);
    // Under --redact nothing derived from the hidden text is kept: the hashes of its texts
    // would let anyone holding the file check guesses at it. The counts already there serve.
    let keep = disk.filter(|_| !global.redact);
    if let Some(Err(why)) = keep.map(|d| d.save(&engine.tokens.take_new())) {
        warn(&format!("{why}; this run's counts were not saved"));
    }
    let mut summary = tally.summary(&candidate, baseline.as_ref(), info);
    if global.redact {
        summary.mask(&engine.milestones);
    }
    let out = &mut anstream::stdout();
    match format {
        ReportFormat::Json => write_json(out, &summary.to_json())?,
        ReportFormat::Csv => write!(out, "{}", csv(&summary)).map_err(io)?,
        ReportFormat::Markdown => write!(out, "{}", markdown(&summary)).map_err(io)?,
        ReportFormat::Table => table(out, &summary)?,
    }
    // A gate named on a metric this policy does not have (`static_share` without static
    // layers) can never fail: said, so a CI job does not trust it.
    for m in summary.monitoring.iter().filter(|m| {
        args.fail_on.iter().any(|n| metric_name(n) == m.metric)
            && summary.users > 0
            && m.candidate.pass.is_none()
    }) {
        warn(&format!(
            "--fail-on {}: n/a for the candidate policy (nothing to measure it on), so this gate \
             cannot fail",
            m.metric
        ));
    }
    verdict(&summary, &gated)
}

/// The exit of a written report: a run stopped early or users that could not be read are
/// runtime failures; a failing `--fail-on` target is a gate. A runtime failure still says how
/// the gates fared on the users that were read, so a CI log names both.
fn verdict(summary: &Summary, gated: &[&str]) -> Result<(), CliError> {
    let failed = failing(summary, gated);
    let gates = if failed.is_empty() {
        String::new()
    } else {
        format!(
            "; on the users read, --fail-on: the candidate fails {}",
            failed.join(", ")
        )
    };
    if let Some(st) = &summary.stopped {
        return Err(CliError::Runtime(if st.cause == INTERRUPTED {
            format!(
                "interrupted: the report covers {} read before it was stopped by {}; {}{gates}",
                crate::report::format::users_n(summary.users),
                super::stopped_by(),
                not_read(st)
            )
        } else {
            let before = if st.outage {
                "the store went away"
            } else {
                "the users list failed"
            };
            if summary.users == 0 {
                // Nothing covered: the report above has no figures.
                format!(
                    "{}: no user was replayed before {before}; {}{gates}",
                    st.cause,
                    not_read(st)
                )
            } else {
                format!(
                    "{}: the report covers the {} read before {before}; {}{gates}",
                    st.cause,
                    crate::report::format::users_n(summary.users),
                    not_read(st)
                )
            }
        }));
    }
    if summary.errors.count > 0 {
        return Err(CliError::Runtime(format!(
            "{} could not be read; the report covers the other {}{gates}",
            crate::report::format::users_n(summary.errors.count),
            crate::text::thousands_exact(summary.users.into())
        )));
    }
    if summary.users == 0 && !gated.is_empty() {
        // No user replayed: no target can be said to hold.
        return Err(CliError::Gate(
            "--fail-on: no user was replayed, so no target can be checked".into(),
        ));
    }
    if !failed.is_empty() {
        return Err(CliError::Gate(format!(
            "--fail-on: the candidate fails {}",
            failed.join(", ")
        )));
    }
    Ok(())
}

/// The report's token counter: this run's counts in memory (bounded), and the counts earlier
/// runs saved in `disk`, if any. A cache file that cannot be read is reported and left out.
fn counter(disk: Option<&DiskCache>) -> TokenCounter {
    let counter = TokenCounter::bounded(REPORT_TOKEN_CACHE);
    let Some(disk) = disk else {
        return counter;
    };
    let known = disk.load().unwrap_or_else(|why| {
        warn(&format!(
            "{why}; ignored (this run writes its counts there when it can)"
        ));
        Default::default()
    });
    counter.with_known(known, disk.limit())
}

fn warn(message: &str) {
    crate::say!("ctxlens: warning: {}", crate::text::inert_line(message));
}

/// The human-readable report: headline, then each section as an aligned table.
pub(super) fn table(out: &mut impl Write, s: &Summary) -> Result<(), CliError> {
    for (i, line) in headline(s).iter().enumerate() {
        let style = match i {
            0 => BOLD,
            _ if line.starts_with("PARTIAL") => RED,
            _ => DIM,
        };
        writeln!(out, "{}", paint(style, &crate::text::inert_line(line))).map_err(io)?;
    }
    for sec in sections(s) {
        section(out, &sec)?;
    }
    Ok(())
}

fn section(out: &mut impl Write, sec: &Section) -> Result<(), CliError> {
    writeln!(
        out,
        "\n{}",
        paint(BOLD, &crate::text::inert_line(&sec.title))
    )
    .map_err(io)?;
    if sec.rows.is_empty() {
        return writeln!(out, "  {}", paint(DIM, "none")).map_err(io);
    }
    let header: Vec<(&str, bool)> = sec
        .columns
        .iter()
        .map(|(_, title, right)| (title.as_str(), *right))
        .collect();
    let mut t = Table::new(&header);
    for (_, cells) in &sec.rows {
        t.row(
            cells
                .iter()
                .map(|c| {
                    let style = match c.tone {
                        Tone::Plain => anstyle::Style::new(),
                        Tone::Pass => GREEN,
                        Tone::Fail => RED,
                        Tone::Dim => DIM,
                        Tone::Bold => BOLD,
                    };
                    (c.shown.clone(), style)
                })
                .collect(),
        );
    }
    t.write(out, 2)
}

/// A `--sample` larger than the fleet is said (on stderr) to have read every user.
pub(super) fn whole_sample_note(info: &crate::report::RunInfo) {
    if let Some((asked, there)) = info.whole_sample {
        crate::say!(
            "ctxlens: note: --sample {} is more than the {}: every one was read",
            crate::report::format::thousands(asked as f64, 0),
            crate::text::count(there, "user", "users")
        );
    }
}
