"""Prepares an end-to-end parity check of the NetLearn CLI against scikit-learn.

Run with Debian's interpreter (scikit-learn 1.2.1, numpy, pandas):

    /usr/bin/python3 tests/reference/make_cli_parity.py

Inputs: real tables from the npm package vega-datasets 3.2.1, as laid out in
../shared/data/vega/ (see datapackage.json there for sources and licences).
Output, under tests/NetLearn.Cli.Tests/Parity/:
    <task>_train.csv, <task>_test.csv   80/20 split of each table
    parity.json                         what scikit-learn scores with NetLearn's default pipeline
    README.md                           provenance and licence of each table

CSV conventions (the same as the .NET side must use):
  * a header row with the original column names, comma separator, "\n" line ends;
  * every cell is the source's own text (numbers are not re-formatted);
  * a missing value is an EMPTY field, and only an empty field is missing:
    strings such as "None" (a birdstrikes damage class) or "." (a penguins Sex
    value) are ordinary categories.

The pipeline fitted here is NetLearn's documented default:
  numeric columns     -> SimpleImputer(mean) -> StandardScaler
  categorical columns -> SimpleImputer(most_frequent) -> OneHotEncoder(handle_unknown="ignore")
  classification      -> LogisticRegression(C=1.0, max_iter=1000)
  regression          -> LinearRegression()
A column is categorical when pandas reads it as object dtype (i.e. not every
non-empty cell parses as a number). It is fitted on the *written* train CSV and
scored on the *written* test CSV, so scikit-learn sees exactly the files the CLI sees.
"""
import csv
import json
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SOURCE = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "vega"))
if not os.path.isdir(SOURCE):  # fall back to the workplace's absolute location
    SOURCE = "/work/shared/data/vega"
OUT = os.path.join(ROOT, "tests", "NetLearn.Cli.Tests", "Parity")

TEST_SIZE = 0.2
RANDOM_STATE = 42


# ---------------------------------------------------------------- reading sources as text

def read_csv_text(path):
    """A CSV as a DataFrame of strings: cells exactly as written, "" for empty."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_keyed_json_text(path):
    """A JSON array of objects as a DataFrame of strings.

    null -> "" (missing); ints stay "181", floats use Python's shortest repr ("39.1").
    """
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    columns = list(records[0].keys())

    def text(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return repr(v)
        return str(v)

    return pd.DataFrame([[text(r.get(c)) for c in columns] for r in records], columns=columns)


# ---------------------------------------------------------------- the tasks

# Each task: source file, kind, target column, columns dropped before modelling
# (with the reason), and whether to drop rows of classes too rare to stratify.
TASKS = [
    {
        "name": "penguins",
        "file": "penguins.json",
        "task": "classification",
        "description": "Palmer Archipelago penguins: species, island, body measurements, sex",
        "target": "Species",
        "drop": {},
    },
    {
        "name": "birdstrikes",
        "file": "birdstrikes.csv",
        "task": "classification",
        "description": "Wildlife strikes reported to the U.S. FAA (10,000 records)",
        # Damage class of a wildlife strike: None / Minor / Medium / Substantial,
        # plus the military mishap classes "C" (14 rows) and "B" (1 row).
        "target": "Effect Amount of damage",
        "drop": {
            "Flight Date": "date (3,625 distinct values); not a categorical feature",
            "Cost Other": "cost of the damage, known only after the fact: leaks the target",
            "Cost Repair": "cost of the damage, known only after the fact: leaks the target",
            "Cost Total $": "cost of the damage, known only after the fact: leaks the target",
        },
    },
    {
        "name": "seattle_weather",
        "file": "seattle-weather.csv",
        "task": "regression",
        "description": "Daily Seattle weather 2012-2015, metric units",
        "target": "temp_max",
        "drop": {"date": "date; one value per row"},
    },
]


def load_task(spec):
    path = os.path.join(SOURCE, spec["file"])
    if spec["file"].endswith(".json"):
        return read_keyed_json_text(path)
    return read_csv_text(path)


def write_csv(df, path):
    """Write a text DataFrame: header + rows, minimal quoting, empty field = missing."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(list(df.columns))
        w.writerows(df.itertuples(index=False, name=None))


