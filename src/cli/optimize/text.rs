//! The answer as text: the search, the Pareto front, the recommended policy and its metrics.

use std::io::Write;

use super::super::CliError;
use super::super::output::{BOLD, DIM, GREEN, RED, Table, YELLOW, io, paint};
use super::Out;
use crate::optimize::search::Trial;
use crate::optimize::target::{Metrics, Objective};
use crate::optimize::{Found, Holdout};

/// `best feasible: 2310.4 avg tokens, truncation 3.1 % (trial 57)` or the closest infeasible;
/// under `--objective quality` the kept score (what is maximised) comes first.
pub(super) fn best_line(objective: Objective, best: &Trial) -> String {
    let what = if best.feasible() {
        "best feasible"
    } else {
        "none feasible yet; closest"
    };
    let m = &best.metrics;
    let value = match objective {
        Objective::Cost => format!("{} avg tokens", crate::text::thousands(m.avg_tokens, 1)),
        Objective::Quality => format!(
            "kept score {} (score-weighted tokens per user), {} avg tokens",
            crate::text::thousands(m.avg_kept_score, 1),
            crate::text::thousands(m.avg_tokens, 1)
        ),
    };
    format!(
        "{what}: {value}, truncation {:.1} % (trial {})",
        m.truncation_rate * 100.0,
        best.n
    )
}

/// The recommended policy as a TOML file, with a header saying where it came from.
pub(super) fn tuned_toml(f: &Found) -> String {
    let mut s = String::new();
    if !f.feasible {
        // Read by whoever ships the file, first (a check of its first line finds it): it must
        // say it is no answer to the targets.
        s.push_str(&format!(
            "# NOT FEASIBLE: no trial met every target; this is the closest point (trial {}).\n\
             # It misses: {}\n",
            f.best.n,
            crate::text::inert_line(&f.unmet.join(", "))
        ));
    }
    s.push_str(&format!(
        "# Written by `ctxlens optimize` ({} search, {}, seed {}, objective {}).\n",
        f.method.as_str(),
        crate::text::count(f.trials as u64, "trial", "trials"),
        f.seed,
        f.objective.as_str()
    ));
    for c in &f.changes {
        // A comment is one line: a name holding a newline must not end it.
        s.push_str(&format!(
            "# {}: {} → {}\n",
            crate::text::inert_line(&c.key),
            crate::text::inert_line(&c.from),
            crate::text::inert_line(&c.to)
        ));
    }
    s.push('\n');
    s.push_str(&f.policy.to_toml());
    s
}

fn fmt_metric(key: &str, v: Option<f64>) -> String {
    match (key, v) {
        (_, None) => "n/a".into(),
        ("avg_tokens" | "guard_loss" | "avg_kept_score", Some(v)) => crate::text::thousands(v, 1),
        (_, Some(v)) => format!("{:.2} %", v * 100.0),
    }
}

fn metric_rows(m: &Metrics) -> Vec<(&'static str, Option<f64>)> {
    vec![
        ("avg_tokens", Some(m.avg_tokens)),
        ("static_share", m.static_share),
        ("rag_hits", m.rag_hits),
        ("truncation_rate", Some(m.truncation_rate)),
        ("avg_kept_score", Some(m.avg_kept_score)),
        ("guard_loss", m.guard_loss.map(|l| l as f64)),
    ]
}

pub(super) fn write_text(out: &mut impl Write, v: &Out) -> Result<(), CliError> {
    write_header(out, v)?;
    write_verdict(out, v.found)?;
    write_pareto(out, v.found)?;
    write_recommended(out, v)?;
    write_metrics(out, v.found, v.holdout)?;
    writeln!(
        out,
        "\n{}",
        paint(
            BOLD,
            &format!(
                "Fleet report: {} vs baseline (every user)",
                answer(v.found).0
            )
        )
    )
    .map_err(io)?;
    super::super::report::table(out, v.report)
}

/// One line out: names from the policy file or a flag (a layer's name in a key, a target as
/// typed) are among it, so all but its own colours is made inert.
fn line(out: &mut dyn Write, s: String) -> Result<(), CliError> {
    writeln!(out, "{}", crate::text::inert_but_colour(&s)).map_err(io)
}

