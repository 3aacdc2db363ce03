#!/usr/bin/env bash
# Installs what lupe needs to build and test, from Debian's packages, if it is missing.
# Runs as root, or through sudo when started by another user. Idempotent: a machine that
# has everything is left alone (no apt-get update, no network).
set -euo pipefail

packages=(
  cmake g++ make pkg-config   # toolchain: CMake 3.25 and g++ 12 on Debian 12
  libxapian-dev xapian-tools  # index and search; xapian-check for damaged indexes
  libcld2-dev                 # language detection
  libcli11-dev                # command lines
  nlohmann-json3-dev          # JSON in and out
  zlib1g-dev                  # .jsonl.gz input, stored snippet text
  libxml2-dev                 # HTML pages and RSS/Atom feeds
  libpoppler-cpp-dev          # PDF text (lupe-pdf-extract)
  libmicrohttpd-dev           # HTTP server of lupe-serve
  chromium chromium-driver    # tests: the search page in a real headless browser (WebDriver)
  curl                        # tests: the feed recipe (contrib/feeds/lupe-fetch-feeds)
  libmimalloc-dev             # allocator of lupe-index (faster parallel indexing)
  wngerman                    # German word list for compound splitting
  wamerican                   # English word list: real words are not "corrected" (spelling)
  doctest-dev                 # tests
  man-db                      # tests: the man pages render with man -l (brings groff-base)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
