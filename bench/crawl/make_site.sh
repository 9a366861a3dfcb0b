#!/usr/bin/env bash
# The crawler benchmark's site: HOSTS loopback hosts (127.0.0.10...) with DOCS_PER_HOST
# documents each (half "PDFs" of 5-500 KB, half HTML pages of 5-50 KB) and an index page of
# "General Order N" links; WORK/www and WORK/nginx.conf (nginx in the foreground).
# Used by bench/crawl/run.sh and bench/refresh/run.sh.
#
# Usage: make_site.sh WORK HOSTS DOCS_PER_HOST PORT   (ACCESS_LOG=1: log to WORK/logs/access.log)
set -euo pipefail
work=$1; hosts=$2; per_host=$3; port=$4
access_log="access_log off;"
[ "${ACCESS_LOG:-0}" = 1 ] && access_log="access_log $work/logs/access.log;"

rm -rf "$work"; mkdir -p "$work"/{www,logs,tmp}
# The corpus: per host an index page of "General Order N" links; half PDFs (5-500 KB,
# log-uniform), half HTML pages (5-50 KB).
python3 - "$work/www" "$hosts" "$per_host" <<'PY'
import os, random, sys, math
root, hosts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
words = "ordinance police policy detainer town meeting clerk section civil order information sharing".split()
def size(lo, hi): return int(math.exp(random.uniform(math.log(lo), math.log(hi))))
total = 0
for h in range(hosts):
    d = os.path.join(root, f"h{h}"); os.makedirs(d)
    links = []
    for i in range(per):
        if i % 2 == 0:
            n = size(5_000, 500_000); name = f"go-{i}.pdf"
            body = b"%PDF-1.4\n" + os.urandom(n - 9)
        else:
            n = size(5_000, 50_000); name = f"policy-{i}.html"
            text = " ".join(random.choice(words) for _ in range(n // 7))
            body = ("<html><body><p>" + text + "</p></body></html>").encode()[:n]
        open(os.path.join(d, name), "wb").write(body); total += len(body)
        links.append(f"<a href='/{name}'>General Order {i}</a>")
    open(os.path.join(d, "index.html"), "w").write("<html><body>" + "\n".join(links) + "</body></html>")
print(f"corpus: {hosts} hosts x {per} documents, {total/1e6:.0f} MB", file=sys.stderr)
PY

{
  echo "worker_processes 2; daemon off; pid $work/nginx.pid; error_log $work/logs/error.log;"
  [ "$(id -u)" = 0 ] && echo "user root;"
  echo "events { worker_connections 4096; }"
  echo "http { $access_log sendfile on; tcp_nopush on; keepalive_requests 100000;"
  echo "  types { text/html html; application/pdf pdf; }"
  for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $work/tmp;"; done
  for ((h = 0; h < hosts; h++)); do
    echo "  server { listen 127.0.0.$((10 + h)):$port; root $work/www/h$h; }"
  done
  echo "}"
} > "$work/nginx.conf"
