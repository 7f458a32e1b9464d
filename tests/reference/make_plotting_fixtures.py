"""Writes reference values for NetLearn.Plotting's tests (profile statistics, curves behind the model plots, KDE).

Run with Debian's interpreter (scikit-learn 1.2.1, SciPy 1.10, pandas):

    /usr/bin/python3 tests/reference/make_plotting_fixtures.py

Output: tests/NetLearn.Plotting.Tests/Fixtures/
    profile_input.csv  a seeded mixed table (numbers with missing values, skewed numbers, categories, duplicates)
    profile.json       pandas/SciPy statistics of it: count, missing, mean, std, min, max, skewness and excess
                       kurtosis (SciPy, bias=True, as NetLearn reports them), quantiles (NumPy linear), distinct
                       values, duplicate rows, Pearson correlations (pandas, pairwise-complete)
    curves.json        scikit-learn roc_curve (drop_intermediate=False), roc_auc_score, precision_recall_curve,
                       average_precision_score and calibration_curve (uniform, 10 bins) on seeded scores;
                       silhouette_samples on seeded blobs
    kde.json           SciPy gaussian_kde (Scott's bandwidth) evaluated on a grid
    dendrogram.json    a SciPy average-linkage matrix and scipy.cluster.hierarchy.dendrogram's leaf order and links
"""
import json
import os

import numpy as np
import pandas as pd
from scipy import stats
from scipy.cluster.hierarchy import dendrogram, linkage
from sklearn.calibration import calibration_curve
from sklearn.datasets import make_blobs
from sklearn.metrics import (average_precision_score, precision_recall_curve, roc_auc_score, roc_curve,
                             silhouette_samples)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "NetLearn.Plotting.Tests", "Fixtures")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7)

# ---------------------------------------------------------------- profile
n = 3000
df = pd.DataFrame({
    "row_id": np.arange(1, n + 1),
    "normal": np.round(rng.normal(10, 2, n), 6),
    "skewed": np.round(np.exp(rng.normal(0, 1, n)), 6),
    "counts": rng.poisson(2, n).astype(float),
    "city": rng.choice(["Oslo", "Lima", "Kyoto", "Accra"], n),
    "flag": rng.random(n) < 0.3,
})
df.loc[rng.random(n) < 0.1, "normal"] = np.nan
df.loc[rng.random(n) < 0.05, "city"] = np.nan
df["label"] = np.where(df["counts"] > 2, "many", "few")
# exact duplicate rows (row_id copied too) appended at the end
dups = df.sample(25, random_state=1)
df = pd.concat([df, dups], ignore_index=True)
df.to_csv(os.path.join(OUT, "profile_input.csv"), index=False)
back = pd.read_csv(os.path.join(OUT, "profile_input.csv"), float_precision="round_trip")

columns = {}
for name in ["row_id", "normal", "skewed", "counts"]:
    v = back[name].to_numpy(dtype=float)
    f = v[~np.isnan(v)]
    columns[name] = {
        "count": int(f.size),
        "missing": int(np.isnan(v).sum()),
        "mean": float(f.mean()),
        "std": float(f.std(ddof=1)),
        "min": float(f.min()),
        "max": float(f.max()),
        "skewness": float(stats.skew(f, bias=True)),
        "kurtosis": float(stats.kurtosis(f, fisher=True, bias=True)),
        "quantiles": [float(np.quantile(f, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)],
        "distinct": int(np.unique(f).size),
        "zeros": int((f == 0).sum()),
    }
for name in ["city", "label"]:
    s = back[name]
    columns[name] = {
        "count": int(s.notna().sum()),
        "missing": int(s.isna().sum()),
        "distinct": int(s.nunique()),
        "top": {str(k): int(c) for k, c in s.value_counts().items()},
    }
numeric = ["row_id", "normal", "skewed", "counts"]
profile = {
    "rows": int(len(back)),
    "duplicate_rows": int(back.duplicated().sum()),
    "columns": columns,
    "correlation_names": numeric,
    "correlation": back[numeric].corr().to_numpy().tolist(),
}
with open(os.path.join(OUT, "profile.json"), "w") as f:
    json.dump(profile, f, indent=1)

# ---------------------------------------------------------------- curves
m = 400
y = rng.random(m) < 0.4
score = np.round(np.where(y, rng.normal(0.65, 0.2, m), rng.normal(0.4, 0.2, m)), 2)  # rounding makes ties
prob = 1 / (1 + np.exp(-(score - 0.5) * 6))
fpr, tpr, thr = roc_curve(y, score, drop_intermediate=False)
precision, recall, pr_thr = precision_recall_curve(y, score)
prob_true, prob_pred = calibration_curve(y, prob, n_bins=10, strategy="uniform")
X, labels = make_blobs(n_samples=90, centers=3, cluster_std=1.2, random_state=3)
curves = {
    "y": [bool(v) for v in y],
    "score": score.tolist(),
    "prob": prob.tolist(),
    "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": [float(t) if np.isfinite(t) else None for t in thr],
            "auc": float(roc_auc_score(y, score))},
    "pr": {"precision": precision.tolist(), "recall": recall.tolist(), "thresholds": pr_thr.tolist(),
           "average_precision": float(average_precision_score(y, score))},
    "calibration": {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()},
    "silhouette": {"X": X.tolist(), "labels": labels.tolist(), "values": silhouette_samples(X, labels).tolist()},
}
with open(os.path.join(OUT, "curves.json"), "w") as f:
    json.dump(curves, f)

# ---------------------------------------------------------------- kde
sample = np.round(rng.gamma(2.0, 1.5, 500), 6)
grid = np.linspace(-1, 15, 41)
kde = stats.gaussian_kde(sample)  # Scott's rule
with open(os.path.join(OUT, "kde.json"), "w") as f:
    json.dump({"sample": sample.tolist(), "grid": grid.tolist(), "density": kde(grid).tolist()}, f)
# ---------------------------------------------------------------- dendrogram
points = rng.normal(size=(14, 2)) + np.repeat([[0, 0], [5, 5]], 7, axis=0)
z = linkage(points, "average")
d = dendrogram(z, no_plot=True)
with open(os.path.join(OUT, "dendrogram.json"), "w") as f:
    json.dump({"linkage": z.tolist(), "leaves": d["leaves"], "icoord": d["icoord"], "dcoord": d["dcoord"]}, f)
print("wrote", OUT)
