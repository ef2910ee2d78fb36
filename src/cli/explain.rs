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
    let (loaded, entry) = if let Some(file) = super::snapshot_file(user) {
        let loaded = ctx.load_file(file, sel)?;
        let entry = crate::knowledge_row::in_snapshot(&loaded, row);
        (loaded, entry)
    } else {
        let loaded = ctx
            .load(user, sel)
            .await
            .map_err(|e| super::not_a_user(user, e))?;
        let store = ctx.store.as_ref();
        let entry = crate::knowledge_row::find_row(store, &ctx.embedder, &loaded, row).await;
        (loaded, entry)
    };
    let e = match entry {
        Ok(entry) => {
            crate::knowledge_row::refuse_later(&entry, sel.at, "--at")
                .map_err(CliError::Runtime)?;
            loaded.explain_knowledge(&ctx.engine, &ctx.policy, &entry)
        }
        // A row the search can never return: the answer is the search gate, failed, and why.
        Err(RowError::Unreadable {
            id,
            place,
            reason,
            known,
        }) => Explanation::unreadable(loaded.snapshot(), &ctx.policy.name, &id, &place, &reason)
            .titled(known),
        Err(RowError::Usage(m)) => return Err(CliError::Usage(m)),
        Err(e @ RowError::NoQuery(..)) => return Err(CliError::Usage(e.to_string())),
        Err(RowError::Runtime(m)) => return Err(CliError::Runtime(m)),
        Err(RowError::Store(e)) => return Err(e.into()),
    };
    // As of an earlier instant (`--at`): said, with what could not be reconstructed.
    let as_of = loaded.as_of();
    if json {
        return write_json(
            out,
            &WithAsOf {
                explanation: &e,
                as_of: as_of.as_ref(),
            },
        );
    }
    let query = loaded
        .snapshot()
        .query
        .as_deref()
        .map_or("none".to_string(), |q| preview(q, 60));
    write_text(out, &e, &query, as_of.as_ref())?;
    match &as_of {
        Some(a) => super::replay::write_as_of_notes(out, a),
        None => Ok(()),
    }
}

/// `explain --json`: the explanation, and with `--at` what the load as of then found out.
#[derive(serde::Serialize)]
struct WithAsOf<'a> {
    #[serde(flatten)]
    explanation: &'a Explanation,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<&'a crate::loaded::AsOfView>,
}

fn write_text(
    out: &mut impl Write,
    e: &Explanation,
    query: &str,
    as_of: Option<&crate::loaded::AsOfView>,
) -> Result<(), CliError> {
    let at = e.current_milestone.as_deref().unwrap_or("no milestone");
    let head = format!(
        "{} for {} at {at} · policy {} · query {query}",
        e.row_heading(),
        e.user_id,
        e.policy
    );
    writeln!(out, "{}", paint(BOLD, &inert_line(&head))).map_err(io)?;
    super::replay::write_as_of_line(out, as_of)?;
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
    writeln!(out, "{}", paint(BOLD, &e.verdict())).map_err(io)
}
