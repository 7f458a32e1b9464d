"""One benchmark case with scikit-learn or XGBoost; prints one JSON line (the same fields as the .NET runners).

    OMP_NUM_THREADS=T OPENBLAS_NUM_THREADS=T /usr/bin/python3 peer.py LIBRARY TASK DATA_DIR THREADS

The thread variables must be set before NumPy starts, which is why the .NET harness sets them in the environment.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

library, task, data_dir, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

BIRD_TARGET = "Effect Amount of damage"
BIRD_SPEED = "Speed IAS in knots"
REGRESSION = ("linear_regression", "hgb_regression", "birdstrikes_hgb_regression")


def load(name):
    train = pd.read_csv(f"{data_dir}/{name}_train.csv", keep_default_na=False, na_values=[""])
    test = pd.read_csv(f"{data_dir}/{name}_test.csv", keep_default_na=False, na_values=[""])
    return train, test


def numeric(name):
    train, test = load(name)
    y, yt = train.pop("target").to_numpy(), test.pop("target").to_numpy()
    return train.to_numpy(), y, test.to_numpy(), yt


def birdstrikes(name="birdstrikes", target=BIRD_TARGET):
    """Bird strikes with pandas categories (levels from the training part); a numeric target stays numeric."""
    train, test = load(name)
    if target == BIRD_TARGET:
        y, yt = train.pop(target).astype(str).to_numpy(), test.pop(target).astype(str).to_numpy()
    else:
        y, yt = train.pop(target).to_numpy(dtype=float), test.pop(target).to_numpy(dtype=float)
    cats = [c for c in train.columns if train[c].dtype == object]
    for c in cats:
        levels = sorted(train[c].dropna().unique())
        dtype = pd.CategoricalDtype(levels)
        train[c] = train[c].astype(dtype)
        test[c] = test[c].astype(dtype)
    return train, y, test, yt, cats


def codes(X, cats):
    """scikit-learn 1.2's input for categorical_features: category codes as floats, unknown or missing as NaN."""
    return X.apply(lambda s: s.cat.codes.replace(-1, np.nan) if s.name in cats else s).to_numpy(dtype=float)


def effective(model):
    """The hyperparameters the fitted model used, as its library reports them."""
    if hasattr(model, "get_xgb_params"):
        params = model.get_xgb_params()
    else:
        params = model.get_params()
    return ", ".join(f"{k}={params[k]}" for k in sorted(params) if params[k] is not None and k != "categorical_features")


EXTRA = {}


def main():
    classification = task not in REGRESSION
    if task == "birdstrikes_hgb_regression":
        X, y, Xt, yt, cats = birdstrikes("birdstrikes_regression", BIRD_SPEED)
        if library == "sklearn":
            from sklearn.ensemble import HistGradientBoostingRegressor
            mask = [c in cats for c in X.columns]
            X, Xt = codes(X, cats), codes(Xt, cats)
            model = HistGradientBoostingRegressor(max_iter=100, early_stopping=False, categorical_features=mask, random_state=0)
        else:
            from xgboost import XGBRegressor
            model = XGBRegressor(n_estimators=100, tree_method="hist", enable_categorical=True, max_cat_to_onehot=1, nthread=threads, random_state=0)
    elif task == "birdstrikes_hgb":
        X, y, Xt, yt, cats = birdstrikes()
        if library == "sklearn":
            from sklearn.ensemble import HistGradientBoostingClassifier
            mask = [c in cats for c in X.columns]
            X, Xt = codes(X, cats), codes(Xt, cats)
            model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, categorical_features=mask, random_state=0)
        else:
            from xgboost import XGBClassifier
            from sklearn.preprocessing import LabelEncoder
            enc = LabelEncoder().fit(y)
            y = enc.transform(y)
            model = XGBClassifier(n_estimators=100, tree_method="hist", enable_categorical=True, max_cat_to_onehot=1, nthread=threads, random_state=0)
            start, cpu = time.perf_counter(), time.process_time()
            model.fit(X, y)
            fit, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            pred = enc.inverse_transform(model.predict(Xt))
            predict = time.perf_counter() - start
            EXTRA["params"] = effective(model)
            from sklearn.metrics import log_loss
            EXTRA["log_loss"] = float(log_loss(enc.transform(yt), model.predict_proba(Xt), labels=np.arange(len(enc.classes_))))
            return fit, fit_cpu, predict, float(np.mean(pred == yt))
    else:
        X, y, Xt, yt = numeric({"linear_regression": "regression", "hgb_regression": "hgb_regression"}.get(task, "classification"))
        if library == "sklearn":
            from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier
            from sklearn.linear_model import LinearRegression, LogisticRegression
            model = {
                "random_forest": lambda: RandomForestClassifier(n_estimators=100, n_jobs=threads, random_state=0),
                "hist_gradient_boosting": lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0),
                "hgb_regression": lambda: HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0),
                "logistic_regression": lambda: LogisticRegression(),
                "linear_regression": lambda: LinearRegression(),
            }[task]()
        else:
            from xgboost import XGBClassifier, XGBRegressor
            model = {
                "random_forest": lambda: __import__("xgboost").XGBRFClassifier(n_estimators=100, tree_method="hist", nthread=threads, random_state=0),
                "hist_gradient_boosting": lambda: XGBClassifier(n_estimators=100, tree_method="hist", nthread=threads, random_state=0),
                "hgb_regression": lambda: XGBRegressor(n_estimators=100, tree_method="hist", nthread=threads, random_state=0),
            }[task]()
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(X, y)
    fit, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    pred = model.predict(Xt)
    predict = time.perf_counter() - start
    EXTRA["params"] = effective(model)
    if classification:
        score = float(np.mean(pred == yt))
        if task == "birdstrikes_hgb":
            from sklearn.metrics import log_loss
            EXTRA["log_loss"] = float(log_loss(yt, model.predict_proba(Xt), labels=model.classes_))
    else:
        score = float(1 - np.sum((yt - pred) ** 2) / np.sum((yt - yt.mean()) ** 2))
        EXTRA["params"] = f"rmse={np.sqrt(np.mean((yt - pred) ** 2)):.4f}; " + EXTRA["params"]
    return fit, fit_cpu, predict, score


fit, fit_cpu, predict, score = main()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"Library": "scikit-learn" if library == "sklearn" else "XGBoost", "Task": task, "Threads": threads,
                  "FitSeconds": fit, "FitCpuSeconds": fit_cpu, "PredictSeconds": predict, "PeakMegabytes": peak, "Score": score, "Extra": EXTRA.get("params"), "LogLoss": EXTRA.get("log_loss")}))
