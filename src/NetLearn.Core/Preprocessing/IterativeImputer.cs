using MathNet.Numerics.LinearAlgebra;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>The order in which <see cref="IterativeImputer"/> visits the columns each round.</summary>
public enum ImputationOrder
{
    /// <summary>Fewest missing values first (stable).</summary>
    Ascending,

    /// <summary>Most missing values first.</summary>
    Descending,

    /// <summary>Left to right.</summary>
    Roman,

    /// <summary>Right to left.</summary>
    Arabic,
}

/// <summary>Hyperparameters of <see cref="IterativeImputer"/>.</summary>
public sealed record IterativeImputerOptions : EstimatorOptions
{
    /// <summary>Maximum rounds over all columns (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 10;

    /// <summary>Stop when no row changes by more than this times the largest absolute observed value (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-3;

    /// <summary>The first fill before the rounds (<c>initial_strategy</c>).</summary>
    public ImputeStrategy InitialStrategy { get; init; } = ImputeStrategy.Mean;

    /// <summary>Column order per round (<c>imputation_order</c>).</summary>
    public ImputationOrder ImputationOrder { get; init; } = ImputationOrder.Ascending;

    /// <summary>Lower clip of imputed values (<c>min_value</c>).</summary>
    public double MinValue { get; init; } = double.NegativeInfinity;

    /// <summary>Upper clip of imputed values (<c>max_value</c>).</summary>
    public double MaxValue { get; init; } = double.PositiveInfinity;

    /// <summary>Skip columns without missing values during fitting (<c>skip_complete</c>).</summary>
    public bool SkipComplete { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (MaxIter < 0)
        {
            throw new HyperparameterException("max_iter", "give a non-negative number of rounds");
        }

        if (!(Tol >= 0))
        {
            throw new HyperparameterException("tol", "give a non-negative tolerance");
        }

        if (!(MinValue <= MaxValue))
        {
            throw new HyperparameterException("min_value", "must not exceed max_value");
        }
    }
}

