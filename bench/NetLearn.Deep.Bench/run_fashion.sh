#!/usr/bin/env bash
# Fashion-MNIST CNN: NetLearn.Deep and PyTorch side by side, same network, batch size (128), optimiser, schedule and
# thread count. Usage: bench/NetLearn.Deep.Bench/run_fashion.sh [DATA_DIR] [EPOCHS] [THREADS] [TRAIN_ROWS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"; epochs="${2:-10}"; threads="${3:-2}"; rows="${4:-60000}"
dotnet build -c Release "$here/NetLearn.Deep.Bench.csproj" -v q -nologo >/dev/null
flock /tmp/netlearn-bench.lock bash -c "
  dotnet '$here/bin/Release/net10.0/NetLearn.Deep.Bench.dll' fashion '$data' $epochs $threads $rows
  /usr/bin/python3 '$here/fashion_peer.py' '$data' $epochs $threads $rows
" | tee /tmp/netlearn-fashion-bench.log
nl=$(grep '^netlearn test_accuracy' /tmp/netlearn-fashion-bench.log | awk '{print $5}')
pt=$(grep '^pytorch test_accuracy' /tmp/netlearn-fashion-bench.log | awk '{print $5}')
echo "epoch seconds: netlearn $nl pytorch $pt ratio $(python3 -c "print(round($nl/$pt, 3))")"
