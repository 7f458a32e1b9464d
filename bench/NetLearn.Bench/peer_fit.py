"""The scikit-learn side of bench/NetLearn.Bench: fits the same model on the same CSVs and prints median seconds.

Usage: /usr/bin/python3 peer_fit.py MODEL TRAIN_CSV REPEATS   (MODEL: logistic | linear)
The CSV holds standardised features and a `target` column, written by the .NET side.
"""
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression

model, path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = pd.read_csv(path, keep_default_na=False, na_values=[""])
y = data.pop("target").to_numpy()
x = data.to_numpy(dtype=np.float64)
times = []
for _ in range(repeats):
    estimator = LogisticRegression() if model == "logistic" else LinearRegression()
    start = time.perf_counter()
    estimator.fit(x, y)
    times.append(time.perf_counter() - start)
print(f"{np.median(times):.6f}")
