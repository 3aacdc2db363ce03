#!/usr/bin/env python3
"""Relevance evaluator for lupe's benchmarks: a small, dependency-free subset of trec_eval.

Usage:
    trec_eval.py QRELS RUN [--per-query] [--json] [--check [--tag TAG] [--limit N]]
    trec_eval.py --self-test

Measures (names in brackets are trec_eval's):
    nDCG@10  [ndcg_cut_10]  gain = the qrels grade (only grades >= 1 count), discount
                            1/log2(rank+1); the ideal DCG@10 is built from ALL judged grades
                            of the query (sorted descending), not only from retrieved docs.
    MRR@10   (no exact trec_eval name; recip_rank cut at 10) 1/rank of the first relevant
                            doc within the top 10, else 0.
    R@100    [recall_100]   relevant docs in the top 100 / all relevant docs of the query.
    MAP      [map]          mean over the query's relevant docs of the precision at the rank
                            of each one (0 for relevant docs not retrieved), over the whole run.

Conventions, all as in trec_eval:
  * Relevant means grade >= 1 (trec_eval's default relevance_level 1); grade 0 is judged
    non-relevant.
  * The rank column of the run is IGNORED. Docs are ordered by score descending, and ties are
    broken by docid descending (trec_eval compares docnos with strcmp and sorts ties in
    decreasing docno order; we compare UTF-8 bytes, which is the same thing).
  * Averages are taken over ALL queries of the qrels that have at least one relevant doc
    (like `trec_eval -c`): a query missing from the run scores 0 on every measure. Queries
    that are in the run but not in the qrels are ignored.
  * A docid retrieved twice for one query is an error in trec_eval; here it is reported on
    stderr and only its highest-scored line is kept, so that one bad line does not hide the
    rest of a benchmark.

Importable: `evaluate(qrels, run)` with qrels = {qid: {docid: grade}} and
run = {qid: [(docid, score), ...]} returns {"queries": n, "nDCG@10": x, "MRR@10": x,
"R@100": x, "MAP": x, "per_query": {qid: {...}}}. `read_qrels(path)` and `read_run(path)` parse
the files.
"""

import argparse
import json
import math
import sys

MEASURES = ("nDCG@10", "MRR@10", "R@100", "MAP")

# Cut-offs of the measures above, named once.
NDCG_CUT = 10
MRR_CUT = 10
RECALL_CUT = 100


class FormatError(Exception):
    """A qrels or run line that does not follow the TREC format."""


