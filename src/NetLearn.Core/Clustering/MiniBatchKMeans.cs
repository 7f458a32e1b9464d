using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Clustering;

/// <summary>Hyperparameters of <see cref="MiniBatchKMeans"/> (scikit-learn's names and defaults).</summary>
public sealed record MiniBatchKMeansOptions : EstimatorOptions
{
    /// <summary>Number of clusters (<c>n_clusters</c>).</summary>
    public int NClusters { get; init; } = 8;

    /// <summary>Rows per mini-batch (<c>batch_size</c>).</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Passes over the data at most (<c>max_iter</c>, in epochs).</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Stop after this many batches without improvement of the smoothed batch inertia (<c>max_no_improvement</c>).</summary>
    public int MaxNoImprovement { get; init; } = 10;

    /// <summary>Stop when the squared centre movement per batch, normalised by the mean feature variance, is at most this (<c>tol</c>; 0 disables).</summary>
    public double Tol { get; init; }

    /// <summary>Candidate initialisations (k-means++ on a sample), the best by inertia on a validation sample wins (<c>n_init</c>).</summary>
    public int NInit { get; init; } = 3;

    /// <summary>Rows used for initialisation (<c>init_size</c>); <c>null</c> = 3 × batch_size (at least 3 × n_clusters).</summary>
    public int? InitSize { get; init; }

    /// <summary>Centres with fewer than this fraction of the largest count are moved to random rows (<c>reassignment_ratio</c>).</summary>
    public double ReassignmentRatio { get; init; } = 0.01;

    /// <summary>Seed (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NClusters < 1)
        {
            throw new HyperparameterException("n_clusters", "must be at least 1");
        }

        if (BatchSize < 1)
        {
            throw new HyperparameterException("batch_size", "must be at least 1");
        }

        if (MaxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (NInit < 1)
        {
            throw new HyperparameterException("n_init", "must be at least 1");
        }

        if (!(Tol >= 0) || !(ReassignmentRatio >= 0))
        {
            throw new HyperparameterException(Tol >= 0 ? "reassignment_ratio" : "tol", "must be a non-negative number");
        }
    }
}

