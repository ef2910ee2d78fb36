//! `ctxlens replay` and `snapshot`: one user's assembly, readable or as JSON.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use super::output::{
    BOLD, DIM, GREEN, RED, Table, bar, decision_style, inert_line, io, paint, preview, write_json,
};
use super::{CliError, Ctx, Selection};
use crate::engine::margins::Step;
use crate::engine::snapshot::{Malformed, fmt_ts};
use crate::engine::{Assembly, FitMargin, Margins, Snapshot};
use crate::loaded::AsOfView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
    Prompt,
}

/// Reads a snapshot file; a bad file is a usage error naming the file, line and column.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, CliError> {
    crate::store::file::read_snapshot(path).map_err(CliError::Usage)
}

/// `ctxlens replay`: one user's (or snapshot file's) assembly as text, JSON or the prompt.
pub async fn replay(
    ctx: &Ctx,
    out: &mut impl Write,
    (user, file): (Option<&str>, Option<&Path>),
    sel: &Selection,
    mode: Mode,
    explain: bool,
) -> Result<(), CliError> {
    let loaded = match (file, user) {
        // A file holds no store data about the user beyond its snapshot.
        (Some(f), _) => ctx.load_file(f, sel)?,
        (None, Some(u)) => ctx.load_arg(u, sel).await?,
        (None, None) => {
            return Err(CliError::Usage(
                "replay needs USER or --snapshot FILE".into(),
            ));
        }
    };
    let asm = loaded.assemble(&ctx.engine, &ctx.policy);
    let snap = loaded.snapshot();
    say_notes(&loaded, &ctx.policy);
    let margins = explain.then(|| loaded.margins(&ctx.engine, &ctx.policy));
    let as_of = loaded.as_of();
    // A file written `--at T` carries what could not be reconstructed then: its replay says so
    // too (not only `inspect`), in text and in JSON. Read `--at` again, the notes are of then.
    let when_written = loaded.file_notes();
    match mode {
        Mode::Json if margins.is_none() && as_of.is_none() && when_written.is_empty() => {
            write!(out, "{}", asm.to_json()).map_err(io)
        }
        Mode::Json => write_json(
            out,
            &Explained {
                assembly: &asm,
                margins: margins.as_ref(),
                as_of: as_of.as_ref(),
                file_notes: (!when_written.is_empty()).then_some(&when_written[..]),
            },
        ),
        // The prompt as the model gets it, byte for byte, unless a person reads it on a terminal
        // or it is masked (then it is not the model's, and kept punctuation could end a stored
        // escape sequence: shown inert wherever it goes).
        Mode::Prompt if ctx.redact || std::io::stdout().is_terminal() => {
            writeln!(out, "{}", crate::text::inert(&asm.prompt)).map_err(io)
        }
        // Past anstream, which would strip escape sequences out of the data; nothing added (no
        // newline after it), so the bytes are the prompt's.
        Mode::Prompt => write!(std::io::stdout().lock(), "{}", asm.prompt).map_err(io),
        Mode::Text => write_text(
            out,
            &asm,
            snap,
            (as_of.as_ref(), margins.as_ref()),
            &when_written,
        ),
    }
}

/// What a replay notes on stderr: a search narrower than the policy's, fields no snapshot has,
/// items dated after now.
fn say_notes(loaded: &crate::loaded::Loaded, policy: &crate::engine::Policy) {
    let snap = loaded.snapshot();
    // A file replayed under a wider knowledge search than wrote it misses hits: said on stderr,
    // so every output form (JSON and the prompt included) stays as it is.
    if let Some(f) = crate::findings::narrower_search(snap, policy) {
        crate::say!("ctxlens: note: {}", inert_line(&f.message));
    }
    // A file's field no snapshot has (`knowledgeX` for `knowledge`) was read past: said, since
    // the field meant is then empty.
    for n in snap
        .notes
        .iter()
        .filter(|n| n.kind == crate::engine::snapshot::NoteKind::UnknownField)
    {
        crate::say!(
            "ctxlens: note: {}: {}",
            inert_line(&n.source),
            inert_line(&n.message)
        );
    }
    // Items dated after now score as recent: a clock ahead changes the replay, so it is said.
    for f in crate::findings::future_timestamps(loaded.data(), snap) {
        crate::say!(
            "ctxlens: note: {}: {}",
            crate::text::shown_id(&f.source),
            inert_line(&f.message)
        );
    }
}

