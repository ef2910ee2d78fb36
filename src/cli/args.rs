//! The command line's arguments: global options, the commands and their flags (SPEC §5).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::CliError;
use super::{diff, optimize, report};

#[derive(Debug, Parser)]
#[command(
    name = "ctxlens",
    version,
    about = "See, and replay, the context an LLM was given."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Colour theme of the TUI `ctxlens` alone (or `ctxlens tui`) opens, as `tui --theme` (default, light,
    /// high-contrast, or one in the config dir's themes/).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Policy: a preset name (prolaunch, layered-adr) or a TOML file.
    #[arg(
        long,
        global = true,
        default_value = "prolaunch",
        value_name = "PRESET|FILE"
    )]
    pub policy: String,
    /// Override a policy key by dotted path, layers by name (repeatable):
    /// --set layers.journey.weight=0.6 --set budget.total=3000 --set strategy=skip.
    /// VALUE is read as TOML, else as text with its ends trimmed: quote it to keep spaces
    /// (--set 'truncate_marker=" [cut]"')
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Config file [default: $XDG_CONFIG_HOME/ctxlens/config.toml, when present].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Mask chat and journey text, the query, display names, milestone ids the milestone map
    /// does not know and values quoted in error messages on every output (token counts stay),
    /// for support use. `snapshot` refuses it (a snapshot is the exact stored input).
    #[arg(long, global = true)]
    pub redact: bool,
    /// Redis to read (rediss:// for TLS; a private CA is trusted through SSL_CERT_FILE).
    /// Without any store URL, the embedded demo.
    #[arg(
        long,
        global = true,
        env = "REDIS_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub redis_url: Option<String>,
    /// Postgres to read (`sslmode` and `sslrootcert` in the URL pass through).
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Prefix of every Redis key and channel.
    #[arg(long, global = true, value_name = "PREFIX")]
    pub key_prefix: Option<String>,
    /// Seconds to wait for a store to answer when connecting (0.1 to 86400).
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "3", value_name = "SECONDS", value_parser = parse_seconds)]
    pub connect_timeout: std::time::Duration,
    /// Seconds a Postgres statement may wait for its answer (0.1 to 86400): past it the store
    /// counts as gone (a report is then PARTIAL). Redis answers within --connect-timeout.
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "30", value_name = "SECONDS", value_parser = parse_seconds)]
    pub query_timeout: std::time::Duration,
    /// How the knowledge query is embedded.
    #[arg(long, global = true, value_enum, default_value_t = EmbedderKind::Builtin)]
    pub embedder: EmbedderKind,
    /// An OpenAI-compatible embeddings endpoint (with --embedder http); the API key is read from
    /// CTXLENS_EMBED_API_KEY when set.
    #[arg(long, global = true, value_name = "URL")]
    pub embed_url: Option<String>,
    /// The embedding model to ask the endpoint for.
    #[arg(
        long,
        global = true,
        default_value = "text-embedding-3-small",
        value_name = "NAME"
    )]
    pub embed_model: String,
    /// Seconds to wait for the embeddings endpoint (0.1 to 86400).
    #[arg(long, allow_hyphen_values = true, global = true, default_value = "10", value_name = "SECONDS", value_parser = parse_seconds)]
    pub embed_timeout: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmbedderKind {
    Builtin,
    Http,
}

impl GlobalArgs {
    /// The query embedder these flags ask for.
    pub(super) fn embedder(&self) -> Result<crate::store::embedder::Embedder, CliError> {
        use crate::store::embedder::Embedder;
        match (self.embedder, &self.embed_url) {
            (EmbedderKind::Builtin, None) => Ok(Embedder::Builtin),
            (EmbedderKind::Builtin, Some(_)) => Err(CliError::Usage(
                "--embed-url is only used with --embedder http (the builtin embedder asks no \
                 endpoint)"
                    .into(),
            )),
            (EmbedderKind::Http, None) => Err(CliError::Usage(
                "--embedder http needs --embed-url URL".into(),
            )),
            (EmbedderKind::Http, Some(url)) => Ok(Embedder::Http {
                url: endpoint(url)?,
                model: self.embed_model.clone(),
                api_key: std::env::var("CTXLENS_EMBED_API_KEY")
                    .ok()
                    .filter(|k| !k.is_empty()),
                timeout: self.embed_timeout,
                redact: self.redact,
            }),
        }
    }
}