/// <summary>
/// Multivariate imputation by chained equations (van Buuren and Groothuis-Oudshoorn, "mice", J. Stat. Softw. 45, 2011),
/// as scikit-learn's <c>IterativeImputer</c> with its default estimator: starting from a simple fill, each round regresses
/// every column on all the others with Bayesian ridge regression (MacKay 1992; Tipping 2001; scikit-learn's
/// <c>BayesianRidge</c> evidence updates) and re-predicts its missing entries, until the largest row change falls below
/// <c>tol</c> × max |observed| or <c>max_iter</c> rounds. The fitted sequence of regressions is replayed at transform
/// time. Not supported: other estimators, <c>sample_posterior</c>, <c>n_nearest_features</c>, random order.
/// </summary>
public sealed class IterativeImputer(IterativeImputerOptions? options = null)
    : Estimator<IterativeImputerOptions, IterativeImputerModel>(options ?? new IterativeImputerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "iterative_imputer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override IterativeImputerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, "IterativeImputer");
        _ = NumericData.Columns(features, "IterativeImputer", allowMissing: true);
        var initial = new SimpleImputer(new SimpleImputerOptions { Strategy = Options.InitialStrategy }).Fit(features);
        var x = features.Columns.Select(c => c.ToDoubleArray()).ToArray();
        int p = x.Length, n = features.RowCount;
        bool[][] missing = [.. x.Select(col => col.Select(double.IsNaN).ToArray())];
        double[][] xt = Fill(initial, features);
        var sequence = new List<ImputationStep>();
        int rounds = 0;
        bool anyMissing = missing.Any(m => m.Any(b => b));
        if (Options.MaxIter > 0 && anyMissing && p > 1)
        {
            int[] order = Order(missing);
            double maxObserved = 0;
            for (int c = 0; c < p; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    if (!missing[c][i])
                    {
                        maxObserved = Math.Max(maxObserved, Math.Abs(x[c][i]));
                    }
                }
            }

            double tolerance = Options.Tol * maxObserved;
            double[][] previous = [.. xt.Select(c => (double[])c.Clone())];
            for (rounds = 1; rounds <= Options.MaxIter; rounds++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                foreach (int c in order)
                {
                    int[] others = [.. Enumerable.Range(0, p).Where(j => j != c)];
                    int[] train = [.. Enumerable.Range(0, n).Where(i => !missing[c][i])];
                    var ridge = BayesianRidgeFit.Fit(others.Select(j => train.Select(i => xt[j][i]).ToArray()).ToArray(), [.. train.Select(i => xt[c][i])]);
                    var step = new ImputationStep(c, others, ridge.Coefficients, ridge.Intercept);
                    Apply(step, xt, missing);
                    sequence.Add(step);
                }

                double norm = 0;
                for (int i = 0; i < n; i++)
                {
                    double row = 0;
                    for (int c = 0; c < p; c++)
                    {
                        row += Math.Abs(xt[c][i] - previous[c][i]);
                    }

                    norm = Math.Max(norm, row);
                }

                context.Progress?.Report(new FitProgress(Kind, rounds, Options.MaxIter, norm));
                if (norm < tolerance)
                {
                    break;
                }

                previous = [.. xt.Select(col => (double[])col.Clone())];
            }

            rounds = Math.Min(rounds, Options.MaxIter);
        }
        else
        {
            rounds = 0;
        }

        return new IterativeImputerModel(Options, features.Schema, initial, rounds, sequence);
    }

    internal static double[][] Fill(SimpleImputerModel initial, Table features) => [.. initial.Transform(features).Columns.Select(c => c.ToDoubleArray())];

    internal void Apply(ImputationStep step, double[][] xt, bool[][] missing) => ApplyStep(step, xt, missing, Options.MinValue, Options.MaxValue);

    internal static void ApplyStep(ImputationStep step, double[][] xt, bool[][] missing, double min, double max)
    {
        for (int i = 0; i < xt[step.Column].Length; i++)
        {
            if (!missing[step.Column][i])
            {
                continue;
            }

            double y = step.Intercept;
            for (int t = 0; t < step.Predictors.Length; t++)
            {
                y += step.Coefficients[t] * xt[step.Predictors[t]][i];
            }

            xt[step.Column][i] = Math.Clamp(y, min, max);
        }
    }

    private int[] Order(bool[][] missing)
    {
        int p = missing.Length;
        double[] fraction = [.. missing.Select(m => m.Count(b => b) / (double)m.Length)];
        int[] candidates = Options.SkipComplete ? [.. Enumerable.Range(0, p).Where(c => fraction[c] > 0)] : [.. Enumerable.Range(0, p)];
        return Options.ImputationOrder switch
        {
            ImputationOrder.Roman => candidates,
            ImputationOrder.Arabic => [.. candidates.Reverse()],
            ImputationOrder.Ascending => [.. Ascending(fraction, candidates.Length)],
            _ => [.. Ascending(fraction, candidates.Length).Reverse()],
        };
    }

    // np.argsort(fraction, kind="mergesort")[n_complete_skipped:]
    private static IEnumerable<int> Ascending(double[] fraction, int count) =>
        Enumerable.Range(0, fraction.Length).OrderBy(c => fraction[c]).Skip(fraction.Length - count);
}

/// <summary>One fitted regression of the imputation sequence: column ← intercept + Σ coefficients · predictors.</summary>
/// <param name="Column">The imputed column index.</param>
/// <param name="Predictors">The predictor column indices.</param>
/// <param name="Coefficients">One coefficient per predictor.</param>
/// <param name="Intercept">The intercept.</param>
public sealed record ImputationStep(int Column, int[] Predictors, double[] Coefficients, double Intercept);

/// <summary>A fitted <see cref="IterativeImputer"/>.</summary>
public sealed class IterativeImputerModel : NumericTransformerModel<IterativeImputerOptions>
{
    private readonly SimpleImputerModel _initial;
    private readonly ImputationStep[] _sequence;

    internal IterativeImputerModel(IterativeImputerOptions options, Schema inputSchema, SimpleImputerModel initial, int rounds, IReadOnlyList<ImputationStep> sequence)
        : base(options, inputSchema)
    {
        _initial = initial;
        NIter = rounds;
        _sequence = [.. sequence];
    }

    /// <inheritdoc />
    public override string Kind => IterativeImputer.KindName;

    /// <summary>Rounds run during fitting (<c>n_iter_</c>).</summary>
    public int NIter { get; }

    /// <summary>The fitted regressions in the order they are applied (<c>imputation_sequence_</c>).</summary>
    public IReadOnlyList<ImputationStep> ImputationSequence => _sequence;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("initial_imputer", _initial);
        writer.Write("n_iter", NIter);
        writer.Write("columns", _sequence.Select(s => s.Column).ToArray().AsSpan());
        writer.Write("intercepts", _sequence.Select(s => s.Intercept).ToArray().AsSpan());
        var steps = writer.Child("steps");
        for (int k = 0; k < _sequence.Length; k++)
        {
            var step = steps.Child(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            step.Write("predictors", _sequence[k].Predictors);
            step.Write("coefficients", _sequence[k].Coefficients);
        }
    }

