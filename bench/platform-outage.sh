#!/usr/bin/env bash
# The platform down for a long time (default 10 minutes) while a home keeps measuring:
# the real service (main.ts) and the real gateway CLI (one simulated home, a reading every 10 s).
# Prints what waited in the gateway's outbox, how fast it flushed, and whether anything doubled.
# Usage: bash bench/platform-outage.sh [outage seconds]   (not part of npm test or npm run bench)
set -u
cd "$(dirname "$0")/.."
OUTAGE=${1:-600}
D=$(mktemp -d /tmp/tm-outage-XXXX); HOMES=$D/homes
export PORT=${PORT:-13050} MQTT_PORT=${MQTT_PORT:-18850} DATA_DIR=$D/platform DEMO=1 SIMULATE=0 LOG_LEVEL=warn

start_platform() {
  node -r @swc-node/register apps/ingestion/src/main.ts > "$D/platform.log" 2>&1 & echo $! > "$D/platform.pid"
  for _ in $(seq 1 120); do curl -sf "localhost:$PORT/api/health" >/dev/null && return 0; sleep 1; done
  echo "the platform did not come up; see $D/platform.log"; exit 1
}
spo2_counts() {
  local token
  token=$(curl -s -X POST "localhost:$PORT/api/auth/login" -H 'content-type: application/json' -d '{"username":"nurse","password":"nurse"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s "localhost:$PORT/api/patients/pt-001/observations?code=59408-5&limit=10000" -H "authorization: Bearer $token" \
    | node -pe 'const r=JSON.parse(require("fs").readFileSync(0)); const ids=r.map(o=>o.measurementId); ids.length+" SpO2 observations of "+new Set(ids).size+" distinct measurements"'
}
pending() { find "$HOMES" -path '*outbox/pending/*.json' 2>/dev/null | wc -l; }

start_platform
node apps/gateway/bin/tm-gateway.js run --simulate --patients 1 --broker "mqtt://127.0.0.1:$MQTT_PORT" --data-dir "$HOMES" --interval 10 --no-backfill > "$D/homes.log" 2>&1 &
HOMES_PID=$!
sleep 60; echo "$(date +%T) before the outage: $(spo2_counts); waiting in the outbox: $(pending)"
kill -TERM "$(cat "$D/platform.pid")"; wait "$(cat "$D/platform.pid")" 2>/dev/null
echo "$(date +%T) platform stopped for ${OUTAGE}s"
sleep "$OUTAGE"; echo "$(date +%T) waiting in the outbox: $(pending)"
start_platform; echo "$(date +%T) platform back"
for i in $(seq 1 120); do [ "$(pending)" = 0 ] && break; sleep 1; done
echo "$(date +%T) outbox empty after ${i}s: $(spo2_counts)"
kill -TERM "$HOMES_PID"; kill -TERM "$(cat "$D/platform.pid")"
