#!/usr/bin/env bash
# The whole suite: formatting, lints, and every test (unit, property, integration, golden).
# Safe to run repeatedly on a fresh Debian machine with the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real redis-server and postgres+pgvector for the store tests, tmux for the end-to-end test.
echo "== scripts/install-test-deps.sh"
scripts/install-test-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --locked --workspace --all-targets
