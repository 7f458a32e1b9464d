using System.Globalization;
using System.Text.Json.Serialization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Decomposition;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Manifold;

/// <summary>How <see cref="TSNE"/> computes the gradient.</summary>
public enum TSNEMethod
{
    /// <summary>Barnes–Hut approximation (van der Maaten 2014): O(n log n) per iteration, sparse input affinities over 3·perplexity neighbours.</summary>
    [JsonStringEnumMemberName("barnes_hut")]
    BarnesHut,

    /// <summary>Exact O(n²) gradient with dense affinities; for small data.</summary>
    Exact,
}

/// <summary>How <see cref="TSNE"/> places the points before optimising.</summary>
public enum TSNEInit
{
    /// <summary>The first principal components, scaled to a standard deviation of 1e-4 (stable, global structure preserved).</summary>
    Pca,

    /// <summary>Gaussian noise with standard deviation 1e-4.</summary>
    Random,
}

/// <summary>Hyperparameters of <see cref="TSNE"/> (scikit-learn's names; defaults as scikit-learn ≥ 1.2 recommends: PCA init, automatic learning rate).</summary>
public sealed record TSNEOptions : EstimatorOptions
{
    /// <summary>Dimensions of the embedding (<c>n_components</c>); Barnes–Hut supports 1 to 3.</summary>
    public int NComponents { get; init; } = 2;

    /// <summary>Effective number of neighbours each point's Gaussian is calibrated to (<c>perplexity</c>); must be below n.</summary>
    public double Perplexity { get; init; } = 30.0;

    /// <summary>Factor on the input affinities during the first 250 iterations (<c>early_exaggeration</c>).</summary>
    public double EarlyExaggeration { get; init; } = 12.0;

    /// <summary>Gradient step (<c>learning_rate</c>); <c>null</c> = max(n / early_exaggeration / 4, 50) (Belkina et al. 2019).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Total iterations (<c>n_iter</c>), at least 250.</summary>
    public int NIter { get; init; } = 1000;

    /// <summary>Stop after this many iterations without improvement, checked every 50 (<c>n_iter_without_progress</c>).</summary>
    public int NIterWithoutProgress { get; init; } = 300;

    /// <summary>Stop when the gradient norm falls below this (<c>min_grad_norm</c>).</summary>
    public double MinGradNorm { get; init; } = 1e-7;

    /// <summary>Initialisation (<c>init</c>).</summary>
    public TSNEInit Init { get; init; } = TSNEInit.Pca;

    /// <summary>Gradient method (<c>method</c>).</summary>
    public TSNEMethod Method { get; init; } = TSNEMethod.BarnesHut;

    /// <summary>Barnes–Hut opening angle θ (<c>angle</c>): cells smaller than θ × distance are summarised.</summary>
    public double Angle { get; init; } = 0.5;

    /// <summary>Seed of the initialisation (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NComponents < 1)
        {
            throw new HyperparameterException("n_components", "must be at least 1");
        }

        if (Method == TSNEMethod.BarnesHut && NComponents > 3)
        {
            throw new HyperparameterException("n_components", "Barnes-Hut t-SNE supports at most 3 components; use method=exact for more");
        }

        if (!(Perplexity > 0) || !double.IsFinite(Perplexity))
        {
            throw new HyperparameterException("perplexity", "must be a positive number (typically 5 to 50)");
        }

        if (!(EarlyExaggeration >= 1) || !double.IsFinite(EarlyExaggeration))
        {
            throw new HyperparameterException("early_exaggeration", "must be at least 1");
        }

        if (LearningRate is { } lr && (!(lr > 0) || !double.IsFinite(lr)))
        {
            throw new HyperparameterException("learning_rate", "must be a positive number, or null for automatic");
        }

        if (NIter < 250)
        {
            throw new HyperparameterException("n_iter", "must be at least 250");
        }

