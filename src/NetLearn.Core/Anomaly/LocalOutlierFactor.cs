using System.Globalization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Anomaly;

/// <summary>Hyperparameters of <see cref="LocalOutlierFactor"/> (scikit-learn's names and defaults).</summary>
public sealed record LocalOutlierFactorOptions : EstimatorOptions
{
    /// <summary>Neighbours that define the local density (<c>n_neighbors</c>); clamped to n − 1.</summary>
    public int NNeighbors { get; init; } = 20;

    /// <summary>Point distance (<c>metric</c>).</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <summary>Expected fraction of outliers (<c>contamination</c>); <c>null</c> is scikit-learn's "auto" (threshold −1.5 on the negative LOF).</summary>
    public double? Contamination { get; init; }

    /// <summary>Keep the training rows so new rows can be scored (<c>novelty</c>).</summary>
    public bool Novelty { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NNeighbors < 1)
        {
            throw new HyperparameterException("n_neighbors", "must be at least 1");
        }

        if (Contamination is { } c && !(c > 0 && c <= 0.5))
        {
            throw new HyperparameterException("contamination", "must be in (0, 0.5], or null for automatic");
        }
    }
}

/// <summary>
/// Local outlier factor (Breunig, Kriegel, Ng &amp; Sander 2000), as scikit-learn's <c>LocalOutlierFactor</c>: the ratio
/// of the neighbours' local reachability density to a row's own; rows much sparser than their neighbours are outliers.
/// Training rows get labels (1 inlier, −1 outlier) and <c>negative_outlier_factor_</c>; with <c>novelty=true</c> new
/// rows can be scored and predicted. Neighbours come from a KD-tree for at least 2,000 rows of at most 15 features
/// (Euclidean or Manhattan), otherwise from an exact parallel scan; both give the same neighbours.
/// </summary>
public sealed class LocalOutlierFactor(LocalOutlierFactorOptions? options = null)
    : Estimator<LocalOutlierFactorOptions, LocalOutlierFactorModel>(options ?? new LocalOutlierFactorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "local_outlier_factor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LocalOutlierFactorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "LocalOutlierFactor");
        int k = Math.Min(Options.NNeighbors, x.Rows - 1);
        var (indices, distances) = Neighbours.Nearest(x, x, k, excludeSelf: true, Options.Metric, context.CancellationToken);
        var kDistance = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            kDistance[i] = distances[(i * k) + k - 1];
        }

        double[] lrd = LocalOutlierFactorModel.ReachabilityDensity(indices, distances, kDistance, k);
        var nof = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            double s = 0;
            for (int t = 0; t < k; t++)
            {
                s += lrd[indices[(i * k) + t]] / lrd[i];
            }

            nof[i] = -s / k;
        }

        double offset = Options.Contamination is { } c ? Percentile(nof, 100.0 * c) : -1.5;
        var labels = nof.Select(v => v < offset ? -1 : 1).ToArray();
        return new LocalOutlierFactorModel(Options, features.Schema, k, nof, offset, labels, Options.Novelty ? x : null, Options.Novelty ? lrd : null, Options.Novelty ? kDistance : null);
    }

    /// <summary>NumPy's default percentile (linear interpolation between order statistics).</summary>
    internal static double Percentile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        double pos = q / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}

/// <summary>
/// Exact k nearest neighbours: of the rows among themselves through a KD-tree (<see cref="Neighbors.NeighborIndex"/>)
/// in low dimensions, otherwise by a parallel scan. Both order ties by row index, so results are the same.
/// </summary>
internal static class Neighbours
{
    /// <summary>From this many rows (and at most 15 columns) the rows' neighbours among themselves come from a KD-tree.</summary>
    internal const int TreeRows = 2_000;

    // k + 1 neighbours including the row itself, then the row dropped (or, when k + 1 tied duplicates with smaller
    // indices crowd it out, the last one), which is exactly the k nearest other rows with ties by index.
    private static (int[] Indices, double[] Distances) NearestByTree(Matrix x, int k, DistanceMetric metric)
    {
        int n = x.Rows;
        var index = new Neighbors.NeighborIndex(x, metric == DistanceMetric.Manhattan ? 1 : 2, Neighbors.NeighborAlgorithm.KdTree, 40, k + 1);
        var (found, distance) = index.Query(x, k + 1);
        var indices = new int[n * k];
        var distances = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            int t = 0;
            for (int r = 0; r <= k && t < k; r++)
            {
                if (found[i][r] != i)
                {
                    indices[(i * k) + t] = found[i][r];
                    distances[(i * k) + t] = distance[i][r];
                    t++;
                }
            }
        }

