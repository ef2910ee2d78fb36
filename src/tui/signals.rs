//! The signals the TUI catches so the terminal is restored first: those that end it (TERM, HUP,
//! INT, QUIT) and the one that suspends it (TSTP); and the one that continues it (CONT), so it
//! takes the terminal again after a stop it could not catch (STOP).

use futures_util::future::select_all;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// What a caught signal asks of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    /// End the way `q` does; the process then exits with 128 + this signal's number.
    End(i32),
    /// Suspend (SIGTSTP): give the terminal back and stop until continued, as ctrl-z does.
    Suspend,
    /// Continued (SIGCONT): after a stop that could not be caught (SIGSTOP), the shell has had
    /// the terminal (cooked, its lines over the screen): take it again and draw it whole.
    Continued,
}

/// Handlers for the signals whose default action would leave the terminal raw, on the alternate
/// screen, with mouse reporting on. Once installed, these signals no longer end or stop the
/// process: the event loop receives them and ends the way `q` does, or suspends the way ctrl-z
/// does.
pub struct Stops {
    streams: Vec<(i32, Signal)>,
}

impl Stops {
    /// Installs a handler for each of the six signals (one that cannot be installed keeps its
    /// default action).
    pub fn install() -> Stops {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        for n in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            let _ =
                signal_hook::flag::register_usize(n, super::terminal::ENDING.clone(), n as usize);
        }
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
            SignalKind::quit(),
            SignalKind::from_raw(signal_hook::consts::SIGTSTP),
            // Caught or not, SIGCONT continues the process; caught, the loop hears of it.
            SignalKind::from_raw(signal_hook::consts::SIGCONT),
        ];
        let streams = kinds
            .into_iter()
            .filter_map(|k| signal(k).ok().map(|s| (k.as_raw_value(), s)))
            .collect();
        Stops { streams }
    }

    /// No handlers: nothing is ever received (a loop driven by a test).
    #[cfg(test)]
    pub fn none() -> Stops {
        Stops {
            streams: Vec::new(),
        }
    }

    /// What the next of these signals to arrive asks.
    pub async fn recv(&mut self) -> Caught {
        if self.streams.is_empty() {
            return std::future::pending().await;
        }
        let next = self.streams.iter_mut().map(|(n, s)| {
            Box::pin(async move {
                match s.recv().await {
                    Some(()) => *n,
                    // The signal driver is gone (the runtime is shutting down): nothing more comes.
                    None => std::future::pending().await,
                }
            })
        });
        match select_all(next).await.0 {
            signal_hook::consts::SIGTSTP => Caught::Suspend,
            signal_hook::consts::SIGCONT => Caught::Continued,
            n => Caught::End(n),
        }
    }
}

/// How long an ending signal waits for the loop to end the way `q` does before the backstop
/// acts.
const GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// A backstop for a loop that cannot answer (a computation on its thread that does not end): an
/// ending signal (TERM, HUP, INT, QUIT) not acted on within [`GRACE`] gives the terminal back
/// from this thread and exits with 128 + its number. When the loop does answer, the process
/// has exited by then and this thread with it.
pub fn backstop() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
    else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("signal-backstop".into())
        .spawn(move || {
            if let Some(n) = signals.forever().next() {
                std::thread::sleep(GRACE);
                super::terminal::give_back();
                std::process::exit(128 + n);
            }
        });
    // Without the thread, signals are still answered by the loop.
    drop(spawned);
}
