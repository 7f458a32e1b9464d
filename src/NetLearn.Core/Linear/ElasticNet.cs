using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Linear;

/// <summary>The order in which coordinate descent visits the coefficients (<c>selection</c>).</summary>
public enum CoordinateSelection
{
    /// <summary>Every feature in turn.</summary>
    Cyclic,

    /// <summary>A random feature at each step (seeded by <c>random_state</c>); often faster at loose tolerances.</summary>
    Random,
}

/// <summary>Hyperparameters of <see cref="ElasticNet"/> (scikit-learn's <c>ElasticNet</c>).</summary>
public sealed record ElasticNetOptions : EstimatorOptions
{
    /// <summary>Overall penalty strength (<c>alpha</c>).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Share of the L1 penalty (<c>l1_ratio</c>): 1 is the lasso, 0 ridge.</summary>
    public double L1Ratio { get; init; } = 0.5;

    /// <summary>Fit an intercept (<c>fit_intercept</c>); it is never penalised.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Iteration limit (passes over the features) (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Duality-gap tolerance, relative to ‖y‖² (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Constrain the coefficients to be non-negative (<c>positive</c>).</summary>
    public bool Positive { get; init; }

    /// <summary>Coordinate order (<c>selection</c>).</summary>
    public CoordinateSelection Selection { get; init; } = CoordinateSelection.Cyclic;

    /// <summary>Seed of the random coordinate order (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate() => CoordinateDescent.Validate(Alpha, L1Ratio, MaxIter, Tol);
}

/// <summary>Hyperparameters of <see cref="Lasso"/> (scikit-learn's <c>Lasso</c>).</summary>
public sealed record LassoOptions : EstimatorOptions
{
    /// <summary>L1 penalty strength (<c>alpha</c>).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Fit an intercept (<c>fit_intercept</c>).</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Iteration limit (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Duality-gap tolerance, relative to ‖y‖² (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Constrain the coefficients to be non-negative (<c>positive</c>).</summary>
    public bool Positive { get; init; }

    /// <summary>Coordinate order (<c>selection</c>).</summary>
    public CoordinateSelection Selection { get; init; } = CoordinateSelection.Cyclic;

    /// <summary>Seed of the random coordinate order (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate() => CoordinateDescent.Validate(Alpha, 1.0, MaxIter, Tol);

    internal ElasticNetOptions ToElasticNet() => new()
    {
        Alpha = Alpha, L1Ratio = 1.0, FitIntercept = FitIntercept, MaxIter = MaxIter, Tol = Tol, Positive = Positive, Selection = Selection, RandomState = RandomState,
    };
}

/// <summary>
/// Linear regression with a combined L1 and L2 penalty (scikit-learn's <c>ElasticNet</c>): minimises
/// 1/(2n)·Σ wᵢ(yᵢ − xᵢ·β − b)² + α·ρ‖β‖₁ + α(1−ρ)/2·‖β‖², with weights rescaled to sum to n, by cyclic coordinate
/// descent (Friedman, Hastie and Tibshirani, "Regularization paths for generalized linear models via coordinate
/// descent", 2010), stopping when the duality gap is below tol·‖y‖² as scikit-learn does.
/// </summary>
public sealed class ElasticNet(ElasticNetOptions? options = null)
    : Estimator<ElasticNetOptions, ElasticNetModel>(options ?? new ElasticNetOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "elastic_net";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ElasticNetModel Fit(Table features, Column? target = null, FitContext? context = null) => FitFrom(null, features, target, context);

    /// <summary>
    /// Fits starting from <paramref name="warmStart"/>'s coefficients (scikit-learn's <c>warm_start=True</c>): much
    /// faster when refitting with a nearby <c>alpha</c>. The model must have been fitted on the same columns.
    /// </summary>
    public ElasticNetModel FitFrom(ElasticNetModel? warmStart, Table features, Column? target = null, FitContext? context = null)
    {
        var (coef, intercept, gap, iterations) = CoordinateDescent.Fit(Kind, "ElasticNet", Options, warmStart?.Coefficients, features, target, context ?? FitContext.Default);
        return new ElasticNetModel(Options, features.Schema, target!.Name, coef, intercept, iterations, gap);
    }
}

