using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Linear;

/// <summary>Loss of <see cref="LinearSvc"/> (<c>loss</c>).</summary>
public enum LinearSvcLoss
{
    /// <summary>max(0, 1 − y·f)² (L2-loss SVM), scikit-learn's default.</summary>
    SquaredHinge,

    /// <summary>max(0, 1 − y·f) (L1-loss SVM).</summary>
    Hinge,
}

/// <summary>Loss of <see cref="LinearSvr"/> (<c>loss</c>).</summary>
public enum LinearSvrLoss
{
    /// <summary>max(0, |y − f| − ε) (L1-loss SVR), scikit-learn's default.</summary>
    EpsilonInsensitive,

    /// <summary>max(0, |y − f| − ε)² (L2-loss SVR).</summary>
    SquaredEpsilonInsensitive,
}

/// <summary>Hyperparameters of <see cref="LinearSvc"/> (scikit-learn's <c>LinearSVC</c>, dual solver, L2 penalty).</summary>
public sealed record LinearSvcOptions : EstimatorOptions
{
    /// <summary>Penalty of margin violations (<c>C</c>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("C")]
    public double C { get; init; } = 1.0;

    /// <summary>The loss (<c>loss</c>).</summary>
    public LinearSvcLoss Loss { get; init; } = LinearSvcLoss.SquaredHinge;

    /// <summary>Stopping tolerance on the projected-gradient range (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Fit an intercept (<c>fit_intercept</c>); as in liblinear it is a penalised extra feature.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Value of the extra intercept feature (<c>intercept_scaling</c>); larger values penalise the intercept less.</summary>
    public double InterceptScaling { get; init; } = 1.0;

    /// <summary>Per-class multipliers of C (<c>class_weight</c>).</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <summary>Passes over the data (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Seed of the coordinate order (<c>random_state</c>); the optimum does not depend on it.</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate() => LinearSvmMath.Validate(C, Tol, MaxIter, InterceptScaling);
}

/// <summary>Hyperparameters of <see cref="LinearSvr"/> (scikit-learn's <c>LinearSVR</c>, dual solver).</summary>
public sealed record LinearSvrOptions : EstimatorOptions
{
    /// <summary>Half-width of the insensitive tube (<c>epsilon</c>).</summary>
    public double Epsilon { get; init; }

    /// <summary>Penalty of errors outside the tube (<c>C</c>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("C")]
    public double C { get; init; } = 1.0;

    /// <summary>The loss (<c>loss</c>).</summary>
    public LinearSvrLoss Loss { get; init; } = LinearSvrLoss.EpsilonInsensitive;

    /// <summary>Stopping tolerance, relative to the first pass's violation (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Fit an intercept (<c>fit_intercept</c>), penalised as in liblinear.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Value of the extra intercept feature (<c>intercept_scaling</c>).</summary>
    public double InterceptScaling { get; init; } = 1.0;

    /// <summary>Passes over the data (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Seed of the coordinate order (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        LinearSvmMath.Validate(C, Tol, MaxIter, InterceptScaling);
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon))
        {
            throw new HyperparameterException("epsilon", "must be a non-negative number");
        }
    }
}

