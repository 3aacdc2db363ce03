#!/usr/bin/env bash
# Query latency over shards against one combined index, in one run.
#
#   bench/shards.sh DATA_DIR [BUILD_DIR] [--docs N]
#
# The first N documents (default 50000) of DATA_DIR/bench/gesetze-de are indexed four ways:
# one combined index (lupe-index), and `lupe-index --shards 2` and `--shards 4` (local shards,
# searched through their shards.list); the two shards of the 2-shard index are also served
# by xapian-tcpsrv on 127.0.0.1 (free ports; stopped when the script ends) and searched
# through a list of two `remote` lines. 200 queries of 2-3 title words (bench/make_queries.sh,
# the queries of throughput.sh --scaling) run single-threaded with `lupe-search --batch
# --timings`, top 10: one warm-up run, then LUPE_BENCH_REPS (default 3) timed runs; per query
# the median, then p50/p95/p99 (nearest rank) and the ratios to the combined index. The
# same run also checks that every layout returns the same documents as the combined index
# (TREC run lines compared without scores' last digits).
#
# Exit status: 0 when everything ran, 1 when a step failed, 2 on a usage error or missing tools.
set -euo pipefail

usage() {
    echo "usage: $0 DATA_DIR [BUILD_DIR] [--docs N]" >&2
    exit 2
}
DOCS=50000
pos=()
while (($#)); do
    case $1 in
        -h | --help) usage ;;
        --docs)
            [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage
            DOCS=$2
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
DATA_DIR=${pos[0]}
BUILD_DIR=${pos[1]:-./build}  # read by common.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPS=${LUPE_BENCH_REPS:-3}
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "$0: LUPE_BENCH_REPS must be a positive integer" >&2; exit 2; }
QUERIES=200

