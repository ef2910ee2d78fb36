//! App state: plain data in sub-states. Rendering reads it; only `update` changes it.

mod status;
mod ui;

use std::collections::{BTreeSet, VecDeque};

pub use super::action::{Unreadable, UserStats};
use super::keymap::Keymap;
use super::task::Loading;
use crate::engine::{Assembly, Engine, Policy, Snapshot, Tokenizer};
use crate::findings::Finding;
use crate::loaded::Loaded;
use crate::store::{UserData, UserSummary};

pub use status::{Health, Message, StatusState, StoreStatus};
pub use ui::{Input, InputKind, Overlay, Quit, Screen, UiState};

/// Everything on screen and behind it.
pub struct State {
    pub ui: UiState,
    pub session: Session,
    pub status: StatusState,
    pub users: UsersState,
    pub user: UserState,
    pub tune: TuneState,
    pub live: LiveState,
    pub report: ReportState,
    pub optimize: OptimizeState,
}

pub use super::diff_view::Compared;

/// The engine and the policies: the baseline as loaded, and the tuned one replays use.
pub struct Session {
    pub engine: Engine,
    pub baseline: Policy,
    pub policy: Policy,
    pub keymap: Keymap,
    /// Themes by name (embedded and user).
    pub themes: Vec<String>,
    pub ready: BTreeSet<Tokenizer>,
    /// Tokenizers being loaded in the background.
    pub warming: BTreeSet<Tokenizer>,
    /// The last `:policy` load asked for (what was typed) and the policy as tuned then, while
    /// it loads: tuned since, the loaded one is not put over that tuning; a load asked for
    /// before it that arrives later is not put over it either. `true`: asked without `!` over
    /// unsaved tuning, so read (a name that is no policy is said so at once) but not loaded.
    pub policy_asked: Option<(String, Policy, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    Milestone,
    Tokens,
    Truncation,
    Activity,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Id => SortKey::Milestone,
            SortKey::Milestone => SortKey::Tokens,
            SortKey::Tokens => SortKey::Truncation,
            SortKey::Truncation => SortKey::Activity,
            SortKey::Activity => SortKey::Id,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Id => "user",
            SortKey::Milestone => "milestone",
            SortKey::Tokens => "tokens ↓",
            SortKey::Truncation => "truncation ↓",
            SortKey::Activity => "activity ↓",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub summary: UserSummary,
    pub stats: Option<UserStats>,
    /// The numbers under the tuned policy ([`UsersState::tuned_for`]), when asked for.
    pub tuned: Option<UserStats>,
    /// Why the user's numbers could not be computed (its load failed); counted again when the
    /// stores come back.
    pub failed: Option<String>,
}

/// The users list: rows loaded so far, what is shown (filtered and sorted), the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct UsersState {
    pub rows: Vec<UserRow>,
    pub next_cursor: Option<String>,
    /// The page asked for and not arrived yet, by its cursor (`Some(None)`: the first page): a
    /// page that is not it (of a listing read again since, or asked twice) is left out.
    pub asked: Option<Option<String>>,
    pub loaded_all: bool,
    pub filter: String,
    pub sort: SortKey,
    /// Indices into `rows`, filtered and sorted.
    pub shown: Vec<usize>,
    /// Position in `shown`.
    pub cursor: usize,
    /// A `:user ID` waiting for its row to load.
    pub wanted: Option<String>,
    /// `G` (bottom) asked for the end of a list not wholly loaded: each page as it arrives
    /// moves the cursor to the last row and asks for the next, until the last page.
    pub to_end: bool,
    /// A new sort was asked and the cursor not moved since: the top of the order stays
    /// selected while pages and numbers arrive (they would otherwise keep the selection on the
    /// user first when the sort was asked, wherever the rows after it put that user).
    pub at_top: bool,
    /// The list is being read again: the rows stay as last read until its first page arrives
    /// (a read that fails keeps them).
    pub replacing: bool,
    /// Show the tuned policy's numbers (`t`).
    pub show_tuned: bool,
    /// The policy the rows' tuned numbers were counted under.
    pub tuned_for: Option<Box<Policy>>,
    /// The instant the rows' numbers (milestone, tokens, truncation, activity) are counted as
    /// of: the open user's ([`UserState::at`]), followed whenever the list is shown; `None`: now.
    pub stats_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the list could not be read, while no row is: the empty screen says so (not "no
    /// users") after the status message has gone.
    pub failed: Option<String>,
}

impl UsersState {
    /// The ids of every loaded row, in load order.
    pub fn ids(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| r.summary.user_id.clone())
            .collect()
    }
}

