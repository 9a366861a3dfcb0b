#!/usr/bin/env bash
# Crawl benchmark: 5,000 documents (mixed HTML and PDF, 5-500 KB) across 50 loopback hosts
# served by nginx, politeness off. Compares `policyindex crawl` (every response stored
# durably: blobs + catalog) with `curl --parallel --parallel-max 16` (plain files),
# `wget2 -r --max-threads=16`, and nginx's own ceiling under wrk.
#
# Usage: bench/crawl/run.sh [BUILD_DIR]   (default: build-release, built here if missing)
# Needs root or sudo for apt-get (wget2, wrk, hyperfine are installed here, not in
# scripts/install-deps.sh: only the benchmark uses them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-release}
work=${BENCH_DIR:-/tmp/pi-bench-crawl}
hosts=${HOSTS:-50}
per_host=${DOCS_PER_HOST:-100}
port=${PORT:-18181}

need=()
for t in wget2 wrk hyperfine; do command -v $t >/dev/null || need+=($t); done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -x "$build/policyindex" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPI_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target policyindex >/dev/null
fi

# Nothing is deleted before or between the measured runs: on ext4 (without a journal, as
# here) a file created within a minute or so of many deletions in its block group pays for
# a scan past every recently deleted inode (~0.1 ms per create for 5,000 deletions), which
# would charge whichever tool runs first with the previous run's `rm -rf`. The last
# benchmark's directory is moved aside and deleted at the end; each round writes into
# fresh directories (r1, r2, r3).
trash="$work.trash.$$"
[ -d "$work" ] && mv "$work" "$trash"
"$here/make_site.sh" "$work" "$hosts" "$per_host" "$port"
nginx -c "$work/nginx.conf" -p "$work/" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true; rm -rf "$trash"' EXIT
sleep 1

seeds=(); urls=()
for ((h = 0; h < hosts; h++)); do seeds+=(--seed "http://127.0.0.$((10 + h)):$port/"); done
: > "$work/curl.cfg"
for ((h = 0; h < hosts; h++)); do
  base="http://127.0.0.$((10 + h)):$port"
  for f in "$work/www/h$h"/*; do
    n=$(basename "$f")
    echo "url = \"$base/$n\"" >> "$work/curl.cfg"
    echo "output = \"CURL_OUT/h$h-$n\"" >> "$work/curl.cfg"
  done
done
n_urls=$(grep -c '^url' "$work/curl.cfg")

measure() {  # name, command...
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  # Warm nginx's page cache the same way for every tool.
  cat "$work"/www/*/* > /dev/null
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "$name failed:"; tail -5 "$work/$name.err"; }
  local wall user sys rss
  wall=$(grep 'Elapsed (wall' "$work/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(grep 'User time' "$work/$name.time" | awk '{print $NF}')
  sys=$(grep 'System time' "$work/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$work/$name.time" | awk '{print $NF}')
  printf '%-22s %7.2f s  %8.0f docs/s  CPU %6.2f s  peak RSS %6.1f MB\n' "$name" "$wall" \
    "$(echo "$n_urls / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$(echo "$rss / 1024" | bc -l)" | tee -a "$work/results.txt"
  echo "$name $wall" >> "$work/walls.txt"
}

echo "URLs: $n_urls (incl. $hosts index pages); machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs)" | tee "$work/results.txt"
for run in 1 2 3; do
  out="$work/r$run"; mkdir -p "$out/curl-out"
  sed "s|CURL_OUT|$out/curl-out|" "$work/curl.cfg" > "$out/curl.cfg"
  echo "-- run $run (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$work/results.txt"
  measure policyindex "$build/policyindex" --quiet --data "$out/data" crawl "${seeds[@]}" \
    --delay-ms 0 --per-host 16 --concurrency 16 --depth 1 --format json
  measure curl-parallel curl -s -Z --parallel-max 16 -K "$out/curl.cfg"
  measure wget2 wget2 -q -r -l 1 --max-threads=16 --no-robots -P "$out/wget2-out" \
    $(for ((h = 0; h < hosts; h++)); do echo "http://127.0.0.$((10 + h)):$port/"; done)
done
python3 - "$out/data/catalog.sqlite" <<'PY' | tee -a "$work/results.txt"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print("policyindex stored: %d documents, %d versions, %d fetch-log rows" % (
    c.execute("select count(*) from documents").fetchone()[0],
    c.execute("select count(*) from versions").fetchone()[0],
    c.execute("select count(*) from fetch_log").fetchone()[0]))
PY
echo "wget2 files: $(find "$out/wget2-out" -type f | wc -l); curl files: $(find "$out/curl-out" -type f | wc -l)" | tee -a "$work/results.txt"
big=$(ls -S "$work/www/h0" | sed -n 50p)
wrk -t2 -c64 -d5s "http://127.0.0.10:$port/$big" | grep -E 'Requests/sec|Transfer/sec' | sed "s|^|nginx wrk ($big): |" | tee -a "$work/results.txt"
echo "results: $work/results.txt"
