//! Tokenizers (cl100k_base, o200k_base, chars4) and the token-count cache shared by every assembly.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

mod ascii;

/// A BPE encoder: GitHub's `bpe-openai`, whose counts equal OpenAI's tiktoken (checked against
/// tiktoken-rs by property tests and against Python tiktoken by a fixed corpus) at about twice
/// the speed of tiktoken-rs; README's Benchmarks give the figures.
pub type Bpe = bpe_openai::Tokenizer;

/// How tokens are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tokenizer {
    /// OpenAI's cl100k_base BPE (GPT-4, GPT-3.5).
    Cl100kBase,
    /// OpenAI's o200k_base BPE (GPT-4o).
    O200kBase,
    /// Seed 003's `estimateTokens`: ceil(UTF-16 code units / 4).
    Chars4,
}

impl Tokenizer {
    pub const ALL: [Tokenizer; 3] = [
        Tokenizer::Cl100kBase,
        Tokenizer::O200kBase,
        Tokenizer::Chars4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tokenizer::Cl100kBase => "cl100k_base",
            Tokenizer::O200kBase => "o200k_base",
            Tokenizer::Chars4 => "chars4",
        }
    }
}

impl fmt::Display for Tokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Seed 003's `estimateTokens`: `Math.ceil(text.length / 4)`, where `length` counts UTF-16 units.
pub fn chars4(text: &str) -> usize {
    utf16_len(text).div_ceil(4)
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// What a count is cached under: the tokenizer and the 128-bit xxh3 hash of the text.
pub type CountKey = (Tokenizer, u128);

/// The cache key of `text` under `tok`.
pub fn count_key(tok: Tokenizer, text: &str) -> CountKey {
    (tok, xxh3_128(text.as_bytes()))
}

/// Pieces at most this long are remembered per thread: words with the space or punctuation
/// before them, which make up most text and recur across every user's text.
const MEMO_PIECE_BYTES: usize = 24;
/// Remembered pieces per thread and tokenizer (a few MB); when full, the memo starts over.
const MEMO_ENTRIES: usize = 1 << 16;

type PieceMemo = HashMap<Box<[u8]>, u32, FxBuildHasher>;

thread_local! {
    /// Token counts of short pieces, per tokenizer: each worker thread its own, so threads
    /// never wait on each other.
    static PIECE_COUNTS: RefCell<[PieceMemo; 2]> = const {
        RefCell::new([HashMap::with_hasher(FxBuildHasher), HashMap::with_hasher(FxBuildHasher)])
    };
}

/// Tokens in `text` under `bpe`, as tiktoken counts them: the text is split by the
/// tokenizer's pre-tokenization pattern (by [`ascii`] when the text is all ASCII, else by
/// bpe-openai's regex) and each piece is byte-pair encoded on its own, so a piece's count
/// depends on the piece alone and a remembered count is exact.
fn bpe_count(tok: Tokenizer, bpe: &Bpe, text: &str) -> usize {
    let (slot, pattern) = match tok {
        Tokenizer::O200kBase => (1, ascii::Pattern::O200k),
        _ => (0, ascii::Pattern::Cl100k),
    };
    PIECE_COUNTS.with_borrow_mut(|memos| {
        let memo = &mut memos[slot];
        let mut piece_count = |bytes: &[u8]| {
            if bytes.len() > MEMO_PIECE_BYTES {
                return bpe.bpe.count(bytes);
            }
            if let Some(&n) = memo.get(bytes) {
                return n as usize;
            }
            let n = bpe.bpe.count(bytes);
            if memo.len() >= MEMO_ENTRIES {
                memo.clear();
            }
            memo.insert(bytes.into(), u32::try_from(n).unwrap_or(u32::MAX));
            n
        };
        match ascii::pieces(text, pattern) {
            Some(pieces) => pieces.map(piece_count).sum(),
            None => bpe.split(text).map(|p| piece_count(p.as_bytes())).sum(),
        }
    })
}

/// Cache hit and miss counters, for the benchmarks and the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
}

/// Counts tokens, caching each count by (tokenizer, text).
///
/// The key is the 128-bit xxh3 hash of the text, so the cache holds no text; a collision
/// between two different texts is far less likely than a memory error. BPE encoders load
/// once, on first use (or on [`TokenCounter::warm`]). Shared by reference across threads.
#[derive(Default)]
pub struct TokenCounter {
    cl100k: OnceLock<&'static Bpe>,
    o200k: OnceLock<&'static Bpe>,
    cache: RwLock<HashMap<CountKey, u32>>,
    /// At most this many counts are kept (`None`: no limit): when full, the cache starts over.
    limit: Option<usize>,
    /// Counts an earlier run saved (the persistent cache), read after this run's own.
    known: HashMap<CountKey, u32>,
    /// Counts made in this run, for saving; `None` when nothing is saved. Holds at most
    /// `journal_limit` entries.
    journal: Option<Mutex<Vec<(CountKey, u32)>>>,
    journal_limit: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl fmt::Debug for TokenCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCounter")
            .field("stats", &self.stats())
            .finish()
    }
}

