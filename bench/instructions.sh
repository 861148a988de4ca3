#!/usr/bin/env bash
# Instructions the server spends per request on one path, counted by callgrind: unlike a
# throughput figure, the count repeats to within a few percent whatever else the machine is
# doing, so two builds (or two settings) can be compared on a busy machine.
#
#   bash bench/instructions.sh [PATH] [REQUESTS]        (default /health/live, 2000)
#   TIENDA_BIN=/other/build/tienda bash bench/instructions.sh ...
#
# The shop starts without demo data under valgrind, takes 50 requests to warm up, then the
# counters are zeroed, REQUESTS keep-alive GETs are sent and the counters dumped. Extra
# TIENDA_* settings in the environment reach the server (TIENDA_RATE_LIMIT_PER_SECOND=0 is the
# default here; set it to a rate nobody reaches to count the limits' checks).
set -euo pipefail
cd "$(dirname "$0")/.."
path=${1:-/health/live}
requests=${2:-2000}
bin=${TIENDA_BIN:-target/release/tienda}
[ -n "${TIENDA_BIN:-}" ] || cargo build --release --quiet
port=${PORT:-18990}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TIENDA_ADDR=127.0.0.1:$port TIENDA_DATA_DIR="$work/data" TIENDA_LOG=warn \
  TIENDA_RATE_LIMIT_PER_SECOND=${TIENDA_RATE_LIMIT_PER_SECOND:-0} TIENDA_DEMO_DATA=false \
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$bin" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.5; done
send() {
  python3 - "$port" "$path" "$1" <<'PY'
import http.client, sys
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[3])):
    connection.request("GET", sys.argv[2])
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
PY
}
send 50
callgrind_control -z "$pid" >/dev/null
send "$requests"
callgrind_control -d "$pid" >/dev/null
sleep 1
kill "$pid"
wait "$pid" 2>/dev/null || true
total=$(grep -h '^summary:' "$work/callgrind.out.1" | awk '{print $2}')
echo "$bin GET $path: $((total / requests)) instructions per request ($requests requests)"
