#!/usr/bin/env python3
"""sphinx_baseline.py: Sphinx 2.2 (Debian sphinxsearch) as a peer in bench/throughput.sh.

    sphinx_baseline.py prepare DIR DOCS.jsonl[.gz]   write DIR/docs.tsv, DIR/ids.txt and
                                                     DIR/sphinx.conf; print the config's path
    sphinx_baseline.py search DIR QUERIES.tsv [--limit N] [--timings FILE]

prepare: converts the JSON lines {"id", "title", "body", "lang"} into the tsvpipe input
    DIR/docs.tsv (`n<TAB>title<TAB>body`, n = 1, 2, ... because Sphinx wants integer
    document ids; tabs, line breaks and backslashes become spaces) and DIR/ids.txt (line n:
    the document's id), and writes DIR/sphinx.conf. Sphinx has one morphology per index, so
    the set's language is the most frequent lang field: "de" -> libstemmer_german, anything
    else -> stem_en (Sphinx's built-in Porter stemmer). Analysis: the charset_table below
    (letters and digits of ASCII, Latin-1 and Cyrillic, lower-cased), min_word_len 1, no stop words, positions kept (the default hit lists), no stored text
    (Sphinx 2.2 stores none), indexer mem_limit at its default 128M. The caller times
    `indexer --config DIR/sphinx.conf --all` itself; the index goes to DIR/index/.
search: starts `searchd --nodetach` on 127.0.0.1 at a port picked free, waits until it
    answers, sends each query over SphinxQL (the MySQL protocol, with python3-pymysql) as
        SELECT id, WEIGHT() FROM lupe WHERE MATCH('"w1 w2 ..."/1') LIMIT N
    -- the query's words only (ASCII bytes that are not letters or digits become spaces),
    quorum 1 = any of the words, as the OR of the other engines; ranking Sphinx's default
    (proximity_bm25) -- and stops searchd by its pid (SIGTERM, then wait; SIGKILL after
    10 s). Prints TREC run lines `qid Q0 docid rank weight sphinx`. --timings FILE writes
    `qid<TAB>milliseconds` per query: the wall time as the client sees it, from sending
    the statement to having read all result rows, so it includes the loopback round trip
    and the protocol's encoding, which the in-process timings of the other engines do not.

Exit codes: 0 success, 1 runtime error, 2 usage error.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

from peer_common import read_documents, read_queries, search_options

INDEX_NAME = "lupe"
STEMMERS = {"de": "libstemmer_german"}
DEFAULT_STEMMER = "stem_en"
# How long searchd may take to start answering, and to exit after SIGTERM.
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
DEFAULT_LIMIT = 1000
# Letters and digits; upper case folded to lower case in ASCII, Latin-1 and Cyrillic. The
# umlauts and ß stay what they are, as the German Snowball stemmer expects them. (2.2.11
# has no "non_cjk" alias yet; its default table knows only English and Russian letters.)
CHARSET_TABLE = ("0..9, A..Z->a..z, a..z, U+C0..U+D6->U+E0..U+F6, U+D8..U+DE->U+F8..U+FE, "
                 "U+DF, U+E0..U+F6, U+F8..U+FF, U+410..U+42F->U+430..U+44F, U+430..U+44F")

NON_WORD = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
TSV_UNSAFE = re.compile(r"[\t\r\n\\]+")


def write_conf(path, directory, port):
    with open(os.path.join(directory, "settings.json"), encoding="utf-8") as f:
        settings = json.load(f)
    tsv = os.path.join(directory, "docs.tsv")
    conf = f"""
source src
{{
    type = tsvpipe
    tsvpipe_command = cat {tsv}
    tsvpipe_field = title
    tsvpipe_field = body
}}

index {INDEX_NAME}
{{
    source = src
    path = {os.path.join(directory, "index", INDEX_NAME)}
    docinfo = none
    morphology = {settings["morphology"]}
    charset_table = {CHARSET_TABLE}
    min_word_len = 1
}}

indexer
{{
    mem_limit = 128M
}}

