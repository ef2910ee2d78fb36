//! `ctxlens graph` (text DAG, dot, JSON) and `ctxlens transition`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{BOLD, DIM, inert_line, io, paint, status_label, status_style, write_json};
use super::{CliError, Ctx, GraphFormat};
use crate::engine::milestones::{Status, completed, prepare_transition};
use crate::engine::render::json_lines;
use crate::text::inert;

#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    name: &'a str,
    depends_on: &'a [String],
    layer: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

/// Each milestone's status for `user`, if one is given.
async fn statuses(
    ctx: &Ctx,
    user: Option<&str>,
) -> Result<Option<BTreeMap<String, Status>>, CliError> {
    let Some(user) = user else { return Ok(None) };
    let loaded = ctx.load_default(user).await?;
    let snap = loaded.snapshot();
    let done = completed(snap);
    let map = &ctx.engine.milestones;
    Ok(Some(
        map.statuses(snap.current_milestone.as_deref(), &done)
            .into_iter()
            .map(|(m, s)| (m.to_string(), s))
            .collect(),
    ))
}

pub async fn graph(
    ctx: &Ctx,
    out: &mut impl Write,
    user: Option<&str>,
    format: GraphFormat,
    json: bool,
) -> Result<(), CliError> {
    let st = statuses(ctx, user).await?;
    let map = &ctx.engine.milestones;
    let layers = map.layers();
    let nodes: Vec<Node> = layers
        .iter()
        .enumerate()
        .flat_map(|(li, ids)| ids.iter().map(move |id| (li, *id)))
        .map(|(layer, id)| Node {
            id,
            name: map.name(id),
            depends_on: map.deps(id),
            layer,
            status: st.as_ref().and_then(|s| s.get(id).copied()),
        })
        .collect();
    if json {
        return write_json(
            out,
            &serde_json::json!({ "user_id": user, "milestones": nodes }),
        );
    }
    match format {
        GraphFormat::Dot => write_dot(out, &nodes),
        GraphFormat::Text => {
            let title = user.map_or(String::new(), |u| format!(" for {}", inert_line(u)));
            writeln!(
                out,
                "{}",
                paint(
                    BOLD,
                    &format!("Milestone dependencies{title} ({} layers)", layers.len())
                )
            )
            .map_err(io)?;
            let width = nodes
                .iter()
                .map(|n| n.name.chars().count())
                .max()
                .unwrap_or(0);
            for (li, ids) in layers.iter().enumerate() {
                writeln!(out, "{}", paint(DIM, &format!("layer {li}"))).map_err(io)?;
                for n in nodes.iter().filter(|n| ids.contains(&n.id)) {
                    // Pad outside the colour so a line without dependencies ends on text.
                    let status = n.status.map_or(String::new(), |s| {
                        let label = status_label(s);
                        let pad = if n.depends_on.is_empty() {
                            0
                        } else {
                            10 - label.len()
                        };
                        format!("{}{}", paint(status_style(s), label), " ".repeat(pad))
                    });
                    let deps = if n.depends_on.is_empty() {
                        String::new()
                    } else {
                        paint(DIM, &inert_line(&format!("← {}", n.depends_on.join(", "))))
                    };
                    let (id, name) = (inert_line(n.id), inert_line(n.name));
                    let line = format!("  {id:<4}{name:<width$}  {status}{deps}");
                    writeln!(out, "{}", line.trim_end()).map_err(io)?;
                }
            }
            Ok(())
        }
    }
}

fn write_dot(out: &mut impl Write, nodes: &[Node]) -> Result<(), CliError> {
    let fill = |s: Option<Status>| match s {
        Some(Status::Completed) => "palegreen",
        Some(Status::Current) => "lightskyblue",
        Some(Status::Available) => "khaki",
        Some(Status::Locked) => "lightgrey",
        None => "white",
    };
    writeln!(
        out,
        "digraph milestones {{\n  rankdir=LR;\n  node [shape=box, style=filled];"
    )
    .map_err(io)?;
    for n in nodes {
        let label = format!("{}\\n{}", n.id, n.name.replace('"', "\\\""));
        writeln!(
            out,
            "  \"{}\" [label=\"{label}\", fillcolor={}];",
            n.id,
            fill(n.status)
        )
        .map_err(io)?;
    }
    for n in nodes {
        for d in n.depends_on {
            writeln!(out, "  \"{d}\" -> \"{}\";", n.id).map_err(io)?;
        }
    }
    writeln!(out, "}}").map_err(io)
}

pub async fn transition(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    to: &str,
    json: bool,
) -> Result<(), CliError> {
    let map = &ctx.engine.milestones;
    if !map.contains(to) {
        let ids: Vec<&str> = map.ids().collect();
        return Err(CliError::Usage(format!(
            "--to {to}: unknown milestone (milestones: {})",
            ids.join(", ")
        )));
    }
    let loaded = ctx.load_default(user).await?;
    let preview = prepare_transition(map, loaded.snapshot(), to);
    if json {
        return write_json(out, &preview);
    }
    let from = preview.from.as_deref().unwrap_or("(no journey)");
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &inert_line(&format!(
                "Transition {user}: {from} → {to} ({})",
                map.name(to)
            ))
        )
    )
    .map_err(io)?;
    let deps = map.deps(to);
    let deps = if deps.is_empty() {
        "nothing".into()
    } else {
        deps.join(", ")
    };
    writeln!(out, "depends on: {}", inert_line(&deps)).map_err(io)?;
    for (m, data) in &preview.context {
        let head = inert_line(&format!("{m} {}", map.name(m))).into_owned();
        writeln!(out, "\n{}", paint(BOLD, &head)).map_err(io)?;
        for line in inert(&json_lines(data)).lines() {
            writeln!(out, "  {line}").map_err(io)?;
        }
    }
    if !preview.missing.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint(
                super::output::RED,
                &inert_line(&format!(
                    "missing: {} (not completed)",
                    preview.missing.join(", ")
                ))
            )
        )
        .map_err(io)?;
    }
    Ok(())
}
