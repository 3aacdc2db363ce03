#!/usr/bin/env python3
"""The table of bench/spelling.sh: for each index and half of the query sets, the share of
typo queries whose suggestion restores the original query (every word) and the share of
clean queries that get any suggestion, for lupe and for Xapian.

    spelling_table.py INDEX=SETS.tsv:RESULTS.tsv ...

SETS.tsv is make_typos.py's output, RESULTS.tsv `spelling-bench suggest`'s for it.
With --kinds, a second table gives the restored share by kind of mistake (both halves).
Python 3 standard library.
"""
import argparse


def load(sets_path, results_path):
    meta = {}
    with open(sets_path, encoding="utf-8") as f:
        for line in f:
            key, half, kind, _, _ = line.rstrip("\n").split("\t")
            meta[key] = (half, kind)
    rows = []
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            key, original, lupe_any, lupe_words, xapian_any, xapian_words = \
                line.rstrip("\n").split("\t")
            half, kind = meta[key]
            rows.append({
                "half": half, "kind": kind,
                "lupe_any": lupe_any == "1", "lupe_ok": lupe_words == original,
                "xapian_any": xapian_any == "1", "xapian_ok": xapian_words == original,
            })
    return rows


def pct(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kinds", action="store_true")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()

    print("| index | half | typo queries | restored, lupe | restored, Xapian "
          "| clean queries | any suggestion, lupe | any suggestion, Xapian |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    by_kind = {}
    for run in args.runs:
        name, paths = run.split("=", 1)
        sets_path, results_path = paths.split(":", 1)
        rows = load(sets_path, results_path)
        for half in ("A", "B", "all"):
            mine = [r for r in rows if half == "all" or r["half"] == half]
            typos = [r for r in mine if r["kind"].startswith("typo")]
            clean = [r for r in mine if r["kind"] == "clean"]
            print(f"| {name} | {half} | {len(typos)} "
                  f"| {pct(sum(r['lupe_ok'] for r in typos), len(typos))} "
                  f"| {pct(sum(r['xapian_ok'] for r in typos), len(typos))} "
                  f"| {len(clean)} "
                  f"| {pct(sum(r['lupe_any'] for r in clean), len(clean))} "
                  f"| {pct(sum(r['xapian_any'] for r in clean), len(clean))} |")
        for r in rows:
            if r["kind"].startswith("typo:"):
                k = by_kind.setdefault((name, r["kind"][5:]), [0, 0, 0])
                k[0] += 1
                k[1] += r["lupe_ok"]
                k[2] += r["xapian_ok"]
    if args.kinds:
        print()
        print("| index | mistake | queries | restored, lupe | restored, Xapian |")
        print("|---|---|---:|---:|---:|")
        for (name, kind), (n, lupe, xapian) in sorted(by_kind.items()):
            print(f"| {name} | {kind} | {n} | {pct(lupe, n)} | {pct(xapian, n)} |")


if __name__ == "__main__":
    main()
