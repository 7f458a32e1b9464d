using System.Globalization;
using System.Text.Json.Serialization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Clustering;

/// <summary>How <see cref="KMeans"/> picks its first centres.</summary>
public enum KMeansInit
{
    /// <summary>Greedy k-means++ (Arthur &amp; Vassilvitskii 2007; 2 + ⌊ln k⌋ candidates per step, as in scikit-learn).</summary>
    [JsonStringEnumMemberName("k-means++")]
    KMeansPlusPlus,

    /// <summary>k distinct rows drawn at random (weighted by sample weight).</summary>
    Random,
}

/// <summary>The iteration <see cref="KMeans"/> runs.</summary>
public enum KMeansAlgorithm
{
    /// <summary>Lloyd's algorithm: assign every row to its nearest centre, move centres to the means.</summary>
    Lloyd,

    /// <summary>Elkan (2003): Lloyd's result with triangle-inequality bounds that skip most distance computations.</summary>
    Elkan,
}

/// <summary>Hyperparameters of <see cref="KMeans"/> (scikit-learn 1.2's names and defaults).</summary>
public sealed record KMeansOptions : EstimatorOptions
{
    /// <summary>Number of clusters (<c>n_clusters</c>).</summary>
    public int NClusters { get; init; } = 8;

    /// <summary>Initialisation (<c>init</c>): <c>k-means++</c> or <c>random</c>; ignored when <see cref="InitCenters"/> is set.</summary>
    public KMeansInit Init { get; init; } = KMeansInit.KMeansPlusPlus;

    /// <summary>Explicit initial centres (<c>init_centers</c>; scikit-learn's <c>init</c> array): n_clusters rows of one value per feature. Then one run is made.</summary>
    public double[][]? InitCenters { get; init; }

    /// <summary>Number of runs from different initial centres; the one with the lowest inertia wins (<c>n_init</c>).</summary>
    public int NInit { get; init; } = 10;

    /// <summary>Iteration limit of one run (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 300;

    /// <summary>Stop when the squared centre movement is at most <c>tol</c> × the mean feature variance (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Seed of the initialisation (<c>random_state</c>); <c>null</c> draws one.</summary>
    public int? RandomState { get; init; }

    /// <summary>The iteration (<c>algorithm</c>): <c>lloyd</c> or <c>elkan</c>.</summary>
    public KMeansAlgorithm Algorithm { get; init; } = KMeansAlgorithm.Lloyd;

