using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Clustering;

/// <summary>How <see cref="AgglomerativeClustering"/> measures the distance between two clusters.</summary>
public enum Linkage
{
    /// <summary>Ward's minimum variance: the increase of the within-cluster sum of squares (Euclidean only).</summary>
    Ward,

    /// <summary>The largest distance between members.</summary>
    Complete,

    /// <summary>The mean distance between members (UPGMA).</summary>
    Average,

    /// <summary>The smallest distance between members.</summary>
    Single,
}

/// <summary>Point-to-point distance of the non-Ward linkages and of DBSCAN.</summary>
public enum DistanceMetric
{
    /// <summary>Straight-line (L2) distance.</summary>
    Euclidean,

    /// <summary>Sum of absolute differences (L1, city block).</summary>
    Manhattan,

    /// <summary>1 − cosine similarity.</summary>
    Cosine,
}

/// <summary>Hyperparameters of <see cref="AgglomerativeClustering"/> (scikit-learn's names and defaults).</summary>
public sealed record AgglomerativeClusteringOptions : EstimatorOptions
{
    /// <summary>Clusters to cut the tree into (<c>n_clusters</c>); <c>null</c> when <see cref="DistanceThreshold"/> is set.</summary>
    public int? NClusters { get; init; } = 2;

    /// <summary>Cut the tree where merges reach this height instead (<c>distance_threshold</c>); needs <c>n_clusters=null</c>.</summary>
    public double? DistanceThreshold { get; init; }

    /// <summary>The linkage criterion (<c>linkage</c>).</summary>
    public Linkage Linkage { get; init; } = Linkage.Ward;

    /// <summary>The point distance (<c>metric</c>); Ward needs euclidean.</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <summary>
    /// Connectivity constraint (<c>connectivity_n_neighbors</c>): only clusters joined by an edge of the symmetrised
    /// k-nearest-neighbour graph may merge (scikit-learn's <c>connectivity=kneighbors_graph(X, k)</c>); <c>null</c> = none.
    /// </summary>
    public int? ConnectivityNNeighbors { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NClusters is null == DistanceThreshold is null)
        {
            throw new HyperparameterException("n_clusters", "set exactly one of n_clusters and distance_threshold (for example n_clusters=null distance_threshold=5)");
        }

        if (NClusters is < 1)
        {
            throw new HyperparameterException("n_clusters", "must be at least 1");
        }

        if (DistanceThreshold is { } t && (!(t >= 0) || !double.IsFinite(t)))
        {
            throw new HyperparameterException("distance_threshold", "must be a non-negative number");
        }

        if (ConnectivityNNeighbors is < 1)
        {
            throw new HyperparameterException("connectivity_n_neighbors", "must be at least 1, or null for no connectivity constraint");
        }

        if (Linkage == Linkage.Ward && Metric != DistanceMetric.Euclidean)
        {
            throw new HyperparameterException("metric", "Ward linkage works only with the euclidean metric; use linkage=average or complete for other metrics");
        }
    }
}

