"""Builds NetLearn's embedded datasets from scikit-learn 1.2's bundled copies.

Run with Debian's interpreter: /usr/bin/python3 tests/reference/make_datasets.py
Output: src/NetLearn.Core/Datasets/Data/<name>.csv.gz (header row, invariant
number format, class names as strings in the `target` column).
The source files are scikit-learn's `sklearn/datasets/data` (BSD-3-Clause), the
same bytes as ../shared/data/sklearn/.
"""
import gzip
import os
import re

import numpy as np
from sklearn import datasets

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "NetLearn.Core", "Datasets", "Data")


def snake(name: str) -> str:
    name = name.replace("(cm)", "").replace("/", "_")
    return re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()


def write(name, feature_names, data, target):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".csv.gz")
    cols = [snake(f) for f in feature_names]
    assert len(set(cols)) == len(cols)
    with gzip.GzipFile(path, "wb", mtime=0) as raw:
        lines = [",".join(cols + ["target"])]
        for row, t in zip(data, target):
            lines.append(",".join([repr(float(v)) if not float(v).is_integer() else str(int(v)) for v in row] + [str(t)]))
        raw.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(path, data.shape)


iris = datasets.load_iris()
write("iris", iris.feature_names, iris.data, np.array(iris.target_names)[iris.target])
wine = datasets.load_wine()
write("wine", wine.feature_names, wine.data, np.array(wine.target_names)[wine.target])
bc = datasets.load_breast_cancer()
write("breast_cancer", bc.feature_names, bc.data, np.array(bc.target_names)[bc.target])
digits = datasets.load_digits()
write("digits", [f"pixel_{i // 8}_{i % 8}" for i in range(64)], digits.data, digits.target)
# Raw (unscaled) diabetes features: what a user's own CSV looks like.
diabetes = datasets.load_diabetes(scaled=False)
write("diabetes", diabetes.feature_names, diabetes.data, [repr(float(v)) if not float(v).is_integer() else str(int(v)) for v in diabetes.target])
