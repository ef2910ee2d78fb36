//! The TUI's loop: the terminal taken over and restored (also on signals and panics, and around
//! a suspension: ctrl-z, SIGTSTP), terminal events, effect results, signals and a clock tick in
//! one `select!`; draws only on change.

pub mod effects;
mod signals;

use std::io::stdout;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::action::{Action, InputKey};
use crate::app::keymap::{KeyName, Keymap, Lookup, key_name};
use crate::app::state::{Overlay, Quit, Screen, Session, State, TICKS_PER_SECOND};
use crate::app::update::{Effect, update};
use crate::app::{Task, TaskError};
use crate::engine::{Engine, Policy};
use crate::store::Store;
use crate::ui;
use crate::ui::theme::Theme;
use effects::EffectContext;
use signals::Caught;

/// How the TUI starts.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub theme: Option<String>,
    pub redact: bool,
    /// Draw one frame and exit (for start-up benchmarks).
    pub exit_after_first_frame: bool,
    pub embedder: crate::store::embedder::Embedder,
    /// Open users as of this instant (`tui --at`); `None`: now.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
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
    };
    let mut state = State::new(session, store.describe(), demo, theme, opts.redact);
    state.user.at = opts.at;
    // The users list is counted as of the same instant.
    state.users.stats_at = opts.at;
    if store.describe() == crate::store::snapshots::LABEL {
        state.live.source = "no event source (snapshot files)".into();
    }
    let problems: Vec<String> = keymap_error.into_iter().chain(theme_errors).collect();
    if !themes.contains_key(&state.ui.theme) {
        state.ui.theme = "default".into();
    }
    if let Some(p) = problems.first() {
        state.status.message = Some(crate::app::state::Message {
            text: p.clone(),
            error: true,
            until: 2 * crate::app::state::MESSAGE_SECONDS * TICKS_PER_SECOND,
        });
    }

    // Before the terminal is taken over, so that a signal from then on ends the loop instead
    // of the process.
    let mut stops = signals::Stops::install();
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        // Effects run on the runtime's workers: a panic there is caught at the task boundary and
        // shown as that load's error, so the terminal must stay as it is. The UI thread's own
        // panic restores the terminal before it is reported.
        if std::thread::current().id() != ui_thread {
            return;
        }
        give_back();
        previous(info);
    }));
    let taken = take_over().and_then(|()| Terminal::new(CrosstermBackend::new(stdout())));
    let mut terminal = match taken {
        Ok(t) => t,
        Err(e) => {
            give_back();
            return Err(e.into());
        }
    };
    if let Ok(size) = terminal.size() {
        state.ui.size = (size.width, size.height);
    }
    let ctx = EffectContext::new(store, engine, opts.embedder.clone());
    let events = EventStream::new();
    let result = event_loop(
        &mut terminal,
        &mut state,
        ctx,
        &themes,
        &opts,
        &mut stops,
        events,
    )
    .await;
    // Every way out of the loop, a signal's included, restores the terminal here.
    give_back();
    result
}

