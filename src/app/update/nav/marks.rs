//! Marks to step between: where the stretches of rows that changed begin, and the next (or
//! previous) mark from a row.

/// Where each stretch of rows `changed` says yes to begins, of `n` rows.
pub(super) fn stretches(n: usize, changed: impl Fn(usize) -> bool) -> Vec<usize> {
    (0..n)
        .filter(|&i| changed(i) && (i == 0 || !changed(i - 1)))
        .collect()
}

/// The first of `marks` (ascending) after `at`, or with `next` false the last before it.
pub(super) fn step(marks: Vec<usize>, at: usize, next: bool) -> Option<usize> {
    if next {
        marks.into_iter().find(|&i| i > at)
    } else {
        marks.into_iter().rev().find(|&i| i < at)
    }
}
