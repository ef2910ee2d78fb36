//! A line diff of two prompts (baseline → tuned), for the Prompt screen's diff view: the longest
//! common subsequence of lines, after the common head and tail are set aside.

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

/// Cells of the table beyond which the middle is shown as removed then added, not aligned.
const MAX_CELLS: usize = 4_000_000;

/// The lines of `before` and `after` in order, each marked same, removed or added.
pub fn diff_lines<'a>(before: &'a str, after: &'a str) -> Vec<(Change, &'a str)> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<(Change, &str)> = a[..head].iter().map(|l| (Change::Same, *l)).collect();
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        out.extend(ma.iter().map(|l| (Change::Removed, *l)));
        out.extend(mb.iter().map(|l| (Change::Added, *l)));
    } else {
        out.extend(middle(ma, mb));
    }
    out.extend(a[a.len() - tail..].iter().map(|l| (Change::Same, *l)));
    out
}

/// The LCS alignment of `a` and `b`; removals before additions where both happen.
fn middle<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Change, &'a str)> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push((Change::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            out.push((Change::Removed, a[i]));
            i += 1;
        } else {
            out.push((Change::Added, b[j]));
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
}