/// <summary>
/// Linear regression with an L1 penalty (scikit-learn's <c>Lasso</c>): <see cref="ElasticNet"/> with <c>l1_ratio</c> = 1,
/// minimising 1/(2n)·Σ wᵢ(yᵢ − xᵢ·β − b)² + α‖β‖₁.
/// </summary>
public sealed class Lasso(LassoOptions? options = null)
    : Estimator<LassoOptions, LassoModel>(options ?? new LassoOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "lasso";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LassoModel Fit(Table features, Column? target = null, FitContext? context = null) => FitFrom(null, features, target, context);

    /// <summary>Fits starting from <paramref name="warmStart"/>'s coefficients (scikit-learn's <c>warm_start=True</c>).</summary>
    public LassoModel FitFrom(LassoModel? warmStart, Table features, Column? target = null, FitContext? context = null)
    {
        var (coef, intercept, gap, iterations) = CoordinateDescent.Fit(Kind, "Lasso", Options.ToElasticNet(), warmStart?.Coefficients, features, target, context ?? FitContext.Default);
        return new LassoModel(Options, features.Schema, target!.Name, coef, intercept, iterations, gap);
    }
}

/// <summary>A fitted <see cref="ElasticNet"/> model.</summary>
public sealed class ElasticNetModel : LinearRegressorModel<ElasticNetOptions>
{
    internal ElasticNetModel(ElasticNetOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations, double dualGap)
        : base(options, inputSchema, targetName, coefficients, intercept, iterations) => DualGap = dualGap;

    /// <inheritdoc />
    public override string Kind => ElasticNet.KindName;

    /// <summary>The duality gap at the end of the fit, on the 1/(2n) scale (<c>dual_gap_</c>).</summary>
    public double DualGap { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        base.Save(writer);
        writer.Write("dual_gap", DualGap);
    }

    internal static ElasticNetModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new ElasticNetModel(s.Options, s.Schema, s.Target, s.Coef, s.Intercept, s.Iterations, reader.ReadDouble("dual_gap"));
    }
}

/// <summary>A fitted <see cref="Lasso"/> model.</summary>
public sealed class LassoModel : LinearRegressorModel<LassoOptions>
{
    internal LassoModel(LassoOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations, double dualGap)
        : base(options, inputSchema, targetName, coefficients, intercept, iterations) => DualGap = dualGap;

    /// <inheritdoc />
    public override string Kind => Lasso.KindName;

    /// <summary>The duality gap at the end of the fit, on the 1/(2n) scale (<c>dual_gap_</c>).</summary>
    public double DualGap { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        base.Save(writer);
        writer.Write("dual_gap", DualGap);
    }

    internal static LassoModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new LassoModel(s.Options, s.Schema, s.Target, s.Coef, s.Intercept, s.Iterations, reader.ReadDouble("dual_gap"));
    }
}

/// <summary>The coefficients along a regularisation path (<see cref="RegularizationPath"/>).</summary>
/// <param name="Alphas">The penalties, largest first.</param>
/// <param name="Coefficients">One row per alpha, one column per feature.</param>
/// <param name="DualGaps">The duality gap reached at each alpha (1/(2n) scale).</param>
/// <param name="Iterations">Coordinate-descent passes at each alpha.</param>
public sealed record PathResult(double[] Alphas, Matrix Coefficients, double[] DualGaps, int[] Iterations);

/// <summary>scikit-learn's <c>lasso_path</c> and <c>enet_path</c>: coordinate descent along a decreasing grid of alphas, each fit warm-started from the previous one.</summary>
public static class RegularizationPath
{
    /// <summary>
    /// The elastic-net path on <paramref name="x"/> and <paramref name="y"/> as given (no centring or intercept, as in
    /// scikit-learn). Without <paramref name="alphas"/> the grid is <paramref name="nAlphas"/> values log-spaced from
    /// α_max = max|Xᵀy|/(n·ρ) (the smallest alpha with all coefficients zero) down to eps·α_max.
    /// </summary>
    /// <exception cref="HyperparameterException">An invalid l1_ratio, eps, n_alphas or alpha.</exception>
    public static PathResult ElasticNet(Matrix x, IReadOnlyList<double> y, double l1Ratio = 0.5, double eps = 1e-3, int nAlphas = 100, IReadOnlyList<double>? alphas = null, int maxIter = 1000, double tol = 1e-4, bool positive = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (y.Count != x.Rows)
        {
            throw new DataValidationException($"y has {y.Count} values but X has {x.Rows} rows. Pass one target value per row", column: "y");
        }

        CoordinateDescent.Validate(1.0, l1Ratio, maxIter, tol);
        if (!(eps > 0) || nAlphas < 1)
        {
            throw new HyperparameterException(!(eps > 0) ? "eps" : "n_alphas", "eps must be positive and n_alphas at least 1");
        }

        var data = LinearData.Raw(x, [.. y]);
        double[] grid = alphas is not null ? [.. alphas] : AlphaGrid(data, l1Ratio, eps, nAlphas);
        if (grid.Any(a => !(a >= 0)))
        {
            throw new HyperparameterException("alphas", "every alpha must be a non-negative number");
        }

        var coefs = new Matrix(grid.Length, data.P);
        var gaps = new double[grid.Length];
        var iterations = new int[grid.Length];
        var w = new double[data.P];
        for (int i = 0; i < grid.Length; i++)
        {
            (gaps[i], iterations[i]) = CoordinateDescent.Solve(data, grid[i], l1Ratio, w, maxIter, tol, positive, null, cancellationToken);
            w.CopyTo(coefs.Row(i));
        }

        return new PathResult(grid, coefs, gaps, iterations);
    }