/// `replay`'s text: the heading, the layers, every item, the duplicates, the margins (with
/// `--explain`), what could not be read, and what could not be reconstructed.
fn write_text(
    out: &mut impl Write,
    asm: &Assembly,
    snap: &Snapshot,
    (as_of, margins): (Option<&AsOfView>, Option<&Margins>),
    when_written: &[crate::engine::snapshot::Note],
) -> Result<(), CliError> {
    writeln!(out, "{}", paint(BOLD, &heading(asm, snap))).map_err(io)?;
    write_as_of_line(out, as_of)?;
    write_layers(out, asm)?;
    writeln!(out).map_err(io)?;
    write_items(out, asm)?;
    write_duplicates(out, asm)?;
    if let Some(m) = margins {
        write_margins(out, m)?;
    }
    write_malformed(out, &asm.malformed)?;
    match as_of {
        Some(a) => write_as_of_notes(out, a),
        None => write_notes(
            out,
            when_written,
            "not reconstructed when the file was written",
        ),
    }
}

/// `replay --json` with `--explain` or `--at` (or of a file written `--at`): the assembly with
/// its margins, and what the load as of an earlier instant found out.
#[derive(Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    assembly: &'a Assembly,
    #[serde(skip_serializing_if = "Option::is_none")]
    margins: Option<&'a Margins>,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<&'a AsOfView>,
    /// A file written `--at T`, read as it is: what could not be reconstructed when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    file_notes: Option<&'a [crate::engine::snapshot::Note]>,
}

/// [`as_of_line`] in bold on a line of its own, if the output is as of an instant.
pub(super) fn write_as_of_line(out: &mut impl Write, a: Option<&AsOfView>) -> Result<(), CliError> {
    match a {
        Some(a) => writeln!(out, "{}", paint(BOLD, &as_of_line(a))).map_err(io),
        None => Ok(()),
    }
}

/// `as of T (data read at R) · milestone M2, from transition mb:5`.
pub fn as_of_line(a: &AsOfView) -> String {
    use crate::engine::rewind::MilestoneFrom;
    let i = &a.info;
    let milestone = match (&i.milestone, &i.milestone_from) {
        (Some(m), MilestoneFrom::Transition { id }) => {
            format!("milestone {m}, from transition {id}")
        }
        (Some(m), MilestoneFrom::Completions { id }) => {
            format!("milestone {m}, after the completions up to {id}")
        }
        (Some(m), MilestoneFrom::Stored) => {
            format!("milestone {m}, as stored (T is when the data was read)")
        }
        (Some(m), _) => {
            format!("milestone {m}, user_journeys' default (no transition or completion by then)")
        }
        (None, _) => "no milestone (no journey)".into(),
    };
    inert_line(&format!(
        "as of {} (data read at {}) · {milestone}",
        fmt_ts(&i.at),
        fmt_ts(&i.read_at)
    ))
    .into_owned()
}

/// What cannot be told of the instant, one line per note.
pub(super) fn write_as_of_notes(out: &mut impl Write, a: &AsOfView) -> Result<(), CliError> {
    write_as_of_notes_of(out, a, "")
}

/// The notes of [`write_as_of_notes`], their title naming whose they are (`of A, …`).
pub(super) fn write_as_of_notes_of(
    out: &mut impl Write,
    a: &AsOfView,
    whose: &str,
) -> Result<(), CliError> {
    write_notes(out, &a.notes, &format!("not reconstructed{whose}"))
}

/// `notes` under `title` and their count, one line each.
pub(super) fn write_notes(
    out: &mut impl Write,
    notes: &[crate::engine::snapshot::Note],
    title: &str,
) -> Result<(), CliError> {
    if notes.is_empty() {
        return Ok(());
    }
    let title = format!("{title} ({})", notes.len());
    writeln!(out, "\n{}", paint(super::output::YELLOW.bold(), &title)).map_err(io)?;
    for n in notes {
        super::output::write_sourced(out, &n.source, &n.message)?;
    }
    Ok(())
}

/// The margins table: per layer and for the global pass, how far the budget is from a change.
pub fn write_margins(out: &mut impl Write, m: &Margins) -> Result<(), CliError> {
    writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "margins"),
        paint(
            DIM,
            "(tokens of budget that change what is kept in full; global: T with the layer budgets held)"
        )
    )
    .map_err(io)?;
    let mut t = Table::new(&[
        ("FIT", false),
        ("BUDGET", true),
        ("KEEPS ALL AT", true),
        ("NEXT IN", false),
        ("FIRST OUT", false),
        ("BLOCKED AT", false),
    ]);
    for f in m.layers.iter().chain([&m.global]) {
        t.row(margin_row(f));
    }
    t.write(out, 0)?;
    write_margins_footer(out, m)
}

