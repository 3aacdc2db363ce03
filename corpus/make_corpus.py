#!/usr/bin/env python3
"""Regenerate the JSONL part of the lupe sample corpus.

Usage:
    python3 corpus/make_corpus.py /work/shared/data

Reads (relative to the data folder given as argument):
    news/wikinews-en/docs.jsonl       English Wikinews articles (CC BY 2.5)
    relevance/xquad-r-de/docs.jsonl   XQuAD-R German, one sentence per line (CC BY-SA 4.0)

Writes (next to this script):
    wikinews-en.jsonl          one article per line
    xquad-de-paragraphs.jsonl  the sentences regrouped into their 240 paragraphs

Python 3 standard library only; deterministic (input order is kept, no
timestamps, no hashing, fixed key order, "\n" line endings).
The Markdown files in corpus/news/ are hand-made and not produced here.
"""

import json
import os
import re
import sys
from collections import OrderedDict

WIKINEWS_KEYS = ("id", "title", "body", "lang", "date", "url")
WIKINEWS_SOURCE = "Wikinews"
XQUAD_SOURCE = "XQuAD (German) via LAReQA xquad-r"
SENTENCE_ID = re.compile(r"^(?P<para>.+)-s(?P<n>[0-9]+)$")


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                sys.exit("%s:%d: invalid JSON: %s" % (path, lineno, e))
    return rows


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def check_unique(name, rows):
    seen = set()
    for r in rows:
        if r["id"] in seen:
            sys.exit("%s: duplicate id %r" % (name, r["id"]))
        seen.add(r["id"])


def wikinews(data_dir):
    path = os.path.join(data_dir, "news", "wikinews-en", "docs.jsonl")
    out = []
    for r in read_jsonl(path):
        missing = [k for k in WIKINEWS_KEYS if k not in r]
        if missing:
            sys.exit("%s: %r lacks %s" % (path, r.get("id"), ", ".join(missing)))
        doc = OrderedDict((k, r[k]) for k in WIKINEWS_KEYS)
        doc["source"] = WIKINEWS_SOURCE
        out.append(doc)
    return out


def xquad_paragraphs(data_dir):
    path = os.path.join(data_dir, "relevance", "xquad-r-de", "docs.jsonl")
    groups = OrderedDict()  # paragraph id -> {"article": ..., "sentences": [(n, text)]}
    for r in read_jsonl(path):
        para = r["paragraph"]
        m = SENTENCE_ID.match(r["id"])
        if not m or m.group("para") != para:
            sys.exit("%s: sentence id %r does not belong to paragraph %r"
                     % (path, r["id"], para))
        g = groups.setdefault(para, {"article": r["article"], "sentences": []})
        if g["article"] != r["article"]:
            sys.exit("%s: paragraph %r spans articles %r and %r"
                     % (path, para, g["article"], r["article"]))
        g["sentences"].append((int(m.group("n")), r["body"]))
    out = []
    for para, g in groups.items():
        sentences = sorted(g["sentences"], key=lambda s: s[0])
        numbers = [n for n, _ in sentences]
        if len(set(numbers)) != len(numbers):
            sys.exit("%s: paragraph %r has duplicate sentence numbers" % (path, para))
        out.append(OrderedDict([
            ("id", para),
            ("title", g["article"]),
            ("body", " ".join(text.strip() for _, text in sentences)),
            ("lang", "de"),
            ("source", XQUAD_SOURCE),
        ]))
    return out


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: python3 corpus/make_corpus.py DATA_DIR   (e.g. /work/shared/data)")
    data_dir = argv[1]
    out_dir = os.path.dirname(os.path.abspath(__file__))
    for name, rows in (("wikinews-en.jsonl", wikinews(data_dir)),
                       ("xquad-de-paragraphs.jsonl", xquad_paragraphs(data_dir))):
        check_unique(name, rows)
        path = os.path.join(out_dir, name)
        write_jsonl(path, rows)
        print("%s: %d documents, %d bytes" % (path, len(rows), os.path.getsize(path)))


if __name__ == "__main__":
    main(sys.argv)
