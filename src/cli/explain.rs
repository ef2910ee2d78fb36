//! `ctxlens explain USER ROW`: why a knowledge row was (not) used for a user, one line per gate
//! (search, similarity, milestone, rank, recency, score, budget), the first failed one marked.

use std::io::Write;

use super::output::{BOLD, DIM, GREEN, RED, inert_line, io, paint, preview, write_json};
use super::{CliError, Ctx, Selection};
use crate::engine::explain::Explanation;
use crate::engine::snapshot::KnowledgeEntry;
use crate::loaded::Loaded;

/// How many title matches are listed when a text names several rows.
const MATCHES_SHOWN: usize = 20;

pub async fn explain(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    row: &str,
    sel: &Selection,
    json: bool,
) -> Result<(), CliError> {
    let loaded = ctx.load(user, sel).await?;
    let entry = find_row(ctx, &loaded, row).await?;
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

/// The row `arg` names (`kn:12`, `12`, or text in its title), scored exactly against the
/// user's query: the store's one-row cosine, or for a snapshot file the hit it holds.
async fn find_row(ctx: &Ctx, loaded: &Loaded, arg: &str) -> Result<KnowledgeEntry, CliError> {
    let snap = loaded.snapshot();
    let id = arg.strip_prefix("kn:").unwrap_or(arg).parse::<i64>().ok();
    if ctx.store.fixed_snapshot(&snap.user_id).is_some() {
        // A snapshot file holds the hits it was written with, and nothing to score others by.
        let want = arg.to_lowercase();
        let hits: Vec<&KnowledgeEntry> = snap
            .knowledge
            .iter()
            .filter(|h| match id {
                Some(n) => h.id == format!("kn:{n}"),
                None => h.title.to_lowercase().contains(&want),
            })
            .collect();
        return match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(CliError::Usage(format!(
                "knowledge row {arg:?} is not among the snapshot's {} hits (a snapshot file \
                 cannot score other rows)",
                snap.knowledge.len()
            ))),
            many => Err(several(
                arg,
                many.iter().map(|h| (h.id.clone(), h.title.clone())),
            )),
        };
    }
    let id = match id {
        Some(n) => n,
        None => by_title(ctx, arg).await?,
    };
    let query = loaded.query_to_embed().ok_or_else(|| {
        CliError::Usage(format!(
            "{} has no query to score knowledge against (no user turn): give --query TEXT",
            snap.user_id
        ))
    })?;
    let embedding = ctx
        .embedder
        .embed(query, ctx.store.embedding_dim())
        .await
        .map_err(|e| CliError::Runtime(format!("query embedding: {e}")))?;
    match ctx.store.knowledge_row(id, &embedding).await? {
        Some(Ok(entry)) => Ok(entry),
        Some(Err(m)) => Err(CliError::Runtime(format!(
            "{}: {}",
            m.source,
            inert_line(&m.reason)
        ))),
        None => Err(CliError::Usage(format!(
            "no knowledge row kn:{id} in {}",
            ctx.store.describe()
        ))),
    }
}

/// The one row whose title contains `text` (or equals it, among several).
async fn by_title(ctx: &Ctx, text: &str) -> Result<i64, CliError> {
    let found = ctx.store.find_knowledge(text, MATCHES_SHOWN + 1).await?;
    let exact: Vec<&(i64, String)> = found
        .iter()
        .filter(|(_, t)| t.eq_ignore_ascii_case(text))
        .collect();
    match (found.as_slice(), exact.as_slice()) {
        ([(id, _)], _) | (_, [(id, _)]) => Ok(*id),
        ([], _) => Err(CliError::Usage(format!(
            "no knowledge row's title contains {:?} in {}",
            inert_line(text),
            ctx.store.describe()
        ))),
        (many, _) => Err(several(
            text,
            many.iter().map(|(id, t)| (format!("kn:{id}"), t.clone())),
        )),
    }
}

fn several(arg: &str, rows: impl Iterator<Item = (String, String)>) -> CliError {
    let listed: Vec<String> = rows
        .take(MATCHES_SHOWN)
        .map(|(id, t)| format!("  {id}  {}", inert_line(&t)))
        .collect();
    CliError::Usage(format!(
        "{:?} names several knowledge rows; give one id:\n{}",
        inert_line(arg),
        listed.join("\n")
    ))
}

fn write_text(out: &mut impl Write, e: &Explanation, query: &str) -> Result<(), CliError> {
    let milestone = e.row.milestone.as_deref().unwrap_or("general");
    let at = e.current_milestone.as_deref().unwrap_or("no milestone");
    let head = format!(
        "{} {:?} ({milestone}) for {} at {at} · policy {} · query {query}",
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
