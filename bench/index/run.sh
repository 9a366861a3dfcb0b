#!/usr/bin/env bash
# Index build rate vs omindex, database size, and search latency on N synthetic sections.
# Usage: bench/index/run.sh [N]   (default 100000; 1000000 takes about 20 min to build)
set -euo pipefail
N=${1:-100000}
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-release}
WORK=${WORK:-/tmp/pi-bench-index-$N}
if ! command -v omindex >/dev/null; then
  echo "installing xapian-omega (omindex) for the comparison"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends xapian-omega >/dev/null
fi
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPI_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target bench_index
rm -rf "$WORK"; mkdir -p "$WORK"
echo "== machine: $(nproc) cores, $(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generate $N sections"
"$BUILD/bench/index/bench_index" generate "$WORK" "$N"
echo "== policyindex index (incremental writer, spelling data, 10k-section transactions)"
/usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" "$BUILD/bench/index/bench_index" index "$WORK"
du -sh "$WORK/data/xapian"
echo "== the same without spelling data (index --no-spelling)"
/usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" "$BUILD/bench/index/bench_index" index "$WORK" rebuild nospell "dir=$WORK/nospell"
du -sh "$WORK/nospell"
echo "== omindex on the same texts as files"
/usr/bin/time -f "wall %e s, CPU user %U s + sys %S s, max RSS %M KB" omindex --db "$WORK/omega" --url / "$WORK/texts" >/dev/null
du -sh "$WORK/omega"
echo "== xapian-compact"
/usr/bin/time -f "wall %e s, CPU user %U s + sys %S s" xapian-compact "$WORK/data/xapian" "$WORK/compact" >/dev/null
du -sh "$WORK/compact"
echo "== search latency (hot cache)"
"$BUILD/bench/index/bench_index" query "$WORK" 1000
