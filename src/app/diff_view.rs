//! The `:diff` overlay's rows: the two sides, the first cause and the set that explains the
//! change, the input changes, the items that differ, and the two prompts side by side.

use crate::engine::cause::{Comparison, Outcome};
use crate::engine::linediff::{Change, diff_lines};
use crate::engine::snapshot::fmt_ts;

/// Two contexts compared (`:diff`): what each side is, the comparison (its assemblies masked
/// under `--redact`), and the overlay's rows, laid out once when it arrives (the prompt's line
/// diff is not redone on every frame or key).
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub a: String,
    pub b: String,
    pub comparison: Comparison,
    pub rows: Vec<Row>,
}

impl Compared {
    pub fn new(a: String, b: String, comparison: Comparison) -> Self {
        let rows = rows(&a, &b, &comparison);
        Compared {
            a,
            b,
            comparison,
            rows,
        }
    }
}

/// How a row is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Title,
    Base,
    Muted,
    Accent,
    Added,
    Removed,
    Changed,
}

/// One row of the overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Text(String, Tone),
    /// A line of each prompt (`None`: that side has no line here).
    Pair(Option<(Change, String)>, Option<(Change, String)>),
}

fn text(s: impl Into<String>, tone: Tone) -> Row {
    Row::Text(s.into(), tone)
}

/// Every row, in order (stored text in them is made inert when drawn).
fn rows(a: &str, b: &str, cmp: &Comparison) -> Vec<Row> {
    let (ta, tb) = (cmp.before.total_tokens, cmp.after.total_tokens);
    let mut out = vec![
        text(format!("A  {a}"), Tone::Title),
        text(format!("B  {b}"), Tone::Title),
        text(
            format!("tokens {ta} → {tb} ({:+})", tb as i64 - ta as i64),
            Tone::Base,
        ),
        text("", Tone::Base),
    ];
    cause(cmp, &mut out);
    inputs(cmp, &mut out);
    items(cmp, &mut out);
    prompt(cmp, &mut out);
    out
}

fn cause(cmp: &Comparison, out: &mut Vec<Row>) {
    let Some((first, input)) = cmp.first() else {
        let why = match cmp.outcome {
            Outcome::Nothing => "The same context: same prompt, same decisions.",
            _ => "No input change reproduces the difference.",
        };
        out.extend([text(why, Tone::Accent), text("", Tone::Base)]);
        return;
    };
    let at = input
        .at
        .map(|t| format!(" at {}", fmt_ts(&t)))
        .unwrap_or_default();
    out.push(text(
        format!(
            "First cause: {} {}{at} ({})",
            first.cause.label(),
            input.subject,
            input.detail
        ),
        Tone::Accent,
    ));
    out.extend(
        first
            .effects
            .iter()
            .take(6)
            .map(|e| text(format!("  {e}"), Tone::Base)),
    );
    let what = if cmp.outcome == Outcome::Prompt {
        "the prompt change"
    } else {
        "the changed decisions"
    };
    let how = if cmp.inputs.len() == 1 {
        format!("  the only input change explains {what}")
    } else {
        format!(
            "  {} of {} input changes explain {what} ({} replays{})",
            cmp.cause.len(),
            cmp.inputs.len(),
            cmp.replays,
            if cmp.minimal { "" } else { ", budget spent" }
        )
    };
    out.push(text(how, Tone::Muted));
    out.push(text("", Tone::Base));
}

fn inputs(cmp: &Comparison, out: &mut Vec<Row>) {
    if cmp.inputs.is_empty() {
        return;
    }
    out.push(text(
        format!("Input changes ({})   * explains it", cmp.inputs.len()),
        Tone::Title,
    ));
    // Per input change: whether it explains the difference, and its cause's label.
    let labels: Vec<(bool, &str)> = (0..cmp.inputs.len())
        .map(|k| {
            let e = cmp.cause.iter().find(|e| e.change == k);
            (
                e.is_some(),
                e.map_or(cmp.inputs[k].cause, |e| e.cause).label(),
            )
        })
        .collect();
    let label_w = column(labels.iter().map(|(_, l)| *l));
    let subject_w = column(cmp.inputs.iter().map(|i| i.subject.as_str()));
    for (i, &(explains, label)) in cmp.inputs.iter().zip(&labels) {
        let line = format!(
            "{} {} {} {}",
            if explains { '*' } else { ' ' },
            cell(label, label_w),
            cell(&i.subject, subject_w),
            i.detail
        );
        out.push(text(
            line,
            if explains { Tone::Accent } else { Tone::Muted },
        ));
    }
    out.push(text("", Tone::Base));
}

/// Widest a column of the change tables gets: a longer value is cut in the middle.
const COLUMN_MAX: usize = 28;