        if (!(Angle >= 0 && Angle <= 1))
        {
            throw new HyperparameterException("angle", "must be between 0 and 1");
        }
    }
}

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten &amp; Hinton 2008), as scikit-learn's <c>TSNE</c>:
/// input affinities from Gaussians calibrated to the perplexity by binary search, a Student-t kernel in the embedding,
/// gradient descent with momentum and per-parameter gains, 250 iterations of early exaggeration, and the Barnes–Hut
/// approximation of the repulsive forces on a space-partitioning tree (van der Maaten 2014, "Accelerating t-SNE using
/// tree-based algorithms"). The final KL divergence is reported.
/// </summary>
public sealed class TSNE(TSNEOptions? options = null)
    : Estimator<TSNEOptions, TSNEModel>(options ?? new TSNEOptions()), IEmbeddingEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "tsne";

    private const int ExplorationIterations = 250;
    private const int CheckEvery = 50;

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override TSNEModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "TSNE");
        int n = x.Rows, d = Options.NComponents;
        if (Options.Perplexity >= n)
        {
            throw new HyperparameterException("perplexity", string.Create(CultureInfo.InvariantCulture, $"must be less than the number of rows ({n}); try perplexity={Math.Max(1, (n - 1) / 3)}"));
        }

        var rng = Unsupervised.Rng(Options.RandomState);
        double[] y = Initialize(features, x, n, d, rng);
        IAffinities p = Options.Method == TSNEMethod.Exact
            ? new DenseAffinities(x, Options.Perplexity)
            : new SparseAffinities(x, Options.Perplexity, context.CancellationToken);
        var (error, iterations) = Optimize(p, y, n, context);
        return new TSNEModel(Options, features.Schema, new Matrix(n, d, y), error, iterations);
    }

    /// <summary>
    /// The two-phase descent from the embedding <paramref name="y"/> (n × n_components, row-major, updated in place) on
    /// the affinities <paramref name="p"/> (restored on return); returns the final KL and the iterations run. The
    /// benchmark's t-SNE diagnostic calls it with scikit-learn's P and initial embedding.
    /// </summary>
    internal (double Error, int Iterations) Optimize(IAffinities p, double[] y, int n, FitContext context)
    {
        int d = Options.NComponents;
        double learningRate = Options.LearningRate ?? Math.Max(n / Options.EarlyExaggeration / 4, 50);
        double dof = Math.Max(d - 1, 1);
        var objective = Options.Method == TSNEMethod.Exact
            ? (IGradient)new ExactGradient(p, n, d, dof)
            : new BarnesHutGradient((SparseAffinities)p, n, d, dof, Options.Angle);

        // Two calls of scikit-learn's _gradient_descent: each starts with zero momentum, unit gains and no best error
        // (decision 4.18); the exploration phase gives up after 250 iterations without progress, the second after n_iter_without_progress.
        p.Scale(Options.EarlyExaggeration);
        var (error, iteration) = Descend(objective, y, new DescentState(n * d), 0, ExplorationIterations, 0.5, learningRate, ExplorationIterations, context);
        p.Scale(1.0 / Options.EarlyExaggeration);
        if (iteration < Options.NIter - 1)
        {
            (error, iteration) = Descend(objective, y, new DescentState(n * d), iteration + 1, Options.NIter, 0.8, learningRate, Options.NIterWithoutProgress, context);
        }

        return (error, iteration + 1);
    }

    private double[] Initialize(Table features, Matrix x, int n, int d, Random rng)
    {
        var y = new double[n * d];
        if (Options.Init == TSNEInit.Pca)
        {
            if (d > Math.Min(n, x.Columns))
            {
                throw new HyperparameterException("init", "PCA initialisation needs n_components ≤ the number of features; use init=random");
            }

            var pca = new PCA(new PCAOptions { NComponents = d, SvdSolver = SvdSolver.Full }).Fit(features);
            var projected = pca.Transform(x);
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++)
            {
                mean += projected[i, 0];
            }

            mean /= n;
            for (int i = 0; i < n; i++)
            {
                sq += (projected[i, 0] - mean) * (projected[i, 0] - mean);
            }

            double std = Math.Sqrt(sq / n);
            double scale = std > 0 ? 1e-4 / std : 1.0;
            for (int i = 0; i < n; i++)
            {
                for (int c = 0; c < d; c++)
                {
                    y[(i * d) + c] = projected[i, c] * scale;
                }
            }
        }
        else
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = 1e-4 * Unsupervised.Gaussian(rng);
            }
        }

        return y;
    }

    // scikit-learn's _gradient_descent: momentum, delta-bar-delta gains (+0.2 / ×0.8, at least 0.01), progress checks
    // every 50 iterations; the stopping test uses the norm of the gain-scaled gradient, as scikit-learn's.
    private (double Error, int Iteration) Descend(IGradient objective, double[] y, DescentState state, int start, int end, double momentum, double learningRate, int withoutProgress, FitContext context)
    {
        var grad = new double[y.Length];
        double error = double.MaxValue;
        state.BestIteration = start;
        int i;
        for (i = start; i < end; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            bool check = (i + 1) % CheckEvery == 0;
            error = objective.Evaluate(y, grad, check || i == end - 1);
            for (int j = 0; j < y.Length; j++)
            {
                double g = grad[j];
                state.Gains[j] = state.Update[j] * g < 0 ? state.Gains[j] + 0.2 : state.Gains[j] * 0.8;
                if (state.Gains[j] < 0.01)
                {
                    state.Gains[j] = 0.01;
                }

                grad[j] = g * state.Gains[j];
                state.Update[j] = (momentum * state.Update[j]) - (learningRate * grad[j]);
                y[j] += state.Update[j];
            }

            double gradNorm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(grad, grad));

            if (check)
            {
                context.Progress?.Report(new FitProgress(Kind, i + 1, Options.NIter, error));
                if (error < state.BestError)
                {
                    state.BestError = error;
                    state.BestIteration = i;
                }
                else if (i - state.BestIteration > withoutProgress)
                {
                    break;
                }

                if (gradNorm <= Options.MinGradNorm)
                {
                    break;
                }
            }
        }

        return (error, Math.Min(i, end - 1));
    }

    private sealed class DescentState(int size)
    {
        public double[] Update { get; } = new double[size];

        public double[] Gains { get; } = Enumerable.Repeat(1.0, size).ToArray();

        public double BestError { get; set; } = double.MaxValue;

        public int BestIteration { get; set; }
    }
}

