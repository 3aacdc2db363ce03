# shellcheck shell=bash disable=SC2034  # status belongs to the sourcing script
# Shared by the relevance scripts (sourced, not run): a step with its output kept, and a
# corpus's language. Expects the caller's log() and its status variable.

# Runs a command with stdout to $1 and stderr to $2; on failure shows the stderr tail and
# sets status=1.
run_step() {
    local out=$1 err=$2
    shift 2
    local rc=0
    "$@" >"$out" 2>"$err" || rc=$?
    if ((rc == 0)); then
        return 0
    fi
    log "FAILED (exit $rc): $*"
    tail -n 5 "$err" | sed 's/^/    /' >&2
    status=1
    return 1
}

# The most common "lang" of a docs file (plain or gzip); "en" for documents without one.
corpus_lang() {
    python3 - "$1" <<'PY'
import collections, gzip, json, sys
path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
langs = collections.Counter()
with opener(path, "rt", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            langs[json.loads(line).get("lang") or "en"] += 1
print(langs.most_common(1)[0][0] if langs else "en")
PY
}
