//! A merged order of one list of both sides (each position the element of `a`, of `b`, or
//! both, and the change that chooses between them): rows aligned by id, and any subset of the
//! changes applied to it.

use std::collections::HashMap;

use crate::linediff::align;

/// A position in the merged order of one list of both sides: the element of `a`, of `b`, or
/// both, and the change (if any) that chooses between them.
#[derive(Debug, Clone, Copy)]
pub(in crate::cause) struct Slot {
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub change: Option<usize>,
}

/// Aligns two lists of rows with unique ids: one change per row added, removed or changed
/// (`change(before, after)` records it). A row whose position moved is one change too, its
/// two positions sharing it.
pub(super) fn keyed<T: PartialEq>(
    a: &[T],
    b: &[T],
    id: impl Fn(&T) -> &str,
    mut change: impl FnMut(Option<&T>, Option<&T>) -> usize,
) -> Vec<Slot> {
    let pairs = align(a.len(), b.len(), |i, j| id(&a[i]) == id(&b[j]));
    let (in_a, in_b) = (positions(a, &id), positions(b, &id));
    // A row outside the alignment is added or removed, or moved when the other side has its id:
    // both its positions then share one change.
    let mut unaligned: HashMap<&str, usize> = HashMap::new();
    let mut slots = Vec::with_capacity(pairs.len());
    for (ia, ib) in pairs {
        let change = match (ia, ib) {
            (Some(i), Some(j)) => (a[i] != b[j]).then(|| change(Some(&a[i]), Some(&b[j]))),
            (Some(i), None) => {
                let j = in_b.get(id(&a[i])).map(|&j| &b[j]);
                Some(
                    *unaligned
                        .entry(id(&a[i]))
                        .or_insert_with(|| change(Some(&a[i]), j)),
                )
            }
            (None, Some(j)) => {
                let i = in_a.get(id(&b[j])).map(|&i| &a[i]);
                Some(
                    *unaligned
                        .entry(id(&b[j]))
                        .or_insert_with(|| change(i, Some(&b[j]))),
                )
            }
            (None, None) => None,
        };
        slots.push(Slot {
            a: ia,
            b: ib,
            change,
        });
    }
    slots
}

/// Each row's position by its id.
fn positions<'x, T>(xs: &'x [T], id: &impl Fn(&T) -> &str) -> HashMap<&'x str, usize> {
    xs.iter().enumerate().map(|(k, x)| (id(x), k)).collect()
}

/// One list with the changes in `on` applied: `b`'s element where its change is applied, `a`'s
/// where not, in the merged order (so all applied is `b` and none is `a`, exactly).
pub(super) fn pick<T: Clone>(slots: &[Slot], a: &[T], b: &[T], on: &[bool]) -> Vec<T> {
    slots
        .iter()
        .filter_map(|s| {
            let applied = s.change.is_some_and(|c| on[c]);
            match (s.a, s.b) {
                (Some(i), Some(j)) => Some(if applied { &b[j] } else { &a[i] }),
                (Some(i), None) => (!applied).then_some(&a[i]),
                (None, Some(j)) => applied.then_some(&b[j]),
                (None, None) => None,
            }
        })
        .cloned()
        .collect()
}