/// `--embed-url` checked before anything is asked of it: an `http`/`https` URL with a host
/// (a port, if any, within range); a usage error naming what is wrong, the URL masked.
fn endpoint(raw: &str) -> Result<String, CliError> {
    let expected = "expected http[s]://HOST[:PORT]/PATH";
    // As typed, unless a secret had to be masked (masking reads the URL, which normalises it:
    // `http:///nohost` would be quoted as the valid-looking `http://nohost/`).
    let masked = crate::store::url::mask(raw);
    let shown = if masked.contains("***") {
        masked
    } else {
        crate::text::inert_line(raw).into_owned()
    };
    let bad = |why: String| CliError::Usage(format!("--embed-url {shown}: {why} ({expected})"));
    let u = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad(format!("the scheme is {:?}", u.scheme())));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host".into()));
    }
    // What the HTTP client will be given: a URL it cannot read (a space in the password) is
    // refused here, not found out when the first query is embedded.
    raw.parse::<ureq::http::Uri>()
        .map_err(|e| bad(e.to_string()))?;
    Ok(raw.to_string())
}

#[derive(Debug, Args, Default)]
pub struct Selection {
    /// Read this session instead of the one with the newest turn.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Search knowledge with this text instead of the newest user turn.
    #[arg(long, value_name = "TEXT", value_parser = non_blank)]
    pub query: Option<String>,
    /// Replay the data as stored now with the clock at this instant (RFC 3339 or epoch seconds): only the
    /// recency window moves. To see the user as they were then, use --at.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Reconstruct the user as of this instant (RFC 3339 or epoch seconds), e.g. when a ticket was filed: the
    /// turns, journey rows and knowledge there were then, the milestone of then, the clock at
    /// it; notes say what cannot be told (expired sessions and cache). Not with --now.
    #[arg(
        long,
        value_name = "TIME",
        allow_negative_numbers = true,
        value_parser = parse_now,
        conflicts_with = "now"
    )]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A text that says something: an empty or blank `--query` would embed to nothing to compare.
pub(crate) fn non_blank(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("empty: give the text to search knowledge with".into());
    }
    Ok(s.to_string())
}

// The value parsers' messages do not quote the value: clap's message does (`invalid value
// 'X' for '--flag'`), and shows it inert (see `usage_error`).

