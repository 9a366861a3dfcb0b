#!/usr/bin/env python3
"""The tagger on the shared development corpus (../shared/dev: real, labelled documents).

usage: dev_corpus_test.py BINARY DEV_DIR [--min-f1 F] [--min-f1-no-stance F] [--min-located F]

Runs DEV_DIR/run.sh (which strips each document's header, runs `BINARY analyze --format json`
and scores the outputs with DEV_DIR/score.py) and fails when micro-F1 with stance, micro-F1
without stance or located recall is below its floor, when any document failed to analyze, or
when a provision listed as absent was tagged. The floors are what the tagger reached minus a
small margin (see bench/README.md); raise them as it improves.
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("dev", type=pathlib.Path)
    ap.add_argument("--min-f1", type=float, required=True)
    ap.add_argument("--min-f1-no-stance", type=float, required=True)
    ap.add_argument("--min-located", type=float, required=True)
    a = ap.parse_args()
    run = a.dev / "run.sh"
    if not run.is_file():
        print(f"dev corpus not found: {run} does not exist", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="pi-dev-") as out:
        p = subprocess.run(["sh", str(run), a.binary, out, "-v"], capture_output=True, text=True)
    report = p.stdout + p.stderr
    print(report)
    m = re.search(r"micro with stance: P [\d.]+ R [\d.]+ F1 ([\d.]+).*?without stance: P [\d.]+ R [\d.]+ F1 ([\d.]+)"
                  r".*?(\d+) absent violations; (\d+) docs without output", report)
    loc = re.search(r"located recall: \d+/\d+ = ([\d.]+)", report)
    failed = re.search(r"analyzed \d+ docs \((\d+) failed\)", report)
    if not m or not loc or not failed:
        print("FAIL: could not read the scorer's summary (see above)")
        return 1
    f1, f1_ns, absent, missing = float(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4))
    located = float(loc.group(1))
    problems = []
    if f1 < a.min_f1:
        problems.append(f"micro-F1 with stance {f1:.3f} < floor {a.min_f1:.3f}")
    if f1_ns < a.min_f1_no_stance:
        problems.append(f"micro-F1 without stance {f1_ns:.3f} < floor {a.min_f1_no_stance:.3f}")
    if located < a.min_located:
        problems.append(f"located recall {located:.3f} < floor {a.min_located:.3f}")
    if absent:
        problems.append(f"{absent} absent provisions tagged")
    if missing or int(failed.group(1)):
        problems.append(f"{failed.group(1)} documents failed to analyze, {missing} without output")
    for pr in problems:
        print("FAIL: " + pr)
    if not problems:
        print(f"ok: F1 {f1:.3f} (floor {a.min_f1}), without stance {f1_ns:.3f} (floor {a.min_f1_no_stance}), "
              f"located {located:.3f} (floor {a.min_located})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
