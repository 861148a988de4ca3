#!/usr/bin/env bash
# Login benchmarks for the identity service (docs/benchmarks.md):
#   1. login throughput: successful logins per second (argon2id, 19 MiB, t=2, p=1);
#   2. GET /health/live latency while a login flood overfills the hashing queue;
#   3. latency of a wrong password vs an unknown email (they must cost the same).
# Needs wrk (apt-get install wrk). Runs the release binary, embedded, on a throw-away data dir.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"
EMAIL="bench-$(date +%s)@example.com"
PASSWORD="violet tractor sundial"

cargo build --release --quiet
DATA=$(mktemp -d)
TIENDA_ADDR=127.0.0.1:$PORT TIENDA_DATA_DIR="$DATA" TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 \
  TIENDA_LOGIN_MAX_FAILURES_PER_ACCOUNT=1000000 TIENDA_LOGIN_MAX_FAILURES_PER_ADDRESS=1000000 \
  target/release/tienda >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE/health/live" >/dev/null && break; sleep 0.1; done
curl -fs -o /dev/null -X POST "$BASE/api/identity/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\"}"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== 1. login throughput: wrk -t2 -c8 -d$DURATION (correct password)"
wrk -t2 -c8 -d"$DURATION" -s bench/login.lua "$BASE/api/identity/login" -- "$EMAIL" "$PASSWORD" | tail -n 1

echo "== 2. login flood (wrk -t1 -c64) and, at the same time, GET /health/live (wrk -t1 -c4 --latency)"
wrk -t1 -c64 -d"$DURATION" -s bench/login.lua "$BASE/api/identity/login" -- "$EMAIL" "$PASSWORD" >/tmp/tienda-flood.txt &
FLOOD=$!
wrk -t1 -c4 -d"$DURATION" --latency "$BASE/health/live" | grep -E 'Requests/sec|^ +(50|90|99)%'
wait $FLOOD
echo "flood: $(tail -n 1 /tmp/tienda-flood.txt)"

echo "== 3. one client at a time: wrong password vs unknown email (wrk -t1 -c1 -d10s)"
echo -n "wrong password: "
wrk -t1 -c1 -d10s -s bench/login.lua "$BASE/api/identity/login" -- "$EMAIL" "not the password" | tail -n 1
echo -n "unknown email:  "
wrk -t1 -c1 -d10s -s bench/login.lua "$BASE/api/identity/login" -- "nobody-$(date +%s)@example.com" "not the password" | tail -n 1
