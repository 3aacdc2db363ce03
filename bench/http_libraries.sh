#!/usr/bin/env bash
# The choice of lupe-serve's HTTP library: libmicrohttpd, civetweb and cpp-httplib serving the
# same tiny /search (bench/http_libraries.cpp: ~2 KB of JSON after ~0.3 ms of CPU), measured in
# one run on loopback.
#
#   bench/http_libraries.sh [BUILD_DIR] [--threads N] [--duration S]
#
# For each library, one fresh server process (N request threads, default 2; connections idle
# for 15 s are closed where the library can), then in turn:
#   1. load: wrk -t2 -c64 -dS --latency (S default 10) on GET /search: requests/s,
#      p50/p95/p99 (wrk_report.lua), errors (non-2xx, socket errors, timeouts);
#   2. fairness: 64 keep-alive clients in turn for 5 s (http_libraries.py fairness): how
#      many got an answer at all (a thread-per-connection server serves N and starves the
#      rest, which wrk's latencies do not show: they count answered requests only);
#   2b. a 20 KB request target and a header flood (2,000 headers, ~100 KB): the status;
#   3. 1,000 connections opened and left idle, and a fresh GET /search during that: its
#      status and seconds (at once, after the idle timeout, or never = nothing in 40 s), and
#      when the server closed the first idle connection;
#   4. a slowloris client (one byte of an endless header a second): when the server cut it;
#   5. whether GET /search still answers 200 afterwards.
# One Markdown table on stdout, progress on stderr. BUILD_DIR (default ./build) must hold
# bench/http-libraries (cmake -DLUPE_BUILD_BENCH=ON; needs libmicrohttpd-dev,
# libcivetweb-dev, libcpp-httplib-dev). Exit status 0, 1 when a server did not start, 2 on a
# usage error or missing tools.
set -euo pipefail

usage() {
    echo "usage: $0 [BUILD_DIR] [--threads N] [--duration S]" >&2
    exit 2
}

THREADS=2
DURATION=10
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --threads)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage
            THREADS=$2
            shift 2
            ;;
        --duration)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage
            DURATION=$2
            shift 2
            ;;
        -*) usage ;;
        *)
            pos+=("$1")
            shift
            ;;
    esac
done
((${#pos[@]} <= 1)) || usage
BUILD_DIR=${pos[0]:-./build}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$BUILD_DIR/bench/http-libraries
PROBE=(python3 "$SCRIPT_DIR/http_libraries.py")
if [[ ! -x $BIN ]]; then
    echo "$0: $BIN is missing; build it with" >&2
    echo "  cmake -S . -B build -DLUPE_BUILD_BENCH=ON && cmake --build build --target http-libraries" >&2
    exit 2
fi
command -v wrk >/dev/null || { echo "$0: wrk is missing (apt-get install wrk)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is missing" >&2; exit 2; }
# 1,000 idle client sockets and as many on the server side.
ulimit -n 4096 2>/dev/null || true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-http-libraries.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
log() { echo "http_libraries.sh: $*" >&2; }
status=0

# kv KEY LINE: the value of KEY=VALUE in LINE.
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# start LIB: starts the server, sets SERVER_PID and PORT; fails when no port shows in 5 s.
start() {
    "$BIN" "$1" --threads "$THREADS" 2>"$TMP/$1.err" &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/$1.err")
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}

stop() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

declare -A ROW
for lib in mhd civetweb httplib; do
    case $lib in
        mhd) label="libmicrohttpd 0.9.75 (epoll thread + workers)" ;;
        civetweb) label="civetweb 1.15 (thread per connection)" ;;
        httplib) label="cpp-httplib 0.11.4 (thread pool per connection)" ;;
    esac
    if ! start "$lib"; then
        log "$lib did not start:"
        tail -n 3 "$TMP/$lib.err" >&2 || true
        ROW[$lib]="| $label | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR | ERR |"
        status=1
        stop
        continue
    fi
    log "$lib on port $PORT: wrk ${DURATION}s"
    w=$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "$SCRIPT_DIR/wrk_report.lua" \
        "http://127.0.0.1:$PORT/search" 2>&1 | grep '^WRK ' || true)
    if [[ -n $w ]]; then
        errors=$(($(kv non2xx "$w") + $(kv connect_errors "$w") + $(kv read_errors "$w") +
            $(kv write_errors "$w") + $(kv timeouts "$w")))
        load="$(kv rps "$w" | cut -d. -f1) | $(kv p50_ms "$w") | $(kv p95_ms "$w") | $(kv p99_ms "$w") | $errors"
    else
        load="ERR | ERR | ERR | ERR | ERR"
        status=1
    fi
    log "$lib: fairness, 64 clients for 5 s"
    fair=$("${PROBE[@]}" fairness "$PORT" 64 5)
    sleep 1
    log "$lib: long target, header flood"
    lt=$("${PROBE[@]}" long-target "$PORT")
    hf=$("${PROBE[@]}" header-flood "$PORT")
    log "$lib: 1,000 idle connections (up to 40 s)"
    idle=$("${PROBE[@]}" idle "$PORT" 1000)
    sleep 1
    log "$lib: slowloris (up to 40 s)"
    slow=$("${PROBE[@]}" slowloris "$PORT")
    after=$(python3 - "$PORT" <<'EOF'
import sys, urllib.request
try:
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/search", timeout=20).status)
except Exception as e:
    print(type(e).__name__)
EOF
)
    fresh=$(kv fresh_status "$idle")
    [[ $fresh == timeout ]] && fresh="never (none in 40 s)" || fresh="$fresh in $(kv fresh_seconds "$idle") s"
    opened="$(kv opened "$idle")"
    (($(kv not_opened "$idle") > 0)) && opened+=" ($(kv not_opened "$idle") not connected in 5 s)"
    ROW[$lib]="| $label | $load | $(kv served "$fair") of 64 (min $(kv min "$fair"), max $(kv max "$fair")) | $opened | $fresh | $(kv idle_closed_after "$idle") | $(kv cut_after "$slow") ($(kv status "$slow")) | $(kv status "$lt") | $(kv status "$hf") | $after |"
    stop
done

echo "## HTTP libraries under load and hostile clients"
echo
echo "The same tiny server (\`bench/http_libraries.cpp\`: GET /search → ~2 KB of JSON after" \
    "~0.3 ms of CPU) on each library, $THREADS request threads, connections idle for 15 s" \
    "closed where the library can; loopback, $(nproc) cores, client and server on the same" \
    "machine. **load**: \`wrk -t2 -c64 -d${DURATION}s\`; errors = non-2xx + socket errors +" \
    "timeouts; wrk's latencies count only the requests answered. **served**: 64 keep-alive" \
    "clients sending GET /search one after another for 5 s, how many got any answer (and" \
    "the fewest and most answers one got). **idle**: 1,000 connections opened and left idle, then a fresh GET /search" \
    "(its status and wait), and when the server closed the first idle connection (s after" \
    "opening; never = not within 40 s). **slowloris**: one header byte a second, seconds" \
    "until the server cut it (status sent, none = closed silently). **20 KB target** and" \
    "**header flood** (2,000 headers, ~100 KB): the status (none = closed without one)." \
    "**after**: GET /search at the end."
echo
echo "| library | req/s | p50 ms | p95 ms | p99 ms | errors | served | idle connected | fresh GET during idle | idle closed after s | slowloris cut after s | 20 KB target | header flood | after |"
echo "|---|---:|---:|---:|---:|---:|---|---:|---|---:|---|---|---|---|"
for lib in mhd civetweb httplib; do echo "${ROW[$lib]}"; done
exit "$status"
