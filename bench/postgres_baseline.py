#!/usr/bin/env python3
"""postgres_baseline.py: PostgreSQL full-text search as a relevance peer of lupe.

    postgres_baseline.py start DIR              a throw-away cluster in the empty folder DIR
    postgres_baseline.py index DIR DB DOCS.jsonl[.gz] [--default-lang en|de]
    postgres_baseline.py search DIR DB QUERIES.tsv [--limit N] [--lang-column use|ignore]
                         [--default-lang en|de] [--rank ts_rank|ts_rank_cd] [--normalization K]
    postgres_baseline.py stop DIR               stops DIR's cluster by its pid

start: `initdb` (UTF-8, LC_CTYPE C.UTF-8 so that the text-search parser knows non-ASCII
letters, trust authentication) and `pg_ctl start` with no TCP port, only a unix socket in DIR.
PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (or
`nobody`), which is given DIR. `stop` is `pg_ctl stop -m fast`, then SIGKILL of the pid in
postmaster.pid if it is still there, so that nothing is left running.

index: creates database DB with one row per document and

    tsv = setweight(to_tsvector(cfg, title), 'A') || setweight(to_tsvector(cfg, body), 'D')

(PostgreSQL's documented way to rank title matches above body matches), cfg = `german` or
`english` by the document's "lang" (--default-lang when it is neither), and a GIN index on tsv.

search: a query is the OR of its lexemes: `to_tsvector(cfg, query)` (the configuration's parser,
stop words and Snowball stemmer), its lexemes joined by `|`, cfg by the query's lang column
(`--lang-column use`) or --default-lang (`ignore`). The matches are ranked by `ts_rank` or
`ts_rank_cd` (--rank, default ts_rank) with the default weights {0.1, 0.2, 0.4, 1.0} and
normalization K (default 0; 1 divides by 1 + log(document length)). Prints TREC run lines
`qid Q0 docid rank score postgres`, the top N (default 100) per query.

Needs the Debian package `postgresql` (initdb and pg_ctl from /usr/lib/postgresql/*/bin) and
psql. Python 3 standard library only. Exit codes: 0 success, 1 runtime error, 2 usage error.
"""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time

from peer_common import read_documents, read_queries

CONFIGS = {"en": "english", "de": "german"}
RANKS = ("ts_rank", "ts_rank_cd")
# The server's unix socket is DIR/.s.PGSQL.PORT; no TCP port is opened, so any number works.
PORT = "5432"


