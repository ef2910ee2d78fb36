#!/usr/bin/env bash
# Benchmarks `ctxlens optimize` (release build): on the demo (prolaunch) and on a synthetic fleet
# whose baseline (layered-adr) fails the truncation target, whether a feasible policy is found,
# trials/s, and how the best objective improves with trials for coordinate search against
# random search at equal trials, over several seeds.
#   N=10000 TRIALS=200 SEEDS="1 2 3" scripts/bench-optimize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/ctxlens}
N=${N:-10000}
TRIALS=${TRIALS:-200}
SEEDS=${SEEDS:-"1 2 3"}
[ -x "$BIN" ] || cargo build --release
python3 - "$BIN" "$N" "$TRIALS" $SEEDS <<'PY'
import json, subprocess, sys, statistics, time

bin, n, trials, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(s) for s in sys.argv[4:]]

def optimize(*args):
    # --json carries no timings (it is the same on every run): the whole process is timed.
    start = time.monotonic()
    out = subprocess.run([bin, "optimize", "--quiet", "--json", *args],
                         check=True, capture_output=True, text=True).stdout
    found = json.loads(out)
    found["trials_per_second"] = found["trials"] / (time.monotonic() - start)
    return found

cases = [
    ("demo, prolaunch", ["--policy", "prolaunch"]),
    (f"synthetic {n}, layered-adr", ["--policy", "layered-adr", "--synthetic", n]),
]
print(f"## Feasibility and speed ({trials} trials, seed 1, 30 % held out)\n")
print("| fleet | baseline (optimized-on users) | best | feasible | trials/s (whole process) | held out |")
print("|---|---|---|---|---|---|")
def fmt(m):
    parts = [f"{m['avg_tokens']:.1f} avg tokens", f"truncation {m['truncation_rate']*100:.2f} %"]
    if m.get("static_share") is not None:
        parts.append(f"static {m['static_share']*100:.1f} %")
    if m.get("rag_hits") is not None:
        parts.append(f"RAG {m['rag_hits']*100:.1f} %")
    return ", ".join(parts)
for name, args in cases:
    f = optimize("--trials", str(trials), "--seed", "1", *args)
    hold = f.get("holdout") or {}
    unmet = ", ".join(hold.get("unmet", [])) or "meets every target"
    print(f"| {name} ({f['users']} users) | {fmt(f['baseline'])} | {fmt(f['best']['metrics'])} "
          f"(trial {f['best']['n']}) | {'yes' if f['feasible'] else 'no: ' + ', '.join(f['unmet'])} "
          f"| {f['trials_per_second']:.1f} | {unmet} |")

checkpoints = [c for c in (10, 25, 50, 100, 200, 400) if c <= trials]
def best_at(improvements, c):
    best = None
    for i in improvements:
        if i["trial"] <= c:
            best = i
    if best is None or best["violation"] > 0:
        return None
    return best["objective"]
name, args = cases[1]
print(f"\n## Best feasible avg tokens by trials: {name}, median over seeds {seeds} (feasible runs / runs)\n")
print("| method | " + " | ".join(f"{c} trials" for c in checkpoints) + " |")
print("|---|" + "---|" * len(checkpoints))
for method in ("coordinate", "random"):
    runs = [optimize("--trials", str(trials), "--seed", str(s), "--method", method, *args)["improvements"]
            for s in seeds]
    cells = []
    for c in checkpoints:
        vals = [v for v in (best_at(r, c) for r in runs) if v is not None]
        med = f"{statistics.median(vals):,.1f}" if vals else "—"
        cells.append(f"{med} ({len(vals)}/{len(runs)})")
    print(f"| {method} | " + " | ".join(cells) + " |")
PY
