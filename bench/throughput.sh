#!/usr/bin/env bash
# Indexing throughput and query latency of lupe against plain Xapian and SQLite FTS5.
#
#   bench/throughput.sh DATA_DIR [BUILD_DIR] [--docs N]
#
# 1. Indexing. For each input (DATA_DIR/news/reuters21578/docs.jsonl.gz and
#    DATA_DIR/bench/gesetze-de/docs.jsonl.gz, each cut to its first N lines with --docs N) the
#    input is decompressed once into a plain .jsonl in the temporary directory, and that same
#    file is indexed by
#       lupe-index --quiet --index DIR FILE
#       xapian-baseline index DIR FILE
#       fts5_baseline.py index DB FILE        (Python sqlite3, FTS5, one transaction)
#    each under /usr/bin/time -v. One Markdown table per input: docs, wall seconds, docs/s,
#    MB/s (UTF-8 bytes of title+body per second, MB = 10^6 bytes), index size on disk
#    (du -sb of the index directory or database file), peak RSS, CPU% (from time -v: above
#    100% means more than one core was used), and the ratios lupe/other for docs/s and size.
#
# 2. Query latency. For each set DATA_DIR/relevance/SET/ docs.jsonl is indexed with lupe and
#    the baseline, and queries.tsv (qid<TAB>lang<TAB>query) is run single-threaded in batch
#    mode, 10 results per query:
#       lupe-search --index DIR --batch FILE --limit 10
#       xapian-baseline search DIR FILE --limit 10
#    after one warm-up run over all queries. Neither tool can time single queries, so the
#    script measures whole runs (wall clock, bash's EPOCHREALTIME): the run over all N queries
#    (T_N) and a run of the first query alone (T_1, i.e. process start-up, opening the index
#    and one query), each REPS times, median taken. The mean latency per query without
#    start-up is (T_N - T_1) / (N - 1). p50/p95/p99 need a per-query timing option in the tools.
#
# BUILD_DIR defaults to ./build and must hold lupe-index, lupe-search and bench/xapian-baseline;
# this script builds nothing. Environment: LUPE_BENCH_REPS (default 3) timed runs per
# measurement in part 2. Tables go to stdout, progress to stderr.
#
# Exit status: 0 when every step succeeded, 1 when one failed (its cells read ERR; the other
# measurements still run), 2 on a usage error or missing tools. lupe-index's exit 1 (some
# documents rejected, all others committed) is a warning, not a failure.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--docs N]" >&2
    echo "  BUILD_DIR defaults to ./build; --docs N indexes only the first N documents of each input" >&2
    exit 2
}

DOCS_LIMIT=
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --docs)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage
            DOCS_LIMIT=$2
            shift 2
            ;;
        --docs=*)
            DOCS_LIMIT=${1#--docs=}
            [[ $DOCS_LIMIT =~ ^[1-9][0-9]*$ ]] || usage
            shift
            ;;
        -*) usage ;;
        *)
            pos+=("$1")
            shift
            ;;
    esac
done
[[ ${#pos[@]} -ge 1 && ${#pos[@]} -le 2 ]] || usage

DATA_DIR=${pos[0]}
BUILD_DIR=${pos[1]:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FTS5=(python3 "$SCRIPT_DIR/fts5_baseline.py")
REPS=${LUPE_BENCH_REPS:-3}
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "$0: LUPE_BENCH_REPS must be a positive integer" >&2; exit 2; }
QUERY_LIMIT=10

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ ! -x /usr/bin/time ]]; then
    echo "$0: /usr/bin/time (GNU time) is missing: install it with 'apt-get install time'" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "$0: python3 is needed for fts5_baseline.py" >&2; exit 2; }
python3 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("CREATE VIRTUAL TABLE t USING fts5(x)")' 2>/dev/null ||
    { echo "$0: Python's sqlite3 has no FTS5" >&2; exit 2; }