/// The selected user and where the cursor is in each of its screens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserState {
    pub loading: Option<String>,
    /// The number of the last load asked: the answer (or failure) of an earlier one is stale.
    pub load: u64,
    /// The last user asked for that could not be opened while none was shown, and why: the
    /// user screens say so instead of "no user selected".
    pub failed: Option<(String, String)>,
    pub view: Option<UserView>,
    /// Layers screen: one layer shown (its index in the policy), or all; the row selected.
    pub layer: Option<usize>,
    pub cursor: usize,
    /// Journey screen: the selected milestone (index in the map).
    pub milestone: usize,
    /// Journey screen: the first row of the selection's panel shown (`PgDn`/`PgUp` scroll it).
    pub panel: usize,
    /// The rows the selection's panel took when last drawn (wrapped at its width) and the rows
    /// it had: where its scrolling ends. Set while drawing, read by the page keys.
    pub panel_rows: std::cell::Cell<(usize, usize)>,
    /// Budget screen: the first row of the layer budgets shown.
    pub budget_scroll: usize,
    /// Prompt screen: first line shown, search text, current match, tuned-vs-baseline diff.
    pub scroll: usize,
    pub search: String,
    pub found: usize,
    /// The first line shown when the search being typed began: where a query that matches
    /// nothing leaves the view.
    pub search_from: usize,
    pub diff: bool,
    /// The knowledge query asked with `:query` instead of the newest user turn (this user only).
    pub query: Option<String>,
    /// The last `:diff`, shown in its overlay.
    pub compared: Option<Box<Compared>>,
    /// The last knowledge row explained, shown in its overlay.
    pub explained: Option<Box<crate::engine::explain::Explanation>>,
    /// The instant users are loaded as of (`tui --at`, or a moment picked with `[`/`]`);
    /// `None`: now. The view shows it once its load arrives ([`State::shown_at`]).
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// The instant the TUI was opened at (`tui --at T`): `0` returns to it, and from it to now.
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The user being loaded was asked for by `:user` though the list read does not have it:
    /// Layers shows it once it arrives (a user the store does not have leaves the screen as is).
    pub show_on_load: bool,
    /// A replay of the tuned policy held back during a burst of keys stepping a field, and what
    /// it needs from before the first step.
    pub replay_held: Option<HeldReplay>,
}

/// What a replay held back during a burst needs from before its first step: the knowledge
/// search then asked (a change loads the user again) and the item selected then.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldReplay {
    pub knowledge: crate::store::KnowledgeParams,
    pub selected: Option<String>,
}

/// One loaded user (masked under `--redact`), its assemblies and findings (None while counting).
#[derive(Debug, Clone, PartialEq)]
pub struct UserView {
    pub user: Loaded,
    pub baseline: Option<Assembly>,
    pub tuned: Option<Assembly>,
    /// The tuned assembly's margins, made while the Budget screen (which shows them) is open.
    pub margins: Option<crate::engine::Margins>,
    /// Findings under the baseline policy, made with the baseline replay.
    pub findings: Option<Vec<Finding>>,
    /// Tick when loaded, for TTL countdowns.
    pub loaded_tick: u64,
}

impl UserView {
    /// The user's data as shown.
    pub fn data(&self) -> &UserData {
        self.user.data()
    }

