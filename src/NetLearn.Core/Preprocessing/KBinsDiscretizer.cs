using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>How <see cref="KBinsDiscretizer"/> places bin edges.</summary>
public enum BinStrategy
{
    /// <summary>Equal widths between the minimum and maximum.</summary>
    Uniform,

    /// <summary>Equal numbers of rows per bin (percentiles).</summary>
    Quantile,

    /// <summary>Edges halfway between 1-D k-means centres.</summary>
    Kmeans,
}

/// <summary>How <see cref="KBinsDiscretizer"/> writes a bin.</summary>
public enum BinEncoding
{
    /// <summary>One 0/1 column per bin (<c>onehot</c>; NetLearn tables are dense, so this equals <c>onehot-dense</c>).</summary>
    Onehot,

    /// <summary>One 0/1 column per bin (<c>onehot-dense</c>).</summary>
    OnehotDense,

    /// <summary>The bin index as a number.</summary>
    Ordinal,
}

/// <summary>Hyperparameters of <see cref="KBinsDiscretizer"/>.</summary>
public sealed record KBinsDiscretizerOptions : EstimatorOptions
{
    /// <summary>Bins per column (<c>n_bins</c>), at least 2.</summary>
    public int NBins { get; init; } = 5;

    /// <summary>Output encoding (<c>encode</c>).</summary>
    public BinEncoding Encode { get; init; } = BinEncoding.Onehot;

    /// <summary>Edge placement (<c>strategy</c>).</summary>
    public BinStrategy Strategy { get; init; } = BinStrategy.Quantile;

    /// <inheritdoc />
    public override void Validate()
    {
        if (NBins < 2)
        {
            throw new HyperparameterException("n_bins", "give at least 2");
        }
    }
}

/// <summary>
/// Bins continuous columns into intervals (scikit-learn's <c>KBinsDiscretizer</c>): uniform widths, quantiles, or edges
/// between the centres of a 1-D k-means (Lloyd's algorithm from evenly spaced centres). Bins narrower than 1e-8 are
/// removed; a constant column gets one bin. One-hot output columns are named <c>{column}_{bin}</c>.
/// </summary>
public sealed class KBinsDiscretizer(KBinsDiscretizerOptions? options = null)
    : Estimator<KBinsDiscretizerOptions, KBinsDiscretizerModel>(options ?? new KBinsDiscretizerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "kbins_discretizer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KBinsDiscretizerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "KBinsDiscretizer");
        var columns = NumericData.Columns(features, "KBinsDiscretizer", allowMissing: false);
        var edges = new double[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            edges[c] = Edges(columns[c], Options.NBins, Options.Strategy);
        }

        return new KBinsDiscretizerModel(Options, features.Schema, edges);
    }

    private static double[] Edges(double[] x, int bins, BinStrategy strategy)
    {
        double min = x.Min(), max = x.Max();
        if (min == max)
        {
            return [double.NegativeInfinity, double.PositiveInfinity];
        }

        double[] edges;
        switch (strategy)
        {
            case BinStrategy.Uniform:
                edges = Linspace(min, max, bins + 1);
                break;
            case BinStrategy.Quantile:
                double[] sorted = [.. x];
                Array.Sort(sorted);
                double[] levels = Linspace(0, 100, bins + 1);
                edges = [.. levels.Select(q => NumericData.Percentile(sorted, q))];
                break;
            default:
                double[] uniform = Linspace(min, max, bins + 1);
                double[] init = [.. Enumerable.Range(0, bins).Select(k => (uniform[k + 1] + uniform[k]) * 0.5)];
                double[] centers = KMeans1D(x, init);
                Array.Sort(centers);
                edges = [min, .. Enumerable.Range(0, bins - 1).Select(k => (centers[k + 1] + centers[k]) * 0.5), max];
                break;
        }

        if (strategy != BinStrategy.Uniform)
        {
            var kept = new List<double> { edges[0] };
            for (int k = 1; k < edges.Length; k++)
            {
                if (edges[k] - edges[k - 1] > 1e-8)
                {
                    kept.Add(edges[k]);
                }
            }

            edges = [.. kept];
        }

        return edges;
    }

    /// <summary>NumPy's <c>linspace</c> (i · step + start, last point exactly <paramref name="stop"/>).</summary>
    internal static double[] Linspace(double start, double stop, int count)
    {
        var y = new double[count];
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++)
        {
            y[i] = (i * step) + start;
        }

        y[^1] = stop;
        return y;
    }

    // Lloyd's algorithm (Lloyd 1982) in one dimension on centred data, stopping when labels repeat or the squared centre
    // shift falls to tol · var(x) with tol = 1e-4, as scikit-learn's KMeans with an explicit init and n_init = 1.
    private static double[] KMeans1D(double[] x, double[] init)
    {
        int n = x.Length, k = init.Length;
        double mean = x.Average();
        double[] data = [.. x.Select(v => v - mean)];
        double[] centers = [.. init.Select(v => v - mean)];
        double tol = NumericData.Variance(x) * 1e-4;
        var labels = new int[n];
        var previous = Enumerable.Repeat(-1, n).ToArray();
        for (int iter = 0; iter < 300; iter++)
        {
            var sums = new double[k];
            var counts = new int[k];
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                double bestDistance = double.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    double d = (data[i] - centers[j]) * (data[i] - centers[j]);
                    if (d < bestDistance)
                    {
                        bestDistance = d;
                        best = j;
                    }
                }

                labels[i] = best;
                sums[best] += data[i];
                counts[best]++;
            }

            double shift = 0;
            var updated = new double[k];
            for (int j = 0; j < k; j++)
            {
                updated[j] = counts[j] > 0 ? sums[j] / counts[j] : centers[j];
                shift += (updated[j] - centers[j]) * (updated[j] - centers[j]);
            }

            centers = updated;
            if (labels.AsSpan().SequenceEqual(previous) || shift <= tol)
            {
                break;
            }

            (previous, labels) = (labels, previous);
        }

        return [.. centers.Select(v => v + mean)];
    }
}

