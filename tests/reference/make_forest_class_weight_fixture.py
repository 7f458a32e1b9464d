"""Reference scores for class_weight="balanced_subsample" in random forests (scikit-learn 1.2).

    /usr/bin/python3 tests/reference/make_forest_class_weight_fixture.py

Writes tests/NetLearn.Core.Tests/Fixtures/trees/balanced_subsample.json: an imbalanced 2-class problem (10 % positives),
its train/test split, and scikit-learn's mean held-out balanced accuracy over five seeds for RandomForestClassifier
with class_weight=None, "balanced" and "balanced_subsample" (max_depth=4, so class weights move the decision).
"""
import json
import os

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

X, y = make_classification(n_samples=2000, n_features=8, n_informative=4, weights=[0.9, 0.1], flip_y=0.02, random_state=4)
X = X.astype(np.float32).astype(np.float64)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)


def score(class_weight):
    return float(np.mean([
        balanced_accuracy_score(yte, RandomForestClassifier(n_estimators=50, max_depth=4, class_weight=class_weight, random_state=s).fit(Xtr, ytr).predict(Xte))
        for s in range(5)
    ]))


out = {
    "X_train": Xtr.tolist(), "y_train": ytr.tolist(), "X_test": Xte.tolist(), "y_test": yte.tolist(),
    "scores": {"none": score(None), "balanced": score("balanced"), "balanced_subsample": score("balanced_subsample")},
}
path = os.path.join(os.path.dirname(__file__), "..", "NetLearn.Core.Tests", "Fixtures", "trees", "balanced_subsample.json")
with open(path, "w") as f:
    json.dump(out, f)
print(out["scores"])
