"""Writes scikit-learn / SciPy reference values for NetLearn's unsupervised estimators as JSON fixtures.

Run with Debian's interpreter (scikit-learn 1.2.1, SciPy 1.10, numpy):

    /usr/bin/python3 tests/reference/make_unsupervised_fixtures.py

Output: tests/NetLearn.Core.Tests/Fixtures/unsupervised/
    kmeans.json          KMeans (lloyd and elkan) from given initial centres, with and without sample weights
    pca.json             PCA (full solver) on iris, wine and digits: components, variances, projections
    metrics.json         clustering metrics and trustworthiness
    agglomerative.json   SciPy linkage matrices and scikit-learn labels for ward/complete/average/single
    dbscan.json          DBSCAN labels and core samples
    gmm.json             GaussianMixture from given initial parameters, for all four covariance types
    lof.json             LocalOutlierFactor negative outlier factors and labels
    truncated_svd.json   TruncatedSVD (arpack, exact) on digits
    tsne.json            scikit-learn's Barnes-Hut t-SNE on digits: KL divergence and trustworthiness

Generated data is written into the fixtures (shortest round-trip float repr) so .NET sees the same numbers.
Embedded datasets are read from src/NetLearn.Core/Datasets/Data exactly as NetLearn reads them.
"""
import json
import math
import os
import time

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, kmeans_plusplus
from sklearn.datasets import make_blobs, make_moons
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    calinski_harabasz_score,
    completeness_score,
    davies_bouldin_score,
    homogeneity_score,
    mutual_info_score,
    normalized_mutual_info_score,
    silhouette_samples,
    silhouette_score,
    v_measure_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import LocalOutlierFactor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data")
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures", "unsupervised")


def load(name):
    df = pd.read_csv(os.path.join(DATA, name + ".csv.gz"), float_precision="round_trip", dtype={"target": str})
    features = [c for c in df.columns if c != "target"]
    return df[features].to_numpy(dtype=np.float64), df["target"].to_numpy(dtype=object)


def floats(a):
    return np.asarray(a, dtype=np.float64).tolist()


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def write_json(name, obj):
    os.makedirs(OUT, exist_ok=True)
    obj["provenance"] = {
        "generator": "tests/reference/make_unsupervised_fixtures.py",
        "sklearn_version": sklearn.__version__,
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
    }
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=None, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")


def kmeans_fixture():
    X, _ = make_blobs(n_samples=600, centers=5, n_features=4, cluster_std=1.8, random_state=3)
    X = np.round(X, 6)
    w = np.array([1.0 + (i % 4) * 0.5 for i in range(len(X))])
    cases = []
    for k in (3, 5, 8):
        init, _ = kmeans_plusplus(X, n_clusters=k, random_state=k)
        for algorithm in ("lloyd", "elkan"):
            for weighted in (False, True):
                km = KMeans(n_clusters=k, init=init, n_init=1, algorithm=algorithm, max_iter=300, tol=1e-4)
                km.fit(X, sample_weight=w if weighted else None)
                cases.append({
                    "k": k, "algorithm": algorithm, "weighted": weighted, "init": floats(init),
                    "inertia": float(km.inertia_), "centers": floats(km.cluster_centers_),
                    "labels": ints(km.labels_), "n_iter": int(km.n_iter_),
                })
    # Iris with k-means++ seeding: inertia of the best of 10 runs (our seeding differs; the optimum should match).
    iris, _ = load("iris")
    best = KMeans(n_clusters=3, n_init=10, random_state=0).fit(iris)
    write_json("kmeans.json", {"X": floats(X), "sample_weight": floats(w), "cases": cases,
                               "iris_k3_inertia": float(best.inertia_)})


def pca_fixture():
    cases = []
    for name, k in (("iris", None), ("wine", None), ("digits", 10)):
        X, _ = load(name)
        pca = PCA(n_components=k, svd_solver="full").fit(X)
        cases.append({
            "dataset": name, "n_components": k,
            "components": floats(pca.components_), "explained_variance": floats(pca.explained_variance_),
            "explained_variance_ratio": floats(pca.explained_variance_ratio_),
            "singular_values": floats(pca.singular_values_), "noise_variance": float(pca.noise_variance_),
            "mean": floats(pca.mean_), "transform_head": floats(pca.transform(X[:5])),
        })
    X, _ = load("wine")
    white = PCA(n_components=3, whiten=True, svd_solver="full").fit(X)
    frac = PCA(n_components=0.95, svd_solver="full").fit(X)
    write_json("pca.json", {
        "cases": cases,
        "wine_whiten_transform_head": floats(white.transform(X[:5])),
        "wine_whiten_inverse_head": floats(white.inverse_transform(white.transform(X[:5]))),
        "wine_fraction_095_components": int(frac.n_components_),
    })


