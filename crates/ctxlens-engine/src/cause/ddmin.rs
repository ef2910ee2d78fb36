//! Delta debugging (ddmin): the smallest set of changes that still reproduces an outcome, found by
//! testing subsets, halving first, then complements, then finer splits.

use std::collections::HashMap;

/// What ddmin found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minimal {
    /// Indices of the changes, ascending. 1-minimal when `complete`: removing any one of them
    /// loses the outcome.
    pub set: Vec<usize>,
    /// Subsets tested (each one replay).
    pub tests: usize,
    /// False when the test budget ran out first (`set` still reproduces the outcome).
    pub complete: bool,
}

/// The smallest subset of `0..n` for which `test` holds, given that it holds for all of them;
/// at most `limit` subsets are tested, none once `stop` says so (the caller's time budget: the
/// engine reads no clock).
pub fn ddmin(
    n: usize,
    limit: usize,
    stop: &dyn Fn() -> bool,
    mut test: impl FnMut(&[usize]) -> bool,
) -> Minimal {
    let mut seen: HashMap<Vec<usize>, bool> = HashMap::new();
    let mut tests = 0;
    let mut check = |set: &[usize], tests: &mut usize| -> Option<bool> {
        if let Some(&r) = seen.get(set) {
            return Some(r);
        }
        if *tests >= limit || stop() {
            return None;
        }
        *tests += 1;
        let r = test(set);
        seen.insert(set.to_vec(), r);
        Some(r)
    };
    let mut set: Vec<usize> = (0..n).collect();
    let mut parts = 2;
    while set.len() >= 2 {
        let chunks = split(&set, parts);
        // Each chunk (then reduce to it), then, past two chunks, each complement (then drop
        // that chunk and go on at one part fewer).
        let complements = (0..chunks.len()).filter(|_| chunks.len() > 2).map(|k| {
            let rest: Vec<usize> = chunks
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .flat_map(|(_, c)| c.iter().copied())
                .collect();
            (rest, (parts - 1).max(2))
        });
        let candidates = chunks.iter().map(|c| (c.clone(), 2)).chain(complements);
        let mut next = None;
        for (candidate, next_parts) in candidates {
            match check(&candidate, &mut tests) {
                Some(true) => {
                    next = Some((candidate, next_parts));
                    break;
                }
                Some(false) => {}
                None => {
                    return Minimal {
                        set,
                        tests,
                        complete: false,
                    };
                }
            }
        }
        match next {
            Some((s, p)) => {
                set = s;
                parts = p;
            }
            None if parts >= set.len() => break,
            None => parts = (parts * 2).min(set.len()),
        }
    }
    Minimal {
        set,
        tests,
        complete: true,
    }
}

/// `set` in `parts` contiguous chunks of near-equal size.
fn split(set: &[usize], parts: usize) -> Vec<Vec<usize>> {
    let parts = parts.min(set.len()).max(1);
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 0..parts {
        let end = start + (set.len() - start) / (parts - k);
        out.push(set[start..end].to_vec());
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_the_one_change_that_matters() {
        let m = ddmin(8, 100, &|| false, |s| s.contains(&5));
        assert_eq!(m.set, [5]);
        assert!(m.complete);
    }

    #[test]
    fn finds_a_pair_that_matters_only_together() {
        let m = ddmin(10, 1000, &|| false, |s| s.contains(&2) && s.contains(&7));
        assert_eq!(m.set, [2, 7]);
    }

    #[test]
    fn a_budget_that_runs_out_says_so_and_keeps_a_reproducing_set() {
        let m = ddmin(64, 3, &|| false, |s| s.contains(&2) && s.contains(&60));
        assert!(!m.complete);
        assert!(m.set.contains(&2) && m.set.contains(&60));
        assert!(m.tests <= 3);
    }

    proptest! {
        /// Whatever set of changes the outcome needs (all of `need` present), ddmin returns
        /// exactly it: it reproduces the outcome and dropping any member loses it.
        #[test]
        fn the_result_is_the_needed_set(n in 1usize..40, picks in proptest::collection::vec(0usize..40, 1..5)) {
            let need: Vec<usize> = {
                let mut v: Vec<usize> = picks.into_iter().map(|p| p % n).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let m = ddmin(n, 10_000, &|| false, |s| need.iter().all(|x| s.contains(x)));
            prop_assert!(m.complete);
            prop_assert_eq!(m.set, need);
        }
    }

    #[test]
    fn a_stop_ends_the_search_with_what_reproduces() {
        let m = ddmin(64, 10_000, &|| true, |s| s.contains(&2));
        assert!(!m.complete);
        assert_eq!(m.tests, 0);
        assert_eq!(m.set.len(), 64, "all changes still reproduce it");
    }
}
