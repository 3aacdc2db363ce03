#!/usr/bin/env bash
# Indexing throughput and query latency of lupe against plain Xapian and SQLite FTS5.
#
#   bench/throughput.sh DATA_DIR [BUILD_DIR] [--docs N]
#   bench/throughput.sh DATA_DIR [BUILD_DIR] --scaling
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
#       lupe-search --index DIR --batch FILE --limit 10 --timings T
#       xapian-baseline search DIR FILE --limit 10 --timings T
#    One warm-up run over all queries (no --timings), then REPS timed runs. --timings makes
#    each tool write qid<TAB>ms per query: the wall time of that query's search inside the
#    process (steady clock; start-up, opening the index and writing the run lines are not in
#    it). Per query the median over the REPS runs is taken, then over the queries p50, p95,
#    p99 (nearest rank: the value at rank ceil(p/100 * N) of the N sorted medians) and the
#    mean. The start-up column is the median wall time (bash's EPOCHREALTIME) of REPS runs of
#    the first query alone: process start, loading word lists, opening the index, one query.
#
# 3. --scaling, instead of 1 and 2: the first 10000, 50000 and 100000 documents of
#    DATA_DIR/bench/gesetze-de/docs.jsonl.gz (LUPE_SCALING_SIZES overrides the sizes) are
#    indexed by lupe-index and xapian-baseline under /usr/bin/time -v, and each index is
#    queried as in 2 with one query file: 200 queries (qid<TAB>de<TAB>words) made
#    deterministically, without randomness, from the titles of the smallest size's documents
#    (see make_queries below), the same file for every size and both tools. One Markdown
#    table: a row per size and tool with wall s, docs/s, peak RSS, CPU%, index MB, query
#    p50/p95/p99, and on the lupe row the ratios lupe/baseline.
#
# BUILD_DIR defaults to ./build and must hold lupe-index, lupe-search and bench/xapian-baseline;
# this script builds nothing. Environment: LUPE_BENCH_REPS (default 3) timed runs per
# measurement in parts 2 and 3; LUPE_SCALING_SIZES (default "10000 50000 100000") the
# document counts of --scaling. Tables go to stdout, progress to stderr.
#
# Exit status: 0 when every step succeeded, 1 when one failed (its cells read ERR; the other
# measurements still run), 2 on a usage error or missing tools. lupe-index's exit 1 (some
# documents rejected, all others committed) is a warning, not a failure.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--docs N | --scaling]" >&2
    echo "  BUILD_DIR defaults to ./build; --docs N indexes only the first N documents of each input;" >&2
    echo "  --scaling measures indexing and query latency at several sizes of gesetze-de instead" >&2
    echo "  (sizes from LUPE_SCALING_SIZES, default \"10000 50000 100000\")" >&2
    exit 2
}

DOCS_LIMIT=
SCALING=0
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
        --scaling)
            SCALING=1
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
if ((SCALING)) && [[ -n $DOCS_LIMIT ]]; then
    echo "$0: --docs and --scaling exclude each other (LUPE_SCALING_SIZES sets the sizes)" >&2
    exit 2
fi

DATA_DIR=${pos[0]}
BUILD_DIR=${pos[1]:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FTS5=(python3 "$SCRIPT_DIR/fts5_baseline.py")
REPS=${LUPE_BENCH_REPS:-3}
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "$0: LUPE_BENCH_REPS must be a positive integer" >&2; exit 2; }
QUERY_LIMIT=10
SCALING_SIZES=()
if ((SCALING)); then
    read -r -a SCALING_SIZES <<<"${LUPE_SCALING_SIZES:-10000 50000 100000}"
    for n in "${SCALING_SIZES[@]}"; do
        [[ $n =~ ^[1-9][0-9]*$ ]] ||
            { echo "$0: LUPE_SCALING_SIZES must be positive integers, not '$n'" >&2; exit 2; }
    done
    ((${#SCALING_SIZES[@]})) || { echo "$0: LUPE_SCALING_SIZES is empty" >&2; exit 2; }
    mapfile -t SCALING_SIZES < <(printf '%s\n' "${SCALING_SIZES[@]}" | sort -n -u)
fi
# Queries generated for --scaling.
SCALING_QUERIES=200

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ ! -x /usr/bin/time ]]; then
    echo "$0: /usr/bin/time (GNU time) is missing: install it with 'apt-get install time'" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "$0: python3 is needed (fts5_baseline.py, query generation)" >&2; exit 2; }
