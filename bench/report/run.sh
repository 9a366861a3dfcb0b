#!/bin/sh
# The advocate's report (`policyindex analyze`, and the same through POST /api/analyze):
# wall and CPU time for a 30-page text PDF (target < 1 s) and a 10-page scanned PDF read by
# OCR (target < 20 s on 2 cores). Inputs are drawn by make_report_pdfs.cpp (fictional text).
# Usage: bench/report/run.sh [BUILD_DIR]   (a build without sanitizers)
set -eu
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/policyindex
WORK=${WORK:-/tmp/pi-bench-report}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$WORK"
if [ ! -f "$WORK/pdf/scan10.pdf" ]; then
  g++ -O2 -std=c++20 -I"$ROOT" "$HERE/make_report_pdfs.cpp" "$ROOT/tests/extract/makers.cpp" \
    $(pkg-config --cflags --libs cairo libzip) -o "$WORK/make_report_pdfs"
  "$WORK/make_report_pdfs" "$WORK/pdf"
fi
for f in text30 scan10; do
  echo "$f.pdf: $(pdfinfo "$WORK/pdf/$f.pdf" | awk '/^Pages:/{print $2}') pages, $(stat -c %s "$WORK/pdf/$f.pdf") bytes"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"

# best N CMD...: the run with the least wall time of N; prints "wall cpu".
best() {
  n=$1; shift
  b=""
  for i in $(seq "$n"); do
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null 2>&1
    r=$(awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time")
    b=$(printf '%s\n%s\n' "$b" "$r" | awk 'NF==2' | sort -k1 -n | head -1)
  done
  echo "$b"
}
N=${RUNS:-3}
# No corpus (nothing to borrow): the report alone. --data points at an empty folder.
mkdir -p "$WORK/empty"
for f in text30 scan10; do
  for fmt in json html; do
    r=$(best "$N" "$BIN" --data "$WORK/empty" analyze "$WORK/pdf/$f.pdf" --format $fmt)
    echo "$r" | awk -v l="analyze $f.pdf --format $fmt" '{printf "%6.2f s wall %6.2f s CPU  %s\n", $1, $2, l}'
  done
done
"$BIN" --data "$WORK/empty" analyze "$WORK/pdf/scan10.pdf" --format json |
  python3 -c 'import json,sys; j=json.load(sys.stdin); print("scan10: ocr_pages", len(j["ocr_pages"]), "-", j["report"]["summary"])'
"$BIN" --data "$WORK/empty" analyze "$WORK/pdf/text30.pdf" --format json |
  python3 -c 'import json,sys; j=json.load(sys.stdin); print("text30: sections", len(j["sections"]), "-", j["report"]["summary"])'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
