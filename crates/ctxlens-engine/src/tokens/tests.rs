//! The tokenizers and the count cache on small fixed texts.

use super::*;

#[test]
fn chars4_counts_utf16_units_rounding_up() {
    assert_eq!(chars4(""), 0);
    assert_eq!(chars4("abcd"), 1);
    assert_eq!(chars4("abcde"), 2);
    // '😀' is two UTF-16 units, 'é' one: JS "😀é".length === 3.
    assert_eq!(chars4("😀é"), 1);
    assert_eq!(chars4("😀😀é"), 2);
}

#[test]
fn bpe_counts_special_token_strings_as_plain_text() {
    let tc = TokenCounter::new();
    let n = tc.count(Tokenizer::Cl100kBase, "<|endoftext|>");
    assert!(
        n > 1,
        "a literal special-token string is several ordinary tokens, got {n}"
    );
    assert_eq!(tc.count(Tokenizer::Cl100kBase, "hello world"), 2);
    assert_eq!(tc.count(Tokenizer::O200kBase, "hello world"), 2);
}

#[test]
fn repeat_counts_hit_the_cache() {
    let tc = TokenCounter::new();
    let text = "The quick brown fox jumps over the lazy dog.";
    let a = tc.count(Tokenizer::Cl100kBase, text);
    let b = tc.count(Tokenizer::Cl100kBase, text);
    assert_eq!(a, b);
    let s = tc.stats();
    assert_eq!((s.hits, s.misses, s.entries), (1, 1, 1));
    // Another tokenizer is another key.
    tc.count(Tokenizer::O200kBase, text);
    assert_eq!(tc.stats().entries, 2);
}

#[test]
fn a_bounded_cache_starts_over_when_full_and_counts_the_same() {
    let tc = TokenCounter::bounded(2);
    let texts = ["one fish", "two fish", "red fish", "blue fish"];
    let counts: Vec<usize> = texts
        .iter()
        .map(|t| tc.count(Tokenizer::Cl100kBase, t))
        .collect();
    let unbounded = TokenCounter::new();
    let expected: Vec<usize> = texts
        .iter()
        .map(|t| unbounded.count(Tokenizer::Cl100kBase, t))
        .collect();
    assert_eq!(counts, expected);
    // Emptied at the third text, which the fourth joined: those two are held.
    assert_eq!(tc.stats().entries, 2);
    tc.count(Tokenizer::Cl100kBase, "blue fish");
    tc.count(Tokenizer::Cl100kBase, "red fish");
    assert_eq!((tc.stats().hits, tc.stats().misses), (2, 4));
    tc.count(Tokenizer::Cl100kBase, "one fish");
    assert_eq!((tc.stats().misses, tc.stats().entries), (5, 1));
}

#[test]
fn known_counts_are_used_and_only_new_counts_are_journaled_up_to_the_limit() {
    // A known count is believed as given: a deliberately wrong one shows it was read.
    let known = HashMap::from([(count_key(Tokenizer::Cl100kBase, "hello world"), 99)]);
    let tc = TokenCounter::new().with_known(known, 2);
    assert_eq!(tc.count(Tokenizer::Cl100kBase, "hello world"), 99);
    assert_eq!(tc.count(Tokenizer::Cl100kBase, "one fish"), 2);
    tc.count(Tokenizer::O200kBase, "two fish");
    tc.count(Tokenizer::Cl100kBase, "red fish");
    // Chars4 is arithmetic, never cached or journaled.
    tc.count(Tokenizer::Chars4, "blue fish");
    let new = tc.take_new();
    assert_eq!(
        new,
        vec![
            (count_key(Tokenizer::Cl100kBase, "one fish"), 2),
            (count_key(Tokenizer::O200kBase, "two fish"), 2),
        ],
        "this run's counts, in order, at most the limit"
    );
    assert!(tc.take_new().is_empty(), "taken once");
    // Without with_known nothing is journaled.
    let plain = TokenCounter::new();
    plain.count(Tokenizer::Cl100kBase, "one fish");
    assert!(plain.take_new().is_empty());
}