/// <summary>
/// Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering"), after scikit-learn's <c>MiniBatchKMeans</c>:
/// k-means++ on a sample, then per batch each centre moves towards its assigned rows with a per-centre learning rate
/// (weight seen so far), rarely used centres are reassigned to random rows, and the run stops early when the
/// exponentially smoothed batch inertia stops improving. Labels and inertia come from one final full pass.
/// </summary>
public sealed class MiniBatchKMeans(MiniBatchKMeansOptions? options = null)
    : Estimator<MiniBatchKMeansOptions, KMeansModel>(options ?? new MiniBatchKMeansOptions())
{
    /// <summary>The model kind (its fitted model is a <see cref="KMeansModel"/> recording these options).</summary>
    public const string KindName = "minibatch_kmeans";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KMeansModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "MiniBatchKMeans");
        int n = x.Rows, p = x.Columns, k = Options.NClusters;
        double[] w = Checks.SampleWeight(context.SampleWeight, n) ?? Enumerable.Repeat(1.0, n).ToArray();
        int distinct = Unsupervised.DistinctRows(x, k);
        if (distinct < k)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_clusters={k} is larger than the number of distinct rows ({distinct}). Use at most {distinct} clusters"));
        }

        var data = new KMeansData(x, w);
        var rng = Unsupervised.Rng(Options.RandomState);
        int batch = Math.Min(Options.BatchSize, n);
        int initSize = Math.Min(n, Math.Max(Options.InitSize ?? (3 * batch), 3 * k));

        // Initialisation: k-means++ on random samples; keep the best by inertia on a validation sample.
        int[] validation = Sample(rng, n, initSize);
        double[]? centers = null;
        double bestInertia = double.PositiveInfinity;
        for (int init = 0; init < Options.NInit; init++)
        {
            int[] rows = Sample(rng, n, initSize);
            var sub = new KMeansData(x.TakeRows(rows), [.. rows.Select(r => w[r])]);
            double[] candidate = KMeansInitialization.PlusPlus(sub, k, rng);
            // Back to the full data's centring.
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < p; j++)
                {
                    candidate[(c * p) + j] += sub.Mean[j] - data.Mean[j];
                }
            }

            double inertia = SampleInertia(data, candidate, k, validation);
            if (inertia < bestInertia)
            {
                bestInertia = inertia;
                centers = candidate;
            }
        }

        var counts = new double[k];
        long steps = Math.Max(1, (long)Options.MaxIter * n / batch);
        double tol = Options.Tol * data.MeanVariance;
        double? ewa = null;
        double ewaMin = double.PositiveInfinity;
        int noImprovement = 0;
        long step;
        var labels = new int[batch];
        for (step = 0; step < steps; step++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            int[] rows = Sample(rng, n, batch);
            double batchInertia = Assign(data, centers!, k, rows, labels);
            var old = (double[])centers!.Clone();
            for (int b = 0; b < rows.Length; b++)
            {
                int c = labels[b], r = rows[b];
                double weight = w[r];
                if (weight == 0)
                {
                    continue;
                }

                counts[c] += weight;
                double eta = weight / counts[c];
                var center = centers.AsSpan(c * p, p);
                for (int j = 0; j < p; j++)
                {
                    center[j] += eta * (data.X[(r * p) + j] - center[j]);
                }
            }

            if (Options.ReassignmentRatio > 0 && (step + 1) % (10 + (int)counts.Min()) == 0)
            {
                Reassign(data, centers, counts, k, rng);
            }

            double shift = 0;
            for (int i = 0; i < centers.Length; i++)
            {
                shift += (centers[i] - old[i]) * (centers[i] - old[i]);
            }

            batchInertia /= rows.Length;
            double alpha = Math.Min(1.0, 2.0 * batch / (n + 1.0));
            ewa = ewa is null ? batchInertia : (ewa * (1 - alpha)) + (batchInertia * alpha);
            if (step % 10 == 0)
            {
                context.Progress?.Report(new FitProgress(Kind, (int)Math.Min(step + 1, int.MaxValue), (int)Math.Min(steps, int.MaxValue), ewa));
            }

            if (tol > 0 && shift <= tol)
            {
                break;
            }

            if (ewa < ewaMin)
            {
                ewaMin = ewa.Value;
                noImprovement = 0;
            }
            else if (++noImprovement >= Options.MaxNoImprovement)
            {
                break;
            }
        }

        var all = new int[n];
        KMeansSolver.AssignAndSum(data, centers!, k, all, computeSums: false);
        double total = KMeansSolver.Inertia(data, centers!, all);
        var result = new Matrix(k, p, centers!);
        for (int c = 0; c < k; c++)
        {
            var row = result.Row(c);
            System.Numerics.Tensors.TensorPrimitives.Add(row, data.Mean, row);
        }

        var kmOptions = new KMeansOptions { NClusters = k, NInit = Options.NInit, MaxIter = Options.MaxIter, Tol = Options.Tol, RandomState = Options.RandomState };
        return new KMeansModel(kmOptions, features.Schema, result, all, total, (int)Math.Min(step + 1, int.MaxValue));
    }

    private static int[] Sample(Random rng, int n, int size)
    {
        if (size >= n)
        {
            return [.. Enumerable.Range(0, n)];
        }

        var rows = new int[size];
        for (int i = 0; i < size; i++)
        {
            rows[i] = rng.Next(n);
        }

        return rows;
    }

    private static double Assign(KMeansData data, double[] centers, int k, int[] rows, int[] labels)
    {
        int p = data.P;
        double inertia = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            var row = data.Row(rows[b]);
            int best = 0;
            double bestD = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double d = System.Numerics.Tensors.TensorPrimitives.Distance(row, centers.AsSpan(c * p, p));
                if (d < bestD)
                {
                    bestD = d;
                    best = c;
                }
            }

            labels[b] = best;
            inertia += data.Weights[rows[b]] * bestD * bestD;
        }

        return inertia;
    }

    private static double SampleInertia(KMeansData data, double[] centers, int k, int[] rows) => Assign(data, centers, k, rows, new int[rows.Length]);

    // scikit-learn's random reassignment: centres whose count is below ratio × the largest move to random rows.
    private void Reassign(KMeansData data, double[] centers, double[] counts, int k, Random rng)
    {
        double limit = Options.ReassignmentRatio * counts.Max();
        var low = Enumerable.Range(0, k).Where(c => counts[c] < limit).ToList();
        if (low.Count == 0 || low.Count > 0.5 * k)
        {
            return;
        }

        foreach (int c in low)
        {
            int r = rng.Next(data.N);
            data.Row(r).CopyTo(centers.AsSpan(c * data.P, data.P));
            counts[c] = counts.Where(v => v >= limit).DefaultIfEmpty(1).Min();
        }
    }
}