def read_written(path, target, task):
    """Read a written split back as the CLI would: typed columns, "" -> NaN."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], float_precision="round_trip",
                     dtype={target: str} if task == "classification" else None)
    return df.drop(columns=[target]), df[target]


def build_pipeline(X, task):
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if X[c].dtype == object]
    assert len(numeric) + len(categorical) == X.shape[1]
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")),
                          ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
    ])
    model = LogisticRegression(C=1.0, max_iter=1000) if task == "classification" else LinearRegression()
    return Pipeline([("pre", pre), ("model", model)]), numeric, categorical


def run_task(spec):
    name, task, target = spec["name"], spec["task"], spec["target"]
    raw = load_task(spec)
    assert target in raw.columns, f"{name}: no column {target!r}; columns are {list(raw.columns)}"
    for col in spec["drop"]:
        assert col in raw.columns, f"{name}: no column {col!r} to drop"
    source_rows = len(raw)

    # Rows whose target is missing are dropped before splitting.
    df = raw.drop(columns=list(spec["drop"]))
    missing_target = df[target] == ""
    df = df[~missing_target].reset_index(drop=True)
    dropped_rows = {"missing_target": int(missing_target.sum())}

    stratify = None
    if task == "classification":
        # A stratified split needs at least 2 rows per class: drop singleton classes.
        counts = df[target].value_counts()
        rare = sorted(counts[counts < 2].index)
        is_rare = df[target].isin(rare)
        if rare:
            dropped_rows["classes_with_fewer_than_2_rows"] = {c: int(counts[c]) for c in rare}
        df = df[~is_rare].reset_index(drop=True)
        stratify = df[target].to_numpy()

    train_idx, test_idx = train_test_split(np.arange(len(df)), test_size=TEST_SIZE,
                                           random_state=RANDOM_STATE, stratify=stratify)
    train_path = os.path.join(OUT, f"{name}_train.csv")
    test_path = os.path.join(OUT, f"{name}_test.csv")
    write_csv(df.iloc[train_idx], train_path)
    write_csv(df.iloc[test_idx], test_path)

    X_train, y_train = read_written(train_path, target, task)
    X_test, y_test = read_written(test_path, target, task)
    assert y_train.notna().all() and y_test.notna().all()
    pipe, numeric, categorical = build_pipeline(X_train, task)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # fail loudly if lbfgs stops at max_iter
        pipe.fit(X_train, y_train)
    pred = pipe.predict(X_test)

    if task == "classification":
        metrics = {
            "accuracy": float(accuracy_score(y_test, pred)),
            "f1_macro": float(f1_score(y_test, pred, average="macro")),
        }
    else:
        metrics = {
            "r2": float(r2_score(y_test, pred)),
            "mse": float(mean_squared_error(y_test, pred)),
            "mae": float(mean_absolute_error(y_test, pred)),
        }

    entry = {
        "task": task,
        "target": target,
        "source": spec["file"],
        "source_rows": source_rows,
        "dropped_columns": list(spec["drop"]),
        "dropped_columns_reason": spec["drop"],
        "dropped_rows": dropped_rows,
        "train_rows": int(len(X_train)),
        "test_rows": int(len(X_test)),
        "train_file": os.path.basename(train_path),
        "test_file": os.path.basename(test_path),
        "numeric_columns": numeric,
        "categorical_columns": categorical,
        "missing_cells_train": {c: int(n) for c, n in X_train.isna().sum().items() if n},
        "n_features_after_preprocessing": int(pipe.named_steps["pre"].transform(X_train[:1]).shape[1]),
        "metrics": metrics,
    }
    if task == "classification":
        entry["classes"] = [str(c) for c in pipe.named_steps["model"].classes_]
        entry["n_iter"] = int(np.max(pipe.named_steps["model"].n_iter_))
    print(f"{name}: {task} target={target!r} train={entry['train_rows']} test={entry['test_rows']} {metrics}")
    return entry


# ---------------------------------------------------------------- provenance

def licence_of(package, file_name):
    for r in package["resources"]:
        if r.get("path") == file_name:
            return r
    raise KeyError(file_name)


def write_readme(package, results):
    lines = [
        "# CLI parity data",
        "",
        "Generated by `tests/reference/make_cli_parity.py` (run with `/usr/bin/python3`,",
        f"scikit-learn {sklearn.__version__}). Do not edit by hand; rerun the script.",
        "",
        f"The tables come from the npm package **vega-datasets {package['version']}** "
        "(https://github.com/vega/vega-datasets). The package's own code is BSD-3-Clause; "
        "its `datapackage.json` lists each dataset's licence as below and notes that this "
        "information is a starting point only, provided without warranty.",
        "",
        "| task | file in package | description | licence (per datapackage.json) | original source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for spec in TASKS:
        r = licence_of(package, spec["file"])
        lic = "; ".join(f"{x.get('name') or x.get('title')} ({x.get('path')})" for x in r.get("licenses", []))
        src = "; ".join(f"{x.get('title')} ({x.get('path')})" for x in r.get("sources", []))
        lines.append(f"| {spec['name']} | {spec['file']} | {spec['description']} | {lic} | {src} |")
    lines += [
        "",
        "Changes made here: `penguins.json` converted to CSV (null -> empty field); columns listed as",
        "`dropped_columns` in `parity.json` removed; rows whose target is missing removed (none were),",
        "and for stratification rows of classes with fewer than 2 rows removed (one birdstrikes row of",
        "damage class `B`); then an 80/20 split with scikit-learn `train_test_split(test_size=0.2,",
        "random_state=42, stratify=target for classification)`. Cell text is otherwise unchanged.",
        "",
        "Missing values are empty fields and only empty fields: `None` (a birdstrikes damage class)",
        "and `.` (one penguin's Sex) are real category values.",
        "",
        "`parity.json` holds scikit-learn's test-set scores for NetLearn's default pipeline",
        "(numeric: mean imputation + standardization; categorical: most-frequent imputation + one-hot,",
        "unknown categories ignored; LogisticRegression(C=1, max_iter=1000) or LinearRegression).",
    ]
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(SOURCE, "datapackage.json"), encoding="utf-8") as f:
        package = json.load(f)
    assert package["version"] == "3.2.1", package["version"]

    results = {spec["name"]: run_task(spec) for spec in TASKS}
    doc = {
        "generator": "tests/reference/make_cli_parity.py",
        "sklearn_version": sklearn.__version__,
        "source_package": f"vega-datasets {package['version']} (npm)",
        "split": {"test_size": TEST_SIZE, "random_state": RANDOM_STATE, "stratified": "classification only"},
        "pipeline": {
            "numeric": "SimpleImputer(strategy='mean') -> StandardScaler()",
            "categorical": "SimpleImputer(strategy='most_frequent') -> OneHotEncoder(handle_unknown='ignore')",
            "classification": "LogisticRegression(C=1.0, max_iter=1000)",
            "regression": "LinearRegression()",
            "categorical_rule": "a column is categorical when not every non-empty cell parses as a number",
        },
        "notes": "Metrics are on the test CSV after fitting on the train CSV. f1_macro averages over the "
                 "labels present in y_true or y_pred of the test set. Only empty fields are missing values.",
        "tasks": results,
    }
    with open(os.path.join(OUT, "parity.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    write_readme(package, results)
    for fn in sorted(os.listdir(OUT)):
        print(f"  {fn}: {os.path.getsize(os.path.join(OUT, fn)):,} bytes")


if __name__ == "__main__":
    main()