    /// <summary>The lasso path: <see cref="ElasticNet"/> with l1_ratio = 1.</summary>
    public static PathResult Lasso(Matrix x, IReadOnlyList<double> y, double eps = 1e-3, int nAlphas = 100, IReadOnlyList<double>? alphas = null, int maxIter = 1000, double tol = 1e-4, bool positive = false, CancellationToken cancellationToken = default) =>
        ElasticNet(x, y, 1.0, eps, nAlphas, alphas, maxIter, tol, positive, cancellationToken);

    private static double[] AlphaGrid(LinearData data, double l1Ratio, double eps, int nAlphas)
    {
        if (l1Ratio == 0)
        {
            throw new HyperparameterException("l1_ratio", "the automatic alpha grid needs l1_ratio > 0; pass alphas explicitly for a pure ridge path");
        }

        double max = 0;
        for (int j = 0; j < data.P; j++)
        {
            max = Math.Max(max, Math.Abs(TensorPrimitives.Dot<double>(data.Column(j), data.Y)));
        }

        double alphaMax = max / (data.N * l1Ratio);
        if (alphaMax <= 1e-15)
        {
            return Enumerable.Repeat(1e-15, nAlphas).ToArray();
        }

        // numpy.logspace(log10(αmax·eps), log10(αmax), n)[::-1].
        double start = Math.Log10(alphaMax * eps), stop = Math.Log10(alphaMax);
        var grid = new double[nAlphas];
        for (int i = 0; i < nAlphas; i++)
        {
            double exponent = nAlphas == 1 ? start : i == nAlphas - 1 ? stop : start + (i * ((stop - start) / (nAlphas - 1)));
            grid[nAlphas - 1 - i] = Math.Pow(10, exponent);
        }

        return grid;
    }
}

