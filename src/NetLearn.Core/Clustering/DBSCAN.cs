using NetLearn.Anomaly;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Clustering;

/// <summary>Hyperparameters of <see cref="DBSCAN"/> (scikit-learn's names and defaults).</summary>
public sealed record DBSCANOptions : EstimatorOptions
{
    /// <summary>Neighbourhood radius (<c>eps</c>): rows at distance ≤ eps are neighbours.</summary>
    public double Eps { get; init; } = 0.5;

    /// <summary>Neighbours (the row itself included; weighted by sample weight) that make a core row (<c>min_samples</c>).</summary>
    public int MinSamples { get; init; } = 5;

    /// <summary>Point distance (<c>metric</c>).</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Eps > 0) || !double.IsFinite(Eps))
        {
            throw new HyperparameterException("eps", "must be a positive number (the neighbourhood radius, in the units of the features)");
        }

        if (MinSamples < 1)
        {
            throw new HyperparameterException("min_samples", "must be at least 1");
        }
    }
}

/// <summary>
/// DBSCAN (Ester, Kriegel, Sander &amp; Xu 1996), as scikit-learn's: rows with at least <c>min_samples</c> neighbours
/// within <c>eps</c> are core rows; clusters are the connected core rows plus their neighbours; the rest is noise (-1).
/// Clusters are numbered in order of their first core row and a border row joins the first cluster that reaches it,
/// so labels are identical to scikit-learn's. Neighbourhoods come from a KD-tree radius search in low dimensions and
/// from a parallel scan otherwise (memory proportional to the number of neighbour pairs).
/// </summary>
public sealed class DBSCAN(DBSCANOptions? options = null)
    : Estimator<DBSCANOptions, DBSCANModel>(options ?? new DBSCANOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "dbscan";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override DBSCANModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "DBSCAN");
        int n = x.Rows;
        double[]? weights = Checks.SampleWeight(context.SampleWeight, n);
        var neighbours = RadiusNeighbours(x, Options.Eps, Options.Metric, context.CancellationToken);
        var core = new bool[n];
        for (int i = 0; i < n; i++)
        {
            double count = 0;
            foreach (int j in neighbours[i])
            {
                count += weights?[j] ?? 1.0;
            }

            core[i] = count >= Options.MinSamples;
        }

        // scikit-learn's dbscan_inner: depth-first expansion from each unlabelled core row, in row order.
        var labels = new int[n];
        Array.Fill(labels, -1);
        int label = 0;
        var stack = new Stack<int>();
        for (int start = 0; start < n; start++)
        {
            if (labels[start] != -1 || !core[start])
            {
                continue;
            }

            int i = start;
            while (true)
            {
                if (labels[i] == -1)
                {
                    labels[i] = label;
                    if (core[i])
                    {
                        foreach (int v in neighbours[i])
                        {
                            if (labels[v] == -1)
                            {
                                stack.Push(v);
                            }
                        }
                    }
                }

                if (stack.Count == 0)
                {
                    break;
                }

                i = stack.Pop();
            }

            label++;
        }

        int[] coreIndices = [.. Enumerable.Range(0, n).Where(i => core[i])];
        return new DBSCANModel(Options, features.Schema, labels, coreIndices, x.TakeRows(coreIndices), label);
    }

    /// <summary>
    /// For every row, the rows within <paramref name="eps"/> (itself included), in increasing row order. From
    /// <see cref="Neighbours.TreeRows"/> rows and up to 15 columns (Euclidean or Manhattan) the candidates come from the
    /// KD-tree (decision 4.19); every candidate is tested with the same exact distance as the scan, so the result is identical.
    /// </summary>
    internal static int[][] RadiusNeighbours(Matrix x, double eps, DistanceMetric metric, CancellationToken cancellation)
    {
        int n = x.Rows;
        bool tree = metric != DistanceMetric.Cosine && x.Columns <= 15 && n >= Neighbours.TreeRows;
        return RadiusNeighbours(x, eps, metric, tree, cancellation);
    }

    /// <summary>As above with the search method chosen by the caller (<paramref name="tree"/>: KD-tree candidates, else a scan).</summary>
    internal static int[][] RadiusNeighbours(Matrix x, double eps, DistanceMetric metric, bool tree, CancellationToken cancellation)
    {
        int n = x.Rows;
        var index = tree ? new Neighbors.NeighborIndex(x, metric == DistanceMetric.Manhattan ? 1 : 2, Neighbors.NeighborAlgorithm.KdTree, 40, 1) : null;
        var result = new int[n][];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, () => (new List<int>(), new List<int>()), (i, _, lists) =>
        {
            var (found, candidates) = lists;
            found.Clear();
            var row = x.Row(i);
            if (index is null)
            {
                for (int j = 0; j < n; j++)
                {
                    if (PairwiseDistances.Distance(row, x.Row(j), metric) <= eps)
                    {
                        found.Add(j);
                    }
                }
            }
            else
            {
                candidates.Clear();
                index.Candidates(row.ToArray(), eps, candidates);
                foreach (int j in candidates)
                {
                    if (PairwiseDistances.Distance(row, x.Row(j), metric) <= eps)
                    {
                        found.Add(j);
                    }
                }

                found.Sort();
            }

            result[i] = [.. found];
            return lists;
        }, _ => { });
        return result;
    }
}

/// <summary>A fitted <see cref="DBSCAN"/>.</summary>
public sealed class DBSCANModel : FittedModel<DBSCANOptions>, IClusteringModel
{
    private readonly int[] _labels;
    private readonly int[] _core;

    internal DBSCANModel(DBSCANOptions options, Schema inputSchema, int[] labels, int[] coreSampleIndices, Matrix components, int clusters)
        : base(options, inputSchema)
    {
        _labels = labels;
        _core = coreSampleIndices;
        Components = components;
        ClusterCount = clusters;
    }

    /// <inheritdoc />
    public override string Kind => DBSCAN.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Clustering;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int ClusterCount { get; }

    /// <summary>Rows that are core rows (<c>core_sample_indices_</c>), ascending.</summary>
    public IReadOnlyList<int> CoreSampleIndices => _core;

    /// <summary>The core rows themselves (<c>components_</c>).</summary>
    public Matrix Components { get; }

    /// <summary>Number of noise rows (label -1).</summary>
    public int NoiseCount => _labels.Count(l => l == -1);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("labels", _labels);
        writer.Write("core_sample_indices", _core);
        writer.Write("components", Components);
        writer.Write("n_clusters", ClusterCount);
    }

    internal static DBSCANModel Load(ModelReader reader) => new(
        reader.ReadOptions<DBSCANOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadInt32s("labels"),
        reader.ReadInt32s("core_sample_indices"),
        reader.ReadMatrix("components"),
        reader.ReadInt32("n_clusters"));
}
