using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Clustering;

/// <summary>The shape of the components' covariance matrices.</summary>
public enum CovarianceType
{
    /// <summary>Each component has its own general covariance matrix.</summary>
    Full,

    /// <summary>All components share one general covariance matrix.</summary>
    Tied,

    /// <summary>Each component has its own diagonal covariance matrix.</summary>
    Diag,

    /// <summary>Each component has its own single variance.</summary>
    Spherical,
}

/// <summary>How <see cref="GaussianMixture"/> initialises the responsibilities.</summary>
public enum MixtureInit
{
    /// <summary>One k-means run (n_init = 1) assigns each row to one component.</summary>
    KMeans,

    /// <summary>Random responsibilities, normalised per row.</summary>
    Random,
}

/// <summary>Hyperparameters of <see cref="GaussianMixture"/> (scikit-learn's names and defaults).</summary>
public sealed record GaussianMixtureOptions : EstimatorOptions
{
    /// <summary>Number of mixture components (<c>n_components</c>).</summary>
    public int NComponents { get; init; } = 1;

    /// <summary>Covariance shape (<c>covariance_type</c>).</summary>
    public CovarianceType CovarianceType { get; init; } = CovarianceType.Full;

    /// <summary>Stop when the mean log-likelihood improves by less than this (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-3;

    /// <summary>Added to the covariance diagonals so they stay positive definite (<c>reg_covar</c>).</summary>
    public double RegCovar { get; init; } = 1e-6;

    /// <summary>EM iterations per initialisation (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Initialisations; the one with the best lower bound wins (<c>n_init</c>).</summary>
    public int NInit { get; init; } = 1;

    /// <summary>Initialisation (<c>init_params</c>): kmeans or random.</summary>
    public MixtureInit InitParams { get; init; } = MixtureInit.KMeans;

    /// <summary>Initial mixing weights (<c>weights_init</c>), one per component, summing to 1.</summary>
    public double[]? WeightsInit { get; init; }

    /// <summary>Initial means (<c>means_init</c>), one row per component.</summary>
    public double[][]? MeansInit { get; init; }

    /// <summary>
    /// Initial precisions (<c>precisions_init</c>), flattened row-major in scikit-learn's shape: full k·p·p, tied p·p,
    /// diag k·p, spherical k.
    /// </summary>
    public double[]? PrecisionsInit { get; init; }

    /// <summary>Seed of the initialisation (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NComponents < 1)
        {
            throw new HyperparameterException("n_components", "must be at least 1");
        }