/// <summary>Input affinities P (joint probabilities summing to 1).</summary>
internal interface IAffinities
{
    void Scale(double factor);
}

/// <summary>The KL(P‖Q) objective and its gradient.</summary>
internal interface IGradient
{
    /// <summary>Writes ∂KL/∂y into <paramref name="grad"/>; returns KL when <paramref name="computeError"/>, else NaN.</summary>
    double Evaluate(double[] y, double[] grad, bool computeError);
}

/// <summary>Perplexity calibration (scikit-learn's <c>_binary_search_perplexity</c>): per row, the Gaussian precision β whose conditional distribution has entropy log(perplexity).</summary>
internal static class Perplexity
{
    private const int Steps = 100;
    private const double Tolerance = 1e-5;

    /// <summary>Conditional probabilities p(j|i) from squared distances of one row (in place).</summary>
    public static void Calibrate(Span<double> squaredDistances, double perplexity)
    {
        double beta = 1, betaMin = double.NegativeInfinity, betaMax = double.PositiveInfinity;
        double desired = Math.Log(perplexity);
        Span<double> p = squaredDistances.Length <= 512 ? stackalloc double[squaredDistances.Length] : new double[squaredDistances.Length];
        for (int step = 0; step < Steps; step++)
        {
            double sum = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] = double.IsPositiveInfinity(squaredDistances[j]) ? 0 : Math.Exp(-squaredDistances[j] * beta);
                sum += p[j];
            }

            if (sum == 0)
            {
                sum = 1e-8;
            }

            double weighted = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] /= sum;
                if (p[j] > 0)
                {
                    weighted += squaredDistances[j] * p[j];
                }
            }

            double entropy = Math.Log(sum) + (beta * weighted);
            double diff = entropy - desired;
            if (Math.Abs(diff) <= Tolerance)
            {
                break;
            }

            if (diff > 0)
            {
                betaMin = beta;
                beta = double.IsPositiveInfinity(betaMax) ? beta * 2 : (beta + betaMax) / 2;
            }
            else
            {
                betaMax = beta;
                beta = double.IsNegativeInfinity(betaMin) ? beta / 2 : (beta + betaMin) / 2;
            }
        }

        p.CopyTo(squaredDistances);
    }
}

/// <summary>Dense P for the exact method: P = (P_cond + P_condᵀ) / Σ, floored at machine epsilon.</summary>
internal sealed class DenseAffinities : IAffinities
{
    public DenseAffinities(Matrix x, double perplexity)
    {
        int n = x.Rows;
        N = n;
        P = new double[n * n];
        Parallel.For(0, n, i =>
        {
            var row = P.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
            {
                double dist = System.Numerics.Tensors.TensorPrimitives.Distance(x.Row(i), x.Row(j));
                row[j] = i == j ? double.PositiveInfinity : dist * dist;
            }

            Perplexity.Calibrate(row, perplexity);
        });
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double v = P[(i * n) + j] + P[(j * n) + i];
                P[(i * n) + j] = v;
                P[(j * n) + i] = v;
                sum += 2 * v;
            }
        }

        sum = Math.Max(sum, double.Epsilon);
        for (int i = 0; i < P.Length; i++)
        {
            P[i] = Math.Max(P[i] / sum, 2.220446049250313e-16);
        }
    }

    public int N { get; }

    public double[] P { get; }

    public void Scale(double factor) => System.Numerics.Tensors.TensorPrimitives.Multiply(P, factor, P);
}

