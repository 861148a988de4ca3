#!/usr/bin/env bash
# Event backbone benchmarks (docs/benchmarks.md): relay throughput and end-to-end latency,
# PostgreSQL + RabbitMQ (the distributed mode) and SQLite + in-memory bus (the embedded mode).
# Needs the local PostgreSQL and RabbitMQ; each run makes two throw-away databases.
#   EVENTS=10000 RATE=200 SECONDS=10 bash bench/events.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export TIENDA_TEST_DATABASE_URL=${TIENDA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export TIENDA_TEST_AMQP_URL=${TIENDA_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
export RUST_LOG=${RUST_LOG:-warn}
cargo build --release --quiet -p platform --example event_relay
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
target/release/examples/event_relay
target/release/examples/event_relay --memory