        if (!(Tol >= 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a non-negative number");
        }

        if (!(RegCovar >= 0) || !double.IsFinite(RegCovar))
        {
            throw new HyperparameterException("reg_covar", "must be a non-negative number");
        }

        if (MaxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (NInit < 1)
        {
            throw new HyperparameterException("n_init", "must be at least 1");
        }

        if (WeightsInit is { } w && (w.Length != NComponents || w.Any(v => !(v >= 0)) || Math.Abs(w.Sum() - 1) > 1e-6))
        {
            throw new HyperparameterException("weights_init", "needs one non-negative weight per component, summing to 1");
        }

        if (MeansInit is { } m && m.Length != NComponents)
        {
            throw new HyperparameterException("means_init", "needs one mean per component");
        }
    }
}

/// <summary>
/// Gaussian mixture model fitted by expectation–maximisation (Dempster, Laird &amp; Rubin 1977), following
/// scikit-learn's <c>GaussianMixture</c> step by step (Cholesky-parametrised precisions, reg_covar on the diagonal,
/// the mean log-likelihood as lower bound), so from the same initial parameters it reaches the same optimum.
/// </summary>
public sealed class GaussianMixture(GaussianMixtureOptions? options = null)
    : Estimator<GaussianMixtureOptions, GaussianMixtureModel>(options ?? new GaussianMixtureOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "gaussian_mixture";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override GaussianMixtureModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        if (context.SampleWeight is not null)
        {
            throw new DataValidationException("GaussianMixture does not support sample weights (as in scikit-learn). Repeat rows to weight them", column: "sample_weight");
        }

        var x = Unsupervised.Features(features, "GaussianMixture");
        int n = x.Rows, p = x.Columns, k = Options.NComponents;
        if (k > n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_components={k} is larger than the number of rows ({n}). Use fewer components"));
        }

        if (Options.MeansInit is { } mi && mi.Any(r => r.Length != p))
        {
            throw new HyperparameterException("means_init", string.Create(CultureInfo.InvariantCulture, $"every mean needs {p} values, one per feature"));
        }

        int expectedPrecisions = Options.CovarianceType switch
        {
            CovarianceType.Full => k * p * p,
            CovarianceType.Tied => p * p,
            CovarianceType.Diag => k * p,
            _ => k,
        };
        if (Options.PrecisionsInit is { } pi && pi.Length != expectedPrecisions)
        {
            throw new HyperparameterException("precisions_init", string.Create(CultureInfo.InvariantCulture, $"needs {expectedPrecisions} values for covariance_type={Options.CovarianceType.ToString().ToLowerInvariant()} with {k} components and {p} features"));
        }

        var rng = Unsupervised.Rng(Options.RandomState);
        double[] data = x.AsSpan().ToArray();
        MixtureParameters? best = null;
        double bestBound = double.NegativeInfinity;
        int bestIter = 0;
        bool bestConverged = false;
        for (int init = 0; init < Options.NInit; init++)
        {
            var current = Initialize(x, data, n, p, k, rng);
            double bound = double.NegativeInfinity;
            bool converged = false;
            int iter;
            for (iter = 1; iter <= Options.MaxIter; iter++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                double previous = bound;
                var (logProbNorm, logResp) = current.EStep(data, n);
                current = MixtureParameters.Estimate(data, n, p, k, Exp(logResp), Options.RegCovar, Options.CovarianceType, normalizeWeights: true);
                bound = logProbNorm;
                context.Progress?.Report(new FitProgress(Kind, iter, Options.MaxIter, -bound));
                if (Math.Abs(bound - previous) < Options.Tol)
                {
                    converged = true;
                    break;
                }
            }

            if (bound > bestBound || best is null)
            {
                bestBound = bound;
                best = current;
                bestIter = Math.Min(iter, Options.MaxIter);
                bestConverged = converged;
            }
        }

        var (_, finalResp) = best!.EStep(data, n);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<double>(finalResp.AsSpan(i * k, k));
        }

        return new GaussianMixtureModel(Options, features.Schema, best, labels, bestBound, bestIter, bestConverged);
    }

    private MixtureParameters Initialize(Matrix x, double[] data, int n, int p, int k, Random rng)
    {
        bool fullyGiven = Options.WeightsInit is not null && Options.MeansInit is not null && Options.PrecisionsInit is not null;
        MixtureParameters? fromResp = null;
        if (!fullyGiven)
        {
            var resp = new double[n * k];
            if (Options.InitParams == MixtureInit.KMeans)
            {
                var km = new KMeans(new KMeansOptions { NClusters = k, NInit = 1, RandomState = rng.Next() }).Fit(Table.FromMatrix(x));
                for (int i = 0; i < n; i++)
                {
                    resp[(i * k) + km.Labels[i]] = 1;
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int c = 0; c < k; c++)
                    {
                        resp[(i * k) + c] = rng.NextDouble();
                        s += resp[(i * k) + c];
                    }

                    for (int c = 0; c < k; c++)
                    {
                        resp[(i * k) + c] /= s;
                    }
                }
            }

            fromResp = MixtureParameters.Estimate(data, n, p, k, resp, Options.RegCovar, Options.CovarianceType, normalizeWeights: false);
            for (int c = 0; c < k; c++)
            {
                fromResp.Weights[c] /= n;
            }
        }

        double[] weights = Options.WeightsInit is { } w ? (double[])w.Clone() : fromResp!.Weights;
        double[] means = Options.MeansInit is { } m ? [.. m.SelectMany(r => r)] : fromResp!.Means;
        if (Options.PrecisionsInit is { } precisions)
        {
            return MixtureParameters.FromPrecisions(weights, means, precisions, p, k, Options.CovarianceType);
        }

        return new MixtureParameters(weights, means, fromResp!.Covariances, fromResp.PrecisionCholesky, p, k, Options.CovarianceType);
    }

    private static double[] Exp(double[] logResp)
    {
        var r = new double[logResp.Length];
        System.Numerics.Tensors.TensorPrimitives.Exp(logResp, r);
        return r;
    }
}

