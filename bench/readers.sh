#!/usr/bin/env bash
# Throughput of the readers of issue 15 (HTML pages, RSS feed items, PDFs) against the JSONL
# path, in one run, on the same news documents.
#
#   bench/readers.sh DATA_DIR [BUILD_DIR] [--docs N] [--pdfs P]
#
# 1. The first N documents (default 5000) of DATA_DIR/news/reuters21578/docs.jsonl.gz are
#    written as (a) one plain .jsonl, (b) one HTML page per document, (c) RSS 2.0 feeds of 50
#    items, (d) one PDF per document for the first P (default 300) documents, and (a') the same
#    P documents as JSONL, the PDFs' baseline. bench/make_reader_inputs.py writes (b)-(d)
#    (Python standard library only; the PDFs come from its own small PDF writer: Helvetica
#    text pages, as a word processor's "export as PDF" makes them, without fonts embedded).
# 2. For each input, two runs of lupe-index, each under /usr/bin/time -v:
#      lupe-index --dry-run --jsonl INPUT > out.jsonl     reading alone (walk, read, extract,
#                                                         write JSON), no index
#      lupe-index --json --index FRESH INPUT              reading and indexing into a new index
#    The table gives docs/s of both, the ratio of each format's indexing docs/s to the JSONL
#    path's, and where the time goes: the share of the indexing run's wall time that reading
#    alone takes (dry-run s / index s; the rest is analysis, Xapian and the commit). The
#    first run into a new index builds in parallel shards like --full, so CPU% may pass 100.
# 3. With LUPE_BENCH_PERF=1 and perf installed: the top symbols of the HTML and the feed
#    dry runs (perf record -g, perf report --no-children), to name the hot spots in reading.
#
# BUILD_DIR defaults to ./build and must hold lupe-index and lupe-pdf-extract; this script
# builds nothing. The table goes to stdout, progress to stderr. Exit status: 0 when every
# run succeeded; 1 when one failed (its cells read ERR, the others still run); 2 on a usage
# error or missing tools. lupe-index's exit 1 (some documents rejected, the others committed)
# is a warning.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--docs N] [--pdfs P]" >&2
    echo "  N documents of news/reuters21578 (default 5000) as JSONL, HTML pages and RSS items;" >&2
    echo "  the first P of them (default 300) as PDFs" >&2
    exit 2
}

DOCS=5000
PDFS=300
# Items per feed file: a common feed length (WordPress shows 10, news sites 20-100).
PER_FEED=50
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --docs | --pdfs)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage
            if [[ $1 == --docs ]]; then DOCS=$2; else PDFS=$2; fi
            shift 2
            ;;
        -*) usage ;;
        *) pos+=("$1"); shift ;;
    esac
