#!/usr/bin/env bash
# Same behaviour: shows that a restructuring changed nothing a user or a search can see.
# Compares this build with a baseline build (for issue 14: lupe 0.5.0 as it was before the
# engine/application split) on two things:
#   1. the index of corpus/: every term with its document frequency and collection
#      frequency, the database statistics, every value slot and the stored data of every
#      document (xapian-delve, sorted by document id so that the order in which parallel
#      workers numbered the documents cannot matter);
#   2. every dev relevance set in DATA_DIR/relevance/*/: the TREC run of its queries
#      (1000 results per query, with the lang column and without it), byte for byte: ids,
#      ranks and scores.
#
#   bench/same_behaviour.sh BASE_BUILD_DIR [BUILD_DIR] [DATA_DIR]
#
# BASE_BUILD_DIR and BUILD_DIR (default ./build) each hold lupe-index and lupe-search;
# DATA_DIR defaults to ../shared/data (the relevance sets); without it only the corpus is
# compared. Each build indexes with its own indexer. Prints one Markdown table; exit 0 when
# everything is identical, 1 when something differs (the first lines of each difference go
# to stderr), 2 on a usage error.
set -euo pipefail

usage() {
    echo "usage: $0 BASE_BUILD_DIR [BUILD_DIR] [DATA_DIR]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 3 ]] || usage
[[ $1 != -h && $1 != --help ]] || usage
BASE_DIR=$1
BUILD_DIR=${2:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA_DIR=${3:-$SCRIPT_DIR/../../shared/data}
CORPUS=$SCRIPT_DIR/../corpus
# Results per query, as bench/relevance.sh asks for.
LIMIT=1000

for bin in "$BASE_DIR/lupe-index" "$BASE_DIR/lupe-search" "$BUILD_DIR/lupe-index" \
           "$BUILD_DIR/lupe-search"; do
    [[ -x $bin ]] || { echo "$0: missing binary: $bin" >&2; exit 2; }
done
command -v xapian-delve >/dev/null || { echo "$0: xapian-delve (xapian-tools) is needed" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-same.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log() { echo "same_behaviour.sh: $*" >&2; }
status=0
rows=()

# Indexes $3 with the lupe-index of build $1 into $2 (exit 1, some documents rejected, is
# fine: cranfield has empty ones).
index() {
    local rc=0
    "$1/lupe-index" --index "$2" "$3" >"$2.out" 2>"$2.err" || rc=$?
    if ((rc > 1)); then
        log "FAILED (exit $rc): $1/lupe-index --index $2 $3"
        tail -n 5 "$2.err" >&2
        return 1
    fi
}

# Everything xapian-delve shows of index $1, in an order that does not depend on docids.
dump_index() {
    local db=$1
    # Statistics, without what differs between any two databases (UUID, revision).
    xapian-delve "$db" | grep -v -E '^(UUID|revision) = '
    # Terms with document and collection frequency, one per line.
    xapian-delve -a -1 -vv "$db"
    # Per document: its id term (Q...) with its values and data, sorted by that id.
    local n
    n=$(xapian-delve "$db" | awk -F' = ' '/^highest document id ever used/ { print $2 }')
    local r
    for ((r = 1; r <= n; r++)); do
        local id
        id=$(xapian-delve -r "$r" -1 "$db" 2>/dev/null | grep -m1 '^Q' || true)
        [[ -n $id ]] || continue
        printf '%s\t%s\t%s\n' "$id" \
            "$(xapian-delve -r "$r" -V "$db" 2>/dev/null | tail -n +2 | tr '\n' ' ')" \
            "$(xapian-delve -r "$r" -d "$db" 2>/dev/null | tail -n +2 | md5sum | cut -c1-32)"
    done | sort
}

compare() {  # name what file-a file-b
    if cmp -s "$3" "$4"; then
        rows+=("| $1 | $2 | identical |")
    else
        rows+=("| $1 | $2 | DIFFERENT |")
        status=1
        log "$1 $2 differs:"
        diff "$3" "$4" | head -n 10 >&2 || true
    fi
}

log "corpus: indexing"
index "$BASE_DIR" "$TMP/base-corpus" "$CORPUS"
index "$BUILD_DIR" "$TMP/new-corpus" "$CORPUS"
log "corpus: dumping both indexes"
dump_index "$TMP/base-corpus" >"$TMP/base-corpus.dump"
dump_index "$TMP/new-corpus" >"$TMP/new-corpus.dump"
terms=$(grep -c . "$TMP/new-corpus.dump" || true)
compare corpus "terms, frequencies, values, stored data ($terms lines)" \
    "$TMP/base-corpus.dump" "$TMP/new-corpus.dump"

if [[ -d $DATA_DIR/relevance ]]; then
    for set_dir in "$DATA_DIR"/relevance/*/; do
        set_dir=${set_dir%/}
        name=$(basename "$set_dir")
        docs=$set_dir/docs.jsonl
        [[ -f $docs ]] || docs=$set_dir/docs.jsonl.gz
        queries=$set_dir/queries.tsv
        [[ -f $docs && -f $queries ]] || { log "skipping $name"; continue; }
        log "$name: indexing"
        index "$BASE_DIR" "$TMP/base-$name" "$docs" || { status=1; continue; }
        index "$BUILD_DIR" "$TMP/new-$name" "$docs" || { status=1; continue; }
        nolang=$TMP/$name.nolang.tsv
        awk 'BEGIN { FS = OFS = "\t" } NF >= 3 { $2 = "" } { print }' "$queries" >"$nolang"
        for mode in with without; do
            batch=$queries
            [[ $mode == with ]] || batch=$nolang
            log "$name: searching $mode lang"
            for side in base new; do
                bin=$BASE_DIR
                [[ $side == base ]] || bin=$BUILD_DIR
                "$bin/lupe-search" --index "$TMP/$side-$name" --batch "$batch" --limit "$LIMIT" \
                    >"$TMP/$side-$name-$mode.run" 2>"$TMP/$side-$name-$mode.err" || status=1
            done
            lines=$(wc -l <"$TMP/new-$name-$mode.run")
            compare "$name" "TREC run, lang column $mode ($lines lines)" \
                "$TMP/base-$name-$mode.run" "$TMP/new-$name-$mode.run"
        done
    done
else
    log "no relevance sets under $DATA_DIR: compared the corpus only"
fi

echo "| data | compared | result |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$status"
