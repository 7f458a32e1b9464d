using System.Runtime.CompilerServices;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Trees;

namespace NetLearn.Boosting;

/// <summary>The loss being boosted.</summary>
internal enum HistLoss
{
    SquaredError,
    Poisson,
    BinaryLogLoss,
    MultinomialLogLoss,
}

/// <summary>What a boosting fit produced.</summary>
internal sealed record HistFitResult(HistBinner Binner, double[] Baseline, HistTree[] Trees, int Iterations, double[] TrainLoss, double[] ValidationLoss);

/// <summary>
/// Gradient boosting (Friedman, <i>Greedy Function Approximation: A Gradient Boosting Machine</i>, 2001) with second-order
/// leaf values on histogram trees, as scikit-learn's HistGradientBoosting: binned features, one tree per iteration (one
/// per class for more than two classes), optional early stopping on a held-out validation fraction.
/// </summary>
internal static class HistTrainer
{
    /// <summary>Below this many rows <see cref="HistCategoricalSplit.Auto"/> searches one category against the rest (ML.NET's threshold for LightGBM's categorical splits).</summary>
    internal const int OneVsRestBelowRows = 50_000;

    public static HistFitResult Train(HistGradientBoostingOptionsBase options, Table features, HistLoss loss, int classes, double[] y, double[]? sampleWeight, FitContext context, string kind)
    {
        int n = features.RowCount, p = features.ColumnCount;
        int k = loss == HistLoss.MultinomialLogLoss ? classes : 1;
        bool[] categorical = CategoricalMask(features, options.CategoricalFeatures);
        var random = new TreeRandom(TreeRandom.SeedFrom(options.RandomState));

        bool early = options.EarlyStopping ?? n > 10_000;
        int[] all = new int[n];
        for (int i = 0; i < n; i++)
        {
            all[i] = i;
        }

        int[] train = all, validation = [];
        if (early)
        {
            int validationCount = Math.Max(1, (int)Math.Ceiling(options.ValidationFraction * n));
            if (n - validationCount < 2)
            {
                throw new DataValidationException("Too few rows to hold out a validation fraction for early stopping. Set early_stopping=false or add rows");
            }

            var shuffled = (int[])all.Clone();
            for (int i = n - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }

            validation = shuffled[..validationCount];
            train = shuffled[validationCount..];
            Array.Sort(validation);
            Array.Sort(train);
        }

        var binner = HistBinner.Fit(features, early ? train : null, categorical, options.MaxBins, random, options.Threads);
        byte[] bins = binner.Transform(features, options.Threads);
        int[] binCount = [.. Enumerable.Range(0, p).Select(binner.BinCount)];
        double[] w = sampleWeight ?? Ones(n);

        double[] baseline = Baseline(loss, k, y, w, train);
        var raw = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            baseline.CopyTo(raw, i * k);
        }

        var settings = new GrowerSettings(
            options.LearningRate, options.MaxLeafNodes, options.MaxDepth, options.MinSamplesLeaf, options.L2Regularization, options.Threads,
            (f, b) => b < binner.Thresholds[f].Length ? binner.Thresholds[f][b] : double.PositiveInfinity)
        {
            CatL2 = options.CatL2,
            MinDataPerGroup = options.MinDataPerGroup,
            OneVsRest = options.CategoricalSplit == HistCategoricalSplit.OneVsRest
                || (options.CategoricalSplit == HistCategoricalSplit.Auto && n < OneVsRestBelowRows),
        };

        // Friedman's K/(K − 1) (2001, Algorithm 6) on the multiclass hessians; 1 reproduces scikit-learn's HistGradientBoosting.
        double hessianScale = k > 2 && options is HistGradientBoostingClassifierOptions { ScaleMulticlassStep: true } ? k / (k - 1.0) : 1.0;
        using var team = new HistTeam(Math.Min(options.Threads, Environment.ProcessorCount));
        var grower = new HistGrower(bins, n, p, binCount, categorical, settings, team);
        // Per output: gradient and hessian of row i packed at 2i and 2i+1 (one 16-byte load per row when histogramming).
        var gh = new double[k][];
        for (int c = 0; c < k; c++)
        {
            gh[c] = new double[2 * n];
        }

