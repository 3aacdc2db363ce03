#!/usr/bin/env python3
"""Leave-one-collection-out validation of lupe's ranking choices.

Usage:
    bench/loo.py DATA_DIR [BUILD_DIR] [--tsv FILE] [--scores FILE] [--margin X] [--jobs N]
                 [--knobs NAME,...]

For every ranking parameter or feature choice lupe makes (KNOBS below: each with the value
lupe ships and the values tried), on the sets in DATA_DIR/relevance/ (cacm, cisi, cranfield,
xquad-r-de, xquad-r-en), with the queries' lang column and without it:

  1. nDCG@10 of every value of every knob, the other knobs at their shipped values;
  2. for each set held out, each knob's value with the best mean nDCG@10 on the OTHER sets
     (the shipped value on a tie, or unless it gains more than --margin), all knobs chosen
     that way together, and that configuration measured on the held-out set: the held-out
     ("leave-one-out") figure;
  3. the same choice made on all five sets (the "tuned" figure: it has seen the set).

A choice that wins only on the set it is measured on shows as a held-out figure below the
shipped one. Each set is indexed once per index-time variant (fold, decompound, title
weight); everything else varies only lupe-search options.

Prints two Markdown tables on stdout (the values picked per held-out set, and the figures);
--tsv FILE also writes `set lang shipped heldout tuned config` rows for relevance.sh and
ablation.sh (lang: with|without; config: the held-out configuration's differences from the
shipped one, `-` for none). Exit status: 0, 1 when a tool failed, 2 on a usage error.
"""

import argparse
import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trec_eval  # noqa: E402  (the benchmark's evaluator, beside this script)

# Results per query: nDCG@10 needs 10; 100 keeps the runs comparable with R@100 for a reader.
LIMIT = 100


class Knob:
    """A ranking choice: its shipped value and the values tried, each as the lupe-index and
    lupe-search flags that select it."""

    def __init__(self, name, shipped, values):
        self.name = name
        self.shipped = shipped
        self.values = values  # {label: (index flags, search flags)}
        assert shipped in values


def bm25_values():
    values = {}
    for k1 in ("0.6", "0.9", "1.2", "1.5", "2.0"):
        for b in ("0.3", "0.5", "0.6", "0.75", "0.9"):
            values[f"{k1}/{b}"] = ((), ("--bm25-k1", k1, "--bm25-b", b))
    return values


# Every ranking choice lupe-index and lupe-search expose (lupe-search --help, "Ranking").
KNOBS = [
    Knob("weighting", "bm25", {w: ((), ("--weighting", w))
                               for w in ("bm25", "bm25+", "dph", "pl2", "inl2", "lm")}),
    Knob("BM25 k1/b", "1.2/0.75", bm25_values()),
    Knob("k1 full length", "70", {n: ((), ("--bm25-k1-full-length", n) if n != "70" else ())
                                  for n in ("0", "35", "50", "70", "100")}),
    Knob("stopwords", "0.5", {
        "0": ((), ("--stopword-weight", "0")),
        "0.25": ((), ("--stopword-weight", "0.25")),
        "0.5": ((), ()),
        "0.75": ((), ("--stopword-weight", "0.75")),
        "1": ((), ("--stopword-weight", "1")),
        "as words": ((), ("--no-stopwords",)),
    }),
    Knob("all words first", "on", {"on": ((), ()), "off": ((), ("--no-all-words-first",))}),
    Knob("feedback docs", "0", {n: ((), ("--feedback", n) if n != "0" else ())
                                for n in ("0", "3", "5", "10")}),
    Knob("decompound", "on", {"on": ((), ()),
                              "off": (("--no-decompound",), ("--no-decompound",))}),
    Knob("fold", "on", {"on": ((), ()), "off": (("--no-fold",), ())}),
    Knob("title weight", "2", {w: (("--title-weight", w) if w != "2" else (), ())
                               for w in ("1", "2", "3", "4")}),
]

MODES = ("with", "without")


def fail(msg):
    print(f"loo.py: {msg}", file=sys.stderr)
    sys.exit(2)


