//! A line diff of two prompts (baseline → tuned on the Prompt screen; two moments or policies in
//! `ctxlens diff`), and the in-order alignment under it: the longest common subsequence, after
//! the common head and tail are set aside.

/// What happened to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
}

impl Change {
    /// The mark in front of the line: colour is never the only sign.
    pub fn mark(self) -> &'static str {
        match self {
            Change::Same => "  ",
            Change::Removed => "- ",
            Change::Added => "+ ",
        }
    }
}

/// Cells of the table beyond which the middle is aligned greedily (see [`nearby`]), not on a
/// longest common subsequence.
const MAX_CELLS: usize = 4_000_000;

/// How far ahead [`nearby`] looks for the next match on either side.
const LOOKAHEAD: usize = 64;

/// The lines of `before` and `after` in order, each marked same, removed or added.
pub fn diff_lines<'a>(before: &'a str, after: &'a str) -> Vec<(Change, &'a str)> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    align(a.len(), b.len(), |i, j| a[i] == b[j])
        .into_iter()
        .map(|pair| match pair {
            (Some(i), Some(_)) => (Change::Same, a[i]),
            (Some(i), None) => (Change::Removed, a[i]),
            (None, Some(j)) => (Change::Added, b[j]),
            (None, None) => unreachable!("align pairs at least one side"),
        })
        .collect()
}

/// Two sequences of `n` and `m` elements aligned in order: `(Some(i), Some(j))` where `a[i]`
/// and `b[j]` are matched (`same(i, j)`, on a longest common subsequence after the common head
/// and tail are set aside), `(Some(i), None)` for an element only `a` has, `(None, Some(j))`
/// for one only `b` has; removals before additions where both happen.
pub fn align(
    n: usize,
    m: usize,
    same: impl Fn(usize, usize) -> bool,
) -> Vec<(Option<usize>, Option<usize>)> {
    let head = (0..n.min(m)).take_while(|&k| same(k, k)).count();
    let tail = (0..(n - head).min(m - head))
        .take_while(|&k| same(n - 1 - k, m - 1 - k))
        .count();
    let mut out: Vec<(Option<usize>, Option<usize>)> =
        (0..head).map(|k| (Some(k), Some(k))).collect();
    let (mid_a, mid_b) = (head..n - tail, head..m - tail);
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_CELLS {
        out.extend(nearby(mid_a, mid_b, &same));
    } else {
        out.extend(middle(mid_a, mid_b, &same));
    }
    out.extend((0..tail).rev().map(|k| (Some(n - 1 - k), Some(m - 1 - k))));
    out
}

/// A greedy alignment of long ranges, in time linear in their length: matched where equal,
/// else to the nearest match within [`LOOKAHEAD`] on either side (what lies before it removed
/// or added), else one element removed and one added. Edits, insertions and removals scattered
/// along two long sequences (a session of thousands of turns) align as they happened; only a
/// block moved further than the look-ahead shows as removed and added.
fn nearby(
    ra: std::ops::Range<usize>,
    rb: std::ops::Range<usize>,
    same: &impl Fn(usize, usize) -> bool,
) -> Vec<(Option<usize>, Option<usize>)> {
    let (mut i, mut j) = (ra.start, rb.start);
    let mut out = Vec::with_capacity(ra.len() + rb.len());
    while i < ra.end && j < rb.end {
        if same(i, j) {
            out.push((Some(i), Some(j)));
            (i, j) = (i + 1, j + 1);
            continue;
        }
        // The nearest match: the smallest skip on either side (removals before additions).
        let found = (1..=LOOKAHEAD).find_map(|k| {
            if i + k < ra.end && same(i + k, j) {
                Some((k, 0))
            } else if j + k < rb.end && same(i, j + k) {
                Some((0, k))
            } else {
                None
            }
        });
        let (skip_a, skip_b) = found.unwrap_or((1, 1));
        out.extend((i..i + skip_a).map(|x| (Some(x), None)));
        out.extend((j..j + skip_b).map(|y| (None, Some(y))));
        (i, j) = (i + skip_a, j + skip_b);
    }
    out.extend((i..ra.end).map(|x| (Some(x), None)));
    out.extend((j..rb.end).map(|y| (None, Some(y))));
    out
}

