#!/usr/bin/env bash
# Per-operator profile of the Fashion-MNIST CNN, NetLearn.Deep (OperatorProfile.cs) and PyTorch (profile_peer.py) side
# by side under the workplace's benchmark lock (bench/quiet): forward/backward of every layer in isolation on a
# 128-image batch, loss, Adam step, per-batch bookkeeping and whole training steps; medians of REPS repetitions in ms.
# Variants: NetLearn before this profile (NCHW, glibc heap defaults: NETLEARN_CHANNELS_LAST=0 NETLEARN_HEAP_TUNING=0),
# NetLearn now (channels-last, tuned heap), PyTorch 1.13 as shipped, and PyTorch with the same glibc heap settings
# (GLIBC_TUNABLES) and channels-last as a sensitivity check.
# Build first: dotnet build -c Release bench/NetLearn.Deep.Bench
# Usage: bench/NetLearn.Deep.Bench/run_profile.sh [DATA_DIR] [REPS] [THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"; reps="${2:-20}"; threads="${3:-1}"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
out=/tmp/netlearn-profile-$threads; mkdir -p "$out"
nl="dotnet $here/bin/Release/net10.0/NetLearn.Deep.Bench.dll profile $data $reps $threads 10000"
pt="/usr/bin/python3 $here/profile_peer.py $data $reps $threads 10000"
tun="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"
"$here/../quiet" bash -c "
  NETLEARN_CHANNELS_LAST=0 NETLEARN_HEAP_TUNING=0 $nl > $out/nl-before.txt
  $nl > $out/nl-now.txt
  $pt > $out/pt.txt
  GLIBC_TUNABLES=$tun $pt > $out/pt-heap.txt
  GLIBC_TUNABLES=$tun PT_CHANNELS_LAST=1 $pt > $out/pt-heap-cl.txt
"
/usr/bin/python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
names = ["nl-before", "nl-now", "pt", "pt-heap", "pt-heap-cl"]
runs = {}
for n in names:
    rows = {}
    for line in open(f"{out}/{n}.txt"):
        p = line.split()
        if p and p[0] == "op":
            rows[p[1]] = (float(p[3]), float(p[5])) if p[2] == "forward" else (float(p[3]), None)
    runs[n] = rows
print("| op | NetLearn before (NCHW, heap defaults) fwd / bwd | NetLearn now fwd / bwd | PyTorch 1.13 fwd / bwd | PyTorch + heap tuning | PyTorch + heap + channels-last |")
print("|---|---|---|---|---|---|")
for op in runs["nl-now"]:
    cells = []
    for n in names:
        f, b = runs[n].get(op, (float("nan"), None))
        cells.append(f"{f:.2f}" if not b else f"{f:.2f} / {b:.2f}")
    print(f"| {op} | " + " | ".join(cells) + " |")
PY
