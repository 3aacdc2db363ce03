#!/usr/bin/env bash
# Compound recall: do sub-compounds and parts of German compounds find the whole word?
#
#   bench/compound_recall.sh DATA BUILD [--before DIR] [--out DIR]
#
# From the German documents of DATA (gesetze-de, every 5th paragraph by id hash; 10kgnad;
# xquad-r-de) compound_recall.py finds compounds of three or more parts with its own
# segmentation (not lupe's: see docs/compounds.md), builds queries from their parts and
# sub-compounds, and judges as relevant the documents with a word that holds the query as a
# part (or is the query, inflected). Then every engine indexes the documents and runs the
# queries (100 results each):
#   - plain Xapian (BUILD/bench/xapian-baseline, as in relevance.sh);
#   - the lupe of --before DIR (DIR/lupe-index, DIR/lupe-search), e.g. lupe 0.4.0;
#   - the lupe of BUILD, once per --compound-levels value (1, then 0) when its lupe-index has
#     that option, else once as it is.
# Printed on stdout: the cost (indexing time, index size) per engine, then R@100 and nDCG@10
# per engine for the tuning queries, the held-out fifth (never tune on it) and the tuning
# queries by kind, then 50 false matches of the newest lupe for reading (also kept in
# OUT/false-matches.tsv with --out).
#
# --out DIR keeps the documents, queries, qrels, runs and indexes there (else a temporary
# directory is removed at the end). Exit status: 0 when every step ran, 1 when one failed
# (its cells read ERR), 2 on a usage error or a missing tool.
set -euo pipefail

usage() {
    echo "usage: $0 DATA BUILD [--before DIR] [--out DIR]" >&2
    echo "  DATA: the shared data folder; BUILD: a lupe build with bench/xapian-baseline" >&2
    echo "  --before DIR: another lupe's lupe-index and lupe-search (e.g. lupe 0.4.0)" >&2
    echo "  --out DIR: keep the evaluation's files there" >&2
    exit 2
}

positional=() BEFORE="" OUT=""
while (($#)); do
    case $1 in
        -h|--help) usage ;;
        --before|--out)
            (($# >= 2)) || { echo "$0: $1 needs a directory" >&2; usage; }
            if [[ $1 == --before ]]; then BEFORE=$2; else OUT=$2; fi
            shift 2 ;;
        -*) echo "$0: unknown option $1" >&2; usage ;;
        *) positional+=("$1"); shift ;;
    esac
