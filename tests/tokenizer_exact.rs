//! Token counts equal OpenAI's tiktoken: a fixed corpus counted by Python tiktoken
//! (`fixtures/tiktoken_counts.json`, made by `scripts/tiktoken_counts.py`) and random Unicode
//! compared with tiktoken-rs, the Rust port of the same encoder.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

use ctxlens::engine::{TokenCounter, Tokenizer};
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::Value;

const BPE: [(Tokenizer, &str); 2] = [
    (Tokenizer::Cl100kBase, "cl100k_base"),
    (Tokenizer::O200kBase, "o200k_base"),
];

#[test]
fn counts_equal_python_tiktoken_on_the_fixed_corpus() {
    let doc: Value = serde_json::from_str(include_str!("../fixtures/tiktoken_counts.json"))
        .expect("fixture is JSON");
    let rows = doc["texts"].as_array().expect("texts");
    assert!(rows.len() > 400, "the corpus holds {} texts", rows.len());
    let counter = TokenCounter::new();
    let mut wrong = Vec::new();
    for row in rows {
        let text = row["text"].as_str().expect("text");
        for (tok, name) in BPE {
            let want = row[name].as_u64().expect("count") as usize;
            let got = counter.count(tok, text);
            if got != want {
                wrong.push(format!("{name} {text:?}: {got}, tiktoken {want}"));
            }
        }
    }
    assert!(wrong.is_empty(), "counts differ:\n{}", wrong.join("\n"));
}

static CL100K: LazyLock<tiktoken_rs::CoreBPE> =
    LazyLock::new(|| tiktoken_rs::cl100k_base().expect("cl100k"));
static O200K: LazyLock<tiktoken_rs::CoreBPE> =
    LazyLock::new(|| tiktoken_rs::o200k_base().expect("o200k"));
static COUNTER: LazyLock<TokenCounter> = LazyLock::new(TokenCounter::new);

fn reference(tok: Tokenizer) -> &'static tiktoken_rs::CoreBPE {
    match tok {
        Tokenizer::Cl100kBase => &CL100K,
        _ => &O200K,
    }
}

/// Text built from pieces the pre-tokenisers treat differently.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z]{1,12}",
        1 => "[ \t\n\r]{1,6}",
        1 => "[0-9]{1,7}",
        1 => "[.,;:!?'\"()\\-—…/#$%&*]{1,3}",
        1 => "('s|'t|'re|'ve|'m|'ll|'d|'S|'LL)",
        1 => "(<\\|endoftext\\|>|<\\|im_start\\|>)",
        1 => "\\PC{1,4}",
        1 => any::<char>().prop_map(String::from),
        1 => "[\u{0300}-\u{036f}]{1,3}",
        1 => "[\u{4e00}-\u{4fff}\u{3040}-\u{30ff}]{1,5}",
        1 => "[\u{1f300}-\u{1f6ff}\u{200d}\u{fe0f}]{1,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// All-ASCII text, which ctxlens splits without a regex: capitals and small letters, every
/// kind of ASCII space, digits, punctuation, contractions and control bytes.
fn ascii_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zA-Z]{1,10}",
        1 => "[A-Z]{1,4}[a-z]{0,4}",
        2 => "[ \t\n\r\x0B\x0C]{1,6}",
        1 => "[0-9]{1,7}",
        2 => "[!-/:-@\\[-`{-~]{1,3}",
        1 => "('s|'t|'re|'ve|'m|'ll|'d|'S|'LL|'Ve)",
        1 => "[\x00-\x1f\x7f]{1,2}",
        1 => "[\x00-\x7f]{1,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn counts_equal_tiktoken_rs_on_ascii_text(text in ascii_text()) {
        let counter = &*COUNTER;
        for (tok, _) in BPE {
            let want = reference(tok).encode_ordinary(&text).len();
            prop_assert_eq!(counter.count(tok, &text), want, "{:?} {:?}", tok, text);
        }
    }

    #[test]
    fn counts_equal_tiktoken_rs_on_random_text(text in mixed_text()) {
        let counter = &*COUNTER;
        for (tok, _) in BPE {
            let want = reference(tok).encode_ordinary(&text).len();
            prop_assert_eq!(counter.count(tok, &text), want, "{:?} {:?}", tok, text);
        }
    }

    #[test]
    fn counts_equal_tiktoken_rs_on_arbitrary_unicode(text in any::<String>()) {
        let counter = &*COUNTER;
        for (tok, _) in BPE {
            let want = reference(tok).encode_ordinary(&text).len();
            prop_assert_eq!(counter.count(tok, &text), want, "{:?} {:?}", tok, text);
        }
    }
}
