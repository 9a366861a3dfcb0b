#!/bin/sh
# Sections tagged per second on a synthetic corpus, in a Release build.
#   bench/provisions/run.sh [SECTIONS]
set -eu
cd "$(dirname "$0")/../.."
# Configured once (an existing build directory keeps its options: bench/web needs its tests' targets).
[ -f build-release/CMakeCache.txt ] || cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j2 --target bench_tagger >/dev/null
n=${1:-20000}
for threads in 1 2; do
  for run in 1 2 3; do
    ./build-release/bench/provisions/bench_tagger "$n" "$threads"
  done
done
