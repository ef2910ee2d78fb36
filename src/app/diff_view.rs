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
    /// The rows as drawn at the width last asked for (see [`Compared::shown`]).
    laid: Laid,
}

/// The overlay's screen rows at one width, kept between frames and keys: drawing, scrolling
/// and `n`/`N` all read them, and they change only with the width. A layout, not data:
/// two are equal whatever they hold.
#[derive(Debug, Clone, Default)]
struct Laid(std::cell::RefCell<Option<(usize, std::sync::Arc<Vec<Shown>>)>>);

impl PartialEq for Laid {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Compared {
    pub fn new(a: String, b: String, comparison: Comparison) -> Self {
        let rows = rows(&a, &b, &comparison);
        Compared {
            a,
            b,
            comparison,
            rows,
            laid: Laid::default(),
        }
    }

    /// The overlay's screen rows at `width` cells ([`shown`]), laid out once per width.
    pub fn shown(&self, width: usize) -> std::sync::Arc<Vec<Shown>> {
        let mut laid = self.laid.0.borrow_mut();
        match &*laid {
            Some((w, rows)) if *w == width => rows.clone(),
            _ => {
                let rows = std::sync::Arc::new(shown(&self.rows, width));
                *laid = Some((width, rows.clone()));
                rows
            }
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
    /// What each side's column is, over the prompt pairs.
    Heads(String, String),
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
            format!("tokens {}", crate::report::format::change(ta, tb)),
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
        // As `ctxlens diff` says it, begun as a sentence.
        let why = match cmp.same_sentence() {
            Some(same) => format!("{}.", crate::text::capitalised(&same)),
            None => "No input change reproduces the difference.".into(),
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
            .effects_shown()
            .iter()
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
            "  {} of {} input changes explain {what} ({}{}){}",
            cmp.replayed(),
            cmp.inputs.len(),
            crate::text::count(cmp.replays as u64, "replay", "replays"),
            if cmp.minimal { "" } else { ", budget spent" },
            if first.upstream {
                ": the hits the query moved"
            } else {
                ""
            }
        )
    };
    out.push(text(how, Tone::Muted));
    // Starred with the set, though no replay tried it (as `ctxlens diff` says).
    if cmp.inputs.len() > 1 && !first.upstream && cmp.cause.iter().any(|e| e.upstream) {
        out.push(text(
            "  and the query that moved their hits, starred too (not replayed)".to_string(),
            Tone::Muted,
        ));
    }
    out.push(text("", Tone::Base));
}

fn inputs(cmp: &Comparison, out: &mut Vec<Row>) {
    if cmp.inputs.is_empty() {
        return;
    }
    out.push(text(
        crate::text::capitalised(&cmp.inputs_title()),
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
/// Wide enough for every policy key whole (`knowledge.similarity_threshold`).
const COLUMN_MAX: usize = 32;

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
        // In words, as Layers says a reason (`layer budget`, not `layer_budget`).
        let why = d.why().replace('_', " ");
        let tone = match d.kind.mark() {
            '+' => Tone::Added,
            '-' => Tone::Removed,
            _ => Tone::Changed,
        };
        let line = format!(
            "{} {} {} {} {:>6}  {why}",
            d.kind.mark(),
            cell(id, id_w),
            cell(&d.layer, layer_w),
            cell(d.kind.label(), kind_w),
            d.delta()
        );
        out.push(text(line, tone));
    }
    out.push(text("", Tone::Base));
}

/// The prompts side by side: common lines on both sides, a removed stretch beside the added
/// stretch that replaced it.
fn prompt(cmp: &Comparison, out: &mut Vec<Row>) {
    out.push(text("Prompt", Tone::Title));
    out.push(Row::Heads("A".into(), "B".into()));
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

/// One screen row of the `:diff` overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Text(String, Tone),
    /// Each side's piece of a prompt line on this row: its change, and its text behind the
    /// change's mark (on every row of a wrapped line, which hangs under its own indentation).
    Pair(Option<(Change, String)>, Option<(Change, String)>),
    /// Each side's column head.
    Heads(String, String),
}

/// Between the two prompt columns: each side's text then starts as far from the line before
/// it (the frame, or this bar) behind its mark.
pub const SEPARATOR: &str = " │";

/// The cells each prompt side gets in an overlay `width` cells wide (the rest is
/// [`SEPARATOR`]).
pub fn half_width(width: usize) -> usize {
    width.saturating_sub(SEPARATOR.chars().count()) / 2
}

/// Inert `text` as pieces no wider than `width` cells, wrapped where [`crate::text::wrap`]
/// breaks it.
fn pieces(text: &str, width: usize) -> Vec<String> {
    let text = crate::text::inert_line(text);
    crate::text::wrap(&text, width)
        .into_iter()
        .map(|r| text[r].to_string())
        .collect()
}

/// Inert `line` as rows no wider than `room` cells: the first as the line starts, the rest
/// hanging two cells under the line's own indentation (at most half the room), so a
/// continuation never reads as a line of its own.
fn hung(line: &str, room: usize) -> Vec<String> {
    let text = crate::text::inert_line(line);
    let first = crate::text::wrap(&text, room).swap_remove(0);
    let mut out = vec![text[first.clone()].to_string()];
    let rest = text[first.end..].trim_start();
    if !rest.is_empty() {
        let indent = text.len() - text.trim_start().len();
        let hang = (indent + 2).min(room / 2);
        let pad = " ".repeat(hang);
        out.extend(
            pieces(rest, room - hang)
                .into_iter()
                .map(|p| format!("{pad}{p}")),
        );
    }
    out
}

/// The overlay's rows as drawn at `width` cells: every line wrapped, nothing cut, so a change
/// late in a long prompt line shows; a prompt line pair takes the rows of its longer side.
/// What is drawn and what the scroll keys count.
pub fn shown(rows: &[Row], width: usize) -> Vec<Shown> {
    let half = half_width(width);
    let room = half.saturating_sub(2).max(1);
    let side = |x: &Option<(Change, String)>| -> Vec<(Change, String)> {
        let Some((ch, line)) = x else { return vec![] };
        hung(line, room)
            .into_iter()
            .map(|p| (*ch, format!("{}{p}", ch.mark())))
            .collect()
    };
    let mut out = Vec::new();
    for r in rows {
        match r {
            Row::Text(x, tone) => {
                out.extend(hung(x, width).into_iter().map(|p| Shown::Text(p, *tone)));
            }
            Row::Heads(a, b) => out.push(Shown::Heads(a.clone(), b.clone())),
            Row::Pair(a, b) => {
                let (a, b) = (side(a), side(b));
                for n in 0..a.len().max(b.len()) {
                    out.push(Shown::Pair(a.get(n).cloned(), b.get(n).cloned()));
                }
            }
        }
    }
    out
}

/// The `e` / `:explain` overlay's lines, each a head and its text: the row, the user and
/// policy, one line per gate (its mark and name the head; the first failed one marked), the
/// verdict.
fn explain_lines(
    e: &crate::engine::explain::Explanation,
    query: &str,
) -> Vec<(String, String, Tone)> {
    let at = e.current_milestone.as_deref().unwrap_or("no milestone");
    let mut out = vec![
        (String::new(), e.row_heading(), Tone::Title),
        (
            String::new(),
            format!("for {} at {at} · policy {}", e.user_id, e.policy),
            Tone::Muted,
        ),
        ("query ".to_string(), query.to_string(), Tone::Muted),
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
            format!("{mark} {:<10}  ", g.gate.as_str()),
            format!("{}{tail}", g.detail),
            tone,
        ));
    }
    out.push((String::new(), String::new(), Tone::Base));
    out.push((String::new(), e.verdict(), Tone::Accent));
    out
}

/// The explain overlay's rows at `width` cells, text made inert: a gate's detail wraps under
/// itself, behind its mark and name, so a continuation never reads as a gate of its own.
pub fn explain_rows(
    e: &crate::engine::explain::Explanation,
    query: &str,
    width: usize,
) -> Vec<(String, Tone)> {
    use unicode_width::UnicodeWidthStr;
    let mut out = Vec::new();
    for (head, body, tone) in explain_lines(e, query) {
        // A head wider than half the overlay would leave its text no room: it wraps as text.
        let (head, body) = if head.width() * 2 > width {
            (String::new(), format!("{head}{body}"))
        } else {
            (head, body)
        };
        let pad = " ".repeat(head.width());
        let body = crate::text::inert_line(&body);
        for (i, r) in crate::text::wrap(&body, width.saturating_sub(head.width()))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { &head } else { &pad };
            out.push((format!("{lead}{}", &body[r]), tone));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change at the end of a prompt line longer than half the overlay shows: each side
    /// wraps onto rows of its own, the mark on the first, and nothing is cut.
    #[test]
    fn a_long_prompt_line_wraps_on_both_sides_and_keeps_its_change() {
        let before = format!("{} budget 4000", "word ".repeat(30));
        let after = format!("{} budget 2500", "word ".repeat(30));
        let rows = vec![
            Row::Heads("A".into(), "B".into()),
            Row::Pair(
                Some((Change::Removed, before.clone())),
                Some((Change::Added, after.clone())),
            ),
            Row::Pair(
                Some((Change::Same, "x".into())),
                Some((Change::Same, "x".into())),
            ),
        ];
        let width = 60;
        let shown = shown(&rows, width);
        let half = half_width(width);
        let (mut a, mut b) = (String::new(), String::new());
        let mut pair_rows = 0;
        for r in &shown[1..shown.len() - 1] {
            let Shown::Pair(Some((_, x)), Some((_, y))) = r else {
                panic!("both sides have rows: {r:?}")
            };
            for (side, piece) in [(&mut a, x), (&mut b, y)] {
                assert!(unicode_width::UnicodeWidthStr::width(piece.as_str()) <= half);
                side.push_str(piece.trim_start_matches(['-', '+']).trim());
                side.push(' ');
            }
            pair_rows += 1;
        }
        assert!(pair_rows > 1, "{shown:#?}");
        assert!(a.trim_end().ends_with("budget 4000"), "{a}");
        assert!(b.trim_end().ends_with("budget 2500"), "{b}");
        assert!(matches!(&shown[1], Shown::Pair(Some((_, x)), _) if x.starts_with("- ")));
        assert!(matches!(&shown[2], Shown::Pair(Some((_, x)), _) if x.starts_with("-   ")));
        assert_eq!(
            shown.last(),
            Some(&Shown::Pair(
                Some((Change::Same, "  x".into())),
                Some((Change::Same, "  x".into()))
            ))
        );
    }

    /// A wrapped line keeps its place in the structure: its rows hang under its own
    /// indentation, so a continuation never reads as a line of its own.
    #[test]
    fn a_wrapped_line_hangs_under_its_indentation() {
        let line = "    decision: Sell through the DTC store first, then wholesale";
        let rows = vec![Row::Pair(Some((Change::Same, line.into())), None)];
        let shown = shown(&rows, 62);
        let texts: Vec<String> = shown
            .iter()
            .map(|r| match r {
                Shown::Pair(Some((_, x)), None) => x.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(texts.len() > 1, "{texts:?}");
        assert!(texts[0].starts_with("      decision:"), "{texts:?}");
        for t in &texts[1..] {
            assert!(
                t.starts_with("        ") && !t.starts_with("         "),
                "{texts:?}"
            );
        }
    }

    /// A long line of the cause or the input changes hangs under its indentation too.
    #[test]
    fn a_wrapped_text_row_hangs_under_its_indentation() {
        let line = "  first cause: memory-bank row mb:12 added, which the journey layer now keeps";
        let shown = shown(&[text(line, Tone::Base)], 40);
        let texts: Vec<&str> = shown
            .iter()
            .map(|r| match r {
                Shown::Text(x, Tone::Base) => x.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(texts.len() > 2, "{texts:?}");
        assert!(texts[0].starts_with("  first cause:"), "{texts:?}");
        for t in &texts[1..] {
            assert!(
                t.starts_with("    ") && !t.starts_with("     "),
                "{texts:?}"
            );
            assert!(unicode_width::UnicodeWidthStr::width(*t) <= 40, "{texts:?}");
        }
        let words: Vec<&str> = texts.iter().flat_map(|t| t.split_whitespace()).collect();
        assert_eq!(words.join(" "), line.trim());
    }

    /// Stored text in a prompt line stays inert on the overlay's rows.
    #[test]
    fn prompt_rows_are_inert() {
        let rows = vec![Row::Pair(Some((Change::Added, "a\u{1b}[2Jb".into())), None)];
        let shown = shown(&rows, 80);
        assert_eq!(
            shown,
            vec![Shown::Pair(Some((Change::Added, "+ a␛[2Jb".into())), None)]
        );
    }
}
