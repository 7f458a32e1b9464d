using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>Hyperparameters of <see cref="StandardScaler"/>.</summary>
public sealed record StandardScalerOptions : EstimatorOptions
{
    /// <summary>Subtract the mean (<c>with_mean</c>).</summary>
    public bool WithMean { get; init; } = true;

    /// <summary>Divide by the standard deviation (<c>with_std</c>).</summary>
    public bool WithStd { get; init; } = true;
}

/// <summary>
/// Standardises numeric columns: z = (x − mean) / std, with the population (ddof = 0) standard deviation and, as in
/// scikit-learn, a scale of 1 for constant columns. Missing values are ignored when fitting and stay missing.
/// Sample weights give weighted means and variances.
/// </summary>
public sealed class StandardScaler(StandardScalerOptions? options = null)
    : Estimator<StandardScalerOptions, StandardScalerModel>(options ?? new StandardScalerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "standard_scaler";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override StandardScalerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, "StandardScaler");
        double[]? weights = Checks.SampleWeight(context.SampleWeight, features.RowCount);
        int p = features.ColumnCount;
        var mean = new double[p];
        var variance = new double[p];
        var scale = new double[p];
        for (int c = 0; c < p; c++)
        {
            double[] values = features[c].ToDoubleArray();
            double sw = 0, sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(values[i]))
                {
                    continue;
                }

                if (double.IsInfinity(values[i]))
                {
                    throw new DataValidationException("StandardScaler cannot scale an infinite value. Fix or drop the row", column: features[c].Name, row: i);
                }

                double w = weights?[i] ?? 1.0;
                sw += w;
                sum += w * values[i];
            }

            if (sw == 0)
            {
                throw new DataValidationException("The column has no values to learn a mean from. Drop it or impute it first", column: features[c].Name);
            }

            mean[c] = sum / sw;
            double squares = 0, correction = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsNaN(values[i]))
                {
                    double w = weights?[i] ?? 1.0, d = values[i] - mean[c];
                    squares += w * d * d;
                    correction += w * d;
                }
            }

            // Two-pass variance with the compensation term of Chan, Golub and LeVeque (1983).
            variance[c] = Math.Max(0, (squares - (correction * correction / sw)) / sw);
            scale[c] = IsConstant(variance[c], mean[c], sw) ? 1.0 : Math.Sqrt(variance[c]);
        }

        return new StandardScalerModel(Options, features.Schema, mean, variance, scale);
    }

    // scikit-learn's _is_constant_feature: a variance within rounding error of zero means a constant column,
    // which gets scale 1 so that it maps to zeros instead of dividing by noise.
    private static bool IsConstant(double variance, double mean, double n)
    {
        const double eps = 2.220446049250313e-16;
        double bound = (n * eps * variance) + Math.Pow(n * mean * eps, 2);
        return variance <= bound;
    }
}

/// <summary>A fitted <see cref="StandardScaler"/>.</summary>
public sealed class StandardScalerModel : FittedModel<StandardScalerOptions>, ITransformerModel
{
    private readonly double[] _mean;
    private readonly double[] _variance;
    private readonly double[] _scale;

    internal StandardScalerModel(StandardScalerOptions options, Schema inputSchema, double[] mean, double[] variance, double[] scale)
        : base(options, inputSchema)
    {
        _mean = mean;
        _variance = variance;
        _scale = scale;
    }

    /// <inheritdoc />
    public override string Kind => StandardScaler.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>Per-column means (<c>mean_</c>).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Per-column population variances (<c>var_</c>).</summary>
    public IReadOnlyList<double> Variance => _variance;

    /// <summary>Per-column scales (<c>scale_</c>): standard deviations, 1 for constant columns.</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. InputSchema.Names];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var columns = new Column[input.ColumnCount];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] values = input[c].ToDoubleArray();
            double shift = Options.WithMean ? _mean[c] : 0.0, divisor = Options.WithStd ? _scale[c] : 1.0;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (values[i] - shift) / divisor;
            }

            columns[c] = new NumericColumn(input[c].Name, values);
        }

        return new Table(columns);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("mean", _mean);
        writer.Write("var", _variance);
        writer.Write("scale", _scale);
    }

    internal static StandardScalerModel Load(ModelReader reader) => new(
        reader.ReadOptions<StandardScalerOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadDoubles("mean"),
        reader.ReadDoubles("var"),
        reader.ReadDoubles("scale"));
}