/// <summary>
/// Hierarchical agglomerative clustering, as scikit-learn's <c>AgglomerativeClustering</c> over SciPy's <c>linkage</c>:
/// Ward, complete and average linkage use the nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011,
/// "Modern hierarchical, agglomerative clustering algorithms") on the condensed distance matrix (n(n−1)/2 values);
/// single linkage uses Prim's minimum spanning tree without storing distances (O(n) memory). The merge tree is
/// kept as a SciPy linkage matrix, so dendrograms can be drawn and compared with SciPy's.
/// </summary>
public sealed class AgglomerativeClustering(AgglomerativeClusteringOptions? options = null)
    : Estimator<AgglomerativeClusteringOptions, AgglomerativeClusteringModel>(options ?? new AgglomerativeClusteringOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "agglomerative_clustering";

    // Condensed matrices are .NET arrays (at most ~2³¹ elements): about 65,000 rows.
    private const long MaxCondensed = 2_000_000_000;

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override AgglomerativeClusteringModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "AgglomerativeClustering");
        int n = x.Rows;
        if (Options.NClusters is { } k && k > n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_clusters={k} is larger than the number of rows ({n}). Use fewer clusters"));
        }

        double[] z = Options.ConnectivityNNeighbors is { } neighbours
            ? StructuredHierarchy.Build(x, Math.Min(neighbours, n - 1), Options.Linkage, Options.Metric, context.CancellationToken)
            : Options.Linkage == Linkage.Single
            ? HierarchyAlgorithms.MstSingleLinkage(x, Options.Metric, context.CancellationToken)
            : HierarchyAlgorithms.NnChain(Condensed(x, Options.Metric, n), n, Options.Linkage, context.CancellationToken);
        var linkage = new Matrix(n - 1, 4, z);
        int clusters = Options.NClusters ?? (Enumerable.Range(0, n - 1).Count(i => linkage[i, 2] >= Options.DistanceThreshold!.Value) + 1);
        int[] labels = HierarchyAlgorithms.CutTree(linkage, n, clusters);
        return new AgglomerativeClusteringModel(Options, features.Schema, linkage, labels, clusters);
    }

    private static double[] Condensed(Matrix x, DistanceMetric metric, int n)
    {
        long size = (long)n * (n - 1) / 2;
        if (size > MaxCondensed)
        {
            throw new DataValidationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{n} rows need {size:N0} pairwise distances, more than this implementation holds. Use linkage=single (no distance matrix) or cluster a sample"));
        }

        return PairwiseDistances.Condensed(x, metric);
    }
}

/// <summary>Pairwise distances between rows.</summary>
internal static class PairwiseDistances
{
    /// <summary>Distance between two rows, computed like SciPy's <c>pdist</c> (sequential sums).</summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, DistanceMetric metric)
    {
        switch (metric)
        {
            case DistanceMetric.Manhattan:
            {
                double s = 0;
                for (int j = 0; j < a.Length; j++)
                {
                    s += Math.Abs(a[j] - b[j]);
                }

                return s;
            }

            case DistanceMetric.Cosine:
            {
                double dot = 0, na = 0, nb = 0;
                for (int j = 0; j < a.Length; j++)
                {
                    dot += a[j] * b[j];
                    na += a[j] * a[j];
                    nb += b[j] * b[j];
                }

                double d = 1.0 - (dot / (Math.Sqrt(na) * Math.Sqrt(nb)));
                return double.IsNaN(d) ? 0 : Math.Max(d, 0);
            }

            default:
            {
                double s = 0;
                for (int j = 0; j < a.Length; j++)
                {
                    double d = a[j] - b[j];
                    s += d * d;
                }

                return Math.Sqrt(s);
            }
        }
    }

    /// <summary>The condensed distance matrix (SciPy's layout: pairs (i, j), i &lt; j, row by row).</summary>
    public static double[] Condensed(Matrix x, DistanceMetric metric)
    {
        int n = x.Rows;
        var d = new double[(long)n * (n - 1) / 2];
        Parallel.For(0, n - 1, i =>
        {
            long offset = Index(n, i, i + 1);
            var row = x.Row(i);
            for (int j = i + 1; j < n; j++)
            {
                d[offset + j - i - 1] = Distance(row, x.Row(j), metric);
            }
        });
        return d;
    }

    /// <summary>Position of pair (i, j), i &lt; j, in a condensed matrix of n points.</summary>
    public static long Index(int n, int i, int j) => ((long)n * i) - ((long)i * (i + 1) / 2) + j - i - 1;
}

