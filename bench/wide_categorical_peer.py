"""scikit-learn side of the wide-categorical fit measurement in docs/benchmarks.md.

Fits the pipeline NetLearn's `train` builds by default (mean impute + scale numeric, most-frequent impute + one-hot
categorical, LogisticRegression(max_iter=1000)) on the FAA bird-strike training split and prints seconds, iterations
and feature count. Run: /usr/bin/python3 bench/wide_categorical_peer.py
"""
import time

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train = pd.read_csv("tests/NetLearn.Cli.Tests/Parity/birdstrikes_train.csv", keep_default_na=False, na_values=[""])
y = train.pop("Effect Amount of damage")
numeric = [c for c in train if train[c].dtype != object]
categorical = [c for c in train if train[c].dtype == object]
preprocess = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
    ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categorical),
])
model = make_pipeline(preprocess, LogisticRegression(max_iter=1000))
start = time.perf_counter()
model.fit(train, y)
print(f"seconds {time.perf_counter() - start:.3f} iterations {model[-1].n_iter_[0]} features {model[-1].coef_.shape[1]}")
