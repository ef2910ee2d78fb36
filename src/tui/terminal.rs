//! The terminal: taken over and given back (also around a suspension, and before a panic on the
//! UI thread is reported), and its clipboard.

use std::io::stdout;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyCode, KeyEventKind, KeyModifiers,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::app::Task;
use crate::app::action::Action;

/// Gives the terminal back before a panic on the calling (UI) thread is reported. Effects run on
/// the runtime's workers: a panic there is caught at the task boundary and shown as that load's
/// error, so the terminal stays as it is.
pub(super) fn give_back_on_panic() {
    on_panic_here(give_back);
}

/// Runs `restore` when a panic on the calling thread is reported, before the report (so it is
/// printed on the terminal given back). A panic on another thread is not printed: it would
/// write over the screen, and its task reports it.
fn on_panic_here(restore: impl Fn() + Send + Sync + 'static) {
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != ui_thread {
            return;
        }
        restore();
        previous(info);
    }));
}

/// Takes the terminal over: raw mode, the alternate screen, mouse reporting and bracketed paste
/// (a paste arrives as one event, never as keys).
pub(super) fn take_over() -> std::io::Result<()> {
    *given_back() = false;
    enable_raw_mode()?;
    crossterm::execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// The ending signal (TERM, HUP, INT, QUIT) that has arrived, 0 while none has: set by the
/// handler itself (`signals::Stops::install`), so it is seen where the loop cannot hear the
/// signal — stopped in a suspension and continued in the background (`kill %1` sends TERM,
/// then CONT).
pub(super) static ENDING: std::sync::LazyLock<std::sync::Arc<std::sync::atomic::AtomicUsize>> =
    std::sync::LazyLock::new(Default::default);

/// The ending signal that has arrived, if one has.
pub(super) fn ending() -> Option<i32> {
    let n = ENDING.load(std::sync::atomic::Ordering::SeqCst);
    i32::try_from(n).ok().filter(|&n| n != 0)
}

/// Whether the terminal has been given back since it was last taken: given back twice (ending
/// while suspended), the second would leave the alternate screen the shell is not on, which
/// moves its cursor to where the TUI's was saved. Held while the terminal is given back, so a
/// second caller (the signal backstop's thread) waits until the first has finished rather than
/// exit halfway through it.
static GIVEN_BACK: std::sync::Mutex<bool> = std::sync::Mutex::new(true);

fn given_back() -> std::sync::MutexGuard<'static, bool> {
    GIVEN_BACK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Gives the terminal back as it was found: raw mode off, the main screen, no mouse reporting or
/// bracketed paste, the cursor shown. Every step is tried (after a hangup the terminal may be
/// gone: nothing here fails or panics). Once only until it is taken again; its mode is left to
/// the shell when the TUI is not its foreground job (setting it there would stop the process:
/// SIGTTOU).
pub(super) fn give_back() {
    let mut given = given_back();
    if *given {
        return;
    }
    if foreground() {
        let _ = disable_raw_mode();
    }
    let _ = crossterm::execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    *given = true;
}

/// ctrl-z or SIGTSTP: the terminal given back as on exit and the process stopped, as a shell's
/// job control expects; once continued (`fg`), the terminal taken over again and drawn whole.
/// Answers with the terminal's size now (it may have changed meanwhile), or why it failed;
/// `None` when an ending signal came while it was stopped (`kill %1`): the terminal stays the
/// shell's, and the TUI ends.
pub(super) fn suspend<B: Backend>(terminal: &mut Terminal<B>) -> Option<Action>
where
    B::Error: Send + Sync + 'static,
{
    give_back();
    // SIGSTOP cannot be caught: the process stops here until it is continued (and again while
    // it is continued in the background, `bg`: the terminal is then the shell's).
    let stopped = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    if stopped.is_ok() {
        stop_until_foreground();
    }
    if ending().is_some() {
        return None;
    }
    // Taken again whether or not it stopped: the loop never draws on the shell's screen.
    let resumed = resume(terminal);
    Some(match stopped {
        Ok(()) => resumed,
        Err(e) => Action::Failed(Task::Terminal, e.to_string().into()),
    })
}

/// Continued (SIGCONT): in the background (`kill -CONT` without `fg`, after a stop the TUI could
/// not catch) the terminal is the shell's, so the TUI gives back its screen, mouse reporting and
/// cursor — the shell would be left under them — and stops again until it is brought to the
/// foreground, as any reader of a terminal it does not own stops; then, when it gave the
/// terminal back or the shell left it cooked, it takes it again.
pub(super) fn continued<B: Backend>(terminal: &mut Terminal<B>) -> Option<Action>
where
    B::Error: Send + Sync + 'static,
{
    let away = !foreground();
    if away {
        give_back();
    }
    stop_until_foreground();
    if ending().is_some() {
        return None;
    }
    (away || made_cooked()).then(|| resume(terminal))
}

/// Stopped again each time it is continued while not the shell's foreground job, unless an
/// ending signal came meanwhile: the loop then ends.
fn stop_until_foreground() {
    while !foreground() && ending().is_none() {
        if signal_hook::low_level::raise(signal_hook::consts::SIGSTOP).is_err() {
            break;
        }
    }
}

/// Whether this process's group owns the terminal (is the shell's foreground job). `true` when
/// it cannot be told.
fn foreground() -> bool {
    use std::os::fd::AsRawFd;
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return true;
    };
    // SAFETY: `tcgetpgrp` reads the terminal's foreground group of a descriptor open here
    // (`tty` lives to the end of the function); `getpgrp` cannot fail.
    let (owner, own) = unsafe { (libc::tcgetpgrp(tty.as_raw_fd()), libc::getpgrp()) };
    owner < 0 || owner == own
}

