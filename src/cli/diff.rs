//! `ctxlens diff A B`: two contexts compared item by item and line by line, and the first cause
//! of the difference, found by replaying subsets of the input changes (delta debugging).

use std::io::Write;

use serde::Serialize;

use super::output::{BOLD, DIM, GREEN, RED, Table, YELLOW, inert_line, io, paint, write_json};
use super::{CliError, Ctx, Selection};
use crate::engine::Policy;
use crate::engine::cause::{Comparison, Outcome};
use crate::engine::linediff::{Change, diff_lines};
use crate::engine::snapshot::fmt_ts;
use crate::loaded::Loaded;
use crate::store::KnowledgeParams;

/// Lines of context shown around each changed stretch of the prompt.
const CONTEXT: usize = 2;

/// `ctxlens diff`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// A snapshot file (`ctxlens snapshot` output: a path or a `.json` name, `./NAME` for a bare
    /// one) or a user id.
    a: String,
    /// A second snapshot file or user id [default: A again, under --against].
    b: Option<String>,
    /// The second side's policy: a preset or a TOML file [default: --policy].
    #[arg(long, value_name = "PRESET|FILE")]
    against: Option<String>,
    /// Override a key of the second side's policy (repeatable), as --set does for the first.
    #[arg(long = "against-set", value_name = "KEY=VALUE")]
    against_sets: Vec<String>,
    /// Reconstruct A as of this instant (RFC 3339 or epoch seconds), as `inspect --at` does; given twice, B as of
    /// the second [default: B as stored now]. `diff USER --at T` is what changed since T.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = super::parse_now, num_args = 1, action = clap::ArgAction::Append)]
    at: Vec<chrono::DateTime<chrono::Utc>>,
    /// Read this session instead of the one with the newest turn.
    #[arg(long, value_name = "ID")]
    session: Option<String>,
    /// Search knowledge with this text instead of the newest user turn.
    #[arg(long, value_name = "TEXT", value_parser = super::non_blank)]
    query: Option<String>,
    /// Replay the data as stored now with the clock at this instant (RFC 3339 or epoch seconds); with one
    /// --at, B's clock (seeded stores: the data's present). Not with two --at. A snapshot file
    /// side is then replayed at it too, not at the clock it was written with (as `replay FILE
    /// --now` is): the header shows the clock each side was replayed at.
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = super::parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// Print JSON (exact data, stable across runs) instead of text.
    #[arg(long)]
    json: bool,
}

/// Loads both sides as the arguments ask and prints the comparison.
pub async fn diff_cmd(ctx: &Ctx, out: &mut impl Write, args: &DiffArgs) -> Result<(), CliError> {
    if args.b.is_none()
        && args.against.is_none()
        && args.against_sets.is_empty()
        && args.at.is_empty()
    {
        return Err(CliError::Usage(
            "diff needs two contexts: A B (snapshot files or users), A with --at T (then and \
             now), or A with --against POLICY or --against-set KEY=VALUE"
                .into(),
        ));
    }
    if args.now.is_some() && args.at.len() == 2 {
        return Err(CliError::Usage(
            "diff --now sets B's clock when only A has --at; with two --at each side is read as \
             of its own instant: drop --now or the second --at"
                .into(),
        ));
    }
    if args.at.len() > 2 {
        return Err(CliError::Usage(format!(
            "diff takes --at at most twice (A's instant, then B's), not {} times",
            args.at.len()
        )));
    }
    // --now is the clock of a side read as stored now, never of one read as of an instant.
    let sel = |at: Option<&chrono::DateTime<chrono::Utc>>| Selection {
        session: args.session.clone(),
        query: args.query.clone(),
        now: if at.is_some() { None } else { args.now },
        at: at.copied(),
    };
    // An override of B's policy is named as given: `--against-set`, not `--set`.
    let against = |e: crate::engine::PolicyError| match e {
        crate::engine::PolicyError::Override { arg, message } => {
            CliError::Usage(format!("policy error: --against-set {arg}: {message}"))
        }
        e => e.into(),
    };
    let policy_b = match &args.against {
        Some(p) => crate::config::load_policy(p, &args.against_sets),
        None => ctx.policy.clone().with_overrides(&args.against_sets),
    }
    .map_err(against)?;
    let b_arg = args.b.as_deref().unwrap_or(&args.a);
    // A file a person wrote, compared with a stored user, says whether each of its turns and
    // rows is the stored one: under --redact that would confirm guesses at the hidden text.
    let file = |arg: &str| super::snapshot_file(arg).is_some();
    if ctx.redact && file(&args.a) != file(b_arg) {
        return Err(CliError::Usage(
            "diff --redact compares two stored users or two snapshot files, not a file with a \
             stored user: the comparison would confirm guesses at the text it hides"
                .into(),
        ));
    }
    let (mut a, mut b) = if b_arg == args.a && args.at.is_empty() {
        // One context under two policies: read once, so the policy is the only input change.
        one_context_two_policies(ctx, &args.a, &sel(None), policy_b).await?
    } else {
        // Two users read now from live stores: one clock for both, so the instant between the
        // two reads is not a change (`clock moved` by milliseconds).
        let clock = (args.at.is_empty() && args.now.is_none() && ctx.store.wall_clock())
            .then(chrono::Utc::now);
        let pick = |arg: &str, at| {
            let mut s = sel(at);
            if super::snapshot_file(arg).is_none() {
                s.now = s.now.or(clock);
            }
            s
        };
        let a = side(
            ctx,
            &args.a,
            &pick(&args.a, args.at.first()),
            ctx.policy.clone(),
        )
        .await?;
        (
            a,
            side(ctx, b_arg, &pick(b_arg, args.at.get(1)), policy_b).await?,
        )
    };
    if let Some(t) = args.at.first() {
        a.source = format!("{} as of {}", crate::text::shown_id(&args.a), fmt_ts(t));
    }
    let mut how: Vec<String> = args
        .at
        .get(1)
        .map(|t| format!("as of {}", fmt_ts(t)))
        .into_iter()
        .collect();
    // B's policy is said whenever it is not A's, B named or not.
    how.extend(args.against.iter().map(|p| format!("under {p}")));
    // One `under --against-set A B`, however many there are.
    if !args.against_sets.is_empty() {
        how.push(format!(
            "under --against-set {}",
            args.against_sets.join(" ")
        ));
    }
    if args.b.is_none() && how.is_empty() {
        how.push(match (args.now, args.at.first()) {
            (Some(t), Some(_)) => format!("as stored, with the clock at {}", fmt_ts(&t)),
            // A file is as it was written: at its own clock, not now.
            _ if super::snapshot_file(b_arg).is_some() => format!(
                "as written (its clock {})",
                fmt_ts(&b.loaded.snapshot().now)
            ),
            _ => "now".into(),
        });
    }
    if !how.is_empty() {
        b.source = format!("{} {}", crate::text::shown_id(b_arg), how.join(" "));
    }
    diff(ctx, out, &a, &b, args.json)
}

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