    /// The snapshot as shown.
    pub fn snapshot(&self) -> &Snapshot {
        self.user.snapshot()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TuneState {
    pub cursor: usize,
    /// The first item change shown in the replay diff (`PgDn`/`PgUp` scroll it).
    pub diff_scroll: usize,
    /// How many item changes the last frame had room for: a page of them. Set while drawing
    /// (the pane's size is known only then), read by the page keys.
    pub diff_rows: std::cell::Cell<usize>,
    /// The tuned policy as `:w` last wrote it (`None`: never written).
    pub saved: Option<Box<Policy>>,
    /// The tuned policy a `:w` under way writes (becomes `saved` when it is written).
    pub saving: Option<Box<Policy>>,
    /// `r` was pressed over unsaved tuning: a second `r` before this tick resets it.
    pub reset_asked: Option<u64>,
}

/// The Report screen: the fleet summary for the tuned policy against the baseline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportState {
    pub summary: Option<Box<crate::report::Summary>>,
    /// (tuned, baseline) the last run was for, whether it gave a summary or failed: no run
    /// starts again for them until they change or `R` asks (`None`).
    pub computed_for: Option<Box<(Policy, Policy)>>,
    /// (tuned, baseline) the summary shown was computed for.
    pub shown_for: Option<Box<(Policy, Policy)>>,
    /// The run under way (its number) and what it computes.
    pub running: Option<u64>,
    pub running_for: Option<Box<(Policy, Policy)>>,
    /// Runs started so far: a result of an older run is dropped.
    pub runs: u64,
    /// The line under the cursor.
    pub cursor: usize,
    /// Columns scrolled past on the left (`h`/`l`), for tables wider than the screen.
    pub left: usize,
    /// Why the last run failed, shown while there is no summary.
    pub failed: Option<String>,
}

/// The optimizer (`o` on Tune): a search of the fleet for the policy that meets seed 003's
/// targets at the least cost, run on a task; its best so far can be loaded as the tuned policy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptimizeState {
    /// The search under way (its number).
    pub running: Option<u64>,
    /// Whether it was asked to stop (it answers with the best so far).
    pub stopping: bool,
    /// Searches started so far: progress of an older one is dropped.
    pub runs: u64,
    pub progress: Option<Box<crate::optimize::run::Progress>>,
    /// The search before the one under way, while that one has measured nothing: shown again
    /// when the new one is stopped before its first trial.
    pub previous: Option<Box<crate::optimize::run::Progress>>,
    /// The candidate under the cursor (the best first, then the Pareto front).
    pub cursor: usize,
    /// The baseline the search started from.
    pub baseline: Option<Box<Policy>>,
    /// Trials a search makes at most (0: [`crate::optimize::run::TRIALS`]).
    pub trials: usize,
}

pub use crate::store::ProgressEvent;

/// A line of the Live screen: a progress event, or a message on a progress channel that is not
/// one (listed, never dropped: `ctxlens watch` reports it too).
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEntry {
    Event(ProgressEvent),
    Unreadable(Unreadable),
}

impl LiveEntry {
    /// The user whose channel it came on; `None`: a channel that names nobody.
    pub fn user(&self) -> Option<&str> {
        match self {
            LiveEntry::Event(e) => Some(&e.user_id),
            LiveEntry::Unreadable(u) => u.user.as_deref(),
        }
    }
}

/// The live screen: recent events (newest first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveState {
    /// The newest [`MAX_EVENTS`] events, newest first.
    pub events: VecDeque<LiveEntry>,
    /// Events that arrived while paused (the newest [`MAX_EVENTS`]), shown on resume.
    pub held: VecDeque<LiveEntry>,
    /// Every event received since the TUI opened, kept or not.
    pub received: u64,
    /// Events received during this pause, held or not.
    pub held_received: u64,
    /// Where the events come from (the demo's built-in source, a channel, none).
    pub source: String,
    /// Every user's events, not only the open user's.
    pub all: bool,
    pub paused: bool,
    /// The first event shown.
    pub scroll: usize,
    /// `tab` gave the moves to the upper panel (the cached context and the findings).
    pub on_panel: bool,
    /// Why the progress channel is not followed now (until the next event arrives).
    pub trouble: Option<String>,
    /// The store the channel's loss marked down (its name on the status bar), until an event
    /// comes from it again.
    pub channel_store: Option<String>,
    /// The first row of the upper panel shown.
    pub panel_scroll: usize,
    /// What the store's channel names begin with (`--key-prefix`): events are listed by the
    /// channel they came on, `{prefix}progress:{user}`.
    pub key_prefix: String,
}

