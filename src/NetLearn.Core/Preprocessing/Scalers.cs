using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>Hyperparameters of <see cref="MinMaxScaler"/>.</summary>
public sealed record MinMaxScalerOptions : EstimatorOptions
{
    /// <summary>The target range (<c>feature_range</c>), two numbers with min &lt; max.</summary>
    public IReadOnlyList<double> FeatureRange { get; init; } = [0.0, 1.0];

    /// <summary>Clip transformed values to the range (<c>clip</c>).</summary>
    public bool Clip { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (FeatureRange is null || FeatureRange.Count != 2 || !(FeatureRange[0] < FeatureRange[1]))
        {
            throw new HyperparameterException("feature_range", "give two numbers [min, max] with min < max, for example [0, 1]");
        }
    }
}

/// <summary>
/// Scales each column to a range: x' = x · scale + min, with scale = (max − min) / (data_max − data_min) (scikit-learn's
/// <c>MinMaxScaler</c>). Constant columns get scale 1. Missing values are ignored when fitting and stay missing.
/// </summary>
public sealed class MinMaxScaler(MinMaxScalerOptions? options = null)
    : Estimator<MinMaxScalerOptions, MinMaxScalerModel>(options ?? new MinMaxScalerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "min_max_scaler";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override MinMaxScalerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "MinMaxScaler");
        var columns = NumericData.Columns(features, "MinMaxScaler", allowMissing: true);
        int p = columns.Length;
        double[] dataMin = new double[p], dataMax = new double[p], scale = new double[p], min = new double[p];
        for (int c = 0; c < p; c++)
        {
            var present = columns[c].Where(v => !double.IsNaN(v)).ToArray();
            if (present.Length == 0)
            {
                throw new DataValidationException("The column has no values to learn a range from. Drop it or impute it first", column: features[c].Name);
            }

            dataMin[c] = present.Min();
            dataMax[c] = present.Max();
            scale[c] = (Options.FeatureRange[1] - Options.FeatureRange[0]) / NumericData.NonZeroScale(dataMax[c] - dataMin[c]);
            min[c] = Options.FeatureRange[0] - (dataMin[c] * scale[c]);
        }

        return new MinMaxScalerModel(Options, features.Schema, dataMin, dataMax, scale, min);
    }
}

/// <summary>A fitted <see cref="MinMaxScaler"/>.</summary>
public sealed class MinMaxScalerModel : NumericTransformerModel<MinMaxScalerOptions>
{
    private readonly double[] _dataMin, _dataMax, _scale, _min;

    internal MinMaxScalerModel(MinMaxScalerOptions options, Schema inputSchema, double[] dataMin, double[] dataMax, double[] scale, double[] min)
        : base(options, inputSchema)
    {
        (_dataMin, _dataMax, _scale, _min) = (dataMin, dataMax, scale, min);
    }

    /// <inheritdoc />
    public override string Kind => MinMaxScaler.KindName;

    /// <summary>Per-column minimum seen (<c>data_min_</c>).</summary>
    public IReadOnlyList<double> DataMin => _dataMin;

    /// <summary>Per-column maximum seen (<c>data_max_</c>).</summary>
    public IReadOnlyList<double> DataMax => _dataMax;

    /// <summary>Per-column factor (<c>scale_</c>).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>Per-column offset (<c>min_</c>).</summary>
    public IReadOnlyList<double> Min => _min;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("data_min", _dataMin);
        writer.Write("data_max", _dataMax);
        writer.Write("scale", _scale);
        writer.Write("min", _min);
    }

    internal static MinMaxScalerModel Load(ModelReader reader) => new(
        reader.ReadOptions<MinMaxScalerOptions>(), reader.ReadSchema("input_schema"),
        reader.ReadDoubles("data_min"), reader.ReadDoubles("data_max"), reader.ReadDoubles("scale"), reader.ReadDoubles("min"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        for (int c = 0; c < columns.Length; c++)
        {
            var x = columns[c];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (x[i] * _scale[c]) + _min[c];
                if (Options.Clip)
                {
                    x[i] = Math.Clamp(x[i], Options.FeatureRange[0], Options.FeatureRange[1]);
                }
            }
        }

        return columns;
    }
}

/// <summary>Hyperparameters of <see cref="MaxAbsScaler"/> (it has none).</summary>
public sealed record MaxAbsScalerOptions : EstimatorOptions;

