#!/usr/bin/env bash
# Ablation of lupe's relevance features, in one run: for every set in DATA_DIR/relevance/,
# nDCG@10 and Recall@100 of the plain Xapian baseline, of lupe with everything on, and of
# lupe with one feature switched off (or, for options that are off by default, on).
#
#   bench/ablation.sh [--loo FILE] DATA_DIR [BUILD_DIR]
#
# Queries are run with their lang column, as the targets are stated; the column "lupe, no
# lang column" runs full lupe without it. The last two columns are lupe's held-out nDCG@10
# with and without the lang column: leave-one-collection-out (bench/loo.py), every ranking
# choice made on the other sets; --loo FILE reads what `bench/loo.py --tsv` wrote instead of
# running it. BUILD_DIR (default ./build) must hold lupe-index, lupe-search and
# bench/xapian-baseline (cmake -S . -B build -DLUPE_BUILD_BENCH=ON && cmake --build build).
set -euo pipefail

usage() { echo "usage: $0 [--loo FILE] DATA_DIR [BUILD_DIR]" >&2; exit 2; }
LOO=""
if [[ ${1:-} == --loo ]]; then
    [[ $# -ge 2 && -f $2 ]] || { echo "$0: --loo needs a file written by bench/loo.py --tsv" >&2; usage; }
    LOO=$2
    shift 2
fi
[[ $# -ge 1 && $# -le 2 && $1 != -* ]] || usage
DATA_DIR=$1
BUILD_DIR=${2:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for bin in lupe-index lupe-search bench/xapian-baseline; do
    [[ -x $BUILD_DIR/$bin ]] || { echo "$0: $BUILD_DIR/$bin missing; build with -DLUPE_BUILD_BENCH=ON" >&2; exit 2; }
done

# name | lupe-index flags | lupe-search flags
CONFIGS=(
    "lupe||"
    "no fold|--no-fold|"
    "no decompound|--no-decompound|--no-decompound"
    "no stopwords||--no-stopwords"
    "stopwords dropped||--stopword-weight 0"
    "BM25 k1 1.0 b 0.5||--bm25-k1 1.0 --bm25-b 0.5"
    "BM25 k1 0.8 b 0.5||--bm25-k1 0.8 --bm25-b 0.5"
    "BM25+||--weighting bm25+"
    "DPH||--weighting dph"
    "PL2||--weighting pl2"
    "InL2||--weighting inl2"
    "LM||--weighting lm"
    "+feedback 5||--feedback 5"
)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-ablation.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

evaluate() {  # qrels run -> "ndcg r100"
    python3 "$SCRIPT_DIR/trec_eval.py" --json "$1" "$2" |
        python3 -c 'import json,sys; m=json.load(sys.stdin); print("%.4f %.4f" % (m["nDCG@10"], m["R@100"]))'
}

header="| set | measure | baseline"
for c in "${CONFIGS[@]}"; do header+=" | ${c%%|*}"; done
if [[ -z $LOO ]]; then
    echo "ablation.sh: leave-one-collection-out (bench/loo.py)" >&2
    LOO=$TMP/loo.tsv
    python3 "$SCRIPT_DIR/loo.py" "$DATA_DIR" "$BUILD_DIR" --tsv "$LOO" > /dev/null
fi
heldout() {  # set mode -> the held-out nDCG@10
    awk -F'\t' -v s="$1" -v m="$2" '$1 == s && $2 == m { v = $4 } END { print v == "" ? "ERR" : v }' "$LOO"
}

header+=" | lupe, no lang column | held out | held out, no lang column |"
echo "$header"
sep="|---|---|---:"
for _ in "${CONFIGS[@]}"; do sep+="|---:"; done
echo "$sep|---:|---:|---:|"

for set_dir in "$DATA_DIR"/relevance/*/; do
    set=$(basename "$set_dir")
    docs=$set_dir/docs.jsonl
    [[ -f $docs ]] || docs=$set_dir/docs.jsonl.gz
    echo "ablation.sh: $set" >&2
    cut -f1,3 "$set_dir/queries.tsv" | awk -F'\t' '{print $1 "\t\t" $2}' > "$TMP/$set.nolang.tsv"

    "$BUILD_DIR/bench/xapian-baseline" index "$TMP/base-$set" "$docs" > /dev/null
    "$BUILD_DIR/bench/xapian-baseline" search "$TMP/base-$set" "$set_dir/queries.tsv" \
        --lang-column use > "$TMP/base.run"
    read -r b_ndcg b_r100 < <(evaluate "$set_dir/qrels.txt" "$TMP/base.run")

    ndcg_row="| $set | nDCG@10 | $b_ndcg"
    r100_row="| $set | R@100 | $b_r100"
    for c in "${CONFIGS[@]}"; do
        IFS='|' read -r _ index_flags search_flags <<< "$c"
        index=$TMP/lupe-$set-$(echo "$index_flags" | tr -c 'a-z0-9\n' '_')
        if [[ ! -d $index ]]; then
            # shellcheck disable=SC2086  # flags are words
            "$BUILD_DIR/lupe-index" --quiet $index_flags --index "$index" "$docs" > /dev/null || true
        fi
        # shellcheck disable=SC2086
        "$BUILD_DIR/lupe-search" --index "$index" $search_flags --no-suggest \
            --batch "$set_dir/queries.tsv" > "$TMP/lupe.run" 2> /dev/null || true
        read -r ndcg r100 < <(evaluate "$set_dir/qrels.txt" "$TMP/lupe.run")
        ndcg_row+=" | $ndcg"
        r100_row+=" | $r100"
    done
    "$BUILD_DIR/lupe-search" --index "$TMP/lupe-$set-" --no-suggest \
        --batch "$TMP/$set.nolang.tsv" > "$TMP/lupe.run" 2> /dev/null || true
    read -r ndcg r100 < <(evaluate "$set_dir/qrels.txt" "$TMP/lupe.run")
    echo "$ndcg_row | $ndcg | $(heldout "$set" with) | $(heldout "$set" without) |"
    echo "$r100_row | $r100 | | |"
done
