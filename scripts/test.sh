#!/usr/bin/env bash
# The whole suite: formatting, lints, and every test (unit, property, integration, golden).
# Safe to run repeatedly on a fresh Debian machine with the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

# The end-to-end test drives the real binary in tmux.
if ! command -v tmux >/dev/null 2>&1; then
  echo "== installing tmux"
  apt-get update -qq && apt-get install -y -qq tmux
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
echo "== cargo test"
cargo test --locked --all-targets
