//! The signals that end the TUI (TERM, HUP, INT, QUIT), caught so the terminal is restored first.

use futures_util::future::select_all;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Handlers for the signals whose default action would leave the terminal raw, on the alternate
/// screen, with mouse reporting on. Once installed, these signals no longer kill the process: the
/// event loop receives them and ends the way `q` does.
pub struct Stops {
    streams: Vec<(i32, Signal)>,
}

impl Stops {
    /// Installs a handler for each of the four signals (one that cannot be installed keeps its
    /// default action).
    pub fn install() -> Stops {
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
            SignalKind::quit(),
        ];
        let streams = kinds
            .into_iter()
            .filter_map(|k| signal(k).ok().map(|s| (k.as_raw_value(), s)))
            .collect();
        Stops { streams }
    }

    /// The number of the next of these signals to arrive.
    pub async fn recv(&mut self) -> i32 {
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
        select_all(next).await.0
    }
}