/// What was searched: the fleet, the method and its pace, the free keys and the targets.
fn write_header(out: &mut impl Write, v: &Out) -> Result<(), CliError> {
    let f = v.found;
    line(
        out,
        paint(
            BOLD,
            &format!(
                "Optimize · {} · {} ({} optimized on, {} held out, seed {})",
                crate::text::inert_line(v.source),
                crate::text::count(v.users, "user", "users"),
                crate::text::thousands(f.users_optimized as f64, 0),
                crate::text::thousands(v.holdout.map_or(0, |h| h.users) as f64, 0),
                f.seed
            ),
        ),
    )?;
    if v.users_not_read.count > 0 {
        line(
            out,
            paint(
                YELLOW,
                &format!(
                    "{} could not be read: in no search (listed at the end of the fleet report)",
                    crate::report::format::users_n(v.users_not_read.count)
                ),
            ),
        )?;
    }
    line(
        out,
        format!(
            "{} · {} search · {} in {:.1} s ({:.1} trials/s; {:.1} s in all, with loading and the report){}",
            f.objective.describe(),
            f.method.as_str(),
            crate::text::count(f.trials as u64, "trial", "trials"),
            v.search_ms as f64 / 1000.0,
            v.trials_per_second,
            v.elapsed_ms as f64 / 1000.0,
            f.stopped
                .as_ref()
                .map_or(String::new(), |s| format!(" · stopped: {s}"))
        ),
    )?;
    let free: Vec<String> = f
        .free
        .iter()
        .map(|p| {
            let (lo, hi) = p.bounds();
            if p.is_choice() {
                p.key.clone()
            } else {
                format!("{} {}..{}", p.key, p.show(lo), p.show(hi))
            }
        })
        .collect();
    line(out, paint(DIM, &format!("free: {}", free.join(", "))))?;
    for n in &f.notes {
        line(out, paint(DIM, &format!("note: {n}")))?;
    }
    let goals: Vec<&str> = f.targets.iter().map(|t| t.text.as_str()).collect();
    line(out, paint(DIM, &format!("targets: {}", goals.join(", "))))?;
    line(out, String::new())
}

/// Whether a policy meets every target, or which targets no point met.
fn write_verdict(out: &mut impl Write, f: &Found) -> Result<(), CliError> {
    if f.feasible {
        line(
            out,
            paint(
                GREEN.bold(),
                &format!("Feasible: trial {} meets every target", f.best.n),
            ),
        )
    } else {
        line(
            out,
            paint(
                RED.bold(),
                &format!(
                    "No feasible policy found in {}: {}; the closest point (trial {}, shown) misses {}",
                    crate::text::count(f.trials as u64, "trial", "trials"),
                    if f.never_met.is_empty() {
                        "each target was met by some trial, never all together".to_string()
                    } else {
                        format!("no trial met {}", f.never_met.join(", "))
                    },
                    f.best.n,
                    f.unmet.join(", ")
                ),
            ),
        )
    }
}

/// The recommended policy's changes from the baseline, and where it was written.
fn write_recommended(out: &mut impl Write, v: &Out) -> Result<(), CliError> {
    let f = v.found;
    line(out, String::new())?;
    let heading = if f.feasible {
        "Recommended policy (changes from the baseline)".to_string()
    } else {
        format!(
            "Closest policy (changes from the baseline): no answer to the targets, it misses {}",
            f.unmet.join(", ")
        )
    };
    line(out, paint(BOLD, &heading))?;
    if f.changes.is_empty() {
        line(out, "  none: the baseline is the best point found".into())?;
    }
    for c in &f.changes {
        line(out, format!("  {:<34} {} → {}", c.key, c.from, c.to))?;
    }
    match &v.out {
        Some(p) => line(
            out,
            paint(DIM, &format!("  written to {}", crate::text::inert_line(p))),
        ),
        None => line(
            out,
            paint(
                DIM,
                "  (--out FILE writes it as TOML; --json carries it too)",
            ),
        ),
    }
}

/// Rows of the Pareto front the text shows (`--json` has every point).
const PARETO_SHOWN: usize = 15;

