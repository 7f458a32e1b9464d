"""PyTorch side of the LSTM forecasting benchmark: next-day max temperature in Seattle from 14 days of 4 features, the
same windows, standardisation, network (LSTM(32) -> final hidden state -> Linear(1)), optimiser (Adam, lr 0.003),
batch size (32), epochs and threads as `NetLearn.Deep.Bench weather`.
Usage: /usr/bin/python3 weather_peer.py CSV EPOCHS THREADS"""
import sys
import time

import numpy as np
import pandas as pd
import torch
from torch import nn

path, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)
df = pd.read_csv(path)
features = df[["temp_max", "temp_min", "precipitation", "wind"]].to_numpy(np.float64)
window = 14
rows = len(df) - window
x = np.stack([features[i:i + window] for i in range(rows)])          # [rows, 14, 4]
y = df["temp_max"].to_numpy(np.float64)[window:window + rows]
test = 365
xtr, ytr, xte, yte = x[:-test], y[:-test], x[-test:], y[-test:]
mean, std = xtr.reshape(-1, 4).mean(0), xtr.reshape(-1, 4).std(0)
ym, ys = ytr.mean(), ytr.std()
t = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Ytr, Xte = t((xtr - mean) / std), t((ytr - ym) / ys).unsqueeze(1), t((xte - mean) / std)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, v):
        _, (h, _) = self.lstm(v)
        return self.out(h[-1])


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=0.003)
rng = np.random.default_rng(0)
times = []
cpu_start = time.process_time()
for epoch in range(epochs):
    start = time.perf_counter()
    net.train()
    order = torch.tensor(rng.permutation(len(Xtr)))
    for i in range(0, len(Xtr), 32):
        b = order[i:i + 32]
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(Xtr[b]), Ytr[b], reduction="none").mean()
        loss.item()
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - start)
cpu_per_epoch = (time.process_time() - cpu_start) / epochs
net.eval()
with torch.no_grad():
    pred = net(Xte).squeeze(1).numpy() * ys + ym
rmse = float(np.sqrt(np.mean((pred - yte) ** 2)))
persistence = float(np.sqrt(np.mean((xte[:, -1, 0] - yte) ** 2)))
print(f"pytorch rmse persistence {persistence:.4f} lstm {rmse:.4f}")
print(f"pytorch lstm cpu_seconds_per_epoch {cpu_per_epoch:.4f} mean_epoch_seconds {sum(times) / len(times):.4f} torch {torch.__version__}")
