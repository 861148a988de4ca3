#!/usr/bin/env bash
# Tienda's /health/live beside nginx answering a constant JSON body, in the same run, with the
# same load (docs/benchmarks.md). nginx runs one worker: one core's worth, as Tienda's two tokio
# workers share the machine's two cores with wrk. Prints both rates and Tienda's share of nginx.
#   SECONDS_EACH=20 CONNECTIONS=16 bash bench/compare.sh
# Needs wrk and nginx (Debian: apt-get install wrk nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx.sh
seconds=${SECONDS_EACH:-20}
connections=${CONNECTIONS:-16}
cargo build --release --locked --quiet --bin tienda
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

TIENDA_ADDR=127.0.0.1:18091 TIENDA_DATA_DIR="$work/data" TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 \
  target/release/tienda >"$work/tienda.log" 2>&1 &
pids+=($!)
start_nginx "$work" <<'CONF'
  server {
    listen 127.0.0.1:18092;
    location / {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }
  }
CONF
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:18091/health/live >/dev/null && curl -sf http://127.0.0.1:18092/ >/dev/null && break
  sleep 0.2
done

rate() {
  wrk -t2 -c"$connections" -d2s "$1" >/dev/null # warm up
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" | awk '
    /Requests\/sec/ {rate = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
    END {printf "%s %s %s\n", rate, p50, p99}'
}
read -r nginx_rate nginx_p50 nginx_p99 < <(rate http://127.0.0.1:18092/)
read -r tienda_rate tienda_p50 tienda_p99 < <(rate http://127.0.0.1:18091/health/live)
echo "wrk -t2 -c$connections -d${seconds}s, $(nproc) cores"
echo
echo "| Server | Requests/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| nginx, one worker, constant JSON | $nginx_rate | $nginx_p50 | $nginx_p99 |"
echo "| tienda, GET /health/live | $tienda_rate | $tienda_p50 | $tienda_p99 |"
echo
awk -v t="$tienda_rate" -v n="$nginx_rate" 'BEGIN {printf "tienda / nginx: %.0f%%\n", 100 * t / n}'