if [[ ! -d $DATA_DIR ]]; then
    echo "$0: $DATA_DIR is not a directory" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-throughput.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

status=0
log() { echo "throughput.sh: $*" >&2; }
SCRIPT_START=$EPOCHREALTIME

# Writes the first DOCS_LIMIT lines (all without --docs) of a plain or gzip file to $2.
materialise() {
    local src=$1 dst=$2
    if [[ -n $DOCS_LIMIT ]]; then
        { gzip -dcf "$src" || true; } | head -n "$DOCS_LIMIT" >"$dst"
    else
        gzip -dcf "$src" >"$dst"
    fi
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v with stdout to /dev/null and stderr to
# $TMP/NAME.err; sets T_RC, T_WALL (s), T_RSS (kB), T_CPU (percent, without %).
timed() {
    local name=$1
    shift
    T_RC=0
    /usr/bin/time -v -o "$TMP/$name.time" "$@" >/dev/null 2>"$TMP/$name.err" || T_RC=$?
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                 n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
        "$TMP/$name.time")
    T_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/$name.time")
    T_CPU=$(awk -F': ' '/Percent of CPU/ {sub(/%/, "", $2); print $2}' "$TMP/$name.time")
}

show_err() {
    log "$1 failed (exit $2); stderr:"
    tail -n 3 "$TMP/$3.err" >&2 || true
}

fmt() { awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }'; }
div() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (b > 0) printf f, a / b; else print "n/a" }'; }

# ---------------------------------------------------------------- 1. indexing throughput

INPUTS=(news/reuters21578 bench/gesetze-de)

echo "## Indexing throughput"
echo
if [[ -n $DOCS_LIMIT ]]; then
    echo "First $DOCS_LIMIT documents of each input."
fi
echo "Each input decompressed once to a plain .jsonl, the same file for all three tools;" \
    "MB = 10^6 bytes, MB/s counts the UTF-8 bytes of title+body;" \
    "wall time and peak RSS from \`/usr/bin/time -v\`; $(nproc) cores."
echo

