//! `ctxlens graph` (text DAG, dot, JSON) and `ctxlens transition`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{BOLD, DIM, inert_line, io, paint, status_label, status_style, write_json};
use super::{CliError, Ctx, GraphFormat};
use crate::engine::keys;
use crate::engine::milestones::{
    MilestoneMap, Status, TransitionPreview, completed, prepare_transition,
};
use crate::engine::render::json_lines;
use crate::graph::{Canvas, Frame, Geometry, Graph, Label, MIN_BOX_W, Role};
use crate::text::{inert, shown_id};
use crate::ui::theme::status_symbol;

#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    name: &'a str,
    depends_on: &'a [String],
    layer: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

/// A user's place on the graph: their current milestone (as shown: masked under `--redact`
/// when the map does not know it) and each milestone's status.
struct Place {
    /// As of `--at`'s instant: the milestone then and what could not be told of the journey.
    as_of: Option<crate::loaded::AsOfView>,
    /// The user as the data names them (a snapshot file's user, not its path).
    user_id: String,
    current: Option<String>,
    statuses: BTreeMap<String, Status>,
}

/// Where `user` is on the graph, if one is given.
async fn place(
    ctx: &Ctx,
    user: Option<&str>,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Option<Place>, CliError> {
    let Some(user) = user else { return Ok(None) };
    let loaded = ctx.load_journey(user, at).await?;
    unread_rows(&loaded, user);
    let as_of = journey_then(&loaded);
    let snap = loaded.snapshot();
    let done = completed(snap);
    let map = &ctx.engine.milestones;
    Ok(Some(Place {
        as_of,
        user_id: snap.user_id.clone(),
        current: snap.current_milestone.clone(),
        statuses: map
            .statuses(snap.current_milestone.as_deref(), &done)
            .into_iter()
            .map(|(m, s)| (m.to_string(), s))
            .collect(),
    }))
}

/// As of an earlier instant (`--at`): the milestone then and what cannot be told of the
/// journey then (rows with no creation time, left out; the milestone derived, not read), the
/// notes of the journey only — not those of sessions, caches or knowledge, which neither
/// command shows. The notes are said on stderr too, as `replay --at` says them, so JSON stays JSON.
fn journey_then(loaded: &crate::loaded::Loaded) -> Option<crate::loaded::AsOfView> {
    let mut view = loaded.as_of()?;
    let journey = |source: &str| {
        !(source.starts_with("knowledge")
            || source.contains(keys::SESSION_WORD)
            || source.contains(keys::CONTEXT_WORD))
    };
    view.notes.retain(|n| journey(&n.source));
    for n in loaded
        .snapshot()
        .notes
        .iter()
        .filter(|n| journey(&n.source))
    {
        crate::say!(
            "ctxlens: note: {}: {}",
            crate::text::inert_line(&n.source),
            crate::text::inert_line(&n.message)
        );
    }
    Some(view)
}

/// The JSON object `value` with the `as_of` of an instant, if one is asked (as `replay --json`
/// carries it).
fn with_as_of(
    mut value: serde_json::Value,
    as_of: Option<&crate::loaded::AsOfView>,
) -> serde_json::Value {
    if let (Some(a), Some(fields)) = (as_of, value.as_object_mut()) {
        fields.insert("as_of".into(), serde_json::json!(a));
    }
    value
}

/// Journey rows of the user that could not be read are said (on stderr, so JSON stays JSON):
/// statuses and what a transition carries are of the rows read, and a milestone whose row is
/// unreadable would otherwise read as never completed without a word.
fn unread_rows(loaded: &crate::loaded::Loaded, user: &str) {
    let rows = loaded
        .snapshot()
        .malformed
        .iter()
        .filter(|m| {
            m.id.as_deref().is_some_and(|id| id.starts_with("mb:"))
                || m.source.starts_with("memory_bank")
        })
        .count() as u64;
    if rows > 0 {
        let user = shown_id(user);
        crate::say!(
            "ctxlens: warning: {} of {user} could not be read (inspect {user} names them): \
             what follows is of the rows read",
            crate::text::count(rows, "journey row", "journey rows"),
        );
    }
}

pub async fn graph(
    ctx: &Ctx,
    out: &mut impl Write,
    user: Option<&str>,
    at: Option<chrono::DateTime<chrono::Utc>>,
    format: GraphFormat,
    json: bool,
) -> Result<(), CliError> {
    let place = place(ctx, user, at).await?;
    let st = place.as_ref().map(|p| &p.statuses);
    let current = place.as_ref().and_then(|p| p.current.as_deref());
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
            status: st.and_then(|s| s.get(id).copied()),
        })
        .collect();
    let as_of = place.as_ref().and_then(|p| p.as_of.as_ref());
    if json {
        let value = serde_json::json!({
            "user_id": place.as_ref().map(|p| &p.user_id),
            "current_milestone": current,
            "milestones": nodes,
        });
        return write_json(out, &with_as_of(value, as_of));
    }
    match format {
        GraphFormat::Dot => write_dot(out, &nodes),
        GraphFormat::Text => {
            super::replay::write_as_of_line(out, as_of)?;
            write_text(out, map, place.as_ref().map(|p| p.user_id.as_str()), st)?;
            // A user whose milestone the map does not know has no current box: said, as
            // `inspect` says it.
            match (user, current) {
                (Some(_), Some(m)) if !map.contains(m) => writeln!(
                    out,
                    "\nthe user's milestone {} is not in the map: no box is current",
                    inert_line(m)
                )
                .map_err(io),
                (Some(_), None) => {
                    writeln!(out, "\nthe user has no journey row: no box is current").map_err(io)
                }
                _ => Ok(()),
            }
        }
    }
}

