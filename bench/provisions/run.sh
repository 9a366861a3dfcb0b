#!/bin/sh
# Sections tagged per second on a synthetic corpus, in a Release build.
#   bench/provisions/run.sh [SECTIONS]
set -eu
cd "$(dirname "$0")/../.."
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPI_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j2 --target bench_tagger >/dev/null
n=${1:-20000}
for threads in 1 2; do
  for run in 1 2 3; do
    ./build-release/bench/provisions/bench_tagger "$n" "$threads"
  done
done
