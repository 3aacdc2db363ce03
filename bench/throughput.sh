#!/usr/bin/env bash
# Indexing throughput and query latency of lupe against plain Xapian, Lucene++, Sphinx and
# SQLite FTS5.
#
#   bench/throughput.sh DATA_DIR [BUILD_DIR] [--docs N] [--charts DIR]
#   bench/throughput.sh DATA_DIR [BUILD_DIR] --scaling
#
# 0. The engines: a table of each one's version, threads and analysis (tokens, stemmer, stop
#    words, positions, stored text, query), so that the numbers are read for what they are.
#    A peer that is not installed is skipped with one line naming the package (Lucene++:
#    liblucene++-dev, then bench/lucene-baseline is built; Sphinx: sphinxsearch and
#    python3-pymysql; the charts: gnuplot-nox; lupe's size without stored text:
#    python3-xapian), and the run goes on.
#
# 1. Indexing. For each input (DATA_DIR/news/reuters21578/docs.jsonl.gz and
#    DATA_DIR/bench/gesetze-de/docs.jsonl.gz, each cut to its first N lines with --docs N) the
#    input is decompressed once into a plain .jsonl in the temporary directory, and that same
#    file is indexed by
#       lupe-index --quiet --index DIR FILE
#       xapian-baseline index DIR FILE
#       lucene-baseline index DIR FILE        (Lucene++, bench/lucene_baseline.cpp)
#       indexer --config DIR/sphinx.conf --all (Sphinx; the input converted to its tsvpipe
#                                               format and the config written beforehand by
#                                               sphinx_baseline.py prepare, not timed)
#       fts5_baseline.py index DB FILE        (Python sqlite3, FTS5, one transaction)
#    each under /usr/bin/time -v. One Markdown table per input: docs, wall seconds, docs/s,
#    MB/s (UTF-8 bytes of title+body per second, MB = 10^6 bytes), index size on disk
#    (du -sb of the index directory or database file), the size without the engine's stored
#    copy of the text (lupe: less the bytes of its snippet text values, slot 2; FTS5: less
#    its content table's pages), peak RSS, CPU% (from time -v: above 100% means more than
#    one core was used), and the ratios lupe/other for docs/s, size and peak RSS. Every
#    engine's index of gesetze-de is then queried with the xquad-r-de questions as in 2.
#
# 2. Query latency. For each set DATA_DIR/relevance/SET/ docs.jsonl is indexed by every
#    engine, and queries.tsv (qid<TAB>lang<TAB>query) is run single-threaded in batch mode,
#    10 results per query:
#       lupe-search --index DIR --batch FILE --limit 10 --timings T
#       xapian-baseline search DIR FILE --limit 10 --timings T
#       lucene-baseline search DIR FILE --limit 10 --timings T
#       sphinx_baseline.py search DIR FILE --limit 10 --timings T   (starts and stops searchd)
#       fts5_baseline.py search DB FILE --limit 10 --timings T
#    One warm-up run over all queries (no --timings), then REPS timed runs. --timings makes
#    each tool write qid<TAB>ms per query: the wall time of that query's search inside the
#    process (steady clock; start-up, opening the index and writing the run lines are not in
#    it), except Sphinx's, which is the client's time of the SphinxQL round trip over
#    loopback. Per query the median over the REPS runs is taken, then over the queries p50,
#    p95, p99 (nearest rank: the value at rank ceil(p/100 * N) of the N sorted medians) and
#    the mean. The first table compares lupe with the baseline and has the start-up column:
#    the median wall time (bash's EPOCHREALTIME) of REPS runs of the first query alone
#    (process start, loading word lists, opening the index, one query); the second has a row
#    per set and engine.
#
# --charts DIR: the data of the charts as TSV and the charts themselves as SVG, drawn by
#    gnuplot with bench/throughput_charts.gp: docs/s, index size and query latency p50 and
#    p95 per engine (see write_charts).
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
# BUILD_DIR defaults to ./build and must hold lupe-index, lupe-search and bench/xapian-baseline
# (and bench/lucene-baseline for Lucene++); this script builds nothing. Environment: LUPE_BENCH_REPS (default 3) timed runs per
# measurement in parts 2 and 3; LUPE_SCALING_SIZES (default "10000 50000 100000") the
# document counts of --scaling. Tables go to stdout, progress to stderr.
#
# Exit status: 0 when every step succeeded, 1 when one failed (its cells read ERR; the other
# measurements still run), 2 on a usage error or missing tools. lupe-index's exit 1 (some
# documents rejected, all others committed) is a warning, not a failure.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--docs N] [--charts DIR] | --scaling" >&2
    echo "  BUILD_DIR defaults to ./build; --docs N indexes only the first N documents of each input;" >&2
    echo "  --scaling measures indexing and query latency at several sizes of gesetze-de instead" >&2
    echo "  (sizes from LUPE_SCALING_SIZES, default \"10000 50000 100000\");" >&2
    echo "  --charts DIR writes the charts' data (TSV) and the charts (SVG, gnuplot) into DIR" >&2
    exit 2
}