/// <summary>SciPy's hierarchy algorithms (scipy/cluster/_hierarchy.pyx): NN-chain, MST single linkage, labelling, and scikit-learn's tree cut.</summary>
internal static class HierarchyAlgorithms
{
    /// <summary>
    /// The nearest-neighbour chain algorithm with Lance–Williams updates (valid for the reducible linkages ward,
    /// complete and average). Returns the linkage matrix as a row-major (n−1)×4 array.
    /// </summary>
    public static double[] NnChain(double[] d, int n, Linkage linkage, CancellationToken cancellation)
    {
        var size = new int[n];
        Array.Fill(size, 1);
        var chain = new int[n];
        int chainLength = 0;
        var z = new double[(n - 1) * 4];
        for (int k = 0; k < n - 1; k++)
        {
            if ((k & 255) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            if (chainLength == 0)
            {
                chainLength = 1;
                for (int i = 0; i < n; i++)
                {
                    if (size[i] > 0)
                    {
                        chain[0] = i;
                        break;
                    }
                }
            }

            int x, y = -1;
            double currentMin;
            while (true)
            {
                x = chain[chainLength - 1];
                if (chainLength > 1)
                {
                    y = chain[chainLength - 2];
                    currentMin = d[Pair(n, x, y)];
                }
                else
                {
                    currentMin = double.PositiveInfinity;
                }

                // Row x of the condensed matrix: pairs (i, x) for i < x are strided, pairs (x, i) for i > x contiguous.
                for (int i = 0; i < x; i++)
                {
                    if (size[i] == 0)
                    {
                        continue;
                    }

                    double dist = d[PairwiseDistances.Index(n, i, x)];
                    if (dist < currentMin)
                    {
                        currentMin = dist;
                        y = i;
                    }
                }

                long rowStart = x < n - 1 ? PairwiseDistances.Index(n, x, x + 1) - (x + 1) : 0;
                for (int i = x + 1; i < n; i++)
                {
                    if (size[i] == 0)
                    {
                        continue;
                    }

                    double dist = d[rowStart + i];
                    if (dist < currentMin)
                    {
                        currentMin = dist;
                        y = i;
                    }
                }

                if (chainLength > 1 && y == chain[chainLength - 2])
                {
                    break;
                }

                chain[chainLength++] = y;
            }

            chainLength -= 2;
            if (x > y)
            {
                (x, y) = (y, x);
            }

            int nx = size[x], ny = size[y];
            z[(k * 4) + 0] = x;
            z[(k * 4) + 1] = y;
            z[(k * 4) + 2] = currentMin;
            z[(k * 4) + 3] = nx + ny;
            size[x] = 0;
            size[y] = nx + ny;
            for (int i = 0; i < n; i++)
            {
                int ni = size[i];
                if (ni == 0 || i == y)
                {
                    continue;
                }

                long iy = Pair(n, i, y);
                d[iy] = NewDistance(linkage, d[Pair(n, i, x)], d[iy], currentMin, nx, ny, ni);
            }
        }

        return Label(SortByHeight(z, n), n);
    }

    private static long Pair(int n, int a, int b) => a < b ? PairwiseDistances.Index(n, a, b) : PairwiseDistances.Index(n, b, a);

    // Lance–Williams updates, written exactly as SciPy's _hierarchy_distance_update.pxi.
    private static double NewDistance(Linkage linkage, double dxi, double dyi, double dxy, int sizeX, int sizeY, int sizeI) => linkage switch
    {
        Linkage.Complete => Math.Max(dxi, dyi),
        Linkage.Average => ((sizeX * dxi) + (sizeY * dyi)) / (sizeX + sizeY),
        _ => WardDistance(dxi, dyi, dxy, sizeX, sizeY, sizeI),
    };

    private static double WardDistance(double dxi, double dyi, double dxy, double sizeX, double sizeY, double sizeI)
    {
        double t = 1.0 / (sizeX + sizeY + sizeI);
        return Math.Sqrt(((sizeI + sizeX) * t * dxi * dxi) + ((sizeI + sizeY) * t * dyi * dyi) - (sizeI * t * dxy * dxy));
    }

    /// <summary>
    /// Single linkage through Prim's minimum spanning tree (SciPy's <c>mst_single_linkage</c>), distances computed on the fly.
    /// With <paramref name="coreDistances"/> the edges are HDBSCAN's mutual reachability distances
    /// max(core(a), core(b), d(a, b)) (Campello, Moulavi &amp; Sander 2013), so the result is HDBSCAN's single-linkage tree.
    /// </summary>
    public static double[] MstSingleLinkage(Matrix points, DistanceMetric metric, CancellationToken cancellation, double[]? coreDistances = null)
    {
        int n = points.Rows;
        var z = new double[(n - 1) * 4];
        var merged = new bool[n];
        var best = new double[n];
        Array.Fill(best, double.PositiveInfinity);
        int x = 0;
        int blocks = Math.Clamp(n / 4096, 1, 16);
        var blockMin = new double[blocks];
        var blockArg = new int[blocks];
        for (int k = 0; k < n - 1; k++)
        {
            if ((k & 255) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            merged[x] = true;
            var row = points.Row(x).ToArray();
            int current = x;
            int per = (n + blocks - 1) / blocks;
            Parallel.For(0, blocks, b =>
            {
                double localMin = double.PositiveInfinity;
                int localArg = -1;
                for (int i = b * per; i < Math.Min(n, (b + 1) * per); i++)
                {
                    if (merged[i])
                    {
                        continue;
                    }

                    double dist = PairwiseDistances.Distance(row, points.Row(i), metric);
                    if (coreDistances is not null)
                    {
                        dist = Math.Max(dist, Math.Max(coreDistances[current], coreDistances[i]));
                    }

                    if (best[i] > dist)
                    {
                        best[i] = dist;
                    }

                    if (best[i] < localMin)
                    {
                        localMin = best[i];
                        localArg = i;
                    }
                }

                blockMin[b] = localMin;
                blockArg[b] = localArg;
            });

            double currentMin = double.PositiveInfinity;
            int y = -1;
            for (int b = 0; b < blocks; b++)
            {
                if (blockMin[b] < currentMin)
                {
                    currentMin = blockMin[b];
                    y = blockArg[b];
                }
            }

            z[(k * 4) + 0] = current;
            z[(k * 4) + 1] = y;
            z[(k * 4) + 2] = currentMin;
            x = y;
        }

        return Label(SortByHeight(z, n), n);
    }

    // Stable sort of the merges by height (NumPy's mergesort).
    private static double[] SortByHeight(double[] z, int n)
    {
        int[] order = [.. Enumerable.Range(0, n - 1).OrderBy(i => z[(i * 4) + 2])];
        var sorted = new double[z.Length];
        for (int r = 0; r < order.Length; r++)
        {
            Array.Copy(z, order[r] * 4, sorted, r * 4, 4);
        }

        return sorted;
    }

    // SciPy's label(): rewrites leaf ids into cluster ids with a union-find, smaller id first, and sets the sizes.
    private static double[] Label(double[] z, int n)
    {
        var parent = new int[(2 * n) - 1];
        var size = new int[(2 * n) - 1];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
            size[i] = i < n ? 1 : 0;
        }

        int nextLabel = n;
        for (int k = 0; k < n - 1; k++)
        {
            int xr = Find(parent, (int)z[k * 4]), yr = Find(parent, (int)z[(k * 4) + 1]);
            z[k * 4] = Math.Min(xr, yr);
            z[(k * 4) + 1] = Math.Max(xr, yr);
            parent[xr] = nextLabel;
            parent[yr] = nextLabel;
            size[nextLabel] = size[xr] + size[yr];
            z[(k * 4) + 3] = size[nextLabel];
            nextLabel++;
        }

        return z;
    }

    private static int Find(int[] parent, int x)
    {
        int root = x;
        while (parent[root] != root)
        {
            root = parent[root];
        }

        while (parent[x] != root)
        {
            (parent[x], x) = (root, parent[x]);
        }

        return root;
    }

    /// <summary>
    /// Flat labels from the merge tree, numbered exactly as scikit-learn's <c>_hc_cut</c> does (it keeps the cluster roots
    /// in a Python heap and labels clusters by their position in it).
    /// </summary>
    public static int[] CutTree(Matrix linkage, int n, int clusters)
    {
        var labels = new int[n];
        if (n == 1)
        {
            return labels;
        }

        clusters = Math.Clamp(clusters, 1, n);
        var heap = new List<int> { -(int)Math.Max(linkage[n - 2, 0], linkage[n - 2, 1]) - 1 };
        for (int c = 0; c < clusters - 1; c++)
        {
            int node = -heap[0];
            int child0 = (int)linkage[node - n, 0], child1 = (int)linkage[node - n, 1];
            PyHeap.Push(heap, -child0);
            PyHeap.PushPop(heap, -child1);
        }

        for (int i = 0; i < heap.Count; i++)
        {
            var stack = new Stack<int>();
            stack.Push(-heap[i]);
            while (stack.Count > 0)
            {
                int node = stack.Pop();
                if (node < n)
                {
                    labels[node] = i;
                }
                else
                {
                    stack.Push((int)linkage[node - n, 0]);
                    stack.Push((int)linkage[node - n, 1]);
                }
            }
        }

        return labels;
    }

    /// <summary>Python's heapq (a min-heap in a list) with its exact sift order, so cluster numbering matches.</summary>
    private static class PyHeap
    {
        public static void Push(List<int> heap, int item)
        {
            heap.Add(item);
            SiftDown(heap, 0, heap.Count - 1);
        }

        public static int PushPop(List<int> heap, int item)
        {
            if (heap.Count > 0 && heap[0] < item)
            {
                (item, heap[0]) = (heap[0], item);
                SiftUp(heap, 0);
            }

            return item;
        }

        private static void SiftDown(List<int> heap, int start, int pos)
        {
            int item = heap[pos];
            while (pos > start)
            {
                int parentPos = (pos - 1) >> 1;
                int parent = heap[parentPos];
                if (item < parent)
                {
                    heap[pos] = parent;
                    pos = parentPos;
                    continue;
                }

                break;
            }

            heap[pos] = item;
        }

        private static void SiftUp(List<int> heap, int pos)
        {
            int end = heap.Count, start = pos, item = heap[pos], child = (2 * pos) + 1;
            while (child < end)
            {
                int right = child + 1;
                if (right < end && !(heap[child] < heap[right]))
                {
                    child = right;
                }

                heap[pos] = heap[child];
                pos = child;
                child = (2 * pos) + 1;
            }

            heap[pos] = item;
            SiftDown(heap, start, pos);
        }
    }
}

/// <summary>A fitted <see cref="AgglomerativeClustering"/>: the flat labels and the whole merge tree.</summary>
public sealed class AgglomerativeClusteringModel : FittedModel<AgglomerativeClusteringOptions>, IClusteringModel
{
    private readonly int[] _labels;

