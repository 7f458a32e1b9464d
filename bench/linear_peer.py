"""The scikit-learn side of the linear-family benchmark (bench/NetLearn.Bench, mode `linear`).

    /usr/bin/python3 bench/linear_peer.py gen DIR [NAME ...] writes the data sets as raw little-endian float64 files
    /usr/bin/python3 bench/linear_peer.py run DIR TASK N     fits TASK N times, prints one JSON line

Tasks (the issue's cases plus one per algorithm family):
    linreg    LinearRegression      make_regression(1_000_000, 50, noise=1, random_state=0), fit on all rows
    logistic  LogisticRegression    make_classification(100_000, 20, random_state=0), 80/20 split (random_state=0)
    logistic_l1       LogisticRegression(penalty='l1', solver='liblinear', C=1) on the logistic data
    logistic_l1_saga  LogisticRegression(penalty='l1', solver='saga', C=1) on the logistic data
    logistic_l1_multinomial  LogisticRegression(penalty='l1', solver='saga', C=1), multinomial:
              make_classification(20_000, 20, n_informative=10, n_classes=6, flip_y=0.05, random_state=5), 80/20
    ridge     Ridge(alpha=1)        the linreg data
    lasso     Lasso(alpha=1)        make_regression(200_000, 100, n_informative=10, noise=5, random_state=1), 80/20
    svc       SVC() (rbf, 'scale')  make_classification(10_000, 20, random_state=0), 80/20
    svc_noshrink  SVC(shrinking=False) on the same data
    knn       KNeighborsClassifier  the first 20_000 training and 5_000 test rows of the logistic split
Thread counts are set by the caller through OMP_NUM_THREADS / OPENBLAS_NUM_THREADS.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC


def save(directory, name, x_train, y_train, x_test, y_test):
    for part, array in [("xtrain", x_train), ("ytrain", y_train), ("xtest", x_test), ("ytest", y_test)]:
        np.ascontiguousarray(array, dtype="<f8").tofile(os.path.join(directory, f"{name}.{part}.f64"))
    with open(os.path.join(directory, f"{name}.json"), "w") as f:
        json.dump({"train_rows": len(y_train), "test_rows": len(y_test), "columns": x_train.shape[1]}, f)


def generate(directory, names):
    os.makedirs(directory, exist_ok=True)
    if not names or "linreg" in names:
        x, y = make_regression(n_samples=1_000_000, n_features=50, noise=1.0, random_state=0)
        save(directory, "linreg", x, y, x[:100_000], y[:100_000])
    if not names or "logistic" in names:
        x, y = make_classification(n_samples=100_000, n_features=20, random_state=0)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0)
        save(directory, "logistic", xtr, ytr, xte, yte)
        save(directory, "knn", xtr[:20_000], ytr[:20_000], xte[:5_000], yte[:5_000])
    if not names or "lasso" in names:
        x, y = make_regression(n_samples=200_000, n_features=100, n_informative=10, noise=5.0, random_state=1)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0)
        save(directory, "lasso", xtr, ytr, xte, yte)
    if not names or "svc" in names:
        x, y = make_classification(n_samples=10_000, n_features=20, random_state=0)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0)
        save(directory, "svc", xtr, ytr, xte, yte)
    if not names or "multiclass" in names:
        x, y = make_classification(n_samples=20_000, n_features=20, n_informative=10, n_classes=6, n_clusters_per_class=2,
                                   flip_y=0.05, random_state=5)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0)
        save(directory, "multiclass", xtr, ytr, xte, yte)


def load(directory, name):
    with open(os.path.join(directory, f"{name}.json")) as f:
        meta = json.load(f)
    p = meta["columns"]

    def read(part, shape):
        return np.fromfile(os.path.join(directory, f"{name}.{part}.f64"), dtype="<f8").reshape(shape)

    return (read("xtrain", (-1, p)), read("ytrain", (-1,)), read("xtest", (-1, p)), read("ytest", (-1,)))


def run(directory, task, repeats):
    data = {"ridge": "linreg", "svc_noshrink": "svc", "logistic_l1": "logistic", "logistic_l1_saga": "logistic",
            "logistic_l1_multinomial": "multiclass"}.get(task, task)
    x_train, y_train, x_test, y_test = load(directory, data)
    make = {
        "linreg": LinearRegression,
        "ridge": lambda: Ridge(alpha=1.0),
        "logistic": LogisticRegression,
        "logistic_l1": lambda: LogisticRegression(penalty="l1", solver="liblinear", C=1.0),
        "logistic_l1_saga": lambda: LogisticRegression(penalty="l1", solver="saga", C=1.0),
        "logistic_l1_multinomial": lambda: LogisticRegression(penalty="l1", solver="saga", C=1.0),
        "lasso": lambda: Lasso(alpha=1.0),
        "svc": SVC,
        "svc_noshrink": lambda: SVC(shrinking=False),
        "knn": KNeighborsClassifier,
    }[task]
    fits, predicts = [], []
    for _ in range(repeats):
        model = make()
        start = time.perf_counter()
        model.fit(x_train, y_train)
        fits.append(time.perf_counter() - start)
        start = time.perf_counter()
        predicted = model.predict(x_test)
        predicts.append(time.perf_counter() - start)
    classifier = task in ("logistic", "logistic_l1", "logistic_l1_saga", "logistic_l1_multinomial", "svc", "svc_noshrink", "knn")
    score = accuracy_score(y_test, predicted) if classifier else r2_score(y_test, predicted)
    result = {"fit": float(np.median(fits)), "predict": float(np.median(predicts)), "score": float(score)}
    if task.startswith("logistic"):
        # The solution, so the caller can check that both sides reached the same optimum.
        result["coef"] = [float(v) for v in np.concatenate([model.coef_.ravel(), np.ravel(model.intercept_)])]
        result["n_iter"] = int(np.max(model.n_iter_))
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        generate(sys.argv[2], sys.argv[3:])
    else:
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]))