def metrics_fixture():
    X, y = make_blobs(n_samples=300, centers=4, n_features=3, cluster_std=2.0, random_state=7)
    X = np.round(X, 6)
    pred = KMeans(n_clusters=5, n_init=3, random_state=0).fit_predict(X)
    rng = np.random.RandomState(0)
    a = rng.randint(0, 6, size=200)
    b = np.where(rng.rand(200) < 0.6, a, rng.randint(0, 4, size=200))
    iris, _ = load("iris")
    emb = PCA(n_components=2, svd_solver="full").fit_transform(iris)
    write_json("metrics.json", {
        "X": floats(X), "labels_true": ints(y), "labels_pred": ints(pred),
        "silhouette": float(silhouette_score(X, pred)),
        "silhouette_samples": floats(silhouette_samples(X, pred)),
        "calinski_harabasz": float(calinski_harabasz_score(X, pred)),
        "davies_bouldin": float(davies_bouldin_score(X, pred)),
        "a": ints(a), "b": ints(b),
        "pairs": {
            name: {
                "ari": float(adjusted_rand_score(t, p)),
                "mi": float(mutual_info_score(t, p)),
                "ami": float(adjusted_mutual_info_score(t, p)),
                "nmi": float(normalized_mutual_info_score(t, p)),
                "homogeneity": float(homogeneity_score(t, p)),
                "completeness": float(completeness_score(t, p)),
                "v_measure": float(v_measure_score(t, p)),
                "v_measure_beta2": float(v_measure_score(t, p, beta=2.0)),
            }
            for name, (t, p) in {"blobs": (y, pred), "random": (a, b)}.items()
        },
        "iris_pca2": floats(emb),
        "iris_trustworthiness_5": float(trustworthiness(iris, emb, n_neighbors=5)),
        "iris_trustworthiness_12": float(trustworthiness(iris, emb, n_neighbors=12)),
    })


def agglomerative_fixture():
    rng = np.random.RandomState(11)
    X = np.round(np.vstack([rng.normal(c, 1.0, size=(40, 3)) for c in ((0, 0, 0), (5, 5, 0), (0, 6, 4))]), 6)
    cases = []
    for method in ("ward", "complete", "average", "single"):
        Z = linkage(X, method=method)
        model = AgglomerativeClustering(n_clusters=4, linkage=method).fit(X)
        threshold = float(np.median(Z[:, 2]) * 3.0)
        thr = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, linkage=method).fit(X)
        cases.append({"linkage": method, "Z": floats(Z), "labels_4": ints(model.labels_),
                      "distance_threshold": threshold, "labels_threshold": ints(thr.labels_),
                      "n_clusters_threshold": int(thr.n_clusters_)})
    manhattan = AgglomerativeClustering(n_clusters=3, linkage="average", metric="manhattan").fit(X)
    Zm = linkage(X, method="average", metric="cityblock")
    write_json("agglomerative.json", {"X": floats(X), "cases": cases,
                                      "manhattan_average_labels_3": ints(manhattan.labels_),
                                      "manhattan_average_Z": floats(Zm)})


def dbscan_fixture():
    X, _ = make_moons(n_samples=400, noise=0.09, random_state=5)
    X = np.round(X, 6)
    w = np.array([1.0 + (i % 3) for i in range(len(X))])
    cases = []
    for eps, min_samples, weighted in ((0.12, 5, False), (0.2, 8, False), (0.08, 4, False), (0.1, 9, True)):
        db = DBSCAN(eps=eps, min_samples=min_samples).fit(X, sample_weight=w if weighted else None)
        cases.append({"eps": eps, "min_samples": min_samples, "weighted": weighted,
                      "labels": ints(db.labels_), "core": ints(db.core_sample_indices_)})
    manhattan = DBSCAN(eps=0.15, min_samples=5, metric="manhattan").fit(X)
    write_json("dbscan.json", {"X": floats(X), "sample_weight": floats(w), "cases": cases,
                               "manhattan_015_5": ints(manhattan.labels_)})


