#!/usr/bin/env bash
# Times `ctxlens graph` (the box layout of the Journey screen) on random milestone maps of
# 30, 60, 70, 80 and 100 milestones, each depending on up to three milestones anywhere before
# it (seeded: the same maps every run). Usage: BIN=target/release/ctxlens scripts/bench-graph.sh
set -euo pipefail
BIN=${BIN:-target/release/ctxlens}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import random, sys
random.seed(3)
for n in (30, 60, 70, 80, 100):
    out = []
    for i in range(n):
        deps = sorted(set(random.sample(range(i), min(3, i)))) if i else []
        quoted = ", ".join(f'"S{d}"' for d in deps)
        out.append(f'[[milestones]]\nid = "S{i}"\nname = "Stage {i}"\ndepends_on = [{quoted}]\n')
    open(f"{sys.argv[1]}/c{n}.toml", "w").write("\n".join(out))
PY
for n in 30 60 70 80 100; do
    start=$EPOCHREALTIME
    "$BIN" --config "$dir/c$n.toml" graph > /dev/null
    end=$EPOCHREALTIME
    awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%3d milestones: %.3f s\n", n, b - a }'
done