/// <summary>
/// Sparse P for Barnes–Hut: each row calibrated over its ⌊3·perplexity⌋ + 1 nearest neighbours (exact k-NN by a
/// parallel scan), then symmetrised (P + Pᵀ) and normalised, in compressed-row form.
/// </summary>
internal sealed class SparseAffinities : IAffinities
{
    public SparseAffinities(Matrix x, double perplexity, CancellationToken cancellation)
    {
        int n = x.Rows;
        int k = Math.Min(n - 1, (int)((3.0 * perplexity) + 1));
        var neighbours = new int[n * k];
        var conditional = new double[n * k];
        var norms = new double[n];
        for (int i = 0; i < n; i++)
        {
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(x.Row(i), x.Row(i));
        }

        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, () => new double[n], (i, _, dist) =>
        {
            var row = x.Row(i);
            for (int j = 0; j < n; j++)
            {
                double dd = System.Numerics.Tensors.TensorPrimitives.Distance(row, x.Row(j));
                dist[j] = j == i ? double.PositiveInfinity : dd * dd;
            }

            // The k smallest, ties by index (partial selection into a sorted buffer).
            var idx = neighbours.AsSpan(i * k, k);
            var dk = conditional.AsSpan(i * k, k);
            int filled = 0;
            for (int j = 0; j < n; j++)
            {
                double v = dist[j];
                if (j == i || (filled == k && v >= dk[k - 1]))
                {
                    continue;
                }

                int pos = filled < k ? filled++ : k - 1;
                while (pos > 0 && dk[pos - 1] > v)
                {
                    dk[pos] = dk[pos - 1];
                    idx[pos] = idx[pos - 1];
                    pos--;
                }

                dk[pos] = v;
                idx[pos] = j;
            }

            Perplexity.Calibrate(dk, perplexity);
            return dist;
        }, _ => { });

        // P + Pᵀ in compressed rows.
        var rows = new List<(int Col, double Value)>[n];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new List<(int, double)>(2 * k);
        }

        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < k; t++)
            {
                int j = neighbours[(i * k) + t];
                double v = conditional[(i * k) + t];
                rows[i].Add((j, v));
                rows[j].Add((i, v));
            }
        }

        RowStart = new int[n + 1];
        var cols = new List<int>(n * k * 2);
        var values = new List<double>(n * k * 2);
        for (int i = 0; i < n; i++)
        {
            RowStart[i] = cols.Count;
            foreach (var group in rows[i].GroupBy(e => e.Col).OrderBy(g => g.Key))
            {
                cols.Add(group.Key);
                values.Add(group.Sum(e => e.Value));
            }
        }

        RowStart[n] = cols.Count;
        Columns = [.. cols];
        Values = [.. values];
        double sum = Math.Max(Values.Sum(), double.Epsilon);
        System.Numerics.Tensors.TensorPrimitives.Divide(Values, sum, Values);
    }

    /// <summary>Affinities given in compressed rows (already symmetric and normalised), e.g. another library's P.</summary>
    public SparseAffinities(int[] rowStart, int[] columns, double[] values)
    {
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    public int[] RowStart { get; }

    public int[] Columns { get; }

    public double[] Values { get; }

    public void Scale(double factor) => System.Numerics.Tensors.TensorPrimitives.Multiply(Values, factor, Values);
}

/// <summary>Exact KL gradient (scikit-learn's <c>_kl_divergence</c>).</summary>
internal sealed class ExactGradient(IAffinities affinities, int n, int d, double dof) : IGradient
{
    private readonly DenseAffinities _p = (DenseAffinities)affinities;

    public double Evaluate(double[] y, double[] grad, bool computeError)
    {
        var q = new double[n * n];
        double exponent = (dof + 1.0) / -2.0;
        var partial = new double[n];
        Parallel.For(0, n, i =>
        {
            double s = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                double dist = 0;
                for (int c = 0; c < d; c++)
                {
                    double diff = y[(i * d) + c] - y[(j * d) + c];
                    dist += diff * diff;
                }

                double w = Math.Pow(1 + (dist / dof), exponent);
                q[(i * n) + j] = w;
                s += w;
            }

            partial[i] = s;
        });
        double sum = partial.Sum();
        double kl = 0;
        var klPartial = new double[n];
        double factor = 2.0 * (dof + 1.0) / dof;
        Parallel.For(0, n, i =>
        {
            double klRow = 0;
            for (int c = 0; c < d; c++)
            {
                grad[(i * d) + c] = 0;
            }

            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                double w = q[(i * n) + j];
                double qij = Math.Max(w / sum, 2.220446049250313e-16);
                double pij = _p.P[(i * n) + j];
                if (computeError)
                {
                    klRow += pij * Math.Log(Math.Max(pij, 2.220446049250313e-16) / qij);
                }

                double pq = (pij - qij) * w;
                for (int c = 0; c < d; c++)
                {
                    grad[(i * d) + c] += pq * (y[(i * d) + c] - y[(j * d) + c]);
                }
            }

            for (int c = 0; c < d; c++)
            {
                grad[(i * d) + c] *= factor;
            }

            klPartial[i] = klRow;
        });
        kl = klPartial.Sum();
        return computeError ? kl : double.NaN;
    }
}