    internal AgglomerativeClusteringModel(AgglomerativeClusteringOptions options, Schema inputSchema, Matrix linkage, int[] labels, int clusters)
        : base(options, inputSchema)
    {
        LinkageMatrix = linkage;
        _labels = labels;
        ClusterCount = clusters;
    }

    /// <inheritdoc />
    public override string Kind => AgglomerativeClustering.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Clustering;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int ClusterCount { get; }

    /// <summary>
    /// The merge tree in SciPy's linkage format: row k merges clusters Z[k,0] and Z[k,1] (ids &lt; n are rows, id n + i is
    /// the cluster made in row i) at height Z[k,2] into a cluster of Z[k,3] rows; rows are sorted by height. With a
    /// connectivity constraint the rows are in merge order (scikit-learn's <c>children_</c>/<c>distances_</c>), which
    /// need not be sorted by height.
    /// </summary>
    public Matrix LinkageMatrix { get; }

    /// <summary>The merge heights (<c>distances_</c>).</summary>
    public IReadOnlyList<double> Distances => LinkageMatrix.Column(2);

    /// <summary>The merged pairs (<c>children_</c>), one per merge.</summary>
    public IReadOnlyList<(int Left, int Right)> Children => [.. Enumerable.Range(0, LinkageMatrix.Rows).Select(k => ((int)LinkageMatrix[k, 0], (int)LinkageMatrix[k, 1]))];

    /// <summary>Flat labels for another number of clusters, from the same tree (no refit).</summary>
    public int[] Cut(int clusters) => HierarchyAlgorithms.CutTree(LinkageMatrix, _labels.Length, clusters);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("linkage_matrix", LinkageMatrix);
        writer.Write("labels", _labels);
        writer.Write("n_clusters", ClusterCount);
    }

    internal static AgglomerativeClusteringModel Load(ModelReader reader) => new(
        reader.ReadOptions<AgglomerativeClusteringOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("linkage_matrix"),
        reader.ReadInt32s("labels"),
        reader.ReadInt32("n_clusters"));
}
