#!/usr/bin/env bash
# Catalog search benchmarks (docs/benchmarks.md): 100,000 products, text searches and filtered
# pages through the HTTP stack, on SQLite and on PostgreSQL (the local server; a throw-away
# database per run).   PRODUCTS=100000 REQUESTS=200 bash bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export TIENDA_TEST_DATABASE_URL=${TIENDA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export RUST_LOG=${RUST_LOG:-warn}
cargo build --release --quiet -p catalog --example search_bench
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
target/release/examples/search_bench sqlite
target/release/examples/search_bench postgres