/// The width `ctxlens graph` draws for: the terminal's (`COLUMNS` when set), else 120 columns.
fn width() -> u16 {
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout())
        .then(|| crossterm::terminal::size().ok().map(|(w, _)| w))
        .flatten();
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .or(terminal)
        .filter(|w| *w >= 40)
        .unwrap_or(120)
}

/// The graph as the TUI's Journey screen draws it (same layout, names on their own lines), a
/// legend, and every milestone's full dependency list.
fn write_text(
    out: &mut impl Write,
    map: &MilestoneMap,
    user: Option<&str>,
    st: Option<&BTreeMap<String, Status>>,
) -> Result<(), CliError> {
    let g = Graph::new(
        map,
        Geometry {
            box_w: MIN_BOX_W,
            name_lines: 2,
            row_gap: 1,
        },
    );
    let g = g.clone().with_geometry(g.fit(width(), 2)).or_narrowest();
    let status = |id: &str| st.and_then(|m| m.get(id).copied());
    let labels: Vec<Label> = g
        .ids()
        .iter()
        .map(|id| Label {
            // Ids as every listing shows them: two that differ never read alike.
            head: match status(id) {
                Some(s) => format!("{} {}", status_symbol(s), shown_id(id)),
                None => shown_id(id).into_owned(),
            },
            name: if map.name(id) == id {
                String::new()
            } else {
                map.name(id).to_string()
            },
            frame: if status(id) == Some(Status::Current) {
                Frame::Double
            } else {
                Frame::Plain
            },
        })
        .collect();
    let title = user.map_or(String::new(), |u| format!(" for {}", inert_line(u)));
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "Milestone dependencies{title} ({}, {}; an edge implied by a longer path is not drawn)",
                crate::text::count(g.ids().len() as u64, "milestone", "milestones"),
                crate::text::count(g.layer_count() as u64, "layer", "layers")
            )
        )
    )
    .map_err(io)?;
    let ids = g.ids();
    if let Some(why) = g.why_undrawn() {
        super::output::write_dim_line(
            out,
            &format!(
                "too large to draw: {why} (--format dot draws it with Graphviz); the \
                 milestones and their dependencies follow"
            ),
        )?;
    } else {
        write_canvas(out, &g.draw(&labels, &[]), ids, &status)?;
    }
    write_legend_and_deps(out, map, ids, st.is_some())
}