done
[[ ${#pos[@]} -ge 1 && ${#pos[@]} -le 2 ]] || usage
DATA_DIR=${pos[0]}
BUILD_DIR=${pos[1]:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LUPE_INDEX=$BUILD_DIR/lupe-index
((PDFS <= DOCS)) || PDFS=$DOCS

for bin in "$LUPE_INDEX" "$BUILD_DIR/lupe-pdf-extract"; do
    if [[ ! -x $bin ]]; then
        echo "$0: missing $bin: build it first: cmake --build $BUILD_DIR --target lupe-index lupe-pdf-extract" >&2
        exit 2
    fi
done
[[ -x /usr/bin/time ]] || { echo "$0: /usr/bin/time (GNU time) is missing: apt-get install time" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is needed (make_reader_inputs.py)" >&2; exit 2; }
SRC=
for cand in "$DATA_DIR/news/reuters21578/docs.jsonl.gz" "$DATA_DIR/news/reuters21578/docs.jsonl"; do
    [[ -f $cand ]] && { SRC=$cand; break; }
done
[[ -n $SRC ]] || { echo "$0: $DATA_DIR/news/reuters21578/docs.jsonl[.gz] not found" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-readers.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log() { echo "readers.sh: $*" >&2; }
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }'; }
div() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (b > 0) printf f, a / b; else print "n/a" }'; }
status=0

# timed NAME OUT CMD...: CMD under /usr/bin/time -v, stdout to OUT, stderr to $TMP/NAME.err;
# sets T_RC, T_WALL (s), T_RSS (kB), T_CPU (percent).
timed() {
    local name=$1 out=$2
    shift 2
    T_RC=0
    sync
    /usr/bin/time -v -o "$TMP/$name.time" "$@" >"$out" 2>"$TMP/$name.err" || T_RC=$?
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                 n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
        "$TMP/$name.time")
    T_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/$name.time")
    T_CPU=$(awk -F': ' '/Percent of CPU/ {sub(/%/, "", $2); print $2}' "$TMP/$name.time")
}

ok_status() { ((T_RC == 0 || T_RC == 1)); }

# ---------------------------------------------------------------- inputs

log "writing $DOCS documents as JSONL, HTML pages and RSS feeds, $PDFS as PDFs"
mkdir -p "$TMP/in/jsonl" "$TMP/in/jsonl-pdf"
{ gzip -dcf "$SRC" || true; } | head -n "$DOCS" >"$TMP/in/jsonl/docs.jsonl"
head -n "$PDFS" "$TMP/in/jsonl/docs.jsonl" >"$TMP/in/jsonl-pdf/docs.jsonl"
DOCS=$(wc -l <"$TMP/in/jsonl/docs.jsonl")
gen_start=$EPOCHREALTIME
python3 "$SCRIPT_DIR/make_reader_inputs.py" "$TMP/in/jsonl/docs.jsonl" "$TMP/in" \
    --per-feed "$PER_FEED" --pdfs "$PDFS"
log "inputs written in $(awk -v a="$gen_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

KINDS=(jsonl html rss jsonl-pdf pdf)
declare -A LABEL=([jsonl]="JSONL" [html]="HTML pages" [rss]="RSS items ($PER_FEED a feed)"
    [jsonl-pdf]="JSONL (the PDFs' $PDFS docs)" [pdf]="PDF")
declare -A BASE=([jsonl]=jsonl [html]=jsonl [rss]=jsonl [jsonl-pdf]=jsonl-pdf [pdf]=jsonl-pdf)
declare -A FILES=() NDOCS=() DRY_S=() IDX_S=() IDX_RSS=() IDX_CPU=() BYTES=()

for kind in "${KINDS[@]}"; do
    input=$TMP/in/$kind
    FILES[$kind]=$(find "$input" -type f | wc -l)
    BYTES[$kind]=$(du -sb "$input" | cut -f1)

    log "$kind: reading alone (--dry-run --jsonl)"
    timed "$kind.dry" "$TMP/$kind.dry.jsonl" "$LUPE_INDEX" --dry-run --jsonl "$input"
    if ok_status; then
        DRY_S[$kind]=$T_WALL
        NDOCS[$kind]=$(wc -l <"$TMP/$kind.dry.jsonl")
    else
        log "$kind: dry run failed (exit $T_RC):"; tail -n 3 "$TMP/$kind.dry.err" >&2 || true
        status=1
    fi
    rm -f "$TMP/$kind.dry.jsonl"

    log "$kind: reading and indexing into a new index"
    timed "$kind.index" "$TMP/$kind.index.json" "$LUPE_INDEX" --json --index "$TMP/idx.$kind" "$input"
    if ok_status; then
        IDX_S[$kind]=$T_WALL IDX_RSS[$kind]=$T_RSS IDX_CPU[$kind]=$T_CPU
        indexed=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["documents_in_index"])' \
            <"$TMP/$kind.index.json")
        ((T_RC == 0)) || log "warning: $kind: lupe-index rejected some documents (exit 1)"
        if [[ -n ${NDOCS[$kind]:-} && $indexed != "${NDOCS[$kind]}" ]]; then
            log "warning: $kind: $indexed documents indexed, ${NDOCS[$kind]} extracted"
        fi
        NDOCS[$kind]=$indexed
        if ((indexed == 0)); then
            log "$kind: no documents indexed: the reader found nothing in $input"
            unset 'IDX_S[$kind]'
            status=1
        fi
    else
        log "$kind: indexing failed (exit $T_RC):"; tail -n 3 "$TMP/$kind.index.err" >&2 || true
        status=1
    fi
    rm -rf "$TMP/idx.$kind"
done

# ---------------------------------------------------------------- table

echo "## Reader throughput"
echo
echo "The first $DOCS documents of news/reuters21578 (the first $PDFS as PDFs), written by" \
    "bench/make_reader_inputs.py; wall time and peak RSS from \`/usr/bin/time -v\`; $(nproc) cores." \
    "**read**: \`lupe-index --dry-run --jsonl\` (walk, read, extract, write JSON; no index)." \
    "**index**: \`lupe-index --index NEW\` (read, analyse, index, commit)." \
    "**read share**: read s / index s, the part of an indexing run that reading takes." \
    "**vs JSONL**: index docs/s over the JSONL path's, on the same documents."
echo
echo "| input | files | MB | docs | read s | read docs/s | index s | index docs/s | vs JSONL | read share | peak RSS MB | CPU % |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for kind in "${KINDS[@]}"; do
    row="| ${LABEL[$kind]} | ${FILES[$kind]} | $(div "${BYTES[$kind]}" 1e6 '%.1f') | ${NDOCS[$kind]:-ERR} |"
    if [[ -n ${DRY_S[$kind]:-} ]]; then
        row+=" $(fmt "${DRY_S[$kind]}" '%.2f') | $(div "${NDOCS[$kind]}" "${DRY_S[$kind]}" '%.0f') |"
    else
        row+=" ERR | ERR |"
    fi
    if [[ -n ${IDX_S[$kind]:-} ]]; then
        row+=" $(fmt "${IDX_S[$kind]}" '%.2f') | $(div "${NDOCS[$kind]}" "${IDX_S[$kind]}" '%.0f') |"
        base=${BASE[$kind]}
        if [[ -n ${IDX_S[$base]:-} ]]; then
            # docs/s ratio on the same documents: the base's seconds over this one's, scaled
            # by the documents each indexed (a reader that drops documents is not faster).
            row+=" $(awk -v a="${NDOCS[$kind]}" -v sa="${IDX_S[$kind]}" -v b="${NDOCS[$base]}" -v sb="${IDX_S[$base]}" \
                'BEGIN { if (sa > 0 && b > 0 && sb > 0) printf "%.2f", (a / sa) / (b / sb); else print "n/a" }') |"
        else
            row+=" n/a |"
        fi
        if [[ -n ${DRY_S[$kind]:-} ]]; then
            row+=" $(awk -v a="${DRY_S[$kind]}" -v b="${IDX_S[$kind]}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }') |"
        else
            row+=" n/a |"
        fi
        row+=" $(div "${IDX_RSS[$kind]}" 1024 '%.0f') | ${IDX_CPU[$kind]} |"
    else
        row+=" ERR | ERR | ERR | ERR | ERR | ERR |"
    fi
    echo "$row"
done
echo

# ---------------------------------------------------------------- where the time goes

if [[ ${LUPE_BENCH_PERF:-0} == 1 ]]; then
    if command -v perf >/dev/null; then
        for kind in html rss; do
            echo "### Hot spots of reading: $kind (perf, self time, top 15)"
            echo
            echo '```'
            if perf record -q -g -o "$TMP/perf.$kind" "$LUPE_INDEX" --dry-run --jsonl "$TMP/in/$kind" \
                >/dev/null 2>"$TMP/perf.$kind.err"; then
                perf report -q -i "$TMP/perf.$kind" --no-children --stdio --percent-limit 1 \
                    -g none 2>/dev/null | grep -v '^$' | head -n 15 || true
            else
                echo "perf record failed: $(tail -n 1 "$TMP/perf.$kind.err")"
                status=1
            fi
            echo '```'
            echo
        done
    else
        log "LUPE_BENCH_PERF=1 but perf is not installed (apt-get install linux-perf): no profile"
    fi
fi
exit "$status"
