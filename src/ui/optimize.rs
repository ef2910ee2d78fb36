//! The optimizer overlay on Tune: how the search goes, the baseline against the best so far and
//! the Pareto front (a cursor picks one), what the chosen one sets, and the held-out check.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use super::{block, clear, hint, il, spinner, styled, usage_bar};
use crate::app::layout::{item_popup, offset};
use crate::app::state::State;
use crate::app::update::candidates;
use crate::optimize::run::{Candidate, Phase, Progress};
use crate::optimize::target::Metrics;
use crate::text::wrap_words;

/// Lines the chosen candidate's details take at most (what it sets first).
const DETAIL_LINES: usize = 6;

/// Inner rows from which the details take [`DETAIL_LINES`] whatever they hold.
const STEADY_FROM: u16 = 24;

pub fn render(frame: &mut Frame, s: &State, t: &Theme) {
    let area = item_popup(s.ui.size);
    clear(frame, area, t);
    let title = format!(" Optimizer · from {} ", il(&s.session.baseline.name));
    let b = block(title, true, t);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let Some(p) = s.optimize.progress.as_deref() else {
        let line = Line::styled(format!("{} starting the search…", spinner(s)), t.muted());
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    let width = usize::from(inner.width);
    let head = head_lines(s, p, width, t);
    let detail = detail_lines(s, p, width, t);
    let [head_area, table_area, detail_area, keys_area] = Layout::vertical([
        Constraint::Length(head.len() as u16),
        Constraint::Min(3),
        // Tall enough, the details keep one height, so the table does not move as they change.
        Constraint::Length(if inner.height >= STEADY_FROM {
            DETAIL_LINES as u16
        } else {
            detail.len() as u16
        }),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(head), head_area);
    render_table(frame, table_area, s, p, t);
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: false }),
        detail_area,
    );
    let again = super::key_of(s, &crate::app::Action::Optimize);
    let mut keys = hint("↑/↓", "choose", t);
    keys.extend(hint("enter", "load as tuned (:w saves)", t));
    let esc = if s.optimize.running.is_some() {
        "stop"
    } else {
        "close"
    };
    keys.extend(hint("esc", esc, t));
    if s.optimize.running.is_none() {
        keys.extend(hint(&again, "search anew", t));
    }
    frame.render_widget(Paragraph::new(Line::from(keys)), keys_area);
}

/// The phase (with a bar of trials), the users, the targets.
fn head_lines(s: &State, p: &Progress, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let secs = p.elapsed.as_secs_f64();
    let phase = match &p.phase {
        Phase::Loading(n) => Line::styled(
            format!(
                "{} loading the fleet: {} users",
                spinner(s),
                crate::text::thousands(*n as f64, 0)
            ),
            t.accent(),
        ),
        Phase::Searching => {
            let mut spans = vec![styled(format!("{} searching ", spinner(s)), t.accent())];
            spans.extend(usage_bar(p.trials, p.max_trials, 20, t));
            spans.push(styled(
                format!(" {}/{} trials · {secs:.1} s", p.trials, p.max_trials),
                t.base(),
            ));
            Line::from(spans)
        }
        Phase::Done(None) => Line::styled(
            format!(
                "done: {} in {secs:.1} s",
                crate::text::count(p.trials as u64, "trial", "trials")
            ),
            t.ok(),
        ),
        Phase::Done(Some(why)) => Line::styled(
            format!(
                "stopped ({}) after {}, {secs:.1} s",
                il(why),
                crate::text::count(p.trials as u64, "trial", "trials")
            ),
            t.warning(),
        ),
        Phase::Failed(why) => Line::styled(format!("failed: {}", il(why)), t.error()),
    };
    let mut out = vec![phase];
    if p.users > 0 {
        let who = format!(
            "{} searched, {} held out · seed {} · targets {}",
            crate::text::count(p.users as u64, "user", "users"),
            p.held_out,
            crate::optimize::run::SEED,
            p.targets.join(" ")
        );
        out.extend(
            wrap_words(&who, width)
                .into_iter()
                .map(|l| Line::styled(l, t.muted())),
        );
    }
    out
}

/// A share as the command line's tables show it, to two decimals: a rate just under its
/// target (4.96 % against < 5 %) never reads as the target itself.
fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{:.2} %", v * 100.0))
}

