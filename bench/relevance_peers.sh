#!/usr/bin/env bash
# Relevance of lupe's other peers, SQLite FTS5, PostgreSQL and lunr, on the sets in
# DATA_DIR/relevance/*/ (plain Xapian is measured by relevance.sh).
#
#   bench/relevance_peers.sh DATA_DIR OUT.tsv
#
# For each set: index title+body of docs.jsonl[.gz] with each engine, run the queries "with
# lang" (queries.tsv as is) and "without lang" (the lang column emptied, as relevance.sh
# does), the top 100 per query, a query being the OR of its words after each engine's own
# analysis (stop words removed as the engine does), and evaluate with trec_eval.py.
#
# Each engine analyses documents in their language ("lang" of docs.jsonl; FTS5 and lunr have
# one analyzer per index: the set's most common "lang"). A query is analysed by its lang
# column where the engine can (PostgreSQL: its text-search configuration); without the column,
# by the set's document language, the advantage relevance.sh gives plain Xapian. FTS5 and
# lunr analyse a query with their index's analyzer whatever its lang column says.
#
# Variants: PostgreSQL is ranked by ts_rank and ts_rank_cd, each with normalization 0 and 1;
# FTS5 indexes German sets with and without its (English-only) porter stemmer. For each
# engine and document language the variant with the best mean nDCG@10 over those sets and
# both lang modes is the engine's row in OUT.tsv; stdout shows every variant too.
#
# OUT.tsv: a header and one row per set, lang mode and engine:
#   set<TAB>lang<TAB>engine<TAB>ndcg10<TAB>mrr10<TAB>r100<TAB>map   (lang with|without,
#   engine fts5|postgres|lunr; a failed step's measures read ERR; a skipped engine has no row)
# stdout: Markdown tables (the best peer per set and lang mode; every variant); progress and
# "skipped: install X" on stderr.
#
# Needs python3. Engines, each skipped with a message when missing: FTS5 (Python's sqlite3
# with FTS5), PostgreSQL (Debian's postgresql: a throw-away cluster on a unix socket in a
# temporary folder, run as the postgres user when we are root, stopped by its pid at the end),
# lunr (node, and `npm install --prefix bench/lunr` for lunr and lunr-languages).
# Environment: LUPE_BENCH_KEEP=DIR copies the run files there before the temporary folder is
# removed.
#
# Exit status: 0 when every step of every available engine succeeded, 1 when one failed, 2 on
# a usage error.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR OUT.tsv" >&2
    echo "  DATA_DIR holds relevance/<set>/{docs.jsonl,queries.tsv,qrels.txt}" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
[[ $1 != -h && $1 != --help ]] || usage

DATA_DIR=$1
OUT=$2
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Results per query: R@100 needs 100; MAP is over these 100 too.
LIMIT=100

if [[ ! -d $DATA_DIR/relevance ]]; then
    echo "$0: $DATA_DIR/relevance is not a directory" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "$0: python3 is needed (trec_eval.py)" >&2; exit 2; }
if ! : 2>/dev/null >"$OUT"; then
    echo "$0: cannot write $OUT" >&2
    exit 2
fi

log() { echo "relevance_peers.sh: $*" >&2; }

engines=()
if python3 -c 'import sqlite3; sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")' 2>/dev/null; then
    engines+=(fts5)
else
    log "fts5 skipped: install python3 with SQLite's FTS5 (Debian's python3)"
fi
# initdb and pg_ctl are on PATH or in Debian's /usr/lib/postgresql/VERSION/bin.
if command -v psql >/dev/null &&
        { command -v pg_ctl >/dev/null || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; }; then
    engines+=(postgres)
else
    log "postgres skipped: install postgresql (apt-get install -y postgresql)"
fi
if ! command -v node >/dev/null; then
    log "lunr skipped: install nodejs and npm (apt-get install -y nodejs npm), then npm install --prefix $SCRIPT_DIR/lunr"
elif [[ ! -d $SCRIPT_DIR/lunr/node_modules/lunr || ! -d $SCRIPT_DIR/lunr/node_modules/lunr-languages ]]; then
    log "lunr skipped: install lunr and lunr-languages: npm install --prefix $SCRIPT_DIR/lunr"
