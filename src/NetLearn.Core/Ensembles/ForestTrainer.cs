using NetLearn.Estimators;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>
/// Grows the trees of a forest in parallel (Breiman, <i>Random Forests</i>, Machine Learning 45, 2001; Geurts et al.
/// 2006 for extra-trees). Every tree gets its own seed, drawn up front from the forest's seed, and its bootstrap sample
/// is drawn from that seed: the forest depends only on <c>random_state</c>, never on the number of threads or on
/// scheduling. Bootstrap counts are passed to the builder as row weights, as scikit-learn does.
/// </summary>
internal static class ForestTrainer
{
    /// <param name="data">The training data.</param>
    /// <param name="settings">The tree settings.</param>
    /// <param name="options">The forest options.</param>
    /// <param name="context">Cancellation and progress.</param>
    /// <param name="kind">The model kind, for progress reports.</param>
    /// <param name="balancedSubsample">
    /// <c>class_weight="balanced_subsample"</c>: each tree's rows are weighted by draws / (classes drawn · draws of
    /// their class) in its own bootstrap sample (scikit-learn's <c>compute_sample_weight("balanced", y, indices)</c>);
    /// without bootstrap, the same weights over all rows ("balanced").
    /// </param>
    public static (TreeStructure[] Trees, ulong[] Seeds) Grow(
        TreeTrainingData data, TreeSettings settings, ForestOptionsBase options, FitContext context, string kind, bool balancedSubsample = false)
    {
        int n = data.X.Rows, trees = options.NEstimators;
        var master = new TreeRandom(TreeRandom.SeedFrom(options.RandomState));
        var seeds = new ulong[trees];
        for (int t = 0; t < trees; t++)
        {
            seeds[t] = master.NextUInt64();
        }

        int draws = BootstrapSize(options.MaxSamples, n);
        var bins = options.HistogramBins is { } maxBins && settings.Splitter == SplitStrategy.Best && settings.Criterion != SplitCriterion.AbsoluteError
            ? FeatureBins.Build(data.X.Values, n, data.X.Columns, maxBins, options.Threads)
            : null;

        // The exact splitter's feature ranks, computed once and shared by every tree.
        var ranks = bins is null && settings.Splitter == SplitStrategy.Best
            ? FeatureRanks.Build(data.X.Values, n, data.X.Columns, options.Threads)
            : null;
        var result = new TreeStructure[trees];
        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = context.CancellationToken };
        Parallel.For(
            0,
            trees,
            parallel,
            () => (Builder: data.Builder(settings, bins, ranks), Weights: new double[n]),
            (t, _, local) =>
            {
                if (options.Bootstrap)
                {
                    Bootstrap(seeds[t], n, draws, data.Weights, local.Weights, balancedSubsample ? data.ClassCodes : null, data.Classes);
                }
                else
                {
                    data.Weights.CopyTo(local.Weights, 0);
                    if (balancedSubsample)
                    {
                        Array.Fill(local.Weights, 1.0);
                        BalanceClasses(local.Weights, data.ClassCodes!, data.Classes, data.Weights);
                    }
                }

                result[t] = local.Builder.Build(local.Weights, seeds[t] ^ 0x5DEECE66DUL, context.CancellationToken);
                int finished = Interlocked.Increment(ref done);
                context.Progress?.Report(new FitProgress(kind, finished, trees, null));
                return local;
            },
            _ => { });
        return (result, seeds);
    }

    public static int BootstrapSize(double? maxSamples, int n) => maxSamples switch
    {
        null => n,
        <= 1.0 and var f => Math.Max(1, (int)Math.Round(f * n)),
        var c => Math.Min(n, (int)c),
    };

    /// <summary>
    /// Row weights of one bootstrap sample: the row's weight times how often it was drawn, times its class's balanced
    /// weight in this sample when <paramref name="classes"/> is given (balanced_subsample).
    /// </summary>
    public static void Bootstrap(ulong seed, int n, int draws, double[] rowWeights, double[] target, int[]? classes = null, int classCount = 0)
    {
        Array.Clear(target);
        var random = new TreeRandom(seed);
        for (int i = 0; i < draws; i++)
        {
            target[random.NextInt(n)] += 1.0;
        }

        if (classes is not null)
        {
            BalanceClasses(target, classes, classCount, rowWeights);
            return;
        }

        for (int i = 0; i < n; i++)
        {
            target[i] *= rowWeights[i];
        }
    }

    /// <summary>
    /// Multiplies draw counts by draws / (classes present · draws of the row's class) and by the row weights, as
    /// scikit-learn's <c>compute_sample_weight("balanced", y, indices=bootstrap)</c> (class counts ignore sample weights).
    /// </summary>
    private static void BalanceClasses(double[] counts, int[] classes, int classCount, double[] rowWeights)
    {
        var perClass = new double[classCount];
        double draws = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            perClass[classes[i]] += counts[i];
            draws += counts[i];
        }

        int present = perClass.Count(c => c > 0);
        for (int k = 0; k < classCount; k++)
        {
            perClass[k] = perClass[k] > 0 ? draws / (present * perClass[k]) : 0;
        }

        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] *= perClass[classes[i]] * rowWeights[i];
        }
    }

    /// <summary>Whether row <c>i</c> was out of every draw of the tree with this seed, for each row.</summary>
    public static bool[] OutOfBag(ulong seed, int n, int draws)
    {
        var inBag = new bool[n];
        var random = new TreeRandom(seed);
        for (int i = 0; i < draws; i++)
        {
            inBag[random.NextInt(n)] = true;
        }

        for (int i = 0; i < n; i++)
        {
            inBag[i] = !inBag[i];
        }

        return inBag;
    }

    /// <summary>Mean of the trees' normalised importances (trees that are a single leaf left out), normalised to sum 1.</summary>
    public static double[] Importances(IReadOnlyList<TreeStructure> trees, int features)
    {
        var sum = new double[features];
        int used = 0;
        foreach (var tree in trees)
        {
            if (tree.NodeCount <= 1)
            {
                continue;
            }

            var importances = tree.FeatureImportances(features);
            for (int f = 0; f < features; f++)
            {
                sum[f] += importances[f];
            }

            used++;
        }

        double total = sum.Sum();
        if (used > 0 && total > 0)
        {
            for (int f = 0; f < features; f++)
            {
                sum[f] /= total;
            }
        }

        return sum;
    }

    /// <summary>Copies column-major features to row-major (for out-of-bag predictions on the training rows).</summary>
    public static float[] RowMajor(float[] columnMajor, int rows, int columns)
    {
        var result = new float[columnMajor.Length];
        for (int c = 0; c < columns; c++)
        {
            for (int r = 0; r < rows; r++)
            {
                result[(r * columns) + c] = columnMajor[(c * rows) + r];
            }
        }

        return result;
    }
}