/// <summary>
/// Weights, means, covariances and Cholesky factors of the precisions of a mixture, with scikit-learn's estimators
/// (<c>_estimate_gaussian_parameters</c>, <c>_compute_precision_cholesky</c>, <c>_estimate_log_gaussian_prob</c>).
/// Storage: means k×p; covariances and precision factors full k·p·p, tied p·p, diag k·p, spherical k.
/// </summary>
internal sealed class MixtureParameters(double[] weights, double[] means, double[] covariances, double[] precisionCholesky, int p, int k, CovarianceType type)
{
    public double[] Weights { get; } = weights;

    public double[] Means { get; } = means;

    public double[] Covariances { get; } = covariances;

    public double[] PrecisionCholesky { get; } = precisionCholesky;

    public int P { get; } = p;

    public int K { get; } = k;

    public CovarianceType Type { get; } = type;

    public static MixtureParameters Estimate(double[] x, int n, int p, int k, double[] resp, double reg, CovarianceType type, bool normalizeWeights)
    {
        var nk = new double[k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                nk[c] += resp[(i * k) + c];
            }
        }

        for (int c = 0; c < k; c++)
        {
            nk[c] += 10 * 2.220446049250313e-16; // 10 · machine epsilon, as scikit-learn
        }

        // means = respᵀ X / nk
        var means = new double[k * p];
        for (int i = 0; i < n; i++)
        {
            var row = x.AsSpan(i * p, p);
            for (int c = 0; c < k; c++)
            {
                var m = means.AsSpan(c * p, p);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, resp[(i * k) + c], m, m);
            }
        }

        var respX = (double[])means.Clone();
        for (int c = 0; c < k; c++)
        {
            var m = means.AsSpan(c * p, p);
            System.Numerics.Tensors.TensorPrimitives.Divide(m, nk[c], m);
        }

        double[] cov;
        switch (type)
        {
            case CovarianceType.Full:
                cov = new double[k * p * p];
                var diff = new double[p];
                for (int c = 0; c < k; c++)
                {
                    var target = cov.AsSpan(c * p * p, p * p);
                    for (int i = 0; i < n; i++)
                    {
                        double r = resp[(i * k) + c];
                        System.Numerics.Tensors.TensorPrimitives.Subtract(x.AsSpan(i * p, p), means.AsSpan(c * p, p), diff);
                        for (int a = 0; a < p; a++)
                        {
                            double ra = r * diff[a];
                            var t = target.Slice(a * p, p);
                            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(diff, ra, t, t);
                        }
                    }

                    System.Numerics.Tensors.TensorPrimitives.Divide(target, nk[c], target);
                    for (int a = 0; a < p; a++)
                    {
                        target[(a * p) + a] += reg;
                    }
                }

                break;
            case CovarianceType.Tied:
                cov = new double[p * p];
                for (int i = 0; i < n; i++)
                {
                    var row = x.AsSpan(i * p, p);
                    for (int a = 0; a < p; a++)
                    {
                        var t = cov.AsSpan(a * p, p);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, row[a], t, t);
                    }
                }

                for (int c = 0; c < k; c++)
                {
                    for (int a = 0; a < p; a++)
                    {
                        for (int b = 0; b < p; b++)
                        {
                            cov[(a * p) + b] -= nk[c] * means[(c * p) + a] * means[(c * p) + b];
                        }
                    }
                }

                double total = nk.Sum();
                System.Numerics.Tensors.TensorPrimitives.Divide(cov, total, cov);
                for (int a = 0; a < p; a++)
                {
                    cov[(a * p) + a] += reg;
                }

                break;
            default:
                var diag = new double[k * p];
                for (int i = 0; i < n; i++)
                {
                    var row = x.AsSpan(i * p, p);
                    for (int c = 0; c < k; c++)
                    {
                        double r = resp[(i * k) + c];
                        for (int a = 0; a < p; a++)
                        {
                            diag[(c * p) + a] += r * row[a] * row[a];
                        }
                    }
                }

                for (int c = 0; c < k; c++)
                {
                    for (int a = 0; a < p; a++)
                    {
                        double avgX2 = diag[(c * p) + a] / nk[c];
                        double mean = means[(c * p) + a];
                        double avgXMeans = mean * respX[(c * p) + a] / nk[c];
                        diag[(c * p) + a] = avgX2 - (2 * avgXMeans) + (mean * mean) + reg;
                    }
                }

                if (type == CovarianceType.Diag)
                {
                    cov = diag;
                }
                else
                {
                    cov = new double[k];
                    for (int c = 0; c < k; c++)
                    {
                        cov[c] = diag.AsSpan(c * p, p).ToArray().Average();
                    }
                }

                break;
        }

        var weights = (double[])nk.Clone();
        if (normalizeWeights)
        {
            double s = weights.Sum();
            for (int c = 0; c < k; c++)
            {
                weights[c] /= s;
            }
        }

        return new MixtureParameters(weights, means, cov, PrecisionCholeskyOf(cov, p, k, type), p, k, type);
    }

    public static MixtureParameters FromPrecisions(double[] weights, double[] means, double[] precisions, int p, int k, CovarianceType type)
    {
        double[] chol;
        double[] cov;
        switch (type)
        {
            case CovarianceType.Full:
            case CovarianceType.Tied:
                int blocks = type == CovarianceType.Full ? k : 1;
                chol = new double[blocks * p * p];
                cov = new double[blocks * p * p];
                for (int c = 0; c < blocks; c++)
                {
                    var precision = precisions.AsSpan(c * p * p, p * p).ToArray();
                    var l = Cholesky(precision, p, "precisions_init");
                    l.CopyTo(chol, c * p * p);
                    // covariance = (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹.
                    var li = LowerInverse(l, p);
                    for (int a = 0; a < p; a++)
                    {
                        for (int b = 0; b < p; b++)
                        {
                            double s = 0;
                            for (int t = 0; t < p; t++)
                            {
                                s += li[(t * p) + a] * li[(t * p) + b];
                            }

                            cov[(c * p * p) + (a * p) + b] = s;
                        }
                    }
                }

                break;
            default:
                chol = [.. precisions.Select(v => v > 0 ? Math.Sqrt(v) : throw new HyperparameterException("precisions_init", "precisions must be positive"))];
                cov = [.. precisions.Select(v => 1.0 / v)];
                break;
        }

        return new MixtureParameters(weights, means, cov, chol, p, k, type);
    }

    // scikit-learn's _compute_precision_cholesky: precision factor = (L⁻¹)ᵀ for covariance = L Lᵀ (upper triangular).
    private static double[] PrecisionCholeskyOf(double[] cov, int p, int k, CovarianceType type)
    {
        if (type is CovarianceType.Diag or CovarianceType.Spherical)
        {
            return [.. cov.Select(v => v > 0 ? 1.0 / Math.Sqrt(v) : throw IllDefined())];
        }

        int blocks = type == CovarianceType.Full ? k : 1;
        var result = new double[blocks * p * p];
        for (int c = 0; c < blocks; c++)
        {
            var l = Cholesky(cov.AsSpan(c * p * p, p * p).ToArray(), p, null);
            var li = LowerInverse(l, p);
            for (int a = 0; a < p; a++)
            {
                for (int b = 0; b < p; b++)
                {
                    result[(c * p * p) + (a * p) + b] = li[(b * p) + a];
                }
            }
        }

        return result;
    }

    private static DataValidationException IllDefined() => new(
        "Fitting the mixture model failed because some components have ill-defined empirical covariance (for instance caused by singleton or collapsed samples). Try to decrease the number of components, or increase reg_covar");

    // Lower Cholesky factor of a symmetric positive definite p×p matrix.
    private static double[] Cholesky(double[] a, int p, string? parameter)
    {
        var l = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            double d = a[(j * p) + j];
            for (int t = 0; t < j; t++)
            {
                d -= l[(j * p) + t] * l[(j * p) + t];
            }

            if (!(d > 0))
            {
                throw parameter is null ? IllDefined() : new HyperparameterException(parameter, "must be symmetric positive definite");
            }

            l[(j * p) + j] = Math.Sqrt(d);
            for (int i = j + 1; i < p; i++)
            {
                double s = a[(i * p) + j];
                for (int t = 0; t < j; t++)
                {
                    s -= l[(i * p) + t] * l[(j * p) + t];
                }

                l[(i * p) + j] = s / l[(j * p) + j];
            }
        }

        return l;
    }

    // Inverse of a lower triangular matrix by forward substitution (solve_triangular(L, I, lower=True)).
    private static double[] LowerInverse(double[] l, int p)
    {
        var inv = new double[p * p];
        for (int col = 0; col < p; col++)
        {
            for (int i = col; i < p; i++)
            {
                double s = i == col ? 1.0 : 0.0;
                for (int t = col; t < i; t++)
                {
                    s -= l[(i * p) + t] * inv[(t * p) + col];
                }

                inv[(i * p) + col] = s / l[(i * p) + i];
            }
        }

        return inv;
    }

    /// <summary>log N(x | μ_c, Σ_c) + log π_c for every row and component (n×k, row-major).</summary>
    public double[] WeightedLogProb(double[] x, int n)
    {
        int p = P, k = K;
        var result = new double[n * k];
        var logDet = new double[k];
        for (int c = 0; c < k; c++)
        {
            logDet[c] = Type switch
            {
                CovarianceType.Full => Enumerable.Range(0, p).Sum(a => Math.Log(PrecisionCholesky[(c * p * p) + (a * p) + a])),
                CovarianceType.Tied => Enumerable.Range(0, p).Sum(a => Math.Log(PrecisionCholesky[(a * p) + a])),
                CovarianceType.Diag => Enumerable.Range(0, p).Sum(a => Math.Log(PrecisionCholesky[(c * p) + a])),
                _ => p * Math.Log(PrecisionCholesky[c]),
            };
        }

        double constant = p * Math.Log(2 * Math.PI);
        var (blocks, rows) = DenseKernels.Partition(n, 1024);
        Parallel.For(0, blocks, b =>
        {
            var diff = new double[p];
            var y = new double[p];
            for (int i = b * rows; i < Math.Min(n, (b + 1) * rows); i++)
            {
                var row = x.AsSpan(i * p, p);
                for (int c = 0; c < k; c++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Subtract(row, Means.AsSpan(c * p, p), diff);
                    double q;
                    switch (Type)
                    {
                        case CovarianceType.Full:
                        case CovarianceType.Tied:
                            int offset = Type == CovarianceType.Full ? c * p * p : 0;
                            Array.Clear(y);
                            for (int a = 0; a < p; a++)
                            {
                                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(PrecisionCholesky.AsSpan(offset + (a * p), p), diff[a], y, y);
                            }

                            q = System.Numerics.Tensors.TensorPrimitives.Dot(y, y);
                            break;
                        case CovarianceType.Diag:
                            q = 0;
                            for (int a = 0; a < p; a++)
                            {
                                double v = diff[a] * PrecisionCholesky[(c * p) + a];
                                q += v * v;
                            }

                            break;
                        default:
                            q = System.Numerics.Tensors.TensorPrimitives.Dot(diff, diff) * PrecisionCholesky[c] * PrecisionCholesky[c];
                            break;
                    }

                    result[(i * k) + c] = (-0.5 * (constant + q)) + logDet[c] + Math.Log(Weights[c]);
                }
            }
        });
        return result;
    }

    /// <summary>The E-step: mean log-likelihood and log responsibilities.</summary>
    public (double LogProbNorm, double[] LogResp) EStep(double[] x, int n)
    {
        var weighted = WeightedLogProb(x, n);
        var norms = LogSumExpRows(weighted, n, K);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < K; c++)
            {
                weighted[(i * K) + c] -= norms[i];
            }
        }

        return (norms.Average(), weighted);
    }

    public static double[] LogSumExpRows(double[] values, int n, int k)
    {
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            var row = values.AsSpan(i * k, k);
            double max = System.Numerics.Tensors.TensorPrimitives.Max<double>(row);
            if (double.IsNegativeInfinity(max))
            {
                result[i] = max;
                continue;
            }

            double s = 0;
            foreach (double v in row)
            {
                s += Math.Exp(v - max);
            }

            result[i] = max + Math.Log(s);
        }

        return result;
    }

    /// <summary>Free parameters (scikit-learn's <c>_n_parameters</c>).</summary>
    public int ParameterCount()
    {
        double covParams = Type switch
        {
            CovarianceType.Full => K * P * (P + 1) / 2.0,
            CovarianceType.Diag => K * P,
            CovarianceType.Tied => P * (P + 1) / 2.0,
            _ => K,
        };
        return (int)(covParams + (P * K) + K - 1);
    }
}

