#!/usr/bin/env bash
# The whole test suite, twice: the README's test command (and CI's, .ci/run).
#   1. a Release build (what users run), ctest;
#   2. the same sources built with AddressSanitizer, LeakSanitizer and UBSan
#      (LUPE_SANITIZE=address,undefined, at -O1 as the sanitizers' authors advise), ctest:
#      any out-of-bounds access, use after free, leak or undefined behaviour in the library,
#      lupe-index, lupe-search or a test fails the test that caused it.
# Installs missing Debian packages first (contrib/install-deps.sh). Build folders: build/
# and build-sanitize/. Both builds turn compiler warnings in lupe's own code into errors
# (LUPE_WERROR=ON) and compile lupe's libraries as unity builds (LUPE_UNITY_BUILD=ON: a
# build from scratch, twice, is where that pays); further arguments are passed to both
# configure steps. CI (.ci/run) runs
# this script exactly. About 17 minutes on 2 cores (16 min 36 s measured from a fresh clone after issue 16),
# mostly compiling.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

contrib/install-deps.sh

echo "== check: Release build and tests" >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLUPE_WERROR=ON -DLUPE_UNITY_BUILD=ON "$@"
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== check: sanitizer build (address,undefined) and tests" >&2
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DLUPE_SANITIZE=address,undefined -DLUPE_BUILD_BENCH=OFF -DLUPE_BUILD_EXAMPLES=OFF \
  -DLUPE_WERROR=ON -DLUPE_UNITY_BUILD=ON "$@"
cmake --build build-sanitize -j"$jobs"
# Exit statuses no test expects, so that a finding in a child process (lupe-index,
# lupe-search) cannot pass for an ordinary failure exit.
ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0" \
UBSAN_OPTIONS="print_stacktrace=1:exitcode=87" \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs"
echo "== check: all passed" >&2
