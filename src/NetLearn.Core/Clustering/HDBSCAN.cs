using System.Globalization;
using NetLearn.Anomaly;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Clustering;

/// <summary>How <see cref="HDBSCAN"/> picks the flat clustering from the condensed tree (<c>cluster_selection_method</c>).</summary>
public enum ClusterSelectionMethod
{
    /// <summary>Excess of mass: the set of clusters with the largest total stability (the default).</summary>
    Eom,

    /// <summary>The leaves of the condensed tree: many small, homogeneous clusters.</summary>
    Leaf,
}

/// <summary>Hyperparameters of <see cref="HDBSCAN"/> (scikit-learn 1.3's names and defaults).</summary>
public sealed record HDBSCANOptions : EstimatorOptions
{
    /// <summary>Smallest group of rows that counts as a cluster (<c>min_cluster_size</c>).</summary>
    public int MinClusterSize { get; init; } = 5;

    /// <summary>
    /// The k of the core distance, the row itself counted (<c>min_samples</c>); <c>null</c> uses <see cref="MinClusterSize"/>.
    /// Equals the <c>minPts</c> of R's <c>dbscan::hdbscan</c>.
    /// </summary>
    public int? MinSamples { get; init; }

    /// <summary>Clusters that split below this distance are merged back (<c>cluster_selection_epsilon</c>, DBSCAN-like floor).</summary>
    public double ClusterSelectionEpsilon { get; init; }

    /// <summary>The selection rule (<c>cluster_selection_method</c>: eom or leaf).</summary>
    public ClusterSelectionMethod ClusterSelectionMethod { get; init; } = ClusterSelectionMethod.Eom;

    /// <summary>Allow the root (all rows) to be the one cluster (<c>allow_single_cluster</c>).</summary>
    public bool AllowSingleCluster { get; init; }

    /// <summary>Point distance (<c>metric</c>).</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <inheritdoc />
    public override void Validate()
    {
        if (MinClusterSize < 2)
        {
            throw new HyperparameterException("min_cluster_size", "must be at least 2");
        }

        if (MinSamples is < 1)
        {
            throw new HyperparameterException("min_samples", "must be at least 1, or null to use min_cluster_size");
        }

        if (!(ClusterSelectionEpsilon >= 0) || !double.IsFinite(ClusterSelectionEpsilon))
        {
            throw new HyperparameterException("cluster_selection_epsilon", "must be a non-negative number (a distance; 0 turns it off)");
        }
    }
}

/// <summary>
/// HDBSCAN (Campello, Moulavi &amp; Sander 2013, "Density-based clustering based on hierarchical density estimates";
/// McInnes &amp; Healy 2017, "Accelerated hierarchical density based clustering"), with scikit-learn 1.3's semantics:
/// core distances to the <c>min_samples</c>-th neighbour, a minimum spanning tree of the mutual reachability distances
/// (Prim, distances on the fly: O(n²) time, O(n) memory), its single-linkage tree condensed with
/// <c>min_cluster_size</c>, and the flat clusters chosen by excess of mass or as leaves. Noise rows get label -1.
/// Also gives membership strengths (<c>probabilities_</c>) and GLOSH outlier scores (Campello et al. 2015).
/// </summary>
public sealed class HDBSCAN(HDBSCANOptions? options = null)
    : Estimator<HDBSCANOptions, HDBSCANModel>(options ?? new HDBSCANOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "hdbscan";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override HDBSCANModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "HDBSCAN");
        int n = x.Rows;
        int minSamples = Options.MinSamples ?? Options.MinClusterSize;
        if (minSamples > n)
        {
            throw new DataValidationException(string.Create(
                CultureInfo.InvariantCulture,
                $"min_samples={minSamples} is larger than the number of rows ({n}). Set a smaller min_samples (it defaults to min_cluster_size)"));
        }

        var core = new double[n];
        if (minSamples > 1)
        {
            int k = minSamples - 1;
            var (_, distances) = Neighbours.Nearest(x, x, k, excludeSelf: true, Options.Metric, context.CancellationToken);
            for (int i = 0; i < n; i++)
            {
                core[i] = distances[(i * k) + k - 1];
            }
        }

        double[] linkage = HierarchyAlgorithms.MstSingleLinkage(x, Options.Metric, context.CancellationToken, core);
        var tree = CondensedTree.Build(linkage, n, Options.MinClusterSize);
        var result = tree.Select(Options.ClusterSelectionMethod, Options.AllowSingleCluster, Options.ClusterSelectionEpsilon);
        return new HDBSCANModel(Options, features.Schema, result.Labels, result.Probabilities, tree.OutlierScores(), result.Clusters, tree.ToMatrix(), new Matrix(n - 1, 4, linkage), core);
    }
}

