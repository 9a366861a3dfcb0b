#!/usr/bin/env python3
"""The statewide simulation's web: 351 fictional town hosts and a few platform hosts (code
libraries, agenda centres) on loopback, one asyncio process.

Each host is a loopback address of its own (towns 127.0.1.1 ..., platforms 127.0.9.1 ...),
all on one port. Towns link to the platforms by name (platform-K.s3.amazonaws.com, a
document host the crawl follows off site, as it follows a real code or file host; an
address is nobody's platform): the crawl maps the names with --resolve. Per host, a generated site
(fixed by --seed): a home page linking the town's bylaw PDFs, a "Police Department" page
linking its general orders, and links to the town's code on one of the platforms. Each
host answers after its own latency (log-uniform 20-400 ms, the first byte), pages are 5-50
KB, PDFs 10-200 KB (log-uniform). robots.txt disallows /private/.

Writes MANIFEST (JSON): per host its address, latency and the requests a complete crawl of
it needs (robots.txt included); logs every request (time, host, path) to LOG.

Usage: serve.py PORT MANIFEST LOG [--towns 351] [--platforms 4] [--seed 1]
"""
import argparse
import asyncio
import hashlib
import json
import math
import random
import signal
import time

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("manifest")
p.add_argument("log")
p.add_argument("--towns", type=int, default=351)
p.add_argument("--platforms", type=int, default=4)
p.add_argument("--seed", type=int, default=1)
args = p.parse_args()
rng = random.Random(args.seed)


def log_uniform(lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def town_addr(i):  # 1-based
    return "127.0.%d.%d" % (1 + (i - 1) // 250, 1 + (i - 1) % 250)


def platform_addr(k):  # 0-based
    return "127.0.9.%d" % (1 + k)


def platform_name(k):  # the name towns link to; the crawl resolves it to platform_addr(k)
    return "platform-%d.s3.amazonaws.com" % k


PLATFORM_NAMES = ["codelibrary", "agendacenter", "recordsportal", "policyportal"]
BLOCK = rng.randbytes(1 << 20)

sites = {}  # addr -> {"latency": s, "pages": {path: (type, size, links)}}


def add_host(addr, latency):
    sites[addr] = {"latency": latency, "pages": {}}
    return sites[addr]["pages"]


platform_pages = [add_host(platform_addr(k), log_uniform(0.03, 0.25)) for k in range(args.platforms)]
for i in range(1, args.towns + 1):
    addr = town_addr(i)
    pages = add_host(addr, log_uniform(0.02, 0.4))
    bylaws = ["/documents/bylaw-%d.pdf" % n for n in range(int(log_uniform(2, 16)))]
    orders = ["/police/general-order-%d.pdf" % n for n in range(int(log_uniform(2, 24)))]
    for d in bylaws + orders:
        pages[d] = ("application/pdf", int(log_uniform(10_000, 200_000)), [])
    # The town's code on a platform: a few chapters as PDFs there.
    k = rng.randrange(args.platforms) if args.platforms else None
    code = []
    if k is not None and rng.random() < 0.3:
        for n in range(rng.randint(1, 2)):
            path = "/town-%03d/chapter-%d.pdf" % (i, n)
            platform_pages[k][path] = ("application/pdf", int(log_uniform(10_000, 200_000)), [])
            code.append("http://%s:%d%s" % (platform_name(k), args.port, path))
    home_links = [("/police/", "Police Department policies and general orders")]
    home_links += [(b, "General Bylaws chapter %d" % n) for n, b in enumerate(bylaws)]
    home_links += [(u, "Code of Bylaws chapter %d (%s)" % (n, PLATFORM_NAMES[k]))
                   for n, u in enumerate(code)]
    home_links += [("/private/staff", "Staff login"), ("/news/", "News")]
    pages["/"] = ("text/html", int(log_uniform(5_000, 50_000)), home_links)
    pages["/police/"] = ("text/html", int(log_uniform(5_000, 50_000)),
                         [(o, "General Order %d" % n) for n, o in enumerate(orders)])

# The requests a complete crawl needs, per host: robots.txt and every page and document.
manifest = {"port": args.port, "hosts": []}
for addr, site in sites.items():
    manifest["hosts"].append({"addr": addr, "name": platform_name(int(addr.split(".")[-1]) - 1)
                              if addr.startswith("127.0.9.") else addr, "latency_s": round(site["latency"], 4),
                              "requests": 1 + len(site["pages"]),
                              "bytes": sum(v[1] for v in site["pages"].values()),
                              "platform": addr.startswith("127.0.9.")})
with open(args.manifest, "w") as f:
    json.dump(manifest, f)


def body_of(addr, path, ctype, size, links):
    if ctype == "text/html":
        words = ("The town meeting voted on the warrant article. The select board met. ")
        html = "<html><head><title>%s %s</title></head><body><h1>Town at %s</h1><ul>" % (addr, path, addr)
        html += "".join("<li><a href=\"%s\">%s</a></li>" % (u, a) for u, a in links)
        html += "</ul><p>"
        while len(html) < size:
            html += words
        return (html + "</p></body></html>").encode()
    off = int(hashlib.sha1((addr + path).encode()).hexdigest()[:6], 16) % (len(BLOCK) - 1)
    out = b"%PDF-1.4\n"
    while len(out) < size:
        out += BLOCK[off:off + size - len(out)]
        off = 0
    return out


logf = open(args.log, "w", buffering=1 << 16)
t_start = time.monotonic()


async def handle(reader, writer):
    addr = writer.get_extra_info("sockname")[0]
    site = sites.get(addr)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            path = line.split(" ")[1] if " " in line else "/"
            t = time.monotonic()
            logf.write("%.4f %s %s\n" % (t - t_start, addr, path))
            await asyncio.sleep(site["latency"])
            status, ctype, body = "200 OK", "text/plain", b""
            if path == "/robots.txt":
                body = b"User-agent: *\nDisallow: /private/\n"
            elif path in site["pages"]:
                ctype, size, links = site["pages"][path]
                body = body_of(addr, path, ctype, size, links)
            else:
                status, body = "404 Not Found", b"not found"
            writer.write(("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                          % (status, ctype, len(body))).encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    servers = [await asyncio.start_server(handle, addr, args.port, backlog=256) for addr in sites]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("serving %d hosts on port %d" % (len(servers), args.port), flush=True)
    await stop.wait()
    for s in servers:
        s.close()


asyncio.run(main())
logf.close()
