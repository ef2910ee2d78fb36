//! The knowledge sections of a report: RAG hits by the users' milestone, knowledge use by the
//! rows' milestone, and the dead rows (never retrieved; retrieved but never kept).

use super::cells::{Cell, Section, Tone, opt_pct, thousands};
use super::knowledge::{KnowledgeCounts, KnowledgeGroup, KnowledgeSummary};
use super::{MilestoneFigures, Summary};

/// Display columns a title takes in a table.
const TITLE_COLUMNS: usize = 30;

/// The knowledge sections, in reading order (none when the candidate has no knowledge layer).
pub fn sections(s: &Summary) -> Vec<Section> {
    let Some(k) = &s.knowledge else {
        return Vec::new();
    };
    let mut out = vec![rag_by_milestone(s), use_by_milestone(k)];
    if let Some(caveat) = &k.catalogue_caveat {
        out.push(Section {
            key: "knowledge_caveat",
            title: "Knowledge rows: what this report cannot know".into(),
            columns: vec![("caveat", "Caveat".into(), false)],
            rows: vec![("0".into(), vec![Cell::text(caveat.clone()).tone(Tone::Dim)])],
        });
    }
    out.push(dead_rows(k));
    out
}

fn count(v: u64) -> Cell {
    Cell::num(thousands(v as f64, 0), v)
}

fn opt_count(v: Option<u64>) -> Cell {
    v.map_or_else(Cell::none, count)
}

/// Per user milestone: seed 003's RAG hit rate (users whose prompt kept a hit, of those
/// searched), and the hits the budget let through (kept of retrieved).
fn rag_by_milestone(s: &Summary) -> Section {
    let rows = s
        .milestones
        .iter()
        .map(|m| {
            let name = crate::report::milestone_name(m.milestone.as_deref());
            let c: &MilestoneFigures = &m.candidate;
            let cells = vec![
                Cell::milestone(name),
                count(m.users),
                opt_pct(c.rag_hit_rate),
                count(c.rag_hits_retrieved),
                count(c.rag_hits_kept),
                opt_pct(c.rag_kept_share),
            ];
            (crate::report::milestone_key(m.milestone.as_deref()), cells)
        })
        .collect();
    Section {
        key: "rag_by_milestone",
        title: format!("RAG hits by user milestone ({})", s.candidate.policy),
        columns: vec![
            ("milestone", "Milestone".into(), false),
            ("users", "Users".into(), true),
            ("rag_hit_rate", "RAG hits".into(), true),
            ("rag_hits_retrieved", "Hits retrieved".into(), true),
            ("rag_hits_kept", "Hits kept".into(), true),
            ("rag_kept_share", "Kept share".into(), true),
        ],
        rows,
    }
}

fn counts_cells(label: Cell, c: &KnowledgeCounts) -> Vec<Cell> {
    let dead = c.retrieved_never_kept;
    let never = c.never_retrieved;
    vec![
        label,
        opt_count(c.rows),
        count(c.retrieved),
        count(c.kept),
        opt_count(never).tone(if never.is_some_and(|n| n > 0) {
            Tone::Fail
        } else {
            Tone::Plain
        }),
        count(dead).tone(if dead > 0 { Tone::Fail } else { Tone::Plain }),
    ]
}

fn row_milestone(m: &Option<String>) -> String {
    m.clone().unwrap_or_else(|| "(general)".into())
}

/// Per row milestone: rows, retrieved, kept, never retrieved, retrieved but never kept.
fn use_by_milestone(k: &KnowledgeSummary) -> Section {
    let mut rows: Vec<(String, Vec<Cell>)> = k
        .milestones
        .iter()
        .map(|g| {
            let label = Cell::milestone(row_milestone(&g.milestone));
            (row_milestone(&g.milestone), counts_cells(label, &g.counts))
        })
        .collect();
    let total = Cell::text("total").tone(Tone::Bold);
    rows.push(("total".into(), counts_cells(total, &k.total)));
    Section {
        key: "knowledge_use",
        title: format!("Knowledge rows by their milestone ({})", k.policy),
        columns: vec![
            ("milestone", "Row milestone".into(), false),
            ("rows", "Rows".into(), true),
            ("retrieved", "Retrieved".into(), true),
            ("kept", "Kept".into(), true),
            ("never_retrieved", "Never retrieved".into(), true),
            ("retrieved_never_kept", "Retrieved, never kept".into(), true),
        ],
        rows,
    }
}

/// The dead rows listed, per row milestone: never retrieved first, then retrieved but never kept.
fn dead_rows(k: &KnowledgeSummary) -> Section {
    let rows = k.milestones.iter().flat_map(group_rows).collect();
    Section {
        key: "dead_knowledge",
        title: format!(
            "Dead knowledge (at most {} rows of each kind per milestone)",
            k.listed_per_milestone
        ),
        columns: vec![
            ("milestone", "Row milestone".into(), false),
            ("title", "Title".into(), false),
            ("state", "State".into(), false),
        ],
        rows,
    }
}

fn group_rows(g: &KnowledgeGroup) -> Vec<(String, Vec<Cell>)> {
    let never = g.never_retrieved_rows.iter().map(|r| {
        let state = if r.unscorable {
            "never retrieved: its embedding cannot be scored"
        } else if r.unreadable {
            "never retrieved: returned unreadable (see Unreadable data)"
        } else {
            "never retrieved"
        };
        (r, Cell::text(state).tone(Tone::Fail))
    });
    let dead = g.retrieved_never_kept_rows.iter().map(|r| {
        let state = format!("retrieved {}×, never kept", r.users_retrieved);
        (r, Cell::text(state).tone(Tone::Fail))
    });
    never
        .chain(dead)
        .map(|(r, state)| {
            let title = Cell {
                shown: format!(
                    "{} {}",
                    crate::text::inert_line(&r.id),
                    crate::text::fit(&r.title, TITLE_COLUMNS)
                ),
                raw: r.title.clone(),
                tone: Tone::Plain,
            };
            let cells = vec![Cell::milestone(row_milestone(&g.milestone)), title, state];
            (r.id.clone(), cells)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::knowledge::KnowledgeRowRef;

    /// A row never retrieved because no search can score its embedding says so: tuning the
    /// threshold will never bring it back.
    #[test]
    fn a_never_retrieved_row_that_cannot_be_scored_says_why() {
        let row = |id: &str, unscorable: bool| KnowledgeRowRef {
            id: id.into(),
            title: format!("title {id}"),
            users_retrieved: 0,
            unscorable,
            unreadable: false,
        };
        let returned_unreadable = KnowledgeRowRef {
            unreadable: true,
            ..row("kn:902", false)
        };
        let g = KnowledgeGroup {
            milestone: Some("M4".into()),
            counts: Default::default(),
            never_retrieved_rows: vec![
                row("kn:1", false),
                row("kn:901", true),
                returned_unreadable,
            ],
            retrieved_never_kept_rows: Vec::new(),
        };
        let states: Vec<String> = group_rows(&g)
            .into_iter()
            .map(|(_, cells)| cells[2].shown.clone())
            .collect();
        assert_eq!(
            states,
            [
                "never retrieved",
                "never retrieved: its embedding cannot be scored",
                "never retrieved: returned unreadable (see Unreadable data)"
            ]
        );
        let json = serde_json::to_value(&g.never_retrieved_rows).expect("JSON");
        assert_eq!(
            (json[0].get("unscorable"), &json[1]["unscorable"]),
            (None, &serde_json::Value::Bool(true))
        );
    }
}
