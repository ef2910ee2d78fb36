//! The TUI's loop: the terminal taken over and restored (also on signals and panics, and around
//! a suspension: ctrl-z, SIGTSTP), terminal events, effect results, signals and a clock tick in
//! one `select!`; draws only on change.

mod clipboard;
pub mod effects;
#[cfg(test)]
mod input_key_tests;
mod look;
mod newest_first;
mod signals;
mod terminal;

use std::io::stdout;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{
    Event, EventStream, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use futures_util::{FutureExt, Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::action::{Action, InputKey};
use crate::app::keymap::{KeyName, Lookup, key_name};
use crate::app::state::{Overlay, Quit, Screen, Session, State, TICKS_PER_SECOND};
use crate::app::update::{Effect, update};
use crate::app::{Task, TaskError};
use crate::engine::{Engine, Policy};
use crate::store::Store;
use crate::ui;
use crate::ui::theme::Theme;
use effects::EffectContext;
pub use look::Look;
use signals::Caught;
use terminal::{
    clipboard, continued, give_back, give_back_on_panic, is_suspend_key, suspend, take_over,
};

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
    /// The keys and themes, loaded and checked ([`Look::load`]).
    pub look: Look,
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
    let Look { keymap, themes } = opts.look.clone();
    let session = Session {
        engine: engine.clone(),
        baseline: policy.clone(),
        policy,
        keymap,
        themes: themes.keys().cloned().collect(),
        ready: [crate::engine::Tokenizer::Chars4].into(),
        warming: Default::default(),
        policy_asked: None,
    };
    let mut state = start_state(store.as_ref(), session, demo, &opts);

    // Before the terminal is taken over, so that a signal from then on ends the loop instead
    // of the process.
    let mut stops = signals::Stops::install();
    signals::backstop();
    give_back_on_panic();
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
    // Whether more terminal events are in, read now: so a burst of keys is taken in together
    // before the next frame. The terminal is read level-triggered (crossterm's `use-dev-tty`:
    // its edge-triggered reader leaves what a burst over 1 KiB holds unread until the next key),
    // and that reader looks at the terminal only when given time: a tenth of a millisecond,
    // false while crossterm's own reader thread holds it.
    let waiting = || crossterm::event::poll(Duration::from_micros(100)).unwrap_or(false);
    let result = event_loop(
        &mut terminal,
        &mut state,
        ctx,
        &themes,
        &opts,
        &mut stops,
        (events, waiting),
    )
    .await;
    // Every way out of the loop, a signal's included, restores the terminal here.
    give_back();
    if let Some(said) = &state.ui.farewell {
        crate::say!("ctxlens: {}", crate::text::inert_line(said));
    }
    // Stopped by a signal, the question `q` asks was never asked: what is lost is said.
    if matches!(result, Ok(Ended::Signal(_)))
        && let Some(lost) = crate::app::tune::lost_tuning(&state)
    {
        crate::say!("ctxlens: {}", crate::text::inert_line(&lost));
    }
    result
}

/// The state at start-up over `store`: named as the store names itself, its events' channels
/// under its key prefix, users opened and counted as of `opts.at`.
fn start_state(store: &dyn Store, session: Session, demo: bool, opts: &TuiOptions) -> State {
    let theme = opts.theme.clone().unwrap_or_else(|| "default".into());
    let mut state = State::new(session, store.describe(), demo, theme, opts.redact);
    state.user.at = opts.at;
    state.user.opened_at = opts.at;
    // The users list is counted as of the same instant.
    state.users.stats_at = opts.at;
    state.live.key_prefix = store.key_prefix().to_string();
    if store.describe() == crate::store::snapshots::LABEL {
        state.live.source = "no event source (snapshot files)".into();
    } else if !demo {
        state.live.source = format!("{} channel", store.progress_channel(None));
    }
    state
}

/// The most task messages taken in between two frames, and for how long at most.
const BATCH_MAX: usize = 4096;
const BATCH_TIME: Duration = Duration::from_millis(30);

/// Runs until quit or a signal: `events` are the terminal's (a stream, so tests can type), with
/// whether more of them are in already (then they are taken in before the next frame).
async fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    mut ctx: EffectContext,
    themes: &std::collections::BTreeMap<String, Theme>,
    opts: &TuiOptions,
    stops: &mut signals::Stops,
    (mut events, waiting): (
        impl Stream<Item = std::io::Result<Event>> + Unpin,
        impl Fn() -> bool,
    ),
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
        // An ending signal that came while stopped (`kill %1` sends TERM, then CONT) ends it
        // in the background, before anything is drawn on the shell's screen — whichever way
        // the suspension came (a key in a burst, a signal).
        if let Some(n) = terminal::ending() {
            return Ok(Ended::Signal(n));
        }
        if dirty {
            draw(terminal, state, themes)?;
            dirty = false;
            if opts.exit_after_first_frame {
                return Ok(Ended::Quit);
            }
        }
        if let Some(effects) = start_up.take() {
            start(effects, &mut ctx, &tx);
        }
        let mut typing = false;
        let action = tokio::select! {
            // A signal first: continued after a stop, nothing is drawn before the terminal is
            // taken again (a tick missed while stopped, a finished load, would draw in cooked
            // mode over the shell's lines).
            biased;
            caught = stops.recv() => match caught {
                Caught::End(n) => return Ok(Ended::Signal(n)),
                Caught::Suspend => {
                    pending.clear();
                    suspend(terminal)
                }
                // After ctrl-z or SIGTSTP the suspension took the terminal again itself: only a
                // stop the TUI could not catch (SIGSTOP) left it cooked.
                Caught::Continued => continued(terminal),
            },
            ev = events.next() => match ev {
                Some(ev) => {
                    typing = is_typing(&ev);
                    on_event(terminal, state, &mut pending, ev)
                }
                None => break,
            },
            Some(a) = rx.recv() => Some(a),
            _ = tick.tick() => Some(Action::Tick),
        };
        if let Some(n) = terminal::ending() {
            return Ok(Ended::Signal(n));
        }
        dirty |= show_pending(state, &pending);
        let Some(action) = action else { continue };
        let mut tick_only = action == Action::Tick;
        let said = said(state);
        apply(terminal, state, action, &mut ctx, &tx);
        let input = (&mut events, &waiting);
        if take_burst(terminal, state, &mut pending, input, &mut ctx, &tx, typing) {
            tick_only = false;
        }
        if take_in(state, &mut rx, &mut ctx, &tx, BATCH_TIME) > 0 {
            tick_only = false;
        }
        dirty = !tick_only || tick_shows(state, said);
        if state.ui.quit == Quit::Now {
            break;
        }
    }
    Ok(Ended::Quit)
}

