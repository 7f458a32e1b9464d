#!/usr/bin/env bash
# LSTM forecasting benchmark: NetLearn.Deep vs a linear baseline and PyTorch, side by side.
# Usage: bench/NetLearn.Deep.Bench/run_weather.sh [EPOCHS] [THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
epochs="${1:-40}"; threads="${2:-1}"; csv="$here/data/seattle-weather.csv"
dotnet build -c Release "$here/NetLearn.Deep.Bench.csproj" -v q -nologo >/dev/null
flock /tmp/netlearn-bench.lock bash -c "
  dotnet '$here/bin/Release/net10.0/NetLearn.Deep.Bench.dll' weather '$csv' $epochs $threads
  /usr/bin/python3 '$here/weather_peer.py' '$csv' $epochs $threads
" | tee /tmp/netlearn-weather-bench.log
nl=$(grep '^netlearn lstm' /tmp/netlearn-weather-bench.log | awk '{print $6}')
pt=$(grep '^pytorch lstm' /tmp/netlearn-weather-bench.log | awk '{print $6}')
nlc=$(grep '^netlearn lstm' /tmp/netlearn-weather-bench.log | awk '{print $4}')
ptc=$(grep '^pytorch lstm' /tmp/netlearn-weather-bench.log | awk '{print $4}')
echo "epoch wall seconds: netlearn $nl pytorch $pt ratio $(python3 -c "print(round($nl/$pt, 3))"); CPU seconds per epoch: netlearn $nlc pytorch $ptc ratio $(python3 -c "print(round($nlc/$ptc, 3))")"