impl TokenCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// A counter that keeps at most `entries` counts (about 50 bytes each), so memory stays
    /// bounded however many distinct texts pass through (a fleet report): when full, it is
    /// emptied and fills again with the texts in use.
    pub fn bounded(entries: usize) -> Self {
        Self {
            limit: Some(entries),
            ..Self::default()
        }
    }

    /// Adds the counts an earlier run saved, and keeps the counts this run makes (at most
    /// `journal_limit` of them) for [`TokenCounter::take_new`]. The engine does no I/O: reading
    /// and writing them is the caller's (`token_cache`).
    pub fn with_known(mut self, known: HashMap<CountKey, u32>, journal_limit: usize) -> Self {
        self.known = known;
        self.journal = Some(Mutex::new(Vec::new()));
        self.journal_limit = journal_limit;
        self
    }

    /// The counts made since [`TokenCounter::with_known`] (not those it was given), emptied.
    pub fn take_new(&self) -> Vec<(CountKey, u32)> {
        self.journal
            .as_ref()
            .map(|j| std::mem::take(&mut *j.lock().unwrap_or_else(|p| p.into_inner())))
            .unwrap_or_default()
    }

    /// The BPE encoder of `tok`, loading it on first use; `None` for `chars4`.
    pub fn encoder(&self, tok: Tokenizer) -> Option<&'static Bpe> {
        // The vocabularies are compiled into bpe-openai and load once per process.
        match tok {
            Tokenizer::Cl100kBase => Some(self.cl100k.get_or_init(bpe_openai::cl100k_base)),
            Tokenizer::O200kBase => Some(self.o200k.get_or_init(bpe_openai::o200k_base)),
            Tokenizer::Chars4 => None,
        }
    }

    /// Loads the encoder of `tok` now (e.g. on a background thread) so later counts do not wait.
    pub fn warm(&self, tok: Tokenizer) {
        self.encoder(tok);
    }

    /// Whether counting with `tok` is ready without loading an encoder.
    pub fn is_ready(&self, tok: Tokenizer) -> bool {
        match tok {
            Tokenizer::Cl100kBase => self.cl100k.get().is_some(),
            Tokenizer::O200kBase => self.o200k.get().is_some(),
            Tokenizer::Chars4 => true,
        }
    }

    /// [`TokenCounter::count`] without the per-text cache (the per-piece memo still applies):
    /// what a text never seen before costs. For benchmarks.
    pub fn count_uncached(&self, tok: Tokenizer, text: &str) -> usize {
        match self.encoder(tok) {
            Some(bpe) => bpe_count(tok, bpe, text),
            None => chars4(text),
        }
    }

    /// Tokens in `text` under `tok`, as ordinary text (special-token strings count as text).
    pub fn count(&self, tok: Tokenizer, text: &str) -> usize {
        if tok == Tokenizer::Chars4 {
            return chars4(text);
        }
        let key = count_key(tok, text);
        if let Some(n) = self
            .read_cache(&key)
            .or_else(|| self.known.get(&key).copied())
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return n as usize;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let n = self.count_uncached(tok, text);
        if let Some(journal) = &self.journal {
            let mut j = journal.lock().unwrap_or_else(|p| p.into_inner());
            if j.len() < self.journal_limit {
                j.push((key, u32::try_from(n).unwrap_or(u32::MAX)));
            }
        }
        let mut cache = self
            .cache
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if self.limit.is_some_and(|limit| cache.len() >= limit) {
            // Full: start over (the allocation stays). What is counted next is cached again, so
            // texts in use now — a user replayed under two policies, the shared articles —
            // keep hitting.
            cache.clear();
        }
        cache.insert(key, u32::try_from(n).unwrap_or(u32::MAX));
        n
    }

    fn read_cache(&self, key: &CountKey) -> Option<u32> {
        let cache = self
            .cache
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        cache.get(key).copied()
    }

    /// Cache counters.
    pub fn stats(&self) -> CacheStats {
        let entries = self.cache.read().map(|c| c.len()).unwrap_or(0);
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries,
        }
    }

    /// Truncates `text` so that the result, `marker` included, is at most `max_tokens` tokens.
    /// Returns the truncated text and its token count, or `None` when not even the marker fits.
    ///
    /// `chars4` follows seed 003's `truncateToTokenBudget`: the first `floor(max_tokens × 4 × 0.9)`
    /// UTF-16 units, plus the marker (never splitting a surrogate pair); if that overshoots (only
    /// for budgets under ~38 tokens) the longest prefix that fits with the marker. BPE tokenizers keep the longest token
    /// prefix whose decoded text, with the marker, fits.
    pub fn truncate(
        &self,
        tok: Tokenizer,
        text: &str,
        max_tokens: usize,
        marker: &str,
    ) -> Option<(String, usize)> {
        match self.encoder(tok) {
            None => truncate_chars4(text, max_tokens, marker),
            Some(bpe) => self.truncate_bpe(bpe, tok, text, max_tokens, marker),
        }
    }

    fn truncate_bpe(
        &self,
        bpe: &Bpe,
        tok: Tokenizer,
        text: &str,
        max_tokens: usize,
        marker: &str,
    ) -> Option<(String, usize)> {
        let tokens = bpe.encode(text);
        let marker_tokens = self.count(tok, marker);
        // Re-encoding a prefix plus the marker can merge across the seam, so the count is close to,
        // not exactly, k + marker_tokens: start a little above and walk down to the longest fit.
        let start = (max_tokens.saturating_sub(marker_tokens) + 2).min(tokens.len());
        for k in (0..=start).rev() {
            // A prefix that ends inside a multi-byte character does not decode: shorter, then.
            let Some(prefix) = bpe.decode(&tokens[..k]) else {
                continue;
            };
            let candidate = prefix + marker;
            let n = bpe_count(tok, bpe, &candidate);
            if n <= max_tokens {
                return Some((candidate, n));
            }
        }
        None
    }
}

