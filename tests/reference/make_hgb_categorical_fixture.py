"""Reference numbers for native categorical features of histogram gradient boosting from the CLI.

Run with Debian's interpreter (scikit-learn 1.2.1, numpy, pandas):

    /usr/bin/python3 tests/reference/make_hgb_categorical_fixture.py

Inputs: the vega-datasets splits already committed for the CLI parity test
(tests/NetLearn.Cli.Tests/Parity/*_train.csv, *_test.csv; see make_cli_parity.py); a task's "data" names its files.
Rows without a target value are left out of both parts, as the CLI does.
Output: tests/NetLearn.Cli.Tests/Fixtures/hgb_categorical.json.

What scikit-learn is asked to do is what `netlearn train --model hist-gradient-boosting-*` does with its default
preprocessing for a model that handles categories natively:
  * a column is categorical when pandas reads it as object dtype (not every non-empty cell is a number);
  * categorical columns are ordinal-encoded with the *training* categories in sorted (ordinal string) order, the order
    NetLearn's binner uses; an empty cell is NaN (missing), and so is a test category never seen in training
    (scikit-learn 1.2 treats unknown categories as missing values);
  * numeric columns are passed as they are, NaN included (no imputation);
  * HistGradientBoosting{Classifier,Regressor}(categorical_features=mask) with every other hyperparameter at its
    default (max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, early_stopping="auto", which is
    off below 10,000 rows, so random_state does not matter).
Fitted on the train CSV, scored on the test CSV.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PARITY = os.path.join(ROOT, "tests", "NetLearn.Cli.Tests", "Parity")
OUT = os.path.join(ROOT, "tests", "NetLearn.Cli.Tests", "Fixtures", "hgb_categorical.json")

TASKS = [
    {"name": "birdstrikes", "target": "Effect Amount of damage", "task": "classification", "drop": []},
    {"name": "seattle_weather", "target": "temp_max", "task": "regression", "drop": []},
    # The bird-strike speed from the other (all categorical) columns: a real regression with many categories. Rows
    # whose speed is missing are left out, as `netlearn train` / `evaluate` do (2,300 of 7,999 / 536 of 2,000).
    {"key": "birdstrikes_speed", "name": "birdstrikes", "target": "Speed IAS in knots", "task": "regression", "drop": []},
]


def read(name, part):
    return pd.read_csv(os.path.join(PARITY, f"{name}_{part}.csv"), keep_default_na=False, na_values=[""])


def encode(train, test, categorical):
    train, test = train.copy(), test.copy()
    for c in categorical:
        levels = sorted(train[c].dropna().astype(str).unique())
        codes = {v: float(i) for i, v in enumerate(levels)}
        train[c] = train[c].map(lambda v: codes.get(str(v), np.nan) if not pd.isna(v) else np.nan)
        test[c] = test[c].map(lambda v: codes.get(str(v), np.nan) if not pd.isna(v) else np.nan)
    return train.to_numpy(dtype=float), test.to_numpy(dtype=float)


def run(spec):
    train, test = read(spec["name"], "train"), read(spec["name"], "test")
    train, test = train.drop(columns=spec["drop"]), test.drop(columns=spec["drop"])
    dropped = int(train[spec["target"]].isna().sum() + test[spec["target"]].isna().sum())
    train, test = train[train[spec["target"]].notna()], test[test[spec["target"]].notna()]
    y, yt = train.pop(spec["target"]), test.pop(spec["target"])
    categorical = [c for c in train.columns if train[c].dtype == object]
    mask = [c in categorical for c in train.columns]
    X, Xt = encode(train, test, categorical)
    unknown = int(sum((~test[c].isna() & ~test[c].astype(str).isin(set(train[c].dropna().astype(str)))).sum() for c in categorical))
    entry = {
        "data": spec["name"],
        "task": spec["task"],
        "target": spec["target"],
        "dropped_columns": spec["drop"],
        "categorical_columns": categorical,
        "numeric_columns": [c for c in train.columns if c not in categorical],
        "missing_cells_train": {c: int(n) for c, n in train.isna().sum().items() if n > 0},
        "unknown_test_categories": unknown,
        "train_rows": int(len(train)),
        "test_rows": int(len(test)),
        "rows_without_target": dropped,
    }
    if spec["task"] == "classification":
        y, yt = y.astype(str).to_numpy(), yt.astype(str).to_numpy()
        scores = [accuracy_score(yt, HistGradientBoostingClassifier(categorical_features=mask, random_state=seed).fit(X, y).predict(Xt)) for seed in range(3)]
        entry["metric"] = "accuracy"
    else:
        y, yt = y.to_numpy(dtype=float), yt.to_numpy(dtype=float)
        scores = [r2_score(yt, HistGradientBoostingRegressor(categorical_features=mask, random_state=seed).fit(X, y).predict(Xt)) for seed in range(3)]
        entry["metric"] = "r2"
    assert max(scores) - min(scores) < 1e-12, "the fit should not depend on random_state without early stopping"
    entry["value"] = float(scores[0])
    return entry


def main():
    result = {
        "generator": "tests/reference/make_hgb_categorical_fixture.py",
        "sklearn_version": sklearn.__version__,
        "estimator": "HistGradientBoosting{Classifier,Regressor}(categorical_features=mask), defaults otherwise",
        "tasks": {spec.get("key", spec["name"]): run(spec) for spec in TASKS},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
