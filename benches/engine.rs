//! Engine benchmarks: assembly with cached tokens, and token counting through the cache.
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use ctxlens::engine::{Engine, Policy, Tokenizer};

mod common;
use common::{SENTENCE, user};

fn assemble(c: &mut Criterion) {
    let engine = Engine::default();
    for (name, preset) in [("prolaunch", "prolaunch"), ("layered-adr", "layered-adr")] {
        let policy = Policy::preset(preset).expect("preset");
        let small = user(10, 8, 6); // 24 items
        engine.assemble(&small, &policy); // warm the token cache
        c.bench_function(&format!("assemble 24 items cached ({name})"), |b| {
            b.iter(|| engine.assemble(black_box(&small), black_box(&policy)))
        });
        let big = user(400, 300, 300); // 1,000 items
        engine.assemble(&big, &policy);
        c.bench_function(&format!("assemble 1000 items cached ({name})"), |b| {
            b.iter(|| engine.assemble(black_box(&big), black_box(&policy)))
        });
    }
}

fn tokens(c: &mut Criterion) {
    let engine = Engine::default();
    let text = SENTENCE.repeat(10); // ~1.6 KB
    let bpe = engine
        .tokens
        .encoder(Tokenizer::Cl100kBase)
        .expect("cl100k");
    engine.tokens.count(Tokenizer::Cl100kBase, &text);
    c.bench_function("count 1.6 KB cl100k through the cache (hit)", |b| {
        b.iter(|| engine.tokens.count(Tokenizer::Cl100kBase, black_box(&text)))
    });
    c.bench_function("count 1.6 KB cl100k without the cache (bpe-openai)", |b| {
        b.iter(|| bpe.count(black_box(text.as_str())))
    });
    let reference = tiktoken_rs::cl100k_base().expect("cl100k");
    c.bench_function("count 1.6 KB cl100k without the cache (tiktoken-rs)", |b| {
        b.iter(|| reference.encode_ordinary(black_box(&text)).len())
    });
}

/// Counting throughput on the fixed corpus of `fixtures/tiktoken_counts.json` (the demo's
/// texts and hostile ones; 423 texts), with no per-text cache: ctxlens's counter, bpe-openai's
/// own `count` and tiktoken-rs, one thread each.
fn throughput(c: &mut Criterion) {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/tiktoken_counts.json")).expect("JSON");
    let texts: Vec<String> = doc["texts"]
        .as_array()
        .expect("texts")
        .iter()
        .map(|t| t["text"].as_str().expect("text").to_string())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let engine = Engine::default();
    let mut group = c.benchmark_group("count the corpus");
    group.throughput(criterion::Throughput::Bytes(bytes as u64));
    for (tok, reference) in [
        (
            Tokenizer::Cl100kBase,
            tiktoken_rs::cl100k_base().expect("cl100k"),
        ),
        (
            Tokenizer::O200kBase,
            tiktoken_rs::o200k_base().expect("o200k"),
        ),
    ] {
        let bpe = engine.tokens.encoder(tok).expect("BPE");
        group.bench_function(format!("{tok:?} ctxlens"), |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| engine.tokens.count_uncached(tok, t))
                    .sum::<usize>()
            })
        });
        group.bench_function(format!("{tok:?} bpe-openai"), |b| {
            b.iter(|| texts.iter().map(|t| bpe.count(t.as_str())).sum::<usize>())
        });
        group.bench_function(format!("{tok:?} tiktoken-rs"), |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| reference.encode_ordinary(t).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, assemble, tokens, throughput);
criterion_main!(benches);
