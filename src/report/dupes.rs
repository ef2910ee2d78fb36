//! Duplicates over the fleet: the users who spend the most prompt tokens on second copies (a
//! bounded list, like the most affected). Their sections are `format`'s.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

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
