using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Optimization;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>The family of <see cref="PowerTransformer"/>.</summary>
public enum PowerMethod
{
    /// <summary>Yeo-Johnson: any real values.</summary>
    YeoJohnson,

    /// <summary>Box-Cox: strictly positive values only.</summary>
    BoxCox,
}

/// <summary>Hyperparameters of <see cref="PowerTransformer"/>.</summary>
public sealed record PowerTransformerOptions : EstimatorOptions
{
    /// <summary>The transform (<c>method</c>: yeo_johnson or box_cox).</summary>
    public PowerMethod Method { get; init; } = PowerMethod.YeoJohnson;

    /// <summary>Standardise the transformed columns to zero mean and unit variance (<c>standardize</c>).</summary>
    public bool Standardize { get; init; } = true;
}

/// <summary>
/// Makes each column more Gaussian with a power transform whose λ maximises the normal log-likelihood (scikit-learn's
/// <c>PowerTransformer</c>). Yeo-Johnson (Yeo and Johnson, Biometrika 2000) takes any values; Box-Cox (Box and Cox, JRSS B
/// 1964) needs positive ones. λ is found with Brent's method from the bracket (−2, 2), as SciPy does. Missing values are
/// ignored when fitting and stay missing.
/// </summary>
public sealed class PowerTransformer(PowerTransformerOptions? options = null)
    : Estimator<PowerTransformerOptions, PowerTransformerModel>(options ?? new PowerTransformerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "power_transformer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override PowerTransformerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "PowerTransformer");
        var columns = NumericData.Columns(features, "PowerTransformer", allowMissing: true);
        var lambdas = new double[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] x = [.. columns[c].Where(v => !double.IsNaN(v))];
            if (x.Length == 0)
            {
                throw new DataValidationException("The column has no values to fit a power transform to. Drop it or impute it first", column: features[c].Name);
            }

            if (Options.Method == PowerMethod.BoxCox)
            {
                int bad = Array.FindIndex(columns[c], v => v <= 0);
                if (bad >= 0)
                {
                    throw new DataValidationException("Box-Cox needs strictly positive values. Use method=yeo_johnson, or shift the column", column: features[c].Name, row: bad);
                }
            }

            lambdas[c] = Options.Method == PowerMethod.BoxCox ? OptimizeBoxCox(x) : OptimizeYeoJohnson(x);
        }

        double[] mean = [], scale = [];
        if (Options.Standardize)
        {
            var transformed = new Table(columns.Select((x, c) => (Column)new NumericColumn(features[c].Name, Apply(x, lambdas[c], Options.Method))));
            var scaler = new StandardScaler().Fit(transformed);
            mean = [.. scaler.Mean];
            scale = [.. scaler.Scale];
        }

        return new PowerTransformerModel(Options, features.Schema, lambdas, mean, scale);
    }

    /// <summary>Transforms one column with λ (a new array).</summary>
    internal static double[] Apply(double[] x, double lambda, PowerMethod method)
    {
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            result[i] = method == PowerMethod.BoxCox ? BoxCox(x[i], lambda) : YeoJohnson(x[i], lambda);
        }

        return result;
    }

    /// <summary>The Box-Cox transform of one value (SciPy's <c>special.boxcox</c>).</summary>
    public static double BoxCox(double x, double lambda) =>
        Math.Abs(lambda) < 1e-19 ? Math.Log(x) : Expm1(lambda * Math.Log(x)) / lambda;

    /// <summary>The Yeo-Johnson transform of one value.</summary>
    public static double YeoJohnson(double x, double lambda)
    {
        const double spacing = 2.220446049250313e-16;
        if (x >= 0)
        {
            return Math.Abs(lambda) < spacing ? Log1p(x) : (Math.Pow(x + 1, lambda) - 1) / lambda;
        }

        return Math.Abs(lambda - 2) > spacing ? -(Math.Pow(-x + 1, 2 - lambda) - 1) / (2 - lambda) : -Log1p(-x);
    }

    // SciPy's boxcox_llf, negated: (λ − 1) Σ log x − n/2 log var(x^λ / λ).
    private static double OptimizeBoxCox(double[] x)
    {
        double[] logs = [.. x.Select(v => Math.Log(v))];
        double sumLog = logs.Sum();
        var buffer = new double[x.Length];
        return Brent.Minimize(
            lambda =>
            {
                for (int i = 0; i < x.Length; i++)
                {
                    buffer[i] = lambda == 0 ? logs[i] : Math.Pow(x[i], lambda) / lambda;
                }

                return -(((lambda - 1) * sumLog) - (x.Length / 2.0 * Math.Log(NumericData.Variance(buffer))));
            },
            -2.0,
            2.0);
    }

    // scikit-learn's _yeo_johnson_optimize: the negated log-likelihood of the transformed data.
    private static double OptimizeYeoJohnson(double[] x)
    {
        double signedLogs = x.Sum(v => Math.Sign(v) * Log1p(Math.Abs(v)));
        var buffer = new double[x.Length];
        return Brent.Minimize(
            lambda =>
            {
                for (int i = 0; i < x.Length; i++)
                {
                    buffer[i] = YeoJohnson(x[i], lambda);
                }

                double variance = NumericData.Variance(buffer);
                if (variance < 2.2250738585072014e-308)
                {
                    return double.PositiveInfinity;
                }

                double loglike = (-x.Length / 2.0 * Math.Log(variance)) + ((lambda - 1) * signedLogs);
                return -loglike;
            },
            -2.0,
            2.0);
    }

    /// <summary>log(1 + x), accurate for small x (Goldberg, "What every computer scientist should know about floating-point arithmetic", 1991, thm. 4).</summary>
    internal static double Log1p(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : double.IsInfinity(u) ? Math.Log(u) : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>exp(x) − 1, accurate for small x (Kahan's trick).</summary>
    internal static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        return um1 == -1.0 || double.IsInfinity(u) ? um1 : um1 * x / Math.Log(u);
    }
}

