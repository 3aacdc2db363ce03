#!/usr/bin/env python3
"""fts5_baseline.py: SQLite FTS5 as an indexing-throughput reference for lupe.

    fts5_baseline.py index DB DOCS.jsonl[.gz] [--lang en|de]
                                                build DB anew (an existing file is replaced)
    fts5_baseline.py stats DOCS.jsonl[.gz]      print "DOCS BYTES": documents and the
                                                UTF-8 bytes of their title+body
    fts5_baseline.py search DB QUERIES.tsv [--limit N] [--timings FILE]

index: one document per JSON line {"id", "title", "body", ...}; every document goes into

    CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
        tokenize='porter unicode61 remove_diacritics 2')

in one transaction (Python's standard sqlite3, default pragmas). Other fields (lang, ...)
are ignored: FTS5 has one tokenizer per table, not one per document. `--lang de` drops the
porter stemmer (`tokenize='unicode61 remove_diacritics 2'`): porter is English-only and FTS5
ships no German stemmer, so German text is matched by its folded words. Blank lines are
skipped.

search: QUERIES.tsv lines are `qid<TAB>lang<TAB>query`; the query's words only (ASCII bytes
that are not letters or digits become spaces), each quoted, joined by OR, so FTS5 sees no
syntax, ranked by FTS5's bm25 (`ORDER BY rank LIMIT N`). Prints TREC run lines
`qid Q0 docid rank score fts5`; --timings FILE writes `qid<TAB>milliseconds` per query, the
wall time of building the MATCH string, the query and fetching its rows, in the process.

Python 3 standard library only. Exit codes: 0 success, 1 runtime error, 2 usage error.
"""

import os
import re
import sqlite3
import sys
import time

from peer_common import read_documents, read_queries, search_options

# The tokenizer by the --lang of `index`: FTS5's only stemmer, porter, is English.
TOKENIZERS = {"en": "porter unicode61 remove_diacritics 2",
              "de": "unicode61 remove_diacritics 2"}


def documents(path):
    """Yields (id, title, body) for each non-blank line."""
    return read_documents(path, ("id", "title", "body"))


def cmd_index(db_path, docs_path, lang):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    con = sqlite3.connect(db_path, isolation_level=None)  # explicit BEGIN/COMMIT below
    try:
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                    f"tokenize='{TOKENIZERS[lang]}')")
        con.execute("BEGIN")
        n = 0
        cur = con.cursor()
        for row in documents(docs_path):
            cur.execute("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", row)
            n += 1
        con.execute("COMMIT")
    finally:
        con.close()
    print(f"fts5_baseline: indexed {n} documents into {db_path}", file=sys.stderr)


NON_WORD = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def cmd_search(db_path, queries_path, limit, timings_path):
    if not os.path.exists(db_path):
        raise RuntimeError(f"{db_path}: no such database")
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    timings = open(timings_path, "w", encoding="utf-8") if timings_path else None
    sql = "SELECT id, rank FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?"
    try:
        for qid, _lang, text in read_queries(queries_path):
            start = time.perf_counter()
            words = NON_WORD.sub(" ", text).split()
            rows = []
            if words:
                rows = con.execute(sql, (" OR ".join(f'"{w}"' for w in words), limit)).fetchall()
            elapsed = (time.perf_counter() - start) * 1000
            if timings:
                timings.write(f"{qid}\t{elapsed:.3f}\n")
            for rank, (doc_id, score) in enumerate(rows, 1):
                sys.stdout.write(f"{qid} Q0 {doc_id} {rank} {-score} fts5\n")
    finally:
        con.close()
        if timings:
            timings.close()


def cmd_stats(docs_path):
    n = 0
    nbytes = 0
    for _id, title, body in documents(docs_path):
        n += 1
        nbytes += len(title.encode("utf-8")) + len(body.encode("utf-8"))
    print(n, nbytes)


def main(argv):
    usage = ("usage: fts5_baseline.py index DB DOCS.jsonl[.gz] [--lang en|de]\n"
             "       fts5_baseline.py stats DOCS.jsonl[.gz]\n"
             "       fts5_baseline.py search DB QUERIES.tsv [--limit N] [--timings FILE]\n")
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        sys.stdout.write(usage)
        return 0
    try:
        if len(argv) == 4 and argv[1] == "index":
            cmd_index(argv[2], argv[3], "en")
        elif len(argv) == 6 and argv[1] == "index" and argv[4] == "--lang" and argv[5] in TOKENIZERS:
            cmd_index(argv[2], argv[3], argv[5])
        elif len(argv) == 3 and argv[1] == "stats":
            cmd_stats(argv[2])
        elif len(argv) >= 4 and argv[1] == "search":
            options = search_options(argv[4:], 1000)
            if options is None:
                sys.stderr.write(usage)
                return 2
            cmd_search(argv[2], argv[3], *options)
        else:
            sys.stderr.write(usage)
            return 2
    except (OSError, RuntimeError, sqlite3.Error, UnicodeDecodeError, EOFError) as e:
        print(f"fts5_baseline: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