    internal static IterativeImputerModel Load(ModelReader reader)
    {
        int[] columns = reader.ReadInt32s("columns");
        double[] intercepts = reader.ReadDoubles("intercepts");
        var steps = reader.Child("steps");
        var sequence = new List<ImputationStep>();
        for (int k = 0; k < columns.Length; k++)
        {
            var step = steps.Child(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            sequence.Add(new ImputationStep(columns[k], step.ReadInt32s("predictors"), step.ReadDoubles("coefficients"), intercepts[k]));
        }

        return new IterativeImputerModel(
            reader.ReadOptions<IterativeImputerOptions>(),
            reader.ReadSchema("input_schema"),
            reader.ReadModel("initial_imputer") as SimpleImputerModel ?? throw reader.Corrupt("the initial imputer is not a simple imputer"),
            reader.ReadInt32("n_iter"),
            sequence);
    }

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        bool[][] missing = [.. columns.Select(col => col.Select(double.IsNaN).ToArray())];
        var table = new Table(columns.Select((c, j) => (Column)new NumericColumn(InputSchema.Columns[j].Name, c)));
        double[][] xt = IterativeImputer.Fill(_initial, table);
        if (NIter == 0 || missing.All(m => m.All(b => b)))
        {
            return xt;
        }

        foreach (var step in _sequence)
        {
            IterativeImputer.ApplyStep(step, xt, missing, Options.MinValue, Options.MaxValue);
        }

        return xt;
    }
}

/// <summary>
/// Bayesian ridge regression as scikit-learn's <c>BayesianRidge</c> with its defaults (Gamma(1e-6, 1e-6) priors on the
/// noise and weight precisions, 300 iterations, tol 1e-3, intercept by centring): the evidence-maximising updates of
/// MacKay (1992) computed from the eigen-decomposition of the Gram matrix. Used by <see cref="IterativeImputer"/>.
/// </summary>
internal static class BayesianRidgeFit
{
    public static (double[] Coefficients, double Intercept) Fit(double[][] columns, double[] y)
    {
        const double a1 = 1e-6, a2 = 1e-6, l1 = 1e-6, l2 = 1e-6, tol = 1e-3;
        int n = y.Length, p = columns.Length;
        double[] xMean = [.. columns.Select(c => c.Average())];
        double yMean = y.Average();
        var x = Matrix<double>.Build.Dense(n, p, (i, j) => columns[j][i] - xMean[j]);
        var yc = Vector<double>.Build.Dense(n, i => y[i] - yMean);
        double alpha = 1.0 / (yc.Sum(v => v * v) / n + 2.220446049250313e-16);
        double lambda = 1.0;
        var xty = x.TransposeThisAndMultiply(yc);

        // Thin SVD through the smaller Gram matrix: XᵀX = V S² Vᵀ (n > p) or XXᵀ = U S² Uᵀ (n ≤ p).
        bool tall = n > p;
        var gram = tall ? x.TransposeThisAndMultiply(x) : x.TransposeAndMultiply(x);
        var evd = gram.Evd(Symmetricity.Symmetric);
        var eigen = evd.EigenValues.Map(v => Math.Max(v.Real, 0.0));
        var vectors = evd.EigenVectors;
        var projected = tall ? vectors.TransposeThisAndMultiply(xty) : vectors.TransposeThisAndMultiply(yc);

        Vector<double> Coef(double a, double l)
        {
            var scaled = Vector<double>.Build.Dense(projected.Count, k => projected[k] / (eigen[k] + (l / a)));
            return tall ? vectors * scaled : x.TransposeThisAndMultiply(vectors * scaled);
        }

        Vector<double>? previous = null;
        Vector<double> coef;
        for (int iter = 0; iter < 300; iter++)
        {
            coef = Coef(alpha, lambda);
            double rmse = (yc - (x * coef)).Sum(v => v * v);
            double gamma = eigen.Sum(e => alpha * e / (lambda + (alpha * e)));
            lambda = (gamma + (2 * l1)) / (coef.Sum(v => v * v) + (2 * l2));
            alpha = (n - gamma + (2 * a1)) / (rmse + (2 * a2));
            if (previous is not null && (previous - coef).Sum(v => Math.Abs(v)) < tol)
            {
                break;
            }

            previous = coef;
        }

        coef = Coef(alpha, lambda);
        double[] result = [.. coef];
        double intercept = yMean - result.Select((c, j) => c * xMean[j]).Sum();
        return (result, intercept);
    }
}