/// The drawn graph, one line per canvas row, each box in its status's style, edges dim.
fn write_canvas(
    out: &mut impl Write,
    canvas: &Canvas,
    ids: &[String],
    status: &dyn Fn(&str) -> Option<Status>,
) -> Result<(), CliError> {
    for y in 0..canvas.height {
        let mut line = String::new();
        let mut run = String::new();
        let mut run_style: Option<anstyle::Style> = None;
        for x in 0..canvas.width {
            let Some(c) = canvas.get(x, y) else { continue };
            let style = match c.role {
                Role::Skip => continue,
                Role::Blank => anstyle::Style::new(),
                Role::Edge { .. } => DIM,
                Role::Border(n) | Role::Text(n) => {
                    status(&ids[n]).map_or(anstyle::Style::new(), status_style)
                }
            };
            if run_style != Some(style) {
                if let Some(prev) = run_style {
                    line.push_str(&paint(prev, &run));
                }
                run.clear();
                run_style = Some(style);
            }
            run.push(c.ch);
            run.extend(c.mark);
        }
        if let Some(prev) = run_style {
            line.push_str(&paint(prev, run.trim_end()));
        }
        writeln!(out, "{}", line.trim_end()).map_err(io)?;
    }
    Ok(())
}

/// The status legend (when statuses are shown), then every milestone's dependencies in full.
fn write_legend_and_deps(
    out: &mut impl Write,
    map: &MilestoneMap,
    ids: &[String],
    legend: bool,
) -> Result<(), CliError> {
    if legend {
        let legend: Vec<String> = [
            Status::Completed,
            Status::Current,
            Status::Available,
            Status::Locked,
        ]
        .into_iter()
        .map(|s| {
            paint(
                status_style(s),
                &format!("{} {}", status_symbol(s), status_label(s)),
            )
        })
        .collect();
        writeln!(out, "{}  (double box: current)", legend.join("  ")).map_err(io)?;
    }
    writeln!(out, "\n{}", paint(BOLD, "Depends on (all)")).map_err(io)?;
    let id_w = ids
        .iter()
        .map(|i| shown_id(i).chars().count())
        .max()
        .unwrap_or(2);
    for id in ids {
        let deps = map.deps(id);
        let deps = if deps.is_empty() {
            "—".to_string()
        } else {
            let shown: Vec<_> = deps.iter().map(|d| shown_id(d)).collect();
            shown.join(", ")
        };
        let name = inert_line(map.name(id));
        let line = format!("  {:<id_w$}  ← {deps}", shown_id(id));
        writeln!(out, "{line}  {}", paint(DIM, &format!("({name})"))).map_err(io)?;
    }
    Ok(())
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
        let (id, name) = (dot_id(n.id), dot_str(n.name));
        writeln!(
            out,
            "  \"{id}\" [label=\"{id}\\n{name}\", fillcolor={}];",
            fill(n.status)
        )
        .map_err(io)?;
    }
    for n in nodes {
        for d in n.depends_on {
            writeln!(out, "  \"{}\" -> \"{}\";", dot_id(d), dot_id(n.id)).map_err(io)?;
        }
    }
    writeln!(out, "}}").map_err(io)
}

/// Text inside a DOT quoted string: made inert (a label is for people, and the output may be a
/// terminal), then `\` and `"` escaped so an id or a name cannot end the string.
fn dot_str(text: &str) -> String {
    inert_line(text).replace('\\', "\\\\").replace('"', "\\\"")
}

/// A milestone id as a DOT node: as listings show ids ([`shown_id`]: two ids that differ never
/// read alike, so never one node), then escaped as [`dot_str`] does.
fn dot_id(id: &str) -> String {
    shown_id(id).replace('\\', "\\\\").replace('"', "\\\"")
}

/// The columns of a carried value's line `transition` shows.
const CARRIED_LINE_SHOWN: usize = 2_000;

/// `ctxlens transition USER --to M`: what the move to `to` would carry and what it misses.
pub async fn transition(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    at: Option<chrono::DateTime<chrono::Utc>>,
    to: &str,
    json: bool,
) -> Result<(), CliError> {
    let map = &ctx.engine.milestones;
    if !map.contains(to) {
        let ids: Vec<&str> = map.ids().collect();
        return Err(CliError::Usage(format!(
            "--to {}: unknown milestone (milestones: {})",
            crate::text::quoted(to),
            ids.join(", ")
        )));
    }
    let loaded = ctx.load_journey(user, at).await?;
    unread_rows(&loaded, user);
    let as_of = journey_then(&loaded);
    let preview = prepare_transition(map, loaded.snapshot(), to);
    if json {
        return write_json(out, &with_as_of(serde_json::json!(preview), as_of.as_ref()));
    }
    super::replay::write_as_of_line(out, as_of.as_ref())?;
    write_transition_head(out, map, &preview, to)?;
    write_carried(out, map, &preview.context)?;
    write_missing(out, &preview.missing)
}