/// <summary>A fitted <see cref="KBinsDiscretizer"/>.</summary>
public sealed class KBinsDiscretizerModel : NumericTransformerModel<KBinsDiscretizerOptions>
{
    private readonly double[][] _edges;

    internal KBinsDiscretizerModel(KBinsDiscretizerOptions options, Schema inputSchema, double[][] edges)
        : base(options, inputSchema)
    {
        _edges = edges;
        FeatureNamesOut = options.Encode == BinEncoding.Ordinal
            ? [.. inputSchema.Names]
            : [.. inputSchema.Columns.SelectMany((c, j) => Enumerable.Range(0, edges[j].Length - 1).Select(b => string.Create(CultureInfo.InvariantCulture, $"{c.Name}_{b}.0")))];
    }

    /// <inheritdoc />
    public override string Kind => KBinsDiscretizer.KindName;

    /// <summary>The bin edges of each column (<c>bin_edges_</c>).</summary>
    public IReadOnlyList<IReadOnlyList<double>> BinEdges => _edges;

    /// <summary>The number of bins of each column after removing empty ones (<c>n_bins_</c>).</summary>
    public IReadOnlyList<int> NBins => [.. _edges.Select(e => e.Length - 1)];

    /// <inheritdoc />
    public override IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var child = writer.Child("bin_edges");
        for (int c = 0; c < _edges.Length; c++)
        {
            child.Write(InputSchema.Columns[c].Name, _edges[c]);
        }
    }

    internal static KBinsDiscretizerModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("bin_edges");
        return new KBinsDiscretizerModel(reader.ReadOptions<KBinsDiscretizerOptions>(), schema, [.. schema.Columns.Select(c => child.ReadDoubles(c.Name))]);
    }

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        var output = new List<double[]>();
        for (int c = 0; c < columns.Length; c++)
        {
            double[] inner = _edges[c][1..^1];
            var bins = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double v = columns[c][i];
                if (double.IsNaN(v))
                {
                    throw new DataValidationException("KBinsDiscretizer does not accept missing values. Impute them first", column: InputSchema.Columns[c].Name, row: i);
                }

                // searchsorted(side = right): the number of inner edges <= v.
                int lo = 0, hi = inner.Length;
                while (lo < hi)
                {
                    int mid = (lo + hi) >> 1;
                    if (inner[mid] <= v)
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                bins[i] = lo;
            }

            if (Options.Encode == BinEncoding.Ordinal)
            {
                output.Add(bins);
                continue;
            }

            int count = _edges[c].Length - 1;
            for (int b = 0; b < count; b++)
            {
                output.Add([.. bins.Select(v => v == b ? 1.0 : 0.0)]);
            }
        }

        return [.. output];
    }
}