/// <summary>
/// HDBSCAN's condensed cluster tree: rows (parent, child, λ = 1/distance, child size). Ids below n are rows, n is the
/// root, larger ids are clusters numbered top-down (breadth-first), so a parent's id is always below its children's.
/// The algorithms follow McInnes &amp; Healy's reference implementation (condense, stability, EOM/leaf selection,
/// epsilon search, labelling, probabilities).
/// </summary>
internal sealed class CondensedTree
{
    private readonly int _n;
    private readonly int[] _parent;
    private readonly int[] _child;
    private readonly double[] _lambda;
    private readonly int[] _size;
    private readonly int _ids;

    private CondensedTree(int n, List<(int Parent, int Child, double Lambda, int Size)> rows, int ids)
    {
        _n = n;
        _parent = [.. rows.Select(r => r.Parent)];
        _child = [.. rows.Select(r => r.Child)];
        _lambda = [.. rows.Select(r => r.Lambda)];
        _size = [.. rows.Select(r => r.Size)];
        _ids = ids;
    }

    /// <summary>Condenses a labelled single-linkage matrix ((n−1)×4, row-major): splits leaving fewer than <paramref name="minClusterSize"/> rows on a side are rows falling out of the parent.</summary>
    public static CondensedTree Build(double[] z, int n, int minClusterSize)
    {
        int root = (2 * n) - 2;
        var relabel = new int[root + 1];
        relabel[root] = n;
        int nextLabel = n + 1;
        var ignore = new bool[root + 1];
        var rows = new List<(int, int, double, int)>(2 * n);
        var queue = new Queue<int>();
        queue.Enqueue(root);
        var sub = new Queue<int>();
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            if (node < n || ignore[node])
            {
                continue;
            }

            int r = node - n;
            int left = (int)z[r * 4], right = (int)z[(r * 4) + 1];
            double distance = z[(r * 4) + 2];
            double lambda = distance > 0 ? 1.0 / distance : double.PositiveInfinity;
            int leftCount = Count(left), rightCount = Count(right);
            int parent = relabel[node];
            if (leftCount >= minClusterSize && rightCount >= minClusterSize)
            {
                relabel[left] = nextLabel++;
                rows.Add((parent, relabel[left], lambda, leftCount));
                relabel[right] = nextLabel++;
                rows.Add((parent, relabel[right], lambda, rightCount));
            }
            else
            {
                if (leftCount < minClusterSize)
                {
                    FallOut(left, parent, lambda);
                }
                else
                {
                    relabel[left] = parent;
                }

                if (rightCount < minClusterSize)
                {
                    FallOut(right, parent, lambda);
                }
                else
                {
                    relabel[right] = parent;
                }
            }

            queue.Enqueue(left);
            queue.Enqueue(right);
        }

        return new CondensedTree(n, rows, nextLabel);

        int Count(int id) => id >= n ? (int)z[((id - n) * 4) + 3] : 1;