fn write_pareto(out: &mut impl Write, f: &Found) -> Result<(), CliError> {
    // In the front's order: feasible points first (cheapest first), then the nearest to feasible.
    let rows: Vec<&Trial> = f.pareto.iter().collect();
    let points = match rows.len() {
        1 => "1 point".to_string(),
        n => format!("{n} points"),
    };
    let shown = if rows.len() > PARETO_SHOWN {
        format!("; the first {PARETO_SHOWN} shown")
    } else {
        String::new()
    };
    writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "Pareto front"),
        paint(
            DIM,
            &format!(
                "({points}: objective against each target's slack; feasible first, then the nearest to feasible{shown})"
            )
        )
    )
    .map_err(io)?;
    let objective = match f.objective {
        Objective::Cost => "AVG TOKENS",
        Objective::Quality => "KEPT SCORE",
    };
    let mut header: Vec<(String, bool)> = vec![("TRIAL".into(), true), (objective.into(), true)];
    header.extend(f.targets.iter().map(|t| (t.text.to_uppercase(), true)));
    header.push(("".into(), false));
    let h: Vec<(&str, bool)> = header.iter().map(|(s, r)| (s.as_str(), *r)).collect();
    let mut t = Table::new(&h);
    for tr in rows.into_iter().take(PARETO_SHOWN) {
        let mut cells = vec![
            (tr.n.to_string(), Default::default()),
            (crate::text::thousands(tr.objective.abs(), 2), BOLD),
        ];
        for g in &f.targets {
            let slack = g.shown_slack(&tr.metrics);
            let ok = g.violation(&tr.metrics) == 0.0;
            let key = g.metric.as_str();
            let value = fmt_metric(
                key,
                metric_rows(&tr.metrics)
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| *v),
            );
            let shown = match slack {
                Some(s) => format!("{value} ({s})"),
                None => value,
            };
            cells.push((shown, if ok { GREEN } else { RED }));
        }
        let mark = match (tr.feasible(), tr.n == f.best.n) {
            (true, true) => "✓ ← recommended",
            (false, true) => "✗ ← closest",
            (true, false) => "✓",
            (false, false) => "✗",
        };
        cells.push((mark.into(), Default::default()));
        t.row(cells);
    }
    t.write(out, 2)
}

/// What the answer is called: the recommended policy, or (no point met every target) the
/// closest one, which is no recommendation.
fn answer(f: &Found) -> (&'static str, &'static str, &'static str) {
    if f.feasible {
        ("recommended", "RECOMMENDED", "HELD-OUT RECOMMENDED")
    } else {
        ("closest", "CLOSEST", "HELD-OUT CLOSEST")
    }
}

fn write_metrics(out: &mut impl Write, f: &Found, hold: Option<&Holdout>) -> Result<(), CliError> {
    let (word, column, held_column) = answer(f);
    writeln!(
        out,
        "\n{}",
        paint(BOLD, &format!("Metrics: baseline → {word}"))
    )
    .map_err(io)?;
    let mut header = vec![("METRIC", false), ("BASELINE", true), (column, true)];
    if hold.is_some() {
        header.extend([("HELD-OUT BASELINE", true), (held_column, true)]);
    }
    let mut t = Table::new(&header);
    let base = metric_rows(&f.baseline);
    let best = metric_rows(&f.best.metrics);
    let hb = hold.map(|h| metric_rows(&h.baseline));
    let hr = hold.map(|h| metric_rows(&h.best));
    for (i, (key, b)) in base.iter().enumerate() {
        if b.is_none() && best[i].1.is_none() {
            continue;
        }
        let mut cells = vec![
            (key.to_string(), Default::default()),
            (fmt_metric(key, *b), DIM),
            (fmt_metric(key, best[i].1), BOLD),
        ];
        if let (Some(hb), Some(hr)) = (&hb, &hr) {
            cells.push((fmt_metric(key, hb[i].1), DIM));
            cells.push((fmt_metric(key, hr[i].1), Default::default()));
        }
        t.row(cells);
    }
    t.write(out, 2)?;
    if let Some(h) = hold
        && !h.unmet.is_empty()
    {
        writeln!(
            out,
            "  {}",
            paint(
                RED,
                &format!("held out, the {word} policy misses: {}", h.unmet.join(", "))
            )
        )
        .map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::target::Metrics;

    fn trial(violation: f64) -> Trial {
        Trial {
            n: 7,
            point: vec![],
            metrics: Metrics {
                users: 3,
                avg_tokens: 2100.0,
                static_share: None,
                rag_hits: None,
                truncation_rate: 0.031,
                avg_kept_score: 1234.56,
                guard_loss: None,
            },
            violation,
            objective: 0.0,
        }
    }

    /// The progress line shows the objective searched on: average tokens for cost, the kept
    /// score for quality.
    #[test]
    fn the_progress_line_shows_the_objective_being_optimized() {
        assert_eq!(
            best_line(Objective::Cost, &trial(0.0)),
            "best feasible: 2,100.0 avg tokens, truncation 3.1 % (trial 7)"
        );
        assert_eq!(
            best_line(Objective::Quality, &trial(0.2)),
            "none feasible yet; closest: kept score 1,234.6 (score-weighted tokens per user), \
             2,100.0 avg tokens, truncation 3.1 % (trial 7)"
        );
    }
}
