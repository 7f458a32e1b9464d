"""The scikit-learn side of bench/NetLearn.Bench.Unsupervised.

    /usr/bin/python3 unsup_peer.py make CASE PATH      writes the case's data as raw float64 (int64 rows, int64 cols, values)
    /usr/bin/python3 unsup_peer.py fit CASE PATH [EMB] fits scikit-learn on that file; prints one JSON line:
                                                       {"seconds": ..., "cpu_seconds": ..., "peak_rss_mb": ..., quality numbers}
                                                       (tsne: EMB is NetLearn's embedding, scored with the same exact KL)
Cases: kmeans (make_blobs 1,000,000 x 10, k=8, n_init=1), pca (200,000 x 100, randomized, 10 components),
tsne (digits, Barnes-Hut, PCA init), tsne-seeds and tsne-seeds-pca (the same with random / PCA init, seeds 0-9: mean and
standard error of KL and trustworthiness),
ward (make_blobs 20,000 x 10, ward, 8 clusters),
umap (digits, umap-learn 0.5.3 defaults, random_state=0) and umap20k (the first 20,000 Fashion-MNIST training images
reduced to 50 principal components). umap-learn compiles its numba kernels on first use: the peer first fits a
slice of the same data (same code paths: exact k-NN below 4,096 rows, NN-descent above) and times the second fit.

    /usr/bin/python3 unsup_peer.py tsne-diag INIT SEED PREFIX
        the t-SNE diagnostic (bench case tsne-diag): fits scikit-learn's Barnes-Hut t-SNE on digits (init pca|random,
        random_state SEED), writes the P matrix it optimised (PREFIX.p: nnz x 3 rows of row, column, value) and its
        initial embedding (PREFIX.y0), and prints one JSON line with the KL at every 50th iteration (trajectory), the
        final KL, trustworthiness and the exact KL of the final embedding under that P.
"""
import json
import resource
import sys
import time

import numpy as np


def make(case):
    if case == "kmeans":
        from sklearn.datasets import make_blobs
        x, _ = make_blobs(n_samples=1_000_000, n_features=10, centers=8, random_state=0)
    elif case == "pca":
        rng = np.random.RandomState(0)
        x = rng.normal(size=(200_000, 20)) @ rng.normal(size=(20, 100)) + 0.5 * rng.normal(size=(200_000, 100))
    elif case in ("tsne", "tsne-seeds", "tsne-seeds-pca"):
        from sklearn.datasets import load_digits
        x = load_digits().data
    elif case == "ward":
        from sklearn.datasets import make_blobs
        x, _ = make_blobs(n_samples=20_000, n_features=10, centers=8, random_state=0)
    elif case == "umap":
        from sklearn.datasets import load_digits
        x = load_digits().data
    elif case == "umap20k":
        from sklearn.decomposition import PCA
        x = PCA(n_components=50, random_state=0).fit_transform(fashion_images(20_000))
    else:
        raise SystemExit(f"unknown case {case}")
    return np.ascontiguousarray(x, dtype=np.float64)


def fashion_images(count):
    import gzip
    import os
    for folder in ["/usr/share/datasets/fashion-mnist", "/work/shared/data/fashion-mnist",
                   os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..", "shared", "data", "fashion-mnist")]:
        path = os.path.join(folder, "train-images-idx3-ubyte.gz")
        if os.path.exists(path):
            with gzip.open(path, "rb") as f:
                data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
            return data.reshape(-1, 784)[:count].astype(np.float64) / 255.0
    raise SystemExit("Fashion-MNIST not found: install Debian's dataset-fashion-mnist or put it under shared/data/fashion-mnist")


def write(x, path):
    with open(path, "wb") as f:
        np.array(x.shape, dtype=np.int64).tofile(f)
        x.tofile(f)


def read(path):
    with open(path, "rb") as f:
        shape = np.fromfile(f, dtype=np.int64, count=2)
        return np.fromfile(f, dtype=np.float64).reshape(shape)


def fit(case, x):
    result = {}
    start = time.perf_counter()
    cpu = time.process_time()
    if case == "kmeans":
        from sklearn.cluster import KMeans
        m = KMeans(n_clusters=8, n_init=1, random_state=0).fit(x)
        result["inertia"] = float(m.inertia_)
    elif case == "pca":
        from sklearn.decomposition import PCA
        m = PCA(n_components=10, svd_solver="randomized", random_state=0).fit(x)
        result["explained_variance_ratio_total"] = float(m.explained_variance_ratio_.sum())
    elif case == "tsne":
        from sklearn.manifold import TSNE, trustworthiness
        m = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0)
        emb = m.fit_transform(x)
        result["kl_divergence"] = float(m.kl_divergence_)
        seconds = time.perf_counter() - start
        result["cpu_seconds"] = time.process_time() - cpu
        result["trustworthiness"] = float(trustworthiness(x, emb, n_neighbors=5))
        result["seconds"] = seconds
        # Like with like: the exact KL (same sparse P, exact Q over all pairs, float64) of both final embeddings.
        result["exact_kl"] = round(exact_kl(x, emb), 5)
        if len(sys.argv) > 4:
            result["netlearn_exact_kl"] = round(exact_kl(x, read(sys.argv[4])), 5)
    elif case in ("tsne-seeds", "tsne-seeds-pca"):
        from sklearn.manifold import TSNE, trustworthiness
        kl, trust, seconds, cpu_seconds = [], [], 0.0, 0.0
        for seed in range(10):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            m = TSNE(n_components=2, init="random" if case == "tsne-seeds" else "pca", learning_rate="auto", random_state=seed)
            emb = m.fit_transform(x)
            seconds += time.perf_counter() - begin
            cpu_seconds += time.process_time() - begin_cpu
            kl.append(float(m.kl_divergence_))
            trust.append(float(trustworthiness(x, emb, n_neighbors=5)))
        result["kl"] = mean_se(kl)
        result["kl_each"] = " ".join(f"{v:.4f}" for v in kl)
        result["trustworthiness"] = mean_se(trust)
        result["seconds"] = seconds
        result["cpu_seconds"] = cpu_seconds
    elif case in ("umap", "umap20k"):
        import umap
        from sklearn.manifold import trustworthiness
        warm = x[:500] if case == "umap" else x[:5000]
        umap.UMAP(random_state=0, n_epochs=5).fit(warm)  # numba JIT compilation, not timed
        start = time.perf_counter()
        cpu = time.process_time()
        emb = umap.UMAP(random_state=0).fit_transform(x)
        result["seconds"] = time.perf_counter() - start
        result["cpu_seconds"] = time.process_time() - cpu
        rows = slice(None) if case == "umap" else slice(None, None, 10)
        result["trustworthiness"] = float(trustworthiness(x[rows], emb[rows], n_neighbors=5))
    elif case == "ward":
        from sklearn.cluster import AgglomerativeClustering
        m = AgglomerativeClustering(n_clusters=8, linkage="ward").fit(x)
        result["n_clusters"] = int(m.n_clusters_)
    result.setdefault("seconds", time.perf_counter() - start)
    result.setdefault("cpu_seconds", time.process_time() - cpu)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def mean_se(values):
    return f"{np.mean(values):.4f} ± {np.std(values, ddof=1) / np.sqrt(len(values)):.4f}"