/// A column's width: its widest value, up to [`COLUMN_MAX`].
fn column<'a>(values: impl Iterator<Item = &'a str>) -> usize {
    values
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .min(COLUMN_MAX)
}

/// `value` made inert and padded (or cut in the middle) to `width` columns.
fn cell(value: &str, width: usize) -> String {
    let v = crate::text::fit_middle(value, width);
    let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(v.as_str()));
    format!("{v}{}", " ".repeat(pad))
}

fn items(cmp: &Comparison, out: &mut Vec<Row>) {
    if cmp.items.is_empty() {
        return;
    }
    out.push(text(format!("Items ({})", cmp.items.len()), Tone::Title));
    let id_of = |d: &crate::engine::cause::ItemDelta| {
        d.was
            .as_ref()
            .map_or(d.id.clone(), |w| format!("{w} → {}", d.id))
    };
    let ids: Vec<String> = cmp.items.iter().map(id_of).collect();
    let id_w = column(ids.iter().map(String::as_str));
    let layer_w = column(cmp.items.iter().map(|d| d.layer.as_str()));
    let kind_w = column(cmp.items.iter().map(|d| d.kind.label()));
    for (d, id) in cmp.items.iter().zip(&ids) {
        let (ta, tb) = d.tokens();
        let why = d
            .after
            .as_ref()
            .and_then(|f| f.reason)
            .map_or("", |r| r.as_str());
        let tone = match d.kind.mark() {
            '+' => Tone::Added,
            '-' => Tone::Removed,
            _ => Tone::Changed,
        };
        let delta = tb as i64 - ta as i64;
        let line = format!(
            "{} {} {} {} {delta:>+6}  {why}",
            d.kind.mark(),
            cell(id, id_w),
            cell(&d.layer, layer_w),
            cell(d.kind.label(), kind_w)
        );
        out.push(text(line, tone));
    }
    out.push(text("", Tone::Base));
}

/// The prompts side by side: common lines on both sides, a removed stretch beside the added
/// stretch that replaced it.
fn prompt(cmp: &Comparison, out: &mut Vec<Row>) {
    out.push(text("Prompt   A │ B", Tone::Title));
    let lines = diff_lines(&cmp.before.prompt, &cmp.after.prompt);
    let mut k = 0;
    while k < lines.len() {
        let (ch, l) = lines[k];
        if ch == Change::Same {
            out.push(Row::Pair(
                Some((ch, l.to_string())),
                Some((ch, l.to_string())),
            ));
            k += 1;
            continue;
        }
        let removed: Vec<&str> = lines[k..]
            .iter()
            .take_while(|x| x.0 == Change::Removed)
            .map(|x| x.1)
            .collect();
        let after_removed = k + removed.len();
        let added: Vec<&str> = lines[after_removed..]
            .iter()
            .take_while(|x| x.0 == Change::Added)
            .map(|x| x.1)
            .collect();
        for n in 0..removed.len().max(added.len()) {
            out.push(Row::Pair(
                removed.get(n).map(|l| (Change::Removed, l.to_string())),
                added.get(n).map(|l| (Change::Added, l.to_string())),
            ));
        }
        k = after_removed + added.len();
    }
}

/// The `e` / `:explain` overlay's lines: the row, the user and policy, one line per gate (the
/// first failed one marked), the verdict.
pub fn explain_lines(e: &crate::engine::explain::Explanation) -> Vec<(String, Tone)> {
    let at = e.current_milestone.as_deref().unwrap_or("no milestone");
    let mut out = vec![
        (e.row_heading(), Tone::Title),
        (
            format!("for {} at {at} · policy {}", e.user_id, e.policy),
            Tone::Muted,
        ),
    ];
    for g in &e.gates {
        let first = e.first_failed == Some(g.gate) && g.pass == Some(false);
        let (mark, tone) = match g.pass {
            Some(true) => ("✔", Tone::Added),
            Some(false) => ("✘", Tone::Removed),
            None => ("·", Tone::Muted),
        };
        let tail = if first { "  ← first failed gate" } else { "" };
        out.push((
            format!("{mark} {:<10}  {}{tail}", g.gate.as_str(), g.detail),
            tone,
        ));
    }
    out.push((String::new(), Tone::Base));
    out.push((e.verdict(), Tone::Accent));
    out
}

/// Rows the explain overlay's lines take wrapped at `width` cells (as drawn, by
/// [`crate::text::wrap`]): where its scrolling ends.
pub fn explain_rows(e: &crate::engine::explain::Explanation, width: usize) -> usize {
    explain_lines(e)
        .iter()
        .map(|(l, _)| crate::text::wrap(&crate::text::inert_line(l), width).len())
        .sum()
}