/// Draws a frame of `state` in its theme (of `themes`).
fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &State,
    themes: &std::collections::BTreeMap<String, Theme>,
) -> color_eyre::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let theme = themes.get(&state.ui.theme).cloned().unwrap_or_default();
    terminal.draw(|f| ui::render(f, state, &theme))?;
    Ok(())
}

/// The start-up work begun (after the first frame): its effects, and following the progress
/// channel.
fn start(effects: Vec<Effect>, ctx: &mut EffectContext, tx: &UnboundedSender<Action>) {
    for effect in effects {
        spawn(effect, ctx, tx);
    }
    tokio::spawn(follow_caught(ctx.store.clone(), tx.clone()));
}

/// Keys typed (or pasted) faster than frames are drawn — a burst, keys held down — are taken in
/// together after a key (`typing`), then drawn once: one frame per key would take seconds to
/// catch up. `events` and `waiting` as [`event_loop`] has them. Whether any of them acted.
fn take_burst<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    pending: &mut Vec<KeyName>,
    (events, waiting): (
        &mut (impl Stream<Item = std::io::Result<Event>> + Unpin),
        &impl Fn() -> bool,
    ),
    ctx: &mut EffectContext,
    tx: &UnboundedSender<Action>,
    mut typing: bool,
) -> bool
where
    B::Error: Send + Sync + 'static,
{
    let mut acted = false;
    let start = std::time::Instant::now();
    // A field stepped again and again in the burst is replayed once, after it.
    state.ui.burst = true;
    while typing
        && state.ui.quit != Quit::Now
        && terminal::ending().is_none()
        && start.elapsed() <= BATCH_TIME
        && waiting()
        && let Some(Some(ev)) = events.next().now_or_never()
    {
        typing = is_typing(&ev);
        let action = on_event(terminal, state, pending, ev);
        // Drawn after the batch (a key acted on before this one makes it a frame anyway).
        show_pending(state, pending);
        if let Some(action) = action {
            acted = true;
            apply(terminal, state, action, ctx, tx);
        }
    }
    state.ui.burst = false;
    if state.user.replay_held.is_some() {
        apply(terminal, state, Action::BurstEnded, ctx, tx);
    }
    acted
}

