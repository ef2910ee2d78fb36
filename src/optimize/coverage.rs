//! What the loaded knowledge hits answer for: the thresholds and limits a replay can move to
//! and still keep exactly what a new store search would return.

use crate::engine::{Policy, Snapshot};
use crate::store::{NEAR_MISS_MARGIN, NEAR_MISSES};

/// The largest knowledge limit a search is said to cover: a file's recorded limit past it
/// (`18446744073709551615`) is read as this.
const MAX_LIMIT: usize = 100_000;

/// The knowledge thresholds and limits the loaded hits answer for: a replay at a threshold of
/// at least `min_threshold` and a limit of at most `max_limit` keeps exactly what a new search
/// would return; outside it the store would have to search again.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub min_threshold: f64,
    pub max_limit: usize,
    /// Where the bounds come from, for the notes (`threshold − 0.3`, `the snapshot files'
    /// searches`).
    pub threshold_why: String,
    pub limit_why: String,
    /// Said once, when some users' hits say nothing of their search.
    pub note: Option<String>,
}

impl Coverage {
    /// What a store search with `policy`'s knowledge settings fetches: hits down to
    /// `threshold − 0.3`, up to `limit + 5`.
    pub fn of_policy(policy: &Policy) -> Coverage {
        let k = &policy.knowledge;
        Coverage {
            min_threshold: crate::store::near_miss_floor(k.similarity_threshold),
            max_limit: k.limit.saturating_add(NEAR_MISSES),
            threshold_why: format!("the loaded hits reach down to threshold − {NEAR_MISS_MARGIN}"),
            limit_why: format!("the loaded hits go to limit + {NEAR_MISSES}"),
            note: None,
        }
    }

    /// What the loaded users' hits cover, from the knowledge search each records: users
    /// loaded from a store were searched with the baseline's settings (the same as
    /// [`Coverage::of_policy`]); snapshot files hold what the search that wrote them fetched,
    /// whatever the policy is now. Every user must be covered, so the narrowest search bounds
    /// the space. A user with a question whose hits record no search (a file written by hand,
    /// or before files recorded it) is assumed to hold only what the baseline itself keeps:
    /// its threshold and limit bound the space, so the search may only tighten them.
    pub fn of_snapshots<'a>(
        baseline: &Policy,
        snaps: impl IntoIterator<Item = &'a Snapshot>,
    ) -> Coverage {
        let of_policy = Coverage::of_policy(baseline);
        let k = &baseline.knowledge;
        let (mut lo, mut hi): (Option<f64>, Option<usize>) = (None, None);
        let (mut recorded, mut unrecorded) = (0usize, 0usize);
        for s in snaps {
            let (t, l) = match (s.searched(), &s.query) {
                (Some(searched), _) => {
                    recorded += 1;
                    // A limit past any a policy would ask is as good as none.
                    (searched.min_similarity, searched.limit.min(MAX_LIMIT))
                }
                // No question: no search, whatever the policy.
                (None, None) => continue,
                (None, Some(_)) => {
                    unrecorded += 1;
                    (k.similarity_threshold, k.limit)
                }
            };
            lo = Some(lo.map_or(t, |x: f64| x.max(t)));
            hi = Some(hi.map_or(l, |x: usize| x.min(l)));
        }
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return of_policy;
        };
        if unrecorded == 0 && lo == of_policy.min_threshold && hi == of_policy.max_limit {
            return of_policy;
        }
        let users = |n: usize| match n {
            1 => "1 user".to_string(),
            n => format!("{n} users"),
        };
        let note = (unrecorded > 0).then(|| {
            format!(
                "the hits of {} with a question do not record the search that fetched them: \
                 for them only the baseline's own threshold {} and limit {} are known to be \
                 covered, so the search may only raise the threshold and lower the limit",
                users(unrecorded),
                k.similarity_threshold,
                k.limit
            )
        });
        let whose = match (recorded, unrecorded) {
            (_, 0) => "the users' recorded knowledge searches",
            (0, _) => "the baseline's own settings",
            _ => "the users' recorded searches and the baseline's own settings",
        };
        Coverage {
            min_threshold: lo,
            max_limit: hi,
            threshold_why: format!("the loaded hits reach down to {lo:.2} ({whose})"),
            limit_why: format!("the loaded hits go to {hi} ({whose})"),
            note,
        }
    }
}
