using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>A random forest of CART classification trees (scikit-learn's <c>RandomForestClassifier</c>): bootstrap samples, √p features per split.</summary>
public sealed class RandomForestClassifier(RandomForestClassifierOptions? options = null)
    : Estimator<RandomForestClassifierOptions, RandomForestClassifierModel>(options ?? new RandomForestClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "random_forest_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override RandomForestClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var (trees, labels, oob) = ForestFitting.Classify(Options, SplitStrategy.Best, features, target, context ?? FitContext.Default, Kind);
        return new RandomForestClassifierModel(Options, features.Schema, labels, trees, oob);
    }
}

/// <summary>Extremely randomised classification trees (scikit-learn's <c>ExtraTreesClassifier</c>): random thresholds, every row, √p features per split.</summary>
public sealed class ExtraTreesClassifier(ExtraTreesClassifierOptions? options = null)
    : Estimator<ExtraTreesClassifierOptions, ExtraTreesClassifierModel>(options ?? new ExtraTreesClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "extra_trees_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ExtraTreesClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var (trees, labels, oob) = ForestFitting.Classify(Options, SplitStrategy.Random, features, target, context ?? FitContext.Default, Kind);
        return new ExtraTreesClassifierModel(Options, features.Schema, labels, trees, oob);
    }
}

/// <summary>A random forest of CART regression trees (scikit-learn's <c>RandomForestRegressor</c>).</summary>
public sealed class RandomForestRegressor(RandomForestRegressorOptions? options = null)
    : Estimator<RandomForestRegressorOptions, RandomForestRegressorModel>(options ?? new RandomForestRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "random_forest_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override RandomForestRegressorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var (trees, oob) = ForestFitting.Regress(Options, SplitStrategy.Best, features, target, context ?? FitContext.Default, Kind);
        return new RandomForestRegressorModel(Options, features.Schema, target!.Name, trees, oob);
    }
}

/// <summary>Extremely randomised regression trees (scikit-learn's <c>ExtraTreesRegressor</c>).</summary>
public sealed class ExtraTreesRegressor(ExtraTreesRegressorOptions? options = null)
    : Estimator<ExtraTreesRegressorOptions, ExtraTreesRegressorModel>(options ?? new ExtraTreesRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "extra_trees_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ExtraTreesRegressorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var (trees, oob) = ForestFitting.Regress(Options, SplitStrategy.Random, features, target, context ?? FitContext.Default, Kind);
        return new ExtraTreesRegressorModel(Options, features.Schema, target!.Name, trees, oob);
    }
}

/// <summary>The shared fit of the four forests.</summary>
internal static class ForestFitting
{
    public static (TreeStructure[] Trees, Column Classes, double? Oob) Classify(
        ForestClassifierOptionsBase options, SplitStrategy splitter, Table features, Column? target, FitContext context, string kind)
    {
        var data = TreeTrainingData.Classification(features, target, context, options.ClassWeight, kind, forest: true);
        var criterion = options.Criterion == SplitCriterion.LogLoss ? SplitCriterion.Entropy : options.Criterion;
        var settings = TreeSettings.From(options, criterion, splitter, data.X.Columns);
        var (trees, seeds) = ForestTrainer.Grow(data, settings, options, context, kind, options.ClassWeight?.IsBalancedSubsample == true);
        trees = Prune(trees, options.CcpAlpha);
        double? oob = null;
        if (options.OobScore)
        {
            int n = data.X.Rows, p = data.X.Columns, k = data.Classes, draws = ForestTrainer.BootstrapSize(options.MaxSamples, n);
            var rows = ForestTrainer.RowMajor(data.X.Values, n, p);
            var sums = new double[n * k];
            for (int t = 0; t < trees.Length; t++)
            {
                bool[] outOfBag = ForestTrainer.OutOfBag(seeds[t], n, draws);
                for (int i = 0; i < n; i++)
                {
                    if (outOfBag[i])
                    {
                        DecisionTreeClassifierModel.LeafProba(trees[t], rows.AsSpan(i * p, p), sums.AsSpan(i * k, k), 1.0, add: true);
                    }
                }
            }

            int scored = 0, correct = 0;
            for (int i = 0; i < n; i++)
            {
                var s = sums.AsSpan(i * k, k);
                if (s.IndexOfAnyExcept(0.0) < 0)
                {
                    continue;
                }

                scored++;
                correct += DecisionTreeClassifierModel.ArgMax(s) == data.ClassCodes![i] ? 1 : 0;
            }

            oob = scored == 0 ? double.NaN : (double)correct / scored;
        }

        return (trees, data.Labels!.Classes, oob);
    }

    public static (TreeStructure[] Trees, double? Oob) Regress(
        ForestRegressorOptionsBase options, SplitStrategy splitter, Table features, Column? target, FitContext context, string kind)
    {
        var data = TreeTrainingData.Regression(features, target, context, options.Criterion, kind);
        var settings = TreeSettings.From(options, options.Criterion, splitter, data.X.Columns);
        var (trees, seeds) = ForestTrainer.Grow(data, settings, options, context, kind);
        trees = Prune(trees, options.CcpAlpha);
        double? oob = null;
        if (options.OobScore)
        {
            int n = data.X.Rows, p = data.X.Columns, draws = ForestTrainer.BootstrapSize(options.MaxSamples, n);
            var rows = ForestTrainer.RowMajor(data.X.Values, n, p);
            var sums = new double[n];
            var counts = new int[n];
            for (int t = 0; t < trees.Length; t++)
            {
                bool[] outOfBag = ForestTrainer.OutOfBag(seeds[t], n, draws);
                for (int i = 0; i < n; i++)
                {
                    if (outOfBag[i])
                    {
                        sums[i] += trees[t].Value[trees[t].Apply(rows.AsSpan(i * p, p))];
                        counts[i]++;
                    }
                }
            }

            var actual = new List<double>();
            var predicted = new List<double>();
            for (int i = 0; i < n; i++)
            {
                if (counts[i] > 0)
                {
                    actual.Add(data.Values![i]);
                    predicted.Add(sums[i] / counts[i]);
                }
            }

            oob = actual.Count == 0 ? double.NaN : RegressionMetrics.R2(actual.ToArray(), predicted.ToArray());
        }

        return (trees, oob);
    }

    private static TreeStructure[] Prune(TreeStructure[] trees, double alpha) =>
        alpha > 0 ? [.. trees.Select(t => TreePruning.Prune(t, alpha))] : trees;
}
