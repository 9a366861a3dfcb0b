#!/usr/bin/env bash
# Refresh benchmark (issue 8): a refresh where nothing changed, on the crawler benchmark's
# site (bench/crawl/make_site.sh: 50 loopback hosts x 100 documents, 315 MB, nginx).
#
#   1. full crawl, timed (RUNS times, from an empty data directory), then extract + index;
#   2. snapshot: blob files, versions, extractions, changes, Xapian revision;
#   3. `refresh` RUNS times on the unchanged site, timed;
#   4. check from the catalog's fetch log and nginx's access log that every request of the
#      refreshes was conditional and answered 304 (robots.txt aside), and that no blob,
#      version, extraction, change row or index revision was written;
#   5. print T_refresh / T_crawl (target <= 0.10), requests and bytes;
#   6. the peer: `curl -Z --parallel-max 16` sending the same 5,050 conditional requests
#      (each URL's stored ETag / Last-Modified, all answered 304, output discarded),
#      timed side by side with each refresh: what libcurl alone needs for the requests
#      every no-change refresh must make.
#
# Usage: bench/refresh/run.sh [BUILD_DIR]   (default: build-release, built here if missing)
# Env: HOSTS (50), DOCS_PER_HOST (100), RUNS (3), PORT (18182), BENCH_DIR (/tmp/pi-bench-refresh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-release}
work=${BENCH_DIR:-/tmp/pi-bench-refresh}
hosts=${HOSTS:-50}
per_host=${DOCS_PER_HOST:-100}
runs=${RUNS:-3}
port=${PORT:-18182}

if [ ! -x "$build/policyindex" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPI_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target policyindex >/dev/null
fi
pi="$build/policyindex --quiet --data $work/data"

# As in bench/crawl/run.sh, nothing is deleted before or between the timed crawls (file
# creation right after mass deletion is slow on this ext4): the last benchmark's directory
# is moved aside and deleted at the end, and each crawl writes into a fresh directory.
trash="$work.trash.$$"
[ -d "$work" ] && mv "$work" "$trash"
ACCESS_LOG=1 "$repo/bench/crawl/make_site.sh" "$work" "$hosts" "$per_host" "$port"
nginx -c "$work/nginx.conf" -p "$work/" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true; rm -rf "$trash"' EXIT
sleep 1

seeds=()
for ((h = 0; h < hosts; h++)); do seeds+=(--seed "http://127.0.0.$((10 + h)):$port/"); done
# The crawler benchmark's flags, politeness off; the same for crawl and refresh.
flags=(--delay-ms 0 --per-host 16 --concurrency 16 --depth 1)

seconds() {  # command... -> wall seconds on stdout; the command's output in $work/last.out
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$work/last.out" 2> "$work/last.err" || { echo "failed: $*" >&2; tail -5 "$work/last.err" >&2; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(map(str,r)) for r in c.execute(sys.argv[2])))' "$work/data/catalog.sqlite" "$1"; }
footprint() {
  echo "blobs=$(find "$work/data/blobs" -type f | wc -l)" \
    "versions=$(sql 'SELECT count(*) FROM versions')" \
    "extractions=$(sql 'SELECT count(*) FROM extractions')" \
    "sections=$(sql 'SELECT count(*) FROM sections')" \
    "changes=$(sql 'SELECT count(*) FROM changes')" \
    "xapian_$(xapian-delve "$work/data/xapian" | grep '^revision' | tr -d ' ')"
}

out="$work/results.txt"
{
  echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "site: $hosts hosts x $per_host documents, $(du -sh "$work/www" | cut -f1); flags: ${flags[*]}"
} | tee "$out"

crawls=()
for ((r = 1; r <= runs; r++)); do
  t=$(seconds "$build/policyindex" --quiet --data "$work/crawl-$r" crawl "${seeds[@]}" "${flags[@]}" --format json)
  crawls+=("$t")
  echo "crawl run $r: $t s (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
done
mv "$work/crawl-$runs" "$work/data"  # the refreshes start from the last crawl
crawl_requests=$(sql "SELECT count(*) FROM fetch_log")
crawl_bytes=$(sql "SELECT coalesce(sum(bytes), 0) FROM fetch_log")
t_extract=$(seconds $pi extract)
t_index=$(seconds $pi index)
echo "extract: $t_extract s; index: $t_index s" | tee -a "$out"
# One refresh first: the change log's baseline, and the extraction failures of the
# benchmark's random-byte "PDFs" are settled (stored as errors, not retried while unchanged).
t_first=$(seconds $pi refresh "${flags[@]}" --format json)
echo "first refresh after the crawl (baseline): $t_first s" | tee -a "$out"

# The peer's config: every known document with its validators, as the refresh sends them.
python3 - "$work/data/catalog.sqlite" > "$work/curl304.cfg" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
blocks = []
for url, etag, lm in c.execute("SELECT url, etag, last_modified FROM documents WHERE origin = 'crawl'"):
    b = 'url = "%s"\noutput = "/dev/null"\nsilent\n' % url
    if etag: b += 'header = "If-None-Match: %s"\n' % etag.replace('"', '\\"')
    if lm: b += 'header = "If-Modified-Since: %s"\n' % lm
    blocks.append(b)
print("next\n".join(blocks), end="")
PY

before=$(footprint)
last_run=$(sql "SELECT max(id) FROM crawl_runs")
log_lines=$(wc -l < "$work/logs/access.log")
refreshes=()
curls=()
for ((r = 1; r <= runs; r++)); do
  t=$(seconds $pi refresh "${flags[@]}" --format json)
  refreshes+=("$t")
  echo "no-change refresh run $r: $t s, load average $(cut -d' ' -f1-3 /proc/loadavg)  ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"])' "$work/last.out"))" | tee -a "$out"
  # Where the time went: the report's own phase timings (older binaries have none); the
  # rest of the wall time is process start-up and exit (dynamic loading, catalog close).
  python3 - "$work/last.out" "$t" <<'PY' | tee -a "$out"
