using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;
using Matrix = NetLearn.LinearAlgebra.Matrix;

namespace NetLearn.Linear;

/// <summary>Hyperparameters of <see cref="LinearRegression"/> (scikit-learn's <c>LinearRegression</c>).</summary>
public sealed record LinearRegressionOptions : EstimatorOptions
{
    /// <summary>Fit an intercept (<c>fit_intercept</c>); otherwise the data are assumed centred.</summary>
    public bool FitIntercept { get; init; } = true;
}

/// <summary>
/// Ordinary least squares: minimises Σ wᵢ (yᵢ − xᵢ·β − b)². Well-conditioned problems are solved through the
/// equilibrated normal equations (Cholesky); others by Householder QR of the weighted, centred design matrix; when that
/// is rank-deficient (collinear columns, fewer rows than columns) the minimum-norm solution comes from the SVD, as with
/// LAPACK's <c>gelsd</c> that scikit-learn uses.
/// </summary>
public sealed class LinearRegression(LinearRegressionOptions? options = null)
    : Estimator<LinearRegressionOptions, LinearRegressionModel>(options ?? new LinearRegressionOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "linear_regression";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LinearRegressionModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, "LinearRegression");
        double[] y = Checks.RegressionTarget(features, target, "LinearRegression");
        double[]? w = Checks.SampleWeight(context.SampleWeight, features.RowCount);
        context.CancellationToken.ThrowIfCancellationRequested();

        // The weighted, centred design, column-major, built straight from the table's columns.
        var data = LinearData.FromTable(features, y, w, Options.FitIntercept);
        int n = data.N, p = data.P;
        double[] coef = SolveWellConditioned(data)
            ?? Solve(Matrix<double>.Build.Dense(n, p, data.Columns), Vector<double>.Build.Dense(data.Y));
        double intercept = data.Intercept(coef, Options.FitIntercept);
        context.Progress?.Report(new FitProgress(Kind, 1, 1, null));
        return new LinearRegressionModel(Options, features.Schema, target!.Name, coef, intercept);
    }

    /// <summary>
    /// The normal equations, for well-conditioned problems: the Gram matrix AᵀA is formed by a blocked SIMD SYRK
    /// (n·p²/2 multiply-adds, far cheaper than Householder QR in managed code), equilibrated to unit diagonal, and
    /// solved by Cholesky. Forming AᵀA squares the condition number, so this path is taken only when the equilibrated
    /// Gram matrix's condition number (from its eigenvalues) is below 1e8, which bounds the relative error near 1e-8;
    /// otherwise it returns <c>null</c> and the caller uses QR or the SVD.
    /// </summary>
    private static double[]? SolveWellConditioned(LinearData data)
    {
        int n = data.N, p = data.P;
        if (n < p || p == 0)
        {
            return null;
        }

        var (rawGram, rawXty) = data.GramAndXty();
        var scale = new double[p];
        for (int i = 0; i < p; i++)
        {
            scale[i] = Math.Sqrt(rawGram[(i * p) + i]);
            if (scale[i] == 0)
            {
                return null; // A zero column: rank-deficient, leave it to the SVD.
            }
        }

        var gram = Matrix<double>.Build.Dense(p, p, (i, j) => rawGram[(i * p) + j] / (scale[i] * scale[j]));
        var rhs = new double[p];
        for (int i = 0; i < p; i++)
        {
            rhs[i] = rawXty[i] / scale[i];
        }

        var eigenvalues = gram.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Real();
        double smallest = eigenvalues.Minimum(), largest = eigenvalues.Maximum();
        if (!(smallest > 0) || largest / smallest > 1e8)
        {
            return null;
        }

        var z = gram.Cholesky().Solve(Vector<double>.Build.Dense(rhs));
        var coef = new double[p];
        for (int i = 0; i < p; i++)
        {
            coef[i] = z[i] / scale[i];
        }

        return coef;
    }

    private static double[] Solve(Matrix<double> a, Vector<double> b)
    {
        if (a.RowCount >= a.ColumnCount && a.ColumnCount > 0)
        {
            var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
            var diag = qr.R.Diagonal().PointwiseAbs();
            double tolerance = diag.Maximum() * Math.Max(a.RowCount, a.ColumnCount) * 1e-13;
            if (diag.Minimum() > tolerance)
            {
                return qr.Solve(b).ToArray();
            }
        }

        // Rank-deficient: minimum-norm least squares through the SVD, dropping singular values below rcond·σmax.
        var svd = a.Svd(computeVectors: true);
        // NumPy's lstsq default: rcond = machine epsilon × max(n, p).
        double cutoff = svd.S.Count == 0 ? 0 : svd.S[0] * Math.Max(a.RowCount, a.ColumnCount) * 2.220446049250313e-16;
        var utb = svd.U.TransposeThisAndMultiply(b);
        var z = Vector<double>.Build.Dense(a.ColumnCount);
        for (int i = 0; i < svd.S.Count; i++)
        {
            if (svd.S[i] > cutoff)
            {
                z[i] = utb[i] / svd.S[i];
            }
        }

        return svd.VT.TransposeThisAndMultiply(z).ToArray();
    }
}

/// <summary>A fitted <see cref="LinearRegression"/>: ŷ = x·<see cref="Coefficients"/> + <see cref="Intercept"/>.</summary>
public sealed class LinearRegressionModel : FittedModel<LinearRegressionOptions>, IPredictor
{
    private readonly double[] _coefficients;

    internal LinearRegressionModel(LinearRegressionOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept)
        : base(options, inputSchema)
    {
        TargetName = targetName;
        _coefficients = coefficients;
        Intercept = intercept;
    }

    /// <inheritdoc />
    public override string Kind => LinearRegression.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the target column (predictions are named after it).</summary>
    public string TargetName { get; }

    /// <summary>One coefficient per input column (scikit-learn's <c>coef_</c>), in <c>FeatureNames</c> order.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The intercept (<c>intercept_</c>); 0 when <c>fit_intercept</c> is false.</summary>
    public double Intercept { get; }

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn(TargetName, Predict(features.ConformTo(InputSchema).ToMatrix()));

    /// <summary>Predicts from a numeric matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public double[] Predict(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        double[] result = features.Multiply(_coefficients);
        TensorPrimitives.Add<double>(result, Intercept, result);
        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target", TargetName);
        writer.Write("coef", _coefficients);
        writer.Write("intercept", Intercept);
    }

    internal static LinearRegressionModel Load(ModelReader reader) => new(
        reader.ReadOptions<LinearRegressionOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadString("target"),
        reader.ReadDoubles("coef"),
        reader.ReadDouble("intercept"));
}
