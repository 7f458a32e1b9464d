using System.Globalization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Decomposition;

/// <summary>How <see cref="PCA"/> computes the decomposition.</summary>
public enum SvdSolver
{
    /// <summary>scikit-learn 1.2's rule: randomized when the data is larger than 500×500 and fewer than 80 % of the components are kept, else full.</summary>
    Auto,

    /// <summary>Exact: eigendecomposition of the covariance (or Gram) matrix.</summary>
    Full,

    /// <summary>Randomized truncated SVD (Halko et al. 2011).</summary>
    Randomized,
}

/// <summary>Hyperparameters of <see cref="PCA"/> (scikit-learn's names and defaults).</summary>
public sealed record PCAOptions : EstimatorOptions
{
    /// <summary>
    /// Components to keep (<c>n_components</c>): a count (≥ 1), a fraction of variance to explain (between 0 and 1,
    /// full solver), or <c>null</c> for min(rows, columns).
    /// </summary>
    public double? NComponents { get; init; }

    /// <summary>Scale the projections to unit variance (<c>whiten</c>).</summary>
    public bool Whiten { get; init; }

    /// <summary>The solver (<c>svd_solver</c>): auto, full or randomized.</summary>
    public SvdSolver SvdSolver { get; init; } = SvdSolver.Auto;

    /// <summary>Power iterations of the randomized solver (<c>iterated_power</c>); <c>null</c> = 7 when fewer than 10 % of the components are kept, else 4.</summary>
    public int? IteratedPower { get; init; }

    /// <summary>Extra random directions of the randomized solver (<c>n_oversamples</c>).</summary>
    public int NOversamples { get; init; } = 10;

    /// <summary>Seed of the randomized solver (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NComponents is { } c && (!(c > 0) || !double.IsFinite(c) || (c >= 1 && c != Math.Floor(c))))
        {
            throw new HyperparameterException("n_components", "must be a whole number ≥ 1, a fraction between 0 and 1, or null");
        }

        if (IteratedPower is < 0)
        {
            throw new HyperparameterException("iterated_power", "must be ≥ 0");
        }

        if (NOversamples < 0)
        {
            throw new HyperparameterException("n_oversamples", "must be ≥ 0");
        }
    }
}

