#!/usr/bin/env bash
# The embedded shop under wrk, every row of the performance table in one run (docs/benchmarks.md):
# /health/live, a product by id, a listing of 20, customer creates (unique emails, then emails
# every connection shares), checkouts (crates/tienda/examples/checkout_bench.rs), and the
# process's memory (VmRSS) idle and after the writes. One `tienda` with demo data in a
# throw-away data dir.
#   SECONDS_EACH=20 CONNECTIONS=16 bash bench/shop.sh
# Needs wrk (Debian: apt-get install wrk). TIENDA_BIN runs another build of the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_EACH:-20}
connections=${CONNECTIONS:-16}
port=${PORT:-18090}
export ADMIN_EMAIL=bench@example.com ADMIN_PASSWORD="bench granite willow 9"
cargo build --release --locked --quiet -p tienda --bin tienda --example checkout_bench
binary=${TIENDA_BIN:-target/release/tienda}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

TIENDA_ADDR=127.0.0.1:$port TIENDA_DATA_DIR="$work/data" TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 \
  TIENDA_ADMIN_EMAIL=$ADMIN_EMAIL TIENDA_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  "$binary" >"$work/tienda.log" 2>&1 &
pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do curl -sf "$base/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$base/health/ready" >/dev/null || { cat "$work/tienda.log"; exit 1; }

rss() { awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$pid/status"; }
token=$(curl -sf "$base/api/identity/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
product=$(curl -sf "$base/api/catalog/products?limit=1" | grep -o '"id":"[0-9a-f-]*"' | head -n 1 | cut -d'"' -f4)

# One wrk run: a table row of requests/s, p50, p99, max and what the script printed.
run() {
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  local rate p50 p99 max note
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  max=$(awk '$1 == "Latency" {print $4}' <<<"$out")
  note=$(grep -E '^answers|Non-2xx' <<<"$out" | tr '\n' ' ' || true)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rate" "$p50" "$p99" "$max" "$note"
}

sleep 5
echo "$(nproc) cores; wrk -t2 -c$connections -d${seconds}s; $(git log -1 --format='%h %s' | cut -c1-72)"
echo "memory idle: $(rss), $(threads) threads"
echo
echo "| Request | Requests/s | p50 | p99 | max | answers |"
echo "|---|---|---|---|---|---|"
wrk -t1 -c4 -d2s "$base/api/catalog/products?limit=20" >/dev/null # warm up
run "GET /health/live" "$base/health/live"
run "GET a product by id" "$base/api/catalog/products/$product"
run "GET a listing of 20" "$base/api/catalog/products?limit=20"
run "POST a customer, unique emails" -s bench/customers.lua "$base/api/customers" -- "$token"
run "POST a customer, 4 shared emails" -s bench/customers.lua "$base/api/customers" -- "$token" 4
echo
echo "memory after the creates: $(rss), $(threads) threads"
echo
echo "checkouts, $connections customers, ${seconds} s:"
target/release/examples/checkout_bench "$base" "$base" "$base" "$connections" "$seconds"
echo
echo "memory after the checkouts: $(rss), $(threads) threads"