def read_qrels(path):
    """Parse TREC qrels `qid iter docid grade` into {qid: {docid: grade}}."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise FormatError(f"{path}:{lineno}: expected 4 fields 'qid 0 docid rel', "
                                  f"got {len(fields)}: {line.rstrip()!r}")
            qid, _, docid, grade = fields
            try:
                grade = int(grade)
            except ValueError:
                raise FormatError(f"{path}:{lineno}: relevance {grade!r} is not an integer")
            qrels.setdefault(qid, {})[docid] = grade
    return qrels


def read_run(path):
    """Parse a TREC run `qid Q0 docid rank score tag` into {qid: [(docid, score), ...]}.

    Strict on purpose, so that a tool emitting malformed lines is caught here: exactly six
    whitespace-separated fields, an integer rank and a finite float score.
    """
    run = {}
    seen = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            where = f"{path}:{lineno}"
            if len(fields) != 6:
                raise FormatError(f"{where}: expected 6 fields 'qid Q0 docid rank score tag', "
                                  f"got {len(fields)}: {line.rstrip()!r}")
            qid, _, docid, rank, score, _ = fields
            try:
                int(rank)
            except ValueError:
                raise FormatError(f"{where}: rank {rank!r} is not an integer")
            try:
                score = float(score)
            except ValueError:
                raise FormatError(f"{where}: score {score!r} is not a number")
            if math.isnan(score) or math.isinf(score):
                raise FormatError(f"{where}: score {score!r} is not finite")
            key = (qid, docid)
            if key in seen:
                print(f"trec_eval.py: {where}: warning: doc {docid} retrieved twice for query "
                      f"{qid} (first at line {seen[key]}); keeping the higher score",
                      file=sys.stderr)
                docs = run[qid]
                for i, (d, s) in enumerate(docs):
                    if d == docid:
                        docs[i] = (d, max(s, score))
                        break
                continue
            seen[key] = lineno
            run.setdefault(qid, []).append((docid, score))
    return run


def rank_docs(docs):
    """Order [(docid, score)] as trec_eval does: score descending, then docid descending."""
    return [d for d, _ in sorted(docs, key=lambda ds: (ds[1], ds[0].encode("utf-8")),
                                 reverse=True)]


def evaluate_query(judged, docs):
    """Measures for one query; judged = {docid: grade}, docs = [(docid, score)]."""
    ranked = rank_docs(docs)
    num_rel = sum(1 for g in judged.values() if g >= 1)

    dcg = 0.0
    for i, docid in enumerate(ranked[:NDCG_CUT]):
        grade = judged.get(docid, 0)
        if grade >= 1:
            dcg += grade / math.log2(i + 2)
    ideal_grades = sorted((g for g in judged.values() if g >= 1), reverse=True)[:NDCG_CUT]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal_grades))

    rr = 0.0
    for i, docid in enumerate(ranked[:MRR_CUT]):
        if judged.get(docid, 0) >= 1:
            rr = 1.0 / (i + 1)
            break

    rel_in_cut = sum(1 for d in ranked[:RECALL_CUT] if judged.get(d, 0) >= 1)

    rel_seen = 0
    precision_sum = 0.0
    for i, docid in enumerate(ranked):
        if judged.get(docid, 0) >= 1:
            rel_seen += 1
            precision_sum += rel_seen / (i + 1)

    return {
        "nDCG@10": dcg / idcg if idcg > 0 else 0.0,
        "MRR@10": rr,
        "R@100": rel_in_cut / num_rel if num_rel else 0.0,
        "MAP": precision_sum / num_rel if num_rel else 0.0,
        "retrieved": len(ranked),
        "relevant": num_rel,
        "relevant_retrieved": rel_seen,
    }


def evaluate(qrels, run):
    """Average the measures over every qrels query with at least one relevant doc."""
    per_query = {}
    for qid, judged in qrels.items():
        if not any(g >= 1 for g in judged.values()):
            continue
        per_query[qid] = evaluate_query(judged, run.get(qid, []))
    n = len(per_query)
    result = {"queries": n,
              "queries_without_results": sum(1 for q in per_query if not run.get(q))}
    for m in MEASURES:
        result[m] = sum(v[m] for v in per_query.values()) / n if n else 0.0
    result["per_query"] = per_query
    return result


def check_run(path, tag=None, limit=None):
    """Format problems of a run file beyond what read_run rejects, as readable strings.

    trec_eval itself ignores these, but they usually mean a bug in the tool that wrote the
    run: a second field other than "Q0", ranks that do not count 1, 2, 3... within a query,
    scores that rise while the rank goes down (trec_eval then reorders the docs by score,
    so the ranking evaluated is not the one the tool printed), a query whose lines are not
    contiguous, more lines for a query than `limit`, a tag other than `tag`.
    """
    problems = {}

    def note(kind, where):
        entry = problems.setdefault(kind, [0, where])
        entry[0] += 1

    last = {}  # qid -> (rank, score)
    finished = set()
    current = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if len(fields) != 6:
                continue  # read_run reports these
            qid, q0, _, rank, score, run_tag = fields
            where = f"{path}:{lineno}: {line.rstrip()}"
            if "\t" in line.rstrip("\n"):
                note("fields separated by tabs rather than spaces (accepted by trec_eval)", where)
            if q0 != "Q0":
                note('second field is not "Q0"', where)
            if tag is not None and run_tag != tag:
                note(f'tag is not "{tag}"', where)
            try:
                rank, score = int(rank), float(score)
            except ValueError:
                continue
            if qid != current:
                if qid in finished:
                    note("lines of a query are not contiguous", where)
                if current is not None:
                    finished.add(current)
                current = qid
            prev = last.get(qid)
            expected_rank = prev[0] + 1 if prev else 1
            if rank != expected_rank:
                note("rank does not count 1, 2, 3... within the query", where)
            if prev and score > prev[1]:
                note("score higher than at the previous rank (trec_eval reorders by score)",
                     where)
            last[qid] = (rank, score)
            if limit is not None and rank == limit + 1:
                note(f"more than {limit} results for a query", where)
    return [f"{n} line(s): {kind}; first at {where}"
            for kind, (n, where) in problems.items()]


def _natural_key(qid):
    return (0, int(qid), "") if qid.isdigit() else (1, 0, qid)


def _self_test():
    """Check hand-computed values on a tiny example; return the number of mismatches."""
    qrels = {
        # Graded; d3 is judged non-relevant (grade 0).
        "q1": {"d1": 2, "d2": 1, "d3": 0, "d4": 3},
        # Missing from the run: scores 0, still counted in the averages.
        "q2": {"d5": 1},
        # No relevant doc: excluded from the averages.
        "q3": {"d6": 0},
        # Relevant doc at rank 11: outside the @10 cut-offs, inside R@100 and MAP.
        "q5": {"d7": 1},
    }
    run = {
        # Ranks given in the run are deliberately wrong: they must be ignored.
        # d1 and d9 tie at 4.0; docid descending puts d9 first, so d1 is at rank 3.
        "q1": [("d3", 5.0), ("d1", 4.0), ("d9", 4.0), ("d2", 2.0), ("d4", 1.0)],
        "q3": [("d6", 1.0)],
        "q4": [("d1", 1.0)],  # not in qrels: ignored
        "q5": [(f"x{i:02d}", 20.0 - i) for i in range(10)] + [("d7", 1.0)],
    }
    # q1, ranking d3 d9 d1 d2 d4: relevant d1 (grade 2) at 3, d2 (1) at 4, d4 (3) at 5.
    #   DCG@10  = 2/log2(4) + 1/log2(5) + 3/log2(6) = 1 + 0.4306766 + 1.1605584 = 2.5912350
    #   IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.2618595 + 0.5       = 4.7618595
    #   nDCG@10 = 0.5441645; MRR@10 = 1/3; R@100 = 3/3; AP = (1/3 + 2/4 + 3/5) / 3 = 0.4777778
    # q2: all 0.  q5: nDCG@10 0, MRR@10 0, R@100 1, AP = 1/11 = 0.0909091.
    # Averages over q1, q2, q5 (3 queries).
    expected = {
        "queries": 3,
        "nDCG@10": 0.5441645 / 3,
        "MRR@10": (1 / 3) / 3,
        "R@100": 2 / 3,
        "MAP": (0.4777778 + 1 / 11) / 3,
    }
    expected_q1 = {"nDCG@10": 0.5441645, "MRR@10": 1 / 3, "R@100": 1.0, "MAP": 0.4777778}

    got = evaluate(qrels, run)
    failures = 0

    def check(label, value, want):
        nonlocal failures
        ok = abs(value - want) < 1e-6
        print(f"{'ok  ' if ok else 'FAIL'} {label}: got {value:.7f}, expected {want:.7f}")
        failures += not ok

    check("queries", got["queries"], expected["queries"])
    for m in MEASURES:
        check(m, got[m], expected[m])
    for m in MEASURES:
        check(f"q1 {m}", got["per_query"]["q1"][m], expected_q1[m])
    check("q2 (no results) nDCG@10", got["per_query"]["q2"]["nDCG@10"], 0.0)
    check("ties: d9 ranked before d1",
          float(rank_docs(run["q1"]).index("d9") < rank_docs(run["q1"]).index("d1")), 1.0)
    print("self-test", "passed" if failures == 0 else f"FAILED ({failures} mismatches)")
    return failures


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Evaluate a TREC run: nDCG@10, MRR@10, R@100, MAP (trec_eval definitions).")
    ap.add_argument("qrels", nargs="?", help="TREC qrels: qid 0 docid grade")
    ap.add_argument("run", nargs="?", help="TREC run: qid Q0 docid rank score tag")
    ap.add_argument("--per-query", action="store_true", help="also print one line per query")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--check", action="store_true",
                    help="also report format problems of RUN on stderr (see check_run)")
    ap.add_argument("--tag", help="with --check: the run tag every line should carry")
    ap.add_argument("--limit", type=int,
                    help="with --check: the most results a query should have")
    ap.add_argument("--self-test", action="store_true",
                    help="check hand-computed values on a built-in example and exit")
    args = ap.parse_args(argv)

    if args.self_test:
        return 1 if _self_test() else 0
    if not args.qrels or not args.run:
        ap.error("QRELS and RUN are required (or --self-test)")

    try:
        result = evaluate(read_qrels(args.qrels), read_run(args.run))
        if args.check:
            for problem in check_run(args.run, args.tag, args.limit):
                print(f"trec_eval.py: check: {problem}", file=sys.stderr)
    except (OSError, FormatError) as e:
        print(f"trec_eval.py: {e}", file=sys.stderr)
        return 1

    if args.json:
        if not args.per_query:
            del result["per_query"]
        json.dump(result, sys.stdout, indent=1)
        print()
        return 0

    if args.per_query:
        print("qid\t" + "\t".join(MEASURES))
        for qid in sorted(result["per_query"], key=_natural_key):
            v = result["per_query"][qid]
            print(qid + "\t" + "\t".join(f"{v[m]:.4f}" for m in MEASURES))
        print()
    print(f"queries\t{result['queries']}")
    print(f"no_results\t{result['queries_without_results']}")
    for m in MEASURES:
        print(f"{m}\t{result[m]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
