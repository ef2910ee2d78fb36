//! A user's timeline: the instants at which their stored data changed (journey rows, turns),
//! the stops time travel steps through.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::snapshot::{JourneyEntry, JourneyKind, SessionEntry, Snapshot, rfc3339};

/// One instant of the timeline and what was stored then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    #[serde(with = "rfc3339")]
    pub at: DateTime<Utc>,
    /// The items stored at that instant (`mb:12`, `s1#3`), journey rows first.
    pub ids: Vec<String>,
    /// What happened, in ids and milestones only (no stored text): `transition → M3`,
    /// `completed M2`, `business DNA`, `turn s1#3`; several joined by `, `, past four the first
    /// three and `and N more`.
    pub label: String,
}

/// The dated journey rows and readable turns of `snap`, one moment per distinct instant,
/// oldest first.
pub fn moments(snap: &Snapshot) -> Vec<Moment> {
    let sid = snap.session_id.as_deref().unwrap_or("session");
    moments_of(&snap.journey, &[(sid, &snap.session)])
}

/// [`moments`] of journey rows and several sessions (`(session id, stored entries)`).
pub fn moments_of(journey: &[JourneyEntry], sessions: &[(&str, &[SessionEntry])]) -> Vec<Moment> {
    let mut events: Vec<(DateTime<Utc>, u8, String, String)> = Vec::new();
    for j in journey {
        let Some(at) = j.timestamp else { continue };
        let m = j.about().unwrap_or("?");
        let label = match j.kind {
            JourneyKind::BusinessDna => "business DNA".to_string(),
            JourneyKind::MilestoneData => format!("completed {m}"),
            JourneyKind::Transition => format!("transition → {m}"),
        };
        events.push((at, 0, j.id.clone(), label));
    }
    for (sid, entries) in sessions {
        for (i, e) in entries.iter().enumerate() {
            if let Ok(t) = &e.turn {
                let id = format!("{sid}#{i}");
                events.push((t.timestamp, 1, id.clone(), format!("turn {id}")));
            }
        }
    }
    // By instant, journey rows first; at one instant in stored order (`s1#9` before `s1#10`).
    events.sort_by_key(|(at, kind, ..)| (*at, *kind));
    // Each instant's distinct labels, in order (a set beside them: an instant may hold
    // thousands of turns, and looking each label up in the joined text would be quadratic).
    let mut out: Vec<(Moment, Vec<String>, HashSet<String>)> = Vec::new();
    for (at, _, id, label) in events {
        match out.last_mut() {
            Some((m, labels, seen)) if m.at == at => {
                m.ids.push(id);
                if seen.insert(label.clone()) {
                    labels.push(label);
                }
            }
            _ => out.push((
                Moment {
                    at,
                    ids: vec![id],
                    label: String::new(),
                },
                vec![label.clone()],
                HashSet::from([label]),
            )),
        }
    }
    out.into_iter()
        .map(|(mut m, labels, _)| {
            m.label = joined(&labels);
            m
        })
        .collect()
}

/// The labels an instant shows at most; the rest are counted.
const LABELS_SHOWN: usize = 4;

/// `a, b, c`, or past [`LABELS_SHOWN`], the first of them `and N more`.
fn joined(labels: &[String]) -> String {
    if labels.len() <= LABELS_SHOWN {
        return labels.join(", ");
    }
    format!(
        "{} and {} more",
        labels[..LABELS_SHOWN - 1].join(", "),
        labels.len() - (LABELS_SHOWN - 1)
    )
}
