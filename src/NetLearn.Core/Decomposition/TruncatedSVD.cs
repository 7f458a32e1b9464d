using System.Globalization;
using System.Text.Json.Serialization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Decomposition;

/// <summary>How <see cref="TruncatedSVD"/> computes the decomposition.</summary>
public enum TruncatedSvdAlgorithm
{
    /// <summary>Randomized SVD (Halko et al. 2011).</summary>
    Randomized,

    /// <summary>Exact: eigendecomposition of XᵀX (scikit-learn's "arpack" computes the same exact result with ARPACK).</summary>
    [JsonStringEnumMemberName("exact")]
    Exact,
}

/// <summary>Hyperparameters of <see cref="TruncatedSVD"/> (scikit-learn's names and defaults).</summary>
public sealed record TruncatedSVDOptions : EstimatorOptions
{
    /// <summary>Components to keep (<c>n_components</c>); less than the number of features.</summary>
    public int NComponents { get; init; } = 2;

    /// <summary>The solver (<c>algorithm</c>): randomized or exact.</summary>
    public TruncatedSvdAlgorithm Algorithm { get; init; } = TruncatedSvdAlgorithm.Randomized;

    /// <summary>Power iterations of the randomized solver (<c>n_iter</c>).</summary>
    public int NIter { get; init; } = 5;

    /// <summary>Extra random directions of the randomized solver (<c>n_oversamples</c>).</summary>
    public int NOversamples { get; init; } = 10;

    /// <summary>Seed of the randomized solver (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NComponents < 1)
        {
            throw new HyperparameterException("n_components", "must be at least 1");
        }

        if (NIter < 0)
        {
            throw new HyperparameterException("n_iter", "must be ≥ 0");
        }

        if (NOversamples < 0)
        {
            throw new HyperparameterException("n_oversamples", "must be ≥ 0");
        }
    }
}

/// <summary>
/// Truncated SVD (latent semantic analysis), as scikit-learn's <c>TruncatedSVD</c>: like PCA but without centring, so
/// it suits sparse-like data (counts, TF-IDF, one-hot) whose zeros should stay meaningful. Signs follow
/// scikit-learn's <c>svd_flip</c> on the left singular vectors.
/// </summary>
public sealed class TruncatedSVD(TruncatedSVDOptions? options = null)
    : Estimator<TruncatedSVDOptions, TruncatedSVDModel>(options ?? new TruncatedSVDOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "truncated_svd";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override TruncatedSVDModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "TruncatedSVD");
        int n = x.Rows, p = x.Columns, k = Options.NComponents;
        if (k > Math.Min(n, p))
        {
            throw new HyperparameterException("n_components", string.Create(CultureInfo.InvariantCulture, $"is {k} but the data allows at most min(rows, columns) = {Math.Min(n, p)}"));
        }

        double[] a = x.AsSpan().ToArray();
        double[] components;
        double[] singular;
        if (Options.Algorithm == TruncatedSvdAlgorithm.Randomized)
        {
            var svd = RandomizedSvd.Compute(a, n, p, k, Options.NOversamples, Options.NIter, Unsupervised.Rng(Options.RandomState));
            components = svd.Vt;
            singular = svd.S;
        }
        else
        {
            var (values, vectors) = DenseKernels.SymmetricEigen(DenseKernels.Gram(a, n, p), p);
            components = vectors.AsSpan(0, k * p).ToArray();
            singular = [.. values.Take(k).Select(v => Math.Sqrt(Math.Max(v, 0)))];
        }

        // Signs (svd_flip, u-based) and the variance of each projected column (ddof = 0).
        var ct = DenseKernels.TransposePadded(components, k, p, out int kPad);
        var scores = DenseKernels.Multiply(a, n, p, ct, kPad);
        var explained = new double[k];
        for (int c = 0; c < k; c++)
        {
            int best = 0;
            double bestAbs = -1, sum = 0, sq = 0;
            for (int i = 0; i < n; i++)
            {
                double v = scores[(i * kPad) + c];
                sum += v;
                sq += v * v;
                if (Math.Abs(v) > bestAbs)
                {
                    bestAbs = Math.Abs(v);
                    best = i;
                }
            }

            if (scores[(best * kPad) + c] < 0)
            {
                var row = components.AsSpan(c * p, p);
                System.Numerics.Tensors.TensorPrimitives.Negate(row, row);
            }

            double mean = sum / n;
            explained[c] = Math.Max((sq / n) - (mean * mean), 0);
        }

        double total = 0;
        for (int j = 0; j < p; j++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++)
            {
                double v = a[(i * p) + j];
                sum += v;
                sq += v * v;
            }

            double mean = sum / n;
            total += Math.Max((sq / n) - (mean * mean), 0);
        }

        return new TruncatedSVDModel(Options, features.Schema, new Matrix(k, p, components), explained, [.. explained.Select(v => total > 0 ? v / total : 0)], singular);
    }
}

/// <summary>A fitted <see cref="TruncatedSVD"/>.</summary>
public sealed class TruncatedSVDModel : FittedModel<TruncatedSVDOptions>, ITransformerModel
{
    private readonly double[] _explained;
    private readonly double[] _ratio;
    private readonly double[] _singular;

    internal TruncatedSVDModel(TruncatedSVDOptions options, Schema inputSchema, Matrix components, double[] explained, double[] ratio, double[] singular)
        : base(options, inputSchema)
    {
        Components = components;
        _explained = explained;
        _ratio = ratio;
        _singular = singular;
    }

    /// <inheritdoc />
    public override string Kind => TruncatedSVD.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>Right singular vectors (<c>components_</c>), one row per component.</summary>
    public Matrix Components { get; }

    /// <summary>Variance of each projected column (<c>explained_variance_</c>).</summary>
    public IReadOnlyList<double> ExplainedVariance => _explained;

    /// <summary>That variance over the total variance of the inputs (<c>explained_variance_ratio_</c>).</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio => _ratio;

    /// <summary>Singular values (<c>singular_values_</c>).</summary>
    public IReadOnlyList<double> SingularValues => _singular;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. Enumerable.Range(0, Components.Rows).Select(c => string.Create(CultureInfo.InvariantCulture, $"truncatedsvd{c}"))];

    /// <inheritdoc />
    public Table Transform(Table features) => Table.FromMatrix(features.ConformTo(InputSchema).ToMatrix().MultiplyTransposed(Components), FeatureNamesOut);

    /// <summary>Maps projections (one column per component, in order) back to the input space (<c>inverse_transform</c>).</summary>
    public Matrix InverseTransform(Matrix projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        var result = new Matrix(projections.Rows, Components.Columns);
        for (int i = 0; i < projections.Rows; i++)
        {
            var row = result.Row(i);
            for (int c = 0; c < Components.Rows; c++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Components.Row(c), projections[i, c], row, row);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("components", Components);
        writer.Write("explained_variance", _explained);
        writer.Write("explained_variance_ratio", _ratio);
        writer.Write("singular_values", _singular);
    }

    internal static TruncatedSVDModel Load(ModelReader reader) => new(
        reader.ReadOptions<TruncatedSVDOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("components"),
        reader.ReadDoubles("explained_variance"),
        reader.ReadDoubles("explained_variance_ratio"),
        reader.ReadDoubles("singular_values"));
}