def server_binary(name):
    """initdb and pg_ctl: on PATH, else Debian's versioned folder (the newest)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not candidates:
        raise RuntimeError(f"{name} not found: install the Debian package postgresql")
    return candidates[-1]


def server_user():
    """The user the server runs as: ourselves, or when we are root `postgres` or `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither user postgres nor nobody exists")


def as_server_user(cmd):
    user = server_user()
    return ["runuser", "-u", user.pw_name, "--"] + cmd if user else cmd


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ...: exit {result.returncode}: "
                           f"{result.stderr.strip()[-500:]}")
    return result.stdout


def cmd_start(folder):
    folder = os.path.abspath(folder)
    if not os.path.isdir(folder) or os.listdir(folder):
        raise RuntimeError(f"{folder}: not an empty folder")
    user = server_user()
    if user:
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = os.path.join(folder, "data")
    run(as_server_user([server_binary("initdb"), "-D", data, "-U", "postgres", "-E", "UTF8",
                        "--locale=C", "--lc-ctype=C.UTF-8", "--auth=trust", "--no-sync"]))
    options = f"-c listen_addresses='' -k {folder} -p {PORT} -c fsync=off"
    run(as_server_user([server_binary("pg_ctl"), "start", "-w", "-D", data, "-o", options,
                        "-l", os.path.join(folder, "server.log")]))


def cmd_stop(folder):
    data = os.path.join(os.path.abspath(folder), "data")
    pid_file = os.path.join(data, "postmaster.pid")
    if not os.path.exists(pid_file):
        return
    with open(pid_file, encoding="utf-8") as f:
        pid = int(f.readline())
    subprocess.run(as_server_user([server_binary("pg_ctl"), "stop", "-w", "-t", "30",
                                   "-m", "fast", "-D", data]), capture_output=True)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)


def psql(folder, db, script):
    """Runs SQL (and inline COPY data) from `script` through psql; returns its stdout."""
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", os.path.abspath(folder),
           "-p", PORT, "-U", "postgres", "-d", db]
    return run(cmd, input=script)


def copy_field(value):
    """A value in COPY's text format."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def lang_config_sql(default_lang):
    return f"""
CREATE OR REPLACE FUNCTION lang_config(lang text) RETURNS regconfig AS $$
  SELECT CASE lang WHEN 'de' THEN 'german'::regconfig WHEN 'en' THEN 'english'::regconfig
                   ELSE '{CONFIGS[default_lang]}'::regconfig END
$$ LANGUAGE sql IMMUTABLE;
"""


def cmd_index(folder, db, docs_path, default_lang):
    # The database is made anew, so that a run never ranks on an older copy.
    psql(folder, "postgres", f'DROP DATABASE IF EXISTS "{db}";\nCREATE DATABASE "{db}";\n')
    rows = ["\t".join(copy_field(v) for v in fields)
            for fields in read_documents(docs_path, ("id", "lang", "title", "body"))]
    script = (lang_config_sql(default_lang)
              + "CREATE TABLE docs (id text PRIMARY KEY, lang text, title text, body text,"
              " tsv tsvector);\n"
              + "COPY docs (id, lang, title, body) FROM STDIN;\n"
              + "".join(r + "\n" for r in rows) + "\\.\n"
              + "UPDATE docs SET tsv = setweight(to_tsvector(lang_config(lang), title), 'A')"
              " || setweight(to_tsvector(lang_config(lang), body), 'D');\n"
              + "CREATE INDEX docs_tsv ON docs USING gin (tsv);\nANALYZE docs;\n")
    psql(folder, db, script)
    print(f"postgres_baseline: indexed {len(rows)} documents into {db}", file=sys.stderr)


def cmd_search(folder, db, queries_path, limit, lang_column, default_lang, rank, normalization):
    rows = []
    for qid, lang, text in read_queries(queries_path):
        if lang_column == "ignore":
            lang = ""
        rows.append("\t".join(copy_field(v) for v in (str(len(rows)), qid, lang, text)))
    # Each lexeme quoted for tsquery's input syntax (a quote doubled, a backslash escaped),
    # so that a word is never read as an operator.
    script = (lang_config_sql(default_lang)
              + "CREATE TEMP TABLE queries (ord int, qid text, lang text, text text);\n"
              + "COPY queries FROM STDIN;\n" + "".join(r + "\n" for r in rows) + "\\.\n"
              + f"""
COPY (
  SELECT q.qid, hit.id, hit.score
  FROM queries q
  CROSS JOIN LATERAL (
    SELECT (SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || '''',
                              ' | ')
            FROM unnest(tsvector_to_array(to_tsvector(lang_config(q.lang), q.text))) w
           )::tsquery AS query) t
  CROSS JOIN LATERAL (
    SELECT d.id, {rank}(d.tsv, t.query, {normalization}) AS score
    FROM docs d
    WHERE d.tsv @@ t.query
    ORDER BY score DESC, d.id
    LIMIT {limit}) hit
  ORDER BY q.ord, hit.score DESC, hit.id
) TO STDOUT;
""")
    out = psql(folder, db, script)
    last_qid, n = None, 0
    for line in out.splitlines():
        qid, doc_id, score = line.split("\t")
        n = n + 1 if qid == last_qid else 1
        last_qid = qid
        sys.stdout.write(f"{qid} Q0 {doc_id} {n} {score} postgres\n")


def search_options(rest):
    """The options of `search`, or None when malformed."""
    options = {"limit": 100, "lang_column": "use", "default_lang": "en", "rank": "ts_rank",
               "normalization": 0}
    while rest:
        if len(rest) < 2:
            return None
        name, value = rest[0], rest[1]
        if name == "--limit" and value.isdigit() and int(value) > 0:
            options["limit"] = int(value)
        elif name == "--lang-column" and value in ("use", "ignore"):
            options["lang_column"] = value
        elif name == "--default-lang" and value in CONFIGS:
            options["default_lang"] = value
        elif name == "--rank" and value in RANKS:
            options["rank"] = value
        elif name == "--normalization" and value.isdigit() and int(value) < 64:
            options["normalization"] = int(value)
        else:
            return None
        rest = rest[2:]
    return options


def main(argv):
    usage = ("usage: postgres_baseline.py start DIR\n"
             "       postgres_baseline.py index DIR DB DOCS.jsonl[.gz] [--default-lang en|de]\n"
             "       postgres_baseline.py search DIR DB QUERIES.tsv [--limit N]"
             " [--lang-column use|ignore] [--default-lang en|de]"
             " [--rank ts_rank|ts_rank_cd] [--normalization K]\n"
             "       postgres_baseline.py stop DIR\n")
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        sys.stdout.write(usage)
        return 0
    try:
        if len(argv) == 3 and argv[1] == "start":
            cmd_start(argv[2])
        elif len(argv) == 3 and argv[1] == "stop":
            cmd_stop(argv[2])
        elif len(argv) in (5, 7) and argv[1] == "index":
            lang = "en"
            if len(argv) == 7:
                if argv[5] != "--default-lang" or argv[6] not in CONFIGS:
                    sys.stderr.write(usage)
                    return 2
                lang = argv[6]
            cmd_index(argv[2], argv[3], argv[4], lang)
        elif len(argv) >= 5 and argv[1] == "search":
            options = search_options(argv[5:])
            if options is None:
                sys.stderr.write(usage)
                return 2
            cmd_search(argv[2], argv[3], argv[4], **options)
        else:
            sys.stderr.write(usage)
            return 2
    except (OSError, RuntimeError, UnicodeDecodeError, EOFError) as e:
        print(f"postgres_baseline: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