class Runner:
    """Indexes and runs on demand, each (set, index flags) indexed once and each
    (set, mode, flags) searched once."""

    def __init__(self, data_dir, build_dir, tmp, jobs):
        self.build_dir = build_dir
        self.tmp = tmp
        self.jobs = jobs
        self.sets = {}
        self.indexes = {}
        self.scores = {}  # (set, mode, index flags, search flags) -> nDCG@10
        self.failed = False
        root = os.path.join(data_dir, "relevance")
        for name in sorted(os.listdir(root)):
            d = os.path.join(root, name)
            docs = os.path.join(d, "docs.jsonl")
            if not os.path.exists(docs):
                docs += ".gz"
            queries, qrels = os.path.join(d, "queries.tsv"), os.path.join(d, "qrels.txt")
            if not all(os.path.exists(p) for p in (docs, queries, qrels)):
                print(f"loo.py: skipping {name}: needs docs.jsonl[.gz], queries.tsv, qrels.txt",
                      file=sys.stderr)
                continue
            nolang = os.path.join(tmp, f"{name}.nolang.tsv")
            with open(queries, encoding="utf-8") as f, open(nolang, "w", encoding="utf-8") as out:
                for line in f:
                    fields = line.rstrip("\n").split("\t")
                    if len(fields) >= 3:
                        fields[1] = ""
                    out.write("\t".join(fields) + "\n")
            self.sets[name] = {"docs": docs, "with": queries, "without": nolang,
                               "qrels": trec_eval.read_qrels(qrels)}

    def index(self, set_name, index_flags):
        key = (set_name, index_flags)
        if key not in self.indexes:
            path = os.path.join(self.tmp, f"idx{len(self.indexes)}")
            cmd = [os.path.join(self.build_dir, "lupe-index"), "--quiet", *index_flags,
                   "--index", path, self.sets[set_name]["docs"]]
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True).returncode
            # Exit 1: some documents rejected (cranfield has two empty ones), the rest indexed.
            if rc not in (0, 1):
                print(f"loo.py: FAILED (exit {rc}): {' '.join(cmd)}", file=sys.stderr)
                self.failed = True
            self.indexes[key] = path
        return self.indexes[key]

    def _search(self, key):
        set_name, mode, index_flags, search_flags = key
        cmd = [os.path.join(self.build_dir, "lupe-search"), "--index",
               self.indexes[(set_name, index_flags)], "--no-suggest", "--limit", str(LIMIT),
               *search_flags, "--batch", self.sets[set_name][mode]]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            print(f"loo.py: FAILED (exit {proc.returncode}): {' '.join(cmd)}\n"
                  f"    {proc.stderr.strip()[-300:]}", file=sys.stderr)
            self.failed = True
            return key, float("nan")
        run = {}
        for line in proc.stdout.splitlines():
            f = line.split()
            if len(f) == 6:
                run.setdefault(f[0], []).append((f[2], float(f[4])))
        return key, trec_eval.evaluate(self.sets[set_name]["qrels"], run)["nDCG@10"]

    def measure(self, keys):
        """Scores every (set, mode, index flags, search flags) of keys, in parallel."""
        todo = sorted({k for k in keys if k not in self.scores})
        for set_name, _, index_flags, _ in todo:
            self.index(set_name, index_flags)
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            for key, score in pool.map(self._search, todo):
                self.scores[key] = score


def flags(config):
    """(index flags, search flags) of a configuration {knob name: value}."""
    index, search = [], []
    for knob in KNOBS:
        i, s = knob.values[config.get(knob.name, knob.shipped)]
        index += i
        search += s
    return tuple(index), tuple(search)


def key(set_name, mode, config):
    return (set_name, mode, *flags(config))