/// Takes the terminal over: raw mode, the alternate screen, mouse reporting and bracketed paste
/// (a paste arrives as one event, never as keys).
fn take_over() -> std::io::Result<()> {
    enable_raw_mode()?;
    crossterm::execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Gives the terminal back as it was found: raw mode off, the main screen, no mouse reporting or
/// bracketed paste, the cursor shown. Every step is tried (after a hangup the terminal may be
/// gone: nothing here fails or panics).
fn give_back() {
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// ctrl-z or SIGTSTP: the terminal given back as on exit and the process stopped, as a shell's
/// job control expects; once continued (`fg`), the terminal taken over again and drawn whole.
/// Answers with the terminal's size now (it may have changed meanwhile), or why it failed.
fn suspend<B: Backend>(terminal: &mut Terminal<B>) -> Action
where
    B::Error: Send + Sync + 'static,
{
    give_back();
    // SIGSTOP cannot be caught: the process stops here until it is continued.
    let stopped = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    let resumed = || -> color_eyre::Result<Action> {
        take_over()?;
        // The screen was the shell's meanwhile: cleared, and the next frame drawn in full.
        let size = terminal.size()?;
        terminal.resize(size.into())?;
        stopped?;
        Ok(Action::Resize(size.width, size.height))
    };
    resumed().unwrap_or_else(|e| Action::Failed(Task::Terminal, e.to_string().into()))
}

/// ctrl-z, whatever is open (as ctrl-c quits whatever is open).
fn is_suspend_key(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind != KeyEventKind::Release
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL))
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

/// Runs until quit or a signal: `events` are the terminal's (a stream, so tests can type).
async fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    mut ctx: EffectContext,
    themes: &std::collections::BTreeMap<String, Theme>,
    opts: &TuiOptions,
    stops: &mut signals::Stops,
    mut events: impl Stream<Item = std::io::Result<Event>> + Unpin,
) -> color_eyre::Result<Ended>
where
    B::Error: Send + Sync + 'static,
{
    // However the loop ends, optimizer searches stop: each runs on a blocking thread that the
    // runtime would otherwise wait for before the process can exit.
    let _searches = ctx.stop_searches_on_drop();
    let (tx, mut rx) = unbounded_channel::<Action>();
    ctx.actions = Some(tx.clone());
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / TICKS_PER_SECOND));
    let mut pending: Vec<KeyName> = Vec::new();
    // The first frame is drawn before the start-up work (loading users, the tokenizer's
    // vocabulary) runs: on 2 cores it would otherwise compete with the draw.
    let mut start_up = Some(update(state, Action::Refresh));
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
        if let Some(effects) = start_up.take() {
            for effect in effects {
                spawn(effect, &mut ctx, &tx);
            }
            tokio::spawn(follow_caught(ctx.store.clone(), tx.clone()));
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) if is_suspend_key(&ev) => {
                    pending.clear();
                    Some(suspend(terminal))
                }
                Some(Ok(ev)) => map_event(state, &mut pending, ev),
                Some(Err(e)) => Some(Action::Failed(Task::Terminal, e.to_string().into())),
                None => break,
            },
            Some(a) = rx.recv() => Some(a),
            _ = tick.tick() => Some(Action::Tick),
            caught = stops.recv() => match caught {
                Caught::End(n) => return Ok(Ended::Signal(n)),
                Caught::Suspend => {
                    pending.clear();
                    Some(suspend(terminal))
                }
            },
        };
        let Some(action) = action else { continue };
        let tick_only = action == Action::Tick;
        for effect in update(state, action) {
            spawn(effect, &mut ctx, &tx);
        }
        // Ticks redraw only what moves: the spinner, and the Live screen's countdowns.
        dirty = !tick_only
            || (!state.status.loading.is_empty() && state.ui.tick.is_multiple_of(2))
            || (state.ui.screen == Screen::Live && state.ui.tick.is_multiple_of(TICKS_PER_SECOND));
        if state.ui.quit == Quit::Now {
            break;
        }
    }
    Ok(Ended::Quit)
}

/// Whether the screen is smaller than ctxlens draws in (it then shows only how much it needs).
fn too_small((w, h): (u16, u16)) -> bool {
    w < crate::app::layout::MIN_SIZE.0 || h < crate::app::layout::MIN_SIZE.1
}

/// A terminal event as an action: keys through the keymap (or to the input line), mouse, resize,
/// a paste.
fn map_event(state: &State, pending: &mut Vec<KeyName>, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
                return Some(Action::Quit);
            }
            // While the terminal is too small to draw in, only quitting acts: nothing
            // changes out of sight.
            if too_small(state.ui.size) {
                pending.clear();
                let quit = Lookup::Action(Action::Quit);
                return (state.session.keymap.lookup(&[], &key_name(&k)?) == quit)
                    .then_some(Action::Quit);
            }
            if state.ui.input.is_some() || state.ui.overlay == Overlay::ConfirmQuit {
                return input_key(&k).map(Action::Input);
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
        // Pasted text is typed into the open input line, never read as keys.
        Event::Paste(text) => {
            pending.clear();
            Some(Action::Paste(text))
        }
        _ => None,
    }
}