for input in "${INPUTS[@]}"; do
    src=
    for cand in "$DATA_DIR/$input/docs.jsonl.gz" "$DATA_DIR/$input/docs.jsonl"; do
        [[ -f $cand ]] && { src=$cand; break; }
    done
    if [[ -z $src ]]; then
        log "$DATA_DIR/$input/docs.jsonl[.gz] not found"
        status=1
        continue
    fi
    tag=${input//\//-}
    file=$TMP/$tag.jsonl
    log "$input: preparing input"
    materialise "$src" "$file"
    read -r ndocs nbytes < <("${FTS5[@]}" stats "$file")

    declare -A R_SEC=() R_RSS=() R_CPU=() R_SIZE=() R_OK=()
    for tool in lupe xapian fts5; do
        out=$TMP/$tag.$tool
        case $tool in
            lupe) cmd=("$LUPE_INDEX" --quiet --index "$out" "$file") ;;
            xapian) cmd=("$BASELINE" index "$out" "$file") ;;
            fts5) cmd=("${FTS5[@]}" index "$out" "$file") ;;
        esac
        log "$input: indexing with $tool"
        sync
        timed "$tag.index.$tool" "${cmd[@]}"
        if ((T_RC != 0)) && ! [[ $tool == lupe && $T_RC == 1 ]]; then
            show_err "$tool index of $input" "$T_RC" "$tag.index.$tool"
            status=1
            R_OK[$tool]=0
            continue
        fi
        if [[ $tool == lupe && $T_RC == 1 ]]; then
            log "warning: lupe-index rejected some documents of $input (exit 1)"
        fi
        R_OK[$tool]=1
        R_SEC[$tool]=$T_WALL
        R_RSS[$tool]=$T_RSS
        R_CPU[$tool]=$T_CPU
        R_SIZE[$tool]=$(du -sb "$out" | cut -f1)
        rm -rf "$out"
    done

    echo "### $input ($ndocs docs, $(div "$nbytes" 1e6 '%.1f') MB of title+body)"
    echo
    echo "| tool | docs | wall s | docs/s | MB/s | index MB | index bytes/input byte | peak RSS MB | CPU % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for tool in lupe xapian fts5; do
        case $tool in
            lupe) label=lupe ;;
            xapian) label=xapian-baseline ;;
            fts5) label="SQLite FTS5" ;;
        esac
        if [[ ${R_OK[$tool]} != 1 ]]; then
            echo "| $label | $ndocs | ERR | ERR | ERR | ERR | ERR | ERR | ERR |"
            continue
        fi
        s=${R_SEC[$tool]}
        echo "| $label | $ndocs | $(fmt "$s" '%.2f') | $(div "$ndocs" "$s" '%.0f') |" \
            "$(div "$nbytes" "$(awk -v s="$s" 'BEGIN { print s * 1e6 }')" '%.2f') |" \
            "$(div "${R_SIZE[$tool]}" 1e6 '%.1f') | $(div "${R_SIZE[$tool]}" "$nbytes" '%.2f') |" \
            "$(div "${R_RSS[$tool]}" 1024 '%.0f') | ${R_CPU[$tool]} |"
    done
    echo
    for other in xapian fts5; do
        case $other in
            xapian) label=xapian-baseline ;;
            fts5) label="SQLite FTS5" ;;
        esac
        if [[ ${R_OK[lupe]} == 1 && ${R_OK[$other]} == 1 ]]; then
            # docs/s ratio = other's seconds / lupe's seconds.
            echo "lupe / $label: docs/s $(div "${R_SEC[$other]}" "${R_SEC[lupe]}" '%.2f')," \
                "index size $(div "${R_SIZE[lupe]}" "${R_SIZE[$other]}" '%.2f')," \
                "peak RSS $(div "${R_RSS[lupe]}" "${R_RSS[$other]}" '%.2f')  "
        fi
    done
    echo
    unset R_SEC R_RSS R_CPU R_SIZE R_OK
    rm -f "$file"
done

# ---------------------------------------------------------------- 2. query latency

# wall_ms CMD...: wall milliseconds of one run (stdout discarded); returns CMD's status.
wall_ms() {
    local t0=$EPOCHREALTIME rc=0
    "$@" >/dev/null 2>>"$TMP/search.err" || rc=$?
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
    return "$rc"
}

