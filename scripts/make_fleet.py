#!/usr/bin/env python3
"""Makes N snapshot files from base snapshots (the demo's users), every copy's text unique.

Copy k of a base user gets the user id `{base}-c{k}` and " (ref k)" appended to every piece of
text an item is rendered from: chat turns, journey data, knowledge titles and content, the
query. No two files then share an item text, so no token cache can carry a count from one user
to another, and the text stays the demo's English.

    python3 scripts/make_fleet.py BASE_DIR OUT_DIR N
"""

import json
import os
import sys

# Journey data fields that name things rather than hold text.
KEEP = {"from", "to"}


def mark(v, tag, key=None):
    if isinstance(v, str):
        return v if key in KEEP else v + tag
    if isinstance(v, list):
        return [mark(x, tag) for x in v]
    if isinstance(v, dict):
        return {k: mark(x, tag, k) for k, x in v.items()}
    return v


def copy(snap, k):
    tag = f" (ref {k})"
    s = dict(snap)
    s["user_id"] = f"{snap['user_id']}-c{k}"
    if isinstance(s.get("query"), str):
        s["query"] += tag
    turns = []
    for t in s.get("session") or []:
        if isinstance(t, dict):
            t = {f: (x + tag if f in ("user", "assistant", "content") and isinstance(x, str) else x)
                 for f, x in t.items()}
        turns.append(t)
    s["session"] = turns
    s["journey"] = [dict(j, data=mark(j.get("data"), tag)) for j in s.get("journey") or []]
    s["knowledge"] = [dict(h, title=h["title"] + tag, content=h["content"] + tag)
                      for h in s.get("knowledge") or []]
    s["cached_context"] = None
    return s


def main():
    base_dir, out_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bases = []
    for name in sorted(os.listdir(base_dir)):
        if name.endswith(".json"):
            with open(os.path.join(base_dir, name), encoding="utf-8") as f:
                bases.append(json.load(f))
    if not bases:
        sys.exit(f"make_fleet: no *.json snapshot files in {base_dir}")
    os.makedirs(out_dir, exist_ok=True)
    for k in range(n):
        s = copy(bases[k % len(bases)], k)
        with open(os.path.join(out_dir, f"{s['user_id']}.json"), "w", encoding="utf-8") as f:
            json.dump(s, f, ensure_ascii=False)
    print(f"make_fleet: {n} snapshot files in {out_dir} from {len(bases)} users")


if __name__ == "__main__":
    main()
