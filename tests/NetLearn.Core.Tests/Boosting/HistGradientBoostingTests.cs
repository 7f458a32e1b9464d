using NetLearn.Boosting;
using NetLearn.Core.Tests.Ensembles;
using NetLearn.Data;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Boosting;

/// <summary>
/// Histogram gradient boosting against scikit-learn 1.2 (fixture: trees/ensembles.json, early stopping off, 100
/// iterations): held-out accuracy within 0.5 points, R² within 0.01; plus native missing values and categories.
/// </summary>
public class HistGradientBoostingTests
{
    private static HistGradientBoostingClassifierOptions Classifier => new() { EarlyStopping = false, RandomState = 0 };

    [Fact]
    public void BinaryAccuracyMatchesScikitLearn()
    {
        var (x, y, xt, yt) = ForestReferenceTests.Load("classification", numericTarget: false);
        var model = new HistGradientBoostingClassifier(Classifier).Fit(x, y);
        Assert.Equal(100, model.Iterations);
        Assert.InRange(ClassificationMetrics.Accuracy(yt, model.Predict(xt)), ForestReferenceTests.Score("hist_gradient_boosting_classifier") - 0.005, 1.0);
        var proba = model.PredictProba(xt);
        for (int i = 0; i < proba.Rows; i++)
        {
            Assert.Equal(1.0, proba.Row(i).ToArray().Sum(), 12);
        }
    }

    [Fact]
    public void MulticlassAccuracyMatchesScikitLearn()
    {
        var (x, y, xt, yt) = ForestReferenceTests.Load("multiclass", numericTarget: false);
        var model = new HistGradientBoostingClassifier(Classifier).Fit(x, y);
        Assert.Equal(4, model.Classes.Length);
        Assert.InRange(ClassificationMetrics.Accuracy(yt, model.Predict(xt)), ForestReferenceTests.Score("hist_gradient_boosting_multiclass") - 0.005, 1.0);
    }

    [Fact]
    public void RegressionR2MatchesScikitLearn()
    {
        var (x, y, xt, yt) = ForestReferenceTests.Load("regression", numericTarget: true);
        var model = new HistGradientBoostingRegressor(new HistGradientBoostingRegressorOptions { EarlyStopping = false }).Fit(x, y);
        Assert.InRange(RegressionMetrics.R2(yt, model.Predict(xt)), ForestReferenceTests.Score("hist_gradient_boosting_regressor") - 0.01, 1.0);
    }

    [Fact]
    public void LearnsFromMissingValuesAndCategoriesNatively()
    {
        // y depends on a category and on whether x is missing; neither can be seen without native handling.
        var random = new Random(3);
        int n = 2000;
        var x = new double[n];
        var colour = new string?[n];
        var y = new string?[n];
        string[] levels = ["red", "green", "blue", "grey"];
        for (int i = 0; i < n; i++)
        {
            bool missing = random.NextDouble() < 0.3;
            x[i] = missing ? double.NaN : random.NextDouble();
            colour[i] = random.NextDouble() < 0.05 ? null : levels[random.Next(4)];
            bool positive = missing ^ (colour[i] is "green" or "grey");
            y[i] = positive ? "yes" : "no";
        }

        var table = new Table(new NumericColumn("x", x), CategoricalColumn.FromValues("colour", colour));
        var target = CategoricalColumn.FromValues("y", y);
        var model = new HistGradientBoostingClassifier(Classifier with { MaxIter = 30 }).Fit(table, target);
        Assert.Equal(["colour"], model.CategoricalFeatureNames);
        Assert.True(ClassificationMetrics.Accuracy(target, model.Predict(table)) > 0.97);

        // An unseen category is treated as missing rather than failing.
        var unseen = new Table(new NumericColumn("x", [0.5]), CategoricalColumn.FromValues("colour", ["purple"]));
        Assert.Single(model.Predict(unseen).FormatValue(0) is { } label ? [label] : Array.Empty<string>());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void A_leaf_whose_rows_all_have_zero_hessians_gets_a_finite_value(double gradient)
    {
        // A class whose softmax probability underflowed to 0 (or rose to exactly 1) gives its rows zero hessians; such
        // a leaf was −G/H = 0/0 = NaN or −1/0 = −∞, and every later softmax of its rows NaN (found on bird strikes at
        // learning_rate=0.2, 20 leaves, min_samples_leaf=8: accuracy 0.0015). scikit-learn's −G/(H + λ + 1e-15) keeps it
        // finite.
        int n = 40;
        var bins = new byte[n];
        var gh = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            bins[i] = (byte)(i % 4);
            gh[2 * i] = i < 3 ? gradient : 0;
        }

        var settings = new GrowerSettings(0.1, 31, null, 20, 0, 1, (f, b) => b);
        using var team = new HistTeam(1);
        var grower = new HistGrower(bins, n, 1, [4], [false], settings, team);
        var raw = new double[n];
        var tree = grower.Grow([.. Enumerable.Range(0, n)], n, gh, raw, 1, 0);
        Assert.All(raw, r => Assert.True(double.IsFinite(r)));
        Assert.True(double.IsFinite(tree.PredictBinned(bins, n, 0)));
    }

