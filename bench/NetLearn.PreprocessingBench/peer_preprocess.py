"""The scikit-learn side of bench/NetLearn.PreprocessingBench: fit + transform on the same CSV, median seconds.

Usage: /usr/bin/python3 peer_preprocess.py CASE CSV REPEATS
"""
import sys
import time

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.feature_selection import SelectKBest, f_regression, mutual_info_regression
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from sklearn.preprocessing import (KBinsDiscretizer, MinMaxScaler, OneHotEncoder, PolynomialFeatures,
                                   PowerTransformer, QuantileTransformer, RobustScaler)

case, path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = pd.read_csv(path, keep_default_na=False, na_values=[""])
y = data.pop("target").to_numpy() if "target" in data else None
x = data.to_numpy(dtype=object if case == "onehot" else np.float64)
make = {
    "minmax": MinMaxScaler,
    "robust": RobustScaler,
    "median_imputer": lambda: SimpleImputer(strategy="median"),
    "quantile": QuantileTransformer,
    "yeo_johnson": PowerTransformer,
    "kbins": lambda: KBinsDiscretizer(encode="ordinal", subsample=None),
    "poly": PolynomialFeatures,
    "onehot": lambda: OneHotEncoder(sparse_output=False),
    "f_regression": lambda: SelectKBest(f_regression, k=5),
    "knn_imputer": KNNImputer,
    "iterative_imputer": IterativeImputer,
    "mutual_info": lambda: SelectKBest(lambda a, b: mutual_info_regression(a, b, random_state=0), k=5),
}[case]
make().fit(x, y).transform(x)  # warm-up, as on the .NET side
times = []
for _ in range(repeats):
    start = time.perf_counter()
    make().fit(x, y).transform(x)
    times.append(time.perf_counter() - start)
print(f"{np.median(times):.6f}")
