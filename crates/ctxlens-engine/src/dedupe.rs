//! Duplicate items: exact (whitespace- and case-normalised) and near (word-shingle Jaccard,
//! screened by a bottom-k MinHash sketch) copies among the items that reach a fit, within and
//! across layers.
//!
//! What is compared is an item's body, not its rendering: a turn's words (user, then assistant),
//! a journey row's data without its heading, a knowledge hit's content, a static module's text.
//! The query is the question itself and is never a duplicate. Items of fewer than [`MIN_WORDS`]
//! words ("thanks!") are never called copies.
//!
//! Which copy is the original: items are walked in the global pass's order (score desc,
//! timestamp desc, layer order, id asc, SPEC §3.7) and each is a duplicate of the first earlier
//! *original* it matches, so the copy assembly prefers is the one kept; a chain A≈B≈C where A
//! and C differ keeps C when B goes.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Hashes kept in an item's MinHash sketch (the smallest shingle hashes).
pub const SKETCH: usize = 64;
/// Items with fewer words than this are never duplicates.
pub const MIN_WORDS: usize = 8;
/// The Jaccard similarity of word 3-shingles at or above which two items are near duplicates,
/// unless the policy sets `dedupe_threshold`.
pub const DEFAULT_THRESHOLD: f64 = 0.7;
/// A pair whose MinHash estimate falls this far below the threshold is not compared exactly.
/// With 64 hashes the estimate's standard deviation is at most 0.0625, so a pair at the
/// threshold is missed with probability below 1e-3; the similarity reported is always exact.
const SCREEN_MARGIN: f64 = 0.2;

/// The policy's `dedupe`: what is removed before the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Dedupe {
    /// Nothing is removed (SPEC §3 as written); duplicates are still found and reported.
    #[default]
    Off,
    /// Exact copies (after whitespace and case normalisation) are removed.
    Exact,
    /// Exact copies and near copies (Jaccard ≥ `dedupe_threshold`) are removed.
    Near,
}

impl Dedupe {
    pub fn as_str(self) -> &'static str {
        match self {
            Dedupe::Off => "off",
            Dedupe::Exact => "exact",
            Dedupe::Near => "near",
        }
    }

    pub fn is_off(&self) -> bool {
        *self == Dedupe::Off
    }
}

/// How two items match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    Exact,
    Near,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Near => "near",
        }
    }
}

/// On an item: the earlier copy it duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateOf {
    /// The id of the copy assembly prefers.
    pub of: String,
    #[serde(rename = "match")]
    pub kind: Match,
    /// Jaccard similarity of the two items' word 3-shingles (1 for exact copies), 3 decimals.
    pub similarity: f64,
}

/// What an item's body is compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of the body with whitespace runs collapsed to one space and letters lowercased.
    exact: u128,
    /// Words (alphanumeric runs).
    words: usize,
    /// Hashes of the word 3-shingles, sorted, without repeats.
    shingles: Vec<u64>,
}

