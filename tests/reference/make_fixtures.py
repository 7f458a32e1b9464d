"""Writes scikit-learn reference values as JSON fixtures for NetLearn's xUnit tests.

Run with Debian's interpreter (it has scikit-learn 1.2.1, numpy, scipy, pandas):

    /usr/bin/python3 tests/reference/make_fixtures.py

Output: tests/NetLearn.Core.Tests/Fixtures/
    linear_regression.json     LinearRegression on diabetes (raw features)
    logistic_regression.json   LogisticRegression (lbfgs) on standardized iris/wine/breast_cancer/digits
    standard_scaler.json       StandardScaler on wine features
    preprocessing.json         SimpleImputer / OneHotEncoder on a small hand-made table
    preprocessing_input.csv    that table, as the .NET tests read it (empty field = missing)
    metrics.json               classification and regression metrics on seeded random data

Inputs are always read from NetLearn's embedded datasets
(src/NetLearn.Core/Datasets/Data/*.csv.gz) so the numbers sklearn sees are the
numbers .NET sees. Floats are parsed with float_precision="round_trip" (correctly
rounded, like .NET's double.Parse) and written by json.dump, which uses Python's
shortest round-trip repr, so no precision is lost in either direction.
Class labels are kept as strings, so sklearn's classes_ are sorted in ordinal
string order, the order NetLearn uses; a binary problem's positive class is classes_[1].
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from scipy.optimize._linesearch import LineSearchWarning  # not re-exported in this scipy
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data")
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures")


# ---------------------------------------------------------------- helpers

def load(name):
    """Return (X float64 matrix, y array, feature names) of an embedded dataset.

    The target column is read as text; callers convert it when it is numeric
    (diabetes). Only empty fields would count as missing (there are none).
    """
    path = os.path.join(DATA, name + ".csv.gz")
    df = pd.read_csv(path, float_precision="round_trip", dtype={"target": str},
                     keep_default_na=False, na_values=[""])
    features = [c for c in df.columns if c != "target"]
    X = df[features].to_numpy(dtype=np.float64)
    y = df["target"].to_numpy(dtype=object)
    return X, y, features


def floats(a):
    """Numpy array (any rank) -> nested lists of Python floats."""
    return np.asarray(a, dtype=np.float64).tolist()


def write_json(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        # allow_nan=False: a NaN/Infinity would not be valid JSON, so fail loudly.
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")


def all_finite(obj):
    """True when every number inside a nested list/dict structure is finite."""
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(all_finite(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(all_finite(v) for v in obj)
    return True


def provenance():
    return {
        "generator": "tests/reference/make_fixtures.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
    }


# ---------------------------------------------------------------- a. LinearRegression

def linear_regression():
    X, y_text, features = load("diabetes")
    y = np.array([float(v) for v in y_text])
    n = X.shape[0]
    weights = [1.0 + (i % 5) for i in range(n)]

    cases = []
    for name, fit_intercept, sw in [
        ("default", True, None),
        ("no_intercept", False, None),
        ("sample_weight", True, weights),
    ]:
        model = LinearRegression(fit_intercept=fit_intercept)
        model.fit(X, y, sample_weight=None if sw is None else np.array(sw))
        case = {
            "name": name,
            "fit_intercept": fit_intercept,
            "sample_weight": sw,
            "coef": floats(model.coef_),
            "intercept": float(model.intercept_),
            "predictions": floats(model.predict(X)),
        }
        assert all_finite(case), name
        cases.append(case)

    write_json("linear_regression.json", {
        **provenance(),
        "dataset": "diabetes",
        "features": features,
        "target": "target",
        "n_samples": n,
        "notes": "Raw (unscaled) diabetes features. sample_weight case uses w_i = 1 + (i % 5) "
                 "with i the 0-based row index. intercept is 0.0 when fit_intercept is false.",
        "cases": cases,
    })


# ---------------------------------------------------------------- b. LogisticRegression

def logistic_gradient_max_abs(model, Xs, y, sample_weight):
    """Largest |component| of the gradient of sklearn's objective at the fit.

    In the textbook form the objective is  0.5*||W||^2 + C * sum_i s_i * loss_i
    (intercept not penalised; s_i = class weight of row i, else 1), with loss =
    binary log-loss on one sigmoid for two classes and multinomial log-loss
    otherwise. sklearn 1.2's lbfgs/newton-cg minimise that divided by C, i.e.
    sum_i s_i*loss_i + 0.5/C*||W||^2 (their tol applies to this gradient), so we
    return the gradient on the same scale: grad / C.
    """
    C = model.C
    classes = model.classes_
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    if len(classes) == 2:
        t = (y == classes[1]).astype(float)
        p = model.predict_proba(Xs)[:, 1]
        r = s * (p - t)
        g_w = model.coef_[0] + C * (Xs.T @ r)
        g_b = C * r.sum()
        return float(max(np.abs(g_w).max(), abs(g_b))) / C
    T = (y[:, None] == classes[None, :]).astype(float)
    P = model.predict_proba(Xs)
    R = s[:, None] * (P - T)
    g_W = model.coef_ + C * (R.T @ Xs)
    g_b = C * R.sum(axis=0)
    return float(max(np.abs(g_W).max(), np.abs(g_b).max())) / C


def logistic_regression():
    max_iter = 100000
    specs = [
        ("iris_C1", "iris", 1.0, None),
        ("iris_C0.1", "iris", 0.1, None),
        ("wine_C1", "wine", 1.0, None),
        ("breast_cancer_C1", "breast_cancer", 1.0, None),
        ("breast_cancer_C1_balanced", "breast_cancer", 1.0, "balanced"),
        ("digits_C1", "digits", 1.0, None),
    ]
    cases = []
    for name, dataset, C, class_weight in specs:
        X, y, _ = load(dataset)
        # Standardize with a scaler fitted on the whole dataset; constant columns
        # (digits has some) get scale 1 and so map to 0.
        Xs = StandardScaler().fit_transform(X)
        model = LogisticRegression(C=C, class_weight=class_weight, tol=1e-12, max_iter=max_iter)
        model.fit(Xs, y)
        n_iter = int(np.max(model.n_iter_))
        assert n_iter < max_iter, f"{name}: lbfgs hit max_iter"
        sw = None if class_weight is None else compute_sample_weight(class_weight, y)
        grad = logistic_gradient_max_abs(model, Xs, y, sw)
        # lbfgs stops on scipy's default relative-reduction test (ftol ~2.2e-9)
        # long before the 1e-12 gradient test, so expect ~1e-4 here, not 1e-12.
        assert grad < 1e-3, f"{name}: gradient {grad} too large, not near the optimum"

        # The exact optimum, for tight comparisons: the same objective solved by
        # newton-cg to a gradient of 1e-8 (about as far as float64 allows for these
        # sums), then checked independently.
        # Its last line search can report failure once the gradient is at rounding
        # level; that warning is silenced and the gradient is checked below instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", LineSearchWarning)
            exact = LogisticRegression(C=C, class_weight=class_weight, solver="newton-cg",
                                       tol=1e-8, max_iter=max_iter).fit(Xs, y)
        assert int(np.max(exact.n_iter_)) < max_iter, f"{name}: newton-cg hit max_iter"
        exact_grad = logistic_gradient_max_abs(exact, Xs, y, sw)
        assert exact_grad < 1e-7, f"{name}: newton-cg gradient {exact_grad}"
        exact_proba = exact.predict_proba(Xs)

        proba = model.predict_proba(Xs)
        assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-12), name
        pred = model.predict(Xs)
        case = {
            "name": name,
            "dataset": dataset,
            "C": C,
            "class_weight": class_weight,
            "classes": [str(c) for c in model.classes_],
            "n_samples": int(Xs.shape[0]),
            "n_features": int(Xs.shape[1]),
            "coef": floats(model.coef_),
            "intercept": floats(model.intercept_),
            "proba_rows": int(proba.shape[0]),
            "proba": floats(proba),
            "predictions": [str(p) for p in pred],
            "train_accuracy": float(accuracy_score(y, pred)),
            "train_log_loss": float(log_loss(y, proba, labels=model.classes_)),
            "n_iter": n_iter,
            "gradient_max_abs": grad,
            "optimum": {
                "solver": "newton-cg",
                "coef": floats(exact.coef_),
                "intercept": floats(exact.intercept_),
                "train_log_loss": float(log_loss(y, exact_proba, labels=exact.classes_)),
                "gradient_max_abs": exact_grad,
                "lbfgs_coef_max_abs_diff": float(np.abs(model.coef_ - exact.coef_).max()),
                "lbfgs_intercept_max_abs_diff": float(np.abs(model.intercept_ - exact.intercept_).max()),
                "lbfgs_proba_max_abs_diff": float(np.abs(proba - exact_proba).max()),
            },
        }
        assert all_finite(case), name
        print(f"  {name}: n_iter={n_iter} |grad|max={grad:.2e} acc={case['train_accuracy']:.4f} "
              f"optimum |grad|={exact_grad:.1e} coef diff vs optimum={case['optimum']['lbfgs_coef_max_abs_diff']:.1e} "
              f"proba diff={case['optimum']['lbfgs_proba_max_abs_diff']:.1e}")
        cases.append(case)

    write_json("logistic_regression.json", {
        **provenance(),
        "notes": "Features standardized with StandardScaler fitted on the full dataset (population std; "
                 "constant columns -> 0). LogisticRegression(C, class_weight, tol=1e-12, max_iter=100000), "
                 "solver lbfgs, L2 penalty 0.5*||W||^2 + C*sum(loss), intercept not penalised. Binary: one "
                 "sigmoid, coef has 1 row, proba[:,1] is P(classes[1]). Multiclass: multinomial softmax, coef "
                 "has k rows. classes sorted in ordinal string order. train_log_loss is the unweighted mean "
                 "log-loss on the training rows (also for class_weight='balanced'). proba holds the first "
                 "proba_rows rows (all rows here). n_iter and gradient_max_abs are convergence diagnostics; "
                 "gradient_max_abs is on sklearn's scale, i.e. the max |component| of the gradient of "
                 "sum_i s_i*loss_i + 0.5/C*||W||^2 (s_i = class weight, else 1). CAUTION: sklearn's lbfgs stops on scipy's default "
                 "relative function-reduction test (ftol ~2.2e-9) well before tol=1e-12, so coef/intercept/proba "
                 "here are sklearn's actual output but sit ~1e-4 (coef) / ~5e-5 (proba) from the exact optimum. "
                 "'optimum' holds the exact optimum (newton-cg, gradient < 1e-7) and the lbfgs-vs-optimum "
                 "differences. Multiclass intercepts are only defined up to a common shift (softmax is shift-invariant "
                 "and intercepts are not penalised); sklearn's fits, started from zero, have intercepts summing to ~0, "
                 "so compare after centering or compare probabilities. Compare a well-converged solver "
                 "against 'optimum' tightly, or against the top-level sklearn values with a tolerance above lbfgs_*_max_abs_diff.",
        "cases": cases,
    })


# ---------------------------------------------------------------- c. StandardScaler

def standard_scaler():
    X, _, features = load("wine")
    sc = StandardScaler().fit(X)
    obj = {
        **provenance(),
        "dataset": "wine",
        "features": features,
        "notes": "var is the population variance (ddof=0); scale = sqrt(var) (1.0 where var is 0).",
        "n_samples": int(X.shape[0]),
        "mean": floats(sc.mean_),
        "scale": floats(sc.scale_),
        "var": floats(sc.var_),
        "transformed_first5": floats(sc.transform(X[:5])),
    }
    assert all_finite(obj)
    write_json("standard_scaler.json", obj)


# ---------------------------------------------------------------- d. imputers and one-hot

# Hand-made 12-row table. None marks a missing value (written as an empty CSV field).
# Ties are deliberate so the most_frequent rule is exercised:
#   num_a: 2.5 and 4.0 both occur 3 times            -> most_frequent = 2.5 (smallest)
#   num_b: 3 and 7 both occur 3 times                -> most_frequent = 3   (smallest)
#   city : Bergen and Oslo both occur 4 times        -> most_frequent = "Bergen" (smallest string)
PREP_TABLE = {
    "num_a": [2.5, 4.0, None, 1.25, 2.5, 4.0, 10.75, None, 2.5, 4.0, 0.5, 6.125],
    "num_b": [3, 7, 1, 3, None, 7, 12, 3, 7, 5, 2, 9],
    "city": ["Oslo", "Bergen", "Tromso", None, "Oslo", "Bergen", "Oslo", "Tromso",
             "Bergen", "Oslo", "Bergen", "Tromso"],
}


def write_prep_csv(path):
    cols = list(PREP_TABLE)
    n = len(PREP_TABLE["num_a"])
    lines = [",".join(cols)]
    for i in range(n):
        cells = []
        for c in cols:
            v = PREP_TABLE[c][i]
            cells.append("" if v is None else (repr(v) if isinstance(v, float) else str(v)))
        lines.append(",".join(cells))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def nan_to_none(rows):
    """Nested float lists with NaN -> None (JSON null)."""
    return [[None if (isinstance(v, float) and math.isnan(v)) else v for v in r] for r in rows]


def preprocessing():
    csv_path = os.path.join(OUT, "preprocessing_input.csv")
    write_prep_csv(csv_path)
    # Read back what was written, exactly as a user's CSV would be read.
    df = pd.read_csv(csv_path, float_precision="round_trip", keep_default_na=False, na_values=[""])
    assert len(df) == 12
    assert df["num_a"].isna().sum() == 2 and df["num_b"].isna().sum() == 1 and df["city"].isna().sum() == 1

    numeric = ["num_a", "num_b"]
    Xn = df[numeric].to_numpy(dtype=np.float64)
    imputers = {}
    for strategy, kwargs in [
        ("mean", {}),
        ("median", {}),
        ("most_frequent", {}),
        ("constant", {"fill_value": 0}),
    ]:
        imp = SimpleImputer(strategy=strategy, **kwargs).fit(Xn)
        imputers[strategy] = {
            "fill_value": kwargs.get("fill_value"),
            "statistics": floats(imp.statistics_),
            "transformed": floats(imp.transform(Xn)),
        }

    city = df[["city"]].astype(object)
    city_imp = SimpleImputer(strategy="most_frequent").fit(city)
    city_filled = city_imp.transform(city)

    ohe = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(city_filled)
    unknown = np.array([["Oslo"], ["Stavanger"], ["Tromso"]], dtype=object)
    ohe_drop = OneHotEncoder(drop="first", sparse_output=False).fit(city_filled)

    obj = {
        **provenance(),
        "input_csv": "preprocessing_input.csv",
        "notes": "Missing values are empty CSV fields (null here). SimpleImputer most_frequent picks the "
                 "SMALLEST value among ties (num_a: 2.5 vs 4.0, num_b: 3 vs 7, city: 'Bergen' vs 'Oslo'; "
                 "strings compared ordinally). median of an even count is the mean of the two middle values. "
                 "Numeric imputers are fitted on columns [num_a, num_b] together. OneHotEncoder is fitted "
                 "on the city column after most_frequent imputation; categories are sorted ordinally; with "
                 "handle_unknown='ignore' an unseen category encodes as all zeros. drop='first' drops the "
                 "first (smallest) category.",
        "columns": list(df.columns),
        "input": {
            "num_a": nan_to_none([df["num_a"].tolist()])[0],
            "num_b": nan_to_none([df["num_b"].tolist()])[0],
            "city": [None if isinstance(v, float) else v for v in df["city"].tolist()],
        },
        "numeric_columns": numeric,
        "numeric_imputer": imputers,
        "city_imputer_most_frequent": {
            "statistics": [str(v) for v in city_imp.statistics_],
            "transformed": [str(v) for v in city_filled[:, 0]],
        },
        "onehot": {
            "handle_unknown": "ignore",
            "categories": [[str(v) for v in cats] for cats in ohe.categories_],
            "feature_names": [str(v) for v in ohe.get_feature_names_out(["city"])],
            "transformed": floats(ohe.transform(city_filled)),
            "unknown_input": [str(v) for v in unknown[:, 0]],
            "unknown_transformed": floats(ohe.transform(unknown)),
        },
        "onehot_drop_first": {
            "drop": "first",
            "feature_names": [str(v) for v in ohe_drop.get_feature_names_out(["city"])],
            "transformed": floats(ohe_drop.transform(city_filled)),
        },
    }
    # Sanity: the documented tie-breaking really happened.
    assert imputers["most_frequent"]["statistics"] == [2.5, 3.0]
    assert obj["city_imputer_most_frequent"]["statistics"] == ["Bergen"]
    assert all_finite({k: v for k, v in obj.items() if k != "input"})
    write_json("preprocessing.json", obj)


# ---------------------------------------------------------------- e. metrics

def metrics():
    rs = np.random.RandomState(0)

    # Binary: labels 0/1, scores = sigmoid(1.5*(+-1) + noise) so they carry signal.
    yb = rs.randint(0, 2, size=200)
    logit = 1.5 * (2 * yb - 1) + rs.normal(size=200)
    yb_score = 1.0 / (1.0 + np.exp(-logit))
    yb_pred = (yb_score > 0.5).astype(int)

    # Multiclass: labels 0..2, each row's proba drawn from a Dirichlet whose
    # concentration favours the true class (alpha = 1, +2 on the true class).
    ym = rs.randint(0, 3, size=300)
    pm = np.empty((300, 3))
    for i, label in enumerate(ym):
        alpha = np.ones(3)
        alpha[label] += 2.0
        pm[i] = rs.dirichlet(alpha)
    pm = pm / pm.sum(axis=1, keepdims=True)  # remove any last-bit rounding drift
    ym_pred = pm.argmax(axis=1)

    # Regression.
    yr = 50.0 + 10.0 * rs.normal(size=100)
    yr_pred = yr + 3.0 * rs.normal(size=100)

    def prf(y, p, average):
        return {
            "precision": float(precision_score(y, p, average=average)),
            "recall": float(recall_score(y, p, average=average)),
            "f1": float(f1_score(y, p, average=average)),
        }

    mse = float(mean_squared_error(yr, yr_pred))
    obj = {
        **provenance(),
        "notes": "Generated with numpy RandomState(0). Binary positive label is 1; binary y_pred = y_score > 0.5; "
                 "multiclass y_pred = argmax(proba) (first index on ties). log_loss is the mean negative "
                 "log-likelihood (natural log). roc_auc_ovr_* are one-vs-rest AUCs averaged macro / weighted "
                 "by support. confusion matrices: rows = true label, columns = predicted label, labels sorted. "
                 "rmse = sqrt(mse). r2 uses the population variance of y_true.",
        "binary": {
            "y_true": yb.tolist(),
            "y_score": floats(yb_score),
            "y_pred": yb_pred.tolist(),
            "accuracy": float(accuracy_score(yb, yb_pred)),
            "binary": prf(yb, yb_pred, "binary"),
            "macro": prf(yb, yb_pred, "macro"),
            "weighted": prf(yb, yb_pred, "weighted"),
            "micro": prf(yb, yb_pred, "micro"),
            "roc_auc": float(roc_auc_score(yb, yb_score)),
            "log_loss": float(log_loss(yb, yb_score)),
            "confusion_matrix": confusion_matrix(yb, yb_pred).tolist(),
        },
        "multiclass": {
            "labels": [0, 1, 2],
            "y_true": ym.tolist(),
            "proba": floats(pm),
            "y_pred": ym_pred.tolist(),
            "accuracy": float(accuracy_score(ym, ym_pred)),
            "macro": prf(ym, ym_pred, "macro"),
            "weighted": prf(ym, ym_pred, "weighted"),
            "micro": prf(ym, ym_pred, "micro"),
            "roc_auc_ovr_macro": float(roc_auc_score(ym, pm, multi_class="ovr", average="macro")),
            "roc_auc_ovr_weighted": float(roc_auc_score(ym, pm, multi_class="ovr", average="weighted")),
            "log_loss": float(log_loss(ym, pm)),
            "confusion_matrix": confusion_matrix(ym, ym_pred).tolist(),
        },
        "regression": {
            "y_true": floats(yr),
            "y_pred": floats(yr_pred),
            "mse": mse,
            "rmse": math.sqrt(mse),
            "mae": float(mean_absolute_error(yr, yr_pred)),
            "r2": float(r2_score(yr, yr_pred)),
        },
    }
    assert all_finite(obj)
    # Micro-averaged P/R/F1 equal accuracy for single-label problems: a cheap self-check.
    for part, y, p in [("binary", yb, yb_pred), ("multiclass", ym, ym_pred)]:
        acc = obj[part]["accuracy"]
        assert all(abs(v - acc) < 1e-15 for v in obj[part]["micro"].values()), part
    write_json("metrics.json", obj)


def main():
    os.makedirs(OUT, exist_ok=True)
    linear_regression()
    logistic_regression()
    standard_scaler()
    preprocessing()
    metrics()


if __name__ == "__main__":
    main()