    /// <inheritdoc />
    public override void Validate()
    {
        if (NClusters < 1)
        {
            throw new HyperparameterException("n_clusters", "must be at least 1");
        }

        if (NInit < 1)
        {
            throw new HyperparameterException("n_init", "must be at least 1");
        }

        if (MaxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (!(Tol >= 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a non-negative number");
        }

        if (InitCenters is { } c)
        {
            if (c.Length != NClusters)
            {
                throw new HyperparameterException("init_centers", string.Create(CultureInfo.InvariantCulture, $"has {c.Length} centres but n_clusters is {NClusters}. Give one centre per cluster"));
            }

            if (c.Any(row => row is null || row.Length != c[0].Length || row.Any(v => !double.IsFinite(v))))
            {
                throw new HyperparameterException("init_centers", "every centre must have the same number of finite values");
            }
        }
    }
}

/// <summary>
/// k-means clustering (Lloyd 1982; Elkan 2003) with greedy k-means++ seeding (Arthur &amp; Vassilvitskii 2007), as
/// scikit-learn's <c>KMeans</c>: minimises the weighted within-cluster sum of squared distances (inertia). Data are
/// centred before fitting for accuracy; empty clusters are moved to the rows farthest from their centres.
/// Distances use a register-blocked kernel over ‖x‖² − 2x·c + ‖c‖², parallel over fixed row blocks (deterministic).
/// </summary>
public sealed class KMeans(KMeansOptions? options = null)
    : Estimator<KMeansOptions, KMeansModel>(options ?? new KMeansOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "kmeans";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KMeansModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "KMeans");
        int n = x.Rows, p = x.Columns, k = Options.NClusters;
        double[] w = Checks.SampleWeight(context.SampleWeight, n) ?? Enumerable.Repeat(1.0, n).ToArray();
        if (Options.InitCenters is { } given && given[0].Length != p)
        {
            throw new HyperparameterException("init_centers", string.Create(CultureInfo.InvariantCulture, $"centres have {given[0].Length} values but the data has {p} feature columns"));
        }

        if (k > n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_clusters={k} is larger than the number of rows ({n}). Use fewer clusters or more data"));
        }

        int distinct = Unsupervised.DistinctRows(x, k);
        if (distinct < k)
        {
            throw new DataValidationException(string.Create(
                CultureInfo.InvariantCulture,
                $"n_clusters={k} is larger than the number of distinct rows ({distinct}{(distinct == 1 ? ": all rows are identical" : string.Empty)}). Use at most {distinct} clusters"));
        }

        var data = new KMeansData(x, w);
        var rng = Unsupervised.Rng(Options.RandomState);
        double tol = data.MeanVariance * Options.Tol;
        int runs = Options.InitCenters is null ? Options.NInit : 1;
        KMeansRun? best = null;
        for (int run = 0; run < runs; run++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            double[] init = Options.InitCenters is { } c
                ? data.Center(c)
                : Options.Init == KMeansInit.KMeansPlusPlus ? KMeansInitialization.PlusPlus(data, k, rng) : KMeansInitialization.RandomRows(data, k, rng);
            var result = Options.Algorithm == KMeansAlgorithm.Elkan
                ? KMeansSolver.Elkan(data, init, k, Options.MaxIter, tol, context, Kind)
                : KMeansSolver.Lloyd(data, init, k, Options.MaxIter, tol, context, Kind);
            if (best is null || result.Inertia < best.Inertia)
            {
                best = result;
            }
        }

        var centers = new Matrix(k, p, best!.Centers);
        for (int c = 0; c < k; c++)
        {
            var row = centers.Row(c);
            System.Numerics.Tensors.TensorPrimitives.Add(row, data.Mean, row);
        }

        return new KMeansModel(Options, features.Schema, centers, best.Labels, best.Inertia, best.Iterations);
    }
}

/// <summary>Centred data, weights and squared norms shared by the k-means routines.</summary>
internal sealed class KMeansData
{
    public KMeansData(Matrix x, double[] weights)
    {
        N = x.Rows;
        P = x.Columns;
        Weights = weights;
        Mean = new double[P];
        X = x.AsSpan().ToArray();
        var (blocks, rows) = DenseKernels.Partition(N);
        var sums = new double[blocks][];
        Parallel.For(0, blocks, b =>
        {
            var s = new double[P];
            for (int i = b * rows; i < Math.Min(N, (b + 1) * rows); i++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(s, X.AsSpan(i * P, P), s);
            }

            sums[b] = s;
        });
        foreach (var s in sums)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(Mean, s, Mean);
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(Mean, N, Mean);
        var squares = new double[blocks][];
        SquaredNorms = new double[N];
        Parallel.For(0, blocks, b =>
        {
            var s = new double[P];
            for (int i = b * rows; i < Math.Min(N, (b + 1) * rows); i++)
            {
                var row = X.AsSpan(i * P, P);
                System.Numerics.Tensors.TensorPrimitives.Subtract(row, Mean, row);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, row, s, s);
                SquaredNorms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
            }

            squares[b] = s;
        });
        double total = 0;
        foreach (var s in squares)
        {
            total += s.Sum();
        }

        MeanVariance = total / N / P;
    }

    public int N { get; }

    public int P { get; }

    /// <summary>Row-major centred data.</summary>
    public double[] X { get; }

    public double[] Weights { get; }

    public double[] Mean { get; }

    public double[] SquaredNorms { get; }

    public double MeanVariance { get; }

    public ReadOnlySpan<double> Row(int i) => X.AsSpan(i * P, P);

    /// <summary>Centres given in the original space, shifted like the data.</summary>
    public double[] Center(double[][] centers)
    {
        var result = new double[centers.Length * P];
        for (int c = 0; c < centers.Length; c++)
        {
            for (int j = 0; j < P; j++)
            {
                result[(c * P) + j] = centers[c][j] - Mean[j];
            }
        }

        return result;
    }
}

