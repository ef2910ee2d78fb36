//! Measuring a policy on a loaded fleet: every user replayed (decisions only), boiled down and
//! added up by the report's own [`UserOutcome`] and [`Tally`], on every core.

use std::collections::HashMap;
use std::sync::Arc;

use super::target::Metrics;
use crate::engine::{Engine, Policy, Snapshot};
use crate::report::{RunInfo, Tally, UserOutcome};

/// Users held in memory for many replays, and what `--guard` compares against.
pub struct Fleet {
    pub snaps: Vec<Arc<Snapshot>>,
    guard: Option<GuardBase>,
}

/// Per user, the baseline's kept tokens of each item scoring at least `min_score`.
struct GuardBase {
    kept: Vec<Vec<(String, usize)>>,
}

impl Fleet {
    pub fn new(snaps: Vec<Arc<Snapshot>>) -> Self {
        Fleet { snaps, guard: None }
    }

    /// Records what the baseline keeps of items scoring at least `min_score`, for `--guard`.
    pub fn with_guard(mut self, engine: &Engine, baseline: &Policy, min_score: f64) -> Self {
        let kept = self
            .snaps
            .iter()
            .map(|s| {
                engine
                    .assemble_decisions(s, baseline)
                    .items
                    .into_iter()
                    .filter(|i| i.score >= min_score && i.kept_tokens > 0)
                    .map(|i| (i.id, i.kept_tokens))
                    .collect()
            })
            .collect();
        self.guard = Some(GuardBase { kept });
        self
    }

    pub fn len(&self) -> usize {
        self.snaps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.snaps.is_empty()
    }

    /// `policy`'s metrics over these users. Deterministic: users are split into fixed chunks
    /// and the chunks' tallies merged in order.
    pub fn measure(&self, engine: &Engine, policy: &Policy) -> Metrics {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = self.snaps.len().div_ceil(workers).max(1);
        let parts: Vec<(Tally, Option<usize>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .snaps
                .chunks(chunk)
                .enumerate()
                .map(|(c, snaps)| {
                    scope.spawn(move || self.measure_chunk(engine, policy, c * chunk, snaps))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| (Tally::new(0, false), None)))
                .collect()
        });
        let mut tally = Tally::new(0, false);
        let mut loss: Option<usize> = None;
        for (t, l) in parts {
            tally.merge(t);
            loss = match (loss, l) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        let summary = tally.summary(policy, None, RunInfo::default());
        Metrics::of(&summary.candidate, loss)
    }

    fn measure_chunk(
        &self,
        engine: &Engine,
        policy: &Policy,
        first: usize,
        snaps: &[Arc<Snapshot>],
    ) -> (Tally, Option<usize>) {
        let mut tally = Tally::new(0, false);
        let mut worst = self.guard.as_ref().map(|_| 0);
        for (k, snap) in snaps.iter().enumerate() {
            let a = engine.assemble_decisions(snap, policy);
            if let Some(g) = &self.guard {
                let base = g.kept.get(first + k).map_or(&[][..], Vec::as_slice);
                let now: HashMap<&str, usize> = a
                    .items
                    .iter()
                    .map(|i| (i.id.as_str(), i.kept_tokens))
                    .collect();
                let lost: usize = base
                    .iter()
                    .map(|(id, kept)| {
                        kept.saturating_sub(now.get(id.as_str()).copied().unwrap_or(0))
                    })
                    .sum();
                worst = worst.map(|w| w.max(lost));
            }
            // A trial's tally gives figures; its messages are never shown.
            tally.add(UserOutcome::of(snap, (policy, &a), None, None));
        }
        (tally, worst)
    }
}

/// Splits users into (optimized on, held out): a user is held out when a hash of the seed and
/// its id falls below `share`, so the split is the same for the same seed whatever the order.
/// With more than one user at least one is optimized on: when the hash holds out every user,
/// the one whose hash is the highest (the nearest to staying in) is kept for the search.
pub fn split(
    snaps: Vec<Arc<Snapshot>>,
    share: f64,
    seed: u64,
) -> (Vec<Arc<Snapshot>>, Vec<Arc<Snapshot>>) {
    if share <= 0.0 {
        return (snaps, Vec::new());
    }
    let position = |s: &Snapshot| {
        let mut key = seed.to_le_bytes().to_vec();
        key.extend_from_slice(s.user_id.as_bytes());
        xxhash_rust::xxh3::xxh3_64(&key) as f64 / u64::MAX as f64
    };
    let (mut train, mut held): (Vec<_>, Vec<_>) =
        snaps.into_iter().partition(|s| position(s) >= share);
    if train.is_empty() && held.len() > 1 {
        let keep = held
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| {
                position(a)
                    .total_cmp(&position(b))
                    .then_with(|| b.user_id.cmp(&a.user_id))
            })
            .map(|(i, _)| i);
        if let Some(i) = keep {
            train.push(held.remove(i));
        }
    }
    (train, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(n: usize) -> Vec<Arc<Snapshot>> {
        (0..n)
            .map(|i| {
                let json = serde_json::json!({ "user_id": format!("u{i}"), "now": "2025-01-15T12:00:00Z" });
                Arc::new(serde_json::from_value(json).expect("snapshot"))
            })
            .collect()
    }

    #[test]
    fn a_holdout_leaves_at_least_one_user_to_optimize_on() {
        // Nearly every user is held out at 0.94: some seed's hash holds out all three.
        let held_by_hash = |s: u64, u: &Snapshot| {
            let mut key = s.to_le_bytes().to_vec();
            key.extend_from_slice(u.user_id.as_bytes());
            (xxhash_rust::xxh3::xxh3_64(&key) as f64 / u64::MAX as f64) < 0.94
        };
        let seed = (0..10_000u64)
            .find(|&s| users(3).iter().all(|u| held_by_hash(s, u)))
            .expect("a seed that holds out every user");
        let (train, held) = split(users(3), 0.94, seed);
        assert_eq!((train.len(), held.len()), (1, 2));
        // The same user whatever the order.
        let mut rev = users(3);
        rev.reverse();
        let (again, _) = split(rev, 0.94, seed);
        assert_eq!(again[0].user_id, train[0].user_id);
        // One user alone may still be held out: there is nothing to keep back then.
        let lone = (0..10_000u64)
            .find(|&s| split(users(1), 0.9, s).0.is_empty())
            .expect("a seed that holds out the one user");
        assert_eq!(split(users(1), 0.9, lone).1.len(), 1);
    }
}