/// Ticks per second of the app clock.
pub const TICKS_PER_SECOND: u64 = 10;
/// Seconds between store health checks while every store is up.
pub const HEALTH_EVERY: u64 = 5;
/// The longest wait between checks while a store is down.
pub const MAX_BACKOFF: u64 = 8;
/// Events kept on the live screen.
pub const MAX_EVENTS: usize = 200;
/// Seconds a message stays in the status bar (errors twice as long).
pub const MESSAGE_SECONDS: u64 = 6;

impl State {
    /// The state at start-up, before anything is loaded.
    pub fn new(session: Session, source: String, demo: bool, theme: String, redact: bool) -> State {
        State {
            ui: UiState {
                screen: Screen::Users,
                history: Vec::new(),
                overlay: Overlay::None,
                under_quit: Overlay::None,
                tokens: Default::default(),
                input: None,
                palette_history: Vec::new(),
                size: (120, 40),
                keys_pending: String::new(),
                theme,
                redact,
                tick: 0,
                quit: Quit::No,
                farewell: None,
                help_rows: Default::default(),
                burst: false,
                item_rows: Default::default(),
            },
            session,
            status: StatusState {
                stores: if demo {
                    vec![StoreStatus {
                        name: "memory".into(),
                        host: "embedded demo".into(),
                        up: true,
                        last_error: None,
                        latency: None,
                    }]
                } else {
                    Vec::new()
                },
                source,
                demo,
                message: None,
                loading: Loading::default(),
                health: Health::default(),
            },
            users: UsersState {
                rows: Vec::new(),
                next_cursor: None,
                asked: None,
                loaded_all: false,
                filter: String::new(),
                sort: SortKey::Id,
                shown: Vec::new(),
                cursor: 0,
                wanted: None,
                to_end: false,
                at_top: false,
                replacing: false,
                show_tuned: false,
                tuned_for: None,
                stats_at: None,
                failed: None,
            },
            user: UserState::default(),
            tune: TuneState::default(),
            live: LiveState {
                source: if demo {
                    "demo event source".into()
                } else {
                    format!("{} channel", crate::engine::keys::progress_channel("", "*"))
                },
                ..LiveState::default()
            },
            report: ReportState::default(),
            optimize: OptimizeState::default(),
        }
    }

    /// The row under the users cursor.
    pub fn selected_row(&self) -> Option<&UserRow> {
        self.users
            .shown
            .get(self.users.cursor)
            .map(|&i| &self.users.rows[i])
    }

    /// Whether the tuned policy differs from the baseline.
    pub fn modified(&self) -> bool {
        self.session.policy != self.session.baseline
    }

    /// Tuned, and not as `:w` last wrote it: quitting asks first.
    pub fn unsaved(&self) -> bool {
        self.modified() && self.tune.saved.as_deref() != Some(&self.session.policy)
    }

    /// The instant the open user is shown as of; `None`: now (or no user).
    pub fn shown_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let v = self.user.view.as_ref()?;
        v.data().as_of.as_ref().map(|a| a.at)
    }

    /// Columns the header keeps for [`State::as_of_label`] (0 without one).
    pub fn header_reserve(&self) -> u16 {
        self.as_of_label()
            .map_or(0, |l| u16::try_from(l.chars().count()).unwrap_or(u16::MAX))
    }

    /// The instant the screen shows: on Users, the one the list's numbers are counted as of;
    /// elsewhere the open user's. `None`: now.
    pub fn header_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self.ui.screen {
            Screen::Users => self.users.stats_at,
            _ => self.shown_at(),
        }
    }

    /// The header's label while the screen shows an earlier instant: ` AS OF {T} `.
    pub fn as_of_label(&self) -> Option<String> {
        self.header_at()
            .map(|t| format!(" AS OF {} ", crate::engine::snapshot::fmt_ts(&t)))
    }
}
