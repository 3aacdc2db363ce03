#!/usr/bin/env bash
# Relevance of lupe against plain Xapian BM25 on the sets in DATA_DIR/relevance/*/.
#
#   bench/relevance.sh DATA_DIR [BUILD_DIR]
#
# For each set: index docs.jsonl[.gz] with lupe-index and with xapian-baseline, run the queries
# "with lang" (queries.tsv as is: qid<TAB>lang<TAB>query) and "without lang" (the lang column
# emptied: qid<TAB><TAB>query), evaluate every run with trec_eval.py, and print one Markdown
# table on stdout (progress and warnings go to stderr).
#
# Without the lang column the baseline still stems with the set's document language
# (--default-lang, the most common "lang" of docs.jsonl): it is given the advantage of knowing
# the corpus language, so the "without lang" rows measure what lupe loses by having to guess.
#
# BUILD_DIR defaults to ./build and must hold lupe-index, lupe-search and bench/xapian-baseline;
# this script builds nothing. Environment: LUPE_BENCH_KEEP=DIR copies the run files and the
# tools' stderr there before the temporary directory is removed.
#
# Exit status: 0 when every step succeeded, 1 when one failed (its cells read ERR; the other
# sets are still measured), 2 on a usage error or missing binaries. lupe-index's exit 1 (some
# documents rejected, all others committed) is reported as a warning, not a failure.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR]" >&2
    echo "  DATA_DIR holds relevance/<set>/{docs.jsonl,queries.tsv,qrels.txt}; BUILD_DIR defaults to ./build" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
[[ $1 != -h && $1 != --help ]] || usage

