using CsCheck;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.Trees;
using Xunit;

namespace NetLearn.Core.Tests.Ensembles;

/// <summary>
/// The histogram splitter and NetLearn's forest defaults (max_bins=255, max_samples=20000), and
/// class_weight="balanced_subsample" (fixture: trees/balanced_subsample.json from tests/reference/make_forest_class_weight_fixture.py).
/// </summary>
public class ForestHistogramTests
{
    [Fact]
    public void HistogramForestsScoreLikeScikitLearnsExactOnes()
    {
        // scikit-learn's hyperparameters but binned features: within 0.5 points / 0.01 R² of scikit-learn, as exact forests.
        var (x, y, xt, yt) = ForestReferenceTests.Load("classification", numericTarget: false);
        double accuracy = Enumerable.Range(0, 3).Average(seed => ClassificationMetrics.Accuracy(yt,
            new RandomForestClassifier(ForestReferenceTests.SkLearn(new RandomForestClassifierOptions { RandomState = seed }) with { MaxBins = 255 }).Fit(x, y).Predict(xt)));
        Assert.InRange(accuracy, ForestReferenceTests.Score("random_forest_classifier") - 0.005, 1.0);

        var (xr, yr, xrt, yrt) = ForestReferenceTests.Load("regression", numericTarget: true);
        double r2 = Enumerable.Range(0, 3).Average(seed => RegressionMetrics.R2(yrt,
            new RandomForestRegressor(ForestReferenceTests.SkLearn(new RandomForestRegressorOptions { RandomState = seed, NEstimators = 50 }) with { MaxBins = 255 }).Fit(xr, yr).Predict(xrt)));
        Assert.InRange(r2, ForestReferenceTests.Score("random_forest_regressor") - 0.01, 1.0);
    }

    [Fact]
    public void NetLearnsDefaultsStayCloseToScikitLearn()
    {
        // Below 20,000 rows the defaults differ from scikit-learn's only by the bins: within 0.5 points / 0.01 R².
        var (x, y, xt, yt) = ForestReferenceTests.Load("classification", numericTarget: false);
        double accuracy = Enumerable.Range(0, 3).Average(seed => ClassificationMetrics.Accuracy(yt,
            new RandomForestClassifier(new RandomForestClassifierOptions { RandomState = seed }).Fit(x, y).Predict(xt)));
        Assert.InRange(accuracy, ForestReferenceTests.Score("random_forest_classifier") - 0.005, 1.0);

        var (xr, yr, xrt, yrt) = ForestReferenceTests.Load("regression", numericTarget: true);
        double r2 = Enumerable.Range(0, 3).Average(seed => RegressionMetrics.R2(yrt,
            new RandomForestRegressor(new RandomForestRegressorOptions { RandomState = seed, NEstimators = 50 }).Fit(xr, yr).Predict(xrt)));
        Assert.InRange(r2, ForestReferenceTests.Score("random_forest_regressor") - 0.01, 1.0);
    }

    [Fact]
    public void BinsAgreeWithTheirEdges()
    {
        // Bin b holds exactly the values in (edge[b-1], edge[b]], so "code <= b" is the tree test "x <= edge[b]";
        // with at most max_bins distinct values every value has its own bin and the edges are the exact splitter's midpoints.
        Gen.Select(Gen.Int[1, 300], Gen.Int[2, 255], Gen.Int[1, 40], Gen.Int).Sample((n, maxBins, levels, seed) =>
        {
            var random = new Random(seed);
            var column = new float[n];
            for (int i = 0; i < n; i++)
            {
                column[i] = (float)(random.Next(levels) * 0.37 - 3 + (levels > 20 ? random.NextDouble() : 0));
            }

            var bins = FeatureBins.Build(column, n, 1, maxBins, 1);
            var edges = bins.Edges[0];
            Assert.True(edges.Length <= maxBins - 1);
            Assert.True(edges.Zip(edges.Skip(1)).All(p => p.First < p.Second));
            for (int i = 0; i < n; i++)
            {
                int code = bins.Codes[i];
                Assert.True(code == edges.Length || column[i] <= edges[code]);
                Assert.True(code == 0 || column[i] > edges[code - 1]);
            }

            var distinct = column.Distinct().Order().ToArray();
            if (distinct.Length <= maxBins)
            {
                Assert.Equal(distinct.Length - 1, edges.Length);
                for (int d = 0; d + 1 < distinct.Length; d++)
                {
                    Assert.Equal(FeatureBins.Midpoint(distinct[d], distinct[d + 1]), edges[d]);
                }
            }
        }, iter: 200);
    }

