//! A diff's output: the text report (heading, first cause, input changes, items, the prompt's
//! changed lines) and `--json`.

use std::io::Write;

use serde::Serialize;

use crate::cli::output::{BOLD, DIM, GREEN, RED, Table, YELLOW, inert_line, io, paint, write_json};
use crate::cli::{CliError, Ctx};
use crate::engine::Policy;
use crate::engine::cause::{Comparison, Outcome};
use crate::engine::linediff::{Change, diff_lines};
use crate::engine::snapshot::fmt_ts;
use crate::loaded::Loaded;

/// Lines of context shown around each changed stretch of the prompt.
const CONTEXT: usize = 2;

/// One side of a diff: where it came from and what was loaded.
pub struct Side {
    pub source: String,
    pub loaded: Loaded,
    pub policy: Policy,
}

#[derive(Serialize)]
struct SideJson<'a> {
    source: &'a str,
    user_id: &'a str,
    now: String,
    policy: &'a str,
    total_tokens: usize,
    /// Items of the side that could not be read (replayed without them, as `replay` does).
    unreadable: usize,
    /// A side read as of an instant: the milestone of then and what could not be reconstructed.
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<crate::loaded::AsOfView>,
    /// A file written as of an instant, read as it is: what could not be reconstructed then.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    file_notes: Vec<crate::engine::snapshot::Note>,
}

#[derive(Serialize)]
struct PromptLine<'a> {
    op: &'static str,
    /// 1-based line in the first prompt (`removed`) or the second (`added`).
    line: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    a: SideJson<'a>,
    b: SideJson<'a>,
    #[serde(flatten)]
    comparison: &'a Comparison,
    first_cause: Option<FirstJson<'a>>,
    prompt_diff: Vec<PromptLine<'a>>,
}

#[derive(Serialize)]
struct FirstJson<'a> {
    cause: crate::engine::cause::Cause,
    label: &'static str,
    subject: &'a str,
    detail: &'a str,
}

/// Compares the two sides and prints the comparison, as text or `--json`.
pub fn diff(
    ctx: &Ctx,
    out: &mut impl Write,
    a: &Side,
    b: &Side,
    json: bool,
) -> Result<(), CliError> {
    let c = a
        .loaded
        .compare(&ctx.engine, &a.policy, &b.loaded, &b.policy);
    let lines = diff_lines(&c.before.prompt, &c.after.prompt);
    if json {
        return write_json(out, &to_json(a, b, &c, &lines));
    }
    write_heading(out, a, b, &c)?;
    write_cause(out, &c)?;
    write_inputs(out, &c)?;
    write_items(out, &c)?;
    write_prompt(out, &lines)?;
    // What a side read as of an instant could not reconstruct (or a file written as of one,
    // read as it is): its empty layers are not news.
    for (name, side) in [("A", a), ("B", b)] {
        let whose = format!(" in {name}, {}", inert_line(&side.source));
        match side.loaded.as_of() {
            Some(view) => crate::cli::replay::write_as_of_notes_of(out, &view, &whose)?,
            None => crate::cli::replay::write_notes(
                out,
                &side.loaded.file_notes(),
                &format!("not reconstructed when the file was written{whose}"),
            )?,
        }
    }
    Ok(())
}

fn side_json<'a>(s: &'a Side, total: usize) -> SideJson<'a> {
    let snap = s.loaded.snapshot();
    SideJson {
        source: &s.source,
        user_id: &snap.user_id,
        now: fmt_ts(&snap.now),
        policy: &s.policy.name,
        total_tokens: total,
        unreadable: unreadable(snap),
        as_of: s.loaded.as_of(),
        file_notes: s.loaded.file_notes(),
    }
}

fn to_json<'a>(
    a: &'a Side,
    b: &'a Side,
    c: &'a Comparison,
    lines: &[(Change, &'a str)],
) -> DiffJson<'a> {
    DiffJson {
        a: side_json(a, c.before.total_tokens),
        b: side_json(b, c.after.total_tokens),
        comparison: c,
        first_cause: c.first().map(|(e, i)| FirstJson {
            cause: e.cause,
            label: e.cause.label(),
            subject: &i.subject,
            detail: &i.detail,
        }),
        prompt_diff: numbered(lines)
            .into_iter()
            .filter(|(ch, ..)| *ch != Change::Same)
            .map(|(ch, la, lb, text)| PromptLine {
                op: if ch == Change::Added {
                    "added"
                } else {
                    "removed"
                },
                line: if ch == Change::Added { lb } else { la },
                text,
            })
            .collect(),
    }
}

