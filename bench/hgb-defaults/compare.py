"""Paired comparison of run.sh's results: each configuration against `sk` (scikit-learn's algorithm), fold by fold.
SE(NB) = sd(d)·sqrt(1/K + 1/4), Nadeau & Bengio's correction for 5-fold training sets that overlap."""
import glob
import json
import math
import os
import statistics as st
import sys

results = sys.argv[1]
for base in sorted(glob.glob(os.path.join(results, "*.sk.json"))):
    name = os.path.basename(base)[: -len(".sk.json")]
    reference = json.load(open(base))["scores"]
    for other in sorted(glob.glob(os.path.join(results, f"{name}.*.json"))):
        config = os.path.basename(other)[len(name) + 1: -len(".json")]
        if config == "sk":
            continue
        scores = json.load(open(other))["scores"]
        for metric, values in reference.items():
            a, b = values["folds"], scores[metric]["folds"]
            d = [y - x for x, y in zip(a, b)]
            se = st.stdev(d) * math.sqrt(1 / len(d) + 0.25)
            print(f"{name:14s} {config:4s} {metric:13s} sk={st.mean(a):.4f} {config}={st.mean(b):.4f} "
                  f"d={st.mean(d):+.4f} ± {se:.4f} better/equal/worse={sum(v > 0 for v in d)}/{sum(v == 0 for v in d)}/{sum(v < 0 for v in d)}")