/// <summary>A fitted <see cref="GaussianMixture"/>.</summary>
public sealed class GaussianMixtureModel : FittedModel<GaussianMixtureOptions>, IClusteringModel, IPredictor, IObjectiveReport
{
    private readonly MixtureParameters _parameters;
    private readonly int[] _labels;

    internal GaussianMixtureModel(GaussianMixtureOptions options, Schema inputSchema, MixtureParameters parameters, int[] labels, double lowerBound, int iterations, bool converged)
        : base(options, inputSchema)
    {
        _parameters = parameters;
        _labels = labels;
        LowerBound = lowerBound;
        Iterations = iterations;
        Converged = converged;
    }

    /// <inheritdoc />
    public override string Kind => GaussianMixture.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Clustering;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int ClusterCount => _parameters.K;

    /// <summary>Mixing weights (<c>weights_</c>).</summary>
    public IReadOnlyList<double> Weights => _parameters.Weights;

    /// <summary>Component means (<c>means_</c>), one row per component.</summary>
    public Matrix Means => new(_parameters.K, _parameters.P, (double[])_parameters.Means.Clone());

    /// <summary>Covariances (<c>covariances_</c>) flattened row-major: full k·p·p, tied p·p, diag k·p, spherical k.</summary>
    public IReadOnlyList<double> Covariances => _parameters.Covariances;