/// A timeout in seconds: a number from 0.1 to a day.
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    const RANGE: std::ops::RangeInclusive<f64> = 0.1..=86_400.0;
    match s.trim().parse::<f64>() {
        Ok(x) if RANGE.contains(&x) => Ok(std::time::Duration::from_secs_f64(x)),
        Ok(_) => Err("a number of seconds from 0.1 to 86400".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// A count of one or more.
pub(crate) fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `--at` on a fleet command (`report`, `optimize`), which has none: refused, saying what it has
/// instead (clap would otherwise guess another flag from the spelling).
pub(crate) fn no_fleet_at(_: &str) -> Result<String, String> {
    Err(
        "a fleet has no --at: --now TIME replays every user at that clock (as read now); \
         a user as of TIME is `ctxlens inspect USER --at TIME`"
            .into(),
    )
}

/// An instant: RFC 3339 (`2025-01-10T09:30:00Z`, any offset) or epoch seconds (`1736467200`,
/// as the stores write them). A leap second (`23:59:60`) is the next minute's first, as
/// Postgres reads it.
pub(crate) fn parse_now(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    use chrono::Timelike;
    let t = s.trim();
    // Epoch seconds, before 1970 too (`-1`), read as a snapshot file's number is; a fraction
    // to the nanosecond, its further digits dropped as RFC 3339's are (never rounded up across
    // a second: `…617.9999999999` is `…617.999999999`, as `…:37.9999999999Z` is).
    let digits = t.strip_prefix('-').unwrap_or(t);
    if let Some((whole, frac)) = digits.split_once('.')
        && !frac.is_empty()
        && whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        let nanos: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|e: std::num::ParseIntError| e.to_string())?
        };
        let sign = if t.starts_with('-') { -1 } else { 1 };
        let total = sign * (whole * 1_000_000_000 + nanos.parse::<i128>().unwrap_or(0));
        let secs = i64::try_from(total.div_euclid(1_000_000_000))
            .map_err(|_| "epoch seconds out of range".to_string())?;
        let at = crate::engine::snapshot::parse_timestamp(&serde_json::json!(secs))
            .map_err(|e| e.to_string())?;
        let rest = i64::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
        return Ok(at + chrono::TimeDelta::nanoseconds(rest));
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let n = match serde_json::from_str::<serde_json::Number>(t) {
            Ok(n) => serde_json::Value::Number(n),
            Err(_) => serde_json::json!(t.parse::<f64>().map_err(|e| e.to_string())?),
        };
        return crate::engine::snapshot::parse_timestamp(&n).map_err(|e| e.to_string());
    }
    let at = chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            format!(
                "not an instant ({e}): give RFC 3339, e.g. 2025-01-10T09:30:00Z, or epoch seconds"
            )
        })?;
    match at.nanosecond().checked_sub(1_000_000_000) {
        Some(ns) => Ok(at.with_nanosecond(ns).unwrap_or(at) + chrono::TimeDelta::seconds(1)),
        None => Ok(at),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal UI (what `ctxlens` alone does in a terminal).
    Tui {
        /// Colour theme: default, light, high-contrast, or one in the config dir's themes/.
        #[arg(long)]
        theme: Option<String>,
        /// Draw the first frame and exit (start-up benchmark).
        #[arg(long, hide = true)]
        exit_after_first_frame: bool,
        /// Open a snapshot file (`ctxlens snapshot` output) instead of a store: every screen
        /// works offline on it.
        #[arg(long, value_name = "FILE", conflicts_with = "snapshots")]
        snapshot: Option<PathBuf>,
        /// Open the snapshot files (`*.json`) in DIR instead of a store.
        #[arg(long, value_name = "DIR")]
        snapshots: Option<PathBuf>,
        /// Open every user as of this instant (RFC 3339 or epoch seconds), as `inspect --at` does; on the
        /// Journey screen `[` and `]` step through the user's moments and `0` comes back to now.
        #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// List users: current milestone, sessions, last activity.
    Users {
        /// Stop after this many users, at least 1 (then `next_cursor` says where to go on).
        #[arg(long, value_parser = at_least_one)]
        limit: Option<usize>,
        /// Start at this cursor (from a previous `next_cursor`).
        #[arg(long)]
        cursor: Option<String>,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// One user: milestones, sessions, cached context, malformed data, and the assembly.
    Inspect {
        /// The user id, or a snapshot file (a path, or a name ending in `.json`).
        user: String,
        #[command(flatten)]
        sel: Selection,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Replay the assembly for a user (or a snapshot file) under the policy.
    #[command(group = clap::ArgGroup::new("input").required(true).args(["user", "snapshot"]))]
    Replay {
        /// The user id, or a snapshot file (a path, or a name ending in `.json`; as --snapshot).
        user: Option<String>,
        /// Replay a snapshot file written by `ctxlens snapshot`.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        #[command(flatten)]
        sel: Selection,
        /// Print only the assembled prompt, byte for byte as the model gets it when stdout is a
        /// file or a pipe; on a terminal, control characters and bidi controls in it are shown
        /// visibly instead (`␛`, `\u{202e}`), so stored text cannot drive the terminal; under
        /// `--redact` always shown visibly (the masked prompt is not the model's). Piped to a
        /// command that writes to the terminal (`head`, `less -R`), the exact bytes reach it:
        /// page it with `less` (which shows them as `^[`) or `cat -v`.
        #[arg(long, conflicts_with = "json")]
        prompt: bool,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long)]
        json: bool,
        /// Also show the margins: per layer and for the global pass, the budget that keeps every
        /// candidate, the item a larger budget admits next (and how many tokens more), the item
        /// a smaller one loses first (and how many fewer), and under stop and truncate the item
        /// at which the fit ended (`"margins"` in --json).
        #[arg(long, conflicts_with = "prompt")]
        explain: bool,
    },
    /// Why a knowledge row was (not) used for a user: one line per gate (search, similarity,
    /// milestone, rank, recency, score, budget), the first it failed marked. Live stores score
    /// the row with one exact cosine query, so a row the index missed is explained too.
    Explain {
        /// The user id, or a snapshot file (`ctxlens snapshot` output: a path or a `.json`
        /// name, `./NAME` for a bare one): then only the hits the
        /// file holds can be explained.
        #[arg(value_name = "USER|FILE")]
        user: String,
        /// The knowledge row: `kn:12`, `12`, or text in its title.
        row: String,
        #[command(flatten)]
        sel: Selection,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare two contexts and find what caused the difference: two snapshot files, two users,
    /// or one context under two policies (`--against`, `--against-set`). Prints the input
    /// changes, the smallest set of them that reproduces the second prompt (delta debugging:
    /// subsets are replayed), the first cause, the items that differ and a line diff of the
    /// prompt.
    Diff(diff::DiffArgs),
    /// Write a user's snapshot (the exact input of a replay) to a file.
    Snapshot {
        /// The user id.
        user: String,
        /// The file to write (SPEC §4 snapshot JSON); `-` writes it to stdout.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        sel: Selection,
    },
    /// The milestone dependency graph, with a user's status per milestone.
    Graph {
        /// Show this user's status per milestone (or a snapshot file's: a path, or a name
        /// ending in `.json`).
        user: Option<String>,
        /// The user as of this instant (RFC 3339 or epoch seconds), as replay's --at: the journey rows
        /// there were then, the milestone of then.
        #[arg(long, requires = "user", value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
        at: Option<chrono::DateTime<chrono::Utc>>,

        /// Text layers, or Graphviz dot.
        #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
        format: GraphFormat,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Print `progress:{user}` events as they arrive (every user's with no USER).
    Watch {
        /// Only this user's channel.
        user: Option<String>,
        /// Print each event as a line of JSON.
        #[arg(long)]
        json: bool,
        /// Stop after this many events (a message that is not one is said on stderr and not counted).
        #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = at_least_one)]
        count: Option<usize>,
    },
    /// Replay every user (or a sample, a list, snapshot files, a synthetic fleet) under the
    /// policy and a baseline: seed 003's monitoring table, token distributions, cache metrics,
    /// per-milestone figures and the users a change affects most.
    Report(report::ReportArgs),
    /// Search the policy space (weights, caps, knowledge threshold and limit, max_items,
    /// strategy, recency; the total when freed) for the policy that meets the fleet targets at
    /// the least cost (or the most quality), by replaying the loaded fleet; prints the Pareto
    /// front, the recommended policy and its fleet report against the baseline.
    Optimize(optimize::OptimizeArgs),
    /// Create the pgvector extension, tables and HNSW indexes (idempotent; a partial HNSW index
    /// per milestone of the map in use, so a search filtered to a milestone walks its own);
    /// this command writes to the database.
    Migrate,
    /// Load the demo dataset (or N synthetic users) into the stores; this command writes to both.
    Seed {
        /// Generate this many synthetic users instead of the demo (at most 1,000,000: the stores
        /// hold a seed's writes until it commits).
        #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = at_least_one)]
        synthetic: Option<usize>,
        /// Seed number of the synthetic generator.
        #[arg(
            long,
            allow_negative_numbers = true,
            default_value_t = 1,
            value_name = "SEED"
        )]
        seed: u64,
        /// Write keys without TTLs (for long demos).
        #[arg(long)]
        no_ttl: bool,
        /// Replace what the stores hold (refused otherwise when they are not empty): the three
        /// tables emptied, and in Redis only the `session:*` and `context:*` keys of the key
        /// prefix unlinked (matched literally).
        #[arg(long)]
        force: bool,
    },
    /// What a transition of USER to milestone M would carry (seed 000's prepare_transition).
    Transition {
        /// The user id, or a snapshot file (a path, or a name ending in `.json`).
        user: String,
        /// As of this instant (RFC 3339 or epoch seconds), as replay's --at: the journey rows
        /// there were then, the milestone of then.
        #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = parse_now)]
        at: Option<chrono::DateTime<chrono::Utc>>,

        /// The milestone the user would move to.
        #[arg(long, value_name = "M")]
        to: String,
        /// Print JSON (exact data, stable across runs) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `ctxlens man > ctxlens.1`; with `--dir`, write
    /// it and one page per command (`ctxlens-users.1`, …) there.
    Man {
        /// Write ctxlens.1 and each command's page into this directory instead of printing.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// The DAG in layers, as text.
    Text,
    /// Graphviz dot.
    Dot,
}

#[cfg(test)]
mod tests {
    use super::parse_now;

    /// RFC 3339 at any offset, epoch seconds as the stores write them, a leap second as the next
    /// minute's first (as Postgres reads it); anything else says what an instant looks like.
    #[test]
    fn instants_are_rfc_3339_or_epoch_seconds() {
        let utc = |s: &str| parse_now(s).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("2025-01-10T02:00:00+02:00").as_deref(),
            Ok("2025-01-10T00:00:00+00:00")
        );
        assert_eq!(
            utc("1736467200").as_deref(),
            Ok("2025-01-10T00:00:00+00:00")
        );
        assert_eq!(
            utc("2025-01-10T23:59:60Z").as_deref(),
            Ok("2025-01-11T00:00:00+00:00")
        );
        // Before 1970, as a snapshot file may say; a fraction; leading zeros.
        assert_eq!(utc("-1").as_deref(), Ok("1969-12-31T23:59:59+00:00"));
        assert_eq!(utc("0.5").as_deref(), Ok("1970-01-01T00:00:00.500+00:00"));
        assert_eq!(utc("007").as_deref(), Ok("1970-01-01T00:00:07+00:00"));
        assert_eq!(utc("-5.5").as_deref(), Ok("1969-12-31T23:59:54.500+00:00"));
        // A fraction to the nanosecond, never rounded up across a second: the same instant
        // as RFC 3339 writes it.
        assert_eq!(
            parse_now("1736891617.9999999999"),
            parse_now("2025-01-14T21:53:37.9999999999Z")
        );
        assert_eq!(
            utc("1736891617.9999999999").as_deref(),
            Ok("2025-01-14T21:53:37.999999999+00:00")
        );
        let err = parse_now("9007199254740993").expect_err("past 9999");
        assert!(err.contains("`9007199254740993`"), "{err}");
        let err = parse_now("now").expect_err("not an instant");
        assert!(
            err.contains("give RFC 3339, e.g. 2025-01-10T09:30:00Z, or epoch seconds"),
            "{err}"
        );
    }
}