/// <summary>
/// Linear support-vector classification (scikit-learn's <c>LinearSVC</c>): liblinear's dual coordinate descent with
/// shrinking (Hsieh, Chang, Lin, Keerthi and Sundararajan, "A dual coordinate descent method for large-scale linear
/// SVM", ICML 2008); one-vs-rest for more than two classes. No probabilities (use LogisticRegression or SVC).
/// </summary>
public sealed class LinearSvc(LinearSvcOptions? options = null)
    : Estimator<LinearSvcOptions, LinearSvcModel>(options ?? new LinearSvcOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "linear_svc";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LinearSvcModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var input = ClassificationInputs.Read(features, target, context, "LinearSVC");
        var x = input.X;
        int k = input.Labels.Count, problems = k == 2 ? 1 : k;
        double[] perClass = Options.ClassWeight?.Compute(input.Labels, input.Y) ?? Enumerable.Repeat(1.0, k).ToArray();
        double bias = Options.FitIntercept ? Options.InterceptScaling : 0.0;
        var coef = new Matrix(problems, x.Columns);
        var intercept = new double[problems];
        int maxIterations = 0;
        var random = new Random(Options.RandomState ?? 0);
        for (int m = 0; m < problems; m++)
        {
            int positive = k == 2 ? 1 : m;
            var y = new sbyte[x.Rows];
            var c = new double[x.Rows];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = input.Y[i] == positive ? (sbyte)1 : (sbyte)-1;
                // As liblinear: Cp = C·weight(positive class); Cn = C·weight(negative class) for two classes, plain C for "rest".
                c[i] = Options.C * (input.Weights?[i] ?? 1.0) * (y[i] == 1 ? perClass[positive] : (k == 2 ? perClass[0] : 1.0));
            }

            var (w, b, iterations) = LinearSvmMath.SolveClassification(x, y, c, Options.Loss == LinearSvcLoss.Hinge, bias, Options.Tol, Options.MaxIter, random, context.CancellationToken);
            w.CopyTo(coef.Row(m));
            intercept[m] = b * bias;
            maxIterations = Math.Max(maxIterations, iterations);
            context.Progress?.Report(new FitProgress(Kind, m + 1, problems, null));
        }

        return new LinearSvcModel(Options, features.Schema, input.Labels.Classes, coef, intercept, maxIterations);
    }
}

/// <summary>A fitted <see cref="LinearSvc"/>; feature importances are |coef| (summed over classes for one-vs-rest).</summary>
public sealed class LinearSvcModel : LinearClassifierModel<LinearSvcOptions>
{
    internal LinearSvcModel(LinearSvcOptions options, Schema inputSchema, Column classes, Matrix coefficients, double[] intercept, int iterations)
        : base(options, inputSchema, classes, coefficients, intercept, iterations)
    {
    }

    /// <inheritdoc />
    public override string Kind => LinearSvc.KindName;

    /// <inheritdoc />
    public override bool SupportsProbabilities => false;

    /// <inheritdoc />
    private protected override Matrix PredictProba(Matrix decision) =>
        throw ClassifierCapabilities.NoProbabilities("LinearSVC", "Use logistic-regression, or svc with probability=true, for probabilities");

    internal static LinearSvcModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new LinearSvcModel(s.Options, s.Schema, s.Classes, s.Coef, s.Intercept, s.Iterations);
    }
}

/// <summary>
/// Linear support-vector regression (scikit-learn's <c>LinearSVR</c>): liblinear's dual coordinate descent for
/// L1- and L2-loss SVR (Ho and Lin, "Large-scale linear support vector regression", JMLR 2012).
/// </summary>
public sealed class LinearSvr(LinearSvrOptions? options = null)
    : Estimator<LinearSvrOptions, LinearSvrModel>(options ?? new LinearSvrOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "linear_svr";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LinearSvrModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var (y, weights) = RegressionInputs.Read(features, target, context, "LinearSVR");
        var x = features.ToMatrix();
        double bias = Options.FitIntercept ? Options.InterceptScaling : 0.0;
        double[] c = [.. Enumerable.Range(0, x.Rows).Select(i => Options.C * (weights?[i] ?? 1.0))];
        var (w, b, iterations) = LinearSvmMath.SolveRegression(x, y, c, Options.Loss == LinearSvrLoss.SquaredEpsilonInsensitive, Options.Epsilon, bias, Options.Tol, Options.MaxIter, new Random(Options.RandomState ?? 0), context.CancellationToken);
        context.Progress?.Report(new FitProgress(Kind, iterations, Options.MaxIter, null));
        return new LinearSvrModel(Options, features.Schema, target!.Name, w, b * bias, iterations);
    }
}

/// <summary>A fitted <see cref="LinearSvr"/>.</summary>
public sealed class LinearSvrModel : LinearRegressorModel<LinearSvrOptions>
{
    internal LinearSvrModel(LinearSvrOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations)
        : base(options, inputSchema, targetName, coefficients, intercept, iterations)
    {
    }

