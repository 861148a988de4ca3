#!/usr/bin/env bash
# The gateway's cost per request, beside nginx proxy_pass measured in the same run: one embedded
# Tienda as the upstream; wrk against it directly, through `tienda gateway`, and through nginx
# (keep-alive to the upstream, as the gateway does). For each proxy: requests/s, latency, and
# the CPU seconds the proxy process spent per 1,000 requests (from /proc/<pid>/stat).
# Needs wrk and nginx (Debian: apt-get install wrk nginx). SECONDS_EACH, CONNECTIONS, PATH_UNDER_TEST.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx.sh
seconds=${SECONDS_EACH:-20}
connections=${CONNECTIONS:-32}
path=${PATH_UNDER_TEST:-/api/catalog/categories}
cargo build --release --locked --bin tienda >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

TIENDA_ADDR=127.0.0.1:18080 TIENDA_DATA_DIR="$work/data" TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 \
  target/release/tienda >/dev/null 2>&1 &
pids+=($!)
upstream=http://127.0.0.1:18080
TIENDA_ADDR=127.0.0.1:18081 TIENDA_LOG=warn TIENDA_RATE_LIMIT_PER_SECOND=0 \
  TIENDA_IDENTITY_URL=$upstream TIENDA_CUSTOMERS_URL=$upstream TIENDA_CATALOG_URL=$upstream \
  TIENDA_ORDERS_URL=$upstream TIENDA_SUPPORT_URL=$upstream TIENDA_WEB_URL=$upstream \
  target/release/tienda gateway >/dev/null 2>&1 &
gateway=$!
pids+=($gateway)
start_nginx "$work" <<'CONF'
  upstream tienda { server 127.0.0.1:18080; keepalive 64; }
  server {
    listen 127.0.0.1:18082;
    location / {
      proxy_pass http://tienda;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
CONF
for _ in $(seq 1 60); do
  curl -sf http://127.0.0.1:18081/health/ready >/dev/null && curl -sf http://127.0.0.1:18082/health/live >/dev/null && break
  sleep 1
done
nginx_worker=$(pgrep -f "nginx: worker process" | head -n 1)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() {
  local name=$1 port=$2 pid=${3:-}
  wrk -t1 -c8 -d3s "http://127.0.0.1:$port$path" >/dev/null # warm up
  local before=0
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
  local requests rate p50 p99 per_thousand="-"
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  if [ -n "$pid" ]; then
    local ticks=$(( $(cpu_ticks "$pid") - before ))
    per_thousand=$(awk -v t="$ticks" -v r="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", t / hz / r * 1000}')
  fi
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$rate" "$p50" "$p99" "$per_thousand"
}
echo "GET $path, wrk -t2 -c$connections -d${seconds}s, $(nproc) cores"
echo
echo "| Path | Requests/s | p50 | p99 | Proxy CPU s per 1,000 requests |"
echo "|---|---|---|---|---|"
run "direct to the upstream" 18080
run "through tienda gateway" 18081 "$gateway"
run "through nginx proxy_pass" 18082 "$nginx_worker"
