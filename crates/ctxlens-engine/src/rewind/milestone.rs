//! The current milestone at an instant, derived from the journey rows stored by then
//! (`user_journeys` keeps only the present).

use serde::Serialize;

use crate::MilestoneMap;
use crate::snapshot::{JourneyEntry, JourneyKind};

/// Where the milestone at `T` comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum MilestoneFrom {
    /// The newest transition at or before `T` (ties: the higher id): its `to`.
    Transition { id: String },
    /// No transition by `T`: the first milestone of the map not completed whose dependencies
    /// all are, after the completions up to `T` (`id`: the newest of them); when every
    /// milestone is completed, the newest completion's.
    Completions { id: String },
    /// A `user_journeys` row and no transition or completion by `T`: the table's default, `M0` (the map's
    /// first milestone when it has no `M0`).
    Default,
    /// No `user_journeys` row and no journey row by `T`: no milestone.
    None,
    /// `T` is the instant the data was read: `user_journeys`' current milestone is the one of
    /// `T`, read, not derived.
    Stored,
}

/// The milestone at `T` from `rows`, the journey rows stored by `T`. `journey_row`: the user
/// has a `user_journeys` row (its current milestone is the present one, not `T`'s).
pub fn milestone_at(
    rows: &[JourneyEntry],
    journey_row: bool,
    map: &MilestoneMap,
) -> (Option<String>, MilestoneFrom) {
    let newest = |kind: JourneyKind| {
        rows.iter()
            .filter(|j| j.kind == kind)
            .filter_map(|j| target(j).map(|m| (j, m)))
            .max_by(|(a, _), (b, _)| {
                a.timestamp
                    .cmp(&b.timestamp)
                    .then_with(|| row_number(&a.id).cmp(&row_number(&b.id)))
                    .then_with(|| a.id.cmp(&b.id))
            })
    };
    if let Some((j, to)) = newest(JourneyKind::Transition) {
        return (Some(to), MilestoneFrom::Transition { id: j.id.clone() });
    }
    if let Some((j, last)) = newest(JourneyKind::MilestoneData) {
        let done: std::collections::BTreeSet<String> = rows
            .iter()
            .filter(|r| r.kind == JourneyKind::MilestoneData)
            .filter_map(|r| r.milestone.clone())
            .collect();
        let next = map
            .ids()
            .find(|m| !done.contains(*m) && map.deps(m).iter().all(|d| done.contains(d)))
            .map_or(last, str::to_string);
        return (Some(next), MilestoneFrom::Completions { id: j.id.clone() });
    }
    if journey_row {
        let default = if map.contains("M0") {
            Some("M0".to_string())
        } else {
            map.ids().next().map(str::to_string)
        };
        return (default, MilestoneFrom::Default);
    }
    (None, MilestoneFrom::None)
}

/// The milestone a row is about: a transition's `data.to`, as its text and score follow it.
fn target(j: &JourneyEntry) -> Option<String> {
    j.about().map(str::to_string)
}

/// `mb:17` → 17, so that ids order as the rows were inserted.
fn row_number(id: &str) -> Option<i64> {
    id.strip_prefix("mb:")?.parse().ok()
}