/// Whether the terminal reads lines (cooked) although the TUI set it raw: the shell took it
/// over during a stop the TUI could not catch. `false` when it cannot be told.
fn made_cooked() -> bool {
    use std::os::fd::AsRawFd;
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return false;
    };
    // SAFETY: `termios` is plain C data, for which all bits zero is a valid value.
    let mut mode: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: the descriptor is open (`tty` lives to the end of the function) and `mode` is a
    // valid, writable `termios`.
    let read = unsafe { libc::tcgetattr(tty.as_raw_fd(), &mut mode) };
    read == 0 && mode.c_lflag & libc::ICANON != 0
}

/// Continued: the terminal taken over again — raw mode set anew from the mode the shell left
/// (after a stop the TUI could not catch, SIGSTOP, the shell made it cooked behind its back) —
/// and drawn whole, the screen having been the shell's meanwhile. Answers with the terminal's
/// size now, or why it failed.
pub(super) fn resume<B: Backend>(terminal: &mut Terminal<B>) -> Action
where
    B::Error: Send + Sync + 'static,
{
    // Raw mode is only set when it is believed off: off first, so it is set again for real.
    let _ = disable_raw_mode();
    let mut resumed = || -> color_eyre::Result<Action> {
        take_over()?;
        // Cleared (a resize clears), and the next frame drawn in full.
        let size = terminal.size()?;
        terminal.resize(size.into())?;
        Ok(Action::Resize(size.width, size.height))
    };
    resumed().unwrap_or_else(|e| Action::Failed(Task::Terminal, e.to_string().into()))
}

/// ctrl-z, whatever is open (as ctrl-c quits whatever is open).
pub(super) fn is_suspend_key(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind != KeyEventKind::Release
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL))
}

/// Puts `text` on the terminal's clipboard with OSC 52 (the terminal, or tmux, passes it to the
/// system clipboard). `text` was made inert by `update`; base64 carries nothing else.
pub(super) fn clipboard(text: &str) {
    use std::io::Write as _;
    let mut out = stdout();
    let _ = write!(out, "{}", super::clipboard::osc52(text));
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_panic_on_the_ui_thread_gives_the_terminal_back_before_it_is_reported() {
        let restored = Arc::new(AtomicUsize::new(0));
        let seen = restored.clone();
        super::on_panic_here(move || {
            seen.fetch_add(1, Ordering::SeqCst);
        });
        // Another thread's panic (a task's, caught at its boundary) leaves the terminal as is.
        let other = std::thread::spawn(|| panic!("a worker fell over")).join();
        assert!(other.is_err());
        assert_eq!(restored.load(Ordering::SeqCst), 0);
        let here = std::panic::catch_unwind(|| panic!("the UI fell over"));
        // The process's own hook again, so other tests' panics are printed.
        drop(std::panic::take_hook());
        assert!(here.is_err());
        assert_eq!(restored.load(Ordering::SeqCst), 1);
    }
}