/// The status message on screen (by when it goes), to tell whether a tick took it away.
fn said(state: &State) -> Option<u64> {
    state.status.message.as_ref().map(|m| m.until)
}

/// Whether a tick changed what shows, so a frame is drawn: the spinner, the Live screen's
/// countdowns, and a status message (`said` before the tick) that has expired — not drawn,
/// it would stay until something else is.
fn tick_shows(state: &State, said_before: Option<u64>) -> bool {
    (!state.status.loading.is_empty() && state.ui.tick.is_multiple_of(2))
        || (state.ui.screen == Screen::Live && state.ui.tick.is_multiple_of(TICKS_PER_SECOND))
        || said(state) != said_before
}

/// Whether `ev` may be followed by more taken in before the next frame: a key or a paste. A
/// click or a resize is drawn first (where a click lands is where the last frame put things).
fn is_typing(ev: &std::io::Result<Event>) -> bool {
    matches!(ev, Ok(Event::Key(_) | Event::Paste(_)))
}

/// A terminal event as the action it asks for, if any: a suspension is done here.
fn on_event<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &State,
    pending: &mut Vec<KeyName>,
    ev: std::io::Result<Event>,
) -> Option<Action>
where
    B::Error: Send + Sync + 'static,
{
    match ev {
        // Ended while stopped (`None`): the loop ends on the signal.
        Ok(ev) if is_suspend_key(&ev) => {
            pending.clear();
            suspend(terminal)
        }
        Ok(ev) => map_event(state, pending, ev),
        Err(e) => Some(Action::Failed(Task::Terminal, e.to_string().into())),
    }
}

/// The keys of a sequence typed so far show until it ends (or is given up): whether that changed.
fn show_pending(state: &mut State, pending: &[KeyName]) -> bool {
    let typed = pending.join(" ");
    let changed = typed != state.ui.keys_pending;
    if changed {
        update(state, Action::KeysPending(typed));
    }
    changed
}

/// `action` applied, its effects started.
fn apply<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    action: Action,
    ctx: &mut EffectContext,
    tx: &UnboundedSender<Action>,
) {
    // After a resize the whole screen is drawn again, not only what changed: a terminal
    // (or a multiplexer) may drop output sent while it resized, and a frame drawn only as
    // the difference from one it never showed would leave a dialog unseen.
    // (`resize`, not `clear`: the latter asks the terminal where its cursor is, an answer
    // the event reader would take.)
    // A terminal that cannot say its size now is drawn as it was (the next frame retries).
    if matches!(action, Action::Resize(..))
        && let Ok(size) = terminal.size()
    {
        let _ = terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    }
    for effect in update(state, action) {
        spawn(effect, ctx, tx);
    }
}

/// What the tasks sent meanwhile, taken in before the next frame — not one frame per message:
/// a busy progress channel (thousands of events a second) is kept up with, so Live never shows
/// a backlog minutes old as new. At most [`BATCH_MAX`] messages and `time`, so keys are still
/// read. How many were taken.
fn take_in(
    state: &mut State,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>,
    ctx: &mut EffectContext,
    tx: &UnboundedSender<Action>,
    time: Duration,
) -> usize {
    let start = std::time::Instant::now();
    let mut n = 0;
    while n < BATCH_MAX && state.ui.quit != Quit::Now && start.elapsed() <= time {
        let Ok(action) = rx.try_recv() else { break };
        n += 1;
        for effect in update(state, action) {
            spawn(effect, ctx, tx);
        }
    }
    n
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
                // Asked whether to save the tuning: discard or cancel answer it; saving asks
                // for a file, which needs the room to draw.
                if state.ui.overlay == Overlay::ConfirmQuit {
                    use crate::app::update::{QuitAnswer, quit_answer};
                    return input_key(&k)
                        .filter(|key| quit_answer(key).is_some_and(|a| a != QuitAnswer::Save))
                        .map(Action::Input);
                }
                let quits = [Lookup::Action(Action::Quit), Lookup::Action(Action::Close)];
                return quits
                    .contains(&state.session.keymap.lookup(&[], &key_name(&k)?))
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
    let (failed, ctx, tx) = (effect.failure(), ctx.clone(), tx.clone());
    tokio::spawn(async move {
        let action = crate::report::catch::future(effects::run(effect, ctx))
            .await
            .unwrap_or_else(|panic| {
                let why = format!("internal error (a bug in ctxlens, please report it): {panic}");
                failed(TaskError::Other(why))
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
mod tests;