impl Fingerprint {
    /// The fingerprint of `body`.
    pub fn of(body: &str) -> Fingerprint {
        // One pass: each whitespace-separated token lowercased (ASCII without decoding), fed to
        // the exact hash with one space between tokens, and cut into words at every
        // non-alphanumeric character.
        let mut exact = Xxh3::new();
        let mut words: Vec<u64> = Vec::with_capacity(body.len() / 6 + 1);
        let mut lower = String::new();
        for (i, token) in body.split_whitespace().enumerate() {
            if i > 0 {
                exact.update(b" ");
            }
            lower.clear();
            if token.is_ascii() {
                lower.push_str(token);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(token.chars().flat_map(char::to_lowercase));
            }
            exact.update(lower.as_bytes());
            words.extend(
                lower
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(|w| xxh3_64(w.as_bytes())),
            );
        }
        let mut shingles: Vec<u64> = if words.len() < SHINGLE_WORDS {
            vec![shingle(&words)]
        } else {
            words.windows(SHINGLE_WORDS).map(shingle).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        Fingerprint {
            exact: exact.digest128(),
            words: words.len(),
            shingles,
        }
    }

    /// The MinHash sketch: the [`SKETCH`] smallest shingle hashes (all of them for short texts).
    fn sketch(&self) -> &[u64] {
        &self.shingles[..self.shingles.len().min(SKETCH)]
    }
}

fn shingle(words: &[u64]) -> u64 {
    let mut bytes = [0u8; 8 * SHINGLE_WORDS];
    for (chunk, w) in bytes.chunks_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    xxh3_64(&bytes[..8 * words.len().min(SHINGLE_WORDS)])
}

/// How `a` and `b` match at `threshold`, if they do: exact, or near with their exact Jaccard.
pub fn compare(a: &Fingerprint, b: &Fingerprint, threshold: f64) -> Option<(Match, f64)> {
    if a.words < MIN_WORDS || b.words < MIN_WORDS {
        return None;
    }
    if a.exact == b.exact {
        return Some((Match::Exact, 1.0));
    }
    let (small, large) = (
        a.shingles.len().min(b.shingles.len()),
        a.shingles.len().max(b.shingles.len()),
    );
    // Jaccard is at most |small| / |large|: no need to look closer.
    if (small as f64) < threshold * large as f64 {
        return None;
    }
    if minhash_estimate(a.sketch(), b.sketch()) < threshold - SCREEN_MARGIN {
        return None;
    }
    let j = jaccard(&a.shingles, &b.shingles);
    (j >= threshold).then_some((Match::Near, j))
}

/// Bottom-k MinHash: of the [`SKETCH`] smallest hashes of the union (which are the smallest of
/// the union of the two sketches), the share found in both. Exact when both sets are small.
fn minhash_estimate(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut seen, mut both) = (0, 0, 0usize, 0usize);
    while seen < SKETCH && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        seen += 1;
    }
    if seen == 0 {
        0.0
    } else {
        both as f64 / seen as f64
    }
}

/// |A ∩ B| / |A ∪ B| of two sorted sets.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

/// For fingerprints in preference order: which earlier original each one duplicates (its index
/// and how it matches), `None` for originals. `exact_only` ignores near copies.
///
/// A user's few dozen items are compared each with every earlier original; past
/// [`SCAN_MAX`] items, only with the originals that can match it ([`assign_indexed`]): the
/// same answer, and fifty thousand journey rows take a moment, not minutes.
pub fn assign(prints: &[&Fingerprint], threshold: f64, exact_only: bool) -> Assigned {
    if prints.len() <= SCAN_MAX {
        Assigned {
            found: assign_scan(prints, threshold, exact_only),
            exact_only_after: None,
        }
    } else {
        assign_indexed(prints, threshold, exact_only, SCREEN_BUDGET)
    }
}

/// What [`assign`] found, and where its near-copy screening stopped, if it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    /// Per fingerprint: the earlier original it duplicates (index, how, similarity).
    pub found: Vec<Option<(usize, Match, f64)>>,
    /// The screening's budget ([`SCREEN_BUDGET`]) was spent at this fingerprint: it and every
    /// later one were checked for exact copies only.
    pub exact_only_after: Option<usize>,
}

/// Earlier originals an [`assign`] looks at, over all its items, before the rest are checked
/// for exact copies only. Rows of ordinary text share few rare shingles and stay far below it
/// (fifty thousand rows of one template look at a few per row); tens of thousands of rows
/// written from a handful of words share every shingle, and each would be compared with every
/// earlier one: seconds per ten thousand rows, growing as their square.
pub const SCREEN_BUDGET: usize = 4_000_000;

/// Items up to which [`assign`] scans every earlier original (no index to build).
const SCAN_MAX: usize = 256;

/// [`assign`] by comparing each item with every earlier original, in order.
fn assign_scan(
    prints: &[&Fingerprint],
    threshold: f64,
    exact_only: bool,
) -> Vec<Option<(usize, Match, f64)>> {
    let mut out = vec![None; prints.len()];
    let mut originals: Vec<usize> = Vec::new();
    for (i, p) in prints.iter().enumerate() {
        let found = originals.iter().find_map(|&o| {
            compare(prints[o], p, threshold)
                .filter(|(m, _)| !exact_only || *m == Match::Exact)
                .map(|(m, s)| (o, m, s))
        });
        match found {
            Some(f) => out[i] = Some(f),
            None => originals.push(i),
        }
    }
    out
}