DATA_DIR=$1
BUILD_DIR=${2:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TREC_EVAL=(python3 "$SCRIPT_DIR/trec_eval.py")

# Results per query: deep enough for MAP and R@100.
LIMIT=1000

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ ! -d $DATA_DIR/relevance ]]; then
    echo "$0: $DATA_DIR/relevance is not a directory" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "$0: python3 is needed for trec_eval.py" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-relevance.XXXXXX")
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    if [[ -n ${LUPE_BENCH_KEEP:-} ]]; then
        mkdir -p "$LUPE_BENCH_KEEP"
        cp "$TMP"/*.run "$TMP"/*.err "$LUPE_BENCH_KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

status=0
log() { echo "relevance.sh: $*" >&2; }

# Runs a command with stdout to $1 and stderr to $2; on failure shows the stderr tail.
run_step() {
    local out=$1 err=$2
    shift 2
    local rc=0
    "$@" >"$out" 2>"$err" || rc=$?
    if ((rc == 0)); then
        return 0
    fi
    log "FAILED (exit $rc): $*"
    tail -n 5 "$err" | sed 's/^/    /' >&2
    status=1
    return 1
}

# "nDCG MRR R@100 MAP" of a run, or "ERR ERR ERR ERR"; format problems go to stderr.
# Runs in a command substitution, so the caller sets status=1 on ERR.
evaluate() {
    local qrels=$1 run=$2 tag=$3 name=$4 out
    if out=$("${TREC_EVAL[@]}" "$qrels" "$run" --check --tag "$tag" --limit "$LIMIT" \
             2>"$TMP/$name.eval.err"); then
        if [[ -s $TMP/$name.eval.err ]]; then
            log "$name: run format:"
            sed 's/^/    /' "$TMP/$name.eval.err" >&2
        fi
        awk -F'\t' '{v[$1]=$2} END {print v["nDCG@10"], v["MRR@10"], v["R@100"], v["MAP"]}' \
            <<<"$out"
    else
        log "$name: evaluation failed:"
        sed 's/^/    /' "$TMP/$name.eval.err" >&2
        echo "ERR ERR ERR ERR"
    fi
}

# The most common "lang" of a docs file (plain or gzip).
corpus_lang() {
    python3 - "$1" <<'EOF'
import collections, gzip, json, sys
path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
langs = collections.Counter()
with opener(path, "rt", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            langs[json.loads(line).get("lang") or "en"] += 1
print(langs.most_common(1)[0][0] if langs else "en")
EOF
}

rows=()
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
    lang=$(corpus_lang "$docs")
    if [[ $lang != en && $lang != de ]]; then
        log "$set_name: document language '$lang' unknown to the baseline, using en"
        lang=en
    fi
    nq=$(grep -c . "$queries" || true)
    log "$set_name ($lang, $nq queries): indexing"

    lupe_ok=1 base_ok=1
    # lupe-index exits 1 when it rejected some documents and committed all the others (e.g.
    # cranfield's docs 471 and 995 have neither title nor body): measure, but say so.
    rc=0
    "$LUPE_INDEX" --index "$TMP/lupe-$set_name" "$docs" \
        >"$TMP/lupe-index-$set_name.out" 2>"$TMP/lupe-index-$set_name.err" || rc=$?
    if ((rc == 1)); then
        log "$set_name: lupe-index rejected some documents (exit 1; the others are indexed):"
        grep -i error "$TMP/lupe-index-$set_name.err" | head -n 5 | sed 's/^/    /' >&2 || true
    elif ((rc != 0)); then
        log "FAILED (exit $rc): $LUPE_INDEX --index $TMP/lupe-$set_name $docs"
        tail -n 5 "$TMP/lupe-index-$set_name.err" | sed 's/^/    /' >&2
        status=1 lupe_ok=0
    fi
    run_step "$TMP/base-index-$set_name.out" "$TMP/base-index-$set_name.err" \
        "$BASELINE" index "$TMP/base-$set_name" "$docs" || base_ok=0

    with_lang=$queries
    without_lang=$TMP/$set_name.nolang.tsv
    awk 'BEGIN { FS = OFS = "\t" } NF >= 3 { $2 = "" } { print }' "$queries" >"$without_lang"

    for mode in with without; do
        if [[ $mode == with ]]; then batch=$with_lang lang_column=use; else batch=$without_lang lang_column=ignore; fi
        lupe_run=$TMP/lupe-$set_name-$mode-lang.run
        base_run=$TMP/base-$set_name-$mode-lang.run
        log "$set_name: searching $mode lang"

        lupe_scores="ERR ERR ERR ERR"
        if ((lupe_ok)) && run_step "$lupe_run" "$TMP/lupe-$set_name-$mode-lang.err" \
                "$LUPE_SEARCH" --index "$TMP/lupe-$set_name" --batch "$batch" --limit "$LIMIT"; then
            if [[ -s $TMP/lupe-$set_name-$mode-lang.err ]]; then
                log "$set_name: lupe-search $mode lang said on stderr:"
                head -n 3 "$TMP/lupe-$set_name-$mode-lang.err" | sed 's/^/    /' >&2
            fi
            lupe_scores=$(evaluate "$qrels" "$lupe_run" lupe "lupe-$set_name-$mode-lang")
        fi
        base_scores="ERR ERR ERR ERR"
        if ((base_ok)) && run_step "$base_run" "$TMP/base-$set_name-$mode-lang.err" \
                "$BASELINE" search "$TMP/base-$set_name" "$batch" --limit "$LIMIT" \
                --lang-column "$lang_column" --default-lang "$lang"; then
            base_scores=$(evaluate "$qrels" "$base_run" xapian "base-$set_name-$mode-lang")
        fi
        [[ $lupe_scores != *ERR* && $base_scores != *ERR* ]] || status=1
        # A row: set, lang mode, queries, 4 lupe measures, 4 baseline measures.
        rows+=("$set_name $mode $nq $lupe_scores $base_scores")
    done
done

if ((${#rows[@]} == 0)); then
    log "no set found under $DATA_DIR/relevance"
    exit 1
fi

echo "| set | queries | lang column | lupe nDCG@10 | lupe MRR@10 | lupe R@100 | lupe MAP | xapian nDCG@10 | xapian MRR@10 | xapian R@100 | xapian MAP | Δ nDCG@10 |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
    awk '{
        delta = ($4 == "ERR" || $8 == "ERR") ? "ERR" : sprintf("%+.4f", $4 - $8)
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
               $1, $3, $2, $4, $5, $6, $7, $8, $9, $10, $11, delta
    }' <<<"$row"
done
exit "$status"