        var trees = new List<HistTree>();
        var trainLoss = new List<double>();
        var validationLoss = new List<double>();
        var work = new int[train.Length];
        int iterations = 0;
        for (int iteration = 0; iteration < options.MaxIter; iteration++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            // Rows are independent: contiguous blocks of them per thread give the same numbers for any thread count.
            team.Run(team.Size, t => Gradients(loss, k, y, w, raw, Part(train, t, team.Size), gh, hessianScale));
            for (int c = 0; c < k; c++)
            {
                Array.Copy(train, work, train.Length);
                var tree = grower.Grow(work, work.Length, gh[c], raw, k, c);
                trees.Add(tree);
                foreach (int i in validation)
                {
                    raw[(i * k) + c] += tree.PredictBinned(bins, n, i);
                }
            }

            iterations++;

            // The training loss costs a logarithm per row and iteration (~10 % of a fit): only computed when someone listens.
            if (early || context.Progress is not null)
            {
                double lossValue = Loss(loss, k, y, w, raw, early ? validation : train);
                (early ? validationLoss : trainLoss).Add(lossValue);
                context.Progress?.Report(new FitProgress(kind, iterations, options.MaxIter, lossValue));
            }

            if (early && ShouldStop(validationLoss, options.NIterNoChange, options.Tol))
            {
                break;
            }
        }