# median_ms CMD...: median wall ms of REPS runs.
median_ms() {
    local i v vals=()
    for ((i = 0; i < REPS; i++)); do
        v=$(wall_ms "$@") || return 1
        vals+=("$v")
    done
    printf '%s\n' "${vals[@]}" | sort -g | awk '{ a[NR] = $1 } END {
        if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

echo "## Query latency"
echo
echo "Top $QUERY_LIMIT per query, single-threaded batch runs after one warm-up run;" \
    "median of $REPS timed runs. **mean ms** = (T_all − T_1) / (N − 1): T_all is the wall time" \
    "of a \`--batch\` run over all N queries, T_1 of a run of the first query alone, so process" \
    "start-up and opening the index are taken out. **start ms** = T_1." \
    "**p50/p95/p99 are not measured: they need a per-query timing option in \`lupe-search\` and" \
    "\`xapian-baseline\` (neither has one).**"
echo
echo "| set | docs | queries | lupe mean ms | baseline mean ms | lupe/baseline mean | lupe start ms | baseline start ms | p50/p95/p99 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"

# base_search QUERIES: the baseline's batch search on the current set's index ($bidx).
# shellcheck disable=SC2317  # invoked indirectly through wall_ms
base_search() { "$BASELINE" search "$bidx" "$1" --limit "$QUERY_LIMIT"; }

shopt -s nullglob
for dir in "$DATA_DIR"/relevance/*/; do
    set_name=$(basename "$dir")
    src=
    for cand in "$dir/docs.jsonl" "$dir/docs.jsonl.gz"; do
        [[ -f $cand ]] && { src=$cand; break; }
    done
    queries=$dir/queries.tsv
    if [[ -z $src || ! -f $queries ]]; then
        log "$set_name: docs.jsonl or queries.tsv missing, skipped"
        continue
    fi
    file=$TMP/rel-$set_name.jsonl
    materialise "$src" "$file"
    read -r ndocs _ < <("${FTS5[@]}" stats "$file")
    # Non-blank query lines only; the one-query file holds the first.
    grep -v '^[[:space:]]*$' "$queries" >"$TMP/q-all.tsv" || true
    nq=$(wc -l <"$TMP/q-all.tsv")
    head -n 1 "$TMP/q-all.tsv" >"$TMP/q-one.tsv"
    if ((nq < 2)); then
        log "$set_name: fewer than 2 queries, skipped"
        continue
    fi
    log "$set_name: indexing ($ndocs docs), then $nq queries"

    lidx=$TMP/rel-$set_name.lupe
    bidx=$TMP/rel-$set_name.base
    lupe_ok=1 base_ok=1
    rc=0
    "$LUPE_INDEX" --quiet --index "$lidx" "$file" >/dev/null 2>"$TMP/idx.err" || rc=$?
    if ((rc > 1)); then
        show_err "lupe-index of $set_name" "$rc" idx
        lupe_ok=0 status=1
    fi
    rc=0
    "$BASELINE" index "$bidx" "$file" >/dev/null 2>"$TMP/idx.err" || rc=$?
    if ((rc != 0)); then
        show_err "xapian-baseline index of $set_name" "$rc" idx
        base_ok=0 status=1
    fi

    lupe_cmd=("$LUPE_SEARCH" --index "$lidx" --limit "$QUERY_LIMIT" --batch)

    l_mean=ERR l_start=ERR b_mean=ERR b_start=ERR ratio=n/a
    : >"$TMP/search.err"
    if ((lupe_ok)); then
        if wall_ms "${lupe_cmd[@]}" "$TMP/q-all.tsv" >/dev/null &&
            l_all=$(median_ms "${lupe_cmd[@]}" "$TMP/q-all.tsv") &&
            l_one=$(median_ms "${lupe_cmd[@]}" "$TMP/q-one.tsv"); then
            l_mean=$(awk -v a="$l_all" -v b="$l_one" -v n="$nq" 'BEGIN { printf "%.3f", (a - b) / (n - 1) }')
            l_start=$(fmt "$l_one" '%.1f')
        else
            log "lupe-search on $set_name failed; stderr:"
            tail -n 3 "$TMP/search.err" >&2 || true
            status=1
        fi
    fi
    : >"$TMP/search.err"
    if ((base_ok)); then
        if wall_ms base_search "$TMP/q-all.tsv" >/dev/null &&
            b_all=$(median_ms base_search "$TMP/q-all.tsv") &&
            b_one=$(median_ms base_search "$TMP/q-one.tsv"); then
            b_mean=$(awk -v a="$b_all" -v b="$b_one" -v n="$nq" 'BEGIN { printf "%.3f", (a - b) / (n - 1) }')
            b_start=$(fmt "$b_one" '%.1f')
        else
            log "xapian-baseline search on $set_name failed; stderr:"
            tail -n 3 "$TMP/search.err" >&2 || true
            status=1
        fi
    fi
    if [[ $l_mean != ERR && $b_mean != ERR ]]; then
        ratio=$(div "$l_mean" "$b_mean" '%.2f')
    fi
    echo "| $set_name | $ndocs | $nq | $l_mean | $b_mean | $ratio | $l_start | $b_start | needs per-query timing in the tools |"
    rm -rf "$lidx" "$bidx" "$file"
done
echo
echo "Script wall time: $(awk -v a="$SCRIPT_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s."
exit "$status"
