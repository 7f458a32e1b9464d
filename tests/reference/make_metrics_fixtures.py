"""Reference values for issue 5's metrics (scikit-learn 1.2).

Run with Debian's Python (it has scikit-learn 1.2.1):

    /usr/bin/python3 tests/reference/make_metrics_fixtures.py

Writes tests/NetLearn.Core.Tests/Fixtures/metrics_sklearn.json. Every case is made from a seeded
numpy RandomState so the file is reproducible. Scores are rounded to 2 decimals in some cases so
that ties occur (ties are where curve and AUC implementations usually differ). Class labels are
strings in the multiclass cases ("ant" < "bee" < "cat" < "dog" in ordinal order, the order
NetLearn and numpy both use) and integers 0/1 in the binary cases.
"""
import json
import os
from itertools import combinations

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures", "metrics_sklearn.json")


def f(a):
    return np.asarray(a, dtype=np.float64).tolist()


def prfs(y, p, average, beta=1.0, labels=None):
    pr, rc, fb, sup = M.precision_recall_fscore_support(y, p, beta=beta, average=average, labels=labels, zero_division=0)
    out = {"precision": f(pr), "recall": f(rc), "fbeta": f(fb)}
    if average is None:
        out["support"] = np.asarray(sup).tolist()
    return out


def binary_case(rs, n, rounding):
    y = rs.randint(0, 2, size=n)
    logit = 1.2 * (2 * y - 1) + rs.normal(size=n)
    score = 1.0 / (1.0 + np.exp(-logit))
    if rounding is not None:
        score = np.round(score, rounding)
    pred = (score > 0.5).astype(int)
    fpr, tpr, thr = M.roc_curve(y, score)
    fpr_all, tpr_all, thr_all = M.roc_curve(y, score, drop_intermediate=False)
    prec, rec, pthr = M.precision_recall_curve(y, score)
    out = {
        "y_true": y.tolist(),
        "y_score": f(score),
        "y_pred": pred.tolist(),
        "accuracy": float(M.accuracy_score(y, pred)),
        "balanced_accuracy": float(M.balanced_accuracy_score(y, pred)),
        "balanced_accuracy_adjusted": float(M.balanced_accuracy_score(y, pred, adjusted=True)),
        "mcc": float(M.matthews_corrcoef(y, pred)),
        "kappa": float(M.cohen_kappa_score(y, pred)),
        "kappa_linear": float(M.cohen_kappa_score(y, pred, weights="linear")),
        "kappa_quadratic": float(M.cohen_kappa_score(y, pred, weights="quadratic")),
        "jaccard": float(M.jaccard_score(y, pred)),
        "hamming_loss": float(M.hamming_loss(y, pred)),
        "roc_auc": float(M.roc_auc_score(y, score)),
        "average_precision": float(M.average_precision_score(y, score)),
        "brier": float(M.brier_score_loss(y, score)),
        "log_loss": float(M.log_loss(y, score)),
        "top_1": float(M.top_k_accuracy_score(y, score, k=1)),
        "fbeta_2_binary": float(M.fbeta_score(y, pred, beta=2.0)),
        "fbeta_half_macro": float(M.fbeta_score(y, pred, beta=0.5, average="macro")),
        "per_class": prfs(y, pred, None),
        "roc_curve": {"fpr": f(fpr), "tpr": f(tpr), "thresholds": f(thr)},
        "roc_curve_all": {"fpr": f(fpr_all), "tpr": f(tpr_all), "thresholds": f(thr_all)},
        "pr_curve": {"precision": f(prec), "recall": f(rec), "thresholds": f(pthr)},
        "confusion_matrix": M.confusion_matrix(y, pred).tolist(),
        "confusion_matrix_true": f(M.confusion_matrix(y, pred, normalize="true")),
        "confusion_matrix_pred": f(M.confusion_matrix(y, pred, normalize="pred")),
        "confusion_matrix_all": f(M.confusion_matrix(y, pred, normalize="all")),
    }
    return out


