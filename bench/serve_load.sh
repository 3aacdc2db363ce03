#!/usr/bin/env bash
# lupe-serve under load, on loopback, in one run (issue 16's load benchmark).
#
#   bench/serve_load.sh DATA_DIR [BUILD_DIR] [--quick]
#
# Index: DATA_DIR/news/reuters21578/docs.jsonl.gz, decompressed once and indexed with
# lupe-index into BUILD_DIR/bench/serve-load/ (reused by later runs while the input is older
# than the index; delete that folder to rebuild it). Queries: the xquad-r-en and cacm query
# files (DATA_DIR/relevance/{xquad-r-en,cacm}/queries.tsv, qid<TAB>lang<TAB>query), in that
# order, as /api/search?q=…&query_lang=… (the query file's language, as lupe-search --batch reads it) targets (url-encoded) cycled through by wrk
# (serve_load.lua; each wrk thread starts at its own offset).
#
#   a. baseline: lupe-search --batch over the same queries (--limit 10, as the API's default),
#      one warm-up run and one with --timings: per-query p50/p95/mean in ms (the search alone,
#      inside the process);
#   b. lupe-serve (BUILD_DIR/lupe-serve --index IDX --listen 127.0.0.1:0, default threads),
#      wrk -t2 -c64 -d60s --latency: requests/s, p50/p95/p99, non-2xx and socket errors;
#      lupe-serve's VmRSS/VmHWM (/proc/PID/status) before and after;
#   c. the same for 180 s while lupe-index --full publishes a new generation twice (from 5 s
#      on, one after the other; each must end inside the run): failed requests (non-2xx +
#      socket errors) must be 0, and /healthz's generation must have changed;
#   d. /api/suggest?q= with 1–4 letter prefixes of the query words: wrk -t1 -c4 (a few
#      people typing) and -t2 -c64, p50/p95;
#   e. the HTTP overhead and where the time goes: one client at a time (wrk -t1 -c1) on
#      /healthz (HTTP alone), /api/search with facets=0 and /api/search: p50/p95 and
#      lupe-serve's CPU ms per request (/proc/PID/stat), against lupe-search --batch's per
#      query time (a.).
# --quick: 10 s for b, 5 s for d and e, 120 s for c (a smoke run). Targets on the 2-core machine
# (issue 16): ≥ 2,000 searches/s and p95 ≤ 10 ms (b), 0 errors (b, c), suggest p95 ≤ 5 ms
# (d); each printed as met / not met. Tables on stdout, progress on stderr.
#
# Exit status: 0 when every step ran (targets missed or not), 1 when a step failed or
# requests failed, 2 on a usage error or missing tools. lupe-serve is stopped by pid at the
# end (trap), and its stderr (access log) is kept in TMP only while the script runs.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--quick]" >&2
    exit 2
}

QUICK=0
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --quick)
            QUICK=1
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
# c. runs long enough for two publishes of Reuters under load (40–100 s each here).
if ((QUICK)); then
    LOAD_S=10 SHORT_S=5 PUBLISH_S=120
else
    LOAD_S=60 SHORT_S=10 PUBLISH_S=180
fi
LUPE_INDEX=$BUILD_DIR/lupe-index
LUPE_SEARCH=$BUILD_DIR/lupe-search
LUPE_SERVE=$BUILD_DIR/lupe-serve
missing=()
for bin in "$LUPE_INDEX" "$LUPE_SEARCH" "$LUPE_SERVE"; do
    [[ -x $bin ]] || missing+=("$bin")
