# Sourced by the benchmarks that measure beside nginx (compare.sh, gateway.sh).
# start_nginx WORK_DIR: starts nginx in the foreground of a background job, one worker, no access
# log, files in WORK_DIR, with the http block's body read from standard input; appends its pid to
# the caller's `pids` array.
start_nginx() {
  local work=$1
  {
    printf 'worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log;\n' "$work" "$work"
    printf 'events { worker_connections 1024; }\nhttp {\n  access_log off;\n'
    cat
    printf '}\n'
  } >"$work/nginx.conf"
  nginx -c "$work/nginx.conf" -g 'daemon off;' &
  pids+=($!)
}
