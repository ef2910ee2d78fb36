//! The command line: arguments, dispatch, exit codes (SPEC §5).

mod args;
mod diff;
mod docs;
mod error;
mod explain;
mod global;
mod graph;
mod inspect;
mod optimize;
mod output;
mod replay;
mod report;
mod signals;
mod stores;
mod users;
mod values;
mod watch;
mod write;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, GraphFormat};
pub use error::CliError;
pub use global::{EmbedderKind, GlobalArgs, Selection};
use signals::stop_on_interrupt;
pub(crate) use signals::{stop_asked, stop_signal, stopped_by};
use stores::{Reads, Waits, open_store_for};
pub use stores::{endpoints, open_store};
pub(crate) use values::{at_least_one, no_fleet_at, non_blank, parse_now};

use crate::config::{Config, load_policy};
use crate::engine::{Engine, Policy};
use crate::loaded::Loaded;
use crate::store::{KnowledgeParams, LoadOptions, Store, load_snapshot};

/// What every command works with: the store, the engine and the policy.
pub struct Ctx {
    pub store: Box<dyn Store>,
    pub engine: Engine,
    pub policy: Policy,
    pub redact: bool,
    pub embedder: crate::store::embedder::Embedder,
}

mod user_arg;
pub(crate) use user_arg::{not_a_user, snapshot_file};

impl Ctx {
    /// Under `--redact`, the milestone map whose ids stay in clear; `None`: nothing is masked.
    fn shown(&self) -> Option<&crate::engine::MilestoneMap> {
        self.redact.then_some(&self.engine.milestones)
    }

    async fn new(global: &GlobalArgs, waits: Waits, reads: Reads) -> Result<Ctx, CliError> {
        let (config, _) = Config::load(global.config.as_deref())?;
        // A bad --embed-url is a usage error before any store is connected to.
        global.embedder()?;
        let store = open_store_for(global, &config, waits, reads).await?;
        Ctx::over(global, &config, store)
    }

    /// The context of a command over `store`.
    fn over(global: &GlobalArgs, config: &Config, store: Box<dyn Store>) -> Result<Ctx, CliError> {
        let map = config
            .milestone_map()
            .map_err(|e| CliError::Usage(format!("config: {e}")))?;
        let policy = load_policy(&global.policy, &global.sets)?;
        Ok(Ctx {
            store,
            engine: Engine::new(map),
            policy,
            redact: global.redact,
            embedder: global.embedder()?,
        })
    }

    /// The context of `tui --snapshot FILE` or `--snapshots DIR`: the files are the store.
    fn offline(
        global: &GlobalArgs,
        file: Option<&Path>,
        dir: Option<&Path>,
    ) -> Result<Ctx, CliError> {
        let (config, _) = Config::load(global.config.as_deref())?;
        let (files, from) = match (file, dir) {
            (Some(f), _) => (vec![f.to_path_buf()], f.display().to_string()),
            (None, Some(d)) => (
                crate::report::source::snapshot_files(d).map_err(CliError::Usage)?,
                d.display().to_string(),
            ),
            (None, None) => return Err(CliError::Usage("no snapshot file given".into())),
        };
        let store =
            crate::store::snapshots::SnapshotStore::open(&files, &from).map_err(CliError::Usage)?;
        Ctx::over(global, &config, Box::new(store))
    }

    /// USER as `replay` and `inspect` take it: a snapshot file when it names one
    /// ([`snapshot_file`]), else a user of the store (a missing file, or a bare name that is a
    /// file here, said so: [`not_a_user`]).
    async fn load_arg(&self, arg: &str, sel: &Selection) -> Result<Loaded, CliError> {
        match snapshot_file(arg) {
            Some(path) => self.load_file(path, sel),
            None => self.load(arg, sel).await.map_err(|e| not_a_user(arg, e)),
        }
    }

