#!/usr/bin/env python3
"""Writes N synthetic municipal web pages (2-10 KB of body text each, with the site furniture
a town site has: header, navigation, sidebar, footer, a cookie banner; some with ordered lists
and tables; 30% link a PDF). Usage: make_html.py OUTDIR [N]. Deterministic. Fictional towns."""
import os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
syll = ["ta", "ren", "mo", "vil", "sar", "den", "ko", "lu", "mar", "est", "ion", "ber", "cal", "pri", "nor", "te"]
vocab = ["".join(rng.choice(syll) for _ in range(rng.randint(1, 4))) for _ in range(6000)]
common = ("the of and to a in shall town resident department officer federal agency request record "
          "section public law police status service council clerk report immigration detainer").split()

def word():
    return rng.choice(common) if rng.random() < 0.35 else vocab[int(rng.paretovariate(1.1)) % len(vocab)]

def sentence():
    return " ".join(word() for _ in range(rng.randint(6, 24))).capitalize() + "."

def page(i):
    town = vocab[i % 500].capitalize() + "ville"
    title = " ".join(word() for _ in range(rng.randint(2, 5))).title()
    body, size, target = [], 0, rng.randint(2000, 10000)
    sec = 0
    while size < target:
        sec += 1
        body.append(f"<h2>Section {sec}. {' '.join(word() for _ in range(rng.randint(1, 4))).title()}</h2>")
        for _ in range(rng.randint(1, 4)):
            p = " ".join(sentence() for _ in range(rng.randint(2, 6)))
            body.append(f"<p>{p}</p>")
            size += len(p)
        r = rng.random()
        if r < 0.2:
            items = "".join(f"<li>{sentence()}</li>" for _ in range(rng.randint(2, 5)))
            body.append(f"<ol type=\"a\">{items}</ol>")
        elif r < 0.3:
            rows = "".join(f"<tr><td>{word()}</td><td>{sentence()}</td></tr>" for _ in range(rng.randint(2, 4)))
            body.append(f"<table>{rows}</table>")
    pdf = f'<p><a href="/files/doc{i % 300:04d}.pdf">{title} (PDF)</a></p>' if rng.random() < 0.3 else ""
    nav = "".join(f'<li><a href="/p{rng.randrange(n)}.html">{word().title()}</a></li>' for _ in range(5))
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title} | Town of {town}</title>"
            f"<style>body{{font-family:sans-serif}}</style></head><body>"
            f"<div class=cookie-banner>This site uses cookies. <button>Accept</button></div>"
            f"<header><a href=/>Town of {town}</a><nav><ul>{nav}</ul></nav></header>"
            f"<main><article><h1>{title}</h1>{''.join(body)}{pdf}</article></main>"
            f"<aside><h3>Quick links</h3><ul>{nav}</ul></aside>"
            f"<footer>Town of {town} &middot; 1 Main Street</footer><script>var x=1;</script></body></html>\n")

for i in range(n):
    with open(os.path.join(out, f"p{i:04d}.html"), "w") as f:
        f.write(page(i))