import json, sys
j = json.load(open(sys.argv[1])); wall = float(sys.argv[2])
p = j.get("phases_s")
if p:
    order = ["start", "crawl", "extract", "index", "changes"]
    print("  phases (ms): " + ", ".join("%s %.0f" % (k, p[k] * 1000) for k in order if k in p) +
          ", process start + exit %.0f" % ((wall - j["elapsed_s"]) * 1000))
PY
  t=$(seconds curl -s -Z --parallel-max 16 -K "$work/curl304.cfg")
  curls+=("$t")
  echo "  curl --parallel, the same $(grep -c '^url' "$work/curl304.cfg") conditional requests: $t s" | tee -a "$out"
done
after=$(footprint)
log_end=$(wc -l < "$work/logs/access.log")  # the refreshes' and curl's lines end here

# The server's own floor: nginx answering nothing but conditional requests (304), driven by
# wrk (one thread, 16 connections) on one document with its stored validator. 5,050 such
# answers at this rate are the least time any client could take for a no-change refresh.
read -r floor_url floor_etag < <(sql "SELECT url, etag FROM documents WHERE origin = 'crawl' AND etag IS NOT NULL AND url LIKE '%.pdf' LIMIT 1" | tr '|' ' ')
floor_rps=0
if command -v wrk >/dev/null && [ -n "${floor_url:-}" ]; then
  wrk -t1 -c16 -d5s -H "If-None-Match: $floor_etag" "$floor_url" > "$work/wrk304.txt" 2>&1 || true
  floor_rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk304.txt")
  echo "nginx alone, 304 answers under wrk -t1 -c16: ${floor_rps:-?} requests/s (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
fi

t_crawl=$(median "${crawls[@]}")
t_refresh=$(median "${refreshes[@]}")
runs_sql="run_id > $last_run"
{
  echo "footprint before: $before"
  echo "footprint after:  $after"
  [ "$before" = "$after" ] && echo "no blob, version, extraction, change or index revision written: yes" \
                           || echo "no blob, version, extraction, change or index revision written: NO"
  echo "crawl: $crawl_requests requests, $(echo "$crawl_bytes / 1000000" | bc) MB"
  echo "refreshes ($runs): $(sql "SELECT count(*) FROM fetch_log WHERE $runs_sql") requests," \
    "$(sql "SELECT count(*) FROM fetch_log WHERE $runs_sql AND conditional = 1") conditional," \
    "unconditional: $(sql "SELECT count(*) FROM fetch_log WHERE $runs_sql AND conditional = 0 AND url NOT LIKE '%/robots.txt'") (robots.txt excluded)," \
    "body bytes received: $(sql "SELECT coalesce(sum(bytes), 0) FROM fetch_log WHERE $runs_sql")"
  echo "nginx status codes during the refreshes (curl's excluded): $(sed -n "$((log_lines + 1)),${log_end}p" "$work/logs/access.log" | grep -v '"curl/' | awk '{print $9}' | sort | uniq -c | xargs)"
  echo "nginx bytes sent during the refreshes (bodies): $(sed -n "$((log_lines + 1)),${log_end}p" "$work/logs/access.log" | grep -v '"curl/' | awk '{s += $10} END {print s + 0}')"
  printf 'T_crawl (median) %.2f s, T_refresh (median) %.2f s, ratio %.3f (target <= 0.10)\n' \
    "$t_crawl" "$t_refresh" "$(echo "$t_refresh / $t_crawl" | bc -l)"
  printf 'curl --parallel, the same conditional requests (median): %.2f s = %.3f of T_crawl; T_refresh / T_curl %.2f\n' \
    "$(median "${curls[@]}")" "$(echo "$(median "${curls[@]}") / $t_crawl" | bc -l)" \
    "$(echo "$t_refresh / $(median "${curls[@]}")" | bc -l)"
  if [ "${floor_rps:-0}" != 0 ]; then
    printf 'server floor: %d conditional answers at %.0f/s = %.3f s = %.3f of T_crawl\n' \
      "$(grep -c '^url' "$work/curl304.cfg")" "$floor_rps" \
      "$(echo "$(grep -c '^url' "$work/curl304.cfg") / $floor_rps" | bc -l)" \
      "$(echo "$(grep -c '^url' "$work/curl304.cfg") / $floor_rps / $t_crawl" | bc -l)"
  fi
  printf 'ratio against crawl + extract + index: %.3f\n' \
    "$(echo "$t_refresh / ($t_crawl + $t_extract + $t_index)" | bc -l)"
} | tee -a "$out"
echo "results: $out"