/// Each line with its 1-based number in the first and the second prompt.
fn numbered<'a>(lines: &[(Change, &'a str)]) -> Vec<(Change, usize, usize, &'a str)> {
    let (mut la, mut lb) = (0, 0);
    lines
        .iter()
        .map(|&(ch, text)| {
            if ch != Change::Added {
                la += 1;
            }
            if ch != Change::Removed {
                lb += 1;
            }
            (ch, la, lb, text)
        })
        .collect()
}

/// The items of `snap` that could not be read, as `replay` lists them: session turns and the rest.
pub(crate) fn unreadable(snap: &crate::engine::Snapshot) -> usize {
    snap.malformed_turns().len() + snap.malformed.len()
}

fn describe(s: &Side) -> String {
    let snap = s.loaded.snapshot();
    // Items that could not be read are in neither side's context: said, so a diff that
    // finds nothing does not read as the whole story (`replay` names them).
    let unreadable = match unreadable(snap) {
        0 => String::new(),
        n => format!(
            " · {} unreadable, replayed without (replay names them)",
            crate::text::count(n as u64, "item", "items")
        ),
    };
    format!(
        "{} · {} · {}{unreadable}",
        crate::text::shown_id(&snap.user_id),
        fmt_ts(&snap.now),
        inert_line(&s.policy.name)
    )
}

fn write_heading(out: &mut impl Write, a: &Side, b: &Side, c: &Comparison) -> Result<(), CliError> {
    let head = format!(
        "diff  {} → {}",
        inert_line(&a.source),
        inert_line(&b.source)
    );
    writeln!(out, "{}", paint(BOLD, &head)).map_err(io)?;
    writeln!(out, "      {}", paint(DIM, &describe(a))).map_err(io)?;
    writeln!(out, "    → {}", paint(DIM, &describe(b))).map_err(io)?;
    let change = crate::report::format::change(c.before.total_tokens, c.after.total_tokens);
    writeln!(out, "tokens {change}\n").map_err(io)
}

fn write_cause(out: &mut impl Write, c: &Comparison) -> Result<(), CliError> {
    let Some((first, input)) = c.first() else {
        let why = match c.outcome {
            Outcome::Nothing => c.same_sentence().unwrap_or_default(),
            _ => "no input change reproduces the difference (a partly changed policy is not valid)"
                .to_string(),
        };
        return writeln!(out, "{}\n", paint(BOLD, &why)).map_err(io);
    };
    let at = input
        .at
        .map(|t| format!(" at {}", fmt_ts(&t)))
        .unwrap_or_default();
    let line = format!(
        "first cause: {} {}{at} ({})",
        first.cause.label(),
        inert_line(&input.subject),
        inert_line(&input.detail)
    );
    writeln!(out, "{}", paint(BOLD, &line)).map_err(io)?;
    for e in first.effects_shown() {
        writeln!(out, "  {}", inert_line(&e)).map_err(io)?;
    }
    let what = match c.outcome {
        Outcome::Prompt => "the prompt change",
        _ => "the changed decisions (the prompt is the same)",
    };
    let how = if c.inputs.len() == 1 {
        format!("  the only input change explains {what}")
    } else {
        let also = match (first.upstream, c.replayed()) {
            (true, _) => "through the hits it moved (a replay keeps each side's hits)".to_string(),
            (false, 1) => "alone".to_string(),
            (false, n) => format!("with {} more", n - 1),
        };
        // A query that moved hits of the set is starred with it, though no replay tried it.
        let also = if !first.upstream && c.cause.iter().any(|e| e.upstream) {
            format!("{also} (and the query that moved their hits, starred too)")
        } else {
            also
        };
        let budget = if c.minimal {
            String::new()
        } else {
            use crate::engine::cause::REPLAY_LIMIT;
            use crate::loaded::REPLAY_WORK;
            format!(
                "; replay budget spent ({} replays or {} items replayed): may not be minimal",
                crate::report::format::thousands(REPLAY_LIMIT as f64, 0),
                crate::report::format::thousands(REPLAY_WORK as f64, 0)
            )
        };
        format!(
            "  explains {what} {also}: {} of {} input changes (delta debugging, {}{budget})",
            c.replayed(),
            c.inputs.len(),
            crate::text::count(c.replays as u64, "replay", "replays")
        )
    };
    writeln!(out, "{}\n", paint(DIM, &how)).map_err(io)
}

