#!/usr/bin/env bash
# ctxlens's fleet replay side by side with a Python reference (README: Benchmarks).
#
# Writes N snapshot files made from the demo's users, every copy's text unique
# (scripts/make_fleet.py), then for each case times
#   - the Python reference (scripts/reference_replay.py: SPEC §3 in a single-threaded loop,
#     OpenAI's tiktoken from PyPI), the loop alone, without interpreter start or vocabulary load;
#   - `ctxlens report --snapshots DIR` as a whole process, cold (an empty token cache dir), and
#   - the same command again on the same files (its persistent token cache warm),
# RUNS times each, and prints the medians, users/s and the ratios. The two must agree on the
# fleet's total tokens or the script fails.
#
#   scripts/bench-vs-python.sh            # N=3000 RUNS=3
#   N=500 RUNS=1 scripts/bench-vs-python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-3000}
RUNS=${RUNS:-3}
BIN=${CTXLENS_BIN:-target/release/ctxlens}

if [[ -z ${CTXLENS_BIN:-} ]]; then
  cargo build --release --locked --quiet
fi
cargo fetch --locked --quiet # tiktoken-rs's copy of the vocabularies, for Python tiktoken
VENV=target/bench-venv
if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import tiktoken' 2>/dev/null || "$VENV/bin/pip" install --quiet 'tiktoken==0.14.0'
PY=$VENV/bin/python

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/base"
for user in $("$BIN" users --json | "$PY" -c 'import json,sys; print(" ".join(u["user_id"] for u in json.load(sys.stdin)["users"]))'); do
  "$BIN" snapshot "$user" --out "$WORK/base/$user.json" >/dev/null
done
"$PY" scripts/make_fleet.py "$WORK/base" "$WORK/fleet" "$N"
echo "fleet: $(du -sh "$WORK/fleet" | cut -f1) in $N files; $(nproc) cores"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ctxlens report as a whole process; prints "seconds total_tokens".
run_ctxlens() {
  local policy_file=$1 cache=$2
  local start end out
  start=$(date +%s.%N)
  out=$(XDG_CACHE_HOME=$cache "$BIN" report --snapshots "$WORK/fleet" --policy "$policy_file" \
    --json 2>/dev/null)
  end=$(date +%s.%N)
  local total
  total=$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["candidate"]["total_tokens"]["sum"])')
  echo "$(echo "$end - $start" | bc -l) $total"
}

printf '\n%-26s %12s %12s %12s %8s %8s\n' case python/s cold/s rerun/s cold× rerun×
for case in "prolaunch cl100k_base" "prolaunch o200k_base" "layered-adr chars4"; do
  read -r policy tok <<<"$case"
  # The preset with this tokenizer, as a file: one policy replayed (no `--set`, so no baseline).
  policy_file=$WORK/$policy-$tok.toml
  sed "s/^tokenizer = .*/tokenizer = \"$tok\"/" "fixtures/policies/$policy.toml" >"$policy_file"
  py_times=() cold_times=() warm_times=()
  py_total="" rs_total=""
  for _ in $(seq "$RUNS"); do
    line=$("$PY" scripts/reference_replay.py "$policy_file" "$WORK/fleet")
    py_times+=("$(echo "$line" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
    py_total=$(echo "$line" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total_tokens"])')
    cache=$(mktemp -d "$WORK/cache.XXXX")
    read -r secs rs_total < <(run_ctxlens "$policy_file" "$cache")
    cold_times+=("$secs")
    read -r secs _ < <(run_ctxlens "$policy_file" "$cache")
    warm_times+=("$secs")
  done
  if [[ $py_total != "$rs_total" ]]; then
    echo "$policy/$tok: the fleet's total tokens differ: python $py_total, ctxlens $rs_total" >&2
    exit 1
  fi
  py=$(printf '%s\n' "${py_times[@]}" | median)
  cold=$(printf '%s\n' "${cold_times[@]}" | median)
  warm=$(printf '%s\n' "${warm_times[@]}" | median)
  printf '%-26s %12.0f %12.0f %12.0f %7.1f× %7.1f×\n' "$policy $tok" \
    "$(echo "$N / $py" | bc -l)" "$(echo "$N / $cold" | bc -l)" "$(echo "$N / $warm" | bc -l)" \
    "$(echo "$py / $cold" | bc -l)" "$(echo "$py / $warm" | bc -l)"
  echo "  runs (s): python ${py_times[*]} | cold ${cold_times[*]} | rerun ${warm_times[*]} | total tokens $rs_total"
done
