//! `ctxlens watch`: progress events as they arrive, one per line (JSON lines with `--json`).

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use tokio::sync::Notify;

use super::output::{inert_line, io};
use super::{CliError, Ctx};
use crate::store::{BadEvent, ProgressEvent};

/// `ctxlens watch`: the progress channel's events as they arrive, until the subscription ends
/// or `count` events are written.
pub async fn watch(
    ctx: &Ctx,
    out: &mut impl Write,
    user: Option<&str>,
    json: bool,
    count: Option<usize>,
) -> Result<(), CliError> {
    let mut events = ctx.store.subscribe(user).await?;
    let channel = ctx.store.progress_channel(user);
    // On stderr, as a pager's messages are: what is piped on is events alone.
    if !json {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            inert_line(&format!(
                "watching {channel} on {} (ctrl-c stops)",
                ctx.store.describe()
            ))
        );
    }
    // The subscription is read apart from the writing, into a bounded queue: a reader that
    // cannot keep up loses the oldest events (said on stderr), not the process its memory.
    let shared = Arc::new((Mutex::new(Pending::default()), Notify::new()));
    let feed = Arc::clone(&shared);
    let feeder = tokio::spawn(async move {
        while let Some(ev) = events.next().await {
            lock(&feed.0).push(ev);
            feed.1.notify_one();
        }
        lock(&feed.0).ended = true;
        feed.1.notify_one();
    });
    let _stop = AbortOnDrop(feeder);
    let mut seen = 0;
    loop {
        shared.1.notified().await;
        let (batch, dropped, ended) = lock(&shared.0).take();
        if dropped > 0 {
            crate::say!(
                "ctxlens: {} dropped: the output did not keep up (the newest are kept)",
                crate::text::count(dropped, "event", "events")
            );
        }
        for ev in batch {
            // Only events count towards --count: a message that is not one is said on stderr.
            seen += usize::from(write_received(ctx, out, ev, json)?);
            if count.is_some_and(|n| seen >= n) {
                out.flush().map_err(io)?;
                return Ok(());
            }
        }
        out.flush().map_err(io)?;
        if ended {
            break;
        }
    }
    // A subscription ends only when its connection does (the server went away, or stopped
    // answering the PING it is sent every few seconds).
    Err(CliError::Runtime(format!(
        "{}: {channel}: the subscription ended: the connection was lost, or the server stopped answering",
        ctx.store.progress_source()
    )))
}

/// One message of the subscription, masked under --redact: an event written to `out` (a line,
/// or a JSON line with `--json`), or what is wrong with one said on stderr. Whether it was an
/// event.
fn write_received(
    ctx: &Ctx,
    out: &mut impl Write,
    mut ev: Received,
    json: bool,
) -> Result<bool, CliError> {
    // Masked as they arrive, under --redact, like a loaded user.
    if let Some(map) = ctx.shown() {
        match &mut ev {
            Ok(ev) => crate::loaded::mask_event(ev, map),
            Err(bad) => bad.why = crate::engine::redact::mask_quoted(&bad.why),
        }
    }
    let event = ev.is_ok();
    match ev {
        Ok(ev) if json => {
            writeln!(out, "{}", crate::engine::json::compact(&ev)).map_err(io)?;
        }
        Ok(ev) => writeln!(
            out,
            "{}  {} {} {:>5.1}%",
            inert_line(&ev.timestamp),
            // An id or milestone of megabytes shows its start (`--json` has it whole);
            // padded by display width (a wide character takes two columns).
            crate::text::pad(
                &crate::text::fit_middle(&crate::text::shown_id(&ev.user_id), 40),
                10
            ),
            crate::text::fit(&ev.milestone, 40),
            // `-0` is no progress below zero.
            ev.progress + 0.0
        )
        .map_err(io)?,
        // Its channel as the server names it, under the key prefix.
        Err(e) => crate::say!(
            "ctxlens: {}",
            inert_line(&e.message(ctx.store.key_prefix()))
        ),
    }
    Ok(event)
}

fn lock(m: &Mutex<Pending>) -> std::sync::MutexGuard<'_, Pending> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Stops the subscription's reader when the watch ends (an error writing, `--count` reached).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Events received and not written yet are kept up to this many (and this many bytes of
/// text): behind a reader slower than the channel, the oldest are dropped and counted, so a
/// watch never holds more than this, however long the reader lags.
const PENDING_EVENTS: usize = 10_000;
const PENDING_BYTES: usize = 16 << 20;

type Received = Result<ProgressEvent, BadEvent>;

/// What the subscription has delivered and the writer not yet taken.
#[derive(Default)]
struct Pending {
    queue: VecDeque<(Received, usize)>,
    bytes: usize,
    /// Dropped since the writer last took the queue.
    dropped: u64,
    /// The subscription ended (its connection did).
    ended: bool,
}

impl Pending {
    fn push(&mut self, ev: Received) {
        let size = match &ev {
            Ok(ev) => ev.user_id.len() + ev.milestone.len() + ev.timestamp.len(),
            Err(bad) => bad.why.len() + bad.user.as_ref().map_or(0, String::len),
        };
        self.queue.push_back((ev, size));
        self.bytes += size;
        while self.queue.len() > PENDING_EVENTS
            || (self.bytes > PENDING_BYTES && self.queue.len() > 1)
        {
            if let Some((_, size)) = self.queue.pop_front() {
                self.bytes -= size;
                self.dropped += 1;
            }
        }
    }

    /// Everything pending, how many were dropped before it, and whether the stream has ended.
    fn take(&mut self) -> (Vec<Received>, u64, bool) {
        self.bytes = 0;
        let events = self.queue.drain(..).map(|(ev, _)| ev).collect();
        (events, std::mem::take(&mut self.dropped), self.ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize, milestone_len: usize) -> Received {
        Ok(ProgressEvent {
            user_id: format!("u{n}"),
            milestone: "M".repeat(milestone_len),
            progress: 0.0,
            timestamp: String::new(),
        })
    }

    fn users(events: &[Received]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                e.as_ref()
                    .map_or_else(|_| "?".into(), |e| e.user_id.clone())
            })
            .collect()
    }

    #[test]
    fn behind_a_slow_reader_the_oldest_events_are_dropped_and_counted() {
        let mut p = Pending::default();
        for n in 0..PENDING_EVENTS + 3 {
            p.push(event(n, 1));
        }
        let (events, dropped, ended) = p.take();
        assert_eq!((events.len(), dropped, ended), (PENDING_EVENTS, 3, false));
        assert_eq!(users(&events)[0], "u3");
        assert_eq!(users(&events).last().map(String::as_str), Some("u10002"));
        // Taken: the count starts again.
        p.push(event(1, 1));
        assert_eq!(p.take().1, 0);
    }

    #[test]
    fn large_events_are_bounded_by_their_bytes_and_the_newest_is_always_kept() {
        let mut p = Pending::default();
        for n in 0..3 {
            p.push(event(n, PENDING_BYTES / 2));
        }
        let (events, dropped, _) = p.take();
        assert_eq!((users(&events), dropped), (vec!["u2".to_string()], 2));
        // One event larger than the whole bound is still delivered.
        p.push(event(7, PENDING_BYTES * 2));
        let (events, dropped, _) = p.take();
        assert_eq!((users(&events), dropped), (vec!["u7".to_string()], 0));
    }
}
