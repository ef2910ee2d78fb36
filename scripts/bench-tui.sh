#!/usr/bin/env bash
# TUI start-up and memory on the demo, as recorded in README's Benchmarks:
#  1. first frame: process start → first frame drawn → exit, in a pseudo-terminal (hyperfine);
#  2. peak RSS: the TUI in tmux until every user's stats are computed, then VmHWM from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine tmux script; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y hyperfine tmux util-linux" >&2; exit 2; }
done
cargo build --release --quiet
bin="$PWD/target/release/ctxlens"

echo "== first frame (includes the pseudo-terminal that script(1) sets up)"
hyperfine -N --warmup 3 --runs 30 "script -qfec 'stty cols 120 rows 40; $bin tui --exit-after-first-frame' /dev/null"
echo "== baseline: script(1) running true"
hyperfine -N --warmup 3 --runs 30 "script -qfec 'stty cols 120 rows 40; true' /dev/null"

echo "== peak RSS on the demo, everything loaded"
sock="ctxlens-bench-$$"
tmux -L "$sock" -f /dev/null new-session -d -s b -x 120 -y 40 "XDG_CONFIG_HOME=/nonexistent $bin"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
# Waits up to 10 s for the pane to show a line matching the extended regex $1 and no line
# holding $2 (if given); on a timeout, says so with the screen and fails.
wait_for() {
  local screen
  for _ in $(seq 200); do
    screen=$(tmux -L "$sock" capture-pane -p -t b)
    if grep -qE "$1" <<<"$screen" && { [ -z "${2:-}" ] || ! grep -qF "$2" <<<"$screen"; }; then
      return 0
    fi
    sleep 0.05
  done
  printf 'timed out waiting for /%s/ on the screen:\n%s\n' "$1" "$screen" >&2
  return 1
}
# Every user listed ("Users N/N", no "+" for more to come) and every row's stats counted,
# whatever the demo's user count.
wait_for 'Users ([1-9][0-9]*)/\1 ·' "counting"
tmux -L "$sock" send-keys -t b ":user u062" Enter
# u062 assembled: its Layers screen's total line ("… = 2,623 / 4,000 tokens").
wait_for '^╭ u062 · '
wait_for '[0-9,]+ / [0-9,]+ tokens'
pid=$(pgrep -f "^$bin$" | head -n1)
grep -E "VmHWM|VmRSS" "/proc/$pid/status"
