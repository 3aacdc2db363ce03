#!/usr/bin/env bash
# German query latency: lupe against plain Xapian on gesetze-de (issue 17, item 2).
#
#   bench/german_queries.sh DATA_DIR [BUILD_DIR] [--before OLD_BUILD_DIR] [--docs N]
#                           [--instructions]
#
# DATA_DIR/bench/gesetze-de/docs.jsonl.gz (its first N documents with --docs) is indexed by
# BUILD_DIR/lupe-index and BUILD_DIR/bench/xapian-baseline, and two query sets are run on
# both, 10 results per query, single-threaded, in batch mode with --timings (each query's
# wall time inside the process, as bench/throughput.sh measures it):
#   - xquad-r-de: the 604 German questions of DATA_DIR/relevance/xquad-r-de/queries.tsv;
#   - titles: 400 queries of 2 or 3 consecutive title words of gesetze-de, made without
#     randomness by bench/make_queries.sh (as throughput.sh --scaling does).
# One warm-up run, then LUPE_BENCH_REPS (default 5) timed runs; per query the median, then
# p50/p95/p99 (nearest rank) and the mean over the queries, and the ratios lupe / Xapian.
# With --before, OLD_BUILD_DIR/lupe-search (e.g. lupe 0.5.0) is run on the same lupe index
# too. With --instructions, each tool's whole batch is also run once under valgrind's
# callgrind and its instruction count reported: unlike wall time, it does not depend on
# what else the machine is doing (start-up and index opening are in it, about 1%).
# Tables go to stdout, progress to stderr; exit 2 on a usage error or missing tools.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--before OLD_BUILD_DIR] [--docs N] [--instructions]" >&2
    exit 2
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BEFORE=
DOCS_LIMIT=
INSTRUCTIONS=0
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --before) [[ $# -ge 2 ]] || usage; BEFORE=$2; shift 2 ;;
        --docs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; DOCS_LIMIT=$2; shift 2 ;;
        --instructions) INSTRUCTIONS=1; shift ;;
        -*) usage ;;
        *) pos+=("$1"); shift ;;
    esac
done
[[ ${#pos[@]} -ge 1 && ${#pos[@]} -le 2 ]] || usage
DATA_DIR=${pos[0]}
BUILD_DIR=${pos[1]:-./build}
REPS=${LUPE_BENCH_REPS:-5}
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "$0: LUPE_BENCH_REPS must be a positive integer" >&2; exit 2; }
# shellcheck source=bench/common.sh
source "$SCRIPT_DIR/common.sh"
# shellcheck source=bench/make_queries.sh
source "$SCRIPT_DIR/make_queries.sh"
SRC=$DATA_DIR/bench/gesetze-de/docs.jsonl.gz
XQ=$DATA_DIR/relevance/xquad-r-de/queries.tsv
for f in "$SRC" "$XQ"; do [[ -f $f ]] || { echo "$0: $f is missing" >&2; exit 2; }; done
if [[ -n $BEFORE && ! -x $BEFORE/lupe-search ]]; then echo "$0: $BEFORE/lupe-search is missing" >&2; exit 2; fi
if ((INSTRUCTIONS)) && ! command -v valgrind >/dev/null; then
    echo "$0: --instructions needs valgrind (apt-get install valgrind)" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-german.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log() { echo "german_queries.sh: $*" >&2; }

if [[ -n $DOCS_LIMIT ]]; then
    { gzip -dc "$SRC" || true; } | head -n "$DOCS_LIMIT" >"$TMP/docs.jsonl"
else
    gzip -dc "$SRC" >"$TMP/docs.jsonl"
fi
ndocs=$(wc -l <"$TMP/docs.jsonl")
log "indexing $ndocs documents with lupe and plain Xapian"
"$LUPE_INDEX" --quiet --index "$TMP/lupe" "$TMP/docs.jsonl" >/dev/null 2>"$TMP/lupe-index.err" ||
    [[ $? == 1 ]] || { cat "$TMP/lupe-index.err" >&2; exit 1; }
"$BASELINE" index "$TMP/xapian" "$TMP/docs.jsonl" >/dev/null 2>"$TMP/xapian-index.err" ||
    { cat "$TMP/xapian-index.err" >&2; exit 1; }
cut -f1-3 "$XQ" >"$TMP/xquad-r-de.tsv"
make_queries "$TMP/docs.jsonl" "$ndocs" 400 >"$TMP/titles.tsv"

# run TOOL SET OUT: one batch run, its timings in OUT (qid<TAB>ms).
run() {
    local tool=$1 set=$2 out=$3
    case $tool in
        lupe) "$LUPE_SEARCH" --index "$TMP/lupe" --limit 10 --batch "$TMP/$set.tsv" --timings "$out" ;;
        before) "$BEFORE/lupe-search" --index "$TMP/lupe" --limit 10 --batch "$TMP/$set.tsv" --timings "$out" ;;
        xapian) "$BASELINE" search "$TMP/xapian" "$TMP/$set.tsv" --limit 10 --timings "$out" ;;
    esac >/dev/null 2>>"$TMP/search.err" || [[ $? == 1 && $tool != xapian ]]
}