def gmm_fixture():
    X, _ = make_blobs(n_samples=500, centers=3, n_features=3, cluster_std=[1.0, 2.0, 0.6], random_state=2)
    X = np.round(X, 6)
    km = KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    means_init = km.cluster_centers_ + 0.3
    weights_init = np.array([0.3, 0.3, 0.4])
    cases = []
    for cov in ("full", "tied", "diag", "spherical"):
        p = X.shape[1]
        if cov == "full":
            prec = np.array([np.eye(p) * (1.0 + i * 0.5) for i in range(3)])
        elif cov == "tied":
            prec = np.eye(p) * 0.8
        elif cov == "diag":
            prec = np.array([[1.0 + i * 0.5] * p for i in range(3)])
        else:
            prec = np.array([1.0, 1.5, 2.0])
        gm = GaussianMixture(n_components=3, covariance_type=cov, weights_init=weights_init, means_init=means_init,
                             precisions_init=prec, max_iter=200, tol=1e-6).fit(X)
        cases.append({
            "covariance_type": cov, "precisions_init": floats(prec),
            "weights": floats(gm.weights_), "means": floats(gm.means_), "covariances": floats(gm.covariances_),
            "lower_bound": float(gm.lower_bound_), "score": float(gm.score(X)), "n_iter": int(gm.n_iter_),
            "converged": bool(gm.converged_), "labels": ints(gm.predict(X)),
            "proba_head": floats(gm.predict_proba(X[:5])), "bic": float(gm.bic(X)), "aic": float(gm.aic(X)),
            "score_samples_head": floats(gm.score_samples(X[:5])),
        })
    write_json("gmm.json", {"X": floats(X), "weights_init": floats(weights_init), "means_init": floats(means_init),
                            "cases": cases})


def lof_fixture():
    rng = np.random.RandomState(4)
    X = np.round(np.vstack([rng.normal(0, 1, size=(150, 2)), rng.uniform(-6, 6, size=(15, 2))]), 6)
    cases = []
    for k in (5, 20):
        lof = LocalOutlierFactor(n_neighbors=k)
        labels = lof.fit_predict(X)
        cases.append({"n_neighbors": k, "negative_outlier_factor": floats(lof.negative_outlier_factor_),
                      "labels": ints(labels), "offset": float(lof.offset_)})
    lof = LocalOutlierFactor(n_neighbors=10, contamination=0.1)
    labels = lof.fit_predict(X)
    write_json("lof.json", {"X": floats(X), "cases": cases, "contamination_01_labels": ints(labels),
                            "contamination_01_offset": float(lof.offset_)})


def truncated_svd_fixture():
    from sklearn.decomposition import TruncatedSVD
    X, _ = load("digits")
    svd = TruncatedSVD(n_components=5, algorithm="arpack").fit(X)
    write_json("truncated_svd.json", {
        "components": floats(svd.components_), "explained_variance": floats(svd.explained_variance_),
        "explained_variance_ratio": floats(svd.explained_variance_ratio_), "singular_values": floats(svd.singular_values_),
        "transform_head": floats(svd.transform(X[:5])),
    })


def tsne_fixture():
    X, _ = load("digits")
    start = time.perf_counter()
    tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0, n_jobs=1)
    emb = tsne.fit_transform(X)
    seconds = time.perf_counter() - start
    write_json("tsne.json", {"kl_divergence": float(tsne.kl_divergence_),
                             "trustworthiness": float(trustworthiness(X, emb, n_neighbors=5)),
                             "seconds": seconds})


FIXTURES = {
    "kmeans": kmeans_fixture, "pca": pca_fixture, "metrics": metrics_fixture, "agglomerative": agglomerative_fixture,
    "dbscan": dbscan_fixture, "gmm": gmm_fixture, "lof": lof_fixture, "truncated_svd": truncated_svd_fixture,
    "tsne": tsne_fixture,
}

if __name__ == "__main__":
    # Optional arguments name the fixtures to (re)write; none writes all of them.
    import sys
    for name in sys.argv[1:] or FIXTURES:
        FIXTURES[name]()