        // Every row under hierarchy node `start` leaves cluster `parent` at `lambda`; the subtree is not visited again.
        void FallOut(int start, int parent, double lambda)
        {
            sub.Enqueue(start);
            while (sub.Count > 0)
            {
                int s = sub.Dequeue();
                ignore[s] = true;
                if (s < n)
                {
                    rows.Add((parent, s, lambda, 1));
                }
                else
                {
                    sub.Enqueue((int)z[(s - n) * 4]);
                    sub.Enqueue((int)z[((s - n) * 4) + 1]);
                }
            }
        }
    }

    /// <summary>The tree as a matrix with columns parent, child, lambda_val, child_size (hdbscan's <c>condensed_tree_</c>).</summary>
    public Matrix ToMatrix()
    {
        var m = new Matrix(_parent.Length, 4);
        for (int i = 0; i < _parent.Length; i++)
        {
            m[i, 0] = _parent[i];
            m[i, 1] = _child[i];
            m[i, 2] = _lambda[i];
            m[i, 3] = _size[i];
        }

        return m;
    }

    /// <summary>Per cluster id: the λ at which it was born (0 for the root) and its stability Σ (λ − λ_birth)·size over its rows.</summary>
    private (double[] Birth, double[] Stability) Stabilities()
    {
        var birth = new double[_ids];
        var stability = new double[_ids];
        for (int i = 0; i < _child.Length; i++)
        {
            if (_child[i] >= _n)
            {
                birth[_child[i]] = _lambda[i];
            }
        }

        birth[_n] = 0;
        for (int i = 0; i < _parent.Length; i++)
        {
            stability[_parent[i]] += (_lambda[i] - birth[_parent[i]]) * _size[i];
        }

        return (birth, stability);
    }

    /// <summary>The flat clustering: labels numbered by cluster id, membership strengths, and the number of clusters.</summary>
    public (int[] Labels, double[] Probabilities, int Clusters) Select(ClusterSelectionMethod method, bool allowSingleCluster, double epsilon)
    {
        var (_, stability) = Stabilities();
        var clusterParent = new int[_ids];
        var birthLambda = new double[_ids];
        var children = new List<int>[_ids];
        for (int c = _n; c < _ids; c++)
        {
            children[c] = [];
        }

        clusterParent[_n] = -1;
        for (int i = 0; i < _child.Length; i++)
        {
            if (_child[i] >= _n)
            {
                clusterParent[_child[i]] = _parent[i];
                birthLambda[_child[i]] = _lambda[i];
                children[_parent[i]].Add(_child[i]);
            }
        }

        var selected = new bool[_ids];
        bool hasClusterTree = _ids > _n + 1;
        if (method == ClusterSelectionMethod.Eom)
        {
            int last = allowSingleCluster ? _n : _n + 1;
            for (int c = _n + 1; c < _ids; c++)
            {
                selected[c] = true;
            }

            selected[_n] = allowSingleCluster;
            for (int node = _ids - 1; node >= last; node--)
            {
                double subtree = children[node].Sum(child => stability[child]);
                if (subtree > stability[node])
                {
                    selected[node] = false;
                    stability[node] = subtree;
                }
                else
                {
                    foreach (int d in Descendants(children, node))
                    {
                        selected[d] = false;
                    }
                }
            }

            if (epsilon != 0 && hasClusterTree)
            {
                int[] eom = [.. Enumerable.Range(_n, _ids - _n).Where(c => selected[c])];
                var chosen = eom.Length == 1 && eom[0] == _n
                    ? (allowSingleCluster ? [.. eom] : new HashSet<int>())
                    : EpsilonSearch(eom, children, clusterParent, birthLambda, epsilon, allowSingleCluster);
                for (int c = _n; c < _ids; c++)
                {
                    selected[c] = chosen.Contains(c);
                }
            }
        }
        else
        {
            int[] leaves = hasClusterTree ? [.. Enumerable.Range(_n + 1, _ids - _n - 1).Where(c => children[c].Count == 0)] : [];
            var chosen = epsilon != 0 && leaves.Length > 0
                ? EpsilonSearch(leaves, children, clusterParent, birthLambda, epsilon, allowSingleCluster)
                : [.. leaves];
            for (int c = _n; c < _ids; c++)
            {
                selected[c] = chosen.Contains(c);
            }
        }

        // Cluster labels in id order; each cluster's topmost selected-or-root ancestor (the union-find of the reference).
        var label = new int[_ids];
        int clusters = 0;
        for (int c = _n; c < _ids; c++)
        {
            label[c] = selected[c] ? clusters++ : -1;
        }

        var top = new int[_ids];
        for (int c = _n; c < _ids; c++)
        {
            top[c] = selected[c] || c == _n ? c : top[clusterParent[c]];
        }

        double rootMaxLambda = double.NegativeInfinity;
        var deaths = DirectMaxLambda();
        for (int i = 0; i < _parent.Length; i++)
        {
            if (_parent[i] == _n)
            {
                rootMaxLambda = Math.Max(rootMaxLambda, _lambda[i]);
            }
        }

        var labels = new int[_n];
        var probabilities = new double[_n];
        for (int i = 0; i < _child.Length; i++)
        {
            int point = _child[i];
            if (point >= _n)
            {
                continue;
            }

            int t = top[_parent[i]];
            double lambda = _lambda[i];
            int l = -1;
            if (t != _n)
            {
                l = label[t];
            }
            else if (selected[_n] && clusters == 1 && allowSingleCluster)
            {
                bool inside = epsilon != 0 ? lambda >= 1.0 / epsilon : lambda >= rootMaxLambda;
                l = inside ? label[_n] : -1;
            }

            labels[point] = l;
            if (l >= 0)
            {
                double max = deaths[t];
                probabilities[point] = max == 0 || !double.IsFinite(lambda) ? 1.0 : Math.Min(lambda, max) / max;
            }
        }

        return (labels, probabilities, clusters);
    }

    /// <summary>
    /// GLOSH outlier scores (Campello, Moulavi, Zimek &amp; Sander 2015): 1 − λ(x)/λ_max(C), where x leaves cluster C at
    /// λ(x) and λ_max(C) is the largest λ of any row in C's subtree; 0 for rows that never leave.
    /// </summary>
    public double[] OutlierScores()
    {
        var deaths = DirectMaxLambda();
        var clusterParent = new int[_ids];
        for (int i = 0; i < _child.Length; i++)
        {
            if (_child[i] >= _n)
            {
                clusterParent[_child[i]] = _parent[i];
            }
        }

        // Children have larger ids than parents: fold the subtree maxima upwards from the largest id down.
        for (int c = _ids - 1; c > _n; c--)
        {
            int p = clusterParent[c];
            deaths[p] = Math.Max(deaths[p], deaths[c]);
        }

        var scores = new double[_n];
        for (int i = 0; i < _child.Length; i++)
        {
            int point = _child[i];
            if (point >= _n)
            {
                continue;
            }

            double max = deaths[_parent[i]], lambda = _lambda[i];
            scores[point] = max == 0 || !double.IsFinite(lambda) ? 0 : 1.0 - (lambda / max);
        }

        return scores;
    }

    // The largest λ among each cluster's own rows.
    private double[] DirectMaxLambda()
    {
        var max = new double[_ids];
        for (int i = 0; i < _parent.Length; i++)
        {
            max[_parent[i]] = Math.Max(max[_parent[i]], _lambda[i]);
        }

        return max;
    }

    private static IEnumerable<int> Descendants(List<int>[] children, int node)
    {
        var stack = new Stack<int>(children[node]);
        while (stack.Count > 0)
        {
            int c = stack.Pop();
            yield return c;
            foreach (int g in children[c])
            {
                stack.Push(g);
            }
        }
    }

    // Clusters born below distance epsilon are replaced by their first ancestor born above it (hdbscan's epsilon_search).
    private HashSet<int> EpsilonSearch(int[] candidates, List<int>[] children, int[] clusterParent, double[] birthLambda, double epsilon, bool allowSingleCluster)
    {
        var chosen = new HashSet<int>();
        var processed = new HashSet<int>();
        foreach (int leaf in candidates.Order())
        {
            double eps = 1.0 / birthLambda[leaf];
            if (eps >= epsilon)
            {
                chosen.Add(leaf);
                continue;
            }

            if (processed.Contains(leaf))
            {
                continue;
            }

            int node = leaf;
            while (true)
            {
                int parent = clusterParent[node];
                if (parent == _n)
                {
                    node = allowSingleCluster ? parent : node;
                    break;
                }

                if (1.0 / birthLambda[parent] > epsilon)
                {
                    node = parent;
                    break;
                }

                node = parent;
            }

            chosen.Add(node);
            foreach (int d in Descendants(children, node))
            {
                processed.Add(d);
            }
        }

        return chosen;
    }
}