/// Loads one side: a snapshot file when `arg` names one, else a user of the store, its
/// knowledge searched as `policy` asks.
async fn side(ctx: &Ctx, arg: &str, sel: &Selection, policy: Policy) -> Result<Side, CliError> {
    let loaded = if let Some(path) = super::snapshot_file(arg) {
        ctx.load_file(path, sel)?
    } else {
        let mut one = load_user(ctx, arg, sel, &[KnowledgeParams::of(&policy)]).await?;
        one.pop()
            .ok_or_else(|| CliError::Runtime(format!("{arg}: nothing loaded")))?
    };
    Ok(Side {
        // Named as ids are listed (the empty id is `""`), as a label: `user_id` is the data.
        source: crate::text::shown_id(arg).into_owned(),
        loaded,
        policy,
    })
}

/// One file or user read once, under the command's policy and under `policy_b`. A user's
/// knowledge is searched once, wide enough for both policies (the lower threshold, the higher
/// limit), and both sides replay that one snapshot: the hits a wider search fetches are the
/// policy change's doing, not rows added to the store. Only policies that filter knowledge by
/// milestone differently search twice.
async fn one_context_two_policies(
    ctx: &Ctx,
    arg: &str,
    sel: &Selection,
    policy_b: Policy,
) -> Result<(Side, Side), CliError> {
    let (a, b) = if let Some(path) = super::snapshot_file(arg) {
        let loaded = ctx.load_file(path, sel)?;
        (loaded.clone(), loaded)
    } else {
        let (pa, pb) = (
            KnowledgeParams::of(&ctx.policy),
            KnowledgeParams::of(&policy_b),
        );
        let params = if pa.same_milestone_only == pb.same_milestone_only {
            vec![KnowledgeParams {
                similarity_threshold: pa.similarity_threshold.min(pb.similarity_threshold),
                limit: pa.limit.max(pb.limit),
                same_milestone_only: pa.same_milestone_only,
            }]
        } else {
            vec![pa, pb]
        };
        let mut both = load_user(ctx, arg, sel, &params).await?.into_iter();
        match (both.next(), both.next()) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a.clone(), a),
            _ => return Err(CliError::Runtime(format!("{arg}: nothing loaded"))),
        }
    };
    let side = |loaded, policy| Side {
        // Named as ids are listed (the empty id is `""`), as a label: `user_id` is the data.
        source: crate::text::shown_id(arg).into_owned(),
        loaded,
        policy,
    };
    Ok((side(a, ctx.policy.clone()), side(b, policy_b)))
}

/// A user of the store; when there is none, the error says what `arg` names on disk
/// ([`super::not_a_user`]).
async fn load_user(
    ctx: &Ctx,
    arg: &str,
    sel: &Selection,
    params: &[KnowledgeParams],
) -> Result<Vec<Loaded>, CliError> {
    ctx.load_each(arg, sel, params)
        .await
        .map_err(|e| super::not_a_user(arg, e))
}

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
            Some(view) => super::replay::write_as_of_notes_of(out, &view, &whose)?,
            None => super::replay::write_notes(
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
