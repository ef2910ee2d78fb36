#!/usr/bin/env bash
# Peak memory of the TUI counting a whole live fleet: opens the Users list, presses `s` (a
# sort reads every page and counts every row), waits until every row is counted, and prints
# VmHWM and how long counting took. Needs a seeded fleet, e.g.
#   ctxlens --redis-url R --database-url D migrate && ctxlens ... seed --synthetic 20000 --force
# Usage: BIN=target/release/ctxlens REDIS_URL=redis://127.0.0.1:6379 \
#        DATABASE_URL=postgres://postgres@127.0.0.1:5432/big scripts/bench-users-sort.sh
set -euo pipefail
BIN=${BIN:-target/release/ctxlens}
: "${REDIS_URL:?set REDIS_URL}" "${DATABASE_URL:?set DATABASE_URL}"
sock="ctxlens-sort-$$"
tmux -L "$sock" -f /dev/null new-session -d -s b -x 120 -y 40 \
  "XDG_CONFIG_HOME=/nonexistent $BIN --redis-url $REDIS_URL --database-url $DATABASE_URL tui"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
screen() { tmux -L "$sock" capture-pane -p -t b; }
for _ in $(seq 200); do screen | grep -q "Users " && break; sleep 0.05; done
pid=$(pgrep -f "^$BIN --redis-url $REDIS_URL" | head -n1)
# Sorted by tokens: the title counts the rows not counted yet.
tmux -L "$sock" send-keys -t b s s
start=$(date +%s%N)
for _ in $(seq 1200); do
  title=$(screen | sed -n 2p)
  if grep -qE "Users ([0-9]+)/\1 " <<<"$title" && ! grep -q "not counted yet" <<<"$title"; then
    break
  fi
  sleep 0.1
done
end=$(date +%s%N)
echo "$title" | cut -c1-80
echo "counted in $(( (end - start) / 1000000 )) ms; $(grep VmHWM "/proc/$pid/status")"