/// The transition's title, what `to` depends on, and a note when it is not a step forward.
fn write_transition_head(
    out: &mut impl Write,
    map: &MilestoneMap,
    preview: &TransitionPreview,
    to: &str,
) -> Result<(), CliError> {
    let from = preview.from.as_deref().unwrap_or("(no journey)");
    writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &inert_line(&format!(
                "Transition {}: {from} → {to} ({})",
                shown_id(&preview.user_id),
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
    if let Some(note) = preview.from.as_deref().and_then(|f| map.not_forward(f, to)) {
        writeln!(out, "{}", paint(super::output::YELLOW, &inert_line(&note))).map_err(io)?;
    }
    Ok(())
}

/// The context each completed dependency carries, its lines cut at [`CARRIED_LINE_SHOWN`]
/// columns (said when any is).
fn write_carried(
    out: &mut impl Write,
    map: &MilestoneMap,
    context: &BTreeMap<String, serde_json::Value>,
) -> Result<(), CliError> {
    let mut cut = false;
    for (m, data) in context {
        let head = inert_line(&format!("{m} {}", map.name(m))).into_owned();
        writeln!(out, "\n{}", paint(BOLD, &head)).map_err(io)?;
        for line in inert(&json_lines(data)).lines() {
            // A value of megabytes shows its start: the carried context is read, not paged.
            let shown = crate::text::fit(line, CARRIED_LINE_SHOWN);
            cut |= shown.len() < line.len();
            writeln!(out, "  {shown}").map_err(io)?;
        }
    }
    if cut {
        super::output::write_dim_note(
            out,
            &format!(
                "lines over {CARRIED_LINE_SHOWN} columns are cut (…); --json has every value whole"
            ),
        )?;
    }
    Ok(())
}

/// The dependencies of the target the user has not completed, if any.
fn write_missing(out: &mut impl Write, missing: &[String]) -> Result<(), CliError> {
    if !missing.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint(
                super::output::RED,
                &inert_line(&format!("missing: {} (not completed)", missing.join(", ")))
            )
        )
        .map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DOT of two milestones (id, name), the second depending on the first.
    fn dot_of_two((a, a_name): (&str, &str), (b, b_name): (&str, &str)) -> String {
        let deps = vec![a.to_string()];
        let nodes = [
            Node {
                id: a,
                name: a_name,
                depends_on: &[],
                layer: 0,
                status: None,
            },
            Node {
                id: b,
                name: b_name,
                depends_on: &deps,
                layer: 1,
                status: None,
            },
        ];
        let mut out = Vec::new();
        write_dot(&mut out, &nodes).expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn dot_labels_are_inert_and_cannot_end_their_string() {
        let dot = dot_of_two(
            ("M\"1", "Market \\ Research"),
            ("M2", "Bus\u{1b}]0;pwn\u{7}iness\u{9b}2J\u{202e}"),
        );
        assert!(
            !dot.chars()
                .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{dot}"
        );
        assert!(
            dot.contains(r#""M\"1" [label="M\"1\nMarket \\ Research""#),
            "{dot}"
        );
        assert!(dot.contains(r#"  "M\"1" -> "M2";"#), "{dot}");
        assert!(dot.contains("Bus␛]0;pwn␇iness"), "{dot}");
    }

    /// An id holding ESC and one holding the control picture ␛ are two nodes, not one: ids are
    /// shown as listings show them (the typed picture escaped).
    #[test]
    fn two_ids_that_differ_are_two_dot_nodes() {
        let dot = dot_of_two(("A\u{1b}", "one"), ("A␛", "two"));
        let node = |line: &str| line.trim().split(" [").next().map(str::to_string);
        let names: std::collections::BTreeSet<_> = dot
            .lines()
            .filter(|l| l.contains("[label="))
            .filter_map(node)
            .collect();
        assert_eq!(names.len(), 2, "{dot}");
        assert!(dot.contains(r#""A␛" -> "A\\u{241b}";"#), "{dot}");
    }
}