/// [`assign`] comparing each item with the earliest original it can match, as the scan finds
/// it, but only with the originals that can: the one of its exact text, and those sharing a
/// shingle with its prefix filter (two sets of Jaccard ≥ t share a token among the first
/// `|x| − ⌈t·|x|⌉ + 1` of each, in any one order of all tokens: here the rarest first, so
/// that a shingle every row holds — a repeated label, `word word word` — is in no prefix and
/// fifty thousand rows of one template are not each compared with all the others).
fn assign_indexed(
    prints: &[&Fingerprint],
    threshold: f64,
    exact_only: bool,
    budget: usize,
) -> Assigned {
    let mut out = vec![None; prints.len()];
    let (mut spent, mut exact_only_after) = (0usize, None);
    let mut by_text: std::collections::HashMap<u128, usize> = Default::default();
    let mut by_shingle: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    let mut seen: std::collections::HashMap<u64, u32> = Default::default();
    if !exact_only {
        for p in prints.iter().filter(|p| p.words >= MIN_WORDS) {
            for s in &p.shingles {
                *seen.entry(*s).or_default() += 1;
            }
        }
    }
    let prefix = |p: &Fingerprint| -> Vec<u64> {
        let mut rarest = p.shingles.clone();
        rarest.sort_unstable_by_key(|s| (seen.get(s).copied().unwrap_or(0), *s));
        rarest.truncate(prefix_len(p.shingles.len(), threshold));
        rarest
    };
    let mut candidates: Vec<usize> = Vec::new();
    for (i, p) in prints.iter().enumerate() {
        // Too short to match anything: an original no item is compared with.
        if p.words < MIN_WORDS {
            continue;
        }
        let mut mine = if exact_only || exact_only_after.is_some() {
            Vec::new()
        } else {
            prefix(p)
        };
        spent += mine
            .iter()
            .map(|s| by_shingle.get(s).map_or(0, Vec::len))
            .sum::<usize>();
        if spent > budget && exact_only_after.is_none() {
            exact_only_after = Some(i);
            mine.clear();
        }
        let exact = exact_only || exact_only_after.is_some();
        candidates.clear();
        candidates.extend(by_text.get(&p.exact));
        for s in &mine {
            candidates.extend(by_shingle.get(s).into_iter().flatten());
        }
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.iter().find_map(|&o| {
            compare(prints[o], p, threshold)
                .filter(|(m, _)| !exact || *m == Match::Exact)
                .map(|(m, s)| (o, m, s))
        });
        match found {
            Some(f) => out[i] = Some(f),
            None => {
                by_text.entry(p.exact).or_insert(i);
                for s in mine {
                    by_shingle.entry(s).or_default().push(i);
                }
            }
        }
    }
    Assigned {
        found: out,
        exact_only_after,
    }
}

/// The prefix filter's length for `n` shingles at `threshold`: `n − ⌈t·n⌉ + 1`, with `t` a hair
/// below the threshold so float rounding never shortens it.
fn prefix_len(n: usize, threshold: f64) -> usize {
    let t = (threshold - 1e-9).max(0.0);
    let need = (t * n as f64).ceil() as usize;
    (n + 1).saturating_sub(need).min(n)
}

/// A similarity as reported (`--json`): rounded down to 3 decimals, so that a threshold set
/// to the figure still finds the pair (0.9589 is 0.958, never 0.959).
pub(crate) fn round3(x: f64) -> f64 {
    floor_to(x, 3)
}

/// `x` rounded down to `decimals` places, a hair of float error allowed for (0.29, stored as
/// 0.28999…, stays 0.29).
fn floor_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    ((x * k) + 1e-9).floor() / k
}

/// A similarity as tables and findings show it: 2 decimals, rounded down, so that
/// `--set dedupe_threshold=` the figure shown still finds the pair.
pub fn shown_similarity(x: f64) -> String {
    format!("{:.2}", floor_to(x, 2))
}

#[cfg(test)]
mod tests;
