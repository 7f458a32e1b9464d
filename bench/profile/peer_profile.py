"""The peer of the profiling benchmark: a minimal pandas profile of a CSV (no charts, no HTML).

Usage: /usr/bin/python3 bench/profile/peer_profile.py FILE.csv
Reads the whole file with pandas and computes what `netlearn profile` reports as numbers: describe(include="all"),
skewness, kurtosis, missing counts, distinct counts, value counts, duplicate rows and the Pearson correlation matrix.
Prints the seconds taken.
"""
import sys
import time

import pandas as pd

start = time.perf_counter()
df = pd.read_csv(sys.argv[1])
describe = df.describe(include="all")
numeric = df.select_dtypes("number")
skew = numeric.skew()
kurt = numeric.kurt()
missing = df.isna().sum()
distinct = df.nunique()
counts = {c: df[c].value_counts().head(20) for c in df.columns if df[c].dtype == object or df[c].dtype == bool}
duplicates = int(df.duplicated().sum())
corr = numeric.corr()
print(f"{time.perf_counter() - start:.2f}")
