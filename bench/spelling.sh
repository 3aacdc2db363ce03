#!/usr/bin/env bash
# "Did you mean", measured: lupe's spelling suggestions against Xapian's own corrector on the
# same vocabulary, on three indexes: corpus/ (English and German queries), Reuters-21578
# (English) and gesetze-de (German).
#
#   bench/spelling.sh DATA_DIR [BUILD_DIR]
#
# For each index, make_typos.py writes two query sets from the dev queries
# (DATA_DIR/relevance/*/queries.tsv) of the index's languages: each query with one typing
# mistake in a content word the index knows, and unchanged. spelling-bench asks lupe
# (SearchResults::suggestion) and Xapian (Database::get_spelling_suggestion per word, on a
# spelling table filled from lupe's vocabulary) for suggestions, and spelling_table.py
# prints the shares, per half of the query sets (thresholds were chosen on half A).
# Seeded: the same data and build give the same table. Needs BUILD_DIR/lupe-index and
# BUILD_DIR/bench/spelling-bench (cmake -DLUPE_BUILD_BENCH=ON). Indexing gesetze-de takes
# about 40 s. LUPE_BENCH_KEEP=DIR keeps the indexes, sets and results there (and reuses
# the indexes on the next run).
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 && $1 != -* ]] || usage
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA_DIR=$1
BUILD_DIR=${2:-./build}
LUPE_INDEX=$BUILD_DIR/lupe-index
TOOL=$BUILD_DIR/bench/spelling-bench
for bin in "$LUPE_INDEX" "$TOOL"; do
    if [[ ! -x $bin ]]; then
        echo "$0: missing $bin; build it first (from the top of the source tree):" >&2
        echo "  cmake -S . -B build -DLUPE_BUILD_BENCH=ON && cmake --build build" >&2
        exit 2
    fi
done
REL=$DATA_DIR/relevance
REUTERS=$DATA_DIR/news/reuters21578/docs.jsonl.gz
GESETZE=$DATA_DIR/bench/gesetze-de/docs.jsonl.gz
EN_SETS=(cacm cisi cranfield xquad-r-en)
DE_SETS=(xquad-r-de)
for f in "$REUTERS" "$GESETZE" "${EN_SETS[@]/#/$REL/}" "${DE_SETS[@]/#/$REL/}"; do
    [[ -e $f ]] || { echo "$0: $f is missing" >&2; exit 2; }
done

if [[ -n ${LUPE_BENCH_KEEP:-} ]]; then
    WORK=$LUPE_BENCH_KEEP
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

# The index NAME from SOURCE (a directory, or a .jsonl.gz file), unless kept from before.
build_index() {
    local name=$1 source=$2
    [[ -e $WORK/$name/idx/XAPIANDB ]] && return
    mkdir -p "$WORK/$name"
    if [[ $source == *.gz ]]; then
        gzip -dc "$source" >"$WORK/$name/docs.jsonl"
        source=$WORK/$name/docs.jsonl
    fi
    # Exit 1: some documents failed (Reuters has a few without text), the rest are in.
    local rc=0
    "$LUPE_INDEX" --quiet --index "$WORK/$name/idx" "$source" >/dev/null 2>"$WORK/$name/index.err" ||
        rc=$?
    if ((rc > 1)); then
        echo "$0: indexing $source failed (exit $rc):" >&2
        cat "$WORK/$name/index.err" >&2
        exit 1
    fi
    rm -f "$WORK/$name/docs.jsonl"
}

# SET=PATH arguments for make_typos.py, and the queries as SET/ID, LANG, TEXT lines.
query_specs() { local s; for s in "$@"; do echo "$s=$REL/$s/queries.tsv"; done; }
query_lines() {
    local s
    for s in "$@"; do awk -F'\t' -v s="$s" 'NF >= 3 { print s "/" $1 "\t" $2 "\t" $3 }' \
        "$REL/$s/queries.tsv"; done
}

# Sets and suggestions for index NAME and the query sets given.
measure() {
    local name=$1; shift
    local dir=$WORK/$name
    query_lines "$@" | "$TOOL" words "$dir/idx" >"$dir/words.tsv"
    "$TOOL" vocab "$dir/idx" >"$dir/vocab.tsv"
    mapfile -t specs < <(query_specs "$@")
    python3 "$SCRIPT_DIR/make_typos.py" --index "$name" "$dir/words.tsv" "$dir/vocab.tsv" \
        "${specs[@]}" >"$dir/sets.tsv"
    "$TOOL" xapian "$dir/idx" "$dir/xapian" 2>/dev/null
    cut -f1,4,5 "$dir/sets.tsv" | "$TOOL" suggest "$dir/idx" "$dir/xapian" >"$dir/results.tsv"
}

build_index corpus "$SCRIPT_DIR/../corpus"
build_index reuters "$REUTERS"
build_index gesetze-de "$GESETZE"
measure corpus "${EN_SETS[@]}" "${DE_SETS[@]}"
measure reuters "${EN_SETS[@]}"
measure gesetze-de "${DE_SETS[@]}"

python3 "$SCRIPT_DIR/spelling_table.py" --kinds \
    "corpus/=$WORK/corpus/sets.tsv:$WORK/corpus/results.tsv" \
    "reuters=$WORK/reuters/sets.tsv:$WORK/reuters/results.tsv" \
    "gesetze-de=$WORK/gesetze-de/sets.tsv:$WORK/gesetze-de/results.tsv"
