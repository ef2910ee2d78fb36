//! `ctxlens watch`: progress events as they arrive, one per line (JSON lines with `--json`).

use std::io::Write;

use futures_util::StreamExt;

use super::output::{DIM, inert_line, io, paint};
use super::{CliError, Ctx};

pub async fn watch(
    ctx: &Ctx,
    out: &mut impl Write,
    user: Option<&str>,
    json: bool,
    count: Option<usize>,
) -> Result<(), CliError> {
    let mut events = ctx.store.subscribe(user).await?;
    let channel = ctx.store.progress_channel(user);
    if !json {
        writeln!(
            out,
            "{}",
            paint(
                DIM,
                &inert_line(&format!(
                    "watching {channel} on {} (ctrl-c stops)",
                    ctx.store.describe()
                ))
            )
        )
        .map_err(io)?;
    }
    let mut seen = 0;
    while let Some(mut ev) = events.next().await {
        // Masked as they arrive, under --redact, like a loaded user.
        if let Some(map) = ctx.shown() {
            match &mut ev {
                Ok(ev) => crate::loaded::mask_event(ev, map),
                Err(bad) => bad.why = crate::engine::redact::mask_quoted(&bad.why),
            }
        }
        // Only events count towards --count: a message that is not one is said on stderr.
        let event = ev.is_ok();
        match ev {
            Ok(ev) if json => {
                writeln!(out, "{}", crate::engine::json::compact(&ev)).map_err(io)?;
            }
            Ok(ev) => writeln!(
                out,
                "{}  {:<10} {} {:>5.1}%",
                inert_line(&ev.timestamp),
                crate::text::shown_id(&ev.user_id),
                inert_line(&ev.milestone),
                ev.progress
            )
            .map_err(io)?,
            Err(e) => eprintln!("ctxlens: {}", inert_line(&e.to_string())),
        }
        out.flush().map_err(io)?;
        seen += usize::from(event);
        if count.is_some_and(|n| seen >= n) {
            return Ok(());
        }
    }
    // A subscription ends only when its connection does (the server went away, or stopped
    // answering the PING it is sent every few seconds).
    Err(CliError::Runtime(format!(
        "{}: {channel}: the subscription ended: the connection was lost, or the server stopped answering",
        ctx.store.progress_source()
    )))
}
