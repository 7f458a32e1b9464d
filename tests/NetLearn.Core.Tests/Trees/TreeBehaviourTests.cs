using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Trees;
using Xunit;

namespace NetLearn.Core.Tests.Trees;

/// <summary>Export, hyperparameters, bad input and the catalog.</summary>
public class TreeBehaviourTests
{
    private static (Table X, Column Y) Export()
    {
        var e = Fixture.Load("trees/tree_export.json");
        var rows = e.GetProperty("X").Rows();
        string[] names = e.GetProperty("feature_names").Strings();
        var x = new Table(names.Select((n, c) => (Column)new NumericColumn(n, [.. rows.Select(r => r[c])])));
        return (x, e.GetProperty("y").Labels());
    }

    [Fact]
    public void ExportTextMatchesScikitLearn()
    {
        var e = Fixture.Load("trees/tree_export.json");
        var (x, y) = Export();
        var model = new DecisionTreeClassifier(new DecisionTreeClassifierOptions { MaxDepth = 2, RandomState = 0 }).Fit(x, y);
        Assert.Equal(e.GetProperty("text").GetString(), model.ExportText());
        Assert.Equal(e.GetProperty("text_weights").GetString(), model.ExportText(showWeights: true));
    }

    [Fact]
    public void GraphvizNamesEverySplitAndLeaf()
    {
        var (x, y) = Export();
        var model = new DecisionTreeClassifier(new DecisionTreeClassifierOptions { MaxDepth = 2, RandomState = 0 }).Fit(x, y);
        string dot = model.ExportGraphviz();
        Assert.StartsWith("digraph Tree {", dot, StringComparison.Ordinal);
        Assert.Equal(model.NodeCount, dot.Split('\n').Count(l => l.Contains("[label=", StringComparison.Ordinal)));
        Assert.Equal(model.NodeCount - 1, dot.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal)));
        Assert.Contains("gini = ", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingValuesAreRejectedWithRowAndColumn()
    {
        var x = new Table(new NumericColumn("a", [1, double.NaN, 3]), new NumericColumn("b", [1, 2, 3]));
        var y = Column.Create("y", ["p", "q", "p"]);
        var e = Assert.Throws<DataValidationException>(() => new DecisionTreeClassifier().Fit(x, y));
        Assert.Equal("a", e.Column);
        Assert.Equal(1, e.Row);
        Assert.Contains("hist-gradient-boosting", e.Message, StringComparison.Ordinal);

        var model = new RandomForestClassifier(new RandomForestClassifierOptions { NEstimators = 2 }).Fit(x.Take([0, 2]), y.Take([0, 2]));
        var bad = Assert.Throws<DataValidationException>(() => model.Predict(x));
        Assert.Equal(1, bad.Row);
        var missingColumn = Assert.Throws<DataValidationException>(() => model.Predict(x.Drop("b")));
        Assert.Equal("b", missingColumn.Column);
    }

    [Fact]
    public void TextFeaturesAndBadHyperparametersAreClearErrors()
    {
        var x = new Table(Column.Create("colour", ["r", "g", "b"]));
        var e = Assert.Throws<DataValidationException>(() => new DecisionTreeRegressor().Fit(x, new NumericColumn("y", [1, 2, 3])));
        Assert.Equal("colour", e.Column);

        Assert.Equal("max_depth", Assert.Throws<HyperparameterException>(() => new DecisionTreeClassifier().WithParameter("max_depth", "0")).Parameter);
        Assert.Equal("criterion", Assert.Throws<HyperparameterException>(() => new DecisionTreeRegressor().WithParameter("criterion", "gini")).Parameter);
        Assert.Equal("oob_score", Assert.Throws<HyperparameterException>(() => new ExtraTreesClassifier().WithParameter("oob_score", "true")).Parameter);
        var fraction = (DecisionTreeClassifier)new DecisionTreeClassifier().WithParameter("max_features", "0.5");
        Assert.Equal(MaxFeatures.Fraction(0.5), fraction.Options.MaxFeatures);
        var count = (DecisionTreeClassifier)new DecisionTreeClassifier().WithParameter("max_features", "3");
        Assert.Equal(MaxFeatures.Count(3), count.Options.MaxFeatures);
        var sqrt = (RandomForestClassifier)new RandomForestClassifier().WithParameter("max_features", "log2");
        Assert.Equal(MaxFeatures.Log2, sqrt.Options.MaxFeatures);
        Assert.Equal("sqrt", new RandomForestClassifier().Options.ToJson()["max_features"]!.GetValue<string>());
    }

    [Fact]
    public void NegativeTargetsAreRejectedByPoisson()
    {
        var x = new Table(new NumericColumn("a", [1, 2, 3]));
        var e = Assert.Throws<DataValidationException>(() => new DecisionTreeRegressor(new DecisionTreeRegressorOptions { Criterion = SplitCriterion.Poisson }).Fit(x, new NumericColumn("y", [1, -2, 3])));
        Assert.Equal(1, e.Row);
    }

    [Fact]
    public void TheReadmeExampleRuns()
    {
        // The README's "Trees, forests and gradient boosting" example, minus the file write.
        var (X, y) = NetLearn.Datasets.Dataset.LoadXy("breast_cancer");
        var tree = new DecisionTreeClassifier(new DecisionTreeClassifierOptions { MaxDepth = 3, RandomState = 0 }).Fit(X, y);
        Assert.StartsWith("|--- ", tree.ExportText(), StringComparison.Ordinal);
        Assert.Contains("digraph", tree.ExportGraphviz(), StringComparison.Ordinal);
        var forest = new RandomForestClassifier(new RandomForestClassifierOptions { OobScore = true, RandomState = 0, NEstimators = 30 }).Fit(X, y);
        Assert.InRange(forest.OobScore!.Value, 0.9, 1.0);
        string top = forest.FeatureNames[forest.FeatureImportances.ToList().IndexOf(forest.FeatureImportances.Max())];
        Assert.Contains(top, X.ColumnNames);
        var proba = new double[2];
        forest.PredictProba(X.ToMatrix().Row(0), proba);
        Assert.Equal(forest.PredictProba(X.Take([0])).Row(0).ToArray(), proba);
        var boosted = new NetLearn.Boosting.HistGradientBoostingClassifier(new NetLearn.Boosting.HistGradientBoostingClassifierOptions { MaxIter = 200, EarlyStopping = true }).Fit(X, y);
        Assert.InRange(boosted.Iterations, 1, 200);
    }

    [Theory]
    [InlineData("decision-tree-classifier")]
    [InlineData("random-forest-regressor")]
    [InlineData("extra-trees-classifier")]
    [InlineData("hist-gradient-boosting-classifier")]
    public void TheCatalogListsTheTreeModels(string name) => Assert.False(EstimatorCatalog.Get(name).NeedsScaling);
}