#[test]
fn split_covers_the_text_and_sums_to_the_count() {
    let tc = TokenCounter::new();
    let texts = [
        "hello world",
        "Landed cost per unit adds freight, duty and fulfilment fees.\n  Next line.",
        "抹茶セット☕とお菓子🍵を自宅で楽しむ。",
        "<|endoftext|> is text",
        "abc😀",
        "abc😀d",
        "",
    ];
    for tok in Tokenizer::ALL {
        for text in texts {
            let spans = tc.split(tok, text);
            let joined: String = spans.iter().map(|s| &text[s.start..s.end]).collect();
            assert_eq!(joined, text, "{tok} {text:?}");
            assert_eq!(
                spans.iter().map(|s| s.tokens).sum::<usize>(),
                tc.count(tok, text),
                "{tok} {text:?}"
            );
            for s in &spans {
                assert_eq!(
                    s.ids.len(),
                    if tok == Tokenizer::Chars4 {
                        0
                    } else {
                        s.tokens
                    }
                );
            }
        }
    }
    let hello = tc.split(Tokenizer::Cl100kBase, "hello world");
    assert_eq!(
        hello,
        [
            TokenSpan {
                start: 0,
                end: 5,
                tokens: 1,
                ids: vec![15339]
            },
            TokenSpan {
                start: 5,
                end: 11,
                tokens: 1,
                ids: vec![1917]
            },
        ]
    );
    // A character made of several byte tokens is one piece holding them all.
    let cup = tc.split(Tokenizer::Cl100kBase, "☕");
    assert_eq!((cup.len(), cup[0].end), (1, "☕".len()));
    assert!(cup[0].tokens == tc.count(Tokenizer::Cl100kBase, "☕"));
    let est: Vec<(usize, usize)> = tc
        .split(Tokenizer::Chars4, "abcdefghij")
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    assert_eq!(est, [(0, 4), (4, 8), (8, 10)]);
}

#[test]
fn seed_003_truncate_to_token_budget() {
    // estimateTokens(400 chars) = 100 > 50: keep 50 × 4 × 0.9 = 180 chars + marker.
    let text = "x".repeat(400);
    let (out, n) = truncate_chars4(&text, 50, "\n[...truncated]").expect("fits");
    assert_eq!(out, format!("{}\n[...truncated]", "x".repeat(180)));
    assert_eq!(n, 49); // ceil((180 + 15) / 4)
}

#[test]
fn chars4_truncation_never_splits_a_surrogate_pair() {
    let text = "😀".repeat(100); // 200 UTF-16 units
    // floor(3 × 3.6) = 10 units = 5 emoji; tiny budgets shrink until the marker fits.
    let (out, n) = truncate_chars4(&text, 10, "…").expect("fits");
    assert!(out.ends_with('…'));
    assert!(n <= 10);
    assert!(truncate_chars4(&text, 0, "[cut]").is_none());
}

/// Where seed 003's prefix and the marker would overshoot a small budget, the prefix is the
/// longest that fits with the marker: one more unit would not.
#[test]
fn chars4_truncation_at_small_budgets_keeps_the_longest_prefix_that_fits() {
    let text = "User: What gross margin should I aim for at launch?";
    let marker = "\n[...truncated]"; // 15 units
    for max in 4..=40 {
        let (out, n) = truncate_chars4(text, max, marker).expect("the marker fits");
        assert!(n <= max, "{max}: {n}");
        let kept = out.len() - marker.len();
        let seed = (max as f64 * 3.6).floor() as usize;
        assert!(kept <= seed, "{max}: never more than seed 003 keeps");
        if kept < seed.min(text.len()) {
            let more = format!("{}{marker}", &text[..kept + 1]);
            assert!(
                chars4(&more) > max,
                "{max}: {kept} units kept, {} would fit",
                kept + 1
            );
        }
    }
    // 8 tokens: 17 units and the marker are 32 units, 8 tokens.
    let (out, n) = truncate_chars4(text, 8, marker).expect("fits");
    assert_eq!((out.as_str(), n), ("User: What gross \n[...truncated]", 8));
    // The marker alone is 4 tokens: at 3 nothing fits.
    assert!(truncate_chars4(text, 3, marker).is_none());
}

#[test]
fn bpe_truncation_fits_and_ends_with_marker() {
    let tc = TokenCounter::new();
    let text = "Landed cost per unit adds freight, duty and fulfilment fees. ".repeat(40);
    for tok in [Tokenizer::Cl100kBase, Tokenizer::O200kBase] {
        let (out, n) = tc
            .truncate(tok, &text, 120, "\n[...truncated]")
            .expect("fits");
        assert!(out.ends_with("\n[...truncated]"));
        assert!(n <= 120);
        assert_eq!(n, tc.count(tok, &out));
        assert!(
            n >= 115,
            "longest prefix should nearly fill the budget, got {n}"
        );
    }
    assert!(
        tc.truncate(Tokenizer::Cl100kBase, &text, 2, "\n[...truncated]")
            .is_none()
    );
}

#[test]
fn bpe_truncation_of_multibyte_text_is_valid_utf8() {
    let tc = TokenCounter::new();
    let text = "抹茶セット☕とお菓子🍵を自宅で楽しむ。".repeat(30);
    let (out, n) = tc
        .truncate(Tokenizer::Cl100kBase, &text, 40, "[…]")
        .expect("fits");
    assert!(out.ends_with("[…]"));
    assert!(n <= 40);
}