/// <summary>
/// Barnes–Hut KL gradient: exact attractive forces over the sparse P, repulsive forces from a 2^d-ary space-partitioning
/// tree whose cells are summarised by their centre of mass when (cell width)² / (distance)² &lt; θ².
/// </summary>
internal sealed class BarnesHutGradient(SparseAffinities p, int n, int d, double dof, double angle) : IGradient
{
    private const int Blocks = 16;

    private readonly QuadTree _quadTree = new(n);
    private readonly double[] _negative = new double[n * d];

    public double Evaluate(double[] y, double[] grad, bool computeError)
    {
        double theta2 = angle * angle;
        var negative = _negative;
        var sumQ = new double[Blocks];
        int per = (n + Blocks - 1) / Blocks;
        double exponent = (dof + 1.0) / 2.0;
        if (d == 2)
        {
            // The common case: a flat quadtree rebuilt in place every iteration, traversed without per-node allocation.
            _quadTree.Build(y);
            Parallel.For(0, Blocks, b =>
            {
                var stack = new int[256];
                double s = 0;
                for (int i = b * per; i < Math.Min(n, (b + 1) * per); i++)
                {
                    s += _quadTree.Repulsion(y[2 * i], y[(2 * i) + 1], theta2, out negative[2 * i], out negative[(2 * i) + 1], ref stack);
                }

                sumQ[b] = s;
            });
        }
        else
        {
            var tree = new SpaceTree(y, n, d);
            Parallel.For(0, Blocks, b =>
            {
                double s = 0;
                Span<double> force = stackalloc double[3];
                var stack = new int[64 * 8];
                for (int i = b * per; i < Math.Min(n, (b + 1) * per); i++)
                {
                    force.Clear();
                    s += tree.Repulsion(y.AsSpan(i * d, d), i, theta2, dof, exponent, force, stack);
                    for (int c = 0; c < d; c++)
                    {
                        negative[(i * d) + c] = force[c];
                    }
                }

                sumQ[b] = s;
            });
        }

        double z = sumQ.Sum();
        var klPartial = new double[Blocks];
        if (d == 2 && !computeError)
        {
            Parallel.For(0, Blocks, b =>
            {
                for (int i = b * per; i < Math.Min(n, (b + 1) * per); i++)
                {
                    double xi = y[2 * i], yi = y[(2 * i) + 1], px = 0, py = 0;
                    for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
                    {
                        int j = p.Columns[e];
                        double dx = xi - y[2 * j], dy = yi - y[(2 * j) + 1];
                        double dij = p.Values[e] * (1.0 / (1.0 + ((dx * dx) + (dy * dy))));
                        px += dij * dx;
                        py += dij * dy;
                    }

                    grad[2 * i] = 4.0 * (px - (negative[2 * i] / z));
                    grad[(2 * i) + 1] = 4.0 * (py - (negative[(2 * i) + 1] / z));
                }
            });
            return double.NaN;
        }

        Parallel.For(0, Blocks, b =>
        {
            double kl = 0;
            Span<double> pos = stackalloc double[3];
            for (int i = b * per; i < Math.Min(n, (b + 1) * per); i++)
            {
                pos.Clear();
                for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
                {
                    int j = p.Columns[e];
                    double pij = p.Values[e];
                    double dist = 0;
                    for (int c = 0; c < d; c++)
                    {
                        double diff = y[(i * d) + c] - y[(j * d) + c];
                        dist += diff * diff;
                    }

                    double qij = dof / (dof + dist);
                    if (dof != 1)
                    {
                        qij = Math.Pow(qij, exponent);
                    }

                    double dij = pij * qij;
                    if (computeError)
                    {
                        kl += pij * Math.Log(Math.Max(pij, 1.1754943508222875e-38) / Math.Max(qij / z, 1.1754943508222875e-38));
                    }

                    for (int c = 0; c < d; c++)
                    {
                        pos[c] += dij * (y[(i * d) + c] - y[(j * d) + c]);
                    }
                }

                for (int c = 0; c < d; c++)
                {
                    grad[(i * d) + c] = 4.0 * (pos[c] - (negative[(i * d) + c] / z));
                }
            }

            klPartial[b] = kl;
        });
        return computeError ? klPartial.Sum() : double.NaN;
    }
}