/// <summary>
/// Principal component analysis (scikit-learn's <c>PCA</c>): centres the data and projects it onto the directions of
/// largest variance. The full solver eigendecomposes the p×p covariance (or n×n Gram) matrix, built with SIMD kernels;
/// the randomized solver is Halko et al.'s (2011). Component signs follow scikit-learn's <c>svd_flip</c> (the largest
/// |score| of each component is positive), so components match scikit-learn's exactly, not only up to sign.
/// </summary>
public sealed class PCA(PCAOptions? options = null)
    : Estimator<PCAOptions, PCAModel>(options ?? new PCAOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "pca";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override PCAModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Validation.Checks.NotEmpty(features, "PCA");
        if (features.RowCount < 2)
        {
            throw new DataValidationException("PCA needs at least 2 rows, but the data has 1. Give it more rows");
        }

        int n = features.RowCount, p = features.ColumnCount, limit = Math.Min(n, p);
        double? requested = Options.NComponents;
        if (requested is >= 1 && requested.Value > limit)
        {
            throw new HyperparameterException("n_components", string.Create(CultureInfo.InvariantCulture, $"is {requested} but the data allows at most min(rows, columns) = {limit}"));
        }

        double[] a = Unsupervised.RowMajor(features, centre: true, out double[] mean, out double sumOfSquares); // our own copy
        double totalVariance = sumOfSquares / (n - 1);
        var solver = Options.SvdSolver;
        if (solver == SvdSolver.Auto)
        {
            solver = Math.Max(n, p) <= 500 || requested is null or < 1 || requested.Value >= 0.8 * limit ? SvdSolver.Full : SvdSolver.Randomized;
        }

        if (solver == SvdSolver.Randomized && requested is null or < 1)
        {
            throw new HyperparameterException("n_components", "the randomized solver needs a whole number of components (for example 10); use svd_solver=full for a fraction of variance");
        }

        double[] components, singular, explained;
        int kept;
        double noise;
        if (solver == SvdSolver.Full)
        {
            (double[] values, double[] vectors, int count) = FullDecomposition(a, n, p);
            var ev = values.Select(v => Math.Max(v, 0) / (n - 1)).ToArray();
            kept = requested switch
            {
                null => count,
                >= 1 => (int)requested.Value,
                _ => FractionCount(ev, totalVariance, requested.Value),
            };
            components = vectors.AsSpan(0, kept * p).ToArray();
            explained = ev.AsSpan(0, kept).ToArray();
            singular = explained.Select(v => Math.Sqrt(v * (n - 1))).ToArray();
            noise = kept < limit ? ev.Skip(kept).Take(limit - kept).DefaultIfEmpty(0).Average() : 0.0;
        }
        else
        {
            kept = (int)requested!.Value;
            int iterations = Options.IteratedPower ?? (kept < 0.1 * limit ? 7 : 4);
            var svd = RandomizedSvd.Compute(a, n, p, kept, Options.NOversamples, iterations, Unsupervised.Rng(Options.RandomState));
            components = svd.Vt;
            singular = svd.S;
            explained = singular.Select(s => s * s / (n - 1)).ToArray();
            noise = limit > kept ? (totalVariance - explained.Sum()) / (limit - kept) : 0.0;
            FlipByScores(svd.U, n, kept, components, p); // the scores are U·diag(S): U decides, as in scikit-learn
        }

        if (solver == SvdSolver.Full)
        {
            FlipSigns(a, n, p, components, kept);
        }

        return new PCAModel(
            Options,
            features.Schema,
            new Matrix(kept, p, components),
            mean,
            explained,
            [.. explained.Select(v => v / totalVariance)],
            singular,
            noise,
            n);
    }

    // Eigen-decomposition of XᵀX (p×p) when n ≥ p, else of XXᵀ (n×n) with V = XᵀU/σ. Returns eigenvalues of XᵀX
    // (squared singular values) in descending order and the right singular vectors as rows.
    private static (double[] Values, double[] Vectors, int Count) FullDecomposition(double[] a, int n, int p)
    {
        if (n >= p)
        {
            var (values, vectors) = DenseKernels.SymmetricEigen(DenseKernels.Gram(a, n, p), p);
            return (values, vectors, p);
        }

        // Gram of the rows: A·Aᵀ (n×n), via the transposed copy so the kernel's tall shape applies.
        var at = new double[p * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
            {
                at[(j * n) + i] = a[(i * p) + j];
            }
        }

        var (rowValues, u) = DenseKernels.SymmetricEigen(DenseKernels.Gram(at, p, n), n);
        var v = new double[n * p];
        for (int c = 0; c < n; c++)
        {
            double sigma = Math.Sqrt(Math.Max(rowValues[c], 0));
            if (sigma <= 0)
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                double ui = u[(c * n) + i] / sigma;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a.AsSpan(i * p, p), ui, v.AsSpan(c * p, p), v.AsSpan(c * p, p));
            }
        }

        return (rowValues, v, n);
    }

    // numpy.searchsorted(cumsum(ratio), fraction, side='right') + 1, as scikit-learn.
    private static int FractionCount(double[] explained, double total, double fraction)
    {
        double cumulative = 0;
        for (int i = 0; i < explained.Length; i++)
        {
            cumulative += explained[i] / total;
            if (cumulative > fraction)
            {
                return i + 1;
            }
        }

        return explained.Length;
    }

    // scikit-learn's svd_flip(u_based_decision=True): the score of largest magnitude of each component is positive.
    private static void FlipSigns(double[] centred, int n, int p, double[] components, int k)
    {
        var ct = DenseKernels.TransposePadded(components, k, p, out int kPad);
        FlipByScores(DenseKernels.Multiply(centred, n, p, ct, kPad), n, kPad, components, p);
    }

    // svd_flip on given scores (n × stride row-major, column c belongs to component c): negates the component rows
    // whose score of largest magnitude (first one on ties, as numpy's argmax) is negative.
    private static void FlipByScores(double[] scores, int n, int kPad, double[] components, int p)
    {
        int k = components.Length / p;
        for (int c = 0; c < k; c++)
        {
            int best = 0;
            double bestAbs = -1;
            for (int i = 0; i < n; i++)
            {
                double v = Math.Abs(scores[(i * kPad) + c]);
                if (v > bestAbs)
                {
                    bestAbs = v;
                    best = i;
                }
            }

            if (scores[(best * kPad) + c] < 0)
            {
                var row = components.AsSpan(c * p, p);
                System.Numerics.Tensors.TensorPrimitives.Negate(row, row);
            }
        }
    }
}

