using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Linear;

/// <summary>How <see cref="Ridge"/> solves its normal equations.</summary>
public enum RidgeSolver
{
    /// <summary>Cholesky (scikit-learn's choice for dense data).</summary>
    Auto,

    /// <summary>Closed form: (AᵀA + αI)β = Aᵀy by Cholesky on the Gram matrix.</summary>
    Cholesky,

    /// <summary>Iterative: conjugate gradients on (AᵀA + αI)β = Aᵀy without forming AᵀA (scikit-learn's <c>sparse_cg</c>).</summary>
    SparseCg,
}

/// <summary>Hyperparameters of <see cref="Ridge"/> (scikit-learn's <c>Ridge</c>).</summary>
public sealed record RidgeOptions : EstimatorOptions
{
    /// <summary>L2 penalty strength (<c>alpha</c>); 0 is ordinary least squares.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Fit an intercept (<c>fit_intercept</c>); it is never penalised.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>The solver (<c>solver</c>).</summary>
    public RidgeSolver Solver { get; init; } = RidgeSolver.Auto;

    /// <summary>Iteration limit of the iterative solver (<c>max_iter</c>); <c>null</c> means 10·p.</summary>
    public int? MaxIter { get; init; }

    /// <summary>Relative residual tolerance of the iterative solver (<c>tol</c>): stop when ‖r‖ ≤ tol·‖Aᵀy‖.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Alpha >= 0) || !double.IsFinite(Alpha))
        {
            throw new HyperparameterException("alpha", "must be a non-negative number (for example 1.0); larger values shrink the coefficients more");
        }

        if (MaxIter is < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1 (or null for the default)");
        }

        if (!(Tol > 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a positive number, for example 1e-4");
        }
    }
}

/// <summary>
/// Ridge regression: minimises Σ wᵢ(yᵢ − xᵢ·β − b)² + α‖β‖² (scikit-learn's <c>Ridge</c>). The data are centred on the
/// weighted means and scaled by √wᵢ, then (AᵀA + αI)β = Aᵀy is solved in closed form (Cholesky) or by conjugate
/// gradients (Hestenes and Stiefel, 1952) with matrix-free products.
/// </summary>
public sealed class Ridge(RidgeOptions? options = null)
    : Estimator<RidgeOptions, RidgeModel>(options ?? new RidgeOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "ridge";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override RidgeModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var (y, w) = RegressionInputs.Read(features, target, context, "Ridge");
        var data = LinearData.FromTable(features, y, w, Options.FitIntercept);
        context.CancellationToken.ThrowIfCancellationRequested();
        double[] coef;
        int iterations = 1;
        if (Options.Solver == RidgeSolver.SparseCg)
        {
            (coef, iterations) = ConjugateGradient(data, Options.Alpha, Options.Tol, Options.MaxIter ?? (10 * data.P), context);
        }
        else
        {
            var (gram, xty) = data.GramAndXty();
            coef = SolveRegularised(gram, xty, data.P, Options.Alpha);
        }

        context.Progress?.Report(new FitProgress(Kind, iterations, Options.MaxIter, null));
        return new RidgeModel(Options, features.Schema, target!.Name, coef, data.Intercept(coef, Options.FitIntercept), iterations);
    }

    /// <summary>(G + αI)β = c by Cholesky; a singular system (α = 0 with collinear columns) falls back to the minimum-norm solution.</summary>
    internal static double[] SolveRegularised(double[] gram, double[] xty, int p, double alpha)
    {
        var a = (double[])gram.Clone();
        for (int i = 0; i < p; i++)
        {
            a[(i * p) + i] += alpha;
        }

        if (DenseSolvers.CholeskySolve(a, p, xty) is { } solution)
        {
            return solution;
        }

        // Not positive definite: pseudo-inverse through the symmetric eigendecomposition (as lstsq would).
        var m = Matrix<double>.Build.Dense(p, p, (i, j) => a[(i * p) + j]);
        var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var values = evd.EigenValues.Real();
        double cutoff = values.AbsoluteMaximum() * p * 2.220446049250313e-16;
        var qtb = evd.EigenVectors.TransposeThisAndMultiply(Vector<double>.Build.Dense(xty));
        for (int i = 0; i < p; i++)
        {
            qtb[i] = Math.Abs(values[i]) > cutoff ? qtb[i] / values[i] : 0.0;
        }

        return (evd.EigenVectors * qtb).ToArray();
    }

    private static (double[] Coef, int Iterations) ConjugateGradient(LinearData data, double alpha, double tol, int maxIter, FitContext context)
    {
        int n = data.N, p = data.P;
        var b = new double[p];
        for (int j = 0; j < p; j++)
        {
            b[j] = TensorPrimitives.Dot<double>(data.Column(j), data.Y);
        }

        var x = new double[p];
        var r = (double[])b.Clone();
        var d = (double[])r.Clone();
        var q = new double[p];
        var av = new double[n];
        double rr = TensorPrimitives.Dot<double>(r, r), stop = tol * Math.Sqrt(TensorPrimitives.Dot<double>(b, b));
        int iteration = 0;
        while (Math.Sqrt(rr) > stop && iteration < maxIter)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            iteration++;

            // q = (AᵀA + αI)·d, as Aᵀ(A·d) + α·d.
            Array.Clear(av);
            for (int j = 0; j < p; j++)
            {
                TensorPrimitives.MultiplyAdd<double>(data.Column(j), d[j], av, av);
            }

            for (int j = 0; j < p; j++)
            {
                q[j] = TensorPrimitives.Dot<double>(data.Column(j), av) + (alpha * d[j]);
            }

            double step = rr / TensorPrimitives.Dot<double>(d, q);
            TensorPrimitives.MultiplyAdd<double>(d, step, x, x);
            TensorPrimitives.MultiplyAdd<double>(q, -step, r, r);
            double next = TensorPrimitives.Dot<double>(r, r);
            TensorPrimitives.MultiplyAdd<double>(d, next / rr, r, d);
            rr = next;
        }

        return (x, Math.Max(iteration, 1));
    }
}

/// <summary>A fitted <see cref="Ridge"/> model.</summary>
public sealed class RidgeModel : LinearRegressorModel<RidgeOptions>
{
    internal RidgeModel(RidgeOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations)
        : base(options, inputSchema, targetName, coefficients, intercept, iterations)
    {
    }

    /// <inheritdoc />
    public override string Kind => Ridge.KindName;

    internal static RidgeModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new RidgeModel(s.Options, s.Schema, s.Target, s.Coef, s.Intercept, s.Iterations);
    }
}

/// <summary>Reads and checks the inputs of a regressor.</summary>
internal static class RegressionInputs
{
    public static (double[] Y, double[]? Weights) Read(Table features, Column? target, FitContext context, string estimator)
    {
        Checks.NotEmpty(features, estimator);
        double[] y = Checks.RegressionTarget(features, target, estimator);
        return (y, Checks.SampleWeight(context.SampleWeight, features.RowCount));
    }
}