/// <summary>A fitted <see cref="PowerTransformer"/>.</summary>
public sealed class PowerTransformerModel : NumericTransformerModel<PowerTransformerOptions>
{
    private readonly double[] _lambdas, _mean, _scale;

    internal PowerTransformerModel(PowerTransformerOptions options, Schema inputSchema, double[] lambdas, double[] mean, double[] scale)
        : base(options, inputSchema)
    {
        (_lambdas, _mean, _scale) = (lambdas, mean, scale);
    }

    /// <inheritdoc />
    public override string Kind => PowerTransformer.KindName;

    /// <summary>The fitted λ per column (<c>lambdas_</c>).</summary>
    public IReadOnlyList<double> Lambdas => _lambdas;

    /// <summary>The means of the transformed columns used for standardising (empty without <c>standardize</c>).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The standard deviations of the transformed columns (empty without <c>standardize</c>).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("lambdas", _lambdas);
        writer.Write("mean", _mean);
        writer.Write("scale", _scale);
    }

    internal static PowerTransformerModel Load(ModelReader reader) => new(
        reader.ReadOptions<PowerTransformerOptions>(), reader.ReadSchema("input_schema"),
        reader.ReadDoubles("lambdas"), reader.ReadDoubles("mean"), reader.ReadDoubles("scale"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        for (int c = 0; c < columns.Length; c++)
        {
            if (Options.Method == PowerMethod.BoxCox)
            {
                int bad = Array.FindIndex(columns[c], v => v <= 0);
                if (bad >= 0)
                {
                    throw new DataValidationException("Box-Cox needs strictly positive values", column: InputSchema.Columns[c].Name, row: bad);
                }
            }

            var x = PowerTransformer.Apply(columns[c], _lambdas[c], Options.Method);
            if (Options.Standardize)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (x[i] - _mean[c]) / _scale[c];
                }
            }

            columns[c] = x;
        }

        return columns;
    }
}
