"""Writes the small Fashion-MNIST subset the NetLearn.Deep tests use (first 2,000 training and 500 test images).

Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or the shared copy; MIT licence (COPYRIGHT).
Run: /usr/bin/python3 tests/reference/make_fashion_subset.py [SOURCE_DIR]
"""
import gzip
import os
import shutil
import struct
import sys

SOURCES = [sys.argv[1]] if len(sys.argv) > 1 else ["/usr/share/datasets/fashion-mnist", "../shared/data/fashion-mnist", "/work/shared/data/fashion-mnist"]
OUT = os.path.join(os.path.dirname(__file__), "..", "NetLearn.Deep.Tests", "Fixtures", "fashion-mnist")


def subset(source, name, count):
    with gzip.open(os.path.join(source, name), "rb") as f:
        data = f.read()
    rank = data[3]
    dims = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    per_item = 1
    for d in dims[1:]:
        per_item *= d
    dims[0] = min(dims[0], count)
    header = data[:4] + struct.pack(">" + "I" * rank, *dims)
    body = data[4 + 4 * rank: 4 + 4 * rank + dims[0] * per_item]
    with gzip.GzipFile(os.path.join(OUT, name), "wb", mtime=0) as f:
        f.write(header + body)


source = next(s for s in SOURCES if os.path.exists(os.path.join(s, "train-images-idx3-ubyte.gz")))
os.makedirs(OUT, exist_ok=True)
subset(source, "train-images-idx3-ubyte.gz", 2000)
subset(source, "train-labels-idx1-ubyte.gz", 2000)
subset(source, "t10k-images-idx3-ubyte.gz", 500)
subset(source, "t10k-labels-idx1-ubyte.gz", 500)
shutil.copyfile(os.path.join(source, "COPYRIGHT"), os.path.join(OUT, "LICENSE"))
print("wrote", OUT)