else
    engines+=(lunr)
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-relevance-peers.XXXXXX")
# The cluster's own folder, outside TMP: the server's user must be able to reach it.
PG_DIR=
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    if [[ -n $PG_DIR ]]; then
        python3 "$SCRIPT_DIR/postgres_baseline.py" stop "$PG_DIR" || true
        rm -rf "$PG_DIR"
    fi
    if [[ -n ${LUPE_BENCH_KEEP:-} ]]; then
        mkdir -p "$LUPE_BENCH_KEEP"
        cp "$TMP"/*.run "$LUPE_BENCH_KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
# An interrupted run must stop its PostgreSQL server too: exit through the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM

status=0
if [[ " ${engines[*]} " == *" postgres "* ]]; then
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lupe-postgres.XXXXXX")
    chmod 755 "$PG_DIR"
    if ! python3 "$SCRIPT_DIR/postgres_baseline.py" start "$PG_DIR" 2>"$TMP/pg-start.err"; then
        log "postgres: the cluster did not start:"
        sed 's/^/    /' "$TMP/pg-start.err" >&2
        status=1
        engines=("${engines[@]/postgres/}")
    fi
fi

# Every evaluated run: set, lang mode, engine, variant, document language, 4 measures.
RAW=$TMP/raw.tsv
: >"$RAW"

# shellcheck source=bench/steps.sh
source "$(dirname "${BASH_SOURCE[0]}")/steps.sh"

# Appends a row to RAW for a run (or ERR when the run failed, i.e. $6 is 0).
record() {
    local set=$1 mode=$2 engine=$3 variant=$4 lang=$5 ok=$6 qrels=$7 run=$8 scores
    scores="ERR ERR ERR ERR"
    if ((ok)); then
        if scores=$(python3 "$SCRIPT_DIR/trec_eval.py" "$qrels" "$run" --check --tag "$engine" \
                --limit "$LIMIT" 2>"$run.eval.err" |
                awk -F'\t' '{v[$1]=$2} END {print v["nDCG@10"], v["MRR@10"], v["R@100"], v["MAP"]}'); then
            if [[ -s $run.eval.err ]]; then
                log "$set $engine $variant $mode lang: run format:"
                sed 's/^/    /' "$run.eval.err" >&2
            fi
        else
            scores="ERR ERR ERR ERR"
        fi
    fi
    [[ $scores != *ERR* && -n ${scores// /} ]] || { scores="ERR ERR ERR ERR"; status=1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$mode" "$engine" "$variant" "$lang" "${scores// /$'\t'}" >>"$RAW"
}


nsets=0
for set_dir in "$DATA_DIR"/relevance/*/; do
    set_dir=${set_dir%/}
    set_name=$(basename "$set_dir")
    queries=$set_dir/queries.tsv
    qrels=$set_dir/qrels.txt
    docs=$set_dir/docs.jsonl
    [[ -f $docs ]] || docs=$set_dir/docs.jsonl.gz
    if [[ ! -f $docs || ! -f $queries || ! -f $qrels ]]; then
        log "skipping $set_name: needs docs.jsonl[.gz], queries.tsv and qrels.txt"
        continue
    fi
    nsets=$((nsets + 1))
    lang=$(corpus_lang "$docs")
    [[ $lang == de ]] || lang=en  # each engine's analyses: English or German
    # lunr reads plain JSONL only.
    if [[ $docs == *.gz ]]; then
        gzip -dc "$docs" >"$TMP/$set_name.docs.jsonl"
        plain_docs=$TMP/$set_name.docs.jsonl
    else
        plain_docs=$docs
    fi
    without_lang=$TMP/$set_name.nolang.tsv
    awk 'BEGIN { FS = OFS = "\t" } NF >= 3 { $2 = "" } { print }' "$queries" >"$without_lang"

    for engine in "${engines[@]}"; do
        [[ -n $engine ]] || continue
        log "$set_name ($lang): $engine"
        case $engine in
        fts5)
            tokenizers=(en)
            [[ $lang == de ]] && tokenizers=(en de)
            for tok in "${tokenizers[@]}"; do
                if [[ $tok == en ]]; then variant=porter; else variant=unicode61; fi
                db=$TMP/fts5-$set_name-$variant.db
                index_ok=1
                run_step "$TMP/fts5-index.out" "$TMP/fts5-index.err" \
                    python3 "$SCRIPT_DIR/fts5_baseline.py" index "$db" "$docs" --lang "$tok" || index_ok=0
                for mode in with without; do
                    batch=$queries
                    [[ $mode == with ]] || batch=$without_lang
                    run=$TMP/fts5-$variant-$set_name-$mode-lang.run
                    ok=$index_ok
                    ((ok)) && { run_step "$run" "$run.err" python3 "$SCRIPT_DIR/fts5_baseline.py" \
                        search "$db" "$batch" --limit "$LIMIT" || ok=0; }
                    record "$set_name" "$mode" fts5 "$variant" "$lang" "$ok" "$qrels" "$run"
                done
            done
            ;;
        postgres)
            index_ok=1
            run_step "$TMP/pg-index.out" "$TMP/pg-index.err" python3 "$SCRIPT_DIR/postgres_baseline.py" \
                index "$PG_DIR" "$set_name" "$docs" --default-lang "$lang" || index_ok=0
            for rank in ts_rank ts_rank_cd; do
                for norm in 0 1; do
                    for mode in with without; do
                        if [[ $mode == with ]]; then column=use; else column=ignore; fi
                        run=$TMP/postgres-$rank-$norm-$set_name-$mode-lang.run
                        ok=$index_ok
                        ((ok)) && { run_step "$run" "$run.err" python3 "$SCRIPT_DIR/postgres_baseline.py" \
                            search "$PG_DIR" "$set_name" "$queries" --limit "$LIMIT" \
                            --lang-column "$column" --default-lang "$lang" \
                            --rank "$rank" --normalization "$norm" || ok=0; }
                        record "$set_name" "$mode" postgres "$rank/$norm" "$lang" "$ok" "$qrels" "$run"
                    done
                done
            done
            ;;
        lunr)
            for mode in with without; do
                batch=$queries
                [[ $mode == with ]] || batch=$without_lang
                run=$TMP/lunr-$set_name-$mode-lang.run
                ok=1
                run_step "$run" "$run.err" node "$SCRIPT_DIR/lunr_baseline.js" "$plain_docs" "$batch" \
                    --lang "$lang" --limit "$LIMIT" || ok=0
                record "$set_name" "$mode" lunr bm25 "$lang" "$ok" "$qrels" "$run"
            done
            ;;
        esac
    done