/// <summary>
/// The Barnes–Hut quadtree for 2-D embeddings (Barnes &amp; Hut 1986; van der Maaten 2014) as one flat array of node
/// structs (cell centre, centre of mass, squared width, count, first child), pre-allocated and rebuilt in place every
/// iteration; the traversal pushes only non-empty children and has no inner loops over dimensions. The root cell is
/// the points' bounding rectangle (as in van der Maaten's bhtsne and scikit-learn), not a square around it, and every
/// split halves each side, so a cell's "width" in the opening test is its longer side (decision 4.25).
/// </summary>
internal sealed class QuadTree(int n)
{
    private const int MaxDepth = 48;

    // Hot data (read by every traversal step, 32 bytes a node) apart from the cold data used only while building.
    private Node[] _nodes = new Node[Math.Max(16, 8 * n)];
    private Cell[] _cells = new Cell[Math.Max(16, 8 * n)];
    private int _count;
    private double[] _y = [];

    private struct Node
    {
        public double MassX;
        public double MassY;
        public double Width2;
        public int Count;
        public int FirstChild;
    }

    private struct Cell
    {
        public double CenterX;
        public double CenterY;
        public double HalfX;
        public double HalfY;
        public int Point;
    }

    /// <summary>Rebuilds the tree over the n points of the row-major n×2 array <paramref name="y"/>.</summary>
    public void Build(double[] y)
    {
        _y = y;
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double a = y[2 * i], b = y[(2 * i) + 1];
            minX = Math.Min(minX, a);
            maxX = Math.Max(maxX, a);
            minY = Math.Min(minY, b);
            maxY = Math.Max(maxY, b);
        }

        // A hair wider than the points on every side, so no point lies on the boundary.
        _count = 0;
        NewNode((minX + maxX) / 2, (minY + maxY) / 2, ((maxX - minX) * 0.5 * (1 + 1e-6)) + 1e-12, ((maxY - minY) * 0.5 * (1 + 1e-6)) + 1e-12);
        for (int i = 0; i < n; i++)
        {
            Insert(i);
        }
    }

    private int NewNode(double cx, double cy, double halfX, double halfY)
    {
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
            Array.Resize(ref _cells, _cells.Length * 2);
        }

        int id = _count++;
        double half = Math.Max(halfX, halfY);
        _nodes[id] = new Node { Width2 = 4 * half * half, FirstChild = -1 };
        _cells[id] = new Cell { CenterX = cx, CenterY = cy, HalfX = halfX, HalfY = halfY, Point = -1 };
        return id;
    }

    private void Insert(int i)
    {
        double px = _y[2 * i], py = _y[(2 * i) + 1];
        int node = 0;
        for (int depth = 0; ; depth++)
        {
            ref Node nd = ref _nodes[node];
            int count = nd.Count;
            nd.MassX = ((nd.MassX * count) + px) / (count + 1);
            nd.MassY = ((nd.MassY * count) + py) / (count + 1);
            nd.Count = count + 1;
            Cell cell = _cells[node];
            if (nd.FirstChild < 0)
            {
                if (count == 0)
                {
                    _cells[node].Point = i;
                    return;
                }

                int existing = cell.Point;
                double ex = _y[2 * existing], ey = _y[(2 * existing) + 1];
                if (depth >= MaxDepth || (ex == px && ey == py))
                {
                    // Duplicates (or absurd depth) stay in one leaf; the centre of mass already counts them.
                    return;
                }

                double hx = cell.HalfX / 2, hy = cell.HalfY / 2, cx = cell.CenterX, cy = cell.CenterY;
                int first = NewNode(cx - hx, cy - hy, hx, hy);
                NewNode(cx + hx, cy - hy, hx, hy);
                NewNode(cx - hx, cy + hy, hx, hy);
                NewNode(cx + hx, cy + hy, hx, hy);
                nd = ref _nodes[node];
                nd.FirstChild = first;
                _cells[node].Point = -1;
                int moved = first + Quadrant(cx, cy, ex, ey);
                _nodes[moved].MassX = ex;
                _nodes[moved].MassY = ey;
                _nodes[moved].Count = count;
                _cells[moved].Point = existing;
            }

            node = nd.FirstChild + Quadrant(cell.CenterX, cell.CenterY, px, py);
        }
    }

    private static int Quadrant(double cx, double cy, double x, double y) => (x > cx ? 1 : 0) | (y > cy ? 2 : 0);

    /// <summary>Σ_j q_ij·Z (returned) and Σ_j q_ij²·Z²·(y_i − y_j) (the force) over all j ≠ i, Student-t with one degree of freedom.</summary>
    public double Repulsion(double x, double y, double theta2, out double forceX, out double forceY, ref int[] stack)
    {
        double sum = 0, fx = 0, fy = 0;
        var nodes = _nodes;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref Node nd = ref nodes[stack[--top]];
            double dx = x - nd.MassX, dy = y - nd.MassY;
            double dist2 = (dx * dx) + (dy * dy);
            int first = nd.FirstChild;
            if (first < 0 || nd.Width2 < theta2 * dist2)
            {
                int count = nd.Count;
                if (dist2 == 0)
                {
                    // A leaf at y_i itself: i and its exact duplicates, which have q = 1 and exert no force.
                    sum += count - 1;
                    continue;
                }

                double q = 1.0 / (1.0 + dist2);
                double cq = count * q;
                sum += cq;
                double mult = cq * q;
                fx += mult * dx;
                fy += mult * dy;
                continue;
            }

            if (top + 4 > stack.Length)
            {
                Array.Resize(ref stack, stack.Length * 2);
            }

            for (int c = first; c < first + 4; c++)
            {
                if (nodes[c].Count > 0)
                {
                    stack[top++] = c;
                }
            }
        }

        forceX = fx;
        forceY = fy;
        return sum;
    }
}