if ((!SCALING)); then
    python3 -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("CREATE VIRTUAL TABLE t USING fts5(x)")' 2>/dev/null ||
        { echo "$0: Python's sqlite3 has no FTS5" >&2; exit 2; }
fi
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

# ---------------------------------------------------------------- query latency helpers

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

# search_batch TOOL INDEX QUERIES [ARGS...]: one batch run of lupe-search or the baseline,
# QUERY_LIMIT results per query, run lines discarded, stderr appended to $TMP/search.err.
# lupe-search's exit 1 (no query found anything) is not a failure here.
search_batch() {
    local tool=$1 index=$2 queries=$3 rc=0
    shift 3
    case $tool in
        lupe) "$LUPE_SEARCH" --index "$index" --limit "$QUERY_LIMIT" --batch "$queries" "$@" ;;
        base) "$BASELINE" search "$index" "$queries" --limit "$QUERY_LIMIT" "$@" ;;
    esac >/dev/null 2>>"$TMP/search.err" || rc=$?
    ((rc == 0)) || [[ $tool == lupe && $rc == 1 ]]
}

# latency_stats FILE...: the --timings files of REPS runs over the same queries, in the same
# order; prints "queries p50 p95 p99 mean" (ms). Lines are matched by position (a qid may
# repeat), and a file whose qids differ from the first's is an error. Per query the median
# over the files is taken first, then nearest-rank percentiles over those medians.
latency_stats() {
    awk -F'\t' '
        FNR == 1 { nf++ }
        nf == 1 { qid[FNR] = $1; n = FNR }
        { if (NF != 2 || $1 != qid[FNR] || $2 !~ /^[0-9]+(\.[0-9]+)?$/) bad = 1; v[FNR, nf] = $2 + 0; cnt[FNR]++ }
        END {
            if (bad || n == 0) exit 1
            for (i = 1; i <= n; i++) if (cnt[i] != nf) exit 1
            for (i = 1; i <= n; i++) {
                for (k = 1; k <= nf; k++) a[k] = v[i, k]
                for (k = 2; k <= nf; k++)  # insertion sort, nf = REPS is small
                    for (j = k; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
                printf "%.6f\n", nf % 2 ? a[(nf + 1) / 2] : (a[nf / 2] + a[nf / 2 + 1]) / 2
            }
        }' "$@" | sort -g | awk '
        { m[NR] = $1; sum += $1 }
        function rank(p) { r = int((p * NR + 99) / 100); return m[r < 1 ? 1 : r] }
        END {
            if (NR == 0) exit 1
            printf "%d %.3f %.3f %.3f %.3f\n", NR, rank(50), rank(95), rank(99), sum / NR
        }'
}

# latency TOOL INDEX QUERIES NQ: one warm-up run, then REPS runs with --timings; prints
# "p50 p95 p99 mean" (ms). Fails when a run fails or a run timed other than NQ queries.
latency() {
    local tool=$1 index=$2 queries=$3 nq=$4 i stats n p50 p95 p99 mean files=()
    search_batch "$tool" "$index" "$queries" || return 1
    for ((i = 1; i <= REPS; i++)); do
        search_batch "$tool" "$index" "$queries" --timings "$TMP/timings.$tool.$i" || return 1
        files+=("$TMP/timings.$tool.$i")
    done
    stats=$(latency_stats "${files[@]}") || { echo "bad --timings output of $tool" >>"$TMP/search.err"; return 1; }
    read -r n p50 p95 p99 mean <<<"$stats"
    if ((n != nq)); then
        echo "$tool timed $n queries, expected $nq" >>"$TMP/search.err"
        return 1
    fi
    echo "$p50 $p95 $p99 $mean"
}

# ---------------------------------------------------------------- 3. --scaling

# make_queries: see bench/make_queries.sh (shared with bench/shards.sh).
# shellcheck source=bench/make_queries.sh
source "$SCRIPT_DIR/make_queries.sh"

run_scaling() {
    local input=bench/gesetze-de src='' cand total max size file nq stride tool out row
    for cand in "$DATA_DIR/$input/docs.jsonl.gz" "$DATA_DIR/$input/docs.jsonl"; do
        [[ -f $cand ]] && { src=$cand; break; }
    done
    if [[ -z $src ]]; then
        log "$DATA_DIR/$input/docs.jsonl[.gz] not found"
        return 1
    fi
    max=${SCALING_SIZES[-1]}
    log "scaling: preparing the first $max documents of $input"
    { gzip -dcf "$src" || true; } | head -n "$max" >"$TMP/scaling-all.jsonl"
    total=$(wc -l <"$TMP/scaling-all.jsonl")
    local sizes=()
    for size in "${SCALING_SIZES[@]}"; do
        if ((size > total)); then
            log "warning: $input has only $total documents; size $size measured as $total"
            size=$total
        fi
        [[ ${#sizes[@]} -gt 0 && ${sizes[-1]} == "$size" ]] || sizes+=("$size")
    done
    make_queries "$TMP/scaling-all.jsonl" "${sizes[0]}" "$SCALING_QUERIES" >"$TMP/scaling-q.tsv"
    nq=$(wc -l <"$TMP/scaling-q.tsv")
    stride=$((sizes[0] / SCALING_QUERIES > 0 ? sizes[0] / SCALING_QUERIES : 1))  # as in make_queries
    if ((nq < SCALING_QUERIES)); then
        log "warning: only $nq queries could be made from the first ${sizes[0]} titles"
    fi
    ((nq > 0)) || { log "no queries could be made"; return 1; }

    echo "## Scaling: $input"
    echo
    echo "The first N documents of \`$input\`, indexed by each tool under \`/usr/bin/time -v\`" \
        "(lupe-index with its default settings); $(nproc) cores. Query latency as in the query" \
        "latency table: the same $nq queries at every size (\`qid<TAB>de<TAB>\` 2 or 3 words of" \
        "5+ letters from about one title in $stride of the first ${sizes[0]} documents)," \
        "top $QUERY_LIMIT, single-threaded," \
        "one warm-up run, per query the median of $REPS timed runs, then nearest-rank percentiles." \
        "Ratio columns: lupe / baseline (docs/s above 1: lupe indexes faster; the others above 1:" \
        "lupe needs more)."
    echo
    echo "| docs | tool | wall s | docs/s | peak RSS MB | CPU % | index MB | p50 ms | p95 ms | p99 ms | docs/s lupe/base | RSS lupe/base | index lupe/base | p50 lupe/base | p95 lupe/base |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for size in "${sizes[@]}"; do
        file=$TMP/scaling-$size.jsonl
        head -n "$size" "$TMP/scaling-all.jsonl" >"$file"
        local -A S_SEC=() S_RSS=() S_CPU=() S_SIZE=() S_LAT=()
        for tool in lupe base; do
            out=$TMP/scaling-$size.$tool
            case $tool in
                lupe) cmd=("$LUPE_INDEX" --quiet --index "$out" "$file") ;;
                base) cmd=("$BASELINE" index "$out" "$file") ;;
            esac
            log "scaling: $size docs, indexing with $tool"
            sync
            timed "scaling-$size.index.$tool" "${cmd[@]}"
            if ((T_RC != 0)) && ! [[ $tool == lupe && $T_RC == 1 ]]; then
                show_err "$tool index of $size docs" "$T_RC" "scaling-$size.index.$tool"
                status=1
                rm -rf "$out"
                continue
            fi
            if [[ $tool == lupe && $T_RC == 1 ]]; then
                log "warning: lupe-index rejected some of the first $size documents (exit 1)"
            fi
            S_SEC[$tool]=$T_WALL
            S_RSS[$tool]=$T_RSS
            S_CPU[$tool]=$T_CPU
            S_SIZE[$tool]=$(du -sb "$out" | cut -f1)
            log "scaling: $size docs, $nq queries with $tool"
            : >"$TMP/search.err"
            if ! S_LAT[$tool]=$(latency "$tool" "$out" "$TMP/scaling-q.tsv" "$nq"); then
                log "$tool search on $size docs failed; stderr:"
                tail -n 3 "$TMP/search.err" >&2 || true
                unset 'S_LAT[$tool]'
                status=1
            fi
            rm -rf "$out"
        done
        for tool in lupe base; do
            case $tool in
                lupe) row="| $size | lupe |" ;;
                base) row="| $size | xapian-baseline |" ;;
            esac
            if [[ -n ${S_SEC[$tool]:-} ]]; then
                row+=" $(fmt "${S_SEC[$tool]}" '%.2f') | $(div "$size" "${S_SEC[$tool]}" '%.0f') |"
                row+=" $(div "${S_RSS[$tool]}" 1024 '%.0f') | ${S_CPU[$tool]} | $(div "${S_SIZE[$tool]}" 1e6 '%.1f') |"
            else
                row+=" ERR | ERR | ERR | ERR | ERR |"
            fi
            if [[ -n ${S_LAT[$tool]:-} ]]; then
                read -r p50 p95 p99 _ <<<"${S_LAT[$tool]}"
                row+=" $p50 | $p95 | $p99 |"
            else
                row+=" ERR | ERR | ERR |"
            fi
            if [[ $tool == base ]]; then
                row+=" | | | | |"
            else
                local r_dps=n/a r_rss=n/a r_size=n/a r_p50=n/a r_p95=n/a
                if [[ -n ${S_SEC[lupe]:-} && -n ${S_SEC[base]:-} ]]; then
                    r_dps=$(div "${S_SEC[base]}" "${S_SEC[lupe]}" '%.2f')
                    r_rss=$(div "${S_RSS[lupe]}" "${S_RSS[base]}" '%.2f')
                    r_size=$(div "${S_SIZE[lupe]}" "${S_SIZE[base]}" '%.2f')
                fi
                if [[ -n ${S_LAT[lupe]:-} && -n ${S_LAT[base]:-} ]]; then
                    local l50 l95 b50 b95
                    read -r l50 l95 _ <<<"${S_LAT[lupe]}"
                    read -r b50 b95 _ <<<"${S_LAT[base]}"
                    r_p50=$(div "$l50" "$b50" '%.2f')
                    r_p95=$(div "$l95" "$b95" '%.2f')
                fi
                row+=" $r_dps | $r_rss | $r_size | $r_p50 | $r_p95 |"
            fi
            echo "$row"
        done
        rm -f "$file"
    done
    echo
}

