"""Writes scikit-learn 1.2 reference values for NetLearn's decision trees, forests and gradient boosting.

Run with Debian's interpreter (scikit-learn 1.2.1):

    /usr/bin/python3 tests/reference/make_trees_fixtures.py

Output: tests/NetLearn.Core.Tests/Fixtures/trees/*.json

Trees: the data are float32-representable (trees compare features as float32) and continuous, so there are no
ties in feature values. scikit-learn breaks exact ties in the split improvement by its random feature order, which
NetLearn does not reproduce; each case is therefore checked here to give the same tree for ten random_state values,
so the expected tree does not depend on the feature order and NetLearn must reproduce it exactly.

Forests and boosting: randomness differs, so the fixtures hold scikit-learn's held-out accuracy / R^2 and the
data; the tests require NetLearn within 0.5 accuracy points / 0.01 R^2 (averaged over several seeds).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "NetLearn.Core.Tests", "Fixtures", "trees"))


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def tree_dict(t):
    tr = t.tree_
    return {
        "node_count": int(tr.node_count),
        "children_left": tr.children_left.tolist(),
        "children_right": tr.children_right.tolist(),
        "feature": tr.feature.tolist(),
        "threshold": tr.threshold.tolist(),
        "impurity": tr.impurity.tolist(),
        "n_node_samples": tr.n_node_samples.tolist(),
        "weighted_n_node_samples": tr.weighted_n_node_samples.tolist(),
        "value": tr.value[:, 0, :].tolist(),
        "feature_importances": t.feature_importances_.tolist(),
        "depth": int(t.get_depth()),
        "n_leaves": int(t.get_n_leaves()),
    }


def same_structure(a, b):
    ta, tb = a.tree_, b.tree_
    return (ta.node_count == tb.node_count and np.array_equal(ta.feature, tb.feature)
            and np.array_equal(ta.threshold, tb.threshold) and np.array_equal(ta.children_left, tb.children_left))


def stable_fit(make, X, y, sample_weight=None):
    """Fits with random_state 0..9; returns the tree if every seed gives the same one, else None."""
    fits = [make(seed).fit(X, y, sample_weight=sample_weight) for seed in range(10)]
    for other in fits[1:]:
        if not same_structure(fits[0], other):
            return None
    return fits[0]


def classification_data(n, p, classes, seed):
    X, y = make_classification(n_samples=n, n_features=p, n_informative=min(p, 4), n_redundant=0,
                               n_classes=classes, n_clusters_per_class=1, random_state=seed)
    return f32(X), y


def write(name, obj):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(obj, fh)


def tree_cases():
    cases = []
    Xt, _ = classification_data(150, 6, 3, 1000)

    def clf_case(name, params, weighted=False):
        # The first data seed whose tree does not depend on scikit-learn's feature order (see the module docstring).
        for data_seed in range(100):
            Xa, y = classification_data(400, 6, 3, data_seed)
            ya = np.array(["ant", "bee", "cat"])[y]
            sw = np.random.RandomState(data_seed).uniform(0.5, 2.0, size=len(ya)).round(3) if weighted else None
            t = stable_fit(lambda s: DecisionTreeClassifier(random_state=s, **params), Xa, ya, sw)
            if t is not None:
                break
        assert t is not None, name
        cases.append({
            "name": name, "task": "classification", "params": params,
            "X": Xa.tolist(), "y": ya.tolist(), "sample_weight": None if sw is None else sw.tolist(),
            "X_test": Xt.tolist(), "classes": t.classes_.tolist(),
            "tree": tree_dict(t), "proba": t.predict_proba(Xt).tolist(), "predict": t.predict(Xt).tolist(),
            "apply": t.apply(Xt).tolist(),
        })
        if "ccp_alpha" in params:
            unpruned = {k: v for k, v in params.items() if k != "ccp_alpha"}
            paths = [DecisionTreeClassifier(random_state=s, **unpruned).cost_complexity_pruning_path(Xa, ya, sw) for s in range(10)]
            if all(np.allclose(p.ccp_alphas, paths[0].ccp_alphas, rtol=1e-12) and len(p.ccp_alphas) == len(paths[0].ccp_alphas) for p in paths):
                cases[-1]["ccp_path"] = {"ccp_alphas": paths[0].ccp_alphas.tolist(), "impurities": paths[0].impurities.tolist()}

    clf_case("gini_depth5", {"max_depth": 5, "min_samples_leaf": 5})
    clf_case("entropy_depth4", {"criterion": "entropy", "max_depth": 4, "min_samples_leaf": 4})
    clf_case("log_loss_min_split", {"criterion": "log_loss", "max_depth": 6, "min_samples_split": 30})
    clf_case("gini_weighted_balanced", {"max_depth": 4, "min_samples_leaf": 6, "class_weight": "balanced"}, weighted=True)
    clf_case("best_first_leaves", {"max_leaf_nodes": 12, "min_samples_leaf": 5})
    clf_case("min_impurity_decrease", {"min_impurity_decrease": 0.01})
    clf_case("ccp_alpha", {"min_samples_leaf": 3, "ccp_alpha": 0.01})
    clf_case("min_weight_fraction", {"max_depth": 5, "min_weight_fraction_leaf": 0.05})

    Xbt, _ = classification_data(100, 5, 2, 1000)
    for data_seed in range(100):
        Xb, yb = classification_data(300, 5, 2, data_seed)
        t = stable_fit(lambda s: DecisionTreeClassifier(random_state=s, min_samples_leaf=4, max_depth=6), Xb, yb)
        if t is not None:
            break
    cases.append({"name": "binary_numeric_labels", "task": "classification", "params": {"min_samples_leaf": 4, "max_depth": 6},
                  "X": Xb.tolist(), "y": yb.astype(float).tolist(), "sample_weight": None, "X_test": Xbt.tolist(),
                  "classes": t.classes_.astype(float).tolist(), "tree": tree_dict(t), "proba": t.predict_proba(Xbt).tolist(),
                  "predict": t.predict(Xbt).astype(float).tolist(), "apply": t.apply(Xbt).tolist()})
    Xrt = f32(np.random.RandomState(4).normal(size=(100, 5)))

    def reg_case(name, params, target="plain", weighted=False):
        for data_seed in range(100):
            Xr, ya = make_regression(n_samples=300, n_features=5, n_informative=4, noise=10.0, random_state=data_seed)
            Xr = f32(Xr)
            if target == "counts":
                ya = np.random.RandomState(data_seed).poisson(np.exp(0.4 * Xr[:, 0] - 0.3 * Xr[:, 1] + 0.5)).astype(float)
            sw = np.random.RandomState(data_seed).uniform(0.2, 3, size=len(ya)).round(2) if weighted else None
            t = stable_fit(lambda s: DecisionTreeRegressor(random_state=s, **params), Xr, ya, sw)
            if t is not None:
                break
        assert t is not None, name
        cases.append({
            "name": name, "task": "regression", "params": params,
            "X": Xr.tolist(), "y": ya.tolist(), "sample_weight": None if sw is None else sw.tolist(),
            "X_test": Xrt.tolist(), "tree": tree_dict(t), "predict": t.predict(Xrt).tolist(), "apply": t.apply(Xrt).tolist(),
        })

    reg_case("squared_depth6", {"max_depth": 6, "min_samples_leaf": 3})
    reg_case("squared_weighted", {"max_depth": 5, "min_samples_leaf": 4}, weighted=True)
    reg_case("absolute_depth4", {"criterion": "absolute_error", "max_depth": 4, "min_samples_leaf": 5})
    reg_case("poisson_depth4", {"criterion": "poisson", "max_depth": 4, "min_samples_leaf": 5}, target="counts")
    reg_case("squared_best_first", {"max_leaf_nodes": 15, "min_samples_leaf": 3})
    write("decision_trees.json", {"sklearn": sklearn.__version__, "cases": cases})


def export_case():
    for data_seed in range(100):
        X, y = classification_data(200, 3, 2, data_seed)
        t = stable_fit(lambda s: DecisionTreeClassifier(random_state=s, max_depth=2), X, np.array(["no", "yes"])[y])
        if t is not None:
            break
    names = ["alpha", "beta", "gamma"]
    write("tree_export.json", {"X": X.tolist(), "y": np.array(["no", "yes"])[y].tolist(), "feature_names": names,
                               "text": export_text(t, feature_names=names),
                               "text_weights": export_text(t, feature_names=names, show_weights=True)})


def ensemble_cases():
    out = {}
    X, y = make_classification(n_samples=3000, n_features=12, n_informative=6, random_state=0)
    Xtr, Xte, ytr, yte = X[:2000], X[2000:], y[:2000], y[2000:]
    Xr, yr = make_regression(n_samples=3000, n_features=10, n_informative=6, noise=20.0, random_state=1)
    Xrtr, Xrte, yrtr, yrte = Xr[:2000], Xr[2000:], yr[:2000], yr[2000:]

    def acc(model):
        return float(np.mean([model(s).fit(Xtr, ytr).score(Xte, yte) for s in range(5)]))

    def r2(model):
        return float(np.mean([model(s).fit(Xrtr, yrtr).score(Xrte, yrte) for s in range(5)]))

    out["classification"] = {"X_train": Xtr.tolist(), "y_train": ytr.tolist(), "X_test": Xte.tolist(), "y_test": yte.tolist()}
    out["regression"] = {"X_train": Xrtr.tolist(), "y_train": yrtr.tolist(), "X_test": Xrte.tolist(), "y_test": yrte.tolist()}
    out["scores"] = {
        "random_forest_classifier": acc(lambda s: RandomForestClassifier(n_estimators=100, random_state=s)),
        "extra_trees_classifier": acc(lambda s: ExtraTreesClassifier(n_estimators=100, random_state=s)),
        "random_forest_regressor": r2(lambda s: RandomForestRegressor(n_estimators=100, random_state=s)),
        "extra_trees_regressor": r2(lambda s: ExtraTreesRegressor(n_estimators=100, random_state=s)),
        "hist_gradient_boosting_classifier": acc(lambda s: HistGradientBoostingClassifier(random_state=s, early_stopping=False)),
        "hist_gradient_boosting_regressor": r2(lambda s: HistGradientBoostingRegressor(random_state=s, early_stopping=False)),
    }
    rf = RandomForestClassifier(n_estimators=100, random_state=0, oob_score=True).fit(Xtr, ytr)
    out["scores"]["random_forest_classifier_oob"] = float(rf.oob_score_)
    rfr = RandomForestRegressor(n_estimators=100, random_state=0, oob_score=True).fit(Xrtr, yrtr)
    out["scores"]["random_forest_regressor_oob"] = float(rfr.oob_score_)
    # Multiclass boosting.
    Xm, ym = make_classification(n_samples=3000, n_features=10, n_informative=6, n_classes=4, random_state=3)
    out["multiclass"] = {"X_train": Xm[:2000].tolist(), "y_train": ym[:2000].tolist(), "X_test": Xm[2000:].tolist(), "y_test": ym[2000:].tolist()}
    out["scores"]["hist_gradient_boosting_multiclass"] = float(np.mean([
        HistGradientBoostingClassifier(random_state=s, early_stopping=False).fit(Xm[:2000], ym[:2000]).score(Xm[2000:], ym[2000:])
        for s in range(3)]))
    write("ensembles.json", out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    tree_cases()
    export_case()
    ensemble_cases()
    print("wrote", OUT)
