# Shared by the bench scripts (sourced, not run): the tools they need, checked once.
# Expects BUILD_DIR; sets LUPE_INDEX, LUPE_SEARCH, BASELINE, or exits 2 naming what is missing.
LUPE_INDEX=$BUILD_DIR/lupe-index
LUPE_SEARCH=$BUILD_DIR/lupe-search
BASELINE=$BUILD_DIR/bench/xapian-baseline

missing=()
for bin in "$LUPE_INDEX" "$LUPE_SEARCH" "$BASELINE"; do
    [[ -x $bin ]] || missing+=("$bin")
done
if ((${#missing[@]})); then
    echo "$0: missing binaries: ${missing[*]}" >&2
    echo "build them first (from the top of the source tree):" >&2
    echo "  cmake -S . -B build -DLUPE_BUILD_BENCH=ON && cmake --build build" >&2
    echo "or pass the build directory as the second argument" >&2
    exit 2
fi
