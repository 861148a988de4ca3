#!/usr/bin/env bash
# Website benchmarks (docs/benchmarks.md): pages per second and latency of the home page, a
# search and a product page, and the weight of each page without images, on the embedded shop
# with its demo data. Needs wrk (apt-get install wrk). Runs the release binary on a throw-away
# data dir. Each wrk run is a first visit per connection (no cookie: the session id is made and
# sent, no row is written), as a crawler or a new visitor sees the pages.
#   DURATION=20s CONNECTIONS=16 bash bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18081}
BASE="http://127.0.0.1:$PORT"

cargo build --release --quiet
DATA=$(mktemp -d)
TIENDA_ADDR=127.0.0.1:$PORT TIENDA_DATA_DIR="$DATA" TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 target/release/tienda >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE/health/live" >/dev/null && break; sleep 0.1; done
PRODUCT=$(curl -fs "$BASE/api/catalog/products?q=quixote" | sed 's/.*"items":\[{"id":"\([^"]*\)".*/\1/')

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for page in "/" "/products?q=austen" "/products/$PRODUCT"; do
  html=$(curl -fs -o /dev/null -w '%{size_download}' "$BASE$page")
  css=$(curl -fs -o /dev/null -w '%{size_download}' "$BASE/static/site.css")
  js=$(curl -fs -o /dev/null -w '%{size_download}' "$BASE/static/site.js")
  icon=$(curl -fs -o /dev/null -w '%{size_download}' "$BASE/static/icon.svg")
  gz=$(curl -fs "$BASE$page" | gzip -9 | wc -c)
  echo "== $page: HTML $html bytes ($gz gzipped); with CSS, JS and icon $((html + css + js + icon)) bytes"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$page" |
    grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%'
done
echo "== memory: $(grep VmRSS /proc/$PID/status)"
