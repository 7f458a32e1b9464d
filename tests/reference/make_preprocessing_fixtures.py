"""Writes scikit-learn 1.2 reference values for NetLearn's preprocessing and feature-selection tests (issue 6).

Run with Debian's interpreter (scikit-learn 1.2.1, numpy 1.24, scipy 1.10, pandas):

    /usr/bin/python3 tests/reference/make_preprocessing_fixtures.py

Output: tests/NetLearn.Core.Tests/Fixtures/
    prep_input.csv            a seeded mixed table (numeric with NaN, positive, signed, integer, constant,
                              categorical with rare levels and NaN, date-times, a regression and a binary target)
    prep_reference.json       fitted attributes, transforms and feature names of the transformers below

NaN is written as null. Inputs are read back from the CSV with float_precision="round_trip", so the numbers sklearn
sees are the numbers .NET parses. TargetEncoder is not in scikit-learn 1.2: its values are computed here with the
algorithm documented for scikit-learn 1.3 (sklearn/preprocessing/_target_encoder.py), written out in plain NumPy.
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.feature_selection import (RFE, RFECV, SelectFromModel, SelectKBest, SelectPercentile,
                                       VarianceThreshold, chi2, f_classif, f_regression,
                                       mutual_info_classif, mutual_info_regression)
from sklearn.impute import IterativeImputer, KNNImputer, MissingIndicator, SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MaxAbsScaler, MinMaxScaler,
                                   Normalizer, OneHotEncoder, OrdinalEncoder, PolynomialFeatures,
                                   PowerTransformer, QuantileTransformer, RobustScaler)

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data")
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures")


def fl(a):
    """Any-rank array -> nested lists of floats, NaN as None."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return None if math.isnan(a) else float(a)
    return [fl(v) for v in a]


def names(a):
    return [str(v) for v in a]


def load(name):
    df = pd.read_csv(os.path.join(DATA, name + ".csv.gz"), float_precision="round_trip", dtype={"target": str},
                     keep_default_na=False, na_values=[""])
    features = [c for c in df.columns if c != "target"]
    return df[features].to_numpy(dtype=np.float64), df["target"].to_numpy(dtype=object), features


def write_input(path):
    rng = np.random.default_rng(20261125)
    n = 200
    a = rng.normal(5, 2, n)
    a[rng.choice(n, 10, replace=False)] = np.nan
    b = rng.lognormal(0, 1, n)
    c = rng.normal(0, 3, n)
    d = rng.integers(0, 10, n).astype(float)
    cats = np.array(["red"] * 80 + ["green"] * 60 + ["blue"] * 40 + ["violet"] * 12 + ["amber"] * 5 + ["teal"] * 3, dtype=object)
    rng.shuffle(cats)
    cats[rng.choice(n, 4, replace=False)] = None
    base = np.datetime64("2020-01-01T00:00:00")
    when = base + rng.integers(0, 3 * 365 * 24 * 3600, n).astype("timedelta64[s]")
    when_text = [str(w).replace(" ", "T") for w in when]
    for i in rng.choice(n, 5, replace=False):
        when_text[i] = None
    y_reg = 3 * np.nan_to_num(a, nan=5.0) - 2 * c + b + rng.normal(0, 1, n)
    y_cls = np.where(y_reg > np.median(y_reg), "yes", "no")
    df = pd.DataFrame({"a": a, "b": b, "c": c, "d": d, "const": np.full(n, 7.0), "cat": cats,
                       "when": when_text, "y_reg": y_reg, "y_cls": y_cls})
    df.to_csv(path, index=False, na_rep="")


