//! The event loop: terminal events, effect results and a clock tick in one `select!`; draws only on change.

use std::io::stdout;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyCode, KeyEventKind,
    KeyModifiers, MouseButton, MouseEventKind,
};
use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::action::{Action, InputKey};
use super::keymap::{KeyName, Keymap, Lookup, key_name};
use super::state::{Screen, Session, State, TICKS_PER_SECOND};
use super::update::{Effect, update};
use crate::engine::{Engine, Policy};
use crate::store::{LoadOptions, Store, load_snapshot};
use crate::ui;
use crate::ui::theme::Theme;

/// Users per page requested from the store.
const PAGE: usize = 200;

/// How the TUI starts.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub theme: Option<String>,
    pub redact: bool,
    /// Draw one frame and exit (for start-up benchmarks).
    pub exit_after_first_frame: bool,
    pub embedder: crate::store::embedder::Embedder,
}

/// How the TUI ended, the terminal restored either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit (or the first frame was drawn, with `exit_after_first_frame`).
    Quit,
    /// This signal (TERM, HUP, INT or QUIT) arrived: the caller exits with 128 + its number.
    Signal(i32),
}

/// Builds the state, takes over the terminal, runs until quit or a signal, and restores the
/// terminal.
pub async fn run_tui(
    store: Arc<dyn Store>,
    engine: Engine,
    policy: Policy,
    demo: bool,
    opts: TuiOptions,
) -> color_eyre::Result<Ended> {
    let (keymap, keymap_error) = load_keymap();
    let (themes, theme_errors) = ui::theme::load_all(
        crate::config::default_path()
            .and_then(|p| p.parent().map(|d| d.join("themes")))
            .as_deref(),
    );
    let theme = opts.theme.clone().unwrap_or_else(|| "default".into());
    let session = Session {
        engine: engine.clone(),
        baseline: policy.clone(),
        policy,
        keymap,
        themes: themes.keys().cloned().collect(),
        ready: [crate::engine::Tokenizer::Chars4].into(),
        warming: Default::default(),
        embedder: opts.embedder.clone(),
    };
    let mut state = State::new(session, store.describe(), demo, theme, opts.redact);
    let problems: Vec<String> = keymap_error.into_iter().chain(theme_errors).collect();
    if !themes.contains_key(&state.ui.theme) {
        state.ui.theme = "default".into();
    }
    if let Some(p) = problems.first() {
        state.status.message = Some(super::state::Message {
            text: p.clone(),
            error: true,
        });
    }

    // Before the terminal is taken over, so that a signal from then on ends the loop instead
    // of the process.
    let mut stops = super::signals::Stops::install();
    let mut terminal = ratatui::init();
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        // Effects run on the runtime's workers: a panic there is caught at the task boundary and
        // shown as that load's error, so the terminal must stay as it is. The UI thread's own
        // panic restores the terminal (ratatui's hook) before it is reported.
        if std::thread::current().id() != ui_thread {
            return;
        }
        let _ = crossterm::execute!(stdout(), DisableMouseCapture);
        previous(info);
    }));
    let _ = crossterm::execute!(stdout(), EnableMouseCapture);
    if let Ok(size) = terminal.size() {
        state.ui.size = (size.width, size.height);
    }
    let result = event_loop(&mut terminal, &mut state, store, &themes, &opts, &mut stops).await;
    // Every way out of the loop, a signal's included, restores the terminal here.
    let _ = crossterm::execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn load_keymap() -> (Keymap, Option<String>) {
    let Some(path) =
        crate::config::default_path().and_then(|p| p.parent().map(|d| d.join("keymap.toml")))
    else {
        return (Keymap::default(), None);
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (Keymap::default(), None);
    };
    match Keymap::default().merge(&text, &path.display().to_string()) {
        Ok(k) => (k, None),
        Err(e) => (Keymap::default(), Some(e)),
    }
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut State,
    store: Arc<dyn Store>,
    themes: &std::collections::BTreeMap<String, Theme>,
    opts: &TuiOptions,
    stops: &mut super::signals::Stops,
) -> color_eyre::Result<Ended> {
    let (tx, mut rx) = unbounded_channel::<Action>();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / TICKS_PER_SECOND));
    let mut pending: Vec<KeyName> = Vec::new();
    let engine = state.session.engine.clone();
    for effect in update(state, Action::Refresh) {
        spawn(effect, &store, &engine, &tx);
    }
    tokio::spawn(follow_progress(store.clone(), tx.clone()));
    let mut dirty = true;
    loop {
        if dirty {
            let theme = themes.get(&state.ui.theme).cloned().unwrap_or_default();
            terminal.draw(|f| ui::render(f, state, &theme))?;
            dirty = false;
            if opts.exit_after_first_frame {
                return Ok(Ended::Quit);
            }
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => map_event(state, &mut pending, ev),
                Some(Err(e)) => Some(Action::Failed("terminal".into(), e.to_string())),
                None => break,
            },
            Some(a) = rx.recv() => Some(a),
            _ = tick.tick() => Some(Action::Tick),
            n = stops.recv() => return Ok(Ended::Signal(n)),
        };
        let Some(action) = action else { continue };
        let tick_only = action == Action::Tick;
        for effect in update(state, action) {
            spawn(effect, &store, &engine, &tx);
        }
        // Ticks redraw only what moves: the spinner, and the Live screen's countdowns.
        dirty = !tick_only
            || (!state.status.loading.is_empty() && state.ui.tick.is_multiple_of(2))
            || (state.ui.screen == Screen::Live && state.ui.tick.is_multiple_of(TICKS_PER_SECOND));
        if state.ui.quit {
            break;
        }
    }
    Ok(Ended::Quit)
}

