//! The Report screen's lines, answer first: the change and seed 003's verdicts with their deltas,
//! the most affected users (`enter` opens one on Tune), per-milestone figures of both policies,
//! then the report's other sections as `ctxlens report` prints them.

use unicode_width::UnicodeWidthStr;

pub use crate::report::format::Tone;
use crate::report::format::{Section, headline, sections, thousands};
use crate::report::{Metric, Summary};

/// One line: cells already padded into columns, and the user it is about (a most-affected row).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    pub cells: Vec<(String, Tone)>,
    pub user: Option<String>,
    /// Leading cells that stay in place when the report scrolls sideways (a table's first
    /// column: what each row is about).
    pub frozen: usize,
}

impl ReportLine {
    fn text(text: impl Into<String>, tone: Tone) -> Self {
        ReportLine {
            cells: vec![(text.into(), tone)],
            user: None,
            frozen: 0,
        }
    }

    fn blank() -> Self {
        ReportLine::text("", Tone::Plain)
    }

    /// How many columns the line takes.
    pub fn width(&self) -> usize {
        self.cells.iter().map(|(t, _)| t.width()).sum()
    }

    /// Columns scrolling sideways may move past on a pane `pane` columns wide: what does not
    /// fit beside the frozen cells; of prose (no frozen cell) or a table of one column, what
    /// does not fit.
    pub fn overflow(&self, pane: usize) -> usize {
        if self.frozen == 0 || self.cells.len() <= self.frozen {
            return self.width().saturating_sub(pane);
        }
        let frozen: usize = self.cells[..self.frozen.min(self.cells.len())]
            .iter()
            .map(|(t, _)| t.width())
            .sum();
        (self.width() - frozen).saturating_sub(pane.saturating_sub(frozen))
    }

    /// The line as plain text.
    pub fn plain(&self) -> String {
        self.cells.iter().map(|(c, _)| c.as_str()).collect()
    }
}

/// A cell of a table: text, tone, right-aligned.
type Cell = (String, Tone, bool);

fn cell(text: impl Into<String>, tone: Tone) -> Cell {
    (
        crate::text::inert_line(&text.into()).into_owned(),
        tone,
        false,
    )
}

fn num(text: impl Into<String>, tone: Tone) -> Cell {
    (text.into(), tone, true)
}

/// A titled table: headings, then rows (each with the user it is about, if any).
fn table(
    title: &str,
    heads: &[(&str, bool)],
    rows: Vec<(Vec<Cell>, Option<String>)>,
) -> Vec<ReportLine> {
    let mut out = vec![ReportLine::blank(), ReportLine::text(title, Tone::Bold)];
    if rows.is_empty() {
        out.push(ReportLine::text("  none", Tone::Dim));
        return out;
    }
    let mut widths: Vec<usize> = heads.iter().map(|(h, _)| h.width()).collect();
    for (r, _) in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.0.width());
        }
    }
    let pad = |text: &str, w: usize, right: bool| {
        let gap = " ".repeat(w.saturating_sub(text.width()));
        if right {
            format!("  {gap}{text}")
        } else {
            format!("  {text}{gap}")
        }
    };
    out.push(ReportLine {
        cells: heads
            .iter()
            .zip(&widths)
            .map(|((h, right), w)| (pad(h, *w, *right), Tone::Dim))
            .collect(),
        user: None,
        frozen: 1,
    });
    for (r, user) in rows {
        out.push(ReportLine {
            cells: r
                .into_iter()
                .zip(&widths)
                .map(|((t, tone, right), w)| (pad(&t, *w, right), tone))
                .collect(),
            user,
            frozen: 1,
        });
    }
    out
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn metric(key: &str, m: Option<Metric>) -> Cell {
    match m.and_then(|m| m.value.map(|v| m.exact.unwrap_or(v))) {
        None => num("n/a", Tone::Dim),
        // Never reads as the edge of a target it is not on (`79.96 %`, not `80.0 %`).
        Some(v) => num(crate::report::format::beside_edges(v, key), Tone::Plain),
    }
}

