#!/usr/bin/env bash
# Two builds of policyindex side by side, in the same rounds: crawl, extract, index, search
# (the web API uncached). For a change that must not move the figures (issue 17's reshaping),
# or one that should: every round runs A then B, or B then A (alternating), on fresh copies
# of the same inputs, so a machine that slows down mid-run charges both alike.
#
# Usage: bench/before_after/run.sh BUILD_A BUILD_B [ROUNDS]      (default 5 rounds)
#   BUILD_A, BUILD_B: Release build directories holding `policyindex`; BUILD_A must also hold
#   `web_fixture` (a test target: configure it with tests on and build that target). The
#   inputs (added PDFs, the synthetic corpus) are written by BUILD_A, the older one: a newer
#   build migrates an older catalog when it opens it, never the other way round.
# Env: WORK (default /tmp/pi-bench-ba), STEPS (default "crawl extract index web"),
#      SECTIONS (index and web corpus, default 50000), WRK_SECONDS (default 10).
# Prints one line per run and a summary: median per build, and B/A.
set -euo pipefail
A=$(cd "${1:?usage: run.sh BUILD_A BUILD_B [ROUNDS]}" && pwd)
B=$(cd "${2:?usage: run.sh BUILD_A BUILD_B [ROUNDS]}" && pwd)
R=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${WORK:-/tmp/pi-bench-ba}
steps=" ${STEPS:-crawl extract index web} "
sections=${SECTIONS:-50000}
wrk_s=${WRK_SECONDS:-10}
step() { [[ "$steps" == *" $1 "* ]]; }
for t in "$A/policyindex" "$B/policyindex" "$A/web_fixture"; do
  [ -x "$t" ] || { echo "run.sh: $t not found (see the usage line)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "run.sh: wrk not installed (scripts/install-deps.sh)" >&2; exit 2; }
# Fresh directories every run, deleted only at the end (ext4 without a journal makes files
# created soon after many deletions slow: bench/README.md, end to end).
trash="$work.trash.$$"
[ -d "$work" ] && mv "$work" "$trash"
mkdir -p "$work"
results="$work/results.tsv"
echo -e "bench\tbuild\tround\twall_s\tcpu_s\trss_mb\textra" > "$results"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$trash"; }
trap cleanup EXIT

# timed BENCH BUILDNAME ROUND CMD...: wall, user+sys, peak RSS of CMD into results.tsv
timed() {
  local bench=$1 name=$2 round=$3; shift 3
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/last.out" 2> "$work/last.err" || {
    echo "$bench/$name round $round failed:"; tail -5 "$work/last.err"; return 1; }
  read -r wall user sys rss < "$work/time"
  local cpu; cpu=$(echo "$user + $sys" | bc -l)
  printf '%s\t%s\t%s\t%s\t%.2f\t%.1f\t\n' "$bench" "$name" "$round" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)" >> "$results"
  printf '%-8s %s round %d: %6.2f s wall, %6.2f s CPU, %6.1f MB\n' "$bench" "$name" "$round" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)"
}
# order ROUND: "A B" on odd rounds, "B A" on even ones
order() { if (( $1 % 2 )); then echo "A B"; else echo "B A"; fi; }
bin() { if [ "$1" = A ]; then echo "$A/policyindex"; else echo "$B/policyindex"; fi; }

echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A = $A"; echo "B = $B"; echo "rounds: $R"

if step crawl; then
  port=18191
  "$repo/bench/crawl/make_site.sh" "$work/site" 50 100 "$port" > /dev/null
  nginx -c "$work/site/nginx.conf" -p "$work/site/" & pids+=($!)
  sleep 1
  seeds=(); for ((h = 0; h < 50; h++)); do seeds+=(--seed "http://127.0.0.$((10 + h)):$port/"); done
  for ((r = 1; r <= R; r++)); do
    for x in $(order "$r"); do
      timed crawl "$x" "$r" "$(bin "$x")" --quiet --data "$work/crawl-$x-$r" crawl "${seeds[@]}" \
        --delay-ms 0 --per-host 16 --concurrency 16 --depth 1 --format json
    done
  done
fi

