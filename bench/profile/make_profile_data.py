"""Writes the 1,000,000-row x 20-column CSV used by the profiling benchmark (seeded).

Usage: /usr/bin/python3 bench/profile/make_profile_data.py OUT.csv [ROWS]
Columns: an id, 12 numeric features (normal, skewed, integer counts, with missing values), 4 categorical, a boolean,
a constant column and a 3-class target.
"""
import sys

import numpy as np
import pandas as pd

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(42)
target = rng.integers(0, 3, n)
data = {"id": np.arange(1, n + 1)}
for k in range(8):
    data[f"num_{k}"] = np.round(rng.normal(target * (k % 3) * 0.5, 1 + k * 0.1, n), 4)
data["income"] = np.round(np.exp(rng.normal(10, 1, n)), 2)
data["visits"] = rng.poisson(3, n)
data["age"] = rng.integers(18, 90, n).astype(float)
data["score"] = np.round(rng.normal(50, 10, n), 3)
data["age"][rng.random(n) < 0.05] = np.nan
data["score"][rng.random(n) < 0.25] = np.nan
data["city"] = rng.choice(["Oslo", "Lima", "Kyoto", "Accra", "Quito", "Perth", "Turin"], n)
data["plan"] = rng.choice(["free", "basic", "pro"], n, p=[0.6, 0.3, 0.1])
data["channel"] = rng.choice(["web", "app", "store", "phone"], n)
data["segment"] = rng.choice([f"S{i:02d}" for i in range(40)], n)
data["member"] = rng.random(n) < 0.4
data["country"] = "NO"
data["target"] = np.array(["low", "mid", "high"])[target]
pd.DataFrame(data).to_csv(out, index=False)
