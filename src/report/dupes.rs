//! Duplicates over the fleet: tokens the prompts spend on second copies, their share, and the
//! users who spend the most (a bounded list, like the most affected).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::format::{Cell, Section, Tone, thousands};
use super::{PolicySummary, Summary};

/// How many most-duplicated users a report lists.
pub const DUP_TOP: usize = 10;

/// A user among those who spend the most on second copies (under the candidate policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DupOffender {
    pub user_id: String,
    pub milestone: Option<String>,
    /// Duplicate pairs found.
    pub pairs: usize,
    /// Prompt tokens spent on second copies.
    pub spent_tokens: usize,
    pub total_tokens: usize,
}

impl DupOffender {
    /// More spent first, then more pairs, then user id ascending.
    fn rank(&self) -> (Reverse<usize>, Reverse<usize>, &str) {
        (
            Reverse(self.spent_tokens),
            Reverse(self.pairs),
            &self.user_id,
        )
    }
}

impl Ord for DupOffender {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for DupOffender {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The most duplicated users seen so far: a max-heap by rank whose top is the least kept.
#[derive(Debug, Clone, Default)]
pub struct DupTop {
    heap: BinaryHeap<DupOffender>,
}

impl DupTop {
    /// Offers a user with duplicates; users without any are never listed.
    pub fn offer(&mut self, o: DupOffender) {
        if o.pairs == 0 {
            return;
        }
        if self.heap.len() < DUP_TOP {
            self.heap.push(o);
        } else if self.heap.peek().is_some_and(|worst| o < *worst) {
            self.heap.pop();
            self.heap.push(o);
        }
    }

    pub fn merge(&mut self, other: DupTop) {
        for o in other.heap {
            self.offer(o);
        }
    }

    /// Most duplicated first.
    pub fn sorted(&self) -> Vec<DupOffender> {
        let mut v = self.heap.clone().into_vec();
        v.sort();
        v
    }
}

/// The duplicates section: tokens on second copies, their share, users with copies.
pub fn section(s: &Summary) -> Section {
    let sides: Vec<(&'static str, &PolicySummary)> = s
        .baseline
        .iter()
        .map(|b| ("baseline", b))
        .chain([("candidate", &s.candidate)])
        .collect();
    let mut columns = vec![("measure", "Measure".to_string(), false)];
    columns.extend(sides.iter().map(|(k, _)| {
        let mut c = k.chars();
        let title = c
            .next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default();
        (*k, title, true)
    }));
    let line = |key: &str, label: &str, f: &dyn Fn(&PolicySummary) -> Cell| {
        let mut v = vec![Cell::text(label)];
        v.extend(sides.iter().map(|(_, p)| f(p)));
        (key.to_string(), v)
    };
    Section {
        key: "duplicates",
        title: "Duplicates (tokens spent on second copies)".into(),
        columns,
        rows: vec![
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
        ],
    }
}

/// The users who spend the most on second copies, under the candidate.
pub fn offenders(s: &Summary) -> Section {
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
                    o.user_id.clone(),
                    vec![
                        Cell::text(o.user_id.clone()),
                        Cell::text(o.milestone.clone().unwrap_or_else(|| "—".into())),
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
