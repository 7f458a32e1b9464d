#!/usr/bin/env bash
# Fashion-MNIST CNN: NetLearn.Deep and PyTorch side by side, same network, batch size (128), optimiser, schedule and
# thread count. The runs alternate (NetLearn, PyTorch, PyTorch, NetLearn, ...) REPEATS times under the workplace's
# benchmark lock (bench/quiet) and the ratio of the median epoch times is reported; the first epoch
# of every run (JIT, libtorch start-up, first allocations) is left out when EPOCHS > 1.
# Build first: dotnet build -c Release bench/NetLearn.Deep.Bench
# Usage: bench/NetLearn.Deep.Bench/run_fashion.sh [DATA_DIR] [EPOCHS] [THREADS] [TRAIN_ROWS] [REPEATS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"; epochs="${2:-10}"; threads="${3:-2}"; rows="${4:-60000}"; repeats="${5:-1}"
log=/tmp/netlearn-fashion-bench.log
# Debian's PyTorch also runs OpenBLAS/OpenMP pools that torch.set_num_threads does not bound: pin them for both sides.
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
lock="$(dirname "$0")/../quiet"
: > "$log"
nl_cmd="dotnet '$here/bin/Release/net10.0/NetLearn.Deep.Bench.dll' fashion '$data' $epochs $threads $rows"
pt_cmd="/usr/bin/python3 '$here/fashion_peer.py' '$data' $epochs $threads $rows"
$lock bash -c "
  for i in \$(seq 1 $repeats); do
    if [ \$((i % 2)) -eq 1 ]; then $nl_cmd; $pt_cmd; else $pt_cmd; $nl_cmd; fi
  done
" | grep -E '^(netlearn|pytorch|device)' | tee -a "$log"
/usr/bin/python3 - "$log" "$epochs" <<'PY'
import statistics, sys
lines = open(sys.argv[1]).read().splitlines()
skip_first = int(sys.argv[2]) > 1
def epochs(prefix, field):
    rows = [l.split() for l in lines if l.startswith(prefix + " epoch")]
    return [float(r[r.index(field) + 1]) for r in rows if not (skip_first and r[2] == "1")]
nl, pt = epochs("netlearn", "seconds"), epochs("pytorch", "seconds")
nlc, ptc = epochs("netlearn", "cpu_seconds"), epochs("pytorch", "cpu_seconds")
acc = lambda p: [l.split()[2] for l in lines if l.startswith(p + " test_accuracy")]
print(f"epochs counted: netlearn {len(nl)} pytorch {len(pt)}; netlearn {sorted(nl)} pytorch {sorted(pt)}")
print(f"median epoch seconds: netlearn {statistics.median(nl):.2f} pytorch {statistics.median(pt):.2f} "
      f"ratio {statistics.median(nl) / statistics.median(pt):.3f}; median CPU seconds: netlearn {statistics.median(nlc):.2f} "
      f"pytorch {statistics.median(ptc):.2f} ratio {statistics.median(nlc) / statistics.median(ptc):.3f}; test accuracy netlearn {acc('netlearn')} pytorch {acc('pytorch')}")
PY
