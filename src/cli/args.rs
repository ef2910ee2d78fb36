//! The command line's arguments: the commands and their flags (SPEC §5); the options every
//! command takes and what a command reads of a user are in [`super::global`], the flags' value
//! parsers in [`super::values`].

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::global::{GlobalArgs, Selection};
use super::values::{at_least_one, parse_now};
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