/// <summary>k-means++ and random seeding.</summary>
internal static class KMeansInitialization
{
    /// <summary>
    /// Greedy k-means++ (Arthur &amp; Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials): each new centre is
    /// the best of several candidates drawn with probability ∝ weight × squared distance to the nearest centre so far.
    /// </summary>
    public static double[] PlusPlus(KMeansData data, int k, Random rng)
    {
        int n = data.N, p = data.P;
        var centers = new double[k * p];
        int trials = 2 + (int)Math.Log(k);
        int first = SampleByWeight(data.Weights, null, rng.NextDouble() * data.Weights.Sum());
        data.Row(first).CopyTo(centers.AsSpan(0, p));
        var closest = new double[n];
        DistancesTo(data, data.Row(first), closest);
        double pot = WeightedSum(closest, data.Weights);
        var candidates = new double[trials][];
        for (int t = 0; t < trials; t++)
        {
            candidates[t] = new double[n];
        }

        var ids = new int[trials];
        var pots = new double[trials];
        for (int c = 1; c < k; c++)
        {
            var cumulative = Cumulative(closest, data.Weights);
            for (int t = 0; t < trials; t++)
            {
                ids[t] = Math.Min(n - 1, LowerBound(cumulative, rng.NextDouble() * pot));
            }

            CandidateDistances(data, ids, closest, candidates, pots);
            int best = 0;
            for (int t = 1; t < trials; t++)
            {
                if (pots[t] < pots[best])
                {
                    best = t;
                }
            }

            data.Row(ids[best]).CopyTo(centers.AsSpan(c * p, p));
            (closest, candidates[best]) = (candidates[best], closest);
            pot = pots[best];
        }

        return centers;
    }

    // For each candidate row t: min(closest, ‖x − x_t‖²) for every row into candidates[t], and its weighted sum into pots[t].
    // One blocked pass computes all candidates' distances through ‖x‖² − 2x·c + ‖c‖² (as scikit-learn's euclidean_distances).
    private static void CandidateDistances(KMeansData data, int[] ids, double[] closest, double[][] candidates, double[] pots)
    {
        int n = data.N, p = data.P, m = ids.Length;
        var rows = new double[m * p];
        for (int t = 0; t < m; t++)
        {
            data.Row(ids[t]).CopyTo(rows.AsSpan(t * p, p));
        }

        double[] ct = DenseKernels.TransposePadded(rows, m, p, out int mPad);
        var (blocks, per) = DenseKernels.Partition(n);
        var partial = new double[blocks * m];
        Parallel.For(0, blocks, b =>
        {
            const int Chunk = 256;
            var dots = new double[Chunk * mPad];
            int from = b * per, to = Math.Min(n, from + per);
            for (int start = from; start < to; start += Chunk)
            {
                int len = Math.Min(Chunk, to - start);
                DenseKernels.MultiplyRows(data.X, p, ct, mPad, dots, start, start + len, start);
                for (int r = 0; r < len; r++)
                {
                    int i = start + r;
                    for (int t = 0; t < m; t++)
                    {
                        double d = data.SquaredNorms[i] + data.SquaredNorms[ids[t]] - (2 * dots[(r * mPad) + t]);
                        d = Math.Min(Math.Max(d, 0), closest[i]);
                        candidates[t][i] = d;
                        partial[(b * m) + t] += data.Weights[i] * d;
                    }
                }
            }
        });
        for (int t = 0; t < m; t++)
        {
            double s = 0;
            for (int b = 0; b < blocks; b++)
            {
                s += partial[(b * m) + t];
            }

            pots[t] = s;
        }
    }

    /// <summary>k distinct rows drawn with probability ∝ weight.</summary>
    public static double[] RandomRows(KMeansData data, int k, Random rng)
    {
        var chosen = new List<int>(k);
        var weights = (double[])data.Weights.Clone();
        for (int c = 0; c < k; c++)
        {
            double total = weights.Sum();
            int id = total > 0 ? SampleByWeight(weights, null, rng.NextDouble() * total) : rng.Next(data.N);
            chosen.Add(id);
            weights[id] = 0;
        }

        var centers = new double[k * data.P];
        for (int c = 0; c < k; c++)
        {
            data.Row(chosen[c]).CopyTo(centers.AsSpan(c * data.P, data.P));
        }

        return centers;
    }

