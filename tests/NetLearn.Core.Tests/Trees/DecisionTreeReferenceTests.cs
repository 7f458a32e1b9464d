using System.Text.Json;
using NetLearn.Data;
using NetLearn.Trees;
using Xunit;

namespace NetLearn.Core.Tests.Trees;

/// <summary>
/// Decision trees against scikit-learn 1.2 (fixture: trees/decision_trees.json). The data have no ties and every case
/// gives scikit-learn the same tree for any random_state, so the whole structure must match: children, split features,
/// thresholds (exactly), impurities, sample counts, values, importances, and the held-out predictions.
/// </summary>
public class DecisionTreeReferenceTests
{
    public static TheoryData<string> ClassifierCases =>
        ["gini_depth5", "entropy_depth4", "log_loss_min_split", "gini_weighted_balanced", "best_first_leaves", "min_impurity_decrease", "ccp_alpha", "min_weight_fraction", "binary_numeric_labels"];

    public static TheoryData<string> RegressorCases => ["squared_depth6", "squared_weighted", "absolute_depth4", "poisson_depth4", "squared_best_first"];

    [Theory]
    [MemberData(nameof(ClassifierCases))]
    public void ClassifierMatchesScikitLearn(string name)
    {
        var c = TreeFixtures.Case("trees/decision_trees.json", name);
        var x = TreeFixtures.Features(c.GetProperty("X"));
        var y = c.GetProperty("y").Labels();
        var estimator = (DecisionTreeClassifier)TreeFixtures.WithParams(new DecisionTreeClassifier(new DecisionTreeClassifierOptions { RandomState = 0 }), c.GetProperty("params"));
        var model = estimator.Fit(x, y, Context(c));

        Assert.Equal(c.GetProperty("classes").Strings().Select(Label), Enumerable.Range(0, model.Classes.Length).Select(i => Label(model.Classes.FormatValue(i)!)));
        AssertSameTree(c.GetProperty("tree"), model);
        var test = TreeFixtures.Features(c.GetProperty("X_test"));
        Fixture.Close(c.GetProperty("proba").Rows(), model.PredictProba(test), rel: 1e-12, abs: 1e-12, what: "proba");
        var predicted = model.Predict(test);
        Assert.Equal(c.GetProperty("predict").Strings().Select(Label), Enumerable.Range(0, test.RowCount).Select(i => Label(predicted.FormatValue(i)!)));
        Assert.Equal(c.GetProperty("apply").Ints(), model.Apply(test));

        if (c.TryGetProperty("ccp_path", out var path))
        {
            var (alphas, impurities) = estimator.CostComplexityPruningPath(x, y, Context(c));
            Fixture.Close(path.GetProperty("ccp_alphas").Doubles(), alphas, rel: 1e-9, abs: 1e-12, what: "ccp_alphas");
            Fixture.Close(path.GetProperty("impurities").Doubles(), impurities, rel: 1e-9, abs: 1e-12, what: "impurities");
        }
    }

    [Theory]
    [MemberData(nameof(RegressorCases))]
    public void RegressorMatchesScikitLearn(string name)
    {
        var c = TreeFixtures.Case("trees/decision_trees.json", name);
        var x = TreeFixtures.Features(c.GetProperty("X"));
        var y = new NumericColumn("y", c.GetProperty("y").Doubles());
        var estimator = TreeFixtures.WithParams(new DecisionTreeRegressor(new DecisionTreeRegressorOptions { RandomState = 0 }), c.GetProperty("params"));
        var model = (DecisionTreeRegressorModel)estimator.FitModel(x, y, Context(c));

        AssertSameTree(c.GetProperty("tree"), model);
        var test = TreeFixtures.Features(c.GetProperty("X_test"));
        Fixture.Close(c.GetProperty("predict").Doubles(), ((NumericColumn)model.Predict(test)).Values.ToArray(), rel: 1e-9, abs: 1e-9, what: "predict");
        Assert.Equal(c.GetProperty("apply").Ints(), model.Apply(test));
    }

    // Numeric labels compare as numbers ("1.0" from Python is the label 1).
    private static string Label(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : text;

    private static NetLearn.Estimators.FitContext Context(JsonElement c) =>
        c.GetProperty("sample_weight").ValueKind == JsonValueKind.Null ? NetLearn.Estimators.FitContext.Default : new() { SampleWeight = c.GetProperty("sample_weight").Doubles() };

    internal static void AssertSameTree<TOptions>(JsonElement expected, DecisionTreeModelBase<TOptions> model)
        where TOptions : TreeOptionsBase
    {
        var nodes = model.Nodes;
        Assert.Equal(expected.GetProperty("node_count").GetInt32(), nodes.Count);
        Assert.Equal(expected.GetProperty("children_left").Ints(), nodes.Select(n => n.Left));
        Assert.Equal(expected.GetProperty("children_right").Ints(), nodes.Select(n => n.Right));
        int[] feature = expected.GetProperty("feature").Ints();
        double[] threshold = expected.GetProperty("threshold").Doubles();
        double[] impurity = expected.GetProperty("impurity").Doubles();
        int[] samples = expected.GetProperty("n_node_samples").Ints();
        double[] weighted = expected.GetProperty("weighted_n_node_samples").Doubles();
        double[][] value = expected.GetProperty("value").Rows();
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (!node.IsLeaf)
            {
                Assert.Equal("x" + feature[i].ToString(System.Globalization.CultureInfo.InvariantCulture), node.Feature);
                Assert.Equal(threshold[i], node.Threshold);
            }

            Fixture.Close(impurity[i], node.Impurity, rel: 1e-9, abs: 1e-12, what: $"impurity[{i}]");
            Assert.Equal(samples[i], node.Samples);
            Fixture.Close(weighted[i], node.WeightedSamples, rel: 1e-12, abs: 1e-12, what: $"weighted[{i}]");
            Fixture.Close(value[i], [.. node.Value], rel: 1e-9, abs: 1e-12, what: $"value[{i}]");
        }

        Fixture.Close(expected.GetProperty("feature_importances").Doubles(), [.. model.FeatureImportances], rel: 1e-9, abs: 1e-12, what: "importances");
        Assert.Equal(expected.GetProperty("depth").GetInt32(), model.Depth);
        Assert.Equal(expected.GetProperty("n_leaves").GetInt32(), model.LeafCount);
    }
}
