#!/usr/bin/env bash
# Index build rate vs omindex, database size, and search latency on N synthetic sections.
# Usage: bench/index/run.sh [N]   (default 100000; 1000000 takes about 20 min to build)
# STEPS picks the steps (default all): generate index nospell omindex compact query. E.g.
#   STEPS="generate index" bash bench/index/run.sh 1000000   # build once
#   STEPS=query bash bench/index/run.sh 1000000              # search latency on that index again
set -euo pipefail
STEPS=" ${STEPS:-generate index nospell omindex compact query} "
step() { [[ "$STEPS" == *" $1 "* ]]; }
N=${1:-100000}
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-release}
WORK=${WORK:-/tmp/pi-bench-index-$N}
if step omindex && ! command -v omindex >/dev/null; then
  echo "installing xapian-omega (omindex) for the comparison"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends xapian-omega >/dev/null
fi
# Configured once (an existing build directory keeps its options: bench/web needs its tests' targets).
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target bench_index
echo "== machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
if step generate; then
  rm -rf "$WORK"; mkdir -p "$WORK"
  echo "== generate $N sections"
  "$BUILD/bench/index/bench_index" generate "$WORK" "$N"
fi
if step index; then
  echo "== policyindex index (incremental writer, spelling data, 10k-section transactions)"
  /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" "$BUILD/bench/index/bench_index" index "$WORK"
  du -sh "$WORK/data/xapian"
fi
if step nospell; then
  echo "== the same without spelling data (index --no-spelling)"
  rm -rf "$WORK/nospell"
  /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" "$BUILD/bench/index/bench_index" index "$WORK" rebuild nospell "dir=$WORK/nospell"
  du -sh "$WORK/nospell"
fi
if step omindex; then
  echo "== omindex on the same texts as files"
  rm -rf "$WORK/omega"
  /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" omindex --db "$WORK/omega" --url / "$WORK/texts" >/dev/null
  du -sh "$WORK/omega"
fi
if step compact; then
  echo "== xapian-compact"
  rm -rf "$WORK/compact"
  /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s" xapian-compact "$WORK/data/xapian" "$WORK/compact" >/dev/null
  du -sh "$WORK/compact"
fi
if step query; then
  echo "== search latency (hot cache)"
  "$BUILD/bench/index/bench_index" query "$WORK" "${QUERIES:-1000}"
fi