    /// A user's journey and sessions as of `at` (`None`: now), no knowledge searched (see
    /// [`crate::store::load_without_knowledge`]), masked under `--redact`; or a snapshot file's.
    async fn load_journey(
        &self,
        user: &str,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Loaded, CliError> {
        let sel = Selection {
            at,
            ..Selection::default()
        };
        if let Some(path) = snapshot_file(user) {
            return self.load_file(path, &sel);
        }
        let opts = sel.options(self);
        let (snap, data) =
            once_more(|| crate::store::load_without_knowledge(self.store.as_ref(), user, &opts))
                .await
                .map_err(|e| not_a_user(user, e.into()))?;
        Ok(Loaded::new(data, snap, self.shown()))
    }

    /// A user as `sel` asks, masked under `--redact` (once, here: every output shows this).
    async fn load(&self, user: &str, sel: &Selection) -> Result<Loaded, CliError> {
        let opts = sel.options(self);
        let (snap, data) =
            once_more(|| load_snapshot(self.store.as_ref(), user, &opts, self.knowledge_params()))
                .await?;
        Ok(Loaded::new(data, snap, self.shown()))
    }

    /// A user read once as `sel` asks, searched once per set of knowledge `params` (equal sets
    /// once): one view per entry, masked under `--redact`.
    async fn load_each(
        &self,
        user: &str,
        sel: &Selection,
        params: &[KnowledgeParams],
    ) -> Result<Vec<Loaded>, CliError> {
        let opts = sel.options(self);
        let (snaps, data) =
            once_more(|| crate::store::load_snapshots(self.store.as_ref(), user, &opts, params))
                .await?;
        Ok(snaps
            .into_iter()
            .map(|snap| Loaded::new(data.clone(), snap, self.shown()))
            .collect())
    }

    /// A snapshot file as `sel` asks (rewound under `--at`), masked under `--redact`.
    fn load_file(&self, path: &Path, sel: &Selection) -> Result<Loaded, CliError> {
        // A file holds one session's turns and the hits of the search that wrote it: what it
        // cannot do is refused, not silently skipped.
        if sel.session.is_some() {
            return Err(CliError::Usage(format!(
                "--session: snapshot {} holds the one session it was written from; \
                 another is read from the stores (give USER instead of the file)",
                path.display()
            )));
        }
        if sel.query.is_some() {
            return Err(CliError::Usage(format!(
                "--query: snapshot {} holds the knowledge hits of the search that wrote it and \
                 cannot search again; ask the stores (give USER instead of the file)",
                path.display()
            )));
        }
        let snap = replay::read_snapshot(path)?;
        // An error of time travel names the file whose clock it is.
        let label = crate::store::file::named(path);
        let (snap, data) = crate::store::as_of::rewind_file(snap, &sel.options(self), &label)?;
        Ok(Loaded::new(data, snap, self.shown()))
    }

    fn knowledge_params(&self) -> KnowledgeParams {
        KnowledgeParams::of(&self.policy)
    }
}

/// `read`, tried once more when it lost its connection, as a report reads a batch again: one
/// lost connection (a Postgres backend terminated, a connection reset) is not a store gone, and
/// the pool opens a new one. A statement past its deadline is not tried again (that would
/// double the wait); an outage met twice names the first cause.
async fn once_more<T, F, Fut>(read: F) -> Result<T, crate::store::StoreError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::store::StoreError>>,
{
    match read().await {
        Err(first) if first.is_worth_another_try() => match read().await {
            Err(again) if again.is_outage() => Err(first),
            other => other,
        },
        done => done,
    }
}

/// What `tui` was asked for besides the store.
#[derive(Default)]
struct TuiArgs {
    theme: Option<String>,
    exit_after_first_frame: bool,
    at: Option<chrono::DateTime<chrono::Utc>>,
}

async fn tui(ctx: Ctx, global: &GlobalArgs, args: TuiArgs) -> Result<(), CliError> {
    use std::io::IsTerminal;
    let (config, path) = Config::load(global.config.as_deref())?;
    // Where the theme was asked for, as its error names it.
    let asked = match (&args.theme, &path) {
        (Some(_), _) => "--theme".to_string(),
        (None, Some(p)) => format!("{}: theme =", p.display()),
        (None, None) => "theme".to_string(),
    };
    let theme = args.theme.or(config.theme);
    // A keymap or theme that cannot be used is a usage error before the terminal is taken.
    // keymap.toml and themes/ are read beside the config file in use (`--config`'s too).
    let folder = path.as_deref().and_then(std::path::Path::parent);
    let look = crate::tui::Look::load(theme.as_deref().map(|t| (t, asked.as_str())), folder)
        .map_err(CliError::Usage)?;
    // An instant after the data's clock holds nothing: refused before the terminal is taken,
    // as `inspect --at` refuses it (a snapshot folder's users each have their own clock: each
    // is told when opened).
    let clock = if ctx.store.wall_clock() {
        Some(chrono::Utc::now())
    } else {
        ctx.store.data_clock()
    };
    if let (Some(at), Some(clock)) = (args.at, clock)
        && at > clock
    {
        use crate::engine::snapshot::fmt_ts;
        let e = crate::engine::rewind::InFuture {
            at: fmt_ts(&at),
            read_at: fmt_ts(&clock),
        };
        return Err(CliError::Usage(format!("tui: {e}")));
    }
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(CliError::Usage(
            "tui: the TUI needs a terminal on stdin and stdout; for output to a file or a pipe, \
             use a command (`users`, `inspect`, `replay`, `report`)"
                .into(),
        ));
    }
    // A terminal that says it cannot move its cursor (an editor's shell buffer) would show
    // the escape codes of every frame as text.
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(CliError::Usage(
            "tui: TERM=dumb: this terminal cannot draw the TUI (no cursor movement or alternate \
             screen); run it in a full terminal, or use a command (`users`, `inspect`, `replay`, \
             `report`)"
                .into(),
        ));
    }
    let opts = crate::tui::TuiOptions {
        look,
        theme,
        redact: global.redact,
        exit_after_first_frame: args.exit_after_first_frame,
        embedder: ctx.embedder.clone(),
        at: args.at,
    };
    let demo = ctx.store.describe() == "DEMO";
    let store: std::sync::Arc<dyn Store> = ctx.store.into();
    let ended = crate::tui::run_tui(store.clone(), ctx.engine, ctx.policy, demo, opts).await;
    store.close().await;
    match ended {
        Ok(crate::tui::Ended::Quit) => Ok(()),
        Ok(crate::tui::Ended::Signal(n)) => Err(CliError::Signal(n)),
        Err(e) => Err(CliError::Runtime(format!("terminal: {e}"))),
    }
}