/// <summary>A fitted <see cref="PCA"/>.</summary>
public sealed class PCAModel : FittedModel<PCAOptions>, ITransformerModel
{
    private readonly double[] _mean;
    private readonly double[] _explainedVariance;
    private readonly double[] _ratio;
    private readonly double[] _singular;

    internal PCAModel(PCAOptions options, Schema inputSchema, Matrix components, double[] mean, double[] explainedVariance, double[] ratio, double[] singular, double noiseVariance, int samples)
        : base(options, inputSchema)
    {
        Components = components;
        _mean = mean;
        _explainedVariance = explainedVariance;
        _ratio = ratio;
        _singular = singular;
        NoiseVariance = noiseVariance;
        Samples = samples;
    }

    /// <inheritdoc />
    public override string Kind => PCA.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>Principal axes (<c>components_</c>), one row per component, columns in <c>FeatureNames</c> order.</summary>
    public Matrix Components { get; }

    /// <summary>Per-feature means (<c>mean_</c>).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Variance explained by each component (<c>explained_variance_</c>, ddof = 1).</summary>
    public IReadOnlyList<double> ExplainedVariance => _explainedVariance;

    /// <summary>Fraction of the total variance explained by each component (<c>explained_variance_ratio_</c>).</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio => _ratio;

    /// <summary>Singular values of the centred data (<c>singular_values_</c>).</summary>
    public IReadOnlyList<double> SingularValues => _singular;

    /// <summary>Probabilistic PCA's noise variance (<c>noise_variance_</c>): mean variance of the dropped directions.</summary>
    public double NoiseVariance { get; }

    /// <summary>Training rows (<c>n_samples_</c>).</summary>
    public int Samples { get; }

    /// <summary>Number of components.</summary>
    public int ComponentCount => Components.Rows;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. Enumerable.Range(0, ComponentCount).Select(c => string.Create(CultureInfo.InvariantCulture, $"pca{c}"))];

    /// <inheritdoc />
    public Table Transform(Table features) => Table.FromMatrix(Transform(features.ConformTo(InputSchema).ToMatrix()), FeatureNamesOut);

    /// <summary>Projects a matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public Matrix Transform(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, p = x.Columns, k = ComponentCount;
        double[] centred = x.AsSpan().ToArray();
        for (int i = 0; i < n; i++)
        {
            var row = centred.AsSpan(i * p, p);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, _mean, row);
        }

        var ct = DenseKernels.TransposePadded(Components.AsSpan(), k, p, out int kPad);
        var padded = DenseKernels.Multiply(centred, n, p, ct, kPad);
        var result = new Matrix(n, k);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                double v = padded[(i * kPad) + c];
                result[i, c] = Options.Whiten ? v / Math.Sqrt(_explainedVariance[c]) : v;
            }
        }

        return result;
    }

    /// <summary>Maps projections back to the input space (<c>inverse_transform</c>); columns named like the inputs.</summary>
    public Table InverseTransform(Table projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        var missing = FeatureNamesOut.Where(name => !projections.Schema.Names.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new DataValidationException($"The projections lack the column(s) {string.Join(", ", missing)}. Pass the output of Transform", column: missing[0]);
        }

        return Table.FromMatrix(InverseTransform(projections.Select(FeatureNamesOut).ToMatrix()), FeatureNames);
    }

    /// <summary>Maps a projection matrix (one column per component) back to the input space.</summary>
    public Matrix InverseTransform(Matrix projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        int n = projections.Rows, k = ComponentCount, p = Components.Columns;
        var result = new Matrix(n, p);
        for (int i = 0; i < n; i++)
        {
            var row = result.Row(i);
            _mean.CopyTo(row);
            for (int c = 0; c < k; c++)
            {
                double score = projections[i, c] * (Options.Whiten ? Math.Sqrt(_explainedVariance[c]) : 1.0);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Components.Row(c), score, row, row);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("components", Components);
        writer.Write("mean", _mean);
        writer.Write("explained_variance", _explainedVariance);
        writer.Write("explained_variance_ratio", _ratio);
        writer.Write("singular_values", _singular);
        writer.Write("noise_variance", NoiseVariance);
        writer.Write("n_samples", Samples);
    }

    internal static PCAModel Load(ModelReader reader) => new(
        reader.ReadOptions<PCAOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("components"),
        reader.ReadDoubles("mean"),
        reader.ReadDoubles("explained_variance"),
        reader.ReadDoubles("explained_variance_ratio"),
        reader.ReadDoubles("singular_values"),
        reader.ReadDouble("noise_variance"),
        reader.ReadInt32("n_samples"));
}
