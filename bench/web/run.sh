#!/usr/bin/env bash
# bench/web: wrk on loopback against /api/search with facets, on a synthetic corpus.
#   bench/web/run.sh BUILD_DIR [SECTIONS...]      (default: 10000)
# BUILD_DIR holds policyindex and web_fixture, built with -DCMAKE_BUILD_TYPE=Release.
# Each size: write DOCS x 20 (or 50) sections over every Massachusetts municipality as catalog
# rows, `policyindex index`, `policyindex serve --port 0 --threads 2`, then wrk -t1 -c32 -d15s --latency
# (one wrk thread: wrk shares the two cores with the server). Also prints the load average and
# the server's CPU time per request (utime+stime from /proc over the wrk run / requests), which
# depends much less than requests/s on what else the machine is doing.
set -euo pipefail
build="$(cd "${1:?usage: run.sh BUILD_DIR [SECTIONS...]}" && pwd)"
shift
sizes=("${@:-10000}")
here="$(cd "$(dirname "$0")" && pwd)"
out="${BENCH_OUT:-$here/../out/web}"
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh)"; exit 1; }

for n in "${sizes[@]}"; do
  per=20
  [ "$n" -ge 100000 ] && per=50
  docs=$(( n / per ))
  data="$out/data-$n"
  if [ ! -f "$data/.built" ]; then
    rm -rf "$data"
    echo "== $n sections: $docs documents x $per sections"
    /usr/bin/time -f "fixture: %e s, %M KB" "$build/web_fixture" random "$data" "$docs" "$per"
    touch "$data/.built"
  fi
  # The index is rebuilt whenever the binary is newer than it (an index written by an older
  # binary may hold an older record format: still read, but slower to read), unless
  # BENCH_KEEP_INDEX=1.
  if [ ! -f "$data/.indexed" ] || { [ "${BENCH_KEEP_INDEX:-0}" != 1 ] && [ "$build/policyindex" -nt "$data/.indexed" ]; }; then
    /usr/bin/time -f "index: %e s, %M KB" "$build/policyindex" --data "$data" --quiet index --rebuild
    touch "$data/.indexed"
  fi
  # Three ways, ENTRIES:MB: without the response cache (every request runs the search and
  # counts every facet) with the default record cache (decoded hits in memory) and without
  # it (every hit read from the index), and with the response cache (the same eight searches
  # asked over and over).
  for config in ${BENCH_CONFIGS:-0:64 0:0 4096:64}; do
    cache=${config%%:*}
    records=${config##*:}
    log="$out/serve-$n-$cache-$records.log"
    "$build/policyindex" --data "$data" serve --port 0 --threads 2 --cache-entries "$cache" \
      --record-cache-mb "$records" > "$log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    for _ in $(seq 50); do grep -q 'http://' "$log" && break; sleep 0.1; done
    url="$(grep -o 'http://[0-9.:]*' "$log" | head -1)"
    curl -s -o /dev/null -w "warm-up search: %{http_code} in %{time_total} s\n" "$url/api/search?q=officer&limit=1"
    # Warm-up: each search once in turn (fills the cache when it is on, without 32 clients
    # computing the same slow answer at once), then 5 s of wrk.
    for p in $(grep -o '"/api[^"]*"' "$here/queries.lua" | tr -d '"'); do curl -s -o /dev/null "$url$p"; done
    wrk -t1 -c32 -d5s -s "$here/queries.lua" "$url" > /dev/null
    echo "== wrk: $n sections, cache entries $cache, record cache $records MB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    wrk -t1 -c32 -d15s --timeout 10s --latency -s "$here/queries.lua" "$url" | tee "$out/wrk-$n-cache$cache-records$records.txt"
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    requests=$(awk '/requests in/{print $1}' "$out/wrk-$n-cache$cache-records$records.txt")
    awk -v t=$((u1 + s1 - u0 - s0)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "server CPU per request: %.3f ms (user+sys over %d requests)\n", t * 1000 / hz / n, n }' |
      tee -a "$out/wrk-$n-cache$cache-records$records.txt"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    trap - EXIT
  done
done