impl Selection {
    fn options(&self, ctx: &Ctx) -> LoadOptions {
        LoadOptions {
            session: self.session.clone(),
            query: self.query.clone(),
            now: self.now,
            at: self.at,
            milestones: self
                .at
                .map(|_| std::sync::Arc::new(ctx.engine.milestones.clone())),
            embedder: ctx.embedder.clone(),
        }
    }
}

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    // A report spreads its replays over the cores; everything else runs on one thread but
    // the TUI (its Report screen runs reports off the thread that draws) and `watch` (its
    // subscription is read while a slow reader holds up the writing).
    let mut builder = match cli.command {
        Some(
            Command::Report(_) | Command::Optimize(_) | Command::Tui { .. } | Command::Watch { .. },
        )
        | None => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::say!("ctxlens: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let redact = cli.global.redact;
    // `report` and `optimize` answer Ctrl-C themselves (the figures so far, PARTIAL), the TUI
    // restores the terminal first, `watch` runs until stopped, `seed` never stops between
    // making one store's writes visible and the other's; any other command stops at once,
    // even while a store keeps a statement waiting, and even when started with SIGINT ignored
    // (a background job of a script).
    let interruptible = !matches!(
        cli.command,
        Some(
            Command::Report(_)
                | Command::Optimize(_)
                | Command::Tui { .. }
                | Command::Watch { .. }
                | Command::Seed { .. }
        ) | None
    );
    if interruptible {
        stop_on_interrupt();
    }
    let code = match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Quiet) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors quote keys, ids and data: inert on the terminal, and under --redact the
            // values they quote are masked (a file's or a store's data may be among them).
            // After a hangup the terminal may be gone: a failed write must not panic.
            let message = e.to_string();
            let message = if redact {
                crate::engine::redact::mask_quoted(&message)
            } else {
                message
            };
            let _ = writeln!(
                std::io::stderr(),
                "ctxlens: {}",
                crate::text::inert(&message)
            );
            e.exit_code()
        }
    };
    // Blocking work whose answer nobody awaits any more (a tokenizer's vocabulary still loading,
    // a stopped search finishing its trial) is given a moment, not the rest of its run: dropping
    // the runtime would wait for all of it before the process could exit.
    runtime.shutdown_timeout(EXIT_GRACE);
    code
}

/// Prints what the argument parser says (help, a version, or a usage error) and gives its exit
/// code. A usage error quotes what was typed: it is made again from the arguments made inert,
/// so it says the same with every control or bidi character visible.
fn usage_error(e: &clap::Error) -> ExitCode {
    let code = ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    if !e.use_stderr() {
        // Help and the version go to stdout, whose failure is said as for every output.
        let written = e.print().and_then(|()| std::io::stdout().flush());
        return match written.map_err(output::io) {
            Ok(()) | Err(CliError::Quiet) => code,
            Err(failed) => {
                let _ = writeln!(std::io::stderr(), "ctxlens: {failed}");
                failed.exit_code()
            }
        };
    }
    let shown: Vec<String> = std::env::args_os()
        .map(|a| crate::text::inert_line(&a.to_string_lossy()).into_owned())
        .collect();
    match Cli::try_parse_from(shown) {
        Err(again) if again.use_stderr() => {
            let _ = again.print();
        }
        // Inert, the arguments parse: the message as it was, plain and inert.
        _ => {
            let plain = e.render().to_string();
            let _ = write!(std::io::stderr(), "{}", crate::text::inert(&plain));
        }
    }
    code
}