def mean(xs):
    return sum(xs) / len(xs)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data_dir")
    p.add_argument("build_dir", nargs="?", default="./build")
    p.add_argument("--tsv", help="also write the per-set figures to this file")
    p.add_argument("--scores", help="also write nDCG@10 of every knob value tried to this file")
    p.add_argument("--margin", type=float, default=0.0,
                   help="keep the shipped value unless another beats it by more than this "
                        "mean nDCG@10 on the other sets (default 0: any gain)")
    p.add_argument("--jobs", type=int, default=2, help="searches run at once (default 2)")
    p.add_argument("--knobs", help="only these knobs, comma-separated (default: all)")
    a = p.parse_args(argv)
    if not os.path.isdir(os.path.join(a.data_dir, "relevance")):
        fail(f"{a.data_dir}/relevance is not a directory")
    for b in ("lupe-index", "lupe-search"):
        if not os.access(os.path.join(a.build_dir, b), os.X_OK):
            fail(f"{a.build_dir}/{b} missing; build it first")
    knobs = KNOBS
    if a.knobs:
        wanted = a.knobs.split(",")
        unknown = set(wanted) - {k.name for k in KNOBS}
        if unknown:
            fail(f"unknown knob(s) {', '.join(sorted(unknown))}; "
                 f"known: {', '.join(k.name for k in KNOBS)}")
        knobs = [k for k in KNOBS if k.name in wanted]
    if a.jobs < 1:
        fail("--jobs must be at least 1")
    if a.margin < 0:
        fail("--margin must not be negative")

    # A kill removes the temporary indexes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="lupe-loo.")
    try:
        r = Runner(a.data_dir, a.build_dir, tmp, a.jobs)
        sets = list(r.sets)
        if len(sets) < 2:
            fail("leave-one-out needs at least two sets")
        # 1. Every value of every knob, the others shipped.
        r.measure([key(s, m, {k.name: v}) for k in knobs for v in k.values
                   for s in sets for m in MODES])

        def pick(knob, mode, on_sets):
            def score(v):
                return mean([r.scores[key(s, mode, {knob.name: v})] for s in on_sets])
            best = max(knob.values, key=score)
            return best if score(best) > score(knob.shipped) + a.margin else knob.shipped

        # 2. and 3. Configurations chosen without each set, and on all of them.
        chosen = {}
        for m in MODES:
            for held in sets + [None]:
                on = [s for s in sets if s != held]
                chosen[(held, m)] = {k.name: pick(k, m, on) for k in knobs}
        r.measure([key(s, m, chosen[(h, m)]) for m in MODES for s in sets
                   for h in (s, None)])
        status = 1 if r.failed else 0

        print("Values picked on the other four sets, for each set held out (with | without "
              "the lang column; `=` the shipped value):\n")
        print("| knob | shipped | " + " | ".join(sets) + " | on all sets |")
        print("|---|---|" + "---|" * (len(sets) + 1))
        for k in knobs:
            cells = []
            for h in sets + [None]:
                vs = [chosen[(h, m)][k.name] for m in MODES]
                cells.append(" \\| ".join("=" if v == k.shipped else v for v in vs))
            print(f"| {k.name} | {k.shipped} | " + " | ".join(cells) + " |")

        print("\nnDCG@10: shipped, held out (chosen on the other four), tuned (chosen on all "
              "five, the set seen):\n")
        print("| set | lang column | shipped | held out | tuned | held-out configuration |")
        print("|---|---|---:|---:|---:|---|")
        rows = []
        for s in sets:
            for m in MODES:
                shipped = r.scores[key(s, m, {})]
                held = r.scores[key(s, m, chosen[(s, m)])]
                tuned = r.scores[key(s, m, chosen[(None, m)])]
                diff = ", ".join(f"{k.name} {v}" for k, v in
                                 ((k, chosen[(s, m)][k.name]) for k in knobs) if v != k.shipped)
                rows.append((s, m, shipped, held, tuned, diff or "-"))
                print(f"| {s} | {m} | {shipped:.4f} | {held:.4f} | {tuned:.4f} | {diff or '-'} |")
        if a.scores:
            with open(a.scores, "w", encoding="utf-8") as f:
                f.write("knob\tvalue\tlang\t" + "\t".join(sets) + "\n")
                for k in knobs:
                    for v in k.values:
                        for m in MODES:
                            f.write(f"{k.name}\t{v}\t{m}\t" + "\t".join(
                                f"{r.scores[key(s, m, {k.name: v})]:.4f}" for s in sets) + "\n")
        if a.tsv:
            with open(a.tsv, "w", encoding="utf-8") as f:
                f.write("set\tlang\tshipped\theldout\ttuned\tconfig\n")
                for s, m, shipped, held, tuned, diff in rows:
                    f.write(f"{s}\t{m}\t{shipped:.4f}\t{held:.4f}\t{tuned:.4f}\t{diff}\n")
        return status
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
