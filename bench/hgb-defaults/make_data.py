"""Writes the data sets of the HGB-defaults check (run.sh) into DIR: the CLI parity splits joined back together
(tests/NetLearn.Cli.Tests/Parity: bird strikes, Seattle weather, penguins; vega-datasets, see its README) and two
scikit-learn make_classification sets. Iris, wine and digits come from `netlearn datasets export` (run.sh)."""
import os
import sys

import pandas as pd
from sklearn.datasets import make_classification

out = sys.argv[1]
parity = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "NetLearn.Cli.Tests", "Parity")


def joined(name):
    parts = [pd.read_csv(os.path.join(parity, f"{name}_{p}.csv"), keep_default_na=False, na_values=[""]) for p in ("train", "test")]
    return pd.concat(parts)


joined("birdstrikes").to_csv(os.path.join(out, "birdstrikes.csv"), index=False)
joined("birdstrikes").dropna(subset=["Speed IAS in knots"]).to_csv(os.path.join(out, "birdspeed.csv"), index=False)
joined("seattle_weather").to_csv(os.path.join(out, "seattle.csv"), index=False)
joined("penguins").to_csv(os.path.join(out, "penguins.csv"), index=False)
for name, kwargs in {
    "synth4": dict(n_samples=3000, n_features=10, n_informative=6, n_classes=4, random_state=3),
    "synth6": dict(n_samples=20000, n_features=20, n_informative=10, n_classes=6, n_clusters_per_class=2, flip_y=0.05, random_state=5),
}.items():
    X, y = make_classification(**kwargs)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["target"] = [f"c{v}" for v in y]
    frame.to_csv(os.path.join(out, f"{name}.csv"), index=False)