    private static void DistancesTo(KMeansData data, ReadOnlySpan<double> center, double[] result)
    {
        int p = data.P;
        double[] c = center.ToArray();
        var (blocks, rows) = DenseKernels.Partition(data.N);
        Parallel.For(0, blocks, b =>
        {
            int from = b * rows, to = Math.Min(data.N, from + rows);
            for (int i = from; i < to; i++)
            {
                result[i] = System.Numerics.Tensors.TensorPrimitives.Distance(data.X.AsSpan(i * p, p), c);
                result[i] *= result[i];
            }
        });
    }

    private static double WeightedSum(double[] d, double[] w) => System.Numerics.Tensors.TensorPrimitives.Dot(d, w);

    private static double[] Cumulative(double[] d, double[] w)
    {
        var result = new double[d.Length];
        double s = 0;
        for (int i = 0; i < d.Length; i++)
        {
            s += d[i] * w[i];
            result[i] = s;
        }

        return result;
    }

    private static int SampleByWeight(double[] weights, double[]? unused, double target)
    {
        _ = unused;
        double s = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            s += weights[i];
            if (s > target && weights[i] > 0)
            {
                return i;
            }
        }

        for (int i = weights.Length - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    // First index whose cumulative value is ≥ target (numpy's searchsorted, side='left').
    private static int LowerBound(double[] cumulative, double target)
    {
        int lo = 0, hi = cumulative.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < target)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

/// <summary>The result of one k-means run (centres in the centred space).</summary>
internal sealed record KMeansRun(double[] Centers, int[] Labels, double Inertia, int Iterations);

/// <summary>Lloyd and Elkan iterations, following scikit-learn's <c>_kmeans_single_lloyd</c> / <c>_kmeans_single_elkan</c>.</summary>
internal static class KMeansSolver
{
    private const int Chunk = 256;

    public static KMeansRun Lloyd(KMeansData data, double[] init, int k, int maxIter, double tol, FitContext context, string kind)
    {
        int n = data.N, p = data.P;
        double[] centers = (double[])init.Clone();
        var labels = new int[n];
        var oldLabels = new int[n];
        Array.Fill(oldLabels, -1);
        bool strict = false;
        int iteration = 0;
        while (iteration < maxIter)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            iteration++;
            var (sums, clusterWeights) = AssignAndSum(data, centers, k, labels, computeSums: true);
            double[] newCenters = UpdateCenters(data, centers, sums!, clusterWeights!, labels, k);
            double shift = 0;
            for (int i = 0; i < centers.Length; i++)
            {
                double d = newCenters[i] - centers[i];
                shift += d * d;
            }

            centers = newCenters;
            context.Progress?.Report(new FitProgress(kind, iteration, maxIter, null));
            if (labels.AsSpan().SequenceEqual(oldLabels))
            {
                strict = true;
                break;
            }

            if (shift <= tol)
            {
                break;
            }

            labels.CopyTo(oldLabels, 0);
        }

        if (!strict)
        {
            AssignAndSum(data, centers, k, labels, computeSums: false);
        }

        return new KMeansRun(centers, labels, Inertia(data, centers, labels), iteration);
    }

    /// <summary>Nearest centre of every row (and, optionally, weighted per-cluster sums), parallel over fixed row blocks.</summary>
    public static (double[]? Sums, double[]? Weights) AssignAndSum(KMeansData data, double[] centers, int k, int[] labels, bool computeSums)
    {
        int n = data.N, p = data.P;
        double[] ct = DenseKernels.TransposePadded(centers, k, p, out int kPad);
        var centerNorms = new double[k];
        for (int c = 0; c < k; c++)
        {
            var row = centers.AsSpan(c * p, p);
            centerNorms[c] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
        }

        var (blocks, rows) = DenseKernels.Partition(n);
        double[][]? blockSums = computeSums ? new double[blocks][] : null;
        double[][]? blockWeights = computeSums ? new double[blocks][] : null;
        Parallel.For(0, blocks, b =>
        {
            int from = b * rows, to = Math.Min(n, from + rows);
            var dots = new double[Chunk * kPad];
            double[]? sums = computeSums ? new double[k * p] : null;
            double[]? weights = computeSums ? new double[k] : null;
            for (int start = from; start < to; start += Chunk)
            {
                int len = Math.Min(Chunk, to - start);
                DenseKernels.MultiplyRows(data.X, p, ct, kPad, dots, start, start + len, start);
                for (int r = 0; r < len; r++)
                {
                    int i = start + r;
                    int best = 0;
                    double bestD = centerNorms[0] - (2 * dots[r * kPad]);
                    for (int c = 1; c < k; c++)
                    {
                        double d = centerNorms[c] - (2 * dots[(r * kPad) + c]);
                        if (d < bestD)
                        {
                            bestD = d;
                            best = c;
                        }
                    }

                    labels[i] = best;
                    if (sums is not null)
                    {
                        double w = data.Weights[i];
                        var target = sums.AsSpan(best * p, p);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(data.Row(i), w, target, target);
                        weights![best] += w;
                    }
                }
            }

            if (computeSums)
            {
                blockSums![b] = sums!;
                blockWeights![b] = weights!;
            }
        });
        if (!computeSums)
        {
            return (null, null);
        }

        var total = blockSums![0];
        var totalWeights = blockWeights![0];
        for (int b = 1; b < blocks; b++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(total, blockSums[b], total);
            System.Numerics.Tensors.TensorPrimitives.Add(totalWeights, blockWeights[b], totalWeights);
        }

        return (total, totalWeights);
    }

    /// <summary>
    /// Weighted means of the clusters; an empty cluster takes the row farthest from its centre (scikit-learn's
    /// <c>_relocate_empty_clusters_dense</c>).
    /// </summary>
    private static double[] UpdateCenters(KMeansData data, double[] oldCenters, double[] sums, double[] weights, int[] labels, int k)
    {
        int p = data.P;
        var empty = Enumerable.Range(0, k).Where(c => weights[c] == 0).ToArray();
        if (empty.Length > 0)
        {
            var distance = new double[data.N];
            for (int i = 0; i < data.N; i++)
            {
                double d = System.Numerics.Tensors.TensorPrimitives.Distance(data.Row(i), oldCenters.AsSpan(labels[i] * p, p));
                distance[i] = d * d;
            }

            var far = Enumerable.Range(0, data.N).OrderByDescending(i => distance[i]).ThenBy(i => i).Take(empty.Length).ToArray();
            for (int e = 0; e < empty.Length; e++)
            {
                int id = far[e], newCluster = empty[e], oldCluster = labels[id];
                double w = data.Weights[id];
                var row = data.Row(id);
                var oldSum = sums.AsSpan(oldCluster * p, p);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, -w, oldSum, oldSum);
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, w, sums.AsSpan(newCluster * p, p));
                weights[newCluster] = w;
                weights[oldCluster] -= w;
                labels[id] = newCluster;
            }
        }

