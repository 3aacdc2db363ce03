#!/usr/bin/env bash
# Start-up cost: the wall time of one whole lupe-search process answering one query, on an
# index with German documents against the same query on an English-only index, and the
# time lupe-serve takes to be ready (issue 17, item 1).
#
#   bench/startup.sh [BUILD_DIR] [--before OLD_BUILD_DIR] [--runs N] [--corpus DIR]
#
# 1. Two indexes are built in a temporary directory with BUILD_DIR/lupe-index: "mixed", all
#    of the corpus (default: the repository's corpus/, English and German), and
#    "english", only the corpus's English documents (lupe-index --dry-run --jsonl, the
#    documents whose detected or given lang is "en", indexed from that JSONL).
# 2. For each query, the median wall time (bash's EPOCHREALTIME around the whole process:
#    fork, exec, dynamic linking, opening the index, the search, the output) of N runs
#    (default 20, after one warm-up run) of `lupe-search --index IDX QUERY` on each index,
#    and their ratio mixed/english. With --before, the same on the mixed index with
#    OLD_BUILD_DIR/lupe-search (e.g. lupe 0.5.0, which parses the German word list in every
#    process). The first row is /bin/true: what starting any process costs on this machine.
# 3. lupe-serve (BUILD_DIR/lupe-serve, when built) on the mixed index, N runs: from the
#    spawn to its "listening" line, and to the answer of a first /api/search.
#
# Targets (issue 17): mixed ≤ 15 ms and ≤ 1.5 × english per query; lupe-serve ready ≤ 100
# ms. Tables go to stdout, progress to stderr. Exit 2 on a usage error or missing tools.
set -euo pipefail

usage() {
    echo "usage: $0 [BUILD_DIR] [--before OLD_BUILD_DIR] [--runs N] [--corpus DIR]" >&2
    exit 2
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=./build
BEFORE=
RUNS=20
CORPUS=$SCRIPT_DIR/../corpus
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --before) [[ $# -ge 2 ]] || usage; BEFORE=$2; shift 2 ;;
        --runs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; RUNS=$2; shift 2 ;;
        --corpus) [[ $# -ge 2 ]] || usage; CORPUS=$2; shift 2 ;;
        -*) usage ;;
        *) pos+=("$1"); shift ;;
    esac
done
((${#pos[@]} <= 1)) || usage
[[ ${#pos[@]} -eq 1 ]] && BUILD_DIR=${pos[0]}
for bin in "$BUILD_DIR/lupe-index" "$BUILD_DIR/lupe-search"; do
    [[ -x $bin ]] || { echo "$0: $bin is missing: build lupe first (README)" >&2; exit 2; }
done
if [[ -n $BEFORE && ! -x $BEFORE/lupe-search ]]; then
    echo "$0: $BEFORE/lupe-search is missing" >&2
    exit 2
fi
[[ -d $CORPUS ]] || { echo "$0: $CORPUS is not a directory" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is needed" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-startup.XXXXXX")
SERVE_PID=
cleanup() {
    if [[ -n $SERVE_PID ]]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
log() { echo "startup.sh: $*" >&2; }

log "indexing $CORPUS (mixed) and its English documents (english)"
"$BUILD_DIR/lupe-index" --quiet --index "$TMP/mixed" "$CORPUS" >&2
mkdir -p "$TMP/english-src"
"$BUILD_DIR/lupe-index" --dry-run --jsonl "$CORPUS" 2>/dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    if json.loads(line).get("lang") == "en":
        sys.stdout.write(line)' >"$TMP/english-src/docs.jsonl"
"$BUILD_DIR/lupe-index" --quiet --index "$TMP/english" "$TMP/english-src" >&2
log "mixed: $(ls "$TMP/mixed"/gen-*/ | tr "\n" " ")"

# median_ms CMD...: the median wall milliseconds of RUNS runs of CMD, after one warm-up run.
median_ms() {
    local i t0 t1 vals=()
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        vals+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
    done
    printf '%s\n' "${vals[@]}" | sort -g | awk '{ a[NR] = $1 } END {
        if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

QUERIES=("Huawei Ascend training" "Drohne Rundumsicht" "Drohnen" "Sicht" "Muenchen" "weather")

echo "## One lupe-search process, one query (median wall ms of $RUNS runs)"
echo
header="| query | mixed index | English-only index | mixed / English |"
rule="|---|---:|---:|---:|"
if [[ -n $BEFORE ]]; then
    header+=" before ($BEFORE), mixed | before / now |"
    rule+="---:|---:|"
fi
echo "$header"
echo "$rule"
true_ms=$(median_ms /bin/true)
echo "| (/bin/true: starting any process) | $true_ms | | |$([[ -n $BEFORE ]] && echo " | |")"
for q in "${QUERIES[@]}"; do
    read -r -a words <<<"$q"
    mixed=$(median_ms "$BUILD_DIR/lupe-search" --index "$TMP/mixed" -- "${words[@]}")
    english=$(median_ms "$BUILD_DIR/lupe-search" --index "$TMP/english" -- "${words[@]}")
    row="| $q | $mixed | $english | $(ratio "$mixed" "$english") |"
    if [[ -n $BEFORE ]]; then
        before=$(median_ms "$BEFORE/lupe-search" --index "$TMP/mixed" -- "${words[@]}")
        row+=" $before | $(ratio "$before" "$mixed") |"
    fi
    echo "$row"
done
echo

if [[ ! -x $BUILD_DIR/lupe-serve ]]; then
    log "no $BUILD_DIR/lupe-serve: the lupe-serve start-up is not measured"
    exit 0
fi
echo "## lupe-serve ready (median ms of $RUNS starts, from the spawn)"
echo
echo "| index | to its \"listening\" line | to the answer of a first /api/search |"
echo "|---|---:|---:|"
python3 - "$BUILD_DIR/lupe-serve" "$TMP/mixed" "$RUNS" <<'EOF'
import http.client, statistics, subprocess, sys, time
serve, index, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
listening, answered = [], []
for _ in range(runs + 1):
    t0 = time.perf_counter()
    p = subprocess.Popen([serve, "--index", index, "--listen", "127.0.0.1:0", "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in p.stderr:
            if "listening on http://" in line:
                port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
                break
        t1 = time.perf_counter()
        if port is None:
            sys.exit("lupe-serve did not start")
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/api/search?q=Drohne%20Rundumsicht")
        r = c.getresponse()
        r.read()
        t2 = time.perf_counter()
        if r.status != 200:
            sys.exit(f"/api/search answered {r.status}")
        listening.append((t1 - t0) * 1000)
        answered.append((t2 - t0) * 1000)
    finally:
        p.terminate()
        p.wait()
print(f"| mixed | {statistics.median(listening[1:]):.1f} | {statistics.median(answered[1:]):.1f} |")
EOF
