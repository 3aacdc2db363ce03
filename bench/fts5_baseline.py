#!/usr/bin/env python3
"""fts5_baseline.py: SQLite FTS5 as an indexing-throughput reference for lupe.

    fts5_baseline.py index DB DOCS.jsonl[.gz]   build DB anew (an existing file is replaced)
    fts5_baseline.py stats DOCS.jsonl[.gz]      print "DOCS BYTES": documents and the
                                                UTF-8 bytes of their title+body

index: one document per JSON line {"id", "title", "body", ...}; every document goes into

    CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
        tokenize='porter unicode61 remove_diacritics 2')

in one transaction (Python's standard sqlite3, default pragmas). Other fields (lang, ...)
are ignored: FTS5 has no per-document language. Blank lines are skipped.

Python 3 standard library only. Exit codes: 0 success, 1 runtime error, 2 usage error.
"""

import gzip
import json
import os
import sqlite3
import sys

SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
          "tokenize='porter unicode61 remove_diacritics 2')")


def open_text(path):
    """A text stream over a plain or gzip-compressed file (decided by its magic bytes)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


def text_field(doc, name):
    v = doc.get(name)
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    raise ValueError(f'field "{name}" is not a string')


def documents(path):
    """Yields (id, title, body) for each non-blank line."""
    with open_text(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                if not isinstance(doc, dict):
                    raise ValueError("not a JSON object")
                yield text_field(doc, "id"), text_field(doc, "title"), text_field(doc, "body")
            except ValueError as e:
                raise RuntimeError(f"{path}:{lineno}: {e}") from None


def cmd_index(db_path, docs_path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    con = sqlite3.connect(db_path, isolation_level=None)  # explicit BEGIN/COMMIT below
    try:
        con.execute(SCHEMA)
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


def cmd_stats(docs_path):
    n = 0
    nbytes = 0
    for _id, title, body in documents(docs_path):
        n += 1
        nbytes += len(title.encode("utf-8")) + len(body.encode("utf-8"))
    print(n, nbytes)


def main(argv):
    usage = ("usage: fts5_baseline.py index DB DOCS.jsonl[.gz]\n"
             "       fts5_baseline.py stats DOCS.jsonl[.gz]\n")
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        sys.stdout.write(usage)
        return 0
    try:
        if len(argv) == 4 and argv[1] == "index":
            cmd_index(argv[2], argv[3])
        elif len(argv) == 3 and argv[1] == "stats":
            cmd_stats(argv[2])
        else:
            sys.stderr.write(usage)
            return 2
    except (OSError, RuntimeError, sqlite3.Error, UnicodeDecodeError, EOFError) as e:
        print(f"fts5_baseline: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
