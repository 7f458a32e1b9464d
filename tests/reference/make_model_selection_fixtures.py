"""Reference values for issue 5's model selection: cross-validation splits and calibration (scikit-learn 1.2).

    /usr/bin/python3 tests/reference/make_model_selection_fixtures.py

Writes tests/NetLearn.Core.Tests/Fixtures/model_selection_sklearn.json. Splitters are compared index for index,
the shuffled ones too (NetLearn reproduces NumPy's RandomState: MT19937, random_interval, shuffle). Labels and groups
are strings so their sorted order is the ordinal order both sides use.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve, _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedShuffleSplit,
    train_test_split,
    GroupKFold,
    KFold,
    LeaveOneOut,
    LeavePGroupsOut,
    StratifiedGroupKFold,
    StratifiedKFold,
    TimeSeriesSplit,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures", "model_selection_sklearn.json")


def splits(cv, n, y=None, groups=None):
    X = np.zeros((n, 1))
    return [{"train": tr.tolist(), "test": te.tolist()} for tr, te in cv.split(X, y, groups)]


def sorted_splits(cv, n, y=None):
    # NetLearn returns ascending indices; the random splitters' parts are permutations.
    X = np.zeros((n, 1))
    return [{"train": sorted(tr.tolist()), "test": sorted(te.tolist())} for tr, te in cv.split(X, y)]


def tt_split(n, test_size, seed, y):
    train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed, stratify=y)
    return {"train": sorted(train.tolist()), "test": sorted(test.tolist())}


def main():
    rs = np.random.RandomState(5)
    n = 47
    y = np.array(["b", "c", "a"], dtype=object)[rs.choice(3, size=n, p=[0.5, 0.3, 0.2])]
    # 12 groups with repeated sizes (ties) and 20 groups of distinct sizes.
    groups12 = np.array(["g%02d" % g for g in rs.randint(0, 12, size=n)], dtype=object)
    sizes20 = np.arange(1, 21)
    groups20 = np.array(["h%02d" % g for g, s in enumerate(sizes20) for _ in range(s)], dtype=object)
    rs.shuffle(groups20)
    n20 = len(groups20)
    groups5 = np.array(["p%d" % g for g in rs.randint(0, 5, size=n)], dtype=object)
    y_sg = np.array(["x", "y"], dtype=object)[rs.randint(0, 2, size=n)]

    cases = {
        "kfold_5_23": {"rows": 23, "splits": splits(KFold(5), 23)},
        "kfold_3_10": {"rows": 10, "splits": splits(KFold(3), 10)},
        "stratified_kfold_4": {"rows": n, "y": y.tolist(), "splits": splits(StratifiedKFold(4), n, y)},
        "stratified_kfold_5": {"rows": n, "y": y.tolist(), "splits": splits(StratifiedKFold(5), n, y)},
        "group_kfold_3_ties": {"rows": n, "groups": groups12.tolist(), "splits": splits(GroupKFold(3), n, groups=groups12)},
        "group_kfold_4_distinct": {"rows": n20, "groups": groups20.tolist(), "splits": splits(GroupKFold(4), n20, groups=groups20)},
        "stratified_group_kfold_3": {"rows": n, "y": y.tolist(), "groups": groups12.tolist(),
                                     "splits": splits(StratifiedGroupKFold(3), n, y, groups12)},
        "stratified_group_kfold_4": {"rows": n, "y": y_sg.tolist(), "groups": groups12.tolist(),
                                     "splits": splits(StratifiedGroupKFold(4), n, y_sg, groups12)},
        "time_series_5": {"rows": 23, "splits": splits(TimeSeriesSplit(5), 23)},
        "time_series_gap": {"rows": 30, "splits": splits(TimeSeriesSplit(4, max_train_size=10, test_size=3, gap=2), 30)},
        "leave_one_out": {"rows": 5, "splits": splits(LeaveOneOut(), 5)},
        "leave_2_groups_out": {"rows": n, "groups": groups5.tolist(), "splits": splits(LeavePGroupsOut(2), n, groups=groups5)},
        # Shuffled splitters: NumPy's RandomState(seed) permutations.
        "kfold_shuffled": {"rows": 23, "splits": splits(KFold(5, shuffle=True, random_state=0), 23)},
        "kfold_shuffled_big_seed": {"rows": 1000, "splits": splits(KFold(3, shuffle=True, random_state=2147483647), 1000)},
        "stratified_kfold_shuffled": {"rows": n, "y": y.tolist(), "splits": splits(StratifiedKFold(4, shuffle=True, random_state=3), n, y)},
        # (Shuffled StratifiedGroupKFold is left out: scikit-learn 1.2 shuffles the rows of its per-group class counts
        # but keeps the group numbers in place, so counts and groups no longer match; NetLearn shuffles the groups.)
        "repeated_kfold": {"rows": 23, "splits": splits(RepeatedKFold(n_splits=3, n_repeats=2, random_state=1), 23)},
        "repeated_stratified_kfold": {"rows": n, "y": y.tolist(),
                                      "splits": splits(RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=2), n, y)},
        "shuffle_split": {"rows": 30, "splits": sorted_splits(ShuffleSplit(4, test_size=0.3, random_state=5), 30)},
        "shuffle_split_train_size": {"rows": 30, "splits": sorted_splits(ShuffleSplit(3, test_size=0.2, train_size=0.5, random_state=6), 30)},
        "stratified_shuffle_split": {"rows": n, "y": y.tolist(), "splits": sorted_splits(StratifiedShuffleSplit(5, test_size=0.25, random_state=7), n, y)},
        # 3 equal classes of 4, 8 training and 4 test rows: equal remainders, so the allocation ties are broken by the generator.
        "stratified_shuffle_split_ties": {"rows": 12, "y": ["a", "b", "c"] * 4,
                                          "splits": sorted_splits(StratifiedShuffleSplit(6, test_size=0.3333, random_state=8), 12, np.array(["a", "b", "c"] * 4))},
        "train_test_split": {"rows": 40, "splits": [tt_split(40, 0.3, 9, None)]},
        "train_test_split_stratified": {"rows": n, "y": y.tolist(), "splits": [tt_split(n, 0.25, 10, y)]},
    }

    # Calibration: a binary score with signal, the Platt (sigmoid) parameters, isotonic regression fits and
    # calibration curves.
    yc = rs.randint(0, 2, size=200)
    score = 1.3 * (2 * yc - 1) + rs.normal(size=200) * 1.5
    prob = 1 / (1 + np.exp(-score))
    a, b = _sigmoid_calibration(score, yc)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(prob, yc)
    grid = np.linspace(-0.1, 1.1, 25)
    frac_u, mean_u = calibration_curve(yc, prob, n_bins=10, strategy="uniform")
    frac_q, mean_q = calibration_curve(yc, prob, n_bins=7, strategy="quantile")
    # Isotonic with ties in x and a weighted fit
    xt = np.round(rs.rand(60), 1)
    yt = rs.rand(60) + xt
    wt = rs.rand(60) + 0.5
    iso_t = IsotonicRegression().fit(xt, yt, sample_weight=wt)
    calibration = {
        "y": yc.tolist(),
        "score": score.tolist(),
        "prob": prob.tolist(),
        "sigmoid_a": float(a),
        "sigmoid_b": float(b),
        "isotonic_grid": grid.tolist(),
        "isotonic_pred": iso.predict(grid).tolist(),
        "isotonic_train_pred": iso.predict(prob).tolist(),
        "curve_uniform": {"prob_true": frac_u.tolist(), "prob_pred": mean_u.tolist()},
        "curve_quantile": {"prob_true": frac_q.tolist(), "prob_pred": mean_q.tolist()},
        "ties_x": xt.tolist(),
        "ties_y": yt.tolist(),
        "ties_w": wt.tolist(),
        "ties_grid": np.linspace(0, 1, 11).tolist(),
        "ties_pred": iso_t.predict(np.linspace(0, 1, 11)).tolist(),
    }

    # cross_validate of LinearRegression on the embedded diabetes data with 5 consecutive folds.
    import pandas as pd
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_validate, cross_val_predict
    df = pd.read_csv(os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data", "diabetes.csv.gz"),
                     float_precision="round_trip")
    Xd = df.drop(columns=["target"]).to_numpy(dtype=np.float64)
    yd = df["target"].to_numpy(dtype=np.float64)
    cvres = cross_validate(LinearRegression(), Xd, yd, cv=KFold(5),
                           scoring=["r2", "neg_mean_squared_error", "neg_mean_absolute_error"], return_train_score=True)
    diabetes_cv = {k: v.tolist() for k, v in cvres.items() if k.startswith("test_") or k.startswith("train_")}
    diabetes_cv["oof"] = cross_val_predict(LinearRegression(), Xd, yd, cv=KFold(5)).tolist()

    from sklearn.model_selection import learning_curve, validation_curve
    sizes, lc_train, lc_test = learning_curve(LinearRegression(), Xd, yd, cv=KFold(5), train_sizes=[0.3, 0.6, 1.0], scoring="r2")
    vc_train, vc_test = validation_curve(LinearRegression(), Xd, yd, param_name="fit_intercept", param_range=[True, False],
                                         cv=KFold(4), scoring="neg_mean_absolute_error")
    curves = {"learning_sizes": sizes.tolist(), "learning_train": lc_train.tolist(), "learning_test": lc_test.tolist(),
              "validation_train": vc_train.tolist(), "validation_test": vc_test.tolist()}

    # CalibratedClassifierCV on estimators with a decision function: scikit-learn calibrates decision_function, not
    # predict_proba. Scaled LinearSVC (binary and 3-class, ensemble or not) with sigmoid. (LogisticRegression is not
    # compared: its decision values reach |F| > 30, where scikit-learn's objective evaluates log(1 - expit(-F)) = log 0
    # and BFGS stops short of the optimum; NetLearn's Newton iteration reaches a lower objective there.)
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    from sklearn.linear_model import LogisticRegression

    def load(name):
        frame = pd.read_csv(os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data", name + ".csv.gz"),
                            float_precision="round_trip")
        return frame.drop(columns=["target"]).to_numpy(dtype=np.float64), frame["target"].astype(str).to_numpy()

    decision_cases = []
    for dataset, model, method, ensemble in [("breast_cancer", "linear_svc", "sigmoid", True),
                                             ("wine", "linear_svc", "sigmoid", True),
                                             ("breast_cancer", "linear_svc", "sigmoid", False)]:
        Xc, yc_ = load(dataset)
        base = (LinearSVC(C=0.1, tol=1e-10, max_iter=1_000_000, random_state=0) if model == "linear_svc"
                else LogisticRegression(C=0.05, tol=1e-10, max_iter=10_000))
        cal = CalibratedClassifierCV(make_pipeline(StandardScaler(), base), method=method, cv=3, ensemble=ensemble).fit(Xc, yc_)
        params = [[[float(c.a_), float(c.b_)] for c in member.calibrators] for member in cal.calibrated_classifiers_]
        case = {"dataset": dataset, "model": model, "method": method, "ensemble": ensemble,
                "classes": [str(c) for c in cal.classes_], "sigmoid_params": params, "proba": cal.predict_proba(Xc).tolist()}
        if not ensemble:
            # Here the out-of-fold scores reach |A·F| > 37, where scikit-learn's objective evaluates log(1 - P) = log 0
            # and its BFGS stops short. Record the out-of-fold decision values and the true optimum (a numerically
            # stable objective, BFGS to a gradient of 1e-10) to compare with instead.
            oof = cross_val_predict(make_pipeline(StandardScaler(), base), Xc, yc_, cv=StratifiedKFold(3),
                                    method="decision_function")
            positive = yc_ == cal.classes_[1]
            p1 = positive.sum()
            p0 = len(positive) - p1
            t = np.where(positive, (p1 + 1) / (p1 + 2), 1 / (p0 + 2))

            def platt(ab):
                f = ab[0] * oof + ab[1]
                return (np.logaddexp(0, f) - (1 - t) * f).sum()

            def platt_grad(ab):
                g = 1 / (1 + np.exp(-(ab[0] * oof + ab[1]))) - (1 - t)
                return np.array([g @ oof, g.sum()])

            from scipy.optimize import fmin_bfgs
            best = fmin_bfgs(platt, np.array([0.0, np.log((p0 + 1) / (p1 + 1))]), fprime=platt_grad, gtol=1e-10, disp=False)
            case["oof_decision"] = oof.tolist()
            case["optimum_params"] = [float(best[0]), float(best[1])]
            case["sklearn_objective"] = float(platt(np.array(params[0][0])))
            case["optimum_objective"] = float(platt(best))
        decision_cases.append(case)
    calibration["decision_function_cases"] = decision_cases

    obj = {
        "curves": curves,
        "diabetes_cv": diabetes_cv,
        "provenance": {"generator": "tests/reference/make_model_selection_fixtures.py", "sklearn": sklearn.__version__,
                       "numpy": np.__version__},
        "splits": cases,
        "calibration": calibration,
    }
    with open(OUT, "w") as fh:
        json.dump(obj, fh)
        fh.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