done
((${#positional[@]} == 2)) || usage
DATA=${positional[0]}
# shellcheck disable=SC2034  # read by common.sh
BUILD_DIR=${positional[1]}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=(python3 "$SCRIPT_DIR/compound_recall.py")

# Deep enough for R@100; relevant sets are capped at 100 documents (compound_recall.py).
LIMIT=100

# shellcheck source=bench/common.sh
source "$SCRIPT_DIR/common.sh"
[[ -d $DATA ]] || { echo "$0: $DATA is not a directory" >&2; exit 2; }
[[ -r /usr/share/dict/ngerman ]] || {
    echo "$0: /usr/share/dict/ngerman is missing (Debian package wngerman)" >&2; exit 2; }
if [[ -n $BEFORE ]]; then
    for bin in lupe-index lupe-search; do
        [[ -x $BEFORE/$bin ]] || { echo "$0: --before $BEFORE has no $bin" >&2; exit 2; }
    done
fi

if [[ -n $OUT ]]; then
    mkdir -p "$OUT"
    WORK=$OUT
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/lupe-compound-recall.XXXXXX")
    # shellcheck disable=SC2317  # invoked by the EXIT trap
    cleanup() { rm -rf "$WORK"; }
    trap cleanup EXIT
fi
log() { echo "compound_recall.sh: $*" >&2; }
status=0

log "building the documents, queries and ground truth"
"${PY[@]}" prepare "$DATA" "$WORK"
cat "$WORK/queries-tune.tsv" "$WORK/queries-heldout.tsv" >"$WORK/queries.tsv"

# Runs the indexing command "$@", which writes $WORK/index-NAME (removed first), recording
# its wall time and the index's size.
cost_rows=()
index_with() {
    local name=$1 db=$WORK/index-$1 rc=0 start end
    shift
    rm -rf "$db"
    log "$name: indexing"
    start=$(date +%s.%N)
    "$@" >"$WORK/$name.index.out" 2>"$WORK/$name.index.err" || rc=$?
    end=$(date +%s.%N)
    if ((rc != 0)); then
        log "$name: indexing FAILED (exit $rc):"
        tail -n 5 "$WORK/$name.index.err" | sed 's/^/    /' >&2
        status=1
        cost_rows+=("| $name | ERR | ERR |")
        return 1
    fi
    cost_rows+=("$(awk -v n="$name" -v s="$start" -v e="$end" -v k="$(du -sk "$db" | cut -f1)" \
        'BEGIN { printf "| %s | %.1f | %.1f |", n, e - s, k / 1024 }')")
}

# Runs the queries with "$@" into $WORK/NAME.run.
search_with() {
    local name=$1 rc=0
    shift
    log "$name: searching"
    "$@" >"$WORK/$name.run" 2>"$WORK/$name.search.err" || rc=$?
    if ((rc != 0)); then
        log "$name: searching FAILED (exit $rc):"
        tail -n 5 "$WORK/$name.search.err" | sed 's/^/    /' >&2
        status=1
        rm -f "$WORK/$name.run"
    fi
}

runs=()
if index_with xapian "$BASELINE" index "$WORK/index-xapian" "$WORK/docs.jsonl"; then
    search_with xapian "$BASELINE" search "$WORK/index-xapian" "$WORK/queries.tsv" \
        --limit "$LIMIT" --lang-column use
fi
runs+=("xapian=$WORK/xapian.run")

# One lupe: NAME LUPE_INDEX LUPE_SEARCH [lupe-index option...].
lupe_engine() {
    local name=$1 indexer=$2 searcher=$3
    shift 3
    if index_with "$name" "$indexer" --quiet "$@" --index "$WORK/index-$name" "$WORK/docs.jsonl"; then
        search_with "$name" "$searcher" --index "$WORK/index-$name" --batch "$WORK/queries.tsv" \
            --limit "$LIMIT"
    fi
    runs+=("$name=$WORK/$name.run")
}

if [[ -n $BEFORE ]]; then
    lupe_engine "lupe-before" "$BEFORE/lupe-index" "$BEFORE/lupe-search"
fi
newest=""
if "$LUPE_INDEX" --help 2>/dev/null | grep -q -- --compound-levels; then
    for levels in 1 0; do
        lupe_engine "lupe-levels-$levels" "$LUPE_INDEX" "$LUPE_SEARCH" --compound-levels "$levels"
    done
    newest=lupe-levels-0
else
    log "$LUPE_INDEX has no --compound-levels: measuring it as it is"
    lupe_engine "lupe" "$LUPE_INDEX" "$LUPE_SEARCH"
    newest=lupe
fi

echo "## Cost (indexing wall time on this machine, index size)"
echo
echo "| engine | indexing s | index MiB |"
echo "|---|---:|---:|"
printf '%s\n' "${cost_rows[@]}"
echo
echo "## R@100 and nDCG@10 ($(grep -c . "$WORK/queries-tune.tsv") tuning, $(grep -c . "$WORK/queries-heldout.tsv") held-out queries)"
echo
"${PY[@]}" table "$WORK" "${runs[@]}" || status=1
if [[ -f $WORK/$newest.run ]]; then
    "${PY[@]}" false-matches "$WORK" "$WORK/$newest.run" >"$WORK/false-matches.tsv" || status=1
    echo
    echo "## False matches of $newest (a sample; read them)"
    echo
    cat "$WORK/false-matches.tsv"
fi
grep -q ERR <(printf '%s\n' "${cost_rows[@]}") && status=1
exit "$status"
