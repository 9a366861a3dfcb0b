#!/usr/bin/env bash
# Adaptive revisit benchmark (issue 18, item 8): how many requests a nightly refresh makes,
# night after night, against a full crawl's, on the crawler benchmark's site
# (bench/crawl/make_site.sh: 50 loopback hosts x 100 documents + 50 index pages, nginx)
# with realistic document ages: each document's mtime (nginx's Last-Modified) is set
# log-uniformly between 1 day and 6 years before the first crawl.
#
#   1. full crawl (night 0), then extract + index;
#   2. NIGHTS refreshes, one per simulated night (`refresh --now T0+n days`): requests of
#      each (from the report), wall time of night 1;
#   3. on night CHANGE_NIGHT: CHANGED documents rewritten and one new document linked from
#      host 0's index page (a listing): the new one must be found that night; the changed
#      ones when they fall due (their delay in nights is printed);
#   4. one `refresh --full` at the end, for the requests of a recheck-everything refresh.
#
# Usage: bench/refresh/revisit.sh [BUILD_DIR]   (default: build)
# Env: HOSTS (50), DOCS_PER_HOST (100), NIGHTS (60), CHANGE_NIGHT (20), CHANGED (25),
#      PORT (18283), BENCH_DIR (/tmp/pi-bench-revisit)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
work=${BENCH_DIR:-/tmp/pi-bench-revisit}
hosts=${HOSTS:-50}
per_host=${DOCS_PER_HOST:-100}
nights=${NIGHTS:-60}
change_night=${CHANGE_NIGHT:-20}
changed=${CHANGED:-25}
port=${PORT:-18283}
[ -x "$build/policyindex" ] || { echo "no $build/policyindex: build it first" >&2; exit 1; }

"$repo/bench/crawl/make_site.sh" "$work" "$hosts" "$per_host" "$port"
t0=$(date -u +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# Realistic ages: log-uniform between 1 day and 6 years.
python3 - "$work/www" "$t0" <<'PY'
import math, os, random, sys
root, t0 = sys.argv[1], int(sys.argv[2])
random.seed(7)
for d in sorted(os.listdir(root)):
    for f in sorted(os.listdir(os.path.join(root, d))):
        if f == "index.html":
            continue
        age = math.exp(random.uniform(math.log(86400), math.log(6 * 365 * 86400)))
        os.utime(os.path.join(root, d, f), (t0 - age, t0 - age))
PY
nginx -c "$work/nginx.conf" -p "$work/" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true' EXIT
sleep 1

seeds=()
for ((h = 0; h < hosts; h++)); do seeds+=(--seed "http://127.0.0.$((10 + h)):$port/"); done
flags=(--delay-ms 0 --per-host 16 --concurrency 16 --depth 1)
pi="$build/policyindex --quiet --data $work/data"
field() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"j": j}))' "$@"; }

out="$work/results.txt"
{
  echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "site: $hosts hosts x $per_host documents; document ages log-uniform 1 day - 6 years; flags: ${flags[*]}"
} | tee "$out"

s=$(date +%s.%N)
$pi crawl "${seeds[@]}" "${flags[@]}" --now "$(iso "$t0")" --format json > "$work/crawl.json"
t_crawl=$(echo "$(date +%s.%N) - $s" | bc -l)
crawl_requests=$(field "$work/crawl.json" 'j["requests"]')
$pi extract > /dev/null
$pi index > /dev/null
echo "night 0 crawl: $crawl_requests requests, $t_crawl s" | tee -a "$out"

new_doc="h0/revisit-new.pdf"
per_night=()
for ((n = 1; n <= nights; n++)); do
  if [ "$n" = "$change_night" ]; then
    # Rewrite CHANGED documents (new bytes, so a new ETag) and link a new document from host
    # 0's index page.
    python3 - "$work/www" "$changed" > "$work/changed.txt" <<'PY'
import os, random, sys
root, k = sys.argv[1], int(sys.argv[2])
random.seed(11)
files = sorted(os.path.join(d, f) for d in os.listdir(root) for f in os.listdir(os.path.join(root, d))
               if f != "index.html")