fn write_inputs(out: &mut impl Write, c: &Comparison) -> Result<(), CliError> {
    if c.inputs.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", paint(BOLD, &c.inputs_title())).map_err(io)?;
    let mut t = Table::new(&[
        ("", false),
        ("cause", false),
        ("what", false),
        ("change", false),
        ("at", false),
    ]);
    // Each change's explanation by its index, found once (a set of thousands is not scanned
    // for each of a hundred thousand inputs).
    let mut by_change = std::collections::HashMap::new();
    for e in &c.cause {
        by_change.entry(e.change).or_insert(e);
    }
    for (k, input) in c.inputs.iter().enumerate() {
        let explained = by_change.get(&k).copied();
        let cause = explained.map_or(input.cause, |e| e.cause);
        let style = if explained.is_some() { YELLOW } else { DIM };
        t.row(vec![
            (if explained.is_some() { "*" } else { "" }.into(), style),
            (cause.label().into(), style),
            (input.subject.clone(), style),
            (input.detail.clone(), style),
            (input.at.map(|t| fmt_ts(&t)).unwrap_or_default(), DIM),
        ]);
    }
    t.write(out, 2)?;
    writeln!(out).map_err(io)
}

fn write_items(out: &mut impl Write, c: &Comparison) -> Result<(), CliError> {
    if c.items.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        paint(BOLD, &format!("items ({})", c.items.len()))
    )
    .map_err(io)?;
    let mut t = Table::new(&[
        ("", false),
        ("item", false),
        ("layer", false),
        ("change", false),
        ("tokens", true),
        ("why", false),
    ]);
    for d in &c.items {
        let style = match d.kind.mark() {
            '+' => GREEN,
            '-' => RED,
            _ => YELLOW,
        };
        let id = match &d.was {
            Some(w) => format!("{w} → {}", d.id),
            None => d.id.clone(),
        };
        let why = d.why();
        t.row(vec![
            (d.kind.mark().to_string(), style),
            (id, style),
            (d.layer.clone(), DIM),
            (d.kind.label().into(), style),
            (d.delta(), style),
            (why, DIM),
        ]);
    }
    t.write(out, 2)?;
    writeln!(out).map_err(io)
}

/// The prompt's changed stretches with [`CONTEXT`] lines around them, `@@ -a +b @@` before each.
fn write_prompt(out: &mut impl Write, lines: &[(Change, &str)]) -> Result<(), CliError> {
    let rows = numbered(lines);
    let changed: Vec<usize> = (0..rows.len())
        .filter(|&k| rows[k].0 != Change::Same)
        .collect();
    if changed.is_empty() {
        return writeln!(out, "{}", paint(DIM, "prompt: the same")).map_err(io);
    }
    writeln!(out, "{}", paint(BOLD, "prompt")).map_err(io)?;
    // Rows within CONTEXT of a changed one, marked in one pass over the changed rows.
    let mut near = vec![false; rows.len()];
    for &x in &changed {
        let end = (x + CONTEXT).min(rows.len() - 1);
        near[x.saturating_sub(CONTEXT)..=end].fill(true);
    }
    let mut last_shown: Option<usize> = None;
    for (k, &(ch, la, lb, text)) in rows.iter().enumerate() {
        if !near[k] {
            continue;
        }
        if last_shown.is_none_or(|l| l + 1 != k) {
            writeln!(out, "{}", paint(DIM, &format!("@@ -{la} +{lb} @@"))).map_err(io)?;
        }
        last_shown = Some(k);
        let style = match ch {
            Change::Same => DIM,
            Change::Removed => RED,
            Change::Added => GREEN,
        };
        writeln!(
            out,
            "{}",
            paint(style, &format!("{}{}", ch.mark(), inert_line(text)))
        )
        .map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_on_their_own_side() {
        let lines = [
            (Change::Same, "a"),
            (Change::Removed, "b"),
            (Change::Added, "c"),
            (Change::Added, "d"),
            (Change::Same, "e"),
        ];
        let n: Vec<(usize, usize)> = numbered(&lines).iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(n, [(1, 1), (2, 1), (2, 2), (2, 3), (3, 4)]);
    }
}