        return new HistFitResult(binner, baseline, [.. trees], iterations, [.. trainLoss], [.. validationLoss]);
    }

    // scikit-learn's rule: stop when none of the last n_iter_no_change losses beat the one before them by more than tol.
    private static bool ShouldStop(List<double> losses, int patience, double tol)
    {
        if (losses.Count <= patience)
        {
            return false;
        }

        double reference = losses[^(patience + 1)];
        for (int i = losses.Count - patience; i < losses.Count; i++)
        {
            if (losses[i] < reference - tol)
            {
                return false;
            }
        }

        return true;
    }

    internal static bool[] CategoricalMask(Table features, IReadOnlyList<string>? names)
    {
        var mask = new bool[features.ColumnCount];
        for (int f = 0; f < mask.Length; f++)
        {
            var column = features[f];
            mask[f] = names is null ? column.Kind is ColumnKind.Categorical or ColumnKind.Boolean : names.Contains(column.Name);
            if (!mask[f] && column.Kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
            {
                throw new DataValidationException(
                    $"Gradient boosting takes numeric and categorical features, but '{column.Name}' is {column.Kind.ToString().ToLowerInvariant()}. Drop it or convert it",
                    column: column.Name);
            }
        }

        if (names is not null)
        {
            foreach (string name in names)
            {
                if (!features.Contains(name))
                {
                    throw new HyperparameterException("categorical_features", $"names '{name}', which is not a feature column");
                }
            }
        }

        return mask;
    }

    private static double[] Ones(int n)
    {
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return ones;
    }

    private static double[] Baseline(HistLoss loss, int k, double[] y, double[] w, int[] rows)
    {
        double total = 0;
        foreach (int i in rows)
        {
            total += w[i];
        }

        switch (loss)
        {
            case HistLoss.MultinomialLogLoss:
            {
                var prior = new double[k];
                foreach (int i in rows)
                {
                    prior[(int)y[i]] += w[i];
                }

                return [.. prior.Select(v => Math.Log(Math.Max(v / total, 1e-15)))];
            }

            case HistLoss.BinaryLogLoss:
            {
                double positive = 0;
                foreach (int i in rows)
                {
                    positive += w[i] * y[i];
                }

                double p = Math.Clamp(positive / total, 1e-15, 1 - 1e-15);
                return [Math.Log(p / (1 - p))];
            }

            default:
            {
                double mean = 0;
                foreach (int i in rows)
                {
                    mean += w[i] * y[i];
                }

                mean /= total;
                return [loss == HistLoss.Poisson ? Math.Log(Math.Max(mean, 1e-15)) : mean];
            }
        }
    }

    // Part t of parts contiguous, nearly equal blocks of rows.
    private static ReadOnlySpan<int> Part(int[] rows, int t, int parts)
    {
        int first = (int)((long)rows.Length * t / parts), last = (int)((long)rows.Length * (t + 1) / parts);
        return rows.AsSpan(first, last - first);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gradients(HistLoss loss, int k, double[] y, double[] w, double[] raw, ReadOnlySpan<int> rows, double[][] gh, double hessianScale)
    {
        switch (loss)
        {
            case HistLoss.SquaredError:
            {
                var g = gh[0];
                foreach (int i in rows)
                {
                    g[2 * i] = w[i] * (raw[i] - y[i]);
                    g[(2 * i) + 1] = w[i];
                }

                break;
            }

            case HistLoss.Poisson:
            {
                var g = gh[0];
                foreach (int i in rows)
                {
                    double mu = Math.Exp(raw[i]);
                    g[2 * i] = w[i] * (mu - y[i]);
                    g[(2 * i) + 1] = w[i] * mu;
                }

                break;
            }

            case HistLoss.BinaryLogLoss:
                BinaryGradients(y, w, raw, rows, gh[0]);
                break;
            default:
                Span<double> proba = k <= 256 ? stackalloc double[k] : new double[k];
                foreach (int i in rows)
                {
                    Softmax(raw.AsSpan(i * k, k), proba);
                    int label = (int)y[i];
                    for (int c = 0; c < k; c++)
                    {
                        double pc = proba[c];
                        gh[c][2 * i] = w[i] * (pc - (c == label ? 1.0 : 0.0));
                        gh[c][(2 * i) + 1] = hessianScale * w[i] * pc * (1 - pc);
                    }
                }

                break;
        }
    }

    // Log-loss gradients p − y and hessians p(1 − p), p = sigmoid(raw) in its overflow-free form: with e = exp(−|raw|),
    // p = 1/(1 + e) for raw ≥ 0 and e/(1 + e) otherwise (the same numbers as Sigmoid, without its data-dependent branch
    // around the exponential). TensorPrimitives.Exp was measured: its generic vectorised code reaches optimised JIT
    // tiers too late in a fit and made this step 5× slower with one thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryGradients(double[] y, double[] w, double[] raw, ReadOnlySpan<int> rows, double[] gh)
    {
        foreach (int i in rows)
        {
            double z = raw[i];
            double e = Math.Exp(-Math.Abs(z));
            double p = (z >= 0 ? 1.0 : e) / (1.0 + e);
            gh[2 * i] = w[i] * (p - y[i]);
            gh[(2 * i) + 1] = w[i] * p * (1 - p);
        }
    }

    private static double Loss(HistLoss loss, int k, double[] y, double[] w, double[] raw, int[] rows)
    {
        double sum = 0, total = 0;
        Span<double> proba = k <= 256 ? stackalloc double[k] : new double[k];
        foreach (int i in rows)
        {
            double l;
            switch (loss)
            {
                case HistLoss.SquaredError:
                    l = 0.5 * (raw[i] - y[i]) * (raw[i] - y[i]);
                    break;
                case HistLoss.Poisson:
                    l = Math.Exp(raw[i]) - (y[i] * raw[i]);
                    break;
                case HistLoss.BinaryLogLoss:
                    double z = raw[i];
                    l = (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - (y[i] * z);
                    break;
                default:
                    Softmax(raw.AsSpan(i * k, k), proba);
                    l = -Math.Log(Math.Max(proba[(int)y[i]], 1e-300));
                    break;
            }

            sum += w[i] * l;
            total += w[i];
        }

        return sum / total;
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Softmax(ReadOnlySpan<double> scores, Span<double> proba)
    {
        double max = double.NegativeInfinity;
        foreach (double s in scores)
        {
            max = Math.Max(max, s);
        }

        double sum = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            proba[c] = Math.Exp(scores[c] - max);
            sum += proba[c];
        }

        for (int c = 0; c < scores.Length; c++)
        {
            proba[c] /= sum;
        }
    }
}