/// <summary>Divides each column by its maximum absolute value (scikit-learn's <c>MaxAbsScaler</c>); keeps zeros and signs.</summary>
public sealed class MaxAbsScaler(MaxAbsScalerOptions? options = null)
    : Estimator<MaxAbsScalerOptions, MaxAbsScalerModel>(options ?? new MaxAbsScalerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "max_abs_scaler";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override MaxAbsScalerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "MaxAbsScaler");
        var columns = NumericData.Columns(features, "MaxAbsScaler", allowMissing: true);
        double[] maxAbs = [.. columns.Select(x => x.Where(v => !double.IsNaN(v)).Select(Math.Abs).DefaultIfEmpty(double.NaN).Max())];
        return new MaxAbsScalerModel(Options, features.Schema, maxAbs, [.. maxAbs.Select(NumericData.NonZeroScale)]);
    }
}

/// <summary>A fitted <see cref="MaxAbsScaler"/>.</summary>
public sealed class MaxAbsScalerModel : NumericTransformerModel<MaxAbsScalerOptions>
{
    private readonly double[] _maxAbs, _scale;

    internal MaxAbsScalerModel(MaxAbsScalerOptions options, Schema inputSchema, double[] maxAbs, double[] scale)
        : base(options, inputSchema)
    {
        (_maxAbs, _scale) = (maxAbs, scale);
    }

    /// <inheritdoc />
    public override string Kind => MaxAbsScaler.KindName;

    /// <summary>Per-column maximum absolute value (<c>max_abs_</c>).</summary>
    public IReadOnlyList<double> MaxAbs => _maxAbs;

    /// <summary>Per-column divisor (<c>scale_</c>).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("max_abs", _maxAbs);
        writer.Write("scale", _scale);
    }

    internal static MaxAbsScalerModel Load(ModelReader reader) => new(
        reader.ReadOptions<MaxAbsScalerOptions>(), reader.ReadSchema("input_schema"), reader.ReadDoubles("max_abs"), reader.ReadDoubles("scale"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        for (int c = 0; c < columns.Length; c++)
        {
            for (int i = 0; i < rows; i++)
            {
                columns[c][i] /= _scale[c];
            }
        }

        return columns;
    }
}

/// <summary>Hyperparameters of <see cref="RobustScaler"/>.</summary>
public sealed record RobustScalerOptions : EstimatorOptions
{
    /// <summary>Subtract the median (<c>with_centering</c>).</summary>
    public bool WithCentering { get; init; } = true;

    /// <summary>Divide by the interquantile range (<c>with_scaling</c>).</summary>
    public bool WithScaling { get; init; } = true;

    /// <summary>The percentiles of the range (<c>quantile_range</c>), 0 ≤ low &lt; high ≤ 100.</summary>
    public IReadOnlyList<double> QuantileRange { get; init; } = [25.0, 75.0];

    /// <summary>Rescale so that normally distributed data gets unit variance (<c>unit_variance</c>).</summary>
    public bool UnitVariance { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (QuantileRange is null || QuantileRange.Count != 2 || !(QuantileRange[0] >= 0 && QuantileRange[0] < QuantileRange[1] && QuantileRange[1] <= 100))
        {
            throw new HyperparameterException("quantile_range", "give two percentiles [low, high] with 0 <= low < high <= 100, for example [25, 75]");
        }
    }
}

/// <summary>
/// Centres on the median and scales by an interquantile range (scikit-learn's <c>RobustScaler</c>), so outliers do not
/// dominate. Percentiles use NumPy's linear interpolation; missing values are ignored when fitting and stay missing.
/// </summary>
public sealed class RobustScaler(RobustScalerOptions? options = null)
    : Estimator<RobustScalerOptions, RobustScalerModel>(options ?? new RobustScalerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "robust_scaler";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override RobustScalerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "RobustScaler");
        var columns = NumericData.Columns(features, "RobustScaler", allowMissing: true);
        int p = columns.Length;
        double[] center = new double[p], scale = new double[p];
        double adjust = 1.0;
        if (Options.UnitVariance)
        {
            adjust = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Options.QuantileRange[1] / 100.0)
                - MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Options.QuantileRange[0] / 100.0);
        }

        for (int c = 0; c < p; c++)
        {
            double[] sorted = NumericData.SortedPresent(columns[c]);
            center[c] = Options.WithCentering ? NumericData.Percentile(sorted, 50) : 0.0;
            if (Options.WithScaling)
            {
                double range = NumericData.Percentile(sorted, Options.QuantileRange[1]) - NumericData.Percentile(sorted, Options.QuantileRange[0]);
                scale[c] = NumericData.NonZeroScale(range) / adjust;
            }
            else
            {
                scale[c] = 1.0;
            }
        }

        return new RobustScalerModel(Options, features.Schema, center, scale);
    }
}