/// A key for the line editor: readline's keys (ctrl-a/e/u/w/k, alt-b/f) and the named ones.
fn input_key(k: &crossterm::event::KeyEvent) -> Option<InputKey> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    Some(match k.code {
        KeyCode::Char('a') if ctrl => InputKey::Home,
        KeyCode::Char('e') if ctrl => InputKey::End,
        KeyCode::Char('u') if ctrl => InputKey::DeleteToStart,
        KeyCode::Char('w') if ctrl => InputKey::DeleteWord,
        KeyCode::Char('k') if ctrl => InputKey::DeleteToEnd,
        KeyCode::Char('h') if ctrl => InputKey::Backspace,
        KeyCode::Char('b') if ctrl => InputKey::Left,
        KeyCode::Char('f') if ctrl => InputKey::Right,
        KeyCode::Char('b') if alt => InputKey::WordLeft,
        KeyCode::Char('f') if alt => InputKey::WordRight,
        KeyCode::Char(_) if ctrl || alt => return None,
        KeyCode::Char(c) => InputKey::Char(c),
        KeyCode::Backspace if alt || ctrl => InputKey::DeleteWord,
        KeyCode::Backspace => InputKey::Backspace,
        KeyCode::Delete => InputKey::Delete,
        KeyCode::Left if ctrl || alt => InputKey::WordLeft,
        KeyCode::Right if ctrl || alt => InputKey::WordRight,
        KeyCode::Left => InputKey::Left,
        KeyCode::Right => InputKey::Right,
        KeyCode::Home => InputKey::Home,
        KeyCode::End => InputKey::End,
        KeyCode::Tab => InputKey::Tab,
        KeyCode::Enter => InputKey::Enter,
        KeyCode::Esc => InputKey::Esc,
        KeyCode::Up => InputKey::Up,
        KeyCode::Down => InputKey::Down,
        _ => return None,
    })
}

