#!/usr/bin/env python3
"""The long matrix as a researcher loads it: `policyindex matrix --format csv --long` read
with Python's csv module, every row checked against the stored bytes.

Builds a small corpus through the command line (add, extract) from two fictional towns'
text files, then:
- the CSV parses as a table: one header, the same number of fields in every row, one row
  per municipality x Q1..Q7 (the registry's towns included), no formula left unguarded;
- every row with a quote traces to bytes: sha256(blobs/<sha256>) equals the sha256 cell,
  equals the sha256 of the file that was added, and the quote is in the extracted section;
- the two kinds of "no answer" differ: a silent town (an in-force relevant document, no word
  on the question) reads not_addressed, a town with nothing reads not_crawled;
- `--by provision` and `--by evidence` give their own rows, and JSON says total/omitted.
Usage: long_matrix_test.py POLICYINDEX
"""
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(data, *args):
    p = subprocess.run([BIN, "--data", data, "--quiet", *args], capture_output=True)
    if p.returncode != 0:
        sys.exit(f"policyindex {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return p.stdout.decode("utf-8")


with tempfile.TemporaryDirectory() as tmp:
    data = os.path.join(tmp, "data")
    docs = {
        "Abington": ("abington.txt",
                     "Section 1. Agreements\nThe Town shall not enter into any 287(g) agreement with "
                     "federal immigration authorities.\n\nSection 2. Detainers\nNo officer shall detain "
                     "any person solely on the basis of an ICE detainer.\n"),
        "Acton": ("acton.txt",
                  "Section 1. Status\nNo employee of the Town shall inquire about the immigration "
                  "status of any person.\n"),
    }
    sha_of_file = {}
    for town, (name, text) in docs.items():
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        sha_of_file[town] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        run(data, "add", path, "--town", town, "--type", "bylaw")
    run(data, "extract")
    run(data, "index")

    out = run(data, "matrix", "--format", "csv", "--long")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    header, body = rows[0], rows[1:]
    for col in ["town", "county", "key", "verdict", "state", "stance", "status", "quote", "title",
                "doc_type", "url", "version_id", "sha256", "section", "page", "adopted", "effective",
                "fetched_at", "version_url"]:
        check(col in header, f"long CSV has a {col} column")
    check(all(len(r) == len(header) for r in body), "every row has as many fields as the header")
    dicts = [dict(zip(header, r)) for r in body]
    towns = {d["town"] for d in dicts}
    check(len(towns) >= 351, f"every registry municipality is listed ({len(towns)})")
    check(len(dicts) == 7 * len(towns), f"one row per town x question ({len(dicts)} rows, {len(towns)} towns)")
    check(all(not d[c].startswith(("=", "+", "@")) for d in dicts for c in header), "no cell starts a formula")

    # Every row with a quote traces to bytes.
    traced = 0
    for d in dicts:
        if not d["quote"]:
            continue
        traced += 1
        blob = os.path.join(data, "blobs", d["sha256"][:2], d["sha256"])
        check(os.path.isfile(blob), f"{d['town']} {d['key']}: blob {d['sha256']} is stored")
        if os.path.isfile(blob):
            with open(blob, "rb") as f:
                raw = f.read()
            check(hashlib.sha256(raw).hexdigest() == d["sha256"], f"{d['town']} {d['key']}: sha256 of the blob is the cell")
            check(d["sha256"] == sha_of_file[d["town"]], f"{d['town']} {d['key']}: the cell is the added file's sha256")
        doc = json.loads(run(data, "history", d["document_id"], "--format", "json"))
        versions = [v["id"] for x in doc["documents"] for v in x["versions"]]
        check(d["version_id"] in versions, f"{d['town']} {d['key']}: version {d['version_id']} is the document's")
        check(d["version_url"].startswith(f"/documents/{d['document_id']}?version={d['version_id']}"),
              f"{d['town']} {d['key']}: the URL names that version ({d['version_url']})")
        check(d["start"] != "" and d["end"] != "" and int(d["start"]) < int(d["end"]),
              f"{d['town']} {d['key']}: offsets into the section")
    check(traced >= 3, f"at least three cells carry a quote ({traced})")

    by = {(d["town"], d["key"]): d for d in dicts}
    check(by[("Abington", "Q7")]["state"] == "green", "Abington Q7 is green from in-force text")
    check(by[("Abington", "Q7")]["status"] == "in_force", "its evidence is in force")
    check(by[("Acton", "Q7")]["state"] == "not_addressed", "Acton is silent on Q7: not_addressed")
    check(by[("Boston", "Q7")]["state"] == "not_crawled", "Boston (nothing fetched) is not_crawled, not silent")

    prov = list(csv.reader(io.StringIO(run(data, "matrix", "--format", "csv", "--long", "--by", "provision"), newline="")))
    check(len(prov) - 1 > len(dicts), "--by provision has more rows than --by question")
    ev = list(csv.reader(io.StringIO(run(data, "matrix", "--format", "csv", "--long", "--by", "evidence"), newline="")))
    check(len(ev) - 1 >= len(prov) - 1, "--by evidence has a row per piece of evidence")
    j = json.loads(run(data, "matrix", "--format", "json", "--long"))
    check(j["total"] == len(j["rows"]) == len(dicts) and j["omitted"] == 0, "JSON long matrix: total and omitted")

    # No silent caps in search CSV: the rest is announced on stderr.
    p = subprocess.run([BIN, "--data", data, "--quiet", "search", "", "--town", "Abington", "--limit", "1",
                        "--format", "csv"], capture_output=True)
    check(p.returncode == 0, f"search exits 0 ({p.stderr.decode()})")
    lines = list(csv.reader(io.StringIO(p.stdout.decode(), newline="")))
    check(len(lines) == 2, f"search --limit 1 writes one hit ({len(lines) - 1})")
    check("left out" in p.stderr.decode() and "--all" in p.stderr.decode(),
          f"search --limit 1 says what it left out and how to get it ({p.stderr.decode()!r})")
    p = subprocess.run([BIN, "--data", data, "--quiet", "search", "", "--town", "Abington", "--limit", "1", "--all",
                        "--format", "csv"], capture_output=True)
    every = list(csv.reader(io.StringIO(p.stdout.decode(), newline="")))
    check(len(every) - 1 >= 2 and p.stderr.decode() == "", f"search --all writes every hit ({len(every) - 1})")
    h = dict(zip(every[0], every[1]))
    check(h.get("sha256") == sha_of_file["Abington"], "a search hit carries the sha256 of its stored bytes")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("long matrix: ok")
