//! The tables of each policy's figures: tokens per layer, the layer budgets that keep every
//! candidate, the cached context, and the figures per milestone.

use crate::report::cells::{Cell, Section, Tone, opt_pct, pct, thousands};
use crate::report::{Dist, PolicySummary, Summary};

/// Tokens per layer of one side (`baseline` or `candidate`; `both` when there are two).
pub(super) fn tokens(side: &str, p: &PolicySummary, both: bool) -> Section {
    // Over no users there is no mean or percentile (not 0).
    let dist = |d: &Dist| {
        if p.users == 0 {
            return vec![Cell::none(); 4];
        }
        vec![
            Cell::num(thousands(d.mean, 1), d.mean),
            Cell::num(thousands(d.p50 as f64, 0), d.p50),
            Cell::num(thousands(d.p90 as f64, 0), d.p90),
            Cell::num(thousands(d.p99 as f64, 0), d.p99),
        ]
    };
    let mut rows: Vec<(String, Vec<Cell>)> = p
        .layers
        .iter()
        .map(|l| {
            let mut cells = vec![
                Cell::text(l.layer.clone()),
                Cell::text(l.source.clone()).tone(Tone::Dim),
                Cell::num(thousands(f64::from(l.budget), 0), l.budget),
            ];
            cells.extend(dist(&l.tokens));
            (l.layer.clone(), cells)
        })
        .collect();
    let mut total = vec![
        Cell::text("total").tone(Tone::Bold),
        Cell::text(""),
        Cell::num(thousands(f64::from(p.total_budget), 0), p.total_budget),
    ];
    total.extend(dist(&p.total_tokens));
    rows.push(("total".into(), total));
    Section {
        key: if side == "baseline" {
            "tokens_baseline"
        } else {
            "tokens_candidate"
        },
        title: if both {
            format!("Tokens per layer — {side} ({})", p.policy)
        } else {
            format!("Tokens per layer ({})", p.policy)
        },
        columns: vec![
            ("layer", "Layer".into(), false),
            ("source", "Source".into(), false),
            ("budget", "Budget".into(), true),
            ("mean", "Mean".into(), true),
            ("p50", "p50".into(), true),
            ("p90", "p90".into(), true),
            ("p99", "p99".into(), true),
        ],
        rows,
    }
}

/// Per layer: the budget at which 50 / 90 / 99 % of users keep every candidate.
pub(super) fn keeps_all(p: &PolicySummary) -> Section {
    let n = |v: usize| Cell::num(thousands(v as f64, 0), v);
    let rows = p
        .layers
        .iter()
        .filter_map(|l| {
            let k = l.keeps_all?;
            let whole = Cell::num(pct(k.users_kept_whole), k.users_kept_whole);
            let cells = vec![
                Cell::text(l.layer.clone()),
                Cell::num(thousands(f64::from(l.budget), 0), l.budget),
                whole,
                n(k.p50),
                n(k.p90),
                n(k.p99),
            ];
            Some((l.layer.clone(), cells))
        })
        .collect();
    Section {
        key: "keeps_all",
        title: format!(
            "Layer budget that keeps every candidate, by share of users ({})",
            p.policy
        ),
        columns: vec![
            ("layer", "Layer".into(), false),
            ("budget", "Budget".into(), true),
            ("users_kept_whole", "Users whole now".into(), true),
            ("p50", "50 % of users".into(), true),
            ("p90", "90 %".into(), true),
            ("p99", "99 %".into(), true),
        ],
        rows,
    }
}

/// The cached context of each side: hits, drift, unreadable and foreign caches.
pub(super) fn cache(sides: &[(&'static str, &PolicySummary)]) -> Section {
    let mut columns = vec![("measure", "Measure".to_string(), false)];
    columns.extend(
        sides
            .iter()
            .map(|(k, _)| (*k, crate::text::capitalised(k), true)),
    );
    let hit: Vec<Cell> = sides
        .iter()
        .map(|(_, p)| opt_pct((p.users > 0).then_some(p.cache_hit_rate)))
        .collect();
    let drift: Vec<Cell> = sides
        .iter()
        .map(|(_, p)| opt_pct(p.cache_drift_rate))
        .collect();
    let unreadable: Vec<Cell> = sides
        .iter()
        .map(|(_, p)| Cell::num(thousands(p.cache_unreadable as f64, 0), p.cache_unreadable))
        .collect();
    let foreign: Vec<Cell> = sides
        .iter()
        .map(|(_, p)| Cell::num(thousands(p.cache_foreign as f64, 0), p.cache_foreign))
        .collect();
    let line = |key: &str, label: &str, cells: Vec<Cell>| {
        let mut v = vec![Cell::text(label)];
        v.extend(cells);
        (key.to_string(), v)
    };
    Section {
        key: "cache",
        title: "Cached context (seed 000 ContextMetrics)".into(),
        columns,
        rows: vec![
            line("cache_hit_rate", "hit rate (a cached context present)", hit),
            line(
                "cache_drift_rate",
                "drift rate (cached ≠ replay, of hits)",
                drift,
            ),
            line("cache_unreadable", "unreadable cache values", unreadable),
            line(
                "cache_foreign",
                "caches of another user or milestone",
                foreign,
            ),
        ],
    }
}

/// The candidate's figures per milestone (and the baseline's tokens when compared).
pub(super) fn milestones(s: &Summary) -> Section {
    let compare = s.baseline.is_some();
    let mut columns = vec![
        ("milestone", "Milestone".to_string(), false),
        ("users", "Users".to_string(), true),
    ];
    if compare {
        columns.push(("baseline_avg_tokens", "Avg tokens (base)".into(), true));
    }
    columns.push(("avg_tokens", "Avg tokens".into(), true));
    columns.push(("truncation_rate", "Truncation".into(), true));
    columns.push(("rag_hit_rate", "RAG hits".into(), true));
    if compare {
        columns.push(("users_changed", "Changed".into(), true));
    }
    let rows = s
        .milestones
        .iter()
        .map(|m| {
            let name = crate::report::milestone_name(m.milestone.as_deref());
            let mut cells = vec![
                Cell::milestone(name.clone()),
                Cell::num(thousands(m.users as f64, 0), m.users),
            ];
            if let Some(b) = &m.baseline {
                cells.push(Cell::num(
                    thousands(b.avg_context_tokens, 1),
                    b.avg_context_tokens,
                ));
            }
            let c = &m.candidate;
            cells.push(Cell::num(
                thousands(c.avg_context_tokens, 1),
                c.avg_context_tokens,
            ));
            cells.push(Cell::num(pct(c.truncation_rate), c.truncation_rate));
            cells.push(opt_pct(c.rag_hit_rate));
            if let Some(n) = m.users_changed {
                cells.push(Cell::num(thousands(n as f64, 0), n));
            }
            (crate::report::milestone_key(m.milestone.as_deref()), cells)
        })
        .collect();
    Section {
        key: "milestones",
        title: "Per milestone (candidate)".into(),
        columns,
        rows,
    }
}
