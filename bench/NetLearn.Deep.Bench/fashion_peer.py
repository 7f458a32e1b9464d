"""PyTorch side of the Fashion-MNIST CNN benchmark: the same network, batch size, optimiser, schedule and threads as
`NetLearn.Deep.Bench fashion`. Usage: /usr/bin/python3 fashion_peer.py DATA_DIR EPOCHS THREADS [TRAIN_ROWS]
PT_CHANNELS_LAST=1 runs the network and batches in channels-last layout (a sensitivity check: NetLearn uses it)."""
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

data_dir, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = int(sys.argv[4]) if len(sys.argv) > 4 else None
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


def idx(name, limit=None):
    with gzip.open(f"{data_dir}/{name}", "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)
    return arr[:limit] if limit else arr


def load(images, labels, limit=None):
    x = torch.tensor(idx(images, limit), dtype=torch.float32).unsqueeze(1).div(255.0).sub(0.2860).div(0.3530)
    y = torch.tensor(idx(labels, limit), dtype=torch.int64)
    return x, y


x, y = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", rows)
tx, ty = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
channels_last = os.environ.get("PT_CHANNELS_LAST") == "1"
if channels_last:
    net = net.to(memory_format=torch.channels_last)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
rng = np.random.default_rng(0)
times = []
for epoch in range(1, epochs + 1):
    start, cpu = time.perf_counter(), time.process_time()
    net.train()
    order = torch.tensor(rng.permutation(len(x)))
    total, correct = 0.0, 0
    for i in range(0, len(x), 128):
        idx_b = order[i:i + 128]
        xb, yb = x[idx_b], y[idx_b]
        if channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        opt.zero_grad()
        out = net(xb)
        loss = nn.functional.cross_entropy(out, yb, reduction="none").mean()
        value = loss.item()
        loss.backward()
        opt.step()
        total += value * len(idx_b)
        correct += (out.argmax(1) == yb).sum().item()
    sched.step()
    times.append(time.perf_counter() - start)
    print(f"pytorch epoch {epoch} loss {total / len(x):.4f} train_acc {correct / len(x):.4f} cpu_seconds {time.process_time() - cpu:.2f} seconds {times[-1]:.2f}", flush=True)
net.eval()
with torch.no_grad():
    acc = sum((net(tx[i:i + 256]).argmax(1) == ty[i:i + 256]).sum().item() for i in range(0, len(tx), 256)) / len(tx)
print(f"pytorch test_accuracy {acc:.4f} mean_epoch_seconds {sum(times) / len(times):.2f} torch {torch.__version__} channels_last {channels_last}")
