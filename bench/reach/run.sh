#!/usr/bin/env bash
# Reach benchmark: how many requests it takes to find every policy document of a town's site,
# `policyindex crawl` (best first, link policy, trap caps) against a breadth-first crawl to
# the same depth (`wget2 -r -l DEPTH`), on the same generated sites in the same run, served
# on loopback by nginx. The sites (gen_sites.py) bury each town's policy documents (police
# general orders, bylaws, a Trust Act vote in a minutes archive, a welcoming resolution
# linked from a news story) among calendars, paginated news, a faceted document center,
# department pages and session-id links.
#
# Usage: bench/reach/run.sh [BUILD_DIR]   (default: build; `policyindex` is built if missing)
# Needs wget2 (Debian package wget2; installed here with apt-get when missing — only this
# benchmark uses it) and nginx.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
work=${BENCH_DIR:-/tmp/pi-bench-reach}
towns=${TOWNS:-3}
depth=${DEPTH:-3}

if ! command -v wget2 >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends wget2 >/dev/null
fi
if [ ! -x "$build/policyindex" ]; then
  cmake --build "$build" -j2 --target policyindex >/dev/null
fi

rm -rf "$work"; mkdir -p "$work"/{logs,tmp}
python3 "$here/gen_sites.py" "$work/www" --towns "$towns" --seed 1 | tee "$work/results.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  echo "worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/logs/error.log;"
  [ "$(id -u)" = 0 ] && echo "user root;"
  echo "events { worker_connections 256; }"
  echo "http { log_format reach '\$msec \$server_addr \"\$request_uri\" \$status \"\$http_user_agent\"';"
  echo "  access_log $work/logs/access.log reach;"
  echo "  types { text/html html; application/pdf pdf; }"
  for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $work/tmp;"; done
  for ((t = 0; t < towns; t++)); do
    echo "  server { listen 127.0.0.$((21 + t)):$port; root $work/www/t$t; index index.html;"
    echo "    location / { try_files \$uri \$uri/ =404; } }"
  done
  echo "}"
} > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work/" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.21:$port/" && break; sleep 0.1; done

seeds=(); urls=()
for ((t = 0; t < towns; t++)); do
  seeds+=(--seed "http://127.0.0.$((21 + t)):$port/")
  urls+=("http://127.0.0.$((21 + t)):$port/")
done

# Breadth first: wget2, recursive to the same depth, robots.txt obeyed, default threads.
: > "$work/logs/access.log"
(cd "$work" && wget2 -q -r -l "$depth" --max-threads 5 -P "$work/wget2-out" "${urls[@]}") || true
sleep 0.5; mv "$work/logs/access.log" "$work/wget2.log"; kill -USR1 $nginx_pid; sleep 0.5

# Best first: policyindex with its defaults but no politeness delay (loopback).
: > "$work/logs/access.log"
"$build/policyindex" --quiet --data "$work/data" crawl "${seeds[@]}" --depth "$depth" \
  --delay-ms 0 --per-host 2 --format json > "$work/policyindex.json"
sleep 0.5; mv "$work/logs/access.log" "$work/policyindex.log"; kill -USR1 $nginx_pid; sleep 0.5

python3 - "$work" <<'PY' | tee -a "$work/results.txt"
import json, sys
work = sys.argv[1]
m = json.load(open(f"{work}/www/manifest.json"))
ip = {f"127.0.0.{21 + i}": set(t["policy"]) for i, t in enumerate(m["towns"])}
want = sum(len(v) for v in ip.values())
res = {}
for tool in ("wget2", "policyindex"):
    seq = []
    for line in open(f"{work}/{tool}.log"):
        parts = line.split('"')
        addr = parts[0].split()[1]
        uri = parts[1].split("?")[0]
        seq.append((addr, uri))
    found, last = set(), 0
    for i, (addr, uri) in enumerate(seq, 1):
        if uri in ip.get(addr, ()) and (addr, uri) not in found:
            found.add((addr, uri))
            last = i
    res[tool] = (len(found), last, len(seq))
    print(f"{tool:12s} found {len(found)}/{want} policy documents; requests until the last: "
          f"{last}; requests in all: {len(seq)}")
w, p = res["wget2"], res["policyindex"]
if p[0] == want and w[0] == want:
    print(f"ratio (policyindex / wget2), requests until every policy document: {p[1] / w[1]:.3f}; "
          f"all requests: {p[2] / w[2]:.3f}")
else:
    print("not every policy document was found by both; no ratio")
PY
echo "machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2 | xargs); $(date -u '+%Y-%m-%d %H:%M UTC')" | tee -a "$work/results.txt"