/// Candidate − baseline: tokens, or percentage points.
fn delta(key: &str, base: Option<f64>, cand: Option<f64>) -> Cell {
    let (Some(b), Some(c)) = (base, cand) else {
        return num("", Tone::Dim);
    };
    let d = c - b;
    let shown = if key == "avg_context_tokens" || key == "tokens" {
        format!("{}{}", if d > 0.0 { "+" } else { "" }, thousands(d, 1))
    } else {
        format!("{:+.1} pt", d * 100.0)
    };
    num(shown, if d == 0.0 { Tone::Dim } else { Tone::Plain })
}

fn verdict(m: Metric) -> Cell {
    match m.pass {
        Some(true) => cell("✓ pass", Tone::Pass),
        Some(false) => cell("✗ FAIL", Tone::Fail),
        None => cell("n/a", Tone::Dim),
    }
}

/// The change in one sentence, and the verdicts.
fn answer(s: &Summary) -> Vec<ReportLine> {
    let mut out = Vec::new();
    if let Some(c) = &s.changes {
        // Two lines, so the sentence is whole at 80 columns.
        let text = format!(
            "Change: {} of {} users' context changes",
            thousands(c.users_changed as f64, 0),
            thousands(c.users_compared as f64, 0),
        );
        let tokens = format!(
            "        {} tokens newly dropped · {} newly added",
            thousands(c.tokens_newly_dropped as f64, 0),
            thousands(c.tokens_newly_added as f64, 0),
        );
        let tone = if c.users_changed > 0 {
            Tone::Bold
        } else {
            Tone::Pass
        };
        out.push(ReportLine::blank());
        out.push(ReportLine::text(text, tone));
        out.push(ReportLine::text(tokens, tone));
    }
    let failing: Vec<&str> = s
        .monitoring
        .iter()
        .filter(|m| m.candidate.pass == Some(false))
        .map(|m| m.label.as_str())
        .collect();
    // No figure to judge (no user read): neither met nor failing.
    let judged = s.monitoring.iter().any(|m| m.candidate.pass.is_some());
    let verdict_line = if !judged {
        ReportLine::text(
            "Targets: none can be judged: no user's figures to judge them on",
            Tone::Fail,
        )
    } else if failing.is_empty() {
        ReportLine::text("Targets: every seed 003 target met", Tone::Pass)
    } else {
        ReportLine::text(
            format!("Targets: FAILING {}", failing.join(", ")),
            Tone::Fail,
        )
    };
    out.push(verdict_line);
    let rows = s
        .monitoring
        .iter()
        .map(|m| {
            // The difference of the unrounded values: of rounded ones it can be off by 0.1.
            let unrounded = |m: Metric| m.value.map(|v| m.exact.unwrap_or(v));
            let base = m.baseline.and_then(unrounded);
            // The candidate's verdict beside its target, so it is on screen at 80 columns.
            let cells = vec![
                cell(m.label.clone(), Tone::Plain),
                cell(m.target.clone(), Tone::Dim),
                verdict(m.candidate),
                metric(&m.metric, m.baseline),
                metric(&m.metric, Some(m.candidate)),
                delta(&m.metric, base, unrounded(m.candidate)),
            ];
            (cells, None)
        })
        .collect();
    out.extend(table(
        "Monitoring (seed 003 targets), candidate − baseline",
        &[
            ("Metric", false),
            ("Target", false),
            ("Status", false),
            ("Baseline", true),
            ("Candidate", true),
            ("Δ", true),
        ],
        rows,
    ));
    out
}

fn affected(s: &Summary) -> Vec<ReportLine> {
    let Some(c) = &s.changes else { return vec![] };
    let rows = c
        .most_affected
        .iter()
        .map(|a| {
            let cells = vec![
                cell(a.user_id.clone(), Tone::Bold),
                cell(a.milestone.clone().unwrap_or_default(), Tone::Plain),
                num(
                    thousands(a.tokens_newly_dropped as f64, 0),
                    if a.tokens_newly_dropped > 0 {
                        Tone::Fail
                    } else {
                        Tone::Plain
                    },
                ),
                num(thousands(a.tokens_newly_added as f64, 0), Tone::Plain),
                num(a.items.len().to_string(), Tone::Plain),
            ];
            (cells, Some(a.user_id.clone()))
        })
        .collect();
    table(
        "Most affected users · enter opens the user's tune diff",
        &[
            ("User", false),
            ("Milestone", false),
            ("Dropped", true),
            ("Added", true),
            ("Items", true),
        ],
        rows,
    )
}