/// A terminal event as an action: keys through the keymap (or to the input line), mouse, resize.
fn map_event(state: &State, pending: &mut Vec<KeyName>, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
                return Some(Action::Quit);
            }
            if state.ui.input.is_some() {
                return match k.code {
                    KeyCode::Char(c) => Some(Action::Input(InputKey::Char(c))),
                    KeyCode::Backspace => Some(Action::Input(InputKey::Backspace)),
                    KeyCode::Enter => Some(Action::Input(InputKey::Enter)),
                    KeyCode::Esc => Some(Action::Input(InputKey::Esc)),
                    KeyCode::Up => Some(Action::Input(InputKey::Up)),
                    KeyCode::Down => Some(Action::Input(InputKey::Down)),
                    _ => None,
                };
            }
            let name = key_name(&k)?;
            match state.session.keymap.lookup(pending, &name) {
                Lookup::Action(a) => {
                    pending.clear();
                    Some(a)
                }
                Lookup::Pending => {
                    pending.push(name);
                    None
                }
                Lookup::Unbound => {
                    pending.clear();
                    None
                }
            }
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            MouseEventKind::ScrollUp => Some(Action::Scroll(true)),
            MouseEventKind::ScrollDown => Some(Action::Scroll(false)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// Runs `effect` on a task. A panic inside it is caught at the task boundary and reported as
/// that load's failure: the UI stays alive.
fn spawn(effect: Effect, store: &Arc<dyn Store>, engine: &Engine, tx: &UnboundedSender<Action>) {
    let (store, engine, tx) = (store.clone(), engine.clone(), tx.clone());
    let what = effect.task_name();
    tokio::spawn(async move {
        let action = crate::report::catch::future(run_effect(effect, store, engine))
            .await
            .unwrap_or_else(|panic| {
                Action::Failed(
                    what,
                    format!("internal error (a bug in ctxlens, please report it): {panic}"),
                )
            });
        let _ = tx.send(action);
    });
}

/// Runs one effect and returns the action that reports its result.
pub async fn run_effect(effect: Effect, store: Arc<dyn Store>, engine: Engine) -> Action {
    match effect {
        Effect::LoadUsers { cursor } => match store.users(cursor.as_deref(), PAGE).await {
            Ok(page) => Action::UsersLoaded(page),
            Err(e) => Action::StoreFailed("users".into(), e),
        },
        Effect::LoadUser {
            user,
            knowledge,
            embedder,
        } => {
            let opts = LoadOptions {
                embedder,
                ..LoadOptions::default()
            };
            match load_snapshot(store.as_ref(), &user, &opts, knowledge).await {
                Ok((snap, data)) => Action::UserLoaded(Box::new((data, snap))),
                Err(e) => Action::StoreFailed("user".into(), e),
            }
        }
        Effect::ComputeStats {
            users,
            policy,
            embedder,
        } => compute_stats(store, engine, users, *policy, embedder).await,
        Effect::WarmTokenizer(t) => {
            match tokio::task::spawn_blocking(move || engine.tokens.warm(t)).await {
                Ok(()) => Action::TokenizerReady(t),
                Err(e) => Action::Failed(format!("tokenizer {t}"), e.to_string()),
            }
        }
        Effect::LoadPolicy(spec) => match crate::config::load_policy(&spec, &[]) {
            Ok(p) => Action::PolicyLoaded(Box::new(p), spec),
            Err(e) => Action::Failed("policy".into(), e.to_string()),
        },
        Effect::CheckHealth => Action::Health(store.health().await),
        Effect::RunReport {
            id,
            candidate,
            baseline,
            embedder,
            cache,
        } => fleet_report(store, engine, id, (*candidate, *baseline), embedder, cache).await,
        Effect::SavePolicy { path, toml } => match tokio::task::spawn_blocking({
            let path = path.clone();
            move || std::fs::write(&path, toml)
        })
        .await
        {
            Ok(Ok(())) => Action::Saved(path),
            Ok(Err(e)) => Action::Failed("save".into(), format!("{path}: {e}")),
            Err(e) => Action::Failed("save".into(), e.to_string()),
        },
    }
}

/// The sample a TUI report takes of a larger fleet.
const REPORT_SAMPLE: usize = 1_000;

/// The fleet report for the Report screen: every user of a small fleet, else a fixed sample.
async fn fleet_report(
    store: Arc<dyn Store>,
    engine: Engine,
    id: u64,
    (candidate, baseline): (Policy, Policy),
    embedder: crate::store::embedder::Embedder,
    cache: Arc<crate::report::run::SnapshotCache>,
) -> Action {
    use crate::report::source::{Fleet, Pick};
    let all = store
        .user_count()
        .is_some_and(|n| n <= crate::report::run::TUI_ALL_USERS_UP_TO);
    let pick = if all {
        Pick::All
    } else {
        Pick::Sample {
            n: REPORT_SAMPLE,
            seed: 1,
        }
    };
    let plan = crate::report::run::Plan {
        candidate: candidate.clone(),
        baseline: Some(baseline.clone()),
        top: crate::report::DEFAULT_TOP,
        opts: LoadOptions {
            embedder,
            ..LoadOptions::default()
        },
        cache: Some(cache),
    };
    let fleet = Fleet::Store { store, pick };
    let mut quiet = crate::report::run::Quiet;
    let run = crate::report::run::run(
        fleet,
        plan,
        Arc::new(engine),
        &mut quiet,
        std::future::pending(),
    );
    match run.await {
        Ok((tally, mut info)) => {
            if !all {
                info.source = format!("{} (sample of {REPORT_SAMPLE})", info.source);
            }
            Action::ReportReady(
                id,
                Box::new(tally.summary(&candidate, Some(&baseline), info)),
            )
        }
        Err(e) => Action::StoreFailed("report".into(), e),
    }
}

/// Replays each user under `policy` for the users list (loads here, assembly on a blocking thread).
async fn compute_stats(
    store: Arc<dyn Store>,
    engine: Engine,
    users: Vec<String>,
    policy: Policy,
    embedder: crate::store::embedder::Embedder,
) -> Action {
    let params = crate::store::KnowledgeParams::of(&policy);
    let opts = LoadOptions {
        embedder,
        ..LoadOptions::default()
    };
    let mut snaps = Vec::with_capacity(users.len());
    let mut failed = Vec::new();
    for u in &users {
        match load_snapshot(store.as_ref(), u, &opts, params).await {
            Ok((snap, _)) => snaps.push(snap),
            Err(e) => failed.push((u.clone(), Err(e.to_string()))),
        }
    }
    let work = tokio::task::spawn_blocking(move || {
        snaps
            .iter()
            .map(|snap| {
                let a = engine.assemble(snap, &policy);
                let stats = super::state::UserStats {
                    tokens: a.total_tokens,
                    budget: a.budget.total,
                    truncation_rate: a.truncation_rate,
                };
                (snap.user_id.clone(), Ok(stats))
            })
            .chain(failed)
            .collect::<Vec<_>>()
    });
    match work.await {
        Ok(stats) => Action::StatsComputed(stats),
        Err(e) => Action::Failed("stats".into(), e.to_string()),
    }
}

/// Forwards the store's progress events (the demo's built-in source, or `progress:*`) as actions.
async fn follow_progress(store: Arc<dyn Store>, tx: UnboundedSender<Action>) {
    let mut events = match store.subscribe(None).await {
        Ok(e) => e,
        Err(e) => {
            let _ = tx.send(Action::Failed("progress channel".into(), e.to_string()));
            return;
        }
    };
    while let Some(ev) = events.next().await {
        let action = match ev {
            Ok(ev) => Action::Progress(ev),
            Err(e) => Action::Failed("progress channel".into(), e),
        };
        if tx.send(action).is_err() {
            return;
        }
    }
    // The stream ends only when the connection does.
    let _ = tx.send(Action::Failed(
        "progress channel".into(),
        format!(
            "{}: the subscription ended: connection lost",
            store.progress_source()
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{
        EventStream, KnowledgeHits, KnowledgeQuery, MemoryStore, StoreError, UserData, UserPage,
    };

    /// The demo, except that once armed, loading a user panics (a bug on a data path).
    struct PanicsOnLoad(MemoryStore, std::sync::atomic::AtomicBool);

    #[async_trait::async_trait]
    impl Store for PanicsOnLoad {
        fn describe(&self) -> String {
            self.0.describe()
        }
        async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
            self.0.users(cursor, limit).await
        }
        async fn load_user(&self, user: &str, o: &LoadOptions) -> Result<UserData, StoreError> {
            if self.1.load(std::sync::atomic::Ordering::SeqCst) {
                panic!("index out of bounds reading {user}")
            }
            self.0.load_user(user, o).await
        }
        async fn health(&self) -> Vec<crate::store::Health> {
            self.0.health().await
        }
        async fn subscribe(&self, user: Option<&str>) -> Result<EventStream, StoreError> {
            self.0.subscribe(user).await
        }
        async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
            self.0.search_knowledge(q).await
        }
    }

    #[tokio::test]
    async fn a_panic_in_a_load_is_that_loads_error_and_the_app_goes_on() {
        let panicking = Arc::new(PanicsOnLoad(MemoryStore::demo(), false.into()));
        let store: Arc<dyn Store> = panicking.clone();
        let (mut s, store) = crate::app::update::tests::app_over(store, false).await;
        panicking.1.store(true, std::sync::atomic::Ordering::SeqCst);
        let (tx, mut rx) = unbounded_channel();
        for effect in super::super::update(&mut s, Action::Select) {
            spawn(effect, &store, &s.session.engine.clone(), &tx);
        }
        let action = rx.recv().await.expect("the task answers");
        assert!(
            matches!(&action, Action::Failed(what, msg)
                if what == "user" && msg.contains("index out of bounds reading u001")),
            "{action:?}"
        );
        super::super::update(&mut s, action);
        assert_eq!(s.user.loading, None);
        let msg = s.status.message.clone().expect("shown");
        assert!(
            msg.error && msg.text.contains("internal error"),
            "{}",
            msg.text
        );
        // The app goes on: another page of work still runs.
        for effect in super::super::update(&mut s, Action::Refresh) {
            spawn(effect, &store, &s.session.engine.clone(), &tx);
        }
        assert!(rx.recv().await.is_some());
    }
}