DOCS_LIMIT=
SCALING=0
CHARTS_DIR=
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
        --charts)
            [[ $# -ge 2 && -n $2 ]] || usage
            CHARTS_DIR=$2
            shift 2
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
if ((SCALING)) && [[ -n $CHARTS_DIR ]]; then
    echo "$0: --charts draws the charts of the default run, not of --scaling" >&2
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

# search_batch TOOL INDEX QUERIES [ARGS...]: one batch run of lupe-search, the baseline (base
# or xapian) or a peer (lucene, sphinx, fts5: see "the engines"),
# QUERY_LIMIT results per query, run lines discarded, stderr appended to $TMP/search.err.
# lupe-search's exit 1 (no query found anything) is not a failure here.
search_batch() {
    local tool=$1 index=$2 queries=$3 rc=0
    shift 3
    case $tool in
        lupe) "$LUPE_SEARCH" --index "$index" --limit "$QUERY_LIMIT" --batch "$queries" "$@" ;;
        base | xapian) "$BASELINE" search "$index" "$queries" --limit "$QUERY_LIMIT" "$@" ;;
        lucene) "$LUCENE" search "$index" "$queries" --limit "$QUERY_LIMIT" "$@" ;;
        sphinx) "$PYTHON_SPHINX" "$SCRIPT_DIR/sphinx_baseline.py" search "$index" "$queries" \
            --limit "$QUERY_LIMIT" "$@" ;;
        fts5) "${FTS5[@]}" search "$index" "$queries" --limit "$QUERY_LIMIT" "$@" ;;
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

# ---------------------------------------------------------------- the engines

engine_label() {
    case $1 in
        lupe) echo lupe ;;
        xapian) echo xapian-baseline ;;
        lucene) echo "Lucene++" ;;
        sphinx) echo Sphinx ;;
        fts5) echo "SQLite FTS5" ;;
    esac
}