    [Fact]
    public void EarlyStoppingStopsBeforeMaxIter()
    {
        var (x, y, _, _) = ForestReferenceTests.Load("classification", numericTarget: false);
        var model = new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { EarlyStopping = true, MaxIter = 1000, LearningRate = 0.5, RandomState = 0 }).Fit(x, y);
        Assert.True(model.Iterations < 1000, $"ran {model.Iterations} iterations");
        Assert.Equal(model.Iterations, model.ValidationLoss.Count);
    }

    [Fact]
    public void TrainingLossIsRecordedForAProgressListenerAndDecreases()
    {
        var (x, y, _, _) = ForestReferenceTests.Load("regression", numericTarget: true);
        var reports = new List<NetLearn.Estimators.FitProgress>();
        var context = new NetLearn.Estimators.FitContext { Progress = new SyncProgress(reports.Add) };
        var model = new HistGradientBoostingRegressor(new HistGradientBoostingRegressorOptions { MaxIter = 20, EarlyStopping = false }).Fit(x, y, context);
        Assert.Equal(20, model.TrainLoss.Count);
        Assert.Equal(20, reports.Count);
        Assert.True(model.TrainLoss[^1] < model.TrainLoss[0]);
    }

    private sealed class SyncProgress(Action<NetLearn.Estimators.FitProgress> report) : IProgress<NetLearn.Estimators.FitProgress>
    {
        public void Report(NetLearn.Estimators.FitProgress value) => report(value);
    }

    [Fact]
    public void TooManyCategoriesIsAClearError()
    {
        var colour = CategoricalColumn.FromValues("id", [.. Enumerable.Range(0, 300).Select(i => (string?)$"c{i}")]);
        var y = new NumericColumn("y", [.. Enumerable.Range(0, 300).Select(i => (double)i)]);
        var e = Assert.Throws<DataValidationException>(() => new HistGradientBoostingRegressor().Fit(new Table(colour), y));
        Assert.Equal("id", e.Column);
        Assert.Contains("max_bins", e.Message, StringComparison.Ordinal);
    }

    private static (Table X, Column Y) NoisyCategories()
    {
        // y depends on x and weakly on a 30-level category; the category alone also invites overfitting splits.
        var random = new Random(11);
        int n = 1500;
        var x = new double[n];
        var level = new string?[n];
        var y = new string?[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextDouble();
            int c = random.Next(30);
            level[i] = $"L{c:00}";
            y[i] = x[i] + (c < 5 ? 0.2 : 0) + (0.3 * random.NextDouble()) > 0.75 ? "hi" : "lo";
        }

        return (new Table(new NumericColumn("x", x), CategoricalColumn.FromValues("level", level)), CategoricalColumn.FromValues("y", y));
    }

    [Theory]
    [InlineData(1e12, 1)]
    [InlineData(0, 1_000_000)]
    public void Opt_in_categorical_regularisation_that_forbids_every_categorical_split_gives_the_model_without_the_column(double catL2, int minDataPerGroup)
    {
        // cat_l2 so large that no categorical split gains, or groups larger than the data: the category is never used,
        // so the trees, and the probabilities, are those of a fit without that column.
        var (x, y) = NoisyCategories();
        var options = Classifier with { MaxIter = 20, CategoricalSplit = HistCategoricalSplit.Partition };
        var regularised = new HistGradientBoostingClassifier(options with { CatL2 = catL2, MinDataPerGroup = minDataPerGroup }).Fit(x, y);
        var without = new HistGradientBoostingClassifier(options).Fit(x.Select("x"), y);
        var plain = new HistGradientBoostingClassifier(options).Fit(x, y);
        Assert.Equal(without.PredictProba(x.Select("x")).AsSpan().ToArray(), regularised.PredictProba(x).AsSpan().ToArray());
        Assert.NotEqual(plain.PredictProba(x).AsSpan().ToArray(), regularised.PredictProba(x).AsSpan().ToArray());
    }

    [Fact]
    public void Opt_in_categorical_regularisation_keeps_useful_categorical_splits_at_lightgbm_defaults()
    {
        var (x, y) = NoisyCategories();
        var options = Classifier with { MaxIter = 20, CatL2 = 10, MinDataPerGroup = 100 };
        var regularised = new HistGradientBoostingClassifier(options).Fit(x, y);
        var without = new HistGradientBoostingClassifier(options).Fit(x.Select("x"), y);
        Assert.NotEqual(without.PredictProba(x.Select("x")).AsSpan().ToArray(), regularised.PredictProba(x).AsSpan().ToArray());
        Assert.True(ClassificationMetrics.Accuracy(y, regularised.Predict(x)) > 0.9);
    }

    [Theory]
    [InlineData("cat_l2", "-1")]
    [InlineData("min_data_per_group", "0")]
    public void Invalid_categorical_regularisation_names_the_parameter(string name, string value)
    {
        var e = Assert.Throws<HyperparameterException>(() => new HistGradientBoostingClassifier(Classifier).WithParameter(name, value));
        Assert.Equal(name, e.Parameter);
        Assert.Contains("LightGBM", e.Message, StringComparison.Ordinal);
    }
}
