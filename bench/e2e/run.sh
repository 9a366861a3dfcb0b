#!/usr/bin/env bash
# End to end on one folder of 300 multi-page PDFs and 3,000 HTML pages: `policyindex add` +
# `extract` + `index` (a fresh data directory) against `recollindex` and `omindex` indexing the
# same folder, side by side in one run. Usage: bench/e2e/run.sh [BUILD_DIR]  (a Release build)
set -euo pipefail
BUILD=${1:-build-release}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/pi-bench-e2e}
RUNS=${RUNS:-3}
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
command -v recollindex >/dev/null || need+=(recollcmd)
command -v omindex >/dev/null || need+=(xapian-omega)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} for the comparison"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Configured once (an existing build directory keeps its options: bench/web needs its tests' targets).
[ -f "$ROOT/$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$ROOT/$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$ROOT/$BUILD" -j2 --target policyindex
BIN="$ROOT/$BUILD/policyindex"
CORPUS="$WORK/corpus"
if [ ! -f "$CORPUS/.done" ]; then
  rm -rf "$CORPUS"; mkdir -p "$CORPUS/files" "$CORPUS/pages"
  g++ -O2 -std=c++20 -I"$ROOT" "$ROOT/bench/extract/make_pdfs.cpp" "$ROOT/tests/extract/makers.cpp" \
    $(pkg-config --cflags --libs cairo libzip) -o "$WORK/make_pdfs"
  python3 "$ROOT/bench/extract/make_corpus.py" "$WORK/pdfgen" "$WORK/make_pdfs" 300
  mv "$WORK"/pdfgen/*.pdf "$CORPUS/files/"
  python3 "$HERE/make_html.py" "$CORPUS/pages" 3000
  touch "$CORPUS/.done"
fi
PDFS=$(ls "$CORPUS"/files/*.pdf | wc -l); HTML=$(ls "$CORPUS"/pages/*.html | wc -l)
echo "== corpus: $PDFS PDFs ($(du -sh "$CORPUS/files" | cut -f1)), $HTML HTML pages ($(du -sh "$CORPUS/pages" | cut -f1))"
echo "== machine: $(nproc) cores,$(grep 'model name' /proc/cpuinfo | head -1 | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # prints "wall user sys" of the command (its own output is discarded)
  /usr/bin/time -o "$WORK/time.out" -f "%e %U %S" "$@" >/dev/null 2>&1 || echo "FAILED: $*" >&2
  tail -1 "$WORK/time.out"
}
# Every round of every tool writes into a directory of its own that nothing has used before;
# earlier runs' directories are deleted only after this run's timings. Deleting is not part of
# indexing, and on this machine's ext4 without a journal, creating files within 60 s (360 s
# while unsynced) of deleting many in the same block group makes every inode allocation skip
# the recently deleted ones one by one (the kernel's recently_deleted(): 60% of `add`'s time,
# 0.4 s becoming 1-2.8 s, after an `rm -rf` of the previous round's 3,300 blobs).
RUNDIR="$WORK/runs.$$"
OLD=$(ls -d "$WORK"/runs.* "$WORK"/data "$WORK"/recoll "$WORK"/omega 2>/dev/null || true)
mkdir -p "$RUNDIR"
ours() {
  "$BIN" --quiet --data "$OUT/data" add "$CORPUS" --town Boston --type ordinance &&
  "$BIN" --quiet --data "$OUT/data" extract --jobs 2 &&
  "$BIN" --quiet --data "$OUT/data" index
}
recoll() {
  mkdir -p "$OUT/recoll"
  # idxniceprio: recollindex lowers its own priority to 19 by default; the others run at 0.
  printf 'topdirs = %s\ndbdir = %s/xapiandb\nloglevel = 1\nidxniceprio = 0\n' "$CORPUS" "$OUT/recoll" \
    > "$OUT/recoll/recoll.conf"
  recollindex -c "$OUT/recoll"
}
omega() { omindex --db "$OUT/omega" --url / "$CORPUS"; }
export -f ours recoll omega; export BIN WORK CORPUS
for i in $(seq "$RUNS"); do
  export OUT="$RUNDIR/$i"; mkdir -p "$OUT"
  for tool in ours recoll omega; do
    r=$(timed bash -c "$tool")
    echo "$tool $r" | awk '{printf "%-7s run %d: wall %6.2f s  CPU %6.2f s\n", $1, '"$i"', $2, $3+$4}'
    echo "$tool $r" >> "$WORK/times.$$"
  done
done
echo "== medians (wall)"
for tool in ours recoll omega; do
  grep "^$tool " "$WORK/times.$$" | awk '{print $2}' | sort -n | awk -v t=$tool '{a[NR]=$1} END{printf "%-7s %.2f s\n", t, a[int((NR+1)/2)]}'
done
rm -f "$WORK/times.$$"
echo "== sizes: ours $(du -sh "$OUT/data/xapian" | cut -f1) (index) + $(du -sh "$OUT/data/catalog.sqlite" | cut -f1) (catalog), recoll $(du -sh "$OUT/recoll/xapiandb" | cut -f1), omega $(du -sh "$OUT/omega" | cut -f1)"
echo "== ours: $(sqlite3 "$OUT/data/catalog.sqlite" 'select count(*) from documents') documents, $(sqlite3 "$OUT/data/catalog.sqlite" 'select count(*) from sections') sections, $(sqlite3 "$OUT/data/catalog.sqlite" "select count(*) from extractions where status<>'ok'") extraction errors"
# Earlier runs' directories, now that nothing is timed any more.
[ -z "$OLD" ] || rm -rf $OLD