/// One fit's row of the margins table (a layer's, or the global pass's).
fn margin_row(f: &FitMargin) -> Vec<(String, anstyle::Style)> {
    let step = |s: &Option<Step>, sign: &str| {
        s.as_ref().map_or("—".to_string(), |s| {
            format!("{sign}{} {}", s.tokens, inert_line(&s.id))
        })
    };
    // A layer's promise the global pass to T undoes is marked, and the mark explained below.
    let mark = |undone: bool| if undone { " *" } else { "" };
    let blocked = f.blocker.as_ref().map_or("—".to_string(), |b| {
        format!(
            "{} ({} behind, {} tokens)",
            inert_line(&b.id),
            b.behind,
            b.behind_tokens
        )
    });
    vec![
        (inert_line(&f.name).into_owned(), BOLD),
        (f.budget.to_string(), DIM),
        (
            format!("{}{}", f.keeps_all_at, mark(f.global_cut.keeps_all)),
            Default::default(),
        ),
        (
            format!(
                "{}{}{}",
                step(&f.next_in, "+"),
                mark(f.global_cut.next_in),
                if f.next_in_truncated {
                    " (truncated)"
                } else {
                    ""
                }
            ),
            GREEN,
        ),
        (
            match &f.truncated_out {
                // The truncated blocker goes first: said before the item kept in full.
                Some(t) => format!(
                    "−{} {} (truncated) · {}",
                    t.tokens,
                    inert_line(&t.id),
                    step(&f.first_out, "−")
                ),
                None => step(&f.first_out, "−"),
            },
            RED,
        ),
        (blocked, Default::default()),
    ]
}

/// Below the margins table: the mark of an undone promise explained (when a row has one), and
/// the total budget that keeps every candidate.
fn write_margins_footer(out: &mut impl Write, m: &Margins) -> Result<(), CliError> {
    if m.layers
        .iter()
        .any(|f| f.global_cut.next_in || f.global_cut.keeps_all)
    {
        writeln!(
            out,
            "{}",
            paint(
                DIM,
                "* the layer's fit keeps it at that budget, but the global pass to T drops it again: T must grow too"
            )
        )
        .map_err(io)?;
    }
    let all = match m.total_for_all {
        Some(t) => format!("budget.total = {t} keeps every candidate (weights and caps as they are)"),
        None => "no budget.total keeps every candidate: a cap or a zero (or tiny) weight holds a layer below what it needs".into(),
    };
    writeln!(out, "{all}").map_err(io)
}

pub(super) fn heading(asm: &Assembly, snap: &Snapshot) -> String {
    format!(
        "{} · policy {} ({}, {}) · T {} · now {}",
        crate::text::shown_id(&asm.user_id),
        inert_line(&asm.policy),
        asm.tokenizer,
        asm.strategy.as_str(),
        asm.budget.total,
        fmt_ts(&snap.now)
    )
}

/// One line per layer: bar, used / budget, kept / truncated / dropped; then the total.
pub fn write_layers(out: &mut impl Write, asm: &Assembly) -> Result<(), CliError> {
    let mut t = Table::new(&[
        ("LAYER", false),
        ("", false),
        ("USED", true),
        ("BUDGET", true),
        ("KEPT", true),
        ("TRUNC", true),
        ("DROP", true),
    ]);
    for (name, l) in asm.layers.iter() {
        t.row_drawn(vec![
            (inert_line(name).into_owned(), BOLD),
            (bar(l.used, l.budget as usize, 24), Default::default()),
            (l.used.to_string(), Default::default()),
            (l.budget.to_string(), DIM),
            (l.kept.to_string(), Default::default()),
            (l.truncated.to_string(), Default::default()),
            (l.dropped.to_string(), Default::default()),
        ]);
    }
    let total = asm.budget.total as usize;
    t.row_drawn(vec![
        ("total".into(), BOLD),
        (bar(asm.total_tokens, total, 24), Default::default()),
        (asm.total_tokens.to_string(), BOLD),
        (total.to_string(), DIM),
        (String::new(), Default::default()),
        (String::new(), Default::default()),
        (String::new(), Default::default()),
    ]);
    t.write(out, 0)?;
    writeln!(out, "truncation rate {:.1}%", asm.truncation_rate * 100.0).map_err(io)
}