        var centers = new double[k * p];
        for (int c = 0; c < k; c++)
        {
            if (weights[c] > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(sums.AsSpan(c * p, p), weights[c], centers.AsSpan(c * p, p));
            }
            else
            {
                oldCenters.AsSpan(c * p, p).CopyTo(centers.AsSpan(c * p, p));
            }
        }

        return centers;
    }

    /// <summary>Σ wᵢ ‖xᵢ − c_labelᵢ‖², computed directly (not through the norm expansion) for accuracy.</summary>
    public static double Inertia(KMeansData data, double[] centers, int[] labels)
    {
        int p = data.P;
        var (blocks, rows) = DenseKernels.Partition(data.N);
        var partial = new double[blocks];
        Parallel.For(0, blocks, b =>
        {
            int from = b * rows, to = Math.Min(data.N, from + rows);
            double s = 0;
            Span<double> diff = stackalloc double[p];
            for (int i = from; i < to; i++)
            {
                System.Numerics.Tensors.TensorPrimitives.Subtract(data.Row(i), centers.AsSpan(labels[i] * p, p), diff);
                s += data.Weights[i] * System.Numerics.Tensors.TensorPrimitives.Dot(diff, diff);
            }

            partial[b] = s;
        });
        return partial.Sum();
    }

    /// <summary>
    /// Elkan's accelerated k-means (Elkan 2003, "Using the triangle inequality to accelerate k-means"): per-row upper
    /// bounds on the distance to the own centre and lower bounds to every centre skip most distance computations.
    /// </summary>
    public static KMeansRun Elkan(KMeansData data, double[] init, int k, int maxIter, double tol, FitContext context, string kind)
    {
        int n = data.N, p = data.P;
        double[] centers = (double[])init.Clone();
        var labels = new int[n];
        var upper = new double[n];
        var lower = new double[n * k];
        var tight = new bool[n];

        // Initial bounds: exact distances to every centre.
        var (blocks, rows) = DenseKernels.Partition(n);
        Parallel.For(0, blocks, b =>
        {
            int from = b * rows, to = Math.Min(n, from + rows);
            for (int i = from; i < to; i++)
            {
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double d = System.Numerics.Tensors.TensorPrimitives.Distance(data.Row(i), centers.AsSpan(c * p, p));
                    lower[(i * k) + c] = d;
                    if (d < bestD)
                    {
                        bestD = d;
                        best = c;
                    }
                }

                labels[i] = best;
                upper[i] = bestD;
                tight[i] = true;
            }
        });

        var oldLabels = new int[n];
        Array.Fill(oldLabels, -1);
        bool strict = false;
        int iteration = 0;
        var half = new double[k * k];
        var nextCenter = new double[k];
        while (iteration < maxIter)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            iteration++;
            ElkanAssign(data, centers, k, labels, upper, lower, tight, half, nextCenter);
            var sums = new double[k * p];
            var weights = new double[k];
            for (int i = 0; i < n; i++)
            {
                var target = sums.AsSpan(labels[i] * p, p);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(data.Row(i), data.Weights[i], target, target);
                weights[labels[i]] += data.Weights[i];
            }

            var newCenters = UpdateCenters(data, centers, sums, weights, labels, k);
            var shift = new double[k];
            double shiftTotal = 0;
            for (int c = 0; c < k; c++)
            {
                shift[c] = System.Numerics.Tensors.TensorPrimitives.Distance(newCenters.AsSpan(c * p, p), centers.AsSpan(c * p, p));
                shiftTotal += shift[c] * shift[c];
            }

            centers = newCenters;
            for (int i = 0; i < n; i++)
            {
                upper[i] += shift[labels[i]];
                tight[i] = false;
                for (int c = 0; c < k; c++)
                {
                    lower[(i * k) + c] = Math.Max(lower[(i * k) + c] - shift[c], 0);
                }
            }

            context.Progress?.Report(new FitProgress(kind, iteration, maxIter, null));
            if (labels.AsSpan().SequenceEqual(oldLabels))
            {
                strict = true;
                break;
            }

            if (shiftTotal <= tol)
            {
                break;
            }

            labels.CopyTo(oldLabels, 0);
        }

        if (!strict)
        {
            ElkanAssign(data, centers, k, labels, upper, lower, tight, half, nextCenter);
        }

        return new KMeansRun(centers, labels, Inertia(data, centers, labels), iteration);
    }

    private static void ElkanAssign(KMeansData data, double[] centers, int k, int[] labels, double[] upper, double[] lower, bool[] tight, double[] half, double[] nextCenter)
    {
        int n = data.N, p = data.P;
        for (int a = 0; a < k; a++)
        {
            nextCenter[a] = double.PositiveInfinity;
            for (int b = 0; b < k; b++)
            {
                half[(a * k) + b] = a == b ? 0 : 0.5 * System.Numerics.Tensors.TensorPrimitives.Distance(centers.AsSpan(a * p, p), centers.AsSpan(b * p, p));
                if (a != b)
                {
                    nextCenter[a] = Math.Min(nextCenter[a], half[(a * k) + b]);
                }
            }
        }

        var (blocks, rows) = DenseKernels.Partition(n);
        Parallel.For(0, blocks, blk =>
        {
            int from = blk * rows, to = Math.Min(n, from + rows);
            for (int i = from; i < to; i++)
            {
                int label = labels[i];
                double u = upper[i];
                if (u <= nextCenter[label])
                {
                    continue;
                }

                bool isTight = tight[i];
                for (int c = 0; c < k; c++)
                {
                    if (c == label || u <= lower[(i * k) + c] || u <= half[(label * k) + c])
                    {
                        continue;
                    }

                    if (!isTight)
                    {
                        u = System.Numerics.Tensors.TensorPrimitives.Distance(data.Row(i), centers.AsSpan(label * p, p));
                        lower[(i * k) + label] = u;
                        isTight = true;
                        if (u <= lower[(i * k) + c] || u <= half[(label * k) + c])
                        {
                            continue;
                        }
                    }

                    double d = System.Numerics.Tensors.TensorPrimitives.Distance(data.Row(i), centers.AsSpan(c * p, p));
                    lower[(i * k) + c] = d;
                    if (d < u)
                    {
                        label = c;
                        u = d;
                    }
                }

                labels[i] = label;
                upper[i] = u;
                tight[i] = isTight;
            }
        });
    }
}