done

if ((nsets == 0)); then
    log "no set found under $DATA_DIR/relevance"
    exit 1
fi

# The chosen variant per engine and document language, OUT.tsv and the tables.
python3 - "$RAW" "$OUT" <<'EOF'
import collections, sys
raw_path, out_path = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(raw_path, encoding="utf-8") if line.strip()]
ENGINES = ("fts5", "postgres", "lunr")
MODES = ("with", "without")
sets = list(dict.fromkeys(r[0] for r in rows))
ndcg = lambda r: float(r[5]) if r[5] != "ERR" else float("-inf")

# (engine, doc lang) -> variant with the best mean nDCG@10; the first listed on a tie.
by_group = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    by_group[(r[2], r[4])][r[3]].append(ndcg(r))
chosen = {g: max(v, key=lambda name: sum(v[name]) / len(v[name])) for g, v in by_group.items()}

picked = [r for r in rows if chosen[(r[2], r[4])] == r[3]]
with open(out_path, "w", encoding="utf-8") as out:
    out.write("set\tlang\tengine\tndcg10\tmrr10\tr100\tmap\n")
    for s in sets:
        for m in MODES:
            for e in ENGINES:
                for r in picked:
                    if (r[0], r[1], r[2]) == (s, m, e):
                        out.write("\t".join([s, m, e] + r[5:9]) + "\n")

present = [e for e in ENGINES if any(r[2] == e for r in rows)]
print("| set | lang column | " + " | ".join(f"{e} nDCG@10" for e in present)
      + " | best peer | best nDCG@10 | best + 0.01 |")
print("|---|---|" + "---:|" * len(present) + "---|---:|---:|")
for s in sets:
    for m in MODES:
        cells, best = [], None
        for e in present:
            r = next((r for r in picked if (r[0], r[1], r[2]) == (s, m, e)), None)
            cells.append(r[5] if r else "-")
            if r and r[5] != "ERR" and (best is None or float(r[5]) > float(best[5])):
                best = r
        tail = (f"{best[2]} | {best[5]} | {float(best[5]) + 0.01:.4f}" if best else "- | - | -")
        print(f"| {s} | {m} | " + " | ".join(cells) + f" | {tail} |")
print()
print("Every variant (* = the engine's row in OUT.tsv: best mean nDCG@10 for the document language):")
print()
print("| set | lang column | engine | variant | nDCG@10 | MRR@10 | R@100 | MAP |")
print("|---|---|---|---|---:|---:|---:|---:|")
for r in rows:
    mark = " *" if chosen[(r[2], r[4])] == r[3] else ""
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]}{mark} | " + " | ".join(r[5:9]) + " |")
EOF
exit "$status"