def exact_kl(x, emb, perplexity=30.0):
    """KL(P||Q) with scikit-learn's sparse P (3*perplexity neighbours) and the exact Student-t Q of the embedding."""
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors
    k = min(x.shape[0] - 1, int(3.0 * perplexity + 1))
    graph = NearestNeighbors(n_neighbors=k).fit(x).kneighbors_graph(mode="distance")
    graph.data **= 2
    p = _joint_probabilities_nn(graph, perplexity, 0).tocoo()
    emb = np.asarray(emb, dtype=np.float64)
    sq = (emb ** 2).sum(axis=1)
    q = 1.0 / (1.0 + np.maximum(sq[:, None] + sq[None, :] - 2.0 * emb @ emb.T, 0.0))
    np.fill_diagonal(q, 0.0)
    q /= q.sum()
    tiny = np.finfo(np.float32).tiny
    return float(np.sum(p.data * np.log(np.maximum(p.data, tiny) / np.maximum(q[p.row, p.col], tiny))))


def peak_rss_mb():
    # VmHWM restarts at exec; ru_maxrss would include the .NET parent's peak (Linux keeps it across execve).
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def tsne_diag(init, seed, prefix):
    from sklearn.datasets import load_digits
    from sklearn.manifold import TSNE, trustworthiness
    from sklearn.manifold import _t_sne
    x = load_digits().data
    captured, trajectory = {}, []
    original_tsne, original_kl = TSNE._tsne, _t_sne._kl_divergence_bh

    def capture(self, P, degrees_of_freedom, n_samples, X_embedded, neighbors=None, skip_num_points=0):
        captured["p"] = P.tocoo(copy=True)
        captured["y0"] = np.array(X_embedded, dtype=np.float64)
        return original_tsne(self, P, degrees_of_freedom, n_samples, X_embedded, neighbors, skip_num_points)

    def record(*args, **kwargs):
        error, grad = original_kl(*args, **kwargs)
        if kwargs.get("compute_error", True):
            trajectory.append(float(error))
        return error, grad

    TSNE._tsne, _t_sne._kl_divergence_bh = capture, record
    try:
        m = TSNE(n_components=2, init=init, learning_rate="auto", random_state=seed)
        emb = m.fit_transform(x)
    finally:
        TSNE._tsne, _t_sne._kl_divergence_bh = original_tsne, original_kl
    p = captured["p"]
    write(np.column_stack([p.row, p.col, p.data]).astype(np.float64), prefix + ".p")
    write(captured["y0"], prefix + ".y0")
    return {"trajectory": [round(v, 5) for v in trajectory], "kl_divergence": float(m.kl_divergence_),
            "n_iter": int(m.n_iter_), "trustworthiness": float(trustworthiness(x, emb, n_neighbors=5)),
            "exact_kl": round(exact_kl_under(p, emb), 5)}


def exact_kl_under(p, emb):
    """KL(P||Q) for a given sparse P (COO) and the exact Student-t Q of the embedding, in float64."""
    emb = np.asarray(emb, dtype=np.float64)
    sq = (emb ** 2).sum(axis=1)
    q = 1.0 / (1.0 + np.maximum(sq[:, None] + sq[None, :] - 2.0 * emb @ emb.T, 0.0))
    np.fill_diagonal(q, 0.0)
    q /= q.sum()
    tiny = np.finfo(np.float32).tiny
    return float(np.sum(p.data * np.log(np.maximum(p.data, tiny) / np.maximum(q[p.row, p.col], tiny))))


if __name__ == "__main__":
    if sys.argv[1] == "tsne-diag":
        print(json.dumps(tsne_diag(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        sys.exit(0)
    verb, case, path = sys.argv[1], sys.argv[2], sys.argv[3]
    if verb == "make":
        write(make(case), path)
    else:
        print(json.dumps(fit(case, read(path))))
