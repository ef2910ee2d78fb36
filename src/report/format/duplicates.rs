//! The duplicates sections: tokens spent on second copies, and the users with the most.

use super::*;

/// Duplicates: tokens on second copies, their share, users with copies.
pub(super) fn duplicates(s: &Summary) -> Section {
    let sides = sides(s);
    let mut columns = vec![("measure", "Measure".to_string(), false)];
    columns.extend(
        sides
            .iter()
            .map(|(k, _)| (*k, crate::text::capitalised(k), true)),
    );
    let line = |key: &str, label: &str, f: &dyn Fn(&PolicySummary) -> Cell| {
        let mut v = vec![Cell::text(label)];
        v.extend(sides.iter().map(|(_, p)| f(p)));
        (key.to_string(), v)
    };
    let mut rows = vec![
        line("duplicate_tokens", "tokens on second copies", &|p| {
            Cell::num(thousands(p.duplicate_tokens as f64, 0), p.duplicate_tokens)
        }),
        line("duplicate_share", "share of prompt tokens", &|p| {
            Cell::num(
                format!("{:.1} %", p.duplicate_share * 100.0),
                p.duplicate_share,
            )
        }),
        line("users_with_duplicates", "users with duplicates", &|p| {
            Cell::num(
                thousands(p.users_with_duplicates as f64, 0),
                p.users_with_duplicates,
            )
        }),
    ];
    // Only when the screening's bound was reached somewhere: the figures above may then be low.
    if sides.iter().any(|(_, p)| p.users_near_unscreened > 0) {
        rows.push(line(
            "users_near_unscreened",
            "users not fully screened for near copies",
            &|p| {
                Cell::num(
                    thousands(p.users_near_unscreened as f64, 0),
                    p.users_near_unscreened,
                )
            },
        ));
    }
    Section {
        key: "duplicates",
        title: "Duplicates (tokens spent on second copies)".into(),
        columns,
        rows,
    }
}

/// The users who spend the most on second copies, under the candidate.
pub(super) fn duplicated_users(s: &Summary) -> Section {
    Section {
        key: "duplicated_users",
        title: format!("Most duplicated users ({})", s.duplicated_users.len()),
        columns: vec![
            ("user", "User".into(), false),
            ("milestone", "Milestone".into(), false),
            ("pairs", "Pairs".into(), true),
            ("spent_tokens", "Spent on copies".into(), true),
            ("total_tokens", "Prompt tokens".into(), true),
        ],
        rows: s
            .duplicated_users
            .iter()
            .map(|o| {
                (
                    crate::text::shown_id(&o.user_id).into_owned(),
                    vec![
                        Cell::id(&o.user_id),
                        Cell::milestone(o.milestone.clone().unwrap_or_else(|| "—".into())),
                        Cell::num(o.pairs.to_string(), o.pairs),
                        Cell::num(thousands(o.spent_tokens as f64, 0), o.spent_tokens)
                            .tone(Tone::Bold),
                        Cell::num(thousands(o.total_tokens as f64, 0), o.total_tokens),
                    ],
                )
            })
            .collect(),
    }
}
