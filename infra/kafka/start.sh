#!/usr/bin/env bash
# Start a single-node Kafka broker in the background (via broker.mjs) and print
#   KAFKA_BOOTSTRAP=127.0.0.1:PORT
# e.g.  eval "$(infra/kafka/start.sh)"  ...  infra/kafka/stop.sh
# State (pid, output) lives in $TRIBUTARY_KAFKA_STATE_DIR (default: ${TMPDIR:-/tmp}/tributary-kafka.cli).
# Extra arguments go to `broker.mjs start` (e.g. --port=9092).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${TRIBUTARY_KAFKA_STATE_DIR:-${TMPDIR:-/tmp}/tributary-kafka.cli}"
mkdir -p "$STATE"

if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
  echo "start.sh: a broker is already running (pid $(cat "$STATE/pid")); stop it with stop.sh" >&2
  cat "$STATE/env"
  exit 0
fi

rm -f "$STATE/env"
nohup node "$HERE/broker.mjs" start "$@" >"$STATE/out" 2>"$STATE/err" </dev/null &
pid=$!
echo "$pid" >"$STATE/pid"

for _ in $(seq 1 1200); do # up to 120 s (the jar download on first use is included)
  if grep -q '^KAFKA_BOOTSTRAP=' "$STATE/out" 2>/dev/null; then
    grep '^KAFKA_BOOTSTRAP=' "$STATE/out" >"$STATE/env"
    cat "$STATE/env"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start.sh: broker.mjs exited before the broker was ready:" >&2
    cat "$STATE/err" >&2
    rm -f "$STATE/pid"
    exit 1
  fi
  sleep 0.1
done
echo "start.sh: timed out waiting for the broker; see $STATE/err" >&2
kill -TERM "$pid" 2>/dev/null || true
exit 1
