#!/bin/sh
# Pages/s of `policyindex extract` (segmentation and tagging included) against pdftotext on
# the same PDFs, one core and two; then OCR pages/s against the tesseract command line on
# the same page images. Usage: bench/extract/run.sh [BUILD_DIR]   (a Release build)
# Every row gives wall time and CPU time (user+sys): on a shared machine the CPU figures
# are the stable ones. "One core" rows run pinned to CPU 0 (taskset), OpenMP limited to
# one thread (tesseract).
set -eu
BUILD=${1:-build-release}
BIN=$(cd "$BUILD" && pwd)/policyindex
WORK=${WORK:-/tmp/pi-bench-extract}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$WORK"
if [ ! -d "$WORK/pdf" ]; then
  g++ -O2 -std=c++20 -I"$ROOT" "$HERE/make_pdfs.cpp" "$ROOT/tests/extract/makers.cpp" \
    $(pkg-config --cflags --libs cairo libzip) -o "$WORK/make_pdfs"
  python3 "$HERE/make_corpus.py" "$WORK/pdf" "$WORK/make_pdfs" 320
fi
pages_of() { for f in "$@"; do pdfinfo "$f" | awk '/^Pages:/{print $2}'; done | awk '{s+=$1} END{print s}'; }
PAGES=$(pages_of "$WORK"/pdf/*.pdf)
FILES=$(ls "$WORK"/pdf/*.pdf | wc -l)
echo "corpus: $FILES PDFs, $PAGES pages; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# A data directory with every PDF added, kept as a template: each run starts from a copy.
if [ ! -f "$WORK/data.clean/catalog.sqlite" ]; then
  rm -rf "$WORK/data.clean"
  for f in "$WORK"/pdf/*.pdf; do "$BIN" --data "$WORK/data.clean" add "$f" --town Boston --type ordinance >/dev/null; done
fi

# best N CMD...: the run with the least CPU time (user+sys) of N; prints "wall cpu".
best() {
  n=$1; shift
  b=""
  for i in $(seq "$n"); do
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null 2>&1
    r=$(awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time")
    b=$(printf '%s\n%s\n' "$b" "$r" | awk 'NF==2' | sort -k2 -n | head -1)
  done
  echo "$b"
}
row() {  # row PAGES "wall cpu" LABEL
  echo "$1 $2 $3" | awk '{printf "%7.2f s wall %7.1f pages/s | %6.2f s CPU %7.1f pages/CPU-s | ", $2, $1/$2, $3, $1/$3; $1=$2=$3=""; print}'
}
N=${RUNS:-3}
ONE="taskset -c 0"
E1=$(best "$N" sh -c "rm -rf '$WORK/data.run' && cp -r '$WORK/data.clean' '$WORK/data.run' && $ONE '$BIN' --data '$WORK/data.run' --quiet extract --jobs 1")
E2=$(best "$N" sh -c "rm -rf '$WORK/data.run' && cp -r '$WORK/data.clean' '$WORK/data.run' && '$BIN' --data '$WORK/data.run' --quiet extract --jobs 2")
P1=$(best "$N" sh -c "for f in '$WORK'/pdf/*.pdf; do $ONE pdftotext -q \"\$f\" - >/dev/null; done")
P2=$(best "$N" sh -c "ls '$WORK'/pdf/*.pdf | xargs -P2 -I{} pdftotext -q {} /dev/null")
row "$PAGES" "$E1" "policyindex extract --jobs 1 (taskset: one core)"
row "$PAGES" "$E2" "policyindex extract --jobs 2"
row "$PAGES" "$P1" "pdftotext, sequential (taskset: one core)"
row "$PAGES" "$P2" "pdftotext, xargs -P2"
echo "$E1 $E2 $P1 $P2" | awk '{
  printf "wall: extract -j1 / pdftotext seq %.2fx; extract -j2 / pdftotext seq %.2fx (goal 1.9x); extract -j2 / pdftotext -P2 %.2fx\n", $5/$1, $5/$3, $7/$3;
  printf "CPU:  extract / pdftotext pages per CPU-second %.2fx (goal 1.0x on one core)\n", $6/$2 }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- OCR: scanned PDFs made from the first 4 pages of 6 bench PDFs (200 dpi grey images) ---
OCR="$WORK/ocr"
if [ ! -f "$OCR/data.clean/catalog.sqlite" ]; then
  rm -rf "$OCR" && mkdir -p "$OCR/img" "$OCR/scan"
  for f in $(ls "$WORK"/pdf/*.pdf | head -6); do
    b=$(basename "$f" .pdf)
    pdftoppm -r 200 -gray -png -f 1 -l 4 "$f" "$OCR/img/$b"
    img2pdf --output "$OCR/scan/$b.scan.pdf" "$OCR/img/$b"-*.png
  done
  for f in "$OCR"/scan/*.pdf; do "$BIN" --data "$OCR/data.clean" add "$f" --town Boston --type ordinance >/dev/null; done
fi
OPAGES=$(ls "$OCR"/img/*.png | wc -l)
export OMP_THREAD_LIMIT=1
O1=$(best 1 sh -c "rm -rf '$OCR/data.run' && cp -r '$OCR/data.clean' '$OCR/data.run' && $ONE '$BIN' --data '$OCR/data.run' --quiet extract --jobs 1")
T1=$(best 1 sh -c "for f in '$OCR'/img/*.png; do $ONE tesseract \"\$f\" - -l eng >/dev/null 2>&1; done")
echo "OCR: $OPAGES scanned pages (6 PDFs), one core, OMP_THREAD_LIMIT=1"
row "$OPAGES" "$O1" "policyindex extract --jobs 1 (render at 200 dpi + libtesseract)"
row "$OPAGES" "$T1" "tesseract PNG - -l eng, sequential"
echo "$O1 $T1" | awk '{printf "OCR: extract / tesseract pages/s %.2fx wall, %.2fx per CPU-second\n", $3/$1, $4/$2}'