/// The LCS alignment of the ranges `ra` of `a` and `rb` of `b`.
fn middle(
    ra: std::ops::Range<usize>,
    rb: std::ops::Range<usize>,
    same: &impl Fn(usize, usize) -> bool,
) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (ra.len(), rb.len());
    let (a0, b0) = (ra.start, rb.start);
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..] (range-relative).
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if same(a0 + i, b0 + j) {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && same(a0 + i, b0 + j) {
            out.push((Some(a0 + i), Some(b0 + j)));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            out.push((Some(a0 + i), None));
            i += 1;
        } else {
            out.push((None, Some(b0 + j)));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_marked_and_the_rest_kept_in_order() {
        let before = "## A\none\ntwo\nthree\n## B\nfour";
        let after = "## A\none\nthree\n## B\nfour\nfive";
        let d = diff_lines(before, after);
        let shown: Vec<String> = d.iter().map(|(c, l)| format!("{}{l}", c.mark())).collect();
        assert_eq!(
            shown,
            [
                "  ## A", "  one", "- two", "  three", "  ## B", "  four", "+ five"
            ]
        );
        assert!(
            diff_lines("same\n", "same\n")
                .iter()
                .all(|(c, _)| *c == Change::Same)
        );
    }

    #[test]
    fn a_replaced_line_reads_removed_then_added() {
        let d = diff_lines("a\nold\nz", "a\nnew\nz");
        assert_eq!(
            d,
            [
                (Change::Same, "a"),
                (Change::Removed, "old"),
                (Change::Added, "new"),
                (Change::Same, "z")
            ]
        );
    }

    #[test]
    fn align_pairs_common_elements_and_keeps_each_side_in_order() {
        let (a, b) = ([1, 2, 3, 4, 5], [1, 3, 9, 4, 5, 6]);
        let pairs = align(a.len(), b.len(), |i, j| a[i] == b[j]);
        assert_eq!(
            pairs,
            [
                (Some(0), Some(0)),
                (Some(1), None),
                (Some(2), Some(1)),
                (None, Some(2)),
                (Some(3), Some(3)),
                (Some(4), Some(4)),
                (None, Some(5))
            ]
        );
        assert_eq!(align(0, 2, |_, _| true), [(None, Some(0)), (None, Some(1))]);
        assert_eq!(align(1, 0, |_, _| true), [(Some(0), None)]);
    }

    /// Past the table's size, scattered edits, an insertion and a removal still align as they
    /// happened: every unchanged element matched, each side in order.
    #[test]
    fn long_sequences_align_greedily_and_keep_every_unchanged_element() {
        let a: Vec<u32> = (0..3000).collect();
        let mut b: Vec<u32> = a
            .iter()
            .map(|&x| if x % 7 == 0 { x + 100_000 } else { x })
            .collect();
        b.insert(1500, 999_999);
        b.remove(2500);
        let pairs = align(a.len(), b.len(), |i, j| a[i] == b[j]);
        let matched = pairs
            .iter()
            .filter(|p| p.0.is_some() && p.1.is_some())
            .count();
        let unchanged = a.iter().filter(|&&x| b.contains(&x)).count();
        assert_eq!(matched, unchanged);
        for side in [0, 1] {
            let seq: Vec<usize> = pairs
                .iter()
                .filter_map(|p| if side == 0 { p.0 } else { p.1 })
                .collect();
            let n = if side == 0 { a.len() } else { b.len() };
            assert_eq!(seq, (0..n).collect::<Vec<_>>());
        }
    }
}
