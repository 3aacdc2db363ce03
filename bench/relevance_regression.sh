#!/usr/bin/env bash
# Relevance regression: nDCG@10 of this build against a baseline build (lupe 0.4.0) on every
# set in DATA_DIR/relevance/*/, with and without the lang column.
#
#   bench/relevance_regression.sh DATA_DIR BASE_BUILD_DIR [BUILD_DIR]
#
# BASE_BUILD_DIR and BUILD_DIR (default ./build) each hold lupe-index and lupe-search; this
# script builds nothing. Each build indexes each set itself (its own indexer), then searches
# it as bench/relevance.sh does (--batch, 1000 results per query; "without lang" = the lang
# column emptied), and trec_eval.py scores the runs. This build is also run with
# --no-all-words-first, to show whether ranking the documents with all the words first is
# still the better default (informational: it does not affect the exit status).
#
# Prints one Markdown table on stdout (progress on stderr). Exit status: 0 when no set's
# nDCG@10 dropped below the baseline's, 1 when one did or a step failed, 2 on a usage error
# or missing binaries.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR BASE_BUILD_DIR [BUILD_DIR]" >&2
    echo "  BASE_BUILD_DIR: lupe-index and lupe-search of the baseline (e.g. lupe 0.4.0)" >&2
    exit 2
}
[[ $# -ge 2 && $# -le 3 ]] || usage
[[ $1 != -h && $1 != --help ]] || usage

DATA_DIR=$1
BASE_DIR=$2
BUILD_DIR=${3:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TREC_EVAL=(python3 "$SCRIPT_DIR/trec_eval.py")
# Results per query, as in relevance.sh.
LIMIT=1000
# nDCG@10 is printed with 4 decimals by trec_eval.py; a difference below this is a tie
# (the same ranking can differ in the last digit of a score, not of nDCG).
TOLERANCE=0.00005

for bin in "$BASE_DIR/lupe-index" "$BASE_DIR/lupe-search" "$BUILD_DIR/lupe-index" \
           "$BUILD_DIR/lupe-search"; do
    [[ -x $bin ]] || { echo "$0: missing binary: $bin" >&2; exit 2; }
done
[[ -d $DATA_DIR/relevance ]] || { echo "$0: $DATA_DIR/relevance is not a directory" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is needed for trec_eval.py" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-regression.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log() { echo "relevance_regression.sh: $*" >&2; }
status=0

# Indexes DOCS with the lupe-index of build $1 into $2; lupe-index's exit 1 (some documents
# rejected, the others committed: cranfield's empty ones) is fine.
index() {
    local rc=0
    "$1/lupe-index" --index "$2" "$3" >"$2.out" 2>"$2.err" || rc=$?
    if ((rc > 1)); then
        log "FAILED (exit $rc): $1/lupe-index --index $2 $3"
        tail -n 5 "$2.err" >&2
        return 1
    fi
}

# nDCG@10 of searching index $2 with the lupe-search of build $1 for batch file $3 (more
# lupe-search options after it), or ERR.
ndcg() {
    local build=$1 idx=$2 batch=$3 qrels=$4 run=$TMP/run.$RANDOM
    shift 4
    if ! "$build/lupe-search" --index "$idx" --batch "$batch" --limit "$LIMIT" "$@" \
            >"$run" 2>"$run.err"; then
        log "FAILED: $build/lupe-search --index $idx --batch $batch $*"
        tail -n 3 "$run.err" >&2
        echo ERR
        return
    fi
    "${TREC_EVAL[@]}" "$qrels" "$run" | awk -F'\t' '$1 == "nDCG@10" { print $2 }'
}

rows=()
for set_dir in "$DATA_DIR"/relevance/*/; do
    set_dir=${set_dir%/}
    name=$(basename "$set_dir")
    docs=$set_dir/docs.jsonl
    [[ -f $docs ]] || docs=$set_dir/docs.jsonl.gz
    queries=$set_dir/queries.tsv
    qrels=$set_dir/qrels.txt
    if [[ ! -f $docs || ! -f $queries || ! -f $qrels ]]; then
        log "skipping $name: needs docs.jsonl[.gz], queries.tsv and qrels.txt"
        continue
    fi
    log "$name: indexing"
    index "$BASE_DIR" "$TMP/base-$name" "$docs" || { status=1; continue; }
    index "$BUILD_DIR" "$TMP/new-$name" "$docs" || { status=1; continue; }
    nolang=$TMP/$name.nolang.tsv
    awk 'BEGIN { FS = OFS = "\t" } NF >= 3 { $2 = "" } { print }' "$queries" >"$nolang"
    for mode in with without; do
        batch=$queries
        [[ $mode == with ]] || batch=$nolang
        log "$name: searching $mode lang"
        base=$(ndcg "$BASE_DIR" "$TMP/base-$name" "$batch" "$qrels")
        new=$(ndcg "$BUILD_DIR" "$TMP/new-$name" "$batch" "$qrels")
        flat=$(ndcg "$BUILD_DIR" "$TMP/new-$name" "$batch" "$qrels" --no-all-words-first)
        rows+=("$name $mode $base $new $flat")
    done
done
((${#rows[@]})) || { log "no set found under $DATA_DIR/relevance"; exit 1; }

echo "| set | lang column | baseline nDCG@10 | this build | Δ | this build, --no-all-words-first | verdict |"
echo "|---|---|---:|---:|---:|---:|---|"
for row in "${rows[@]}"; do
    read -r name mode base new flat <<<"$row"
    if [[ $base == ERR || $new == ERR || -z $base || -z $new ]]; then
        verdict=ERR
        delta=ERR
        status=1
    else
        delta=$(awk -v a="$new" -v b="$base" 'BEGIN { printf "%+.4f", a - b }')
        if awk -v a="$new" -v b="$base" -v t="$TOLERANCE" 'BEGIN { exit !(a < b - t) }'; then
            verdict=DROPPED
            status=1
        else
            verdict=ok
        fi
    fi
    echo "| $name | $mode | $base | $new | $delta | ${flat:-ERR} | $verdict |"
done
exit "$status"