done
if ((${#missing[@]})); then
    echo "$0: missing binaries: ${missing[*]}" >&2
    echo "build them first: cmake -S . -B build && cmake --build build --target lupe-index lupe-search lupe-serve" >&2
    exit 2
fi
command -v wrk >/dev/null || { echo "$0: wrk is missing (apt-get install wrk)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is missing" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "$0: /usr/bin/time (GNU time) is missing: apt-get install time" >&2; exit 2; }
DOCS=$DATA_DIR/news/reuters21578/docs.jsonl.gz
QUERY_FILES=("$DATA_DIR/relevance/xquad-r-en/queries.tsv" "$DATA_DIR/relevance/cacm/queries.tsv")
for f in "$DOCS" "${QUERY_FILES[@]}"; do
    [[ -f $f ]] || { echo "$0: $f not found (DATA_DIR: see its README.md)" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-serve-load.XXXXXX")
SERVE_PID=
cleanup() {
    if [[ -n $SERVE_PID ]]; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
log() { echo "serve_load.sh: $*" >&2; }
status=0
SCRIPT_START=$EPOCHREALTIME
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
verdict() { if "$@"; then echo met; else echo "**not met**"; fi; }

# ---------------------------------------------------------------- index and queries

CACHE=$BUILD_DIR/bench/serve-load
INDEX=$CACHE/index
INPUT=$CACHE/reuters.jsonl
mkdir -p "$CACHE"
if [[ ! -s $INPUT || $DOCS -nt $INPUT ]]; then
    gzip -dc "$DOCS" >"$INPUT.tmp" && mv "$INPUT.tmp" "$INPUT"
fi
if [[ ! -d $INDEX || $INPUT -nt $INDEX ]]; then
    log "indexing Reuters into $INDEX"
    rm -rf "$INDEX"
    rc=0
    "$LUPE_INDEX" --quiet --index "$INDEX" "$INPUT" >/dev/null 2>"$TMP/index.err" || rc=$?
    if ((rc > 1)); then
        log "lupe-index failed (exit $rc):"
        tail -n 3 "$TMP/index.err" >&2
        exit 1
    fi
else
    log "reusing the index $INDEX"
fi
NDOCS=$(wc -l <"$INPUT")

# Query files with unique qids (x… and c…), non-blank lines only; the targets from them.
awk -F'\t' 'FNR == 1 { n++ } NF >= 3 && $3 ~ /[^[:space:]]/ {
        printf "%s%s\t%s\t%s\n", (n == 1 ? "x" : "c"), $1, $2, $3 }' \
    "${QUERY_FILES[@]}" >"$TMP/queries.tsv"
NQ=$(wc -l <"$TMP/queries.tsv")
python3 - "$TMP/queries.tsv" "$TMP/search.targets" "$TMP/suggest.targets" <<'EOF'
import re, sys, urllib.parse
queries, search_out, suggest_out = sys.argv[1:4]
prefixes = []
seen = set()
with open(queries, encoding="utf-8") as f, open(search_out, "w") as s:
    for line in f:
        _, lang, q = line.rstrip("\n").split("\t", 2)
        params = {"q": q}
        if lang:
            params["query_lang"] = lang
        s.write("/api/search?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote) + "\n")
        for word in re.findall(r"[^\W\d_]+", q.lower()):
            for n in range(1, min(4, len(word)) + 1):
                if word[:n] not in seen:
                    seen.add(word[:n])
                    prefixes.append(word[:n])
with open(suggest_out, "w") as s:
    for p in prefixes:
        s.write("/api/suggest?q=" + urllib.parse.quote(p) + "\n")
EOF
NSUGGEST=$(wc -l <"$TMP/suggest.targets")
log "$NDOCS documents, $NQ queries, $NSUGGEST suggest prefixes"

# ---------------------------------------------------------------- a. lupe-search --batch

log "a. lupe-search --batch (warm-up, then timed)"
batch_ok=1
for run in warm timed; do
    args=(--index "$INDEX" --limit 10 --batch "$TMP/queries.tsv")
    [[ $run == timed ]] && args+=(--timings "$TMP/batch.timings")
    rc=0
    /usr/bin/time -f '%U %S' -o "$TMP/batch.cpu" \
        "$LUPE_SEARCH" "${args[@]}" >/dev/null 2>"$TMP/batch.err" || rc=$?
    if ((rc > 1)); then
        log "lupe-search --batch failed (exit $rc):"
        tail -n 3 "$TMP/batch.err" >&2
        batch_ok=0 status=1
        break
    fi
done
B50=ERR B95=ERR BMEAN=ERR BCPU=ERR
if ((batch_ok)); then
    # CPU per query of the whole timed run (process start and opening the index included:
    # a few ms over 656 queries); unlike wall times it holds on a machine shared with others.
    BCPU=$(awk -v n="$NQ" '{ printf "%.2f", ($1 + $2) * 1000 / n }' "$TMP/batch.cpu")
    read -r B50 B95 BMEAN < <(cut -f2 "$TMP/batch.timings" | sort -g | awk '
        { m[NR] = $1; s += $1 }
        function rank(p) { r = int((p * NR + 99) / 100); return m[r < 1 ? 1 : r] }
        END { printf "%.3f %.3f %.3f\n", rank(50), rank(95), s / NR }')
fi

# ---------------------------------------------------------------- the server

rss() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.0f %.0f\n", r / 1024, h / 1024 }' "/proc/$SERVE_PID/status"; }

start_serve() {
    "$LUPE_SERVE" --index "$INDEX" --listen 127.0.0.1:0 2>"$TMP/serve.err" &
    SERVE_PID=$!
    local i
    for ((i = 0; i < 200; i++)); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.err" | head -n 1)
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.05
    done
    log "lupe-serve did not start:"
    tail -n 5 "$TMP/serve.err" >&2
    exit 1
}

# wrk_run TARGETS THREADS CONNECTIONS SECONDS: prints wrk_report.lua's line. wrk's own
# timeout (2 s by default) would count a slow answer as a socket error; with 10 s a slow
# server shows in the latencies, and a timeout is a request that really hung.
WRK_TIMEOUT=10
wrk_run() {
    LUPE_WRK_TARGETS=$1 LUPE_WRK_REPORT=$SCRIPT_DIR/wrk_report.lua \
        wrk -t"$2" -c"$3" -d"$4s" --timeout "${WRK_TIMEOUT}s" --latency -s "$SCRIPT_DIR/serve_load.lua" "http://127.0.0.1:$PORT" \
        2>&1 | grep '^WRK ' || echo "WRK failed"
}
failed() { echo $(($(kv non2xx "$1") + $(kv connect_errors "$1") + $(kv read_errors "$1") + $(kv write_errors "$1") + $(kv timeouts "$1"))); }
generation() { python3 - "$PORT" <<'EOF'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=10) as r:
        print(json.load(r).get("generation", "?"))
except Exception as e:
    print(f"error:{type(e).__name__}")
EOF
}

start_serve
log "lupe-serve (pid $SERVE_PID) on port $PORT; warm-up 3 s"
wrk_run "$TMP/search.targets" 2 16 3 >/dev/null
read -r RSS0 HWM0 < <(rss)

log "b. /api/search, 64 clients, ${LOAD_S}s"
WB=$(wrk_run "$TMP/search.targets" 2 64 "$LOAD_S")
read -r RSS1 HWM1 < <(rss)

log "c. /api/search, 64 clients, ${PUBLISH_S}s, lupe-index --full twice"
GEN0=$(generation)
# publish N: one lupe-index --full of the same input; writes "start end seconds exit" (s
# from the start of the wrk run) to $TMP/publishN.
publish() {
    local n=$1 t0 rc=0
    t0=$EPOCHREALTIME
    "$LUPE_INDEX" --quiet --full --index "$INDEX" "$INPUT" >/dev/null 2>"$TMP/publish$n.err" || rc=$?
    awk -v z="$C_START" -v a="$t0" -v b="$EPOCHREALTIME" -v rc="$rc" \
        'BEGIN { printf "%.1f %.1f %.1f %d\n", a - z, b - z, b - a, rc }' >"$TMP/publish$n"
}
C_START=$EPOCHREALTIME
(
    sleep 5
    publish 1
    sleep 2
    publish 2
) &
PUBLISHER=$!
WC=$(wrk_run "$TMP/search.targets" 2 64 "$PUBLISH_S")
wait "$PUBLISHER" || true
GEN1=$(generation)
read -r RSS2 HWM2 < <(rss)
PUB=""
PUB_INSIDE=yes
for n in 1 2; do
    if [[ -s $TMP/publish$n ]]; then
        read -r from to secs rc <"$TMP/publish$n"
        PUB+="publish $n: from ${from} s to ${to} s of the run (${secs} s), exit $rc; "
        ((rc <= 1)) || { status=1; PUB_INSIDE=no; tail -n 3 "$TMP/publish$n.err" >&2; }
        awk -v t="$to" -v d="$PUBLISH_S" 'BEGIN { exit !(t <= d) }' || PUB_INSIDE=no
    else
        PUB+="publish $n: did not finish; "
        PUB_INSIDE=no
        status=1
    fi
done

log "d. /api/suggest, 4 and 64 clients, ${SHORT_S}s each"
WD4=$(wrk_run "$TMP/suggest.targets" 1 4 "$SHORT_S")
WD64=$(wrk_run "$TMP/suggest.targets" 2 64 "$SHORT_S")

log "e. one client: /healthz, /api/search without and with facets, ${SHORT_S}s each"
sed 's/$/\&facets=0/' "$TMP/search.targets" >"$TMP/search-nofacets.targets"
echo /healthz >"$TMP/healthz.targets"
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"; }
declare -A WE=() CPU_MS=()
for what in healthz search-nofacets search; do
    t0=$(cpu_ticks)
    WE[$what]=$(wrk_run "$TMP/$what.targets" 1 1 "$SHORT_S")
    t1=$(cpu_ticks)
    CPU_MS[$what]=$(awk -v a="$t0" -v b="$t1" -v n="$(kv requests "${WE[$what]}")" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.2f", (b - a) * 1000 / hz / n; else print "n/a" }')
done
read -r RSS3 HWM3 < <(rss)

kill "$SERVE_PID"
serve_rc=0
wait "$SERVE_PID" || serve_rc=$?
SERVE_PID=
((serve_rc == 0)) || { log "lupe-serve exited with $serve_rc on SIGTERM"; status=1; }

# ---------------------------------------------------------------- tables

for w in "$WB" "$WC" "$WD4" "$WD64" "${WE[@]}"; do
    [[ $w != "WRK failed" ]] || status=1
done
row() {  # row LABEL WRKLINE: | label | req/s | p50 | p95 | p99 | non-2xx | socket errors | timeouts |
    local w=$2
    if [[ $w == "WRK failed" ]]; then
        echo "| $1 | ERR | ERR | ERR | ERR | ERR | ERR | ERR |"
        return
    fi
    echo "| $1 | $(kv rps "$w" | cut -d. -f1) | $(kv p50_ms "$w") | $(kv p95_ms "$w") | $(kv p99_ms "$w") | $(kv non2xx "$w") | $(($(failed "$w") - $(kv non2xx "$w") - $(kv timeouts "$w"))) | $(kv timeouts "$w") |"
}

echo "## lupe-serve under load"
echo
echo "Reuters-21578 ($NDOCS documents), $NQ queries (xquad-r-en then cacm, \`lang\` from the" \
    "query files), loopback, $(nproc) cores shared by server and client; lupe-serve with its" \
    "default threads and access log to a file. Latencies in ms as wrk measures them (request" \
    "sent to response read)."
echo
echo "| run | req/s | p50 | p95 | p99 | non-2xx | socket errors | timeouts (${WRK_TIMEOUT} s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
row "b. /api/search, 64 clients, ${LOAD_S} s" "$WB"
row "c. /api/search, 64 clients, ${PUBLISH_S} s, lupe-index --full twice" "$WC"
row "d. /api/suggest, 4 clients, ${SHORT_S} s" "$WD4"
row "d. /api/suggest, 64 clients, ${SHORT_S} s" "$WD64"
echo "| a. lupe-search --batch (per query, in process) | | $B50 | $B95 | | | | |"
echo
echo "RSS (VmRSS / VmHWM, MB): after start and a 3 s warm-up $RSS0 / $HWM0; after b $RSS1 / $HWM1;" \
    "after c $RSS2 / $HWM2; at the end $RSS3 / $HWM3.  "
echo "c.: $PUB/healthz generation $GEN0 before, $GEN1 after.  "
echo
echo "### Where the time goes (e.)"
echo
echo "One client at a time (\`wrk -t1 -c1 -d${SHORT_S}s\`), so no request waits for another;" \
    "**CPU ms/request**: lupe-serve's user+system CPU time (/proc/PID/stat) over the run" \
    "divided by the requests answered. The in-process row is lupe-search --batch's own time" \
    "per query (a.: the search alone, as --batch prints run lines: no snippets, no suggestion," \
    "no HTTP or JSON), and its CPU time" \
    "per query over the whole run (mean wall time per query: $BMEAN ms)."
echo
echo "| request | req/s | p50 ms | p95 ms | CPU ms/request |"
echo "|---|---:|---:|---:|---:|"
for what in healthz search-nofacets search; do
    case $what in
        healthz) label="/healthz (HTTP, routing, JSON, access log)" ;;
        search-nofacets) label="/api/search&facets=0" ;;
        search) label="/api/search (facets on, the default)" ;;
    esac
    w=${WE[$what]}
    if [[ $w == "WRK failed" ]]; then
        echo "| $label | ERR | ERR | ERR | ERR |"
    else
        echo "| $label | $(kv rps "$w" | cut -d. -f1) | $(kv p50_ms "$w") | $(kv p95_ms "$w") | ${CPU_MS[$what]} |"
    fi
done
echo "| lupe-search --batch, in process (a.) | | $B50 | $B95 | $BCPU |"
echo
if [[ ${WE[search-nofacets]} != "WRK failed" && $B50 != ERR ]]; then
    E50=$(kv p50_ms "${WE[search-nofacets]}")
    # The difference is more than HTTP: --batch prints run lines, so it makes no snippets
    # and no "did you mean"; /healthz's CPU is what HTTP, routing and the log cost.
    echo "lupe-serve over lupe-search --batch per search (facets off; HTTP, JSON, snippets and"\
        "the suggestion, which --batch's run lines do not need): p50 $E50 − $B50 ="\
        "$(awk -v a="$E50" -v b="$B50" 'BEGIN { printf "%.3f", a - b }') ms; CPU"\
        "${CPU_MS[search-nofacets]} − $BCPU ="\
        "$(awk -v a="${CPU_MS[search-nofacets]}" -v b="$BCPU" 'BEGIN { printf "%.2f", a - b }') ms, of"\
        "which HTTP (/healthz) ${CPU_MS[healthz]} ms."\
        "Facets add $(awk -v a="${CPU_MS[search]}" -v b="${CPU_MS[search-nofacets]}" 'BEGIN { printf "%.2f", a - b }') ms of CPU per search."
    echo
fi
echo "| target | measured | |"
echo "|---|---:|---|"
if [[ $WB != "WRK failed" ]]; then
    echo "| ≥ 2,000 searches/s (b) | $(kv rps "$WB" | cut -d. -f1) | $(verdict ge "$(kv rps "$WB")" 2000) |"
    echo "| search p95 ≤ 10 ms (b) | $(kv p95_ms "$WB") | $(verdict le "$(kv p95_ms "$WB")" 10) |"
    echo "| 0 failed requests (b) | $(failed "$WB") | $(verdict test "$(failed "$WB")" -eq 0) |"
fi
if [[ $WC != "WRK failed" ]]; then
    gen_changed=no
    [[ $GEN0 != "$GEN1" && $GEN1 != error:* ]] && gen_changed=yes
    echo "| 0 failed requests across two publishes (c) | $(failed "$WC") | $(verdict test "$(failed "$WC")" -eq 0) |"
    echo "| both publishes within the run (c) | $PUB_INSIDE | $(verdict test $PUB_INSIDE = yes) |"
    echo "| generation followed (c) | $gen_changed | $(verdict test $gen_changed = yes) |"
fi
if [[ $WD4 != "WRK failed" ]]; then
    echo "| suggest p95 ≤ 5 ms (d, 4 clients) | $(kv p95_ms "$WD4") | $(verdict le "$(kv p95_ms "$WD4")" 5) |"
fi
for w in "$WB" "$WC" "$WD4" "$WD64" "${WE[@]}"; do
    [[ $w == "WRK failed" ]] || (($(failed "$w") == 0)) || status=1
done
echo
echo "Script wall time: $(awk -v a="$SCRIPT_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s."
exit "$status"