/// <summary>A fitted <see cref="KMeans"/>.</summary>
public sealed class KMeansModel : FittedModel<KMeansOptions>, IClusteringModel, IPredictor
{
    private readonly int[] _labels;

    internal KMeansModel(KMeansOptions options, Schema inputSchema, Matrix centers, int[] labels, double inertia, int iterations)
        : base(options, inputSchema)
    {
        ClusterCenters = centers;
        _labels = labels;
        Inertia = inertia;
        Iterations = iterations;
    }

    /// <inheritdoc />
    public override string Kind => KMeans.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Clustering;

    /// <summary>The centres (<c>cluster_centers_</c>), one row per cluster, columns in <c>FeatureNames</c> order.</summary>
    public Matrix ClusterCenters { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int ClusterCount => ClusterCenters.Rows;

    /// <summary>Weighted sum of squared distances of the training rows to their centres (<c>inertia_</c>).</summary>
    public double Inertia { get; }

    /// <summary>Iterations of the best run (<c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <summary>Names of the <see cref="Transform"/> columns: <c>kmeans0</c>, <c>kmeans1</c>, …</summary>
    public IReadOnlyList<string> FeatureNamesOut => [.. Enumerable.Range(0, ClusterCount).Select(c => string.Create(CultureInfo.InvariantCulture, $"kmeans{c}"))];

    /// <inheritdoc />
    public Column Predict(Table features) => Unsupervised.LabelColumn(Predict(features.ConformTo(InputSchema).ToMatrix()));

    /// <summary>The nearest centre of each row of a matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public int[] Predict(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var distances = Distances(features);
        var labels = new int[features.Rows];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMin<double>(distances.Row(i));
        }

        return labels;
    }

    /// <summary>
    /// Euclidean distances of each row to every centre (scikit-learn's <c>transform</c>). Not the
    /// <see cref="ITransformerModel"/> contract on purpose: in a pipeline, a final k-means step predicts clusters.
    /// </summary>
    public Table Transform(Table features) => Table.FromMatrix(Distances(features.ConformTo(InputSchema).ToMatrix()), FeatureNamesOut);

    private Matrix Distances(Matrix x)
    {
        var result = new Matrix(x.Rows, ClusterCount);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int c = 0; c < ClusterCount; c++)
            {
                result[i, c] = System.Numerics.Tensors.TensorPrimitives.Distance(x.Row(i), ClusterCenters.Row(c));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("cluster_centers", ClusterCenters);
        writer.Write("labels", _labels);
        writer.Write("inertia", Inertia);
        writer.Write("n_iter", Iterations);
    }

    internal static KMeansModel Load(ModelReader reader) => new(
        reader.ReadOptions<KMeansOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("cluster_centers"),
        reader.ReadInt32s("labels"),
        reader.ReadDouble("inertia"),
        reader.ReadInt32("n_iter"));
}