/// <summary>
/// A quadtree (d = 2), octree (d = 3) or binary tree (d = 1) over the embedding, with centres of mass; the root is the
/// points' bounding box and a cell's width in the opening test is its longest side (decision 4.25).
/// </summary>
internal sealed class SpaceTree
{
    private const int MaxDepth = 48;
    private readonly int _d;
    private readonly int _children;
    private readonly double[] _y;
    private double[] _center;
    private double[] _halfWidth;
    private double[] _width2;
    private double[] _mass;
    private int[] _count;
    private int[] _firstChild;
    private int[] _point;
    private int _nodes;

    public SpaceTree(double[] y, int n, int d)
    {
        _d = d;
        _children = 1 << d;
        _y = y;
        int capacity = Math.Max(16, 4 * n);
        _center = new double[capacity * d];
        _mass = new double[capacity * d];
        _halfWidth = new double[capacity * d];
        _width2 = new double[capacity];
        _count = new int[capacity];
        _firstChild = new int[capacity];
        _point = new int[capacity];
        Span<double> min = stackalloc double[d];
        Span<double> max = stackalloc double[d];
        min.Fill(double.PositiveInfinity);
        max.Fill(double.NegativeInfinity);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++)
            {
                min[c] = Math.Min(min[c], y[(i * d) + c]);
                max[c] = Math.Max(max[c], y[(i * d) + c]);
            }
        }

        var center = new double[d];
        var half = new double[d];
        for (int c = 0; c < d; c++)
        {
            center[c] = (min[c] + max[c]) / 2;
            half[c] = ((max[c] - min[c]) * 0.5 * (1 + 1e-6)) + 1e-12;
        }

        NewNode(center, half);
        for (int i = 0; i < n; i++)
        {
            Insert(0, i, 0);
        }
    }

    private int NewNode(ReadOnlySpan<double> center, ReadOnlySpan<double> halfWidth)
    {
        if (_nodes == _count.Length)
        {
            int capacity = _count.Length * 2;
            Array.Resize(ref _center, capacity * _d);
            Array.Resize(ref _mass, capacity * _d);
            Array.Resize(ref _halfWidth, capacity * _d);
            Array.Resize(ref _width2, capacity);
            Array.Resize(ref _count, capacity);
            Array.Resize(ref _firstChild, capacity);
            Array.Resize(ref _point, capacity);
        }

        int id = _nodes++;
        center.CopyTo(_center.AsSpan(id * _d, _d));
        _mass.AsSpan(id * _d, _d).Clear();
        halfWidth.CopyTo(_halfWidth.AsSpan(id * _d, _d));
        double longest = 0;
        foreach (double h in halfWidth)
        {
            longest = Math.Max(longest, 2 * h);
        }

        _width2[id] = longest * longest;
        _count[id] = 0;
        _firstChild[id] = -1;
        _point[id] = -1;
        return id;
    }

    private void Insert(int node, int i, int depth)
    {
        while (true)
        {
            int count = _count[node];
            // Running centre of mass.
            for (int c = 0; c < _d; c++)
            {
                _mass[(node * _d) + c] = ((_mass[(node * _d) + c] * count) + _y[(i * _d) + c]) / (count + 1);
            }

            _count[node] = count + 1;
            if (_firstChild[node] < 0)
            {
                if (count == 0)
                {
                    _point[node] = i;
                    return;
                }

                if (depth >= MaxDepth || SamePoint(_point[node], i))
                {
                    // Duplicates (or absurd depth) stay in one leaf; the centre of mass already counts them.
                    return;
                }

                Split(node);
                int existing = _point[node];
                _point[node] = -1;
                int child = ChildFor(node, existing);
                PushDown(child, existing, count);
            }

            node = ChildFor(node, i);
            depth++;
        }
    }

    // Moves the old leaf's point(s) (count copies of one location) into a child.
    private void PushDown(int child, int point, int count)
    {
        for (int c = 0; c < _d; c++)
        {
            _mass[(child * _d) + c] = _y[(point * _d) + c];
        }

        _count[child] = count;
        _point[child] = point;
    }

    private bool SamePoint(int a, int b)
    {
        for (int c = 0; c < _d; c++)
        {
            if (_y[(a * _d) + c] != _y[(b * _d) + c])
            {
                return false;
            }
        }

        return true;
    }

    private void Split(int node)
    {
        Span<double> half = stackalloc double[_d];
        Span<double> center = stackalloc double[_d];
        for (int c = 0; c < _d; c++)
        {
            half[c] = _halfWidth[(node * _d) + c] / 2;
        }

        int first = -1;
        for (int child = 0; child < _children; child++)
        {
            for (int c = 0; c < _d; c++)
            {
                center[c] = _center[(node * _d) + c] + (((child >> c) & 1) == 1 ? half[c] : -half[c]);
            }

            int id = NewNode(center, half);
            if (child == 0)
            {
                first = id;
            }
        }

        _firstChild[node] = first;
    }

    private int ChildFor(int node, int i)
    {
        int child = 0;
        for (int c = 0; c < _d; c++)
        {
            if (_y[(i * _d) + c] > _center[(node * _d) + c])
            {
                child |= 1 << c;
            }
        }

        return _firstChild[node] + child;
    }

    /// <summary>Σ_j q_ij·Z (returned) and Σ_j q_ij²·Z² (y_i − y_j) (into <paramref name="force"/>) over all j ≠ i, approximated with the tree.</summary>
    public double Repulsion(ReadOnlySpan<double> yi, int i, double theta2, double dof, double exponent, Span<double> force, int[] stack)
    {
        double sum = 0;
        int top = 0;
        stack[top++] = 0;
        Span<double> diff = stackalloc double[3];
        while (top > 0)
        {
            int node = stack[--top];
            int count = _count[node];
            if (count == 0)
            {
                continue;
            }

            double dist2 = 0;
            for (int c = 0; c < _d; c++)
            {
                diff[c] = yi[c] - _mass[(node * _d) + c];
                dist2 += diff[c] * diff[c];
            }

            bool leaf = _firstChild[node] < 0;
            if (leaf || _width2[node] < theta2 * dist2)
            {
                int size = count;
                if (dist2 == 0)
                {
                    // A leaf at y_i itself: i and its exact duplicates. Duplicates have q = 1 and exert no force.
                    sum += count - 1;
                    continue;
                }

                double q = dof / (dof + dist2);
                if (dof != 1)
                {
                    q = Math.Pow(q, exponent);
                }

                sum += size * q;
                double mult = size * q * q;
                for (int c = 0; c < _d; c++)
                {
                    force[c] += mult * diff[c];
                }

                continue;
            }

            if (top + _children > stack.Length)
            {
                Array.Resize(ref stack, stack.Length * 2);
            }

            for (int child = 0; child < _children; child++)
            {
                stack[top++] = _firstChild[node] + child;
            }
        }

        return sum;
    }
}

