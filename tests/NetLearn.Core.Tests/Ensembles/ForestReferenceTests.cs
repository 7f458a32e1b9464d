using NetLearn.Core.Tests.Trees;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Ensembles;

/// <summary>
/// Forests against scikit-learn 1.2 (fixture: trees/ensembles.json). The random streams differ, so scores are compared:
/// the mean held-out accuracy over three seeds within 0.5 points of scikit-learn's mean over five, R² within 0.01.
/// Random forests run with scikit-learn's hyperparameters (exact splitter, full-size bootstrap), which
/// NetLearn's defaults depart from (<see cref="ForestHistogramTests"/> covers those).
/// </summary>
public class ForestReferenceTests
{
    private static readonly Lazy<(Table X, Column Y, Table XTest, Column YTest)> Classification = new(() => Load("classification", numericTarget: false));
    private static readonly Lazy<(Table X, Column Y, Table XTest, Column YTest)> Regression = new(() => Load("regression", numericTarget: true));

    internal static (Table X, Column Y, Table XTest, Column YTest) Load(string name, bool numericTarget)
    {
        var e = Fixture.Load("trees/ensembles.json").GetProperty(name);
        Column Target(string key) => numericTarget
            ? new NumericColumn("y", e.GetProperty(key).Doubles())
            : CategoricalColumn.FromValues("y", [.. e.GetProperty(key).Doubles().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return (TreeFixtures.Features(e.GetProperty("X_train")), Target("y_train"), TreeFixtures.Features(e.GetProperty("X_test")), Target("y_test"));
    }

    internal static double Score(string key) => Fixture.Load("trees/ensembles.json").GetProperty("scores").GetProperty(key).GetDouble();

    [Theory]
    [InlineData("random_forest_classifier")]
    [InlineData("extra_trees_classifier")]
    public void ClassifierAccuracyMatchesScikitLearn(string kind)
    {
        var (x, y, xt, yt) = Classification.Value;
        double mean = Enumerable.Range(0, 3).Average(seed =>
        {
            IClassifier model = kind == "random_forest_classifier"
                ? new RandomForestClassifier(SkLearn(new RandomForestClassifierOptions { RandomState = seed })).Fit(x, y)
                : new ExtraTreesClassifier(new ExtraTreesClassifierOptions { RandomState = seed }).Fit(x, y);
            return ClassificationMetrics.Accuracy(yt, model.Predict(xt));
        });
        Assert.InRange(mean, Score(kind) - 0.005, 1.0);
    }

    [Theory]
    [InlineData("random_forest_regressor")]
    [InlineData("extra_trees_regressor")]
    public void RegressorR2MatchesScikitLearn(string kind)
    {
        var (x, y, xt, yt) = Regression.Value;
        double mean = Enumerable.Range(0, 3).Average(seed =>
        {
            IPredictor model = kind == "random_forest_regressor"
                ? new RandomForestRegressor(SkLearn(new RandomForestRegressorOptions { RandomState = seed })).Fit(x, y)
                : new ExtraTreesRegressor(new ExtraTreesRegressorOptions { RandomState = seed }).Fit(x, y);
            return RegressionMetrics.R2(yt, model.Predict(xt));
        });
        Assert.InRange(mean, Score(kind) - 0.01, 1.0);
    }

    [Fact]
    public void OutOfBagScoresAreCloseToScikitLearn()
    {
        var (x, y, _, _) = Classification.Value;
        var clf = new RandomForestClassifier(SkLearn(new RandomForestClassifierOptions { RandomState = 0, OobScore = true })).Fit(x, y);
        Assert.InRange(clf.OobScore!.Value, Score("random_forest_classifier_oob") - 0.01, Score("random_forest_classifier_oob") + 0.01);

        var (xr, yr, _, _) = Regression.Value;
        var reg = new RandomForestRegressor(SkLearn(new RandomForestRegressorOptions { RandomState = 0, OobScore = true, NEstimators = 50 })).Fit(xr, yr);
        Assert.InRange(reg.OobScore!.Value, Score("random_forest_regressor_oob") - 0.02, Score("random_forest_regressor_oob") + 0.02);
    }

    /// <summary>scikit-learn's RandomForest hyperparameters: exact splitter, full-size bootstrap.</summary>
    internal static RandomForestClassifierOptions SkLearn(RandomForestClassifierOptions o) => o with { MaxBins = null, MaxSamples = null };

    /// <inheritdoc cref="SkLearn(RandomForestClassifierOptions)"/>
    internal static RandomForestRegressorOptions SkLearn(RandomForestRegressorOptions o) => o with { MaxBins = null, MaxSamples = null };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeedGivesTheSameForestWhateverTheThreadCount(bool exact)
    {
        var (x, y, xt, _) = Classification.Value;
        var options = new RandomForestClassifierOptions { RandomState = 7, NEstimators = 20 };
        options = exact ? SkLearn(options) : options;
        var one = new RandomForestClassifier(options with { NJobs = 1 }).Fit(x, y);
        var two = new RandomForestClassifier(options with { NJobs = 2 }).Fit(x, y);
        var four = new RandomForestClassifier(options with { NJobs = 4 }).Fit(x, y);
        Assert.Equal(one.PredictProba(xt).AsSpan().ToArray(), two.PredictProba(xt).AsSpan().ToArray());
        Assert.Equal(one.PredictProba(xt).AsSpan().ToArray(), four.PredictProba(xt).AsSpan().ToArray());
        Assert.Equal(one.FeatureImportances, four.FeatureImportances);
    }

    [Fact]
    public void ImportancesFavourTheInformativeFeatures()
    {
        var (x, y, _, _) = Classification.Value;
        var model = new RandomForestClassifier(new RandomForestClassifierOptions { RandomState = 0, NEstimators = 30 }).Fit(x, y);
        Assert.Equal(1.0, model.FeatureImportances.Sum(), 9);
        Assert.All(model.FeatureImportances, v => Assert.True(v >= 0));
        Assert.Equal(x.ColumnCount, ((IFeatureImportances)model).ImportanceFeatureNames.Count);
    }
}