fn write_items(out: &mut impl Write, asm: &Assembly) -> Result<(), CliError> {
    let mut t = Table::new(&[
        ("LAYER", false),
        ("ID", false),
        ("KIND", false),
        ("TOKENS", true),
        ("KEPT", true),
        ("SCORE", true),
        ("DECISION", false),
        ("TEXT", false),
    ]);
    for i in &asm.items {
        let decision = match i.reason {
            Some(r) => format!("{} {}", i.decision.as_str(), r.as_str()),
            None => i.decision.as_str().to_string(),
        };
        t.row(vec![
            (i.layer.clone(), DIM),
            (i.id.clone(), Default::default()),
            (
                serde_json::to_value(i.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                DIM,
            ),
            (i.tokens.to_string(), Default::default()),
            (i.kept_tokens.to_string(), Default::default()),
            (crate::engine::shown_factor(i.score, 2), Default::default()),
            (decision, decision_style(i.decision)),
            (preview(&i.text, 48), DIM),
        ]);
    }
    t.write(out, 0)
}

/// Each copy, the copy assembly prefers, and what the second costs the prompt.
pub fn write_duplicates(out: &mut impl Write, asm: &Assembly) -> Result<(), CliError> {
    if asm.near_unscreened > 0 {
        super::output::write_dim_note(
            out,
            &format!(
                "near copies not looked for among the last {} candidates (exact copies were)",
                crate::text::thousands_exact(asm.near_unscreened as i128)
            ),
        )?;
    }
    if asm.duplicates.is_empty() {
        return Ok(());
    }
    let spent = asm.duplicate_tokens();
    let title = format!(
        "duplicates ({}) · {spent} of {} prompt tokens on second copies",
        asm.duplicates.len(),
        asm.total_tokens
    );
    writeln!(out, "\n{}", paint(BOLD, &title)).map_err(io)?;
    let mut t = Table::new(&[
        ("COPY", false),
        ("LAYER", false),
        ("MATCH", false),
        ("OF (PREFERRED)", false),
        ("LAYER", false),
        ("TOKENS", true),
        ("SPENT", true),
        ("DECISION", false),
    ]);
    for p in &asm.duplicates {
        let how = match p.kind {
            crate::engine::dedupe::Match::Exact => "exact".to_string(),
            crate::engine::dedupe::Match::Near => format!(
                "near {}",
                crate::engine::dedupe::shown_similarity(p.similarity)
            ),
        };
        let decision = if p.removed {
            "dropped duplicate".to_string()
        } else {
            p.decision.as_str().to_string()
        };
        t.row(vec![
            (p.id.clone(), Default::default()),
            (p.layer.clone(), DIM),
            (how, Default::default()),
            (p.of.clone(), Default::default()),
            (p.of_layer.clone(), DIM),
            (p.tokens.to_string(), Default::default()),
            (p.spent.to_string(), BOLD),
            (decision, decision_style(p.decision)),
        ]);
    }
    t.write(out, 2)
}

pub(super) fn write_malformed(
    out: &mut impl Write,
    malformed: &[Malformed],
) -> Result<(), CliError> {
    if malformed.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        paint(RED.bold(), &format!("malformed ({})", malformed.len()))
    )
    .map_err(io)?;
    for m in malformed {
        super::output::write_sourced(out, &m.source, &m.reason)?;
    }
    Ok(())
}

pub async fn snapshot(
    ctx: &Ctx,
    out: &mut impl Write,
    user: &str,
    file: &Path,
    sel: &Selection,
) -> Result<(), CliError> {
    if ctx.redact {
        // A masked snapshot would replay to other token counts than the stored text: not a
        // faithful input, and an unmasked one holds the personal data --redact protects.
        // Unquoted: the error sink masks quoted values under --redact, and this is no data.
        let who = if crate::text::shell_plain(user) {
            user
        } else {
            "USER"
        };
        return Err(CliError::Usage(format!(
            "snapshot --redact: a snapshot is the exact stored input of a replay, so it cannot be \
             masked; write it without --redact (it holds chat and journey text), or share the \
             output of: ctxlens replay {who} --redact --json"
        )));
    }
    let to_stdout = file == Path::new("-");
    if !to_stdout {
        // Before the read: a folder that is not there is a usage error, as for optimize --out.
        super::output::writable(file)?;
    }
    let loaded = ctx.load(user, sel).await.map_err(|e| {
        if super::snapshot_file(user).is_some_and(Path::is_file) {
            CliError::Usage(format!(
                "snapshot {}: a file, not a user: snapshot writes a file from a user of the \
                 stores (a snapshot file is read as it is by replay, diff, explain and tui \
                 --snapshot)",
                inert_line(user)
            ))
        } else {
            super::not_a_user(user, e)
        }
    })?;
    let snap = loaded
        .stored_snapshot()
        .ok_or_else(|| CliError::Usage("snapshot cannot be written under --redact".into()))?;
    if to_stdout {
        // `--out -`: the snapshot itself on stdout (exact JSON), for a pipe.
        return write!(out, "{}", snap.to_json()).map_err(io);
    }
    super::output::write_out(file, &snap.to_json())?;
    let count = |n: usize, one: &str, many: &str| crate::text::count(n as u64, one, many);
    // Counted as inspect counts them: the turns that read, and what did not.
    let turns = snap.turns().count();
    let unread = snap.session.len() - turns + snap.malformed.len();
    let unread = if unread > 0 {
        format!(", {unread} malformed")
    } else {
        String::new()
    };
    writeln!(
        out,
        "wrote {} ({}, {}, {}{unread})",
        inert_line(&file.display().to_string()),
        count(turns, "turn", "turns"),
        count(snap.journey.len(), "journey item", "journey items"),
        count(snap.knowledge.len(), "knowledge hit", "knowledge hits")
    )
    .map_err(io)
}