    /// <summary>The mean log-likelihood at the last E-step of the best run (<c>lower_bound_</c>).</summary>
    public double LowerBound { get; }

    /// <summary>EM iterations of the best run (<c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <summary>Whether the best run met <c>tol</c> (<c>converged_</c>); raise <c>max_iter</c> if not.</summary>
    public bool Converged { get; }

    /// <inheritdoc />
    public Column Predict(Table features) => Unsupervised.LabelColumn(Predict(Matrix(features)));

    /// <summary>The most probable component of each row.</summary>
    public int[] Predict(Matrix x)
    {
        var proba = PredictProba(x);
        var labels = new int[x.Rows];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<double>(proba.Row(i));
        }

        return labels;
    }

    /// <summary>Posterior probability of each component for each row (<c>predict_proba</c>); rows sum to 1.</summary>
    public Matrix PredictProba(Table features) => PredictProba(Matrix(features));

    /// <summary>Posterior probabilities for a matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public Matrix PredictProba(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (_, logResp) = _parameters.EStep(x.AsSpan().ToArray(), x.Rows);
        System.Numerics.Tensors.TensorPrimitives.Exp(logResp, logResp);
        return new Matrix(x.Rows, _parameters.K, logResp);
    }

    /// <summary>Log-likelihood of each row under the mixture (<c>score_samples</c>).</summary>
    public double[] ScoreSamples(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return MixtureParameters.LogSumExpRows(_parameters.WeightedLogProb(x.AsSpan().ToArray(), x.Rows), x.Rows, _parameters.K);
    }

    /// <summary>Mean log-likelihood (<c>score</c>).</summary>
    public double Score(Matrix x) => ScoreSamples(x).Average();

    /// <summary>Bayesian information criterion on <paramref name="x"/>; lower is better.</summary>
    public double Bic(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return (-2 * Score(x) * x.Rows) + (_parameters.ParameterCount() * Math.Log(x.Rows));
    }

    /// <summary>Akaike information criterion on <paramref name="x"/>; lower is better.</summary>
    public double Aic(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return (-2 * Score(x) * x.Rows) + (2 * _parameters.ParameterCount());
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, double>> ObjectiveMetrics(Matrix x) =>
        [new("log_likelihood", Score(x)), new("bic", Bic(x)), new("aic", Aic(x))];

    private Matrix Matrix(Table features) => features.ConformTo(InputSchema).ToMatrix();

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("weights", _parameters.Weights);
        writer.Write("means", _parameters.Means);
        writer.Write("covariances", _parameters.Covariances);
        writer.Write("precisions_cholesky", _parameters.PrecisionCholesky);
        writer.Write("n_features", _parameters.P);
        writer.Write("labels", _labels);
        writer.Write("lower_bound", LowerBound);
        writer.Write("n_iter", Iterations);
        writer.Write("converged", Converged);
    }

    internal static GaussianMixtureModel Load(ModelReader reader)
    {
        var options = reader.ReadOptions<GaussianMixtureOptions>();
        var parameters = new MixtureParameters(
            reader.ReadDoubles("weights"),
            reader.ReadDoubles("means"),
            reader.ReadDoubles("covariances"),
            reader.ReadDoubles("precisions_cholesky"),
            reader.ReadInt32("n_features"),
            options.NComponents,
            options.CovarianceType);
        return new GaussianMixtureModel(options, reader.ReadSchema("input_schema"), parameters, reader.ReadInt32s("labels"), reader.ReadDouble("lower_bound"), reader.ReadInt32("n_iter"), reader.ReadBoolean("converged"));
    }
}