# instructions TOOL SET: the instruction count of one whole batch run under callgrind.
instructions() {
    local tool=$1 set=$2 cmd
    case $tool in
        lupe) cmd=("$LUPE_SEARCH" --index "$TMP/lupe" --limit 10 --batch "$TMP/$set.tsv") ;;
        before) cmd=("$BEFORE/lupe-search" --index "$TMP/lupe" --limit 10 --batch "$TMP/$set.tsv") ;;
        xapian) cmd=("$BASELINE" search "$TMP/xapian" "$TMP/$set.tsv" --limit 10) ;;
    esac
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "${cmd[@]}" 2>&1 >/dev/null |
        awk '/Collected :/ { print $4 }'
}

tools=(xapian lupe)
[[ -n $BEFORE ]] && tools+=(before)
echo "## German queries on gesetze-de ($ndocs documents), top 10, ms per query (median of $REPS runs)"
echo
echo "| queries | tool | p50 | p95 | p99 | mean | p95 / Xapian | mean / Xapian |$( ((INSTRUCTIONS)) && echo " instructions | instructions / Xapian |")"
echo "|---|---|---:|---:|---:|---:|---:|---:|$( ((INSTRUCTIONS)) && echo "---:|---:|")"
for set in xquad-r-de titles; do
    for tool in "${tools[@]}"; do
        log "$set: $tool"
        run "$tool" "$set" "$TMP/warm.ms"
        files=()
        for ((r = 1; r <= REPS; r++)); do
            run "$tool" "$set" "$TMP/$set.$tool.$r.ms"
            files+=("$TMP/$set.$tool.$r.ms")
        done
        python3 - "$TMP/$set.$tool.stats" "${files[@]}" <<'EOF'
import math, statistics, sys
per = {}
for f in sys.argv[2:]:
    for line in open(f):
        q, ms = line.rstrip("\n").split("\t")
        per.setdefault(q, []).append(float(ms))
v = sorted(statistics.median(x) for x in per.values())
rank = lambda p: v[max(0, math.ceil(p / 100 * len(v)) - 1)]
with open(sys.argv[1], "w") as out:
    out.write(f"{rank(50):.3f} {rank(95):.3f} {rank(99):.3f} {statistics.mean(v):.3f} {len(v)}\n")
EOF
        if ((INSTRUCTIONS)); then
            log "$set: $tool under callgrind"
            instructions "$tool" "$set" >"$TMP/$set.$tool.ir"
        fi
    done
    read -r _ xp95 _ xmean _ <"$TMP/$set.xapian.stats"
    xir=0
    ((INSTRUCTIONS)) && xir=$(tr -d , <"$TMP/$set.xapian.ir")
    for tool in "${tools[@]}"; do
        read -r p50 p95 p99 mean n <"$TMP/$set.$tool.stats"
        label=$tool
        [[ $tool == lupe ]] && label="lupe ($BUILD_DIR)"
        [[ $tool == before ]] && label="lupe ($BEFORE)"
        [[ $tool == xapian ]] && label="plain Xapian"
        row="| $set ($n) | $label | $p50 | $p95 | $p99 | $mean | $(awk -v a="$p95" -v b="$xp95" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$mean" -v b="$xmean" 'BEGIN { printf "%.2f", a / b }') |"
        if ((INSTRUCTIONS)); then
            ir=$(tr -d , <"$TMP/$set.$tool.ir")
            row+=" $(awk -v a="$ir" 'BEGIN { printf "%.3e", a }') | $(awk -v a="$ir" -v b="$xir" 'BEGIN { printf "%.2f", a / b }') |"
        fi
        echo "$row"
    done
done