# engine_analysis ENGINE: the cells version | threads | tokens | stemmer | stop words |
# positions | stored text | query of the "Engines compared" table.
engine_analysis() {
    case $1 in
        lupe) echo "$LUPE_VERSION | all cores | Unicode words, case and accents folded |" \
            "Snowball english / german2 by the lang field (or detected); German compounds" \
            "also as their parts | indexed, weighted down in queries | yes | title, id, date...;" \
            "body's first 64 KiB compressed, for snippets | all words first, then OR; BM25" ;;
        xapian) echo "Xapian $XAPIAN_VERSION | 1 | TermGenerator's default |" \
            "Snowball english / german2 by the lang field (STEM_SOME: stems and unstemmed words) |" \
            "none | yes | id only | QueryParser's default (OR); BM25" ;;
        lucene) echo "Lucene++ 3.0.8 | 1 | StandardTokenizer, lower-cased |" \
            "Snowball english / german by the lang field | none | yes | id only |" \
            "QueryParser, OR of the words; Lucene's TF-IDF; one merged segment" ;;
        sphinx) echo "$SPHINX_VERSION | 1 | charset_table of ASCII, Latin-1, Cyrillic, lower-cased |" \
            "one per index, by the input's most frequent lang: stem_en (Porter) or libstemmer_german |" \
            "none | yes | none | SphinxQL over loopback, quorum 1 (OR); proximity_bm25" ;;
        fts5) echo "SQLite $SQLITE_VERSION (Python) | 1 | unicode61, diacritics removed |" \
            "porter (English) for every language | none | yes | title and body in full |" \
            "OR of the quoted words; bm25" ;;
    esac
}

# index_with ENGINE OUT FILE NAME: indexes FILE into OUT under /usr/bin/time -v (see timed);
# fails, after saying why, unless the engine succeeded (lupe-index's exit 1 counts as success).
index_with() {
    local engine=$1 out=$2 file=$3 name=$4 cmd
    case $engine in
        lupe) cmd=("$LUPE_INDEX" --quiet --index "$out" "$file") ;;
        xapian) cmd=("$BASELINE" index "$out" "$file") ;;
        lucene) cmd=("$LUCENE" index "$out" "$file") ;;
        sphinx)
            # The conversion to tsvpipe input is not part of the timed run.
            if ! "$PYTHON_SPHINX" "$SCRIPT_DIR/sphinx_baseline.py" prepare "$out" "$file" \
                >/dev/null 2>"$TMP/$name.err"; then
                show_err "sphinx_baseline.py prepare ($name)" 1 "$name"
                return 1
            fi
            cmd=(indexer --config "$out/sphinx.conf" --all --quiet)
            ;;
        fts5) cmd=("${FTS5[@]}" index "$out" "$file") ;;
    esac
    sync
    timed "$name" "${cmd[@]}"
    if ((T_RC != 0)) && ! [[ $engine == lupe && $T_RC == 1 ]]; then
        show_err "$engine index ($name)" "$T_RC" "$name"
        return 1
    fi
}

# index_bytes ENGINE OUT: the index's size on disk (Sphinx: its index files, not its input).
index_bytes() {
    case $1 in
        sphinx) du -sb "$2/index" | cut -f1 ;;
        *) du -sb "$2" | cut -f1 ;;
    esac
}

# index_bytes_without_text ENGINE OUT TOTAL: TOTAL less the engine's stored copy of the text,
# or n/a when that cannot be measured. lupe: the bytes of the values in its text slot (slot 2,
# schema::kTextSlot in format/schema.hpp), which glass keeps uncompressed in postlist.glass
# (so the figure leaves out only the B-tree's overhead on them); FTS5: the pages of its
# content table (SQLite's dbstat).
index_bytes_without_text() {
    local engine=$1 out=$2 total=$3 text
    case $engine in
        lupe)
            [[ -n $PYTHON_XAPIAN ]] || { echo n/a; return; }
            text=$("$PYTHON_XAPIAN" -c '
import sys, xapian
db = xapian.Database(sys.argv[1])
print(sum(len(v.value) for v in db.valuestream(2)))' "$out" 2>>"$TMP/size.err") || { echo n/a; return; }
            ;;
        fts5)
            text=$(python3 -c '
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(con.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", ("docs_content",)).fetchone()[0])' \
                "$out" 2>>"$TMP/size.err") || { echo n/a; return; }
            ;;
        *) text=0 ;;
    esac
    echo $((total - text))
}

