"""Writes scikit-learn reference values for the linear family, SVMs, k-nearest neighbours and naive Bayes.

Run with Debian's interpreter (scikit-learn 1.2.1, numpy, scipy, pandas):

    /usr/bin/python3 tests/reference/make_linear_fixtures.py [section ...]

Sections: ridge, enet, nb, knn, svm, linear_svm, sgd, logistic_l1 (default: all).
Output: tests/NetLearn.Core.Tests/Fixtures/linear/<section>.json

Inputs are NetLearn's embedded datasets (read exactly as in make_fixtures.py) or small generated matrices that are
written into the fixture itself, so .NET sees the same numbers. Iterative solvers run at a tight tolerance so that
their result is the optimum of the objective (up to ~1e-10), which is what the .NET tests compare against at 1e-6.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import (ElasticNet, Lasso, LogisticRegression, Ridge, SGDClassifier, SGDRegressor,
                                  enet_path, lasso_path)
from sklearn.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data")
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures", "linear")


def load(name):
    path = os.path.join(DATA, name + ".csv.gz")
    df = pd.read_csv(path, float_precision="round_trip", dtype={"target": str}, keep_default_na=False, na_values=[""])
    features = [c for c in df.columns if c != "target"]
    return df[features].to_numpy(dtype=np.float64), df["target"].to_numpy(dtype=object), features


def standardized(name):
    X, y, f = load(name)
    return StandardScaler().fit_transform(X), y, f


def floats(a):
    return np.asarray(a, dtype=np.float64).tolist()


def write_json(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/reference/make_linear_fixtures.py", "sklearn_version": sklearn.__version__,
                   "numpy_version": np.__version__, **obj}, f, indent=None, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")


def weights(n):
    return np.array([1.0 + (i % 5) for i in range(n)])


# ---------------------------------------------------------------- Ridge

def ridge():
    X, y_text, _ = load("diabetes")
    y = np.array([float(v) for v in y_text])
    cases = []
    for name, alpha, fit_intercept, sw in [("alpha1", 1.0, True, None), ("alpha0.01_no_intercept", 0.01, False, None),
                                           ("alpha0.1_weighted", 0.1, True, weights(len(y)))]:
        m = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, y, sample_weight=sw)
        cases.append({"name": name, "dataset": "diabetes", "alpha": alpha, "fit_intercept": fit_intercept,
                      "weighted": sw is not None, "coef": floats(m.coef_), "intercept": float(m.intercept_),
                      "predictions": floats(m.predict(X))})
    write_json("ridge.json", {"notes": "Ridge(solver='cholesky') on raw diabetes; weights w_i = 1 + (i % 5).",
                              "cases": cases})


# ---------------------------------------------------------------- Lasso / ElasticNet

def enet():
    X, y_text, _ = load("diabetes")
    y = np.array([float(v) for v in y_text])
    cases = []
    for name, kind, alpha, l1, fit_intercept, sw in [
        ("lasso_0.1", "lasso", 0.1, 1.0, True, None),
        ("lasso_1_no_intercept", "lasso", 1.0, 1.0, False, None),
        ("enet_0.01_0.5", "elastic_net", 0.01, 0.5, True, None),
        ("enet_0.1_0.2_weighted", "elastic_net", 0.1, 0.2, True, weights(len(y))),
    ]:
        if kind == "lasso":
            m = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000)
        else:
            m = ElasticNet(alpha=alpha, l1_ratio=l1, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.fit(X, y, sample_weight=sw)
        cases.append({"name": name, "kind": kind, "alpha": alpha, "l1_ratio": l1, "fit_intercept": fit_intercept,
                      "weighted": sw is not None, "coef": floats(m.coef_), "intercept": float(m.intercept_),
                      "predictions": floats(m.predict(X))})

    # More features than rows: a generated problem stored in the fixture.
    Xw, yw = make_regression(n_samples=40, n_features=60, n_informative=8, noise=1.0, random_state=3)
    m = Lasso(alpha=0.5, tol=1e-14, max_iter=1_000_000).fit(Xw, yw)
    wide = {"X": floats(Xw), "y": floats(yw), "alpha": 0.5, "coef": floats(m.coef_), "intercept": float(m.intercept_)}

    # Regularisation paths (no centring inside, as lasso_path/enet_path do).
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    alphas, coefs, gaps = lasso_path(Xc, yc, eps=1e-3, n_alphas=20, tol=1e-14, max_iter=1_000_000)
    path_lasso = {"l1_ratio": 1.0, "eps": 1e-3, "n_alphas": 20, "alphas": floats(alphas), "coefs": floats(coefs.T)}
    alphas, coefs, gaps = enet_path(Xc, yc, l1_ratio=0.7, eps=1e-2, n_alphas=10, tol=1e-14, max_iter=1_000_000)
    path_enet = {"l1_ratio": 0.7, "eps": 1e-2, "n_alphas": 10, "alphas": floats(alphas), "coefs": floats(coefs.T)}
    write_json("enet.json", {"notes": "Lasso/ElasticNet on raw diabetes at tol=1e-14 (the optimum); paths on the "
                                      "column-centred data; 'wide' is make_regression(40, 60, random_state=3).",
                             "cases": cases, "wide": wide, "paths": [path_lasso, path_enet]})


# ---------------------------------------------------------------- naive Bayes

def nb():
    cases = []
    for dataset in ["iris", "wine"]:
        X, y, _ = load(dataset)
        for name, sw, vs in [("default", None, 1e-9), ("weighted", weights(len(y)), 1e-9), ("smooth", None, 1e-2)]:
            m = GaussianNB(var_smoothing=vs).fit(X, y, sample_weight=sw)
            cases.append({"name": f"gaussian_{dataset}_{name}", "kind": "gaussian", "dataset": dataset,
                          "params": {"var_smoothing": vs}, "weighted": sw is not None, "classes": [str(c) for c in m.classes_],
                          "theta": floats(m.theta_), "var": floats(m.var_), "class_prior": floats(m.class_prior_),
                          "proba": floats(m.predict_proba(X)), "predictions": [str(v) for v in m.predict(X)]})
    X, y, _ = load("digits")
    for name, model, params in [
        ("multinomial_default", MultinomialNB(), {}),
        ("multinomial_alpha0.5_uniform", MultinomialNB(alpha=0.5, fit_prior=False), {"alpha": 0.5, "fit_prior": False}),
        ("bernoulli_default", BernoulliNB(), {}),
        ("bernoulli_binarize4", BernoulliNB(alpha=2.0, binarize=4.0), {"alpha": 2.0, "binarize": 4.0}),
        ("complement_default", ComplementNB(), {}),
        ("complement_norm", ComplementNB(alpha=0.3, norm=True), {"alpha": 0.3, "norm": True}),
    ]:
        sw = weights(len(y)) if name.endswith("default") else None
        model.fit(X, y, sample_weight=sw)
        cases.append({"name": name, "kind": name.split("_")[0], "dataset": "digits", "params": params, "weighted": sw is not None,
                      "classes": [str(c) for c in model.classes_], "feature_log_prob": floats(model.feature_log_prob_),
                      "class_log_prior": floats(model.class_log_prior_),
                      "proba": floats(model.predict_proba(X[:300])), "predictions": [str(v) for v in model.predict(X)]})
    write_json("nb.json", {"notes": "Naive Bayes on embedded datasets; proba on the first 300 rows for digits; "
                                    "'weighted' cases use w_i = 1 + (i % 5).", "cases": cases})


# ---------------------------------------------------------------- k-nearest neighbours

def knn():
    Xc, yc = make_classification(n_samples=300, n_features=5, n_informative=4, n_redundant=0, n_classes=3,
                                 random_state=0)
    Xr, yr = make_regression(n_samples=300, n_features=4, noise=5.0, random_state=1)
    cases = []
    for metric, p in [("euclidean", 2), ("manhattan", 1), ("minkowski", 3)]:
        for weights_ in ["uniform", "distance"]:
            for k in [1, 7]:
                c = KNeighborsClassifier(n_neighbors=k, weights=weights_, metric=metric, p=p, algorithm="brute")
                c.fit(Xc[:200], yc[:200])
                r = KNeighborsRegressor(n_neighbors=k, weights=weights_, metric=metric, p=p, algorithm="brute")
                r.fit(Xr[:200], yr[:200])
                dist, idx = c.kneighbors(Xc[200:])
                cases.append({"metric": metric, "p": p, "weights": weights_, "k": k,
                              "class_proba": floats(c.predict_proba(Xc[200:])),
                              "class_predictions": [int(v) for v in c.predict(Xc[200:])],
                              "neighbor_distances": floats(dist), "neighbor_indices": idx.tolist(),
                              "reg_predictions": floats(r.predict(Xr[200:]))})
    write_json("knn.json", {"notes": "Train on the first 200 rows, query the last 100 (continuous data, no distance ties).",
                            "classification": {"X": floats(Xc), "y": [int(v) for v in yc]},
                            "regression": {"X": floats(Xr), "y": floats(yr)}, "cases": cases})


# ---------------------------------------------------------------- kernel SVM

def svm():
    cases = []
    for dataset, kernel, params in [
        ("iris", "rbf", {"C": 1.0, "gamma": "scale"}),
        ("iris", "poly", {"C": 0.5, "gamma": "auto", "degree": 3, "coef0": 1.0}),
        ("breast_cancer", "rbf", {"C": 10.0, "gamma": "scale"}),
        ("breast_cancer", "sigmoid", {"C": 1.0, "gamma": 0.01, "coef0": 0.0}),
        ("breast_cancer", "linear", {"C": 0.1}),
        ("wine", "rbf", {"C": 2.0, "gamma": 0.05}),
    ]:
        X, y, _ = standardized(dataset)
        m = SVC(kernel=kernel, tol=1e-10, max_iter=-1, cache_size=500, **params).fit(X, y)
        mo = SVC(kernel=kernel, tol=1e-10, decision_function_shape="ovo", **params).fit(X, y)
        mp = SVC(kernel=kernel, tol=1e-10, probability=True, random_state=0, **params).fit(X, y)
        cases.append({"name": f"{dataset}_{kernel}", "dataset": dataset, "kernel": kernel, "params": params,
                      "classes": [str(c) for c in m.classes_], "support": m.support_.tolist(),
                      "n_support": m.n_support_.tolist(), "dual_coef": floats(m.dual_coef_),
                      "intercept": floats(m.intercept_), "decision_ovo": floats(mo.decision_function(X)),
                      "decision_ovr": floats(m.decision_function(X)),
                      "predictions": [str(v) for v in m.predict(X)], "proba": floats(mp.predict_proba(X))})
    X, y_text, _ = standardized("diabetes")
    y = np.array([float(v) for v in y_text]) / 100.0
    reg = []
    for kernel, params in [("rbf", {"C": 1.0, "epsilon": 0.1, "gamma": "scale"}), ("poly", {"C": 0.3, "epsilon": 0.2, "degree": 2, "coef0": 1.0, "gamma": "auto"})]:
        m = SVR(kernel=kernel, tol=1e-10, **params).fit(X, y)
        reg.append({"name": f"diabetes_{kernel}", "kernel": kernel, "params": params, "support": m.support_.tolist(),
                    "dual_coef": floats(m.dual_coef_), "intercept": floats(m.intercept_), "predictions": floats(m.predict(X))})
    write_json("svm.json", {"notes": "SVC/SVR (libsvm) at tol=1e-10 on standardised embedded datasets; SVR target is "
                                     "diabetes/100. proba comes from probability=True, random_state=0 (libsvm's internal "
                                     "5-fold Platt scaling; not reproducible bit for bit).", "cases": cases, "regression": reg})


# ---------------------------------------------------------------- linear SVM

def linear_svm():
    cases = []
    for dataset, loss, C in [("breast_cancer", "squared_hinge", 1.0), ("breast_cancer", "hinge", 0.1),
                             ("iris", "squared_hinge", 1.0), ("wine", "hinge", 0.5)]:
        X, y, _ = standardized(dataset)
        m = LinearSVC(loss=loss, C=C, tol=1e-10, max_iter=1_000_000, random_state=0).fit(X, y)
        cases.append({"name": f"{dataset}_{loss}_{C}", "dataset": dataset, "loss": loss, "C": C,
                      "classes": [str(c) for c in m.classes_], "coef": floats(m.coef_), "intercept": floats(m.intercept_),
                      "decision": floats(m.decision_function(X)), "predictions": [str(v) for v in m.predict(X)]})
    X, y_text, _ = standardized("diabetes")
    y = np.array([float(v) for v in y_text]) / 100.0
    reg = []
    for loss, C, eps in [("epsilon_insensitive", 1.0, 0.1), ("squared_epsilon_insensitive", 0.5, 0.0)]:
        m = LinearSVR(loss=loss, C=C, epsilon=eps, tol=1e-10, max_iter=1_000_000, random_state=0).fit(X, y)
        reg.append({"name": f"diabetes_{loss}", "loss": loss, "C": C, "epsilon": eps, "coef": floats(m.coef_),
                    "intercept": floats(m.intercept_), "predictions": floats(m.predict(X))})
    write_json("linear_svm.json", {"notes": "LinearSVC/LinearSVR (liblinear dual CD) at tol=1e-10 on standardised data; "
                                            "LinearSVR target is diabetes/100.", "cases": cases, "regression": reg})


# ---------------------------------------------------------------- SGD (randomised: scores only)

def sgd():
    cases = []
    for dataset, params in [("breast_cancer", {"loss": "hinge"}), ("breast_cancer", {"loss": "log_loss", "penalty": "l1"}),
                            ("breast_cancer", {"loss": "modified_huber", "penalty": "elasticnet"}), ("iris", {"loss": "hinge"}),
                            ("wine", {"loss": "log_loss", "learning_rate": "constant", "eta0": 0.01})]:
        X, y, _ = standardized(dataset)
        scores = [SGDClassifier(random_state=seed, **params).fit(X, y).score(X, y) for seed in range(5)]
        cases.append({"dataset": dataset, "params": params, "train_accuracy_mean": float(np.mean(scores)),
                      "train_accuracy_min": float(np.min(scores))})
    X, y_text, _ = standardized("diabetes")
    y = np.array([float(v) for v in y_text]) / 100.0
    reg = []
    for params in [{}, {"loss": "huber", "epsilon": 0.5, "penalty": "l1", "alpha": 0.001}]:
        scores = [SGDRegressor(random_state=seed, **params).fit(X, y).score(X, y) for seed in range(5)]
        reg.append({"params": params, "train_r2_mean": float(np.mean(scores)), "train_r2_min": float(np.min(scores))})
    write_json("sgd.json", {"notes": "SGD shuffles with its own generator, so only scores are compared: mean and minimum "
                                     "training accuracy / R² over random_state 0..4; SGDRegressor target is diabetes/100.",
                            "cases": cases, "regression": reg})


# ---------------------------------------------------------------- LogisticRegression l1 / elasticnet

def logistic_objective(X, y, classes, coef, intercept, sw, l1, l2, penalize_intercept_scaling=None):
    """Sum of weighted log losses + l1*|W|_1 + l2/2*|W|^2 (intercept penalised only for liblinear)."""
    Z = X @ coef.T + intercept
    if coef.shape[0] == 1:
        z = Z[:, 0]
        t = (y == classes[1]).astype(float)
        loss = np.sum(sw * (np.logaddexp(0, z) - t * z))
    elif penalize_intercept_scaling is not None:  # one-vs-rest
        loss = 0.0
        for c in range(len(classes)):
            t = (y == classes[c]).astype(float)
            loss += np.sum(sw * (np.logaddexp(0, Z[:, c]) - t * Z[:, c]))
    else:
        m = Z.max(axis=1, keepdims=True)
        lse = (m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)))
        idx = np.searchsorted(classes, y)
        loss = np.sum(sw * (lse - Z[np.arange(len(y)), idx]))
    W = coef
    if penalize_intercept_scaling is not None:
        W = np.hstack([coef, (intercept / penalize_intercept_scaling)[:, None]])
    return float(loss + l1 * np.abs(W).sum() + 0.5 * l2 * (W * W).sum())


def logistic_l1():
    cases = []
    for dataset, solver, penalty, C, l1_ratio, class_weight in [
        ("breast_cancer", "saga", "l1", 0.1, None, None),
        ("breast_cancer", "saga", "elasticnet", 0.5, 0.5, "balanced"),
        ("breast_cancer", "liblinear", "l1", 0.2, None, None),
        ("breast_cancer", "liblinear", "l2", 1.0, None, None),
        ("iris", "saga", "elasticnet", 1.0, 0.3, None),
        ("iris", "liblinear", "l1", 1.0, None, None),
        ("wine", "saga", "l1", 0.5, None, None),
    ]:
        X, y, _ = standardized(dataset)
        kw = {"l1_ratio": l1_ratio} if l1_ratio is not None else {}
        tol = 1e-12 if solver == "saga" else 1e-10
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LogisticRegression(solver=solver, penalty=penalty, C=C, class_weight=class_weight, tol=tol,
                                   max_iter=200_000, random_state=0, **kw).fit(X, y)
        sw = np.ones(len(y))
        if class_weight == "balanced":
            counts = {c: np.sum(y == c) for c in m.classes_}
            sw = np.array([len(y) / (len(m.classes_) * counts[v]) for v in y])
        rho = {"l1": 1.0, "l2": 0.0, "elasticnet": l1_ratio}[penalty]
        l1, l2 = rho / C, (1 - rho) / C
        scaling = 1.0 if solver == "liblinear" else None
        objective = logistic_objective(X, y, m.classes_, m.coef_, m.intercept_, sw, l1, l2, scaling)
        cases.append({"name": f"{dataset}_{solver}_{penalty}_C{C}", "dataset": dataset, "solver": solver,
                      "penalty": penalty, "C": C, "l1_ratio": l1_ratio, "class_weight": class_weight,
                      "n_iter": int(np.max(m.n_iter_)), "classes": [str(c) for c in m.classes_],
                      "coef": floats(m.coef_), "intercept": floats(m.intercept_), "objective": objective,
                      "nonzero": int(np.count_nonzero(m.coef_)),
                      "proba": floats(m.predict_proba(X)), "predictions": [str(v) for v in m.predict(X)]})
        print(cases[-1]["name"], "n_iter", cases[-1]["n_iter"], "objective", objective, "nonzero", cases[-1]["nonzero"])
    write_json("logistic_l1.json", {"notes": "LogisticRegression with penalty l1/elasticnet (and liblinear l2) on "
                                             "standardised embedded datasets; saga at tol=1e-12, liblinear at tol=1e-10, "
                                             "max_iter=200000, so coef_ is the optimum. objective = sum of weighted log "
                                             "losses + l1/C*|W|_1 + (1-l1)/(2C)*|W|^2 (liblinear: intercept penalised, "
                                             "one-vs-rest).", "cases": cases})


SECTIONS = {"ridge": ridge, "enet": enet, "nb": nb, "knn": knn, "svm": svm, "linear_svm": linear_svm, "sgd": sgd, "logistic_l1": logistic_l1}

if __name__ == "__main__":
    for s in (sys.argv[1:] or SECTIONS):
        SECTIONS[s]()