/// <summary>A fitted <see cref="TSNE"/>: the embedding of the training rows and the final KL divergence.</summary>
public sealed class TSNEModel : FittedModel<TSNEOptions>, IObjectiveEmbedding
{
    internal TSNEModel(TSNEOptions options, Schema inputSchema, Matrix embedding, double klDivergence, int iterations)
        : base(options, inputSchema)
    {
        Embedding = embedding;
        KlDivergence = klDivergence;
        Iterations = iterations;
    }

    /// <inheritdoc />
    public override string Kind => TSNE.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The embedding of the training rows (<c>embedding_</c>).</summary>
    public Matrix Embedding { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames => [.. Enumerable.Range(0, Embedding.Columns).Select(c => string.Create(CultureInfo.InvariantCulture, $"tsne{c}"))];

    /// <summary>KL(P‖Q) after optimisation (<c>kl_divergence_</c>).</summary>
    public double KlDivergence { get; }

    /// <summary>Iterations run (<c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, double>> EmbeddingMetrics => [new("kl_divergence", KlDivergence), new("n_iter", Iterations)];

    /// <summary>The embedding as a table with columns <c>tsne0</c>, <c>tsne1</c>, ….</summary>
    public Table EmbeddingTable() => Table.FromMatrix(Embedding, EmbeddingNames);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("embedding", Embedding);
        writer.Write("kl_divergence", KlDivergence);
        writer.Write("n_iter", Iterations);
    }

    internal static TSNEModel Load(ModelReader reader) => new(
        reader.ReadOptions<TSNEOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("embedding"),
        reader.ReadDouble("kl_divergence"),
        reader.ReadInt32("n_iter"));
}
