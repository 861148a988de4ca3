#!/usr/bin/env bash
# Checkout throughput (docs/benchmarks.md): customers adding a book and checking out in a loop,
# against the embedded binary (SQLite, one process) and against identity, catalog and orders as
# three `tienda serve` processes on PostgreSQL and RabbitMQ (the local servers; throw-away
# databases and a throw-away exchange per run).
#   CUSTOMERS=16 SECONDS=30 bash bench/checkout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${CUSTOMERS:-16}
SECONDS_PER_RUN=${SECONDS:-30}
PG=${TIENDA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
AMQP=${TIENDA_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
export ADMIN_EMAIL=bench@example.com ADMIN_PASSWORD="bench granite willow 9"
cargo build --release --quiet -p tienda --bin tienda --example checkout_bench
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts `tienda SERVE...` with the environment given; sets `url` to its base URL.
start() {
  local log="$work/$RANDOM.log"
  env "$@" TIENDA_ADDR=127.0.0.1:0 TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 target/release/tienda "${SERVE[@]}" >"$log" 2>&1 &
  pids+=($!)
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://[0-9.:]*' "$log" | head -1 || true)
    if [ -n "$url" ]; then return; fi
    sleep 0.1
  done
  cat "$log" >&2; exit 1
}

echo "== embedded: one process, SQLite"
SERVE=(all)
start TIENDA_DATA_DIR="$work/data" TIENDA_DEMO_DATA=false TIENDA_ADMIN_EMAIL=$ADMIN_EMAIL TIENDA_ADMIN_PASSWORD="$ADMIN_PASSWORD"
target/release/examples/checkout_bench "$url" "$url" "$url" "$CUSTOMERS" "$SECONDS_PER_RUN"
kill "${pids[@]}"; wait 2>/dev/null || true; pids=()

echo "== distributed: identity, catalog, orders processes; PostgreSQL; RabbitMQ"
run=bench_$(date +%s)
for service in identity catalog orders; do
  psql "$PG" -qc "CREATE DATABASE ${run}_$service" >/dev/null
done
db() { echo "${PG%/*}/${run}_$1"; }
openssl genpkey -algorithm ed25519 -out "$work/jwt.pem" 2>/dev/null
common=(TIENDA_AMQP_URL="$AMQP" TIENDA_AMQP_EXCHANGE="$run.events" TIENDA_AMQP_QUEUE_PREFIX="$run" TIENDA_SERVICE_SECRET=bench-secret)
SERVE=(serve identity)
start "${common[@]}" TIENDA_DATABASE_URL="$(db identity)" TIENDA_JWT_KEY_FILE="$work/jwt.pem" TIENDA_ADMIN_EMAIL=$ADMIN_EMAIL TIENDA_ADMIN_PASSWORD="$ADMIN_PASSWORD"
identity=$url
SERVE=(serve catalog)
start "${common[@]}" TIENDA_DATABASE_URL="$(db catalog)" TIENDA_IDENTITY_URL="$identity"
catalog=$url
SERVE=(serve orders)
start "${common[@]}" TIENDA_DATABASE_URL="$(db orders)" TIENDA_IDENTITY_URL="$identity" TIENDA_CATALOG_URL="$catalog"
orders=$url
target/release/examples/checkout_bench "$identity" "$catalog" "$orders" "$CUSTOMERS" "$SECONDS_PER_RUN"
kill "${pids[@]}"; wait 2>/dev/null || true; pids=()
for service in identity catalog orders; do
  psql "$PG" -qc "DROP DATABASE ${run}_$service" >/dev/null
done
if command -v rabbitmqctl >/dev/null; then
  for queue in $(rabbitmqctl -q list_queues name 2>/dev/null | grep "^$run" || true); do
    rabbitmqctl -q delete_queue "$queue" >/dev/null 2>&1 || true
  done
fi