    /// <inheritdoc />
    public override string Kind => LinearSvr.KindName;

    internal static LinearSvrModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new LinearSvrModel(s.Options, s.Schema, s.Target, s.Coef, s.Intercept, s.Iterations);
    }
}

/// <summary>liblinear's dual coordinate-descent solvers (solve_l2r_l1l2_svc and solve_l2r_l1l2_svr).</summary>
internal static class LinearSvmMath
{
    public static void Validate(double c, double tol, int maxIter, double interceptScaling)
    {
        if (!(c > 0) || !double.IsFinite(c))
        {
            throw new HyperparameterException("C", "must be a positive number, for example 1.0");
        }

        if (!(tol > 0) || !double.IsFinite(tol))
        {
            throw new HyperparameterException("tol", "must be a positive number, for example 1e-4");
        }

        if (maxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (!(interceptScaling > 0) || !double.IsFinite(interceptScaling))
        {
            throw new HyperparameterException("intercept_scaling", "must be a positive number");
        }
    }

    /// <summary>
    /// min ½‖w‖² + Σ Cᵢ·loss(yᵢ(w·xᵢ + b·bias)) through its dual: 0 ≤ αᵢ ≤ Uᵢ with Uᵢ = Cᵢ (hinge) or ∞ and a diagonal
    /// 1/(2Cᵢ) (squared hinge); stops when the projected-gradient range is at most tol on the full active set.
    /// </summary>
    public static (double[] W, double B, int Iterations) SolveClassification(Matrix x, sbyte[] y, double[] c, bool hinge, double bias, double tol, int maxIter, Random random, CancellationToken cancellationToken)
    {
        int l = x.Rows, p = x.Columns;
        var w = new double[p];
        double wb = 0;
        var alpha = new double[l];
        var qd = new double[l];
        var diag = new double[l];
        var upper = new double[l];
        for (int i = 0; i < l; i++)
        {
            diag[i] = hinge ? 0 : 0.5 / c[i];
            upper[i] = hinge ? c[i] : double.PositiveInfinity;
            qd[i] = diag[i] + TensorPrimitives.Dot<double>(x.Row(i), x.Row(i)) + (bias * bias);
        }

        int[] index = [.. Enumerable.Range(0, l)];
        int active = l, iteration = 0;
        double pgMaxOld = double.PositiveInfinity, pgMinOld = double.NegativeInfinity;
        while (iteration < maxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double pgMaxNew = double.NegativeInfinity, pgMinNew = double.PositiveInfinity;
            for (int s = 0; s < active; s++)
            {
                int j = s + random.Next(active - s);
                (index[s], index[j]) = (index[j], index[s]);
            }

            for (int s = 0; s < active; s++)
            {
                int i = index[s];
                var xi = x.Row(i);
                double g = (y[i] * (TensorPrimitives.Dot<double>(w, xi) + (wb * bias))) - 1 + (alpha[i] * diag[i]);
                double pg = 0;
                if (alpha[i] == 0)
                {
                    if (g > pgMaxOld)
                    {
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }

                    if (g < 0)
                    {
                        pg = g;
                    }
                }
                else if (alpha[i] == upper[i])
                {
                    if (g < pgMinOld)
                    {
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }

                    if (g > 0)
                    {
                        pg = g;
                    }
                }
                else
                {
                    pg = g;
                }

                pgMaxNew = Math.Max(pgMaxNew, pg);
                pgMinNew = Math.Min(pgMinNew, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[i];
                    alpha[i] = Math.Min(Math.Max(alpha[i] - (g / qd[i]), 0.0), upper[i]);
                    double d = (alpha[i] - old) * y[i];
                    TensorPrimitives.MultiplyAdd<double>(xi, d, w, w);
                    wb += d * bias;
                }
            }

            iteration++;
            if (pgMaxNew - pgMinNew <= tol)
            {
                if (active == l)
                {
                    break;
                }

                active = l;
                pgMaxOld = double.PositiveInfinity;
                pgMinOld = double.NegativeInfinity;
                continue;
            }

            pgMaxOld = pgMaxNew <= 0 ? double.PositiveInfinity : pgMaxNew;
            pgMinOld = pgMinNew >= 0 ? double.NegativeInfinity : pgMinNew;
        }

        return (w, wb, iteration);
    }

    /// <summary>
    /// min ½‖w‖² + Σ Cᵢ·loss(|yᵢ − w·xᵢ − b·bias| − ε) through its dual over βᵢ ∈ [−Uᵢ, Uᵢ]; stops when the summed
    /// violation falls below tol times that of the first pass.
    /// </summary>
    public static (double[] W, double B, int Iterations) SolveRegression(Matrix x, double[] y, double[] c, bool squared, double epsilon, double bias, double tol, int maxIter, Random random, CancellationToken cancellationToken)
    {
        int l = x.Rows, p = x.Columns;
        var w = new double[p];
        double wb = 0;
        var beta = new double[l];
        var qd = new double[l];
        var lambda = new double[l];
        var upper = new double[l];
        for (int i = 0; i < l; i++)
        {
            lambda[i] = squared ? 0.5 / c[i] : 0;
            upper[i] = squared ? double.PositiveInfinity : c[i];
            qd[i] = TensorPrimitives.Dot<double>(x.Row(i), x.Row(i)) + (bias * bias);
        }

        int[] index = [.. Enumerable.Range(0, l)];
        int active = l, iteration = 0;
        double gMaxOld = double.PositiveInfinity, gNorm1Init = -1;
        while (iteration < maxIter)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double gMaxNew = 0, gNorm1New = 0;
            for (int s = 0; s < active; s++)
            {
                int j = s + random.Next(active - s);
                (index[s], index[j]) = (index[j], index[s]);
            }

            for (int s = 0; s < active; s++)
            {
                int i = index[s];
                var xi = x.Row(i);
                double g = -y[i] + (lambda[i] * beta[i]) + TensorPrimitives.Dot<double>(w, xi) + (wb * bias);
                double h = qd[i] + lambda[i];
                double gp = g + epsilon, gn = g - epsilon, violation = 0;
                bool shrink = false;
                if (beta[i] == 0)
                {
                    if (gp < 0)
                    {
                        violation = -gp;
                    }
                    else if (gn > 0)
                    {
                        violation = gn;
                    }
                    else if (gp > gMaxOld && gn < -gMaxOld)
                    {
                        shrink = true;
                    }
                }
                else if (beta[i] >= upper[i])
                {
                    if (gp > 0)
                    {
                        violation = gp;
                    }
                    else if (gp < -gMaxOld)
                    {
                        shrink = true;
                    }
                }
                else if (beta[i] <= -upper[i])
                {
                    if (gn < 0)
                    {
                        violation = -gn;
                    }
                    else if (gn > gMaxOld)
                    {
                        shrink = true;
                    }
                }
                else
                {
                    violation = beta[i] > 0 ? Math.Abs(gp) : Math.Abs(gn);
                }

                if (shrink)
                {
                    active--;
                    (index[s], index[active]) = (index[active], index[s]);
                    s--;
                    continue;
                }

                gMaxNew = Math.Max(gMaxNew, violation);
                gNorm1New += violation;

                // The Newton step of the one-variable problem, projected onto the box.
                double d = gp < h * beta[i] ? -gp / h : gn > h * beta[i] ? -gn / h : -beta[i];
                if (Math.Abs(d) < 1e-12)
                {
                    continue;
                }

                double old = beta[i];
                beta[i] = Math.Min(Math.Max(beta[i] + d, -upper[i]), upper[i]);
                d = beta[i] - old;
                if (d != 0)
                {
                    TensorPrimitives.MultiplyAdd<double>(xi, d, w, w);
                    wb += d * bias;
                }
            }

            if (iteration == 0)
            {
                gNorm1Init = gNorm1New;
            }

            iteration++;
            if (gNorm1New <= tol * gNorm1Init)
            {
                if (active == l)
                {
                    break;
                }

                active = l;
                gMaxOld = double.PositiveInfinity;
                continue;
            }

            gMaxOld = gMaxNew;
        }

        return (w, wb, iteration);
    }
}