/// <summary>The coordinate-descent solver shared by <see cref="ElasticNet"/>, <see cref="Lasso"/> and the paths.</summary>
internal static class CoordinateDescent
{
    public static void Validate(double alpha, double l1Ratio, int maxIter, double tol)
    {
        if (!(alpha >= 0) || !double.IsFinite(alpha))
        {
            throw new HyperparameterException("alpha", "must be a non-negative number (for example 1.0); use LinearRegression for alpha = 0");
        }

        if (!(l1Ratio >= 0 && l1Ratio <= 1))
        {
            throw new HyperparameterException("l1_ratio", "must be between 0 (ridge) and 1 (lasso)");
        }

        if (maxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (!(tol >= 0) || !double.IsFinite(tol))
        {
            throw new HyperparameterException("tol", "must be a non-negative number, for example 1e-4");
        }
    }

    public static (double[] Coef, double Intercept, double Gap, int Iterations) Fit(string kind, string estimator, ElasticNetOptions options, IReadOnlyList<double>? warmStart, Table features, Column? target, FitContext context)
    {
        var (y, w) = RegressionInputs.Read(features, target, context, estimator);
        if (w is not null)
        {
            // scikit-learn rescales the weights to sum to n so that the 1/(2n) loss keeps its scale.
            double scale = features.RowCount / w.Sum();
            for (int i = 0; i < w.Length; i++)
            {
                w[i] *= scale;
            }
        }

        var data = LinearData.FromTable(features, y, w, options.FitIntercept);
        var coef = new double[data.P];
        if (warmStart is not null)
        {
            if (warmStart.Count != data.P)
            {
                throw new DataValidationException($"The warm-start model has {warmStart.Count} coefficients but the data have {data.P} features. Warm-start only from a model fitted on the same columns");
            }

            warmStart.ToArray().CopyTo(coef, 0);
        }

        var random = options.Selection == CoordinateSelection.Random ? new Random(options.RandomState ?? Random.Shared.Next()) : null;
        var (gap, iterations) = Solve(data, options.Alpha, options.L1Ratio, coef, options.MaxIter, options.Tol, options.Positive, random, context.CancellationToken,
            iteration => context.Progress?.Report(new FitProgress(kind, iteration, options.MaxIter, null)));
        return (coef, data.Intercept(coef, options.FitIntercept), gap, iterations);
    }

    /// <summary>
    /// Minimises 1/(2n)‖y − Aw‖² + α·ρ‖w‖₁ + α(1−ρ)/2‖w‖² in place on <paramref name="w"/> (scikit-learn's
    /// <c>enet_coordinate_descent</c>: soft-thresholding updates with a running residual; after a pass whose largest
    /// change is below tol relative to the largest coefficient, the duality gap is checked against tol·‖y‖²).
    /// Returns the final gap on the 1/(2n) scale and the number of passes.
    /// </summary>
    public static (double Gap, int Iterations) Solve(LinearData data, double alpha, double l1Ratio, double[] w, int maxIter, double tol, bool positive, Random? random, CancellationToken cancellationToken, Action<int>? progress = null)
    {
        int n = data.N, p = data.P;
        double l1 = alpha * l1Ratio * n, l2 = alpha * (1.0 - l1Ratio) * n;
        var y = data.Y;
        var norms = new double[p];
        for (int j = 0; j < p; j++)
        {
            norms[j] = TensorPrimitives.Dot<double>(data.Column(j), data.Column(j));
        }

        // R = y − A·w.
        var residual = (double[])y.Clone();
        for (int j = 0; j < p; j++)
        {
            if (w[j] != 0)
            {
                TensorPrimitives.MultiplyAdd<double>(data.Column(j), -w[j], residual, residual);
            }
        }

        double gapTol = tol * TensorPrimitives.Dot<double>(y, y);
        double gap = gapTol + 1;
        int iteration = 0;
        for (; iteration < maxIter; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double wMax = 0, dwMax = 0;
            for (int step = 0; step < p; step++)
            {
                int j = random is null ? step : random.Next(p);
                if (norms[j] == 0)
                {
                    continue;
                }

                var column = data.Column(j);
                double old = w[j];
                if (old != 0)
                {
                    TensorPrimitives.MultiplyAdd<double>(column, old, residual, residual);
                }

                double tmp = TensorPrimitives.Dot<double>(column, residual);
                w[j] = positive && tmp < 0 ? 0.0 : Math.Sign(tmp) * Math.Max(Math.Abs(tmp) - l1, 0) / (norms[j] + l2);
                if (w[j] != 0)
                {
                    TensorPrimitives.MultiplyAdd<double>(column, -w[j], residual, residual);
                }

                dwMax = Math.Max(dwMax, Math.Abs(w[j] - old));
                wMax = Math.Max(wMax, Math.Abs(w[j]));
            }

            progress?.Invoke(iteration + 1);
            if (wMax == 0 || dwMax / wMax < tol || iteration == maxIter - 1)
            {
                gap = DualityGap(data, w, residual, l1, l2, positive);
                if (gap < gapTol)
                {
                    iteration++;
                    break;
                }
            }
        }

        return (gap / n, Math.Min(iteration, maxIter));
    }

    // The duality gap of the elastic net at w (scikit-learn's formula, on the unscaled n·objective).
    private static double DualityGap(LinearData data, double[] w, double[] residual, double l1, double l2, bool positive)
    {
        double dualNorm = 0;
        for (int j = 0; j < data.P; j++)
        {
            double xta = TensorPrimitives.Dot<double>(data.Column(j), residual) - (l2 * w[j]);
            dualNorm = Math.Max(dualNorm, positive ? xta : Math.Abs(xta));
        }

        double rNorm2 = TensorPrimitives.Dot<double>(residual, residual), wNorm2 = TensorPrimitives.Dot<double>(w, w);
        double constant, gap;
        if (dualNorm > l1)
        {
            constant = l1 / dualNorm;
            gap = 0.5 * (rNorm2 + (rNorm2 * constant * constant));
        }
        else
        {
            constant = 1.0;
            gap = rNorm2;
        }

        gap += (l1 * TensorPrimitives.SumOfMagnitudes<double>(w)) - (constant * TensorPrimitives.Dot<double>(residual, data.Y)) + (0.5 * l2 * (1 + (constant * constant)) * wNorm2);
        return gap;
    }
}
