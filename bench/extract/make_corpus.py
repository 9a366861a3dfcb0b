#!/usr/bin/env python3
"""Writes N multi-page PDFs of varied synthetic ordinance-like text: text files first, laid
out as PDFs by make_pdfs (cairo). Usage: make_corpus.py OUTDIR MAKE_PDFS [N]. Deterministic."""
import os, random, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

out, maker = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 320
os.makedirs(out, exist_ok=True)
rng = random.Random(1)
syll = ["ta", "ren", "mo", "vil", "sar", "den", "ko", "lu", "mar", "est", "ion", "ber", "cal", "pri", "nor", "te"]
vocab = ["".join(rng.choice(syll) for _ in range(rng.randint(1, 4))) for _ in range(6000)]
common = ("the of and to a in shall town resident department officer federal agency request record "
          "section public law police status service council clerk report").split()
def word():
    return rng.choice(common) if rng.random() < 0.35 else vocab[int(rng.paretovariate(1.1)) % len(vocab)]
def sentence():
    return " ".join(word() for _ in range(rng.randint(6, 24))).capitalize() + "."
def doc(i):
    lines = [f"#Town of {vocab[i % len(vocab)].capitalize()} Code, Chapter {i}"]
    for s in range(rng.randint(3, 25)):
        lines.append(f"#Section {i}-{s + 1}. {' '.join(word() for _ in range(rng.randint(1, 4))).title()}")
        for p in range(rng.randint(1, 6)):
            lines.append(" ".join(sentence() for _ in range(rng.randint(2, 9))))
            if rng.random() < 0.3:
                for k in "abc"[: rng.randint(1, 3)]:
                    lines.append(f"({k}) {sentence()}")
    return "\n".join(lines) + "\n"
txt = os.path.join(out, "txt")
os.makedirs(txt, exist_ok=True)
paths = []
for i in range(n):
    p = os.path.join(txt, f"doc{i:04d}.txt")
    with open(p, "w") as f:
        f.write(doc(i))
    paths.append(p)
half = len(paths) // 2
with ThreadPoolExecutor(2) as ex:
    list(ex.map(lambda part: subprocess.run([maker, out] + part, check=True), [paths[:half], paths[half:]]))