def multiclass_case(rs, n, names, rounding):
    k = len(names)
    yi = rs.randint(0, k, size=n)
    proba = np.empty((n, k))
    for i, label in enumerate(yi):
        alpha = np.ones(k)
        alpha[label] += 1.5
        proba[i] = rs.dirichlet(alpha)
    if rounding is not None:
        proba = np.round(proba, rounding)
        proba[:, -1] = 1.0 - proba[:, :-1].sum(axis=1)
        proba = np.clip(proba, 0.0, 1.0)
    proba = proba / proba.sum(axis=1, keepdims=True)
    # Predictions: argmax, but a few rows get a label drawn at random, so that some predicted
    # labels disagree with the probabilities (as for a real model's hard voting).
    pi = proba.argmax(axis=1)
    flip = rs.rand(n) < 0.1
    pi[flip] = rs.randint(0, k, size=flip.sum())
    names = np.array(names, dtype=object)
    y = names[yi]
    pred = names[pi]
    labels = sorted(names.tolist())
    ybin = label_binarize(y, classes=labels)
    report = M.classification_report(y, pred, output_dict=True, zero_division=0)
    out = {
        "labels": labels,
        "y_true": y.tolist(),
        "y_pred": pred.tolist(),
        "proba": f(proba),
        "accuracy": float(M.accuracy_score(y, pred)),
        "balanced_accuracy": float(M.balanced_accuracy_score(y, pred)),
        "balanced_accuracy_adjusted": float(M.balanced_accuracy_score(y, pred, adjusted=True)),
        "mcc": float(M.matthews_corrcoef(y, pred)),
        "kappa": float(M.cohen_kappa_score(y, pred)),
        "kappa_linear": float(M.cohen_kappa_score(y, pred, weights="linear")),
        "kappa_quadratic": float(M.cohen_kappa_score(y, pred, weights="quadratic")),
        "hamming_loss": float(M.hamming_loss(y, pred)),
        "jaccard_macro": float(M.jaccard_score(y, pred, average="macro")),
        "jaccard_weighted": float(M.jaccard_score(y, pred, average="weighted")),
        "jaccard_micro": float(M.jaccard_score(y, pred, average="micro")),
        "macro": prfs(y, pred, "macro"),
        "weighted": prfs(y, pred, "weighted"),
        "micro": prfs(y, pred, "micro"),
        "per_class": prfs(y, pred, None),
        "fbeta_2_weighted": float(M.fbeta_score(y, pred, beta=2.0, average="weighted")),
        "roc_auc_ovr_macro": float(M.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels)),
        "roc_auc_ovr_weighted": float(M.roc_auc_score(y, proba, multi_class="ovr", average="weighted", labels=labels)),
        "roc_auc_ovo_macro": float(M.roc_auc_score(y, proba, multi_class="ovo", average="macro", labels=labels)),
        "roc_auc_ovo_weighted": float(M.roc_auc_score(y, proba, multi_class="ovo", average="weighted", labels=labels)),
        # scikit-learn 1.2's average_precision_score has no multiclass mode; one-vs-rest through label_binarize is
        # what later versions do and what NetLearn's AveragePrecision(yTrue, proba, classes, average) computes.
        "average_precision_ovr_macro": float(M.average_precision_score(ybin, proba, average="macro")),
        "average_precision_ovr_weighted": float(M.average_precision_score(ybin, proba, average="weighted")),
        "log_loss": float(M.log_loss(y, proba, labels=labels)),
        "top_k": {str(k_): float(M.top_k_accuracy_score(y, proba, k=k_, labels=labels)) for k_ in range(1, len(labels))},
        "confusion_matrix": M.confusion_matrix(y, pred, labels=labels).tolist(),
        "report": {key: ({m: float(v) for m, v in val.items()} if isinstance(val, dict) else float(val)) for key, val in report.items()},
        "report_text": M.classification_report(y, pred, digits=4, zero_division=0),
    }
    return out


def regression_case(rs, n, positive):
    if positive:
        y = rs.gamma(2.0, 3.0, size=n) + 0.1
        pred = np.abs(y * np.exp(0.2 * rs.normal(size=n))) + 0.05
    else:
        y = 50.0 + 10.0 * rs.normal(size=n)
        pred = y + 3.0 * rs.normal(size=n) - 1.0
        y[:3] = 0.0  # MAPE divides by max(|y|, eps)
    out = {
        "y_true": f(y),
        "y_pred": f(pred),
        "mse": float(M.mean_squared_error(y, pred)),
        "rmse": float(M.mean_squared_error(y, pred, squared=False)),
        "mae": float(M.mean_absolute_error(y, pred)),
        "median_absolute_error": float(M.median_absolute_error(y, pred)),
        "mape": float(M.mean_absolute_percentage_error(y, pred)),
        "r2": float(M.r2_score(y, pred)),
        "explained_variance": float(M.explained_variance_score(y, pred)),
        "max_error": float(M.max_error(y, pred)),
    }
    if positive:
        out["poisson_deviance"] = float(M.mean_poisson_deviance(y, pred))
        out["gamma_deviance"] = float(M.mean_gamma_deviance(y, pred))
        out["msle"] = float(M.mean_squared_log_error(y, pred))
    return out


def main():
    rs = np.random.RandomState(20260525)
    obj = {
        "provenance": {
            "generator": "tests/reference/make_metrics_fixtures.py",
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
        },
        "binary": binary_case(rs, 240, None),
        "binary_ties": binary_case(rs, 150, 1),
        "multiclass": multiclass_case(rs, 300, ["cat", "dog", "ant"], None),
        "multiclass_ties": multiclass_case(rs, 200, ["ant", "bee", "cat", "dog"], 1),
        "regression": regression_case(rs, 101, False),
        "regression_positive": regression_case(rs, 120, True),
        "regression_even": regression_case(rs, 40, False),
        "constant": {
            "y_true": [3.0, 3.0, 3.0, 3.0],
            "y_pred": [3.0, 3.0, 3.0, 2.0],
            "r2": float(M.r2_score([3.0] * 4, [3.0, 3.0, 3.0, 2.0])),
            "explained_variance": float(M.explained_variance_score([3.0] * 4, [3.0, 3.0, 3.0, 2.0])),
            "explained_variance_exact": float(M.explained_variance_score([3.0] * 4, [3.0] * 4)),
        },
    }
    with open(OUT, "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
