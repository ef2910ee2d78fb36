//! `ctxlens explain USER ROW`: why a knowledge row was (not) used for a user, one line per gate
//! (search, similarity, milestone, rank, recency, score, budget), the first failed one marked.

use std::io::Write;

use super::output::{BOLD, DIM, GREEN, RED, inert_line, io, paint, preview, write_json};
use super::{CliError, Ctx, Selection};
use crate::engine::explain::Explanation;
use crate::knowledge_row::RowError;

pub async fn explain(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    row: &str,
    sel: &Selection,
    json: bool,
) -> Result<(), CliError> {
    // A snapshot file (a ticket's attachment) explains the hits it holds.
    let file = std::path::Path::new(user);
    let (loaded, entry) = if file.is_file() {
        let loaded = ctx.load_file(file, sel)?;
        let entry = crate::knowledge_row::in_snapshot(&loaded, row);
        (loaded, entry)
    } else {
        let loaded = ctx.load(user, sel).await?;
        let store = ctx.store.as_ref();
        let entry = crate::knowledge_row::find_row(store, &ctx.embedder, &loaded, row).await;
        (loaded, entry)
    };
    let entry = match entry {
        Ok(entry) => entry,
        Err(RowError::Unreadable { id, place, reason }) => {
            return unreadable(out, &loaded, ctx, (&id, &place, &reason), json);
        }
        Err(RowError::Usage(m)) => return Err(CliError::Usage(m)),
        Err(RowError::Runtime(m)) => return Err(CliError::Runtime(m)),
        Err(RowError::Store(e)) => return Err(e.into()),
    };
    if let Some(at) = sel.at {
        // As of then, a row created later was not in the table: no gate to explain.
        let fmt = crate::engine::snapshot::fmt_ts;
        match entry.timestamp {
            Some(t) if t <= at => {}
            created => {
                let when =
                    created.map_or("at no readable time".into(), |t| format!("at {}", fmt(&t)));
                return Err(CliError::Usage(format!(
                    "{} was created {when}, not by --at {}: the knowledge table held no such \
                     row then",
                    entry.id,
                    fmt(&at)
                )));
            }
        }
    }
    let e = loaded.explain_knowledge(&ctx.engine, &ctx.policy, &entry);
    if json {
        return write_json(out, &e);
    }
    let query = loaded
        .snapshot()
        .query
        .as_deref()
        .map_or("none".to_string(), |q| preview(q, 60));
    write_text(out, &e, &query)
}

fn write_text(out: &mut impl Write, e: &Explanation, query: &str) -> Result<(), CliError> {
    let milestone = e.row.milestone.as_deref().unwrap_or("general");
    let at = e.current_milestone.as_deref().unwrap_or("no milestone");
    let head = format!(
        "{} \"{}\" ({milestone}) for {} at {at} · policy {} · query {query}",
        e.row.id, e.row.title, e.user_id, e.policy
    );
    writeln!(out, "{}", paint(BOLD, &inert_line(&head))).map_err(io)?;
    for g in &e.gates {
        let (mark, style) = match g.pass {
            Some(true) => ("✔", GREEN),
            Some(false) => ("✘", RED),
            None => ("·", DIM),
        };
        let first = e.first_failed == Some(g.gate) && g.pass == Some(false);
        let line = format!("{mark} {:<10}  {}", g.gate.as_str(), inert_line(&g.detail));
        if first {
            writeln!(
                out,
                "  {}  {}",
                paint(RED.bold(), &line),
                paint(RED.bold(), "← first failed gate")
            )
        } else {
            writeln!(out, "  {}", paint(style, &line))
        }
        .map_err(io)?;
    }
    let verdict = match e.first_failed {
        None => "in the prompt".to_string(),
        Some(g) => format!("not in the prompt: it fails at {}", g.as_str()),
    };
    writeln!(out, "{}", paint(BOLD, &verdict)).map_err(io)
}

/// A row the search can never return (its embedding cannot be scored, or the row cannot be
/// read): the answer is the search gate, failed, and why.
fn unreadable(
    out: &mut impl Write,
    loaded: &crate::loaded::Loaded,
    ctx: &Ctx,
    (id, source, reason): (&str, &str, &str),
    json: bool,
) -> Result<(), CliError> {
    let snap = loaded.snapshot();
    let detail = format!("never returned: {source} cannot be scored or read: {reason}");
    if json {
        let v = serde_json::json!({
            "user_id": snap.user_id,
            "policy": ctx.policy.name,
            "current_milestone": snap.current_milestone,
            "row": { "id": id },
            "retrieved": false,
            "gates": [{ "gate": "search", "pass": false, "detail": detail }],
            "first_failed": "search",
            "decision": null,
        });
        return write_json(out, &v);
    }
    let at = snap.current_milestone.as_deref().unwrap_or("no milestone");
    let head = format!(
        "{id} (unreadable) for {} at {at} · policy {}",
        snap.user_id, ctx.policy.name
    );
    writeln!(out, "{}", paint(BOLD, &inert_line(&head))).map_err(io)?;
    let line = format!("✘ {:<10}  {}", "search", inert_line(&detail));
    writeln!(
        out,
        "  {}  {}\n\nnot in the prompt: the search skips the row (inspect lists it as malformed)",
        paint(RED.bold(), &line),
        paint(RED.bold(), "← first failed gate")
    )
    .map_err(io)
}
