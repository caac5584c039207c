#!/usr/bin/env bash
# Stops the API and worker that `npm run demo` left running.
set -uo pipefail
cd "$(dirname "$0")/.."
quiet=${1:-}
for name in api worker; do
  pidfile=.demo/$name.pid
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    [[ $quiet == quiet ]] || echo "Stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
done
