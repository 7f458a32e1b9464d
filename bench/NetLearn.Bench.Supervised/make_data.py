"""Writes the benchmark data sets of the supervised side-by-side benchmark as CSV (same numbers for every peer).

    /usr/bin/python3 bench/NetLearn.Bench.Supervised/make_data.py OUT_DIR

classification: make_classification(100_000, 20, random_state=0), split 80/20 (train_test_split, random_state=0)
regression:     make_regression(1_000_000, 50, random_state=0), split 80/20
hgb_regression: make_regression(100_000, 20, noise=50, random_state=0), split 80/20 (the noise keeps the best
                possible R² near 0.93, so the boosters' approximation error of the linear target shows)
"""
import os
import sys

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import train_test_split


def save(path, X, y):
    names = [f"x{i}" for i in range(X.shape[1])] + ["target"]
    data = np.column_stack([X, y])
    np.savetxt(path, data, delimiter=",", header=",".join(names), comments="", fmt="%.10g")


def main(out, which):
    os.makedirs(out, exist_ok=True)
    if "classification" in which:
        X, y = make_classification(n_samples=100_000, n_features=20, random_state=0)
        a, b, ya, yb = train_test_split(X, y, test_size=0.2, random_state=0)
        save(os.path.join(out, "classification_train.csv"), a, ya)
        save(os.path.join(out, "classification_test.csv"), b, yb)
    if "regression" in which:
        X, y = make_regression(n_samples=1_000_000, n_features=50, random_state=0)
        a, b, ya, yb = train_test_split(X, y, test_size=0.2, random_state=0)
        save(os.path.join(out, "regression_train.csv"), a, ya)
        save(os.path.join(out, "regression_test.csv"), b, yb)
    if "hgb_regression" in which:
        X, y = make_regression(n_samples=100_000, n_features=20, noise=50, random_state=0)
        a, b, ya, yb = train_test_split(X, y, test_size=0.2, random_state=0)
        save(os.path.join(out, "hgb_regression_train.csv"), a, ya)
        save(os.path.join(out, "hgb_regression_test.csv"), b, yb)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or ["classification", "regression"])