        return (indices, distances);
    }

    /// <summary>For every query row, the k nearest reference rows (ascending distance, ties by index) and their distances, row-major n×k.</summary>
    public static (int[] Indices, double[] Distances) Nearest(Matrix queries, Matrix reference, int k, bool excludeSelf, DistanceMetric metric, CancellationToken cancellation)
    {
        if (excludeSelf && ReferenceEquals(queries, reference) && metric != DistanceMetric.Cosine
            && reference.Columns <= 15 && reference.Rows >= TreeRows && k + 1 < reference.Rows / 2)
        {
            return NearestByTree(reference, k, metric);
        }

        int n = queries.Rows, m = reference.Rows;
        var indices = new int[n * k];
        var distances = new double[n * k];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            var idx = indices.AsSpan(i * k, k);
            var dk = distances.AsSpan(i * k, k);
            var row = queries.Row(i);
            int filled = 0;
            for (int j = 0; j < m; j++)
            {
                if (excludeSelf && j == i)
                {
                    continue;
                }

                double v = PairwiseDistances.Distance(row, reference.Row(j), metric);
                if (filled == k && v >= dk[k - 1])
                {
                    continue;
                }

                int pos = filled < k ? filled++ : k - 1;
                while (pos > 0 && dk[pos - 1] > v)
                {
                    dk[pos] = dk[pos - 1];
                    idx[pos] = idx[pos - 1];
                    pos--;
                }

                dk[pos] = v;
                idx[pos] = j;
            }
        });
        return (indices, distances);
    }
}

/// <summary>A fitted <see cref="LocalOutlierFactor"/>.</summary>
public sealed class LocalOutlierFactorModel : FittedModel<LocalOutlierFactorOptions>, IPredictor
{
    private readonly double[] _nof;
    private readonly int[] _labels;
    private readonly Matrix? _training;
    private readonly double[]? _lrd;
    private readonly double[]? _kDistance;

    internal LocalOutlierFactorModel(LocalOutlierFactorOptions options, Schema inputSchema, int neighbours, double[] nof, double offset, int[] labels, Matrix? training, double[]? lrd, double[]? kDistance)
        : base(options, inputSchema)
    {
        NeighborsUsed = neighbours;
        _nof = nof;
        Offset = offset;
        _labels = labels;
        _training = training;
        _lrd = lrd;
        _kDistance = kDistance;
    }

    /// <inheritdoc />
    public override string Kind => LocalOutlierFactor.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.AnomalyDetection;

    /// <summary>Neighbours actually used (<c>n_neighbors_</c>).</summary>
    public int NeighborsUsed { get; }

    /// <summary>Minus the LOF of each training row (<c>negative_outlier_factor_</c>); about −1 for inliers, lower for outliers.</summary>
    public IReadOnlyList<double> NegativeOutlierFactor => _nof;

    /// <summary>The threshold on the negative LOF below which a row is an outlier (<c>offset_</c>).</summary>
    public double Offset { get; }

    /// <summary>The training rows' labels (<c>fit_predict</c>): 1 inlier, −1 outlier.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>Negative LOF of new rows (<c>score_samples</c>; needs <c>novelty=true</c>).</summary>
    public double[] ScoreSamples(Table features)
    {
        if (_training is null || _lrd is null || _kDistance is null)
        {
            throw new HyperparameterException("novelty", "scoring new rows needs novelty=true when fitting; use Labels and NegativeOutlierFactor for the training rows");
        }

        var x = features.ConformTo(InputSchema).ToMatrix();
        int k = NeighborsUsed;
        var (indices, distances) = Neighbours.Nearest(x, _training, k, excludeSelf: false, Options.Metric, CancellationToken.None);
        double[] lrd = ReachabilityDensity(indices, distances, _kDistance, k);
        var scores = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            double s = 0;
            for (int t = 0; t < k; t++)
            {
                s += _lrd[indices[(i * k) + t]] / lrd[i];
            }

            scores[i] = -s / k;
        }

        return scores;
    }

    /// <summary>Score minus offset (<c>decision_function</c>): negative for outliers.</summary>
    public double[] DecisionFunction(Table features) => [.. ScoreSamples(features).Select(s => s - Offset)];

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn("anomaly", [.. DecisionFunction(features).Select(d => d < 0 ? -1.0 : 1.0)]);

    // 1 / (mean reachability distance + 1e-10), reachability = max(distance, k-distance of the neighbour).
    internal static double[] ReachabilityDensity(int[] indices, double[] distances, double[] kDistance, int k)
    {
        int n = indices.Length / k;
        var lrd = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int t = 0; t < k; t++)
            {
                s += Math.Max(distances[(i * k) + t], kDistance[indices[(i * k) + t]]);
            }

            lrd[i] = 1.0 / ((s / k) + 1e-10);
        }

        return lrd;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("n_neighbors", NeighborsUsed);
        writer.Write("negative_outlier_factor", _nof);
        writer.Write("offset", Offset);
        writer.Write("labels", _labels);
        if (_training is not null)
        {
            writer.Write("training", _training);
            writer.Write("lrd", _lrd!);
            writer.Write("k_distance", _kDistance!);
        }
    }

    internal static LocalOutlierFactorModel Load(ModelReader reader) => new(
        reader.ReadOptions<LocalOutlierFactorOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadInt32("n_neighbors"),
        reader.ReadDoubles("negative_outlier_factor"),
        reader.ReadDouble("offset"),
        reader.ReadInt32s("labels"),
        reader.Has("training") ? reader.ReadMatrix("training") : null,
        reader.Has("lrd") ? reader.ReadDoubles("lrd") : null,
        reader.Has("k_distance") ? reader.ReadDoubles("k_distance") : null);
}
