//! The sections of a comparison: the change summary, the most affected users and their items.

use super::Changes;
use super::cells::{Cell, Section, Tone, row, thousands};

/// The change summary, then the most affected users, then their changed items.
pub(super) fn sections(c: &Changes) -> [Section; 3] {
    [summary(c), affected(c), affected_items(c)]
}

/// Users compared and changed, tokens newly dropped and added.
fn summary(c: &Changes) -> Section {
    Section {
        key: "changes",
        title: "Change, baseline → candidate".into(),
        columns: vec![
            ("measure", "Measure".into(), false),
            ("value", "Value".into(), true),
        ],
        rows: vec![
            row(
                "users_compared",
                "users compared",
                Cell::num(thousands(c.users_compared as f64, 0), c.users_compared),
            ),
            row(
                "users_changed",
                "users whose context changes",
                Cell::num(thousands(c.users_changed as f64, 0), c.users_changed).tone(
                    if c.users_changed > 0 {
                        Tone::Bold
                    } else {
                        Tone::Plain
                    },
                ),
            ),
            row(
                "tokens_newly_dropped",
                "tokens newly dropped",
                Cell::num(
                    thousands(c.tokens_newly_dropped as f64, 0),
                    c.tokens_newly_dropped,
                ),
            ),
            row(
                "tokens_newly_added",
                "tokens newly added",
                Cell::num(
                    thousands(c.tokens_newly_added as f64, 0),
                    c.tokens_newly_added,
                ),
            ),
        ],
    }
}

fn affected(c: &Changes) -> Section {
    Section {
        key: "most_affected",
        title: if c.most_affected.is_empty() {
            "Most affected users: none (no user's context changed)".to_string()
        } else {
            format!(
                "Most affected users (top {} by tokens newly dropped)",
                c.most_affected.len()
            )
        },
        columns: vec![
            ("user_id", "User".into(), false),
            ("milestone", "Milestone".into(), false),
            ("tokens_newly_dropped", "Dropped".into(), true),
            ("tokens_newly_added", "Added".into(), true),
            ("items_changed", "Items changed".into(), true),
        ],
        rows: c
            .most_affected
            .iter()
            .map(|a| {
                (
                    crate::text::shown_id(&a.user_id).into_owned(),
                    vec![
                        Cell::id(&a.user_id).tone(Tone::Bold),
                        Cell::milestone(a.milestone.clone().unwrap_or_default()),
                        Cell::num(
                            thousands(a.tokens_newly_dropped as f64, 0),
                            a.tokens_newly_dropped,
                        )
                        .tone(if a.tokens_newly_dropped > 0 {
                            Tone::Fail
                        } else {
                            Tone::Plain
                        }),
                        Cell::num(
                            thousands(a.tokens_newly_added as f64, 0),
                            a.tokens_newly_added,
                        ),
                        Cell::num(a.items.len().to_string(), a.items.len()),
                    ],
                )
            })
            .collect(),
    }
}

fn fate(f: Option<&super::Fate>) -> Cell {
    match f {
        None => Cell::text("—").tone(Tone::Dim),
        Some(f) => {
            let shown = match f.reason {
                Some(r) => format!("{} {} ({})", f.decision.as_str(), f.kept_tokens, r.as_str()),
                None => format!("{} {}", f.decision.as_str(), f.kept_tokens),
            };
            let tone = match f.decision {
                crate::engine::Decision::Kept => Tone::Pass,
                crate::engine::Decision::Truncated => Tone::Plain,
                crate::engine::Decision::Dropped => Tone::Fail,
            };
            Cell {
                raw: shown.clone(),
                shown,
                tone,
            }
        }
    }
}

fn affected_items(c: &Changes) -> Section {
    Section {
        key: "changed_items",
        title: "Items that changed, for those users".into(),
        columns: vec![
            ("user_id", "User".into(), false),
            ("item", "Item".into(), false),
            ("layer", "Layer".into(), false),
            ("before", "Baseline".into(), false),
            ("after", "Candidate".into(), false),
        ],
        rows: c
            .most_affected
            .iter()
            .flat_map(|a| {
                a.items.iter().map(|i| {
                    (
                        format!("{}/{}", crate::text::shown_id(&a.user_id), i.id),
                        vec![
                            Cell::id(&a.user_id),
                            Cell::text(i.id.clone()),
                            Cell::text(i.layer.clone()).tone(Tone::Dim),
                            fate(i.before.as_ref()),
                            fate(i.after.as_ref()),
                        ],
                    )
                })
            })
            .collect(),
    }
}