/// <summary>A fitted <see cref="HDBSCAN"/>: labels (-1 = noise), membership strengths, GLOSH outlier scores and the condensed tree.</summary>
public sealed class HDBSCANModel : FittedModel<HDBSCANOptions>, IClusteringModel
{
    private readonly int[] _labels;
    private readonly double[] _probabilities;
    private readonly double[] _outlierScores;
    private readonly double[] _core;

    internal HDBSCANModel(HDBSCANOptions options, Schema inputSchema, int[] labels, double[] probabilities, double[] outlierScores, int clusters, Matrix condensedTree, Matrix singleLinkageTree, double[] coreDistances)
        : base(options, inputSchema)
    {
        SingleLinkageTree = singleLinkageTree;
        _core = coreDistances;
        _labels = labels;
        _probabilities = probabilities;
        _outlierScores = outlierScores;
        ClusterCount = clusters;
        CondensedTree = condensedTree;
    }

    /// <inheritdoc />
    public override string Kind => HDBSCAN.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Clustering;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int ClusterCount { get; }

    /// <summary>How strongly each row belongs to its cluster, in [0, 1]; 0 for noise (<c>probabilities_</c>).</summary>
    public IReadOnlyList<double> Probabilities => _probabilities;

    /// <summary>GLOSH outlier score of each row, in [0, 1]; higher is more outlying (<c>outlier_scores_</c>).</summary>
    public IReadOnlyList<double> OutlierScores => _outlierScores;

