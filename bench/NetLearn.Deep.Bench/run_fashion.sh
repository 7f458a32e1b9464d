#!/usr/bin/env bash
# Fashion-MNIST CNN: NetLearn.Deep and PyTorch side by side, same network, batch size (128), optimiser, schedule and
# thread count. On a loaded machine, use REPEATS > 1: the runs alternate (NetLearn, PyTorch, PyTorch, NetLearn, ...)
# and the ratio of the median epoch times is reported.
# Usage: bench/NetLearn.Deep.Bench/run_fashion.sh [DATA_DIR] [EPOCHS] [THREADS] [TRAIN_ROWS] [REPEATS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"; epochs="${2:-10}"; threads="${3:-2}"; rows="${4:-60000}"; repeats="${5:-1}"
log=/tmp/netlearn-fashion-bench.log
dotnet build -c Release "$here/NetLearn.Deep.Bench.csproj" -v q -nologo >/dev/null
: > "$log"
nl_cmd="dotnet '$here/bin/Release/net10.0/NetLearn.Deep.Bench.dll' fashion '$data' $epochs $threads $rows"
pt_cmd="/usr/bin/python3 '$here/fashion_peer.py' '$data' $epochs $threads $rows"
flock /tmp/netlearn-bench.lock bash -c "
  for i in \$(seq 1 $repeats); do
    if [ \$((i % 2)) -eq 1 ]; then $nl_cmd; $pt_cmd; else $pt_cmd; $nl_cmd; fi
  done
" | tee -a "$log"
/usr/bin/python3 - "$log" <<'PY'
import statistics, sys
lines = open(sys.argv[1]).read().splitlines()
def epochs(prefix, field):
    return [float(l.split()[l.split().index(field) + 1]) for l in lines if l.startswith(prefix + " epoch")]
nl, pt = epochs("netlearn", "seconds"), epochs("pytorch", "seconds")
nlc, ptc = epochs("netlearn", "cpu_seconds"), epochs("pytorch", "cpu_seconds")
acc = lambda p: [l.split()[2] for l in lines if l.startswith(p + " test_accuracy")]
print(f"median epoch seconds: netlearn {statistics.median(nl):.2f} pytorch {statistics.median(pt):.2f} "
      f"ratio {statistics.median(nl) / statistics.median(pt):.3f}; median CPU seconds: netlearn {statistics.median(nlc):.2f} "
      f"pytorch {statistics.median(ptc):.2f} ratio {statistics.median(nlc) / statistics.median(ptc):.3f}; test accuracy netlearn {acc('netlearn')} pytorch {acc('pytorch')}")
PY
