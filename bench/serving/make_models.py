"""Training data, the scikit-learn peer model and the request bodies for the serving benchmark.

usage: /usr/bin/python3 make_models.py OUT_DIR
Writes train.csv (5000 rows, 10 numeric features, 3 classes, seed 0), sklearn_logistic.pkl (StandardScaler +
LogisticRegression, what a team would pickle), sklearn_forest.pkl (RandomForestClassifier, 100 trees, seed 0),
body_1.json and body_64.json ({"rows": [...]}, the same for every server).
"""
import json
import pickle
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
X, y = make_classification(n_samples=5000, n_features=10, n_informative=6, n_classes=3, random_state=0)
columns = [f"f{i}" for i in range(X.shape[1])]
frame = pd.DataFrame(X, columns=columns)
frame["target"] = np.array(["a", "b", "c"])[y]
frame.to_csv(f"{out}/train.csv", index=False)

model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(frame[columns], frame["target"])
with open(f"{out}/sklearn_logistic.pkl", "wb") as f:
    pickle.dump(model, f)

forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(frame[columns], frame["target"])
with open(f"{out}/sklearn_forest.pkl", "wb") as f:
    pickle.dump(forest, f)

for n in (1, 64):
    rows = [{c: round(float(v), 6) for c, v in zip(columns, X[i])} for i in range(n)]
    with open(f"{out}/body_{n}.json", "w") as f:
        json.dump({"rows": rows}, f)
