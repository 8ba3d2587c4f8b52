#!/usr/bin/env bash
# Stop the broker started by start.sh (SIGTERM to broker.mjs, which stops the broker cleanly
# and removes its temp dir; SIGKILL after 30 s).
set -euo pipefail
STATE="${TRIBUTARY_KAFKA_STATE_DIR:-${TMPDIR:-/tmp}/tributary-kafka.cli}"
if [ ! -f "$STATE/pid" ]; then
  echo "stop.sh: no broker started by start.sh is running" >&2
  exit 0
fi
pid="$(cat "$STATE/pid")"
if kill -TERM "$pid" 2>/dev/null; then
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop.sh: broker.mjs (pid $pid) did not exit in 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true # its watchdog then kills the broker and removes the temp dir
  fi
fi
rm -f "$STATE/pid" "$STATE/env"
echo "stop.sh: stopped" >&2