    /// <summary>The condensed tree, one row per (parent, child, lambda_val, child_size); ids below n are rows, n is the root.</summary>
    public Matrix CondensedTree { get; }

    /// <summary>
    /// The single-linkage tree of the mutual reachability distances in SciPy's linkage format (rows sorted by height;
    /// hdbscan's <c>single_linkage_tree_</c>), from which <see cref="CondensedTree"/> was condensed.
    /// </summary>
    public Matrix SingleLinkageTree { get; }

    /// <summary>Each row's core distance: the distance to its <c>min_samples</c>-th nearest row, itself counted.</summary>
    public IReadOnlyList<double> CoreDistances => _core;

    /// <summary>Number of noise rows (label -1).</summary>
    public int NoiseCount => _labels.Count(l => l == -1);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("single_linkage_tree", SingleLinkageTree);
        writer.Write("core_distances", _core);
        writer.Write("labels", _labels);
        writer.Write("probabilities", _probabilities);
        writer.Write("outlier_scores", _outlierScores);
        writer.Write("n_clusters", ClusterCount);
        writer.Write("condensed_tree", CondensedTree);
    }

    internal static HDBSCANModel Load(ModelReader reader) => new(
        reader.ReadOptions<HDBSCANOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadInt32s("labels"),
        reader.ReadDoubles("probabilities"),
        reader.ReadDoubles("outlier_scores"),
        reader.ReadInt32("n_clusters"),
        reader.ReadMatrix("condensed_tree"),
        reader.ReadMatrix("single_linkage_tree"),
        reader.ReadDoubles("core_distances"));
}
