#!/usr/bin/env bash
# Statewide, politeness-bound crawl (issue 18): 351 fictional town hosts and 4 platform hosts
# on loopback (bench/statewide/serve.py: per-host latency 20-400 ms, pages 5-50 KB, PDFs
# 10-200 KB), crawled from the 351 home pages with the default politeness (1 s between
# request starts on a host, 2 transfers per host, the default --concurrency, depth 3). Measures the crawl's
# wall time against the lower bound the per-host delay sets — max over hosts of
# (requests the host needs - 1) x delay + its latency — and peak RSS (/usr/bin/time -v).
#
# Usage: bench/statewide/run.sh [BUILD_DIR]   (default: build)
# Env: PORT (18383), TOWNS (351), PLATFORMS (4), BENCH_DIR (/tmp/pi-bench-statewide), DELAY_MS (1000),
#      CONCURRENCY (unset: the crawler's default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
work=${BENCH_DIR:-/tmp/pi-bench-statewide}
port=${PORT:-18383}
towns=${TOWNS:-351}
platforms=${PLATFORMS:-4}
delay=${DELAY_MS:-1000}
extra=()  # CONCURRENCY=N: --concurrency N (default: the crawler's)
[ -n "${CONCURRENCY:-}" ] && extra+=(--concurrency "$CONCURRENCY")
[ -x "$build/policyindex" ] || { echo "no $build/policyindex: build it first" >&2; exit 1; }

rm -rf "$work"; mkdir -p "$work"
python3 "$here/serve.py" "$port" "$work/manifest.json" "$work/access.log" --towns "$towns" \
  --platforms "$platforms" > "$work/server.out" 2>&1 & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.2; done
grep -q serving "$work/server.out" || { echo "server did not start" >&2; cat "$work/server.out" >&2; exit 1; }

seeds=()
for addr in $(python3 -c 'import json,sys; print(" ".join(h["addr"] for h in json.load(open(sys.argv[1]))["hosts"] if not h["platform"]))' "$work/manifest.json"); do
  seeds+=(--seed "http://$addr:$port/")
done
# The platforms by name (towns link to platform-K.s3.amazonaws.com), mapped to their addresses.
for pair in $(python3 -c 'import json,sys; print(" ".join(h["name"] + ":" + h["addr"] for h in json.load(open(sys.argv[1]))["hosts"] if h["platform"]))' "$work/manifest.json"); do
  seeds+=(--resolve "${pair%%:*}:$port:${pair#*:}")
done

data=${DATA_DIR:-$work/data}  # DATA_DIR=/dev/shm/...: the store on tmpfs (no disk)
/usr/bin/time -v "$build/policyindex" --quiet --data "$data" crawl "${seeds[@]}" \
  --delay-ms "$delay" "${extra[@]}" --format json > "$work/crawl.json" 2> "$work/time.txt"

kill $server; wait $server 2>/dev/null || true  # the access log is complete once it has ended

python3 - "$work" "$delay" <<'PY' | tee "$work/results.txt"
import json, os, re, subprocess, sys, collections
work, delay = sys.argv[1], int(sys.argv[2]) / 1000
m = json.load(open(os.path.join(work, "manifest.json")))
c = json.load(open(os.path.join(work, "crawl.json")))
t = open(os.path.join(work, "time.txt")).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
wall_s = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + \
      float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
hosts = {h["addr"]: h for h in m["hosts"]}
bound = max((h["requests"] - 1) * delay + h["latency_s"] for h in m["hosts"])
busiest = max(m["hosts"], key=lambda h: (h["requests"] - 1) * delay + h["latency_s"])
need = sum(h["requests"] for h in m["hosts"])
log = collections.defaultdict(list)
for line in open(os.path.join(work, "access.log")):
    ts, addr, path = line.split(" ", 2)
    log[addr].append(float(ts))
made = sum(len(v) for v in log.values())
missing = {a: hosts[a]["requests"] - len(log.get(a, [])) for a in hosts if hosts[a]["requests"] != len(log.get(a, []))}
load = open("/proc/loadavg").read().split()[:3]
print("machine: %d cores, load %s" % (os.cpu_count(), " ".join(load)))
print("hosts: %d towns + %d platforms; requests a complete crawl needs: %d; made: %d (crawler: %d)"
      % (sum(not h["platform"] for h in m["hosts"]), sum(h["platform"] for h in m["hosts"]), need, made, c["requests"]))
if missing:
    print("hosts whose request count differs from the manifest: %d (e.g. %s)" % (len(missing), list(missing.items())[:3]))
print("documents stored: %d new, %d failed" % (c["counts"]["new_documents"], c["counts"]["failed"]))
print("lower bound: (%d requests - 1) x %.1f s + %.3f s latency = %.1f s (busiest host %s%s)"
      % (busiest["requests"], delay, busiest["latency_s"], bound, busiest["addr"],
         ", a platform" if busiest["platform"] else ""))
print("crawl wall %.1f s = %.3f x the lower bound (goal <= 1.1); CPU %.1f s; peak RSS %.0f MB (goal < 200)"
      % (wall_s, wall_s / bound, cpu, rss_mb))
# The busiest hosts' timelines: first and last request, mean gap between request starts.
spans = sorted(((v[-1] - v[0], a) for a, v in log.items()), reverse=True)[:3]
for span, a in spans:
    v = sorted(log[a])
    gaps = [y - x for x, y in zip(v, v[1:])]
    print("  host %s: %d requests, first at %.2f s, last at %.2f s, mean gap %.3f s, max gap %.2f s"
          % (a, len(v), v[0], v[-1], sum(gaps) / len(gaps) if gaps else 0, max(gaps) if gaps else 0))
PY