fn milestones(s: &Summary) -> Vec<ReportLine> {
    let rows = s
        .milestones
        .iter()
        .map(|m| {
            let c = &m.candidate;
            let b = m.baseline.as_ref();
            let opt_pct =
                |v: Option<f64>| v.map_or(num("n/a", Tone::Dim), |v| num(pct(v), Tone::Plain));
            let mut cells = vec![
                cell(
                    crate::report::milestone_name(m.milestone.as_deref()),
                    Tone::Plain,
                ),
                num(thousands(m.users as f64, 0), Tone::Plain),
            ];
            if let Some(b) = b {
                cells.push(num(thousands(b.avg_context_tokens, 1), Tone::Dim));
            }
            cells.push(num(thousands(c.avg_context_tokens, 1), Tone::Plain));
            if let Some(b) = b {
                cells.push(delta(
                    "tokens",
                    Some(b.avg_context_tokens),
                    Some(c.avg_context_tokens),
                ));
                cells.push(num(pct(b.truncation_rate), Tone::Dim));
            }
            cells.push(num(pct(c.truncation_rate), Tone::Plain));
            if let Some(b) = b {
                cells.push(delta(
                    "rate",
                    Some(b.truncation_rate),
                    Some(c.truncation_rate),
                ));
                cells.push(opt_pct(b.rag_hit_rate));
            }
            cells.push(opt_pct(c.rag_hit_rate));
            if let Some(n) = m.users_changed {
                cells.push(num(thousands(n as f64, 0), Tone::Plain));
            }
            (cells, None)
        })
        .collect();
    let heads: &[(&str, bool)] = if s.baseline.is_some() {
        &[
            ("Milestone", false),
            ("Users", true),
            ("Tokens base", true),
            ("cand", true),
            ("Δ", true),
            ("Trunc base", true),
            ("cand", true),
            ("Δ", true),
            ("RAG base", true),
            ("cand", true),
            ("Changed", true),
        ]
    } else {
        &[
            ("Milestone", false),
            ("Users", true),
            ("Avg tokens", true),
            ("Truncation", true),
            ("RAG hits", true),
        ]
    };
    table("Per milestone", heads, rows)
}

/// The report's other sections (token distributions, cache, changed items, errors).
fn rest(s: &Summary) -> Vec<ReportLine> {
    let shown = ["monitoring", "milestones", "changes", "most_affected"];
    sections(s)
        .into_iter()
        .filter(|sec| !shown.contains(&sec.key))
        .flat_map(|sec: Section| {
            let heads: Vec<(&str, bool)> = sec
                .columns
                .iter()
                .map(|(_, h, right)| (h.as_str(), *right))
                .collect();
            let rows = sec
                .rows
                .iter()
                .map(|(_, cells)| {
                    let cells = cells
                        .iter()
                        .zip(&sec.columns)
                        .map(|(c, (_, _, right))| (c.shown.clone(), c.tone, *right))
                        .collect();
                    (cells, None)
                })
                .collect();
            table(&sec.title, &heads, rows)
        })
        .collect()
}

/// Every line of the Report screen for `s`.
pub fn lines(s: &Summary) -> Vec<ReportLine> {
    let mut out: Vec<ReportLine> = headline(s)
        .into_iter()
        .enumerate()
        .map(|(i, t)| ReportLine::text(t, if i == 0 { Tone::Bold } else { Tone::Dim }))
        .collect();
    out.extend(answer(s));
    out.extend(affected(s));
    out.extend(milestones(s));
    out.extend(rest(s));
    out
}
