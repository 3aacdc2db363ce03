#!/usr/bin/env bash
# Incremental indexing against a full rebuild, in one run, on 20,000 documents of
# DATA_DIR/bench/gesetze-de: the time of a run that finds 1% of the documents changed,
# as a ratio of the time of a full run (target: at most 0.10).
#
#   bench/incremental.sh DATA_DIR [BUILD_DIR]
#
# Two shapes of input, as nightly jobs see them: a tree of 20,000 text files (200 of them
# rewritten), and one JSONL dump of 20,000 lines (200 lines changed, the file rewritten).
set -euo pipefail
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 DATA_DIR [BUILD_DIR]" >&2; exit 2; }
DATA_DIR=$1
BUILD_DIR=${2:-./build}
INDEX=$BUILD_DIR/lupe-index
[[ -x $INDEX ]] || { echo "$0: $INDEX missing; build first" >&2; exit 2; }
N=20000
CHANGED=$((N / 100))
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lupe-incremental.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

python3 - "$DATA_DIR/bench/gesetze-de/docs.jsonl.gz" "$N" "$TMP/docs.jsonl" "$TMP/tree" <<'PY'
import gzip, itertools, json, os, sys
data, n_docs, jsonl, tree = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with gzip.open(data, "rt", encoding="utf-8") as f:
    lines = list(itertools.islice(f, n_docs))
open(jsonl, "w", encoding="utf-8").writelines(lines)
for n, line in enumerate(lines):
    d = json.loads(line)
    path = os.path.join(tree, "%03d" % (n // 200), "%05d.txt" % n)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(d["title"] + "\n\n" + d["body"] + "\n")
PY

seconds() {  # command... -> wall seconds
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}

change_tree() {
    local i
    for ((i = 0; i < CHANGED; i++)); do
        f=$(printf '%s/tree/%03d/%05d.txt' "$TMP" $(((i * 100) / 200)) $((i * 100)))
        echo "Geändert in Lauf $1." >> "$f"
    done
}

change_jsonl() {
    python3 - "$TMP/docs.jsonl" "$CHANGED" "$1" <<'PY'
import json, sys
path, changed, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, encoding="utf-8").read().splitlines()
step = len(lines) // changed
for i in range(0, len(lines), step):
    d = json.loads(lines[i]); d["body"] += " Geändert in Lauf %s." % run
    lines[i] = json.dumps(d, ensure_ascii=False)
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
}

printf '| input | full run (s) | incremental, 1%% changed (s) | ratio |\n|---|---:|---:|---:|\n'
for shape in tree jsonl; do
    src=$TMP/tree
    [[ $shape == jsonl ]] && src=$TMP/docs.jsonl
    idx=$TMP/index-$shape
    "$INDEX" --quiet --index "$idx" "$src" > /dev/null           # initial build
    full=$(seconds "$INDEX" --quiet --full --index "$idx" "$src")
    if [[ $shape == tree ]]; then change_tree 1; else change_jsonl 1; fi
    inc=$(seconds "$INDEX" --quiet --index "$idx" "$src")
    printf '| %s, %d docs | %.2f | %.2f | %.3f |\n' "$shape" "$N" "$full" "$inc" \
        "$(python3 -c "print($inc / $full)")"
done