fn figures(label: String, m: &Metrics, verdict: &str) -> Vec<String> {
    vec![
        label,
        crate::text::thousands(m.avg_tokens, 1),
        pct(Some(m.truncation_rate)),
        pct(m.rag_hits),
        pct(m.static_share),
        verdict.to_string(),
    ]
}

/// The baseline, then the candidates (best first), the cursor's row highlighted.
fn render_table(frame: &mut Frame, area: Rect, s: &State, p: &Progress, t: &Theme) {
    let list = candidates(p);
    // Rows for candidates: inside the borders, below the header and the baseline.
    let fixed = 3 + usize::from(p.baseline.is_some());
    let height = usize::from(area.height).saturating_sub(fixed).max(1);
    let cursor = s.optimize.cursor.min(list.len().saturating_sub(1));
    let first = offset(cursor, height, list.len());
    let mut rows: Vec<Row> = Vec::new();
    if let Some(b) = &p.baseline {
        let verdict = match p.baseline_meets {
            Some(true) => "✓ all",
            Some(false) => "✗ misses",
            None => "",
        };
        rows.push(Row::new(figures("baseline".into(), b, verdict)).style(t.muted()));
    }
    for (i, c) in list.iter().enumerate().skip(first).take(height) {
        let label = label(i, c);
        let verdict = if c.feasible { "✓ all" } else { "✗ misses" };
        let row = Row::new(figures(label, &c.metrics, verdict));
        rows.push(if i == cursor {
            row.style(t.selected())
        } else if c.feasible {
            row.style(t.base())
        } else {
            row.style(t.warning())
        });
    }
    let header = Row::new([
        "Trial",
        "Avg tokens",
        "Trunc.",
        "RAG hits",
        "Static",
        "Targets",
    ])
    .style(t.title());
    // The trial column fits its widest label (`closest #146`): a cut one reads as another trial.
    let trial_w = list
        .iter()
        .enumerate()
        .map(|(i, c)| label(i, c).len())
        .chain([10])
        .max()
        .unwrap_or(10) as u16;
    let widths = [
        Constraint::Length(trial_w),
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Min(8),
    ];
    let shown = super::place(first, height, list.len()).unwrap_or_else(|| list.len().to_string());
    let title = format!(" Best so far, then the Pareto front ({shown}) ");
    let table = Table::new(rows, widths)
        .header(header)
        .block(block(title, false, t));
    frame.render_widget(table, area);
}

/// The trial column of the `i`th candidate: the first is the best so far.
fn label(i: usize, c: &Candidate) -> String {
    if i == 0 {
        // The best meets every target; when none does, it only comes closest.
        let best = if c.feasible { "best" } else { "closest" };
        format!("{best} #{}", c.trial)
    } else {
        format!("#{}", c.trial)
    }
}

/// What the chosen candidate sets and misses, and the held-out check at the end.
fn detail_lines(s: &State, p: &Progress, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let list = candidates(p);
    let Some(c) = list.get(s.optimize.cursor.min(list.len().saturating_sub(1))) else {
        return vec![];
    };
    let mut out = wrap(&sets(c), width, t.accent());
    out.truncate(DETAIL_LINES - 2);
    if !c.unmet.is_empty() {
        out.extend(wrap(
            &format!("misses {}", c.unmet.join(", ")),
            width,
            t.warning(),
        ));
    }
    if let Some(h) = &p.holdout {
        let verdict = if h.unmet.is_empty() {
            "meets every target".to_string()
        } else {
            format!("misses {}", h.unmet.join(", "))
        };
        let text = format!(
            "held out ({}), the best: {} tokens, truncation {}, RAG {} · {verdict}",
            crate::text::count(h.users as u64, "user", "users"),
            crate::text::thousands(h.best.avg_tokens, 1),
            pct(Some(h.best.truncation_rate)),
            pct(h.best.rag_hits)
        );
        out.extend(wrap(&text, width, t.muted()));
    }
    out.truncate(DETAIL_LINES);
    out
}

fn sets(c: &Candidate) -> String {
    if c.changes.is_empty() {
        return format!("#{} sets nothing: the baseline", c.trial);
    }
    let changes: Vec<String> = c
        .changes
        .iter()
        .map(|ch| format!("{} {} → {}", ch.key, ch.from, ch.to))
        .collect();
    format!("#{} sets {}", c.trial, changes.join(", "))
}

fn wrap(text: &str, width: usize, style: ratatui::style::Style) -> Vec<Line<'static>> {
    wrap_words(text, width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}
