"""PyTorch side of the per-operator profile (`NetLearn.Deep.Bench profile`, OperatorProfile.cs): the same network,
batch, measurements and output lines. Usage: /usr/bin/python3 profile_peer.py DATA_DIR REPS THREADS [TRAIN_ROWS]
Each number is the median of REPS repetitions after 3 warm-up runs, in milliseconds."""
import gzip
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

data_dir, reps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows_limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)
BATCH = 128


def idx(name, limit=None):
    with gzip.open(f"{data_dir}/{name}", "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)
    return arr[:limit] if limit else arr


x = torch.tensor(idx("train-images-idx3-ubyte.gz", rows_limit), dtype=torch.float32).unsqueeze(1).div(255.0).sub(0.2860).div(0.3530)
y = torch.tensor(idx("train-labels-idx1-ubyte.gz", rows_limit), dtype=torch.int64)
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
channels_last = os.environ.get("PT_CHANNELS_LAST") == "1"
if channels_last:
    net = net.to(memory_format=torch.channels_last)
net.train()
names = ["conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2", "flatten", "dense1", "relu3", "dropout", "dense2"]
rows = torch.tensor(np.random.default_rng(0).integers(0, len(x), BATCH))
xb, yb = x.index_select(0, rows), y.index_select(0, rows)
if channels_last:
    xb = xb.contiguous(memory_format=torch.channels_last)


def med(values):
    return statistics.median(values)


def median(action):
    times = []
    for r in range(reps + 3):
        start = time.perf_counter()
        action()
        if r >= 3:
            times.append((time.perf_counter() - start) * 1000)
    return med(times)


def timed(forward, backward, reset):
    f, b = [], []
    for r in range(reps + 3):
        start = time.perf_counter()
        out = forward()
        tf = time.perf_counter()
        backward(out)
        tb = time.perf_counter()
        reset()
        if r >= 3:
            f.append((tf - start) * 1000)
            b.append((tb - tf) * 1000)
    return med(f), med(b)


def report(name, forward, backward):
    print(f"op {name} forward {forward:.3f} backward {backward:.3f}", flush=True)


total_f = total_b = 0.0
inp = xb
for i, layer in enumerate(net):
    leaf = inp.detach()
    if i > 0:
        leaf.requires_grad_(True)

    def reset(layer=layer, leaf=leaf):
        leaf.grad = None
        for p in layer.parameters():
            p.grad = None

    f, b = timed(lambda: layer(leaf), lambda o: o.backward(torch.ones_like(o)), reset)
    total_f += f
    total_b += b
    report(names[i], f, b)
    with torch.no_grad():
        inp = layer(leaf).detach()

logits = inp.detach().requires_grad_(True)


def reset_logits():
    logits.grad = None


lf, lb = timed(lambda: nn.functional.cross_entropy(logits, yb, reduction="none").mean(), lambda l: l.backward(), reset_logits)
report("loss", lf, lb)
print(f"op layers+loss forward {total_f + lf:.3f} backward {total_b + lb:.3f}")

opt = torch.optim.Adam(net.parameters(), lr=1e-3)
nn.functional.cross_entropy(net(xb), yb).backward()
report("adam_step", median(opt.step), 0)


def set_grads():
    for p in net.parameters():
        p.grad = torch.ones_like(p)


def zero_and_set():
    opt.zero_grad()
    set_grads()


report("zero_grad", median(zero_and_set) - median(set_grads), 0)
report("batch_index_select", median(lambda: (x.index_select(0, torch.tensor(rows.numpy())), y.index_select(0, torch.tensor(rows.numpy())))), 0)
rng = np.random.default_rng(1)
report("batch_rows_shuffle", median(lambda: torch.tensor(rng.permutation(len(x)))) / np.ceil(len(x) / BATCH), 0)
loss_value = nn.functional.cross_entropy(net(xb), yb).detach()
output_value = net(xb).detach()
report("loss_item", median(loss_value.item), 0)
report("accuracy_metric", median(lambda: (output_value.argmax(1) == yb).sum().item()), 0)
report("dispose_scope_20_tensors", 0, 0)

steps = []
for r in range(reps + 3):
    start = time.perf_counter()
    bx, by = x[rows], y[rows]
    if channels_last:
        bx = bx.contiguous(memory_format=torch.channels_last)
    opt.zero_grad()
    out = net(bx)
    loss = nn.functional.cross_entropy(out, by, reduction="none").mean()
    loss.item()
    loss.backward()
    opt.step()
    (out.argmax(1) == by).sum().item()
    if r >= 3:
        steps.append((time.perf_counter() - start) * 1000)
print(f"op train_step total {med(steps):.3f} torch {torch.__version__} channels_last {channels_last}")
