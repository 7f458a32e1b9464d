#!/bin/bash
# The HTTP floor of this machine: how many requests per second `netlearn serve` answers when a request does no work
# at all (GET /v2/health/live, empty body), with wrk on the same cores. No server that parses a body and runs a model
# can answer more requests than this; compare it with the 64-row target (50 % of in-process Predict rows/s ÷ 64).
# Usage: bench/quiet bench/serving/http_floor.sh MODEL.nlm   (after building the CLI in Release)
set -euo pipefail
MODEL=${1:?usage: http_floor.sh MODEL.nlm}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI=$ROOT/src/NetLearn.Cli/bin/Release/net10.0/netlearn.dll
PORT=${PORT:-18931}
[ -f "$MODEL" ] || { echo "http_floor.sh: model file $MODEL not found (run bench/serving/run.py prepare WORK first)" >&2; exit 2; }
[ -f "$CLI" ] || { echo "http_floor.sh: $CLI not built (run: bench/heavy dotnet build -c Release src/NetLearn.Cli)" >&2; exit 2; }
DOTNET_TC_CallCountingDelayMs=0 dotnet "$CLI" serve --model "$MODEL" --name m --port "$PORT" > /tmp/netlearn-http-floor.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
ready=0
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/health/live" > /dev/null && { ready=1; break; }; sleep 0.2; done
[ "$ready" = 1 ] || { echo "http_floor.sh: the server did not become live on port $PORT; see /tmp/netlearn-http-floor.log" >&2; exit 1; }
wrk -t2 -c16 -d2s "http://127.0.0.1:$PORT/v2/health/live" > /dev/null   # warm-up
for c in 1 16 64; do
  t=2; [ "$c" = 1 ] && t=1
  echo "== GET /v2/health/live, $c connection(s)"
  wrk -t$t -c$c -d5s --latency "http://127.0.0.1:$PORT/v2/health/live" | grep -E 'Requests/sec|99%'
done