/// Puts `text` on the terminal's clipboard with OSC 52 (the terminal, or tmux, passes it to the
/// system clipboard). `text` was made inert by `update`; base64 carries nothing else.
fn clipboard(text: &str) {
    use base64::Engine as _;
    use std::io::Write as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// Runs `effect` on a task. A panic inside it is caught at the task boundary and reported as
/// that task's failure: the UI stays alive.
fn spawn(effect: Effect, ctx: &mut EffectContext, tx: &UnboundedSender<Action>) {
    match effect {
        Effect::ForgetSnapshots => {
            ctx.snapshots = Arc::default();
            return;
        }
        Effect::StopOptimize(id) => return ctx.stop_optimizer(id),
        Effect::Clipboard(text) => return clipboard(&text),
        _ => {}
    }
    let (task, ctx, tx) = (effect.task(), ctx.clone(), tx.clone());
    tokio::spawn(async move {
        let action = crate::report::catch::future(effects::run(effect, ctx))
            .await
            .unwrap_or_else(|panic| {
                let why = format!("internal error (a bug in ctxlens, please report it): {panic}");
                Action::Failed(task, TaskError::Other(why))
            });
        let _ = tx.send(action);
    });
}

/// Follows the progress channel for the whole session; a panic in it ends the feed with that
/// error on the Live screen, like a panic in any other task, and the app goes on.
async fn follow_caught(store: Arc<dyn Store>, tx: UnboundedSender<Action>) {
    if let Err(panic) =
        crate::report::catch::future(effects::keep_following(store, tx.clone())).await
    {
        let why = format!("internal error (a bug in ctxlens, please report it): {panic}");
        let _ = tx.send(Action::Failed(Task::Progress, TaskError::Other(why)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{
        EventStream, KnowledgeHits, KnowledgeQuery, LoadOptions, MemoryStore, StoreError, UserData,
        UserPage,
    };

    /// What a fake progress channel answers each subscription with.
    type Subscribe = Box<dyn Fn() -> Result<EventStream, StoreError> + Send + Sync>;

    /// The demo with what a test changes of it: loading a user panics once armed (a bug on a data
    /// path), asking how many users there are is told (what a search asks first, once it holds
    /// its stop signal), and the progress channel answers as `subscribe` says.
    #[derive(Default)]
    struct Fake {
        panics_on_load: std::sync::atomic::AtomicBool,
        counted: Option<Arc<tokio::sync::Notify>>,
        subscribe: Option<Subscribe>,
    }

    /// [`Fake`] over the demo.
    struct FakeDemo(MemoryStore, Fake);

    #[async_trait::async_trait]
    impl Store for FakeDemo {
        fn describe(&self) -> String {
            self.0.describe()
        }
        fn user_count(&self) -> Option<usize> {
            if let Some(n) = &self.1.counted {
                n.notify_one();
            }
            self.0.user_count()
        }
        async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
            self.0.users(cursor, limit).await
        }
        async fn load_user(&self, user: &str, o: &LoadOptions) -> Result<UserData, StoreError> {
            if self
                .1
                .panics_on_load
                .load(std::sync::atomic::Ordering::SeqCst)
            {
                panic!("index out of bounds reading {user}")
            }
            self.0.load_user(user, o).await
        }
        async fn health(&self) -> Vec<crate::store::Health> {
            self.0.health().await
        }
        async fn subscribe(&self, user: Option<&str>) -> Result<EventStream, StoreError> {
            match &self.1.subscribe {
                Some(answer) => answer(),
                None => self.0.subscribe(user).await,
            }
        }
        async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
            self.0.search_knowledge(q).await
        }
    }

    fn fake(f: Fake) -> Arc<FakeDemo> {
        Arc::new(FakeDemo(MemoryStore::demo(), f))
    }

    #[tokio::test]
    async fn a_panic_in_a_load_is_that_loads_error_and_the_app_goes_on() {
        let panicking = fake(Fake::default());
        let store: Arc<dyn Store> = panicking.clone();
        let (mut s, store) = crate::app::update::tests::app_over(store, false).await;
        panicking
            .1
            .panics_on_load
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let (tx, mut rx) = unbounded_channel();
        let mut ctx = store;
        for effect in update(&mut s, Action::Select) {
            spawn(effect, &mut ctx, &tx);
        }
        let action = rx.recv().await.expect("the task answers");
        assert!(
            matches!(&action, Action::Failed(Task::User, TaskError::Other(msg))
                if msg.contains("index out of bounds reading u001")),
            "{action:?}"
        );
        update(&mut s, action);
        assert_eq!(s.user.loading, None);
        let msg = s.status.message.clone().expect("shown");
        assert!(
            msg.error && msg.text.contains("internal error"),
            "{}",
            msg.text
        );
        // The app goes on: another page of work still runs.
        for effect in update(&mut s, Action::Refresh) {
            spawn(effect, &mut ctx, &tx);
        }
        assert!(rx.recv().await.is_some());
    }

    #[tokio::test]
    async fn a_panic_following_progress_is_the_feeds_error_and_the_app_goes_on() {
        let store: Arc<dyn Store> = fake(Fake {
            subscribe: Some(Box::new(|| panic!("progress decoder fell over"))),
            ..Fake::default()
        });
        let (mut s, _) = crate::app::update::tests::app_over(store.clone(), false).await;
        let (tx, mut rx) = unbounded_channel();
        follow_caught(store, tx).await;
        let action = rx.recv().await.expect("the follower answers");
        assert!(
            matches!(&action, Action::Failed(Task::Progress, TaskError::Other(msg))
                if msg.contains("progress decoder fell over")),
            "{action:?}"
        );
        update(&mut s, action);
        let msg = s.status.message.clone().expect("shown");
        assert!(
            msg.error && msg.text.contains("internal error"),
            "{}",
            msg.text
        );
    }

    #[tokio::test]
    async fn while_too_small_to_draw_only_quitting_acts() {
        let (mut s, _) = crate::app::update::tests::demo_app().await;
        let mut pending = vec![];
        update(&mut s, Action::Resize(60, 20));
        for c in ['j', '2', ':', '/', 'R'] {
            assert_eq!(
                map_event(&s, &mut pending, press(c, KeyModifiers::NONE)),
                None
            );
        }
        assert_eq!(
            map_event(&s, &mut pending, press('q', KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        update(&mut s, Action::Resize(80, 24));
        assert_eq!(
            map_event(&s, &mut pending, press('2', KeyModifiers::NONE)),
            Some(Action::ShowLayers)
        );
    }

    fn press(c: char, modifiers: KeyModifiers) -> Event {
        Event::Key(crossterm::event::KeyEvent::new(KeyCode::Char(c), modifiers))
    }

    #[tokio::test]
    async fn a_paste_is_one_paste_action_whatever_is_open_and_ctrl_z_suspends() {
        let (mut s, _) = crate::app::update::tests::demo_app().await;
        let text = "user u005\nq";
        for palette in [false, true] {
            if palette {
                update(&mut s, Action::Palette);
            }
            // Half of `g g` typed before it.
            let mut pending = vec![KeyName::from("g")];
            assert_eq!(
                map_event(&s, &mut pending, Event::Paste(text.into())),
                Some(Action::Paste(text.into())),
                "palette open: {palette}"
            );
            assert!(pending.is_empty(), "a paste ends a key sequence");
        }
        // ctrl-z is looked for before the keymap and the input line: it suspends from anywhere.
        assert!(is_suspend_key(&press('z', KeyModifiers::CONTROL)));
        assert!(!is_suspend_key(&press('z', KeyModifiers::NONE)));
        assert!(!is_suspend_key(&Event::Paste("\u{1a}".into())));
    }

    /// `q` while the optimizer runs: the loop ends and so does the search, which would otherwise
    /// go on on its blocking thread (the process could not exit until it was done).
    #[tokio::test]
    async fn quitting_during_a_search_stops_it() {
        let counted = Arc::new(tokio::sync::Notify::new());
        let store = fake(Fake {
            counted: Some(counted.clone()),
            ..Fake::default()
        });
        let (mut s, ctx) = crate::app::update::tests::app_over(store, false).await;
        // Unstopped, a search of this many trials would run for hours.
        s.optimize.trials = 1_000_000;
        s.ui.size = (120, 40);
        let stop = ctx.optimizer_stop.clone();
        let mut terminal =
            Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("a test terminal");
        let (keys, mut typed) = unbounded_channel();
        let events = futures_util::stream::poll_fn(move |cx| typed.poll_recv(cx));
        let mut stops = signals::Stops::none();
        let (themes, opts) = (Default::default(), TuiOptions::default());
        let run = event_loop(
            &mut terminal,
            &mut s,
            ctx,
            &themes,
            &opts,
            &mut stops,
            events,
        );
        let drive = async {
            // Tune, and the optimizer on it.
            for c in ['5', 'o'] {
                keys.send(Ok(press(c, KeyModifiers::NONE))).expect("typed");
            }
            counted.notified().await;
            keys.send(Ok(press('q', KeyModifiers::NONE)))
                .expect("typed");
        };
        let (ended, ()) = tokio::join!(run, drive);
        assert_eq!(ended.expect("the loop ends"), Ended::Quit);
        assert_eq!(
            s.optimize.running,
            Some(1),
            "it was running when q was pressed"
        );
        // Every search has let go of its stop signal: it ended. (A bound, should it not.)
        let ended = tokio::time::timeout(Duration::from_secs(300), stop.closed()).await;
        if ended.is_err() {
            // Stopped here, so that the failure is reported instead of the runtime waiting.
            stop.send_replace(u64::MAX);
        }
        assert!(ended.is_ok(), "the search was stopped when the loop ended");
    }

    fn channel(subscribe: Subscribe) -> Arc<dyn Store> {
        fake(Fake {
            subscribe: Some(subscribe),
            ..Fake::default()
        })
    }

    /// A progress event of `u001` at `milestone`.
    fn event(milestone: &str) -> Result<crate::store::ProgressEvent, String> {
        let json = format!(
            r#"{{"milestone":"{milestone}","progress":0.5,"timestamp":"2025-01-15T12:00:00Z"}}"#
        );
        crate::store::parse_progress("u001", json.as_bytes())
    }

    #[tokio::test]
    async fn an_unreadable_progress_message_is_listed_on_live_naming_its_channel() {
        // A message that is not JSON, then an event; then the channel ends.
        let store = channel(Box::new(|| {
            let bad = crate::store::parse_progress("u001", b"hello \x1b[2J");
            Ok(Box::pin(futures_util::stream::iter([bad, event("M2")])))
        }));
        let (mut s, _) = crate::app::update::tests::app_over(store.clone(), false).await;
        let (tx, mut rx) = unbounded_channel();
        assert_eq!(
            effects::follow_progress(store, tx).await,
            effects::Followed::Lost,
            "a stream that ends is a connection lost"
        );
        while let Ok(action) = rx.try_recv() {
            update(&mut s, action);
        }
        let entries: Vec<_> = s.live.events.iter().collect();
        assert_eq!(entries.len(), 2, "{entries:?}");
        match entries[1] {
            crate::app::state::LiveEntry::Unreadable(u) => {
                assert_eq!(u.user, "u001");
                assert!(u.why.starts_with("payload is not JSON"), "{u:?}");
            }
            other => panic!("the unreadable message first: {other:?}"),
        }
        assert!(
            matches!(entries[0], crate::app::state::LiveEntry::Event(e) if e.milestone == "M2")
        );
    }

    /// Live resumes by itself: after the outage the channel is subscribed again (with backoff;
    /// the test's clock is paused, so the waits pass at once).
    #[tokio::test(start_paused = true)]
    async fn the_progress_channel_is_followed_again_when_the_store_is_back() {
        // Away for the first three subscriptions (an outage), then one event, and it stays open.
        let away = std::sync::atomic::AtomicUsize::new(3);
        let store = channel(Box::new(move || {
            use std::sync::atomic::Ordering::SeqCst;
            if away
                .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                return Err(StoreError::Unavailable {
                    store: "redis 127.0.0.1:1".into(),
                    what: "subscribe".into(),
                    cause: "connection refused".into(),
                });
            }
            let events = futures_util::stream::iter([event("M3")]);
            Ok(Box::pin(events.chain(futures_util::stream::pending())))
        }));
        let (tx, mut rx) = unbounded_channel();
        let task = tokio::spawn(effects::keep_following(store, tx));
        let mut failures = 0;
        loop {
            match rx.recv().await.expect("the follower answers") {
                Action::Failed(Task::Progress, _) => failures += 1,
                Action::Progress(ev) => {
                    assert_eq!(ev.milestone, "M3");
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(failures, 3, "each failed subscription said so");
        task.abort();
    }

    /// A store without a progress channel is said once, not retried.
    #[tokio::test(start_paused = true)]
    async fn a_store_without_a_channel_is_not_subscribed_again() {
        let store = channel(Box::new(|| {
            Err(StoreError::Backend {
                store: "postgres".into(),
                what: "progress channel".into(),
                cause: "no Redis configured (--redis-url)".into(),
            })
        }));
        let (tx, mut rx) = unbounded_channel();
        effects::keep_following(store, tx).await;
        assert!(matches!(
            rx.recv().await,
            Some(Action::Failed(Task::Progress, _))
        ));
        assert!(
            rx.recv().await.is_none(),
            "said once, then the follower ended"
        );
    }
}
