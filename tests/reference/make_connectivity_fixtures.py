"""Agglomerative clustering with a k-NN connectivity constraint: scikit-learn 1.2.1 reference values.

Run from the repository root with Debian's Python:  /usr/bin/python3 tests/reference/make_connectivity_fixtures.py
Writes tests/NetLearn.Core.Tests/Fixtures/unsupervised/agglomerative_connectivity.json. Each case is
AgglomerativeClustering(connectivity=kneighbors_graph(X, k, include_self=False), compute_full_tree=True,
compute_distances=True), the equivalent of NetLearn's connectivity_n_neighbors=k.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_moons, make_blobs
from sklearn.neighbors import kneighbors_graph

warnings.simplefilter("ignore")  # scikit-learn warns when it joins the components of a disconnected graph

moons, _ = make_moons(n_samples=160, noise=0.06, random_state=3)
blobs, _ = make_blobs(n_samples=120, centers=[[0, 0, 0], [9, 9, 9], [-9, 9, 0]], cluster_std=0.8, random_state=5)
data = {"moons": moons, "blobs": blobs}

cases = []
for name, linkage, k, clusters in [
    ("moons", "ward", 10, 2), ("moons", "complete", 10, 2), ("moons", "average", 10, 3), ("moons", "single", 5, 2),
    ("moons", "ward", 5, 4), ("blobs", "ward", 3, 3), ("blobs", "average", 3, 5),
]:
    x = data[name]
    graph = kneighbors_graph(x, k, include_self=False)
    model = AgglomerativeClustering(n_clusters=clusters, linkage=linkage, connectivity=graph,
                                    compute_full_tree=True, compute_distances=True).fit(x)
    cases.append({
        "data": name, "linkage": linkage, "n_neighbors": k, "n_clusters": clusters,
        "labels": model.labels_.tolist(),
        "children": model.children_.tolist(),
        "distances": model.distances_.tolist(),
    })

out = {"source": f"scikit-learn {sklearn.__version__}", "data": {k: v.tolist() for k, v in data.items()}, "cases": cases}
with open("tests/NetLearn.Core.Tests/Fixtures/unsupervised/agglomerative_connectivity.json", "w") as f:
    json.dump(out, f)