/// <summary>A fitted <see cref="RobustScaler"/>.</summary>
public sealed class RobustScalerModel : NumericTransformerModel<RobustScalerOptions>
{
    private readonly double[] _center, _scale;

    internal RobustScalerModel(RobustScalerOptions options, Schema inputSchema, double[] center, double[] scale)
        : base(options, inputSchema)
    {
        (_center, _scale) = (center, scale);
    }

    /// <inheritdoc />
    public override string Kind => RobustScaler.KindName;

    /// <summary>Per-column median (<c>center_</c>; zeros without centring).</summary>
    public IReadOnlyList<double> Center => _center;

    /// <summary>Per-column interquantile range (<c>scale_</c>; ones without scaling).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("center", _center);
        writer.Write("scale", _scale);
    }

    internal static RobustScalerModel Load(ModelReader reader) => new(
        reader.ReadOptions<RobustScalerOptions>(), reader.ReadSchema("input_schema"), reader.ReadDoubles("center"), reader.ReadDoubles("scale"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        for (int c = 0; c < columns.Length; c++)
        {
            for (int i = 0; i < rows; i++)
            {
                columns[c][i] = (columns[c][i] - _center[c]) / _scale[c];
            }
        }

        return columns;
    }
}

/// <summary>The row norm <see cref="Normalizer"/> divides by.</summary>
public enum NormKind
{
    /// <summary>Sum of absolute values.</summary>
    L1,

    /// <summary>Euclidean norm.</summary>
    L2,

    /// <summary>Largest absolute value.</summary>
    Max,
}

/// <summary>Hyperparameters of <see cref="Normalizer"/>.</summary>
public sealed record NormalizerOptions : EstimatorOptions
{
    /// <summary>The norm (<c>norm</c>: l1, l2 or max).</summary>
    public NormKind Norm { get; init; } = NormKind.L2;
}

/// <summary>
/// Scales each row (sample) to unit norm (scikit-learn's <c>Normalizer</c>); rows of zeros stay zero. Stateless: fitting
/// only records the columns.
/// </summary>
public sealed class Normalizer(NormalizerOptions? options = null)
    : Estimator<NormalizerOptions, NormalizerModel>(options ?? new NormalizerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "normalizer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NormalizerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "Normalizer");
        _ = NumericData.Columns(features, "Normalizer", allowMissing: false);
        return new NormalizerModel(Options, features.Schema);
    }
}

/// <summary>A fitted <see cref="Normalizer"/>.</summary>
public sealed class NormalizerModel : NumericTransformerModel<NormalizerOptions>
{
    internal NormalizerModel(NormalizerOptions options, Schema inputSchema)
        : base(options, inputSchema)
    {
    }

    /// <inheritdoc />
    public override string Kind => Normalizer.KindName;

    /// <inheritdoc />
    public override void Save(ModelWriter writer) => ArgumentNullException.ThrowIfNull(writer);

    internal static NormalizerModel Load(ModelReader reader) => new(reader.ReadOptions<NormalizerOptions>(), reader.ReadSchema("input_schema"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            double norm = 0;
            foreach (var x in columns)
            {
                if (double.IsNaN(x[i]))
                {
                    throw new DataValidationException("Normalizer does not accept missing values. Impute them first", row: i);
                }

                norm = Options.Norm switch
                {
                    NormKind.L1 => norm + Math.Abs(x[i]),
                    NormKind.L2 => norm + (x[i] * x[i]),
                    _ => Math.Max(norm, Math.Abs(x[i])),
                };
            }

            norm = NumericData.NonZeroScale(Options.Norm == NormKind.L2 ? Math.Sqrt(norm) : norm);
            foreach (var x in columns)
            {
                x[i] /= norm;
            }
        }

        return columns;
    }
}
