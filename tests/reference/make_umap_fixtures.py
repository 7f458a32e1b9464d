"""Writes umap-learn 0.5.3 reference values for NetLearn's UMAP as a JSON fixture.

Needs Debian's interpreter and package (umap-learn 0.5.3, scikit-learn 1.2.1, numpy):

    flock /tmp/apt.lock apt-get install -y umap-learn
    /usr/bin/python3 tests/reference/make_umap_fixtures.py

Output: tests/NetLearn.Core.Tests/Fixtures/unsupervised/umap.json
    ab        find_ab_params(spread, min_dist) for several pairs
    graphs    200 digits rows with float32-exact jitter (no distance ties): exact k-NN (float64 distances) handed to
              umap-learn's fuzzy_simplicial_set; k-NN indices, sigmas, rhos and the symmetric fuzzy graph (COO), for
              three option sets; plus how far umap-learn's own fit (float32 distances) is from that graph
    digits    UMAP on all of digits (seeds 0, 1, 2): trustworthiness (k=5) and leave-one-out 5-NN accuracy of the
              embedding; and transform: fit on rows 0..1499, 5-NN accuracy of rows 1500.. placed by transform
Data are written into the fixture (float32-exact values, shortest round-trip repr) so .NET sees the same numbers.
"""
import json
import os

import numpy as np
import pandas as pd
import umap
from sklearn.manifold import trustworthiness
from umap.umap_ import find_ab_params, fuzzy_simplicial_set

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "src", "NetLearn.Core", "Datasets", "Data")
OUT = os.path.join(ROOT, "tests", "NetLearn.Core.Tests", "Fixtures", "unsupervised", "umap.json")


def load(name):
    df = pd.read_csv(os.path.join(DATA, name + ".csv.gz"), float_precision="round_trip", dtype={"target": str})
    features = [c for c in df.columns if c != "target"]
    return df[features].to_numpy(dtype=np.float64), df["target"].to_numpy(dtype=object)


def floats(a):
    return np.asarray(a, dtype=np.float64).tolist()


def loo_knn_accuracy(train, train_labels, test=None, test_labels=None, k=5):
    """5-NN majority vote (ties: the smallest label), leave-one-out when test is None. Same rule as the .NET test."""
    loo = test is None
    if loo:
        test, test_labels = train, train_labels
    d = ((test[:, None, :] - train[None, :, :]) ** 2).sum(-1)
    if loo:
        np.fill_diagonal(d, np.inf)
    correct = 0
    for i in range(test.shape[0]):
        nearest = np.argsort(d[i], kind="stable")[:k]
        votes = {}
        for j in nearest:
            votes[train_labels[j]] = votes.get(train_labels[j], 0) + 1
        best = max(votes.values())
        label = min(v for v, c in votes.items() if c == best)
        correct += label == test_labels[i]
    return correct / test.shape[0]


def main():
    ab = []
    for spread, min_dist in [(1.0, 0.1), (1.0, 0.0), (1.0, 0.5), (2.0, 0.25), (0.5, 0.001), (1.0, 0.99), (3.0, 1.0)]:
        a, b = find_ab_params(spread, min_dist)
        ab.append({"spread": spread, "min_dist": min_dist, "a": float(a), "b": float(b)})

    x_all, y_all = load("digits")
    labels = np.array([int(v) for v in y_all])
    rng = np.random.RandomState(0)
    small = (x_all[:200] + rng.uniform(0, 0.01, size=(200, 64))).astype(np.float32).astype(np.float64)
    graphs = []
    diff = small[:, None, :] - small[None, :, :]
    norms = np.sqrt((small ** 2).sum(1))
    exact = {
        "euclidean": np.sqrt((diff ** 2).sum(-1)),
        "manhattan": np.abs(diff).sum(-1),
        "cosine": 1.0 - (small @ small.T) / np.outer(norms, norms),
    }
    for options in [
        {"n_neighbors": 10},
        {"n_neighbors": 15, "metric": "manhattan", "local_connectivity": 2.0, "set_op_mix_ratio": 0.5},
        {"n_neighbors": 8, "metric": "cosine", "local_connectivity": 1.5},
    ]:
        # The same exact k-NN (float64 distances, self first) handed to umap-learn's fuzzy_simplicial_set, which stores
        # them in float32 as its own small-data path does.
        d = exact[options.get("metric", "euclidean")].copy()
        np.fill_diagonal(d, 0.0)
        k = options["n_neighbors"]
        knn = np.argsort(d, axis=1, kind="stable")[:, :k]
        assert (knn[:, 0] == np.arange(d.shape[0])).all()
        knn_dists = np.take_along_axis(d, knn, axis=1)
        graph, sigmas, rhos = fuzzy_simplicial_set(
            small, k, np.random.RandomState(0), options.get("metric", "euclidean"), knn_indices=knn, knn_dists=knn_dists,
            set_op_mix_ratio=options.get("set_op_mix_ratio", 1.0), local_connectivity=options.get("local_connectivity", 1.0))
        # umap-learn's whole fit (its own float32 distances) gives the same graph up to float32 rounding of the input distances.
        model = umap.UMAP(random_state=0, n_epochs=0, **options).fit(small)
        assert model._small_data
        full = model.graph_.tocoo()
        assert full.nnz == graph.nnz
        g = graph.tocoo()
        graphs.append({
            "options": options,
            "knn": knn.tolist(),
            "sigmas": floats(sigmas),
            "rhos": floats(rhos),
            "rows": g.row.tolist(),
            "cols": g.col.tolist(),
            "values": floats(g.data),
            "fit_max_membership_difference": float(np.abs(model.graph_ - graph).max()),
        })

    runs = []
    for seed in [0, 1, 2]:
        emb = umap.UMAP(random_state=seed).fit_transform(x_all)
        runs.append({
            "seed": seed,
            "trustworthiness": float(trustworthiness(x_all, emb, n_neighbors=5)),
            "knn_accuracy": loo_knn_accuracy(emb.astype(np.float64), labels),
        })
    fitted = umap.UMAP(random_state=0).fit(x_all[:1500])
    placed = fitted.transform(x_all[1500:])
    transform_accuracy = loo_knn_accuracy(fitted.embedding_.astype(np.float64), labels[:1500], placed.astype(np.float64), labels[1500:])

    fixture = {
        "umap_version": umap.__version__ if hasattr(umap, "__version__") else "0.5.3",
        "ab": ab,
        "small_x": floats(small),
        "graphs": graphs,
        "digits": runs,
        "transform_knn_accuracy": transform_accuracy,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f)
    print(json.dumps({k: v for k, v in fixture.items() if k in ("ab", "digits", "transform_knn_accuracy")}, indent=1))


if __name__ == "__main__":
    main()
