#!/usr/bin/env bash
# bench/map: the statewide map page (/map) on loopback: its size with everything it loads,
# time to first byte (curl) and DOMContentLoaded / load in Debian's chromium (playwright-core
# of tests/browser), cold cache, at 375 px and 1280 px.
#   bench/map/run.sh BUILD_DIR [DOCUMENTS]        (default: 300 documents x 20 sections)
# BUILD_DIR holds policyindex and web_fixture (any build type; Release for the figures).
# The corpus: web_fixture random over every Massachusetts municipality, so the map has towns
# in several states. The server is stopped at the end.
set -euo pipefail
build="$(cd "${1:?usage: run.sh BUILD_DIR [DOCUMENTS]}" && pwd)"
docs="${2:-300}"
here="$(cd "$(dirname "$0")" && pwd)"
out="${BENCH_OUT:-$here/../out/map}"
mkdir -p "$out"
data="$out/data-$docs"
if [ ! -f "$data/.built" ]; then
  rm -rf "$data"
  "$build/web_fixture" random "$data" "$docs" 20 > /dev/null
  "$build/policyindex" --data "$data" --quiet index --rebuild
  touch "$data/.built"
fi
log="$out/serve.log"
# --cache-entries 0: every request builds the page (the matrix, the SVG, the table).
"$build/policyindex" --data "$data" serve --port 0 --threads 2 --cache-entries 0 > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q 'http://' "$log" && break; sleep 0.1; done
url="$(grep -o 'http://[0-9.:]*' "$log" | head -1)"
[ -n "$url" ] || { echo "serve printed no URL: $(cat "$log")"; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for target in "/map" "/map?q=Q3"; do
  curl -s -o "$out/page.html" "$url$target"
  page=$(stat -c %s "$out/page.html")
  assets=0
  for a in $(grep -o '/assets/[a-z.]*?v=[0-9a-f]*' "$out/page.html" | sort -u); do
    assets=$(( assets + $(curl -s "$url$a" | wc -c) ))
  done
  # Time to first byte and total, 20 requests: median and max.
  times=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' "$url$target"; done)
  ttfb=$(echo "$times" | awk '{print $1*1000}' | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, max %.1f ms", a[int((NR+1)/2)], a[NR]}')
  echo "$target: page $page bytes + assets $assets bytes = $(( page + assets )) bytes; first byte $ttfb"
done
node "$here/measure.mjs" "$url/map"