# shellcheck source=bench/common.sh
source "$SCRIPT_DIR/common.sh"
# shellcheck source=bench/make_queries.sh
source "$SCRIPT_DIR/make_queries.sh"
command -v xapian-tcpsrv >/dev/null ||
    { echo "$0: xapian-tcpsrv is missing: apt-get install xapian-tools" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$0: python3 is needed" >&2; exit 2; }
src=
for cand in "$DATA_DIR/bench/gesetze-de/docs.jsonl.gz" "$DATA_DIR/bench/gesetze-de/docs.jsonl"; do
    [[ -f $cand ]] && { src=$cand; break; }
done
[[ -n $src ]] || { echo "$0: $DATA_DIR/bench/gesetze-de/docs.jsonl[.gz] not found" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-shards.XXXXXX")
SERVERS=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local pid
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
log() { echo "shards.sh: $*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# serve DIR: starts xapian-tcpsrv on a free port of 127.0.0.1; prints "remote 127.0.0.1:PORT".
serve() {
    local dir=$1 port i
    port=$(free_port)
    xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$dir" >/dev/null 2>"$TMP/srv-$port.err" &
    SERVERS+=("$!")
    for ((i = 0; i < 100; i++)); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null &&
            { echo "remote 127.0.0.1:$port"; return 0; }
        sleep 0.1
    done
    log "xapian-tcpsrv on port $port did not start: $(cat "$TMP/srv-$port.err")"
    return 1
}

log "preparing the first $DOCS documents of gesetze-de"
mkdir -p "$TMP/src"
{ gzip -dcf "$src" || true; } | head -n "$DOCS" >"$TMP/src/docs.jsonl"
ndocs=$(wc -l <"$TMP/src/docs.jsonl")
make_queries "$TMP/src/docs.jsonl" "$ndocs" "$QUERIES" >"$TMP/q.tsv"
nq=$(wc -l <"$TMP/q.tsv")

status=0
declare -A INDEX_S=()
build() {  # build NAME ARGS...: lupe-index into $TMP/NAME, timed
    local name=$1 t0 t1
    shift
    log "indexing: $name"
    t0=$EPOCHREALTIME
    "$LUPE_INDEX" --quiet --index "$TMP/$name" "$@" "$TMP/src" >/dev/null 2>"$TMP/$name.err" || {
        log "lupe-index $name failed: $(tail -n 2 "$TMP/$name.err")"
        status=1
        return 1
    }
    t1=$EPOCHREALTIME
    INDEX_S[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
build combined
build shards-2 --shards 2
build shards-4 --shards 4
{
    serve "$TMP/shards-2/shard-0"
    serve "$TMP/shards-2/shard-1"
} >"$TMP/remote-2.list" || status=1

# latency NAME INDEX: "p50 p95 p99" over the queries; also leaves the TREC run in $TMP/NAME.run.
latency() {
    local name=$1 index=$2 r
    "$LUPE_SEARCH" --index "$index" --limit 10 --batch "$TMP/q.tsv" >"$TMP/$name.run" 2>"$TMP/$name.search.err" || true
    for ((r = 1; r <= REPS; r++)); do
        "$LUPE_SEARCH" --index "$index" --limit 10 --batch "$TMP/q.tsv" \
            --timings "$TMP/$name.t$r" >/dev/null 2>>"$TMP/$name.search.err" || true
    done
    python3 - "$nq" "$TMP/$name".t* <<'PY'
import statistics, sys
nq = int(sys.argv[1])
runs = []
for path in sys.argv[2:]:
    with open(path) as f:
        runs.append({q: float(ms) for q, ms in (line.split("\t") for line in f if line.strip())})
if not runs or any(len(r) != nq for r in runs):
    print("ERR ERR ERR")
    sys.exit(0)
ms = sorted(statistics.median(r[q] for r in runs) for q in runs[0])
rank = lambda p: ms[max(0, -(-p * len(ms) // 100) - 1)]
print(f"{rank(50):.3f} {rank(95):.3f} {rank(99):.3f}")
PY
}

# Whether a run returned, for every query, the documents of the combined index's run with
# the same scores (within 1e-9 relative), apart from the members of a group of equal scores
# that the end of the page cuts (which members make the page is then arbitrary).
same_documents() {
    python3 - "$TMP/combined.run" "$TMP/$1.run" <<'PY'
import collections, sys
def load(path):
    runs = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            q, _, doc, _, score, _ = line.split()
            runs[q].append((doc, float(score)))
    return runs
a, b = load(sys.argv[1]), load(sys.argv[2])
def close(x, y):
    return abs(x - y) <= 1e-9 * max(1.0, abs(x))
for q in set(a) | set(b):
    ra, rb = a.get(q, []), b.get(q, [])
    if len(ra) != len(rb) or not all(close(x[1], y[1]) for x, y in zip(ra, rb)):
        sys.exit(1)
    cut = ra[-1][1] if len(ra) == 10 else None
    keep = lambda r: {d for d, s in r if cut is None or not close(s, cut)}
    if keep(ra) != keep(rb):
        sys.exit(1)
PY
}

echo "## Query latency over shards"
echo
echo "First $ndocs documents of gesetze-de, $nq queries (2-3 title words, as in" \
    "\`throughput.sh --scaling\`), top 10, single thread; per query the median of $REPS timed" \
    "runs after a warm-up run; ms. Remote shards: xapian-tcpsrv on 127.0.0.1. $(nproc) cores."
echo
echo "| layout | index s | p50 | p95 | p99 | p50 / combined | p95 / combined | same documents as combined |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
read -r c50 c95 c99 < <(latency combined "$TMP/combined")
for layout in combined shards-2 shards-4 remote-2; do
    case $layout in
        combined) idx=$TMP/combined; label="one index"; secs=${INDEX_S[combined]:-ERR} ;;
        shards-2) idx=$TMP/shards-2; label="2 local shards"; secs=${INDEX_S[shards-2]:-ERR} ;;
        shards-4) idx=$TMP/shards-4; label="4 local shards"; secs=${INDEX_S[shards-4]:-ERR} ;;
        remote-2) idx=$TMP/remote-2.list; label="2 remote shards (loopback)"; secs="(as 2 local)" ;;
    esac
    if [[ $layout == combined ]]; then
        p50=$c50 p95=$c95 p99=$c99
    else
        read -r p50 p95 p99 < <(latency "$layout" "$idx")
    fi
    same=yes
    [[ $layout == combined ]] && same="-"
    if [[ $layout != combined ]] && ! same_documents "$layout"; then same=NO; status=1; fi
    [[ $p50 == ERR ]] && status=1
    r50=$(awk -v a="$p50" -v b="$c50" 'BEGIN { if (b > 0 && a != "ERR") printf "%.2f", a / b; else print "n/a" }')
    r95=$(awk -v a="$p95" -v b="$c95" 'BEGIN { if (b > 0 && a != "ERR") printf "%.2f", a / b; else print "n/a" }')
    echo "| $label | $secs | $p50 | $p95 | $p99 | $r50 | $r95 | $same |"
done
exit "$status"