# peer_rows TITLE CHART_LABEL NDOCS NQ ARRAY: appends one row per engine to PEER_ROWS and
# one line to the latency chart's data, from ARRAY, an associative array engine ->
# "p50 p95 p99 mean" (ERR ERR ERR ERR when the engine failed; no entry when skipped).
PEER_ROWS=()
CHART_LAT=()
peer_rows() {
    local title=$1 chart=$2 ndocs=$3 nq=$4 engine p50 p95 p99 mean row
    local -n lat=$5
    local c50=() c95=()
    for engine in "${ALL_ENGINES[@]}"; do
        row="| $title | $ndocs | $nq | $(engine_label "$engine") |"
        if [[ -n ${lat[$engine]:-} ]]; then
            read -r p50 p95 p99 mean <<<"${lat[$engine]}"
            row+=" $p50 | $p95 | $p99 | $mean |"
        else
            p50=- p95=-
            row+=" skipped | | | |"
        fi
        [[ $p50 != ERR ]] || { p50=- p95=-; }
        c50+=("$p50") c95+=("$p95")
        PEER_ROWS+=("$row")
    done
    CHART_LAT+=("$chart$(printf '\t%s' "${c50[@]}")$(printf '\t%s' "${c95[@]}")")
}

# write_charts DIR: the charts' data as TSV (indexing.tsv, index-size.tsv, latency.tsv) and the
# charts drawn from it by bench/throughput_charts.gp (throughput-*.svg), into DIR. "-" marks
# a value that is missing (engine skipped or failed).
write_charts() {
    local dir=$1 tag engine row v
    mkdir -p "$dir" || return 1
    local header=input
    for engine in "${ALL_ENGINES[@]}"; do header+=$'\t'$(engine_label "$engine"); done
    {
        echo "$header"
        for tag in "${INPUTS[@]}"; do
            tag=${tag//\//-}
            row=${tag#*-}
            for engine in "${ALL_ENGINES[@]}"; do row+=$'\t'${CHART_DPS[$tag.$engine]:--}; done
            echo "$row"
        done
    } >"$dir/indexing.tsv"
    {
        printf 'input\tlupe\tlupe without stored text\txapian-baseline\tLucene++\tSphinx\tSQLite FTS5\tSQLite FTS5 without stored text\n'
        for tag in "${INPUTS[@]}"; do
            tag=${tag//\//-}
            row=${tag#*-}
            for v in "${CHART_MB[$tag.lupe]:--}" "${CHART_MB_NOTEXT[$tag.lupe]:--}" \
                "${CHART_MB[$tag.xapian]:--}" "${CHART_MB[$tag.lucene]:--}" \
                "${CHART_MB[$tag.sphinx]:--}" "${CHART_MB[$tag.fts5]:--}" \
                "${CHART_MB_NOTEXT[$tag.fts5]:--}"; do
                [[ $v != n/a ]] || v=-
                row+=$'\t'$v
            done
            echo "$row"
        done
    } >"$dir/index-size.tsv"
    {
        printf 'set'
        # The engines' names twice: p50 columns, then p95 columns.
        for engine in "${ALL_ENGINES[@]}" "${ALL_ENGINES[@]}"; do
            printf '\t%s' "$(engine_label "$engine")"
        done
        printf '\n'
        printf '%s\n' "${CHART_LAT[@]}"
    } >"$dir/latency.tsv"
    if ! gnuplot -e "dir='$dir'" "$SCRIPT_DIR/throughput_charts.gp" 2>"$TMP/gnuplot.err"; then
        log "gnuplot failed; stderr:"
        tail -n 5 "$TMP/gnuplot.err" >&2 || true
        return 1
    fi
    log "charts written to $dir"
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

# ---------------------------------------------------------------- the peers

# Lucene++, Sphinx and FTS5 next to lupe and plain Xapian. Each missing one is skipped with the package that brings it; the run goes on.
ALL_ENGINES=(lupe xapian lucene sphinx fts5)
ENGINES=(lupe xapian)
declare -A SKIPPED=()
LUCENE=$BUILD_DIR/bench/lucene-baseline
PYTHON_SPHINX='' PYTHON_XAPIAN=''
# python_with MODULE: the first Python 3 that imports MODULE (Debian's python3-* modules are
# in /usr/bin/python3's path, which a pyenv or venv python3 earlier in PATH does not see).
python_with() {
    local py
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null && "$py" -c "import $1" 2>/dev/null; then
            command -v "$py"
            return 0
        fi
    done
    return 1
}
LUPE_VERSION="lupe $("$LUPE_INDEX" --version 2>/dev/null || echo '?')"
XAPIAN_VERSION=$(xapian-config --version 2>/dev/null | awk '{ print $NF }')
SQLITE_VERSION=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)' 2>/dev/null || echo '?')
SPHINX_VERSION=
if [[ -x $LUCENE ]]; then
    ENGINES+=(lucene)
else
    SKIPPED[lucene]="install liblucene++-dev libboost-dev, then rebuild with -DLUPE_BUILD_BENCH=ON ($LUCENE is missing)"
fi
if ! command -v indexer >/dev/null || ! command -v searchd >/dev/null; then
    SKIPPED[sphinx]="install sphinxsearch (indexer and searchd are missing)"
elif ! PYTHON_SPHINX=$(python_with pymysql); then
    SKIPPED[sphinx]="install python3-pymysql (searchd is queried over SphinxQL with it)"
else
    ENGINES+=(sphinx)
    SPHINX_VERSION=$({ indexer 2>&1 || true; } | awk 'NR == 1 { sub(/-.*/, "", $2); print $1, $2 }')
fi
ENGINES+=(fts5)
PYTHON_XAPIAN=$(python_with xapian) ||
    log "lupe's index size without stored text skipped: install python3-xapian"
for engine in "${!SKIPPED[@]}"; do log "$(engine_label "$engine") skipped: ${SKIPPED[$engine]}"; done
if [[ -n $CHARTS_DIR ]] && ! command -v gnuplot >/dev/null; then
    log "charts skipped: install gnuplot-nox"
    CHARTS_DIR=
fi

# ---------------------------------------------------------------- 1. indexing throughput

INPUTS=(news/reuters21578 bench/gesetze-de)
# The input whose indexes are also queried, with these queries (the German questions on the
# German laws: every engine's German analysis at a size where it matters).
QUERIED_INPUT=bench/gesetze-de
QUERIED_WITH=xquad-r-de

echo "## Engines compared"
echo
echo "Each engine with its own analysis, as close to its defaults as a fair comparison allows;" \
    "what each one does with the same title+body text:"
echo
echo "| engine | version | threads | tokens | stemmer | stop words | positions | stored text | query |"
echo "|---|---|---|---|---|---|---|---|---|"
for engine in "${ALL_ENGINES[@]}"; do
    echo "| $(engine_label "$engine") | $(engine_analysis "$engine") |"
done
echo
if ((${#SKIPPED[@]})); then
    for engine in "${ALL_ENGINES[@]}"; do
        [[ -z ${SKIPPED[$engine]:-} ]] || echo "$(engine_label "$engine") skipped: ${SKIPPED[$engine]}.  "
    done
    echo
fi

echo "## Indexing throughput"
echo
if [[ -n $DOCS_LIMIT ]]; then
    echo "First $DOCS_LIMIT documents of each input."
fi
echo "Each input decompressed once to a plain .jsonl, the same file for every engine" \
    "(Sphinx reads it converted to its tsvpipe format beforehand, not timed);" \
    "MB = 10^6 bytes, MB/s counts the UTF-8 bytes of title+body;" \
    "wall time, peak RSS and CPU % from \`/usr/bin/time -v\`; $(nproc) cores." \
    "**index MB**: \`du -sb\` of the index; **without stored text**: less the stored copy of" \
    "the text (lupe: the bytes of the snippet text values in value slot 2, compressed, up to" \
    "64 KiB of each body; SQLite FTS5: the pages of its content table, title and body in" \
    "full; the others store no text)."
echo

declare -A CHART_DPS=() CHART_MB=() CHART_MB_NOTEXT=()
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

    declare -A R_SEC=() R_RSS=() R_CPU=() R_SIZE=() R_NOTEXT=() R_OK=() R_IDX=()
    for engine in "${ENGINES[@]}"; do
        out=$TMP/$tag.$engine
        log "$input: indexing with $engine"
        if ! index_with "$engine" "$out" "$file" "$tag.index.$engine"; then
            status=1
            R_OK[$engine]=0
            rm -rf "$out"
            continue
        fi
        if [[ $engine == lupe && $T_RC == 1 ]]; then
            log "warning: lupe-index rejected some documents of $input (exit 1)"
        fi
        R_OK[$engine]=1
        R_SEC[$engine]=$T_WALL
        R_RSS[$engine]=$T_RSS
        R_CPU[$engine]=$T_CPU
        R_SIZE[$engine]=$(index_bytes "$engine" "$out")
        R_NOTEXT[$engine]=$(index_bytes_without_text "$engine" "$out" "${R_SIZE[$engine]}")
        if [[ $input == "$QUERIED_INPUT" ]]; then
            R_IDX[$engine]=$out
        else
            rm -rf "$out"
        fi
    done

    echo "### $input ($ndocs docs, $(div "$nbytes" 1e6 '%.1f') MB of title+body)"
    echo
    echo "| engine | docs | wall s | docs/s | MB/s | index MB | without stored text MB | index bytes/input byte | peak RSS MB | CPU % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for engine in "${ALL_ENGINES[@]}"; do
        label=$(engine_label "$engine")
        if [[ -n ${SKIPPED[$engine]:-} ]]; then
            echo "| $label | skipped | | | | | | | | |"
            continue
        fi
        if [[ ${R_OK[$engine]} != 1 ]]; then
            echo "| $label | $ndocs | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR |"
            continue
        fi
        s=${R_SEC[$engine]}
        dps=$(div "$ndocs" "$s" '%.0f')
        mb=$(div "${R_SIZE[$engine]}" 1e6 '%.1f')
        notext=n/a
        [[ ${R_NOTEXT[$engine]} == n/a ]] || notext=$(div "${R_NOTEXT[$engine]}" 1e6 '%.1f')
        CHART_DPS[$tag.$engine]=$dps
        CHART_MB[$tag.$engine]=$mb
        CHART_MB_NOTEXT[$tag.$engine]=$notext
        echo "| $label | $ndocs | $(fmt "$s" '%.2f') | $dps |" \
            "$(div "$nbytes" "$(awk -v s="$s" 'BEGIN { print s * 1e6 }')" '%.2f') |" \
            "$mb | $notext | $(div "${R_SIZE[$engine]}" "$nbytes" '%.2f') |" \
            "$(div "${R_RSS[$engine]}" 1024 '%.0f') | ${R_CPU[$engine]} |"
    done
    echo
    for other in "${ENGINES[@]}"; do
        [[ $other != lupe ]] || continue
        if [[ ${R_OK[lupe]} == 1 && ${R_OK[$other]} == 1 ]]; then
            # docs/s ratio = other's seconds / lupe's seconds.
            echo "lupe / $(engine_label "$other"): docs/s $(div "${R_SEC[$other]}" "${R_SEC[lupe]}" '%.2f')," \
                "index size $(div "${R_SIZE[lupe]}" "${R_SIZE[$other]}" '%.2f')," \
                "peak RSS $(div "${R_RSS[lupe]}" "${R_RSS[$other]}" '%.2f')  "
        fi
    done
    echo

    if [[ $input == "$QUERIED_INPUT" ]]; then
        # Every engine's index of this input, queried with the German questions.
        queries=$DATA_DIR/relevance/$QUERIED_WITH/queries.tsv
        if [[ -f $queries ]]; then
            grep -v '^[[:space:]]*$' "$queries" >"$TMP/q-big.tsv" || true
            nq=$(wc -l <"$TMP/q-big.tsv")
            declare -A L_BIG=()
            for engine in "${ENGINES[@]}"; do
                [[ ${R_OK[$engine]} == 1 ]] || continue
                log "$input: $nq $QUERIED_WITH queries with $engine"
                : >"$TMP/search.err"
                # shellcheck disable=SC2034  # L_BIG is read by peer_rows through a nameref
                if ! L_BIG[$engine]=$(latency "$engine" "${R_IDX[$engine]}" "$TMP/q-big.tsv" "$nq"); then
                    log "$engine search on $input failed; stderr:"
                    tail -n 3 "$TMP/search.err" >&2 || true
                    L_BIG[$engine]="ERR ERR ERR ERR"
                    status=1
                fi
            done
            peer_rows "$input, $QUERIED_WITH queries" "${input##*/} ($QUERIED_WITH)" "$ndocs" "$nq" L_BIG
            unset L_BIG
        else
            log "$queries not found: $input not queried"
        fi
    fi
    for engine in "${!R_IDX[@]}"; do rm -rf "${R_IDX[$engine]}"; done
    unset R_SEC R_RSS R_CPU R_SIZE R_NOTEXT R_OK R_IDX
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
    rm -rf "$lidx" "$bidx"

    # The same queries on the peers' indexes of the set.
    declare -A L_SET=()
    ((!lupe_ok)) || L_SET[lupe]=$l_lat
    ((!base_ok)) || L_SET[xapian]=$b_lat
    for engine in "${ENGINES[@]}"; do
        [[ $engine != lupe && $engine != xapian ]] || continue
        out=$TMP/rel-$set_name.$engine
        log "$set_name: indexing with $engine, then $nq queries"
        # shellcheck disable=SC2034  # L_SET is read by peer_rows through a nameref
        if index_with "$engine" "$out" "$file" "rel-$set_name.index.$engine"; then
            : >"$TMP/search.err"
            if ! L_SET[$engine]=$(latency "$engine" "$out" "$TMP/q-all.tsv" "$nq"); then
                log "$engine search on $set_name failed; stderr:"
                tail -n 3 "$TMP/search.err" >&2 || true
                L_SET[$engine]="ERR ERR ERR ERR"
                status=1
            fi
        else
            L_SET[$engine]="ERR ERR ERR ERR"
            status=1
        fi
        rm -rf "$out"
    done
    peer_rows "$set_name" "$set_name" "$ndocs" "$nq" L_SET
    unset L_SET
    rm -f "$file"
done
echo

echo "## Query latency against other engines"
echo
echo "The same queries, top $QUERY_LIMIT, each engine's own per-query timing as in the table" \
    "above: one warm-up run, then per query the median of $REPS runs, then nearest-rank" \
    "percentiles, in ms. lupe, xapian-baseline, Lucene++ and SQLite FTS5 time the search" \
    "inside the process (FTS5 through Python's sqlite3); **Sphinx's times are the client's**" \
    "(Python, pymysql): sending the SphinxQL statement to searchd over loopback and reading" \
    "the rows, so they include the round trip. The first row group queries every engine's" \
    "index of all of gesetze-de (indexing section) with the German xquad-r-de questions."
echo
echo "| set | docs | queries | engine | p50 ms | p95 ms | p99 ms | mean ms |"
echo "|---|---:|---:|---|---:|---:|---:|---:|"
printf '%s\n' "${PEER_ROWS[@]}"
echo

if [[ -n $CHARTS_DIR ]]; then
    write_charts "$CHARTS_DIR" || status=1
fi
echo "Script wall time: $(awk -v a="$SCRIPT_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s."
exit "$status"