    [Fact]
    public void AFullyGrownHistogramTreeFitsRowsWithFewDistinctValuesPerfectly()
    {
        var random = new Random(3);
        var columns = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 400).Select(_ => (double)random.Next(100)).ToArray()).ToArray();
        var x = new Table(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));
        // A label that is a function of the row, so rows equal in every feature agree.
        var y = Column.Create("y", [.. Enumerable.Range(0, 400).Select(r => (string?)((columns[0][r] * 7 + columns[1][r] * 3 + columns[2][r]) % 3 == 0 ? "a" : "b"))]);
        var model = new RandomForestClassifier(new RandomForestClassifierOptions
        {
            NEstimators = 1, Bootstrap = false, MinSamplesLeaf = 1, MaxFeatures = MaxFeatures.All, RandomState = 0, MaxBins = 255,
        }).Fit(x, y);
        Assert.Equal(1.0, ClassificationMetrics.Accuracy(y, model.Predict(x)));
    }

    [Fact]
    public void MaxBinsIsChecked()
    {
        Assert.Equal("max_bins", Assert.Throws<HyperparameterException>(() => new RandomForestClassifier().WithParameter("max_bins", "1")).Parameter);
        Assert.Equal("max_bins", Assert.Throws<HyperparameterException>(() => new RandomForestRegressor().WithParameter("max_bins", "256")).Parameter);
        var exact = (RandomForestClassifier)new RandomForestClassifier().WithParameter("max_bins", "null");
        Assert.Null(exact.Options.MaxBins);
        // bootstrap=false ignores the default max_samples; an explicit other value is still an error.
        new RandomForestClassifier().WithParameter("bootstrap", "false");
        Assert.Equal("max_samples", Assert.Throws<HyperparameterException>(() => new RandomForestClassifier(new RandomForestClassifierOptions { Bootstrap = false, MaxSamples = 0.5 }).Options.Validate()).Parameter);
    }

    [Fact]
    public void BalancedSubsampleWeighsEveryClassEquallyInEachTreesSample()
    {
        // scikit-learn recomputes "balanced" weights on each bootstrap sample: every tree's root then holds the same
        // total weight for each class (draws / classes), which plain "balanced" (weights from the whole set) does not give.
        var (x, y, _, _) = Imbalanced();
        var subsample = new RandomForestClassifier(new RandomForestClassifierOptions { ClassWeight = ClassWeight.BalancedSubsample, NEstimators = 5, RandomState = 1 }).Fit(x, y);
        int draws = Math.Min(x.RowCount, 20_000);
        for (int t = 0; t < subsample.TreeCount; t++)
        {
            var root = subsample.Tree(t).Nodes[0].Value;
            Assert.All(root, v => Assert.Equal(draws / 2.0, v, 9));
        }

        var balanced = new RandomForestClassifier(new RandomForestClassifierOptions { ClassWeight = ClassWeight.Balanced, NEstimators = 5, RandomState = 1 }).Fit(x, y);
        Assert.Contains(Enumerable.Range(0, 5), t => Math.Abs(balanced.Tree(t).Nodes[0].Value[0] - balanced.Tree(t).Nodes[0].Value[1]) > 1e-6);

        // Without bootstrap it is "balanced".
        var noBootstrap = new RandomForestClassifierOptions { Bootstrap = false, NEstimators = 3, RandomState = 2, MaxDepth = 3 };
        var a = new RandomForestClassifier(noBootstrap with { ClassWeight = ClassWeight.BalancedSubsample }).Fit(x, y);
        var b = new RandomForestClassifier(noBootstrap with { ClassWeight = ClassWeight.Balanced }).Fit(x, y);
        Assert.Equal(b.PredictProba(x).AsSpan().ToArray(), a.PredictProba(x).AsSpan().ToArray());
    }

    [Fact]
    public void BalancedSubsampleMatchesScikitLearnsBalancedAccuracy()
    {
        var (x, y, xt, yt) = Imbalanced();
        double Score(ClassWeight? weight) => Enumerable.Range(0, 3).Average(seed => ClassificationMetrics.BalancedAccuracy(yt,
            new RandomForestClassifier(ForestReferenceTests.SkLearn(new RandomForestClassifierOptions { NEstimators = 50, MaxDepth = 4, ClassWeight = weight, RandomState = seed })).Fit(x, y).Predict(xt)));
        double expected = Fixture().GetProperty("scores").GetProperty("balanced_subsample").GetDouble();
        Assert.InRange(Score(ClassWeight.BalancedSubsample), expected - 0.01, expected + 0.01);
        // The weighting matters here: unweighted forests score far lower (scikit-learn: 0.75).
        Assert.True(Score(null) < expected - 0.05);
    }

    [Fact]
    public void BalancedSubsampleIsForForestsOnly()
    {
        var (x, y, _, _) = Imbalanced();
        var e = Assert.Throws<HyperparameterException>(() => new DecisionTreeClassifier(new DecisionTreeClassifierOptions { ClassWeight = ClassWeight.BalancedSubsample }).Fit(x, y));
        Assert.Equal("class_weight", e.Parameter);
        var parsed = (RandomForestClassifier)new RandomForestClassifier().WithParameter("class_weight", "balanced_subsample");
        Assert.Equal(ClassWeight.BalancedSubsample, parsed.Options.ClassWeight);
        Assert.Equal("balanced_subsample", parsed.Options.ToJson()["class_weight"]!.GetValue<string>());
    }

    private static System.Text.Json.JsonElement Fixture() => NetLearn.Core.Tests.Fixture.Load("trees/balanced_subsample.json");

    private static (Table X, Column Y, Table XTest, Column YTest) Imbalanced()
    {
        var e = Fixture();
        Column Labels(string key) => CategoricalColumn.FromValues("y", [.. e.GetProperty(key).Doubles().Select(v => v == 1 ? "pos" : "neg")]);
        return (NetLearn.Core.Tests.Trees.TreeFixtures.Features(e.GetProperty("X_train")), Labels("y_train"), NetLearn.Core.Tests.Trees.TreeFixtures.Features(e.GetProperty("X_test")), Labels("y_test"));
    }
}