if ((SCALING)); then
    run_scaling || status=1
    echo "Script wall time: $(awk -v a="$SCRIPT_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s."
    exit "$status"
fi

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

echo "## Query latency"
echo
echo "Top $QUERY_LIMIT per query, single-threaded \`--batch\` runs: one warm-up run, then $REPS" \
    "timed runs with \`--timings\` (each tool's own steady-clock time of every query's search," \
    "without process start-up, opening the index and writing the run lines). Per query the" \
    "median of the $REPS runs, then over the queries **p50/p95/p99** (nearest rank) and the" \
    "**mean**, in ms. **start ms**: median wall time of $REPS runs of the first query alone" \
    "(process start-up, word lists, opening the index, one query)."
echo
echo "| set | docs | queries | lupe p50 | lupe p95 | lupe p99 | lupe mean | baseline p50 | baseline p95 | baseline p99 | baseline mean | lupe/baseline p95 | lupe/baseline mean | lupe start ms | baseline start ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

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
    if ((nq < 1)); then
        log "$set_name: no queries, skipped"
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

    l_lat="ERR ERR ERR ERR" b_lat="ERR ERR ERR ERR" l_start=ERR b_start=ERR
    for tool in lupe base; do
        case $tool in
            lupe) ok=$lupe_ok idx=$lidx label=lupe-search ;;
            base) ok=$base_ok idx=$bidx label="xapian-baseline search" ;;
        esac
        ((ok)) || continue
        : >"$TMP/search.err"
        if lat=$(latency "$tool" "$idx" "$TMP/q-all.tsv" "$nq") &&
            start=$(median_ms search_batch "$tool" "$idx" "$TMP/q-one.tsv"); then
            start=$(fmt "$start" '%.1f')
            case $tool in
                lupe) l_lat=$lat l_start=$start ;;
                base) b_lat=$lat b_start=$start ;;
            esac
        else
            log "$label on $set_name failed; stderr:"
            tail -n 3 "$TMP/search.err" >&2 || true
            status=1
        fi
    done
    read -r l50 l95 l99 lmean <<<"$l_lat"
    read -r b50 b95 b99 bmean <<<"$b_lat"
    r95=n/a rmean=n/a
    if [[ $l95 != ERR && $b95 != ERR ]]; then
        r95=$(div "$l95" "$b95" '%.2f')
        rmean=$(div "$lmean" "$bmean" '%.2f')
    fi
    echo "| $set_name | $ndocs | $nq | $l50 | $l95 | $l99 | $lmean | $b50 | $b95 | $b99 | $bmean | $r95 | $rmean | $l_start | $b_start |"
    rm -rf "$lidx" "$bidx" "$file"
done
echo
echo "Script wall time: $(awk -v a="$SCRIPT_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s."
exit "$status"