searchd
{{
    listen = 127.0.0.1:{port}:mysql41
    log = {os.path.join(directory, "searchd.log")}
    pid_file = {os.path.join(directory, "searchd.pid")}
    binlog_path =
    workers = threads
}}
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf)


def cmd_prepare(directory, docs_path):
    os.makedirs(os.path.join(directory, "index"), exist_ok=True)
    langs = Counter()
    n = 0
    with open(os.path.join(directory, "docs.tsv"), "w", encoding="utf-8") as tsv, \
            open(os.path.join(directory, "ids.txt"), "w", encoding="utf-8") as ids:
        for doc_id, title, body, lang in read_documents(docs_path,
                                                        ("id", "title", "body", "lang")):
            langs[lang] += 1
            n += 1
            tsv.write(f"{n}\t{TSV_UNSAFE.sub(' ', title)}\t{TSV_UNSAFE.sub(' ', body)}\n")
            ids.write(TSV_UNSAFE.sub(" ", doc_id) + "\n")
    lang = langs.most_common(1)[0][0] if langs else ""
    with open(os.path.join(directory, "settings.json"), "w", encoding="utf-8") as f:
        json.dump({"lang": lang, "morphology": STEMMERS.get(lang, DEFAULT_STEMMER)}, f)
    conf = os.path.join(directory, "sphinx.conf")
    write_conf(conf, directory, free_port())
    print(conf)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def words_only(text):
    return " ".join(NON_WORD.sub(" ", text).split())


def connect(port, proc):
    import pymysql  # imported here so that `prepare` needs no pymysql
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            return pymysql.connect(host="127.0.0.1", port=port, user="", autocommit=True)
        except pymysql.err.OperationalError:
            if proc.poll() is not None:
                raise RuntimeError(f"searchd exited with status {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"searchd did not answer within {START_TIMEOUT_S} s") from None
            time.sleep(0.05)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cmd_search(directory, queries_path, limit, timings_path):
    with open(os.path.join(directory, "ids.txt"), encoding="utf-8") as f:
        ids = f.read().split("\n")
    port = free_port()
    conf = os.path.join(directory, "searchd.conf")
    write_conf(conf, directory, port)
    proc = subprocess.Popen(["searchd", "--config", conf, "--nodetach"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timings = open(timings_path, "w", encoding="utf-8") if timings_path else None
    out = sys.stdout
    n = 0
    try:
        con = connect(port, proc)
        cur = con.cursor()
        sql = f"SELECT id, WEIGHT() FROM {INDEX_NAME} WHERE MATCH(%s) LIMIT {limit}"
        for qid, _lang, text in read_queries(queries_path):
            n += 1
            start = time.perf_counter()
            words = words_only(text)
            rows = ()
            if words:
                cur.execute(sql, (f'"{words}"/1',))
                rows = cur.fetchall()
            elapsed = (time.perf_counter() - start) * 1000
            if timings:
                timings.write(f"{qid}\t{elapsed:.3f}\n")
            for rank, (doc, weight) in enumerate(rows, 1):
                out.write(f"{qid} Q0 {ids[doc - 1]} {rank} {weight} sphinx\n")
        con.close()
    finally:
        stop(proc)
        if timings:
            timings.close()
    print(f"sphinx_baseline: {n} queries", file=sys.stderr)


def main(argv):
    usage = ("usage: sphinx_baseline.py prepare DIR DOCS.jsonl[.gz]\n"
             "       sphinx_baseline.py search DIR QUERIES.tsv [--limit N] [--timings FILE]\n")
    args = argv[1:]
    if args in (["-h"], ["--help"]):
        sys.stdout.write(usage)
        return 0
    try:
        if len(args) == 3 and args[0] == "prepare":
            cmd_prepare(args[1], args[2])
        elif len(args) >= 3 and args[0] == "search":
            options = search_options(args[3:], DEFAULT_LIMIT)
            if options is None:
                sys.stderr.write(usage)
                return 2
            cmd_search(args[1], args[2], *options)
        else:
            sys.stderr.write(usage)
            return 2
    except ImportError as e:
        print(f"sphinx_baseline: {e} (apt-get install python3-pymysql)", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 -- pymysql's, OSError, RuntimeError: one line each
        print(f"sphinx_baseline: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