/// How long the exit waits for blocking work still running once the command is done.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    // `--theme` before a command is the TUI's `ctxlens` opens (or `tui` opens): with another
    // command, a mistake.
    match &cli.command {
        Some(_) if cli.theme.is_none() => {}
        None | Some(Command::Tui { theme: None, .. }) => {}
        Some(Command::Tui { .. }) => {
            return Err(CliError::Usage(
                "--theme given twice, before and after `tui`: give it once".into(),
            ));
        }
        Some(_) => {
            return Err(CliError::Usage(
                "--theme before a command: the theme is the TUI's; use `ctxlens --theme NAME` or \
                 `ctxlens tui --theme NAME`"
                    .into(),
            ));
        }
    }
    if let Some(done) = run_standalone(&cli).await {
        return done;
    }
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let opens_tui = match cli.command {
        // Asked for a theme, `ctxlens` alone means the TUI (which then says it needs a terminal).
        None => tty || cli.theme.is_some(),
        Some(ref c) => matches!(c, Command::Tui { .. }),
    };
    let waits = if opens_tui {
        Waits::ForTheStore
    } else {
        Waits::No
    };
    let reads = if matches!(cli.command, Some(Command::Watch { .. })) {
        Reads::RedisOnly
    } else {
        Reads::Both
    };
    let ctx = Ctx::new(&cli.global, waits, reads).await?;
    match cli.command {
        None if opens_tui => {
            let args = TuiArgs {
                theme: cli.theme,
                ..TuiArgs::default()
            };
            tui(ctx, &cli.global, args).await
        }
        Some(Command::Tui {
            theme,
            exit_after_first_frame,
            at,
            ..
        }) => {
            let args = TuiArgs {
                theme: theme.or(cli.theme),
                exit_after_first_frame,
                at,
            };
            tui(ctx, &cli.global, args).await
        }
        command => {
            let done = match command {
                None => users::summary(&ctx, &mut anstream::stdout()).await,
                Some(command) => dispatch(&ctx, command).await,
            };
            ctx.store.close().await;
            done
        }
    }
}

/// The commands that open what they read themselves (or read nothing): `None` for the rest.
async fn run_standalone(cli: &Cli) -> Option<Result<(), CliError>> {
    Some(match &cli.command {
        Some(Command::Completions { shell }) => docs::completions(*shell),
        Some(Command::Man { dir }) => docs::man(dir.as_deref()),
        Some(Command::Migrate) => write::migrate(&cli.global).await,
        Some(Command::Report(args)) => report::report(&cli.global, args).await,
        Some(Command::Optimize(args)) => optimize::optimize_cmd(&cli.global, args).await,
        Some(Command::Seed {
            synthetic,
            seed,
            no_ttl,
            force,
        }) => write::seed(&cli.global, *synthetic, *seed, *no_ttl, *force).await,
        Some(Command::Tui {
            theme,
            exit_after_first_frame,
            snapshot,
            snapshots,
            at,
        }) if snapshot.is_some() || snapshots.is_some() => {
            let offline = Ctx::offline(&cli.global, snapshot.as_deref(), snapshots.as_deref());
            let args = TuiArgs {
                theme: theme.clone().or_else(|| cli.theme.clone()),
                exit_after_first_frame: *exit_after_first_frame,
                at: *at,
            };
            match offline {
                Ok(ctx) => tui(ctx, &cli.global, args).await,
                Err(e) => Err(e),
            }
        }
        _ => return None,
    })
}

/// The commands that read one store through `ctx` and print to stdout.
async fn dispatch(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    let out = &mut anstream::stdout();
    match command {
        Command::Users {
            limit,
            cursor,
            json,
        } => users::list(ctx, out, limit, cursor, json).await,
        Command::Inspect { user, sel, json } => inspect::inspect(ctx, out, &user, &sel, json).await,
        Command::Replay {
            user,
            snapshot,
            sel,
            prompt,
            json,
            explain,
        } => {
            let mode = if json {
                replay::Mode::Json
            } else if prompt {
                replay::Mode::Prompt
            } else {
                replay::Mode::Text
            };
            let input = (user.as_deref(), snapshot.as_deref());
            replay::replay(ctx, out, input, &sel, mode, explain).await
        }
        Command::Snapshot {
            user,
            out: file,
            sel,
        } => replay::snapshot(ctx, out, &user, &file, &sel).await,
        Command::Explain {
            user,
            row,
            sel,
            json,
        } => explain::explain(ctx, out, &user, &row, &sel, json).await,
        Command::Diff(args) => diff::diff_cmd(ctx, out, &args).await,
        Command::Graph {
            user,
            at,
            format,
            json,
        } => graph::graph(ctx, out, user.as_deref(), at, format, json).await,
        Command::Transition { user, at, to, json } => {
            graph::transition(ctx, out, &user, at, &to, json).await
        }
        Command::Watch { user, json, count } => {
            watch::watch(ctx, out, user.as_deref(), json, count).await
        }
        Command::Tui { .. }
        | Command::Migrate
        | Command::Seed { .. }
        | Command::Report(_)
        | Command::Optimize(_)
        | Command::Completions { .. }
        | Command::Man { .. } => Ok(()),
    }
}