for rel in random.sample(files, k):
    with open(os.path.join(root, rel), "ab") as fh:
        fh.write(b"\n<!-- amended -->\n")
    print(rel)
PY
    printf '%%PDF-1.4\nrevisit benchmark: a new general order\n' > "$work/www/$new_doc"
    sed -i "s|</body>|<a href='/revisit-new.pdf'>General Order new</a></body>|" "$work/www/h0/index.html"
  fi
  s=$(date +%s.%N)
  $pi refresh "${flags[@]}" --now "$(iso $((t0 + n * 86400)))" --format json > "$work/night-$n.json"
  t=$(echo "$(date +%s.%N) - $s" | bc -l)
  r=$(field "$work/night-$n.json" 'j["counts"]["requests"]')
  per_night+=("$r")
  line="night $n: $r requests ($(echo "scale=3; $r / $crawl_requests" | bc -l) of the crawl), $(printf %.2f "$t") s"
  if [ "$n" = "$change_night" ]; then
    found=$(field "$work/night-$n.json" 'sum(1 for d in j["documents"] if d["url"].endswith("/revisit-new.pdf"))')
    line="$line; new document linked tonight found tonight: $([ "$found" = 1 ] && echo yes || echo NO)"
  fi
  [ "$n" = 1 ] && t_night1=$t
  echo "$line" | tee -a "$out"
done

# When each changed document was seen (a new version row after the change night).
python3 - "$work/data/catalog.sqlite" "$work/changed.txt" "$port" "$t0" "$change_night" <<'PY' | tee -a "$out"
import sqlite3, sys, datetime
db, changed, port, t0, cn = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
c = sqlite3.connect(db)
delays = []
for rel in open(changed).read().split():
    h, f = rel.split("/")
    url = "http://127.0.0.%d:%s/%s" % (10 + int(h[1:]), port, f)
    runs = [r[0] for r in c.execute(
        "SELECT f.run_id FROM fetch_log f WHERE f.url = ? AND f.outcome = 'fetched' ORDER BY f.id", (url,))]
    # the refresh runs are numbered after the crawl's: run id - 1 is the night
    nights = [r - 1 for r in runs if r - 1 >= cn]
    delays.append(nights[0] - cn if nights else None)
seen = [d for d in delays if d is not None]
print("changed on night %d: %d documents; seen by the last night: %d; delay in nights: median %s, max %s"
      % (cn, len(delays), len(seen), sorted(seen)[len(seen) // 2] if seen else "-", max(seen) if seen else "-"))
PY

s=$(date +%s.%N)
$pi refresh "${flags[@]}" --full --now "$(iso $((t0 + (nights + 1) * 86400)))" --format json > "$work/full.json"
t_full=$(echo "$(date +%s.%N) - $s" | bc -l)
full_requests=$(field "$work/full.json" 'j["counts"]["requests"]')
printf '%s\n' "${per_night[@]}" | python3 -c '
import sys
v = [int(x) for x in sys.stdin.read().split()]
crawl, full, nights = int(sys.argv[1]), int(sys.argv[2]), len(v)
s = sorted(v)
print("refresh --full: %d requests (%.3f of the crawl)" % (full, full / crawl))
print("adaptive, %d nights: mean %.0f requests = %.3f of the crawl; median %.3f; max %.3f (night %d); night 1 %.3f"
      % (nights, sum(v) / nights, sum(v) / nights / crawl, s[nights // 2] / crawl, max(v) / crawl,
         v.index(max(v)) + 1, v[0] / crawl))
' "$crawl_requests" "$full_requests" | tee -a "$out"
printf 'wall: crawl %.2f s, night-1 refresh %.2f s (%.3f), --full refresh %.2f s\n' \
  "$t_crawl" "$t_night1" "$(echo "$t_night1 / $t_crawl" | bc -l)" "$t_full" | tee -a "$out"
echo "results: $out"