/// A piece of a text as its tokenizer cuts it: bytes `start..end` (on character boundaries) and
/// the tokens in them. A BPE token that ends inside a character is shown with the next one, so a
/// piece may hold several tokens; `chars4` pieces are 4 UTF-16 units and have no ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpan {
    pub start: usize,
    pub end: usize,
    pub tokens: usize,
    /// Token ids (empty for `chars4`).
    pub ids: Vec<u32>,
}

impl TokenCounter {
    /// `text` cut into its tokens, in order: the pieces cover the text and their `tokens` sum to
    /// [`TokenCounter::count`]. Encodes the text (nothing is cached): for showing one item.
    pub fn split(&self, tok: Tokenizer, text: &str) -> Vec<TokenSpan> {
        let Some(bpe) = self.encoder(tok) else {
            return split_chars4(text);
        };
        let mut out: Vec<TokenSpan> = Vec::new();
        let mut at = 0;
        // Open piece: a token ended inside a character, so the next one joins it.
        let mut open = false;
        for piece in bpe.split(text) {
            for id in bpe.bpe.encode_via_backtracking(piece.as_bytes()) {
                let end = at + bpe.bpe.token_len(id);
                match out.last_mut() {
                    Some(last) if open => {
                        last.end = end;
                        last.tokens += 1;
                        last.ids.push(id);
                    }
                    _ => out.push(TokenSpan {
                        start: at,
                        end,
                        tokens: 1,
                        ids: vec![id],
                    }),
                }
                at = end;
                open = !text.is_char_boundary(at.min(text.len()));
            }
        }
        out
    }
}

/// Seed 003's estimate as pieces of 4 UTF-16 units each. A surrogate pair is never split: its
/// second unit counts in the next piece (or, at the end, in one more token of the last), so the
/// pieces' `tokens` sum to `chars4(text)`.
fn split_chars4(text: &str) -> Vec<TokenSpan> {
    let mut out = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units >= 4 {
            let end = i + c.len_utf8();
            out.push(TokenSpan {
                start,
                end,
                tokens: 1,
                ids: Vec::new(),
            });
            start = end;
            units -= 4;
        }
    }
    if start < text.len() {
        out.push(TokenSpan {
            start,
            end: text.len(),
            tokens: 1,
            ids: Vec::new(),
        });
    } else if let Some(last) = out.last_mut().filter(|_| units > 0) {
        last.tokens += 1;
    }
    out
}

fn truncate_chars4(text: &str, max_tokens: usize, marker: &str) -> Option<(String, usize)> {
    // Seed 003: text.slice(0, maxTokens * 4 * 0.9) — JS truncates the float index toward zero.
    let seed = (max_tokens as f64 * 4.0 * 0.9).floor() as usize;
    // Below ~38 tokens that prefix and the marker overshoot: then the longest prefix that fits
    // with the marker (ceil(units / 4) ≤ max_tokens), none when the marker alone does not.
    let room = max_tokens
        .saturating_mul(4)
        .checked_sub(utf16_len(marker))?;
    let candidate = format!("{}{marker}", utf16_prefix(text, seed.min(room)));
    let n = chars4(&candidate);
    Some((candidate, n))
}

/// The longest prefix of `text` of at most `units` UTF-16 code units, on a character boundary.
fn utf16_prefix(text: &str, units: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += c.len_utf16();
        if used > units {
            return &text[..i];
        }
    }
    text
}

#[cfg(test)]
mod tests;