def main():
    csv = os.path.join(OUT, "prep_input.csv")
    write_input(csv)
    df = pd.read_csv(csv, float_precision="round_trip", keep_default_na=False, na_values=[""])
    num = df[["a", "b", "c", "d"]].to_numpy(dtype=np.float64)
    full = df[["b", "c", "d"]].to_numpy(dtype=np.float64)
    out = {"generator": "tests/reference/make_preprocessing_fixtures.py", "sklearn_version": sklearn.__version__,
           "numpy_version": np.__version__}

    # ---- scalers (columns a, b, c, d; a has NaN)
    mm = MinMaxScaler().fit(num)
    mm2 = MinMaxScaler(feature_range=(-1, 2), clip=True).fit(num[:100])
    ma = MaxAbsScaler().fit(num)
    rs = RobustScaler().fit(num)
    rs2 = RobustScaler(quantile_range=(10, 90), unit_variance=True, with_centering=False).fit(num)
    out["scalers"] = {
        "min_max": {"data_min": fl(mm.data_min_), "data_max": fl(mm.data_max_), "scale": fl(mm.scale_), "min": fl(mm.min_), "transformed": fl(mm.transform(num))},
        "min_max_clip": {"scale": fl(mm2.scale_), "min": fl(mm2.min_), "transformed": fl(mm2.transform(num))},
        "max_abs": {"max_abs": fl(ma.max_abs_), "scale": fl(ma.scale_), "transformed": fl(ma.transform(num))},
        "robust": {"center": fl(rs.center_), "scale": fl(rs.scale_), "transformed": fl(rs.transform(num))},
        "robust_10_90_unit": {"center": fl(rs2.center_), "scale": fl(rs2.scale_), "transformed": fl(rs2.transform(num))},
        "normalizer": {norm: fl(Normalizer(norm=norm).fit_transform(full)) for norm in ["l1", "l2", "max"]},
    }

    # ---- encoders (column cat, NaN as a category)
    cat = df[["cat"]].astype(object).where(df[["cat"]].notna(), np.nan).to_numpy()
    unseen = np.array([["red"], ["purple"], ["teal"], [np.nan]], dtype=object)
    enc = {}
    for key, kw in [("min_frequency_10", dict(min_frequency=10, handle_unknown="infrequent_if_exist")),
                    ("min_frequency_frac", dict(min_frequency=0.05, handle_unknown="infrequent_if_exist")),
                    ("max_categories_4", dict(max_categories=4, handle_unknown="infrequent_if_exist")),
                    ("drop_first_infrequent", dict(min_frequency=10, drop="first")),
                    ("ignore", dict(handle_unknown="ignore"))]:
        e = OneHotEncoder(sparse_output=False, **kw).fit(cat)
        item = {"feature_names": names(e.get_feature_names_out(["cat"])), "transformed": fl(e.transform(cat)),
                "infrequent": [] if not e._infrequent_enabled or e.infrequent_categories_[0] is None else [("nan" if isinstance(v, float) else v) for v in e.infrequent_categories_[0]]}
        if kw.get("handle_unknown") in ("ignore", "infrequent_if_exist"):
            item["unseen_transformed"] = fl(e.transform(unseen))
        enc[key] = item
    binary = np.array([["x"], ["y"], ["y"], ["x"], ["y"]], dtype=object)
    eb = OneHotEncoder(sparse_output=False, drop="if_binary").fit(np.hstack([binary, np.array([["p"], ["q"], ["r"], ["p"], ["q"]], dtype=object)]))
    enc["if_binary"] = {"feature_names": names(eb.get_feature_names_out(["bin", "tri"])),
                        "transformed": fl(eb.transform(np.hstack([binary, np.array([["p"], ["q"], ["r"], ["p"], ["q"]], dtype=object)])))}
    oe = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(cat)
    oe2 = OrdinalEncoder(encoded_missing_value=-2).fit(cat)
    enc["ordinal"] = {"categories": [("nan" if isinstance(v, float) else v) for v in oe.categories_[0]], "transformed": fl(oe.transform(cat)),
                      "unseen_transformed": fl(oe.transform(unseen)), "missing_minus2": fl(oe2.transform(cat))}
    out["encoders"] = enc

    # ---- imputers and indicators
    si = SimpleImputer(strategy="median", add_indicator=True).fit(num)
    mi = MissingIndicator(features="all").fit(num)
    knn = KNNImputer().fit(num)
    knn_d = KNNImputer(n_neighbors=3, weights="distance").fit(num)
    num_test = num[:20].copy()
    num_test[0, 1] = np.nan
    num_test[1, 2] = np.nan
    num_test[2, :2] = np.nan
    it = IterativeImputer().fit(num)
    it_clip = IterativeImputer(max_iter=5, min_value=0, max_value=8, imputation_order="descending").fit(num)
    Xdia, _, _ = load("diabetes")
    Xdia = Xdia[:150, :5].copy()
    holes = np.random.default_rng(7).random(Xdia.shape) < 0.12
    holes[:, 4] = False
    Xdia[holes] = np.nan
    it_dia = IterativeImputer().fit(Xdia)
    out["iterative_diabetes"] = {"input": fl(Xdia), "n_iter": int(it_dia.n_iter_), "train": fl(it_dia.transform(Xdia)),
                                 "knn": fl(KNNImputer(n_neighbors=4).fit_transform(Xdia))}
    out["imputers"] = {
        "simple_median_indicator": {"feature_names": names(si.get_feature_names_out(["a", "b", "c", "d"])), "transformed": fl(si.transform(num))},
        "missing_indicator_all": {"feature_names": names(mi.get_feature_names_out(["a", "b", "c", "d"])), "transformed": fl(mi.transform(num))},
        "knn_test_input": fl(num_test),
        "knn_uniform": {"train": fl(knn.transform(num)), "test": fl(knn.transform(num_test))},
        "knn_distance_3": {"train": fl(knn_d.transform(num)), "test": fl(knn_d.transform(num_test))},
        "iterative": {"n_iter": int(it.n_iter_), "train": fl(it.transform(num)), "test": fl(it.transform(num_test))},
        "iterative_clip_desc": {"n_iter": int(it_clip.n_iter_), "train": fl(it_clip.transform(num)), "test": fl(it_clip.transform(num_test))},
    }

    # ---- power, quantile, bins, polynomial, function, date-time
    signed = df[["a", "c", "d"]].to_numpy(dtype=np.float64)
    positive = df[["b", "d"]].to_numpy(dtype=np.float64) + np.array([0.0, 1.0])
    yj = PowerTransformer().fit(signed)
    yj_raw = PowerTransformer(standardize=False).fit(signed)
    bc = PowerTransformer(method="box-cox").fit(positive)
    q_u = QuantileTransformer(n_quantiles=50).fit(num)
    q_n = QuantileTransformer(output_distribution="normal").fit(num)
    probe = np.array([[-100.0, 0.01, -20.0, 0.0], [100.0, 50.0, 20.0, 9.0], [5.0, 1.0, 0.0, 4.5]])
    bins = {}
    for strategy in ["uniform", "quantile", "kmeans"]:
        kb = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy=strategy).fit(full)
        kb_oh = KBinsDiscretizer(n_bins=4, encode="onehot-dense", strategy=strategy).fit(full)
        bins[strategy] = {"bin_edges": [fl(e) for e in kb.bin_edges_], "ordinal": fl(kb.transform(full)),
                          "onehot_names": names(kb_oh.get_feature_names_out(["b", "c", "d"])), "onehot": fl(kb_oh.transform(full))}
    kb_few = KBinsDiscretizer(n_bins=8, encode="ordinal", strategy="quantile").fit(df[["d"]].to_numpy(dtype=np.float64))
    bins["quantile_collapsed_d"] = {"bin_edges": [fl(e) for e in kb_few.bin_edges_], "ordinal": fl(kb_few.transform(df[["d"]].to_numpy(dtype=np.float64)))}
    poly = {}
    for key, kw in [("degree2", {}), ("degree3_interaction_nobias", dict(degree=3, interaction_only=True, include_bias=False)),
                    ("degree3", dict(degree=3))]:
        p = PolynomialFeatures(**kw).fit(full)
        poly[key] = {"feature_names": names(p.get_feature_names_out(["b", "c", "d"])), "powers": p.powers_.tolist(), "transformed": fl(p.transform(full[:10]))}
    when = pd.to_datetime(df["when"])
    out["transforms"] = {
        "yeo_johnson": {"lambdas": fl(yj.lambdas_), "transformed": fl(yj.transform(signed))},
        "yeo_johnson_raw": {"lambdas": fl(yj_raw.lambdas_), "transformed": fl(yj_raw.transform(signed))},
        "box_cox": {"lambdas": fl(bc.lambdas_), "transformed": fl(bc.transform(positive))},
        "quantile_uniform_50": {"quantiles": fl(q_u.quantiles_.T), "references": fl(q_u.references_), "transformed": fl(q_u.transform(num)), "probe": fl(q_u.transform(probe))},
        "quantile_normal": {"n_quantiles": int(q_n.n_quantiles_), "transformed": fl(q_n.transform(num)), "probe": fl(q_n.transform(probe))},
        "probe": fl(probe),
        "kbins": bins,
        "polynomial": poly,
        "log1p_b": fl(FunctionTransformer(np.log1p).fit_transform(full[:, :1])),
        "datetime": {part: fl(getattr(when.dt, part).to_numpy(dtype=np.float64)) for part in
                     ["year", "quarter", "month", "day", "dayofweek", "dayofyear", "hour", "minute", "second"]},
    }

    # ---- feature selection
    Xw, yw, _ = load("wine")
    Xd, yd_text, _ = load("diabetes")
    yd = yd_text.astype(np.float64)
    sel = {}
    vt = VarianceThreshold().fit(num)
    vt2 = VarianceThreshold(threshold=5.0).fit(full)
    sel["variance_threshold"] = {"variances": fl(vt.variances_), "support": vt.get_support().tolist(), "support_5": vt2.get_support().tolist(), "variances_full": fl(vt2.variances_)}
    f, p = f_classif(Xw, yw)
    sel["f_classif_wine"] = {"scores": fl(f), "pvalues": fl(p)}
    f, p = chi2(Xw, yw)
    sel["chi2_wine"] = {"scores": fl(f), "pvalues": fl(p)}
    f, p = f_regression(Xd, yd)
    sel["f_regression_diabetes"] = {"scores": fl(f), "pvalues": fl(p)}
    sel["select_k_best_f_classif_5"] = SelectKBest(f_classif, k=5).fit(Xw, yw).get_support().tolist()
    sel["select_percentile_chi2_30"] = SelectPercentile(chi2, percentile=30).fit(Xw, yw).get_support().tolist()
    sel["select_k_best_f_regression_4"] = SelectKBest(f_regression, k=4).fit(Xd, yd).get_support().tolist()
    sel["mutual_info_classif_wine"] = fl(mutual_info_classif(Xw, yw, random_state=0))
    sel["mutual_info_regression_diabetes"] = fl(mutual_info_regression(Xd, yd, random_state=0))
    rfe = RFE(LinearRegression(), n_features_to_select=4).fit(Xd, yd)
    rfe2 = RFE(LinearRegression(), n_features_to_select=3, step=2).fit(Xd, yd)
    rfecv = RFECV(LinearRegression(), cv=KFold(5), min_features_to_select=2).fit(Xd, yd)
    sel["rfe_linear_diabetes_4"] = {"ranking": rfe.ranking_.tolist(), "support": rfe.support_.tolist()}
    sel["rfe_linear_diabetes_3_step2"] = {"ranking": rfe2.ranking_.tolist(), "support": rfe2.support_.tolist()}
    sel["rfecv_linear_diabetes"] = {"n_features": int(rfecv.n_features_), "ranking": rfecv.ranking_.tolist(),
                                    "mean_test_score": fl(rfecv.cv_results_["mean_test_score"])}
    sfm = SelectFromModel(LinearRegression(), threshold="mean").fit(Xd, yd)
    sfm2 = SelectFromModel(LinearRegression(), threshold="1.5*median", max_features=3).fit(Xd, yd)
    sel["select_from_model_mean"] = sfm.get_support().tolist()
    sel["select_from_model_median_max3"] = sfm2.get_support().tolist()
    sel["linear_abs_coef"] = fl(np.abs(LinearRegression().fit(Xd, yd).coef_))
    out["selection"] = sel

    # ---- target encoding (scikit-learn 1.3's algorithm, smooth="auto" and smooth=10, cv=5 without shuffling:
    #      KFold for a continuous target, StratifiedKFold for a binary one, as TargetEncoder.fit_transform does)
    y = df["y_reg"].to_numpy(dtype=np.float64)
    ybin = (df["y_cls"].to_numpy() == "yes").astype(np.float64)
    codes = np.array(["nan" if isinstance(v, float) else v for v in df["cat"].astype(object)], dtype=object)

    def encode(xtrain, ytrain, smooth):
        mean = ytrain.mean()
        var = ytrain.var()
        enc = {}
        for level in np.unique(xtrain):
            yy = ytrain[xtrain == level]
            if smooth == "auto":
                ssd = np.sum((yy - yy.mean()) ** 2)
                lam = var * len(yy) / (var * len(yy) + ssd / len(yy))
                enc[level] = lam * yy.mean() + (1 - lam) * mean
            else:
                enc[level] = (yy.sum() + smooth * mean) / (len(yy) + smooth)
        return enc, mean

    te = {}
    for key, target in [("continuous", y), ("binary", ybin)]:
        for smooth in ["auto", 10.0]:
            enc, mean = encode(codes, target, smooth)
            cross = np.empty(len(codes))
            splitter = KFold(5) if key == "continuous" else StratifiedKFold(5)
            for train, test in splitter.split(codes, target):
                e, m = encode(codes[train], target[train], smooth)
                cross[test] = [e.get(v, m) for v in codes[test]]
            te[f"{key}_{smooth}"] = {"categories": sorted(enc.keys()), "encodings": [enc[k] for k in sorted(enc.keys())],
                                     "target_mean": mean, "fit_transform": fl(cross),
                                     "transform": fl([enc.get(v, mean) for v in codes])}
    out["target_encoder"] = te

    path = os.path.join(OUT, "prep_reference.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=0, allow_nan=False)
        fh.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")


if __name__ == "__main__":
    main()
