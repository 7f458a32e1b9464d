using MathNet.Numerics.Distributions;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>The output distribution of <see cref="QuantileTransformer"/>.</summary>
public enum OutputDistribution
{
    /// <summary>Uniform on [0, 1].</summary>
    Uniform,

    /// <summary>Standard normal (clipped to about ±5.2).</summary>
    Normal,
}

/// <summary>Hyperparameters of <see cref="QuantileTransformer"/>.</summary>
public sealed record QuantileTransformerOptions : EstimatorOptions
{
    /// <summary>Number of quantiles (<c>n_quantiles</c>); at most the number of rows is used.</summary>
    public int NQuantiles { get; init; } = 1000;

    /// <summary>The output distribution (<c>output_distribution</c>).</summary>
    public OutputDistribution OutputDistribution { get; init; } = OutputDistribution.Uniform;

    /// <summary>Rows used to estimate quantiles (<c>subsample</c>); larger data is sampled without replacement.</summary>
    public int Subsample { get; init; } = 100_000;

    /// <summary>Seed of the subsample (<c>random_state</c>); <c>null</c> means 0, so fits are reproducible.</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NQuantiles < 1)
        {
            throw new HyperparameterException("n_quantiles", "give at least 1");
        }

        if (Subsample < 1)
        {
            throw new HyperparameterException("subsample", "give at least 1");
        }
    }
}

/// <summary>
/// Maps each column through its empirical cumulative distribution to a uniform or normal distribution (scikit-learn's
/// <c>QuantileTransformer</c>): quantiles at <c>n_quantiles</c> evenly spaced levels, then linear interpolation
/// (averaged in both directions so repeated values map to the middle of their range). Robust to outliers; missing values
/// are ignored when fitting and stay missing.
/// </summary>
public sealed class QuantileTransformer(QuantileTransformerOptions? options = null)
    : Estimator<QuantileTransformerOptions, QuantileTransformerModel>(options ?? new QuantileTransformerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "quantile_transformer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override QuantileTransformerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "QuantileTransformer");
        var columns = NumericData.Columns(features, "QuantileTransformer", allowMissing: true);
        int n = features.RowCount;
        int nq = Math.Max(1, Math.Min(Options.NQuantiles, n));
        var references = new double[nq];
        double step = nq > 1 ? 1.0 / (nq - 1) : 0.0;
        for (int k = 0; k < nq; k++)
        {
            references[k] = k * step;
        }

        references[^1] = nq > 1 ? 1.0 : 0.0;
        int[]? sample = null;
        if (Options.Subsample < n)
        {
            var rng = new Random(Options.RandomState ?? 0);
            int[] all = [.. Enumerable.Range(0, n)];
            rng.Shuffle(all);
            sample = all[..Options.Subsample];
        }

        var quantiles = new double[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] values = sample is null ? columns[c] : [.. sample.Select(i => columns[c][i])];
            double[] sorted = NumericData.SortedPresent(values);
            quantiles[c] = new double[nq];
            for (int k = 0; k < nq; k++)
            {
                quantiles[c][k] = NumericData.Percentile(sorted, references[k] * 100);
                if (k > 0)
                {
                    quantiles[c][k] = Math.Max(quantiles[c][k], quantiles[c][k - 1]);
                }
            }
        }

        return new QuantileTransformerModel(Options, features.Schema, references, quantiles);
    }
}

/// <summary>A fitted <see cref="QuantileTransformer"/>.</summary>
public sealed class QuantileTransformerModel : NumericTransformerModel<QuantileTransformerOptions>
{
    private const double BoundsThreshold = 1e-7;
    private readonly double[] _references;
    private readonly double[][] _quantiles;

    internal QuantileTransformerModel(QuantileTransformerOptions options, Schema inputSchema, double[] references, double[][] quantiles)
        : base(options, inputSchema)
    {
        (_references, _quantiles) = (references, quantiles);
    }

    /// <inheritdoc />
    public override string Kind => QuantileTransformer.KindName;

    /// <summary>The quantile levels in [0, 1] (<c>references_</c>).</summary>
    public IReadOnlyList<double> References => _references;

    /// <summary>The quantiles of each column at <see cref="References"/> (<c>quantiles_</c>, transposed: one list per column).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Quantiles => _quantiles;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("references", _references);
        var child = writer.Child("quantiles");
        for (int c = 0; c < _quantiles.Length; c++)
        {
            child.Write(InputSchema.Columns[c].Name, _quantiles[c]);
        }
    }

    internal static QuantileTransformerModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("quantiles");
        return new QuantileTransformerModel(reader.ReadOptions<QuantileTransformerOptions>(), schema, reader.ReadDoubles("references"), [.. schema.Columns.Select(c => child.ReadDoubles(c.Name))]);
    }

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        bool normal = Options.OutputDistribution == OutputDistribution.Normal;
        double clipMin = Normal.InvCDF(0, 1, BoundsThreshold - 2.220446049250313e-16);
        double clipMax = Normal.InvCDF(0, 1, 1 - (BoundsThreshold - 2.220446049250313e-16));
        for (int c = 0; c < columns.Length; c++)
        {
            double[] q = _quantiles[c];
            double[] negQ = [.. q.Reverse().Select(v => -v)];
            double[] negR = [.. _references.Reverse().Select(v => -v)];
            double low = q[0], high = q[^1];
            var x = columns[c];
            for (int i = 0; i < rows; i++)
            {
                double v = x[i];
                if (double.IsNaN(v))
                {
                    continue;
                }

                bool atLow = normal ? v - BoundsThreshold < low : v == low;
                bool atHigh = normal ? v + BoundsThreshold > high : v == high;
                double y = 0.5 * (Interp(v, q, _references) - Interp(-v, negQ, negR));
                if (atHigh)
                {
                    y = 1;
                }

                if (atLow)
                {
                    y = 0;
                }

                if (normal)
                {
                    y = Math.Clamp(Normal.InvCDF(0, 1, y), clipMin, clipMax);
                }

                x[i] = y;
            }
        }

        return columns;
    }

    /// <summary>NumPy's <c>interp</c>: piecewise-linear, constant beyond the ends, rightmost interval for repeated knots.</summary>
    internal static double Interp(double x, double[] xp, double[] fp)
    {
        int n = xp.Length;
        if (x < xp[0])
        {
            return fp[0];
        }

        if (x > xp[n - 1])
        {
            return fp[n - 1];
        }

        if (x == xp[n - 1])
        {
            return fp[n - 1];
        }

        // Largest j with xp[j] <= x.
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (xp[mid] <= x)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        int j = lo;
        if (xp[j + 1] == xp[j])
        {
            return fp[j];
        }

        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double result = (slope * (x - xp[j])) + fp[j];
        if (double.IsNaN(result))
        {
            result = (slope * (x - xp[j + 1])) + fp[j + 1];
            if (double.IsNaN(result) && fp[j] == fp[j + 1])
            {
                result = fp[j];
            }
        }

        return result;
    }
}