if step extract; then
  # 320 generated PDFs (bench/extract's corpus), added once; every run extracts a fresh copy.
  ex="$work/extract"; mkdir -p "$ex"
  g++ -O2 -std=c++20 -I"$repo" "$repo/bench/extract/make_pdfs.cpp" "$repo/tests/extract/makers.cpp" \
    $(pkg-config --cflags --libs cairo libzip) -o "$ex/make_pdfs"
  python3 "$repo/bench/extract/make_corpus.py" "$ex/pdf" "$ex/make_pdfs" 320 > /dev/null
  "$A/policyindex" --data "$ex/clean" --quiet add "$ex"/pdf/*.pdf --town Boston --type ordinance > /dev/null
  for ((r = 1; r <= R; r++)); do
    for x in $(order "$r"); do
      cp -r "$ex/clean" "$ex/run-$x-$r"
      timed extract "$x" "$r" "$(bin "$x")" --data "$ex/run-$x-$r" --quiet extract --jobs 2
    done
  done
fi

if step index || step web; then
  per=20; docs=$((sections / per))
  "$A/web_fixture" random "$work/corpus" "$docs" "$per" > /dev/null
fi

if step index; then
  for ((r = 1; r <= R; r++)); do
    for x in $(order "$r"); do
      cp -r "$work/corpus" "$work/index-$x-$r"
      timed index "$x" "$r" "$(bin "$x")" --data "$work/index-$x-$r" --quiet index --rebuild
    done
  done
fi

if step web; then
  # Each build serves its own index of the same corpus, uncached (--cache-entries 0), the
  # record cache at its default; wrk as bench/web (one thread, 32 connections, its queries).
  for x in A B; do
    cp -r "$work/corpus" "$work/web-$x"
    "$(bin "$x")" --data "$work/web-$x" --quiet index --rebuild > /dev/null
  done
  for ((r = 1; r <= R; r++)); do
    for x in $(order "$r"); do
      log="$work/serve-$x-$r.log"
      "$(bin "$x")" --data "$work/web-$x" serve --port 0 --threads 2 --cache-entries 0 > "$log" 2>&1 &
      pid=$!; pids+=($pid)
      for _ in $(seq 100); do grep -q 'http://' "$log" && break; sleep 0.1; done
      url="$(grep -o 'http://[0-9.:]*' "$log" | head -1)"
      for p in $(grep -o '"/api[^"]*"' "$repo/bench/web/queries.lua" | tr -d '"'); do curl -s -o /dev/null "$url$p"; done
      read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
      wrk -t1 -c32 -d"${wrk_s}s" --timeout 10s --latency -s "$repo/bench/web/queries.lua" "$url" > "$work/wrk-$x-$r.txt"
      read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
      rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk-$x-$r.txt")
      p99=$(awk '$1=="99%"{print $2}' "$work/wrk-$x-$r.txt")
      n=$(awk '/requests in/{print $1}' "$work/wrk-$x-$r.txt")
      cpu_ms=$(awk -v t=$((u1 + s1 - u0 - s0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", t*1000/hz/n}')
      kill "$pid"; wait "$pid" 2>/dev/null || true
      printf 'web\t%s\t%s\t%s\t%s\t\tp99=%s\n' "$x" "$r" "$rps" "$cpu_ms" "$p99" >> "$results"
      printf '%-8s %s round %d: %8.0f requests/s, %s ms server CPU per request, p99 %s\n' web "$x" "$r" "$rps" "$cpu_ms" "$p99"
    done
  done
fi

echo "== medians (web: requests/s and server CPU ms per request; others: wall s and CPU s)"
python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for bench in dict.fromkeys(r["bench"] for r in rows):
    m = {}
    for x in "AB":
        rs = [r for r in rows if r["bench"] == bench and r["build"] == x]
        m[x] = (statistics.median(float(r["wall_s"]) for r in rs), statistics.median(float(r["cpu_s"]) for r in rs),
                min(float(r["wall_s"]) for r in rs), max(float(r["wall_s"]) for r in rs))
    a, b = m["A"], m["B"]
    unit = "req/s" if bench == "web" else "s"
    print(f"{bench:8} A {a[0]:9.2f} {unit} (range {a[2]:.2f}-{a[3]:.2f}), CPU {a[1]:.3f} | "
          f"B {b[0]:9.2f} {unit} (range {b[2]:.2f}-{b[3]:.2f}), CPU {b[1]:.3f} | B/A {b[0]/a[0]:.3f}, CPU B/A {b[1]/a[1]:.3f}")
PY
echo "results: $results"
