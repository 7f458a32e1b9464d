using NetLearn.Boosting;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;
using Xunit;

namespace NetLearn.Core.Tests.Boosting;

/// <summary>
/// Default preprocessing for models that take categories and missing values themselves (<see cref="INativeCategorical"/>):
/// the columns pass through untouched, so the pipeline gives exactly the model fitted on the raw columns.
/// </summary>
public class NativeCategoricalPipelineTests
{
    private static (Table X, Column Y) Data(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n];
        var colour = new string?[n];
        var name = new string?[n];
        var empty = new double[n];
        var y = new string?[n];
        string[] levels = ["red", "green", "blue", "grey"];
        for (int i = 0; i < n; i++)
        {
            bool missing = random.NextDouble() < 0.3;
            x[i] = missing ? double.NaN : random.NextDouble();
            colour[i] = random.NextDouble() < 0.05 ? null : levels[random.Next(4)];
            name[i] = $"row {i}";
            empty[i] = double.NaN;
            y[i] = missing ^ (colour[i] is "green" or "grey") ? "yes" : "no";
        }

        return (new Table(new TextColumn("name", name), new NumericColumn("x", x), CategoricalColumn.FromValues("colour", colour), new NumericColumn("empty", empty)), CategoricalColumn.FromValues("y", y));
    }

    private static HistGradientBoostingClassifier Boosting(IReadOnlyList<string>? categorical = null) =>
        new(new HistGradientBoostingClassifierOptions { MaxIter = 20, EarlyStopping = false, CategoricalFeatures = categorical });

    [Fact]
    public void A_native_categorical_model_gets_its_columns_untouched_and_the_same_fit_as_on_raw_columns()
    {
        var (x, y) = Data(600, 1);
        var pipeline = DefaultPreprocessing.For(x, Boosting(), scale: false);
        Assert.IsType<ColumnPassthrough>(pipeline.Steps[0].Estimator);

        var model = (ClassifierPipelineModel)pipeline.Fit(x, y);
        var passthrough = Assert.IsType<ColumnPassthroughModel>(model.Steps[0].Model);
        Assert.Equal(["x", "colour"], passthrough.FeatureNamesOut);
        var boosted = Assert.IsType<HistGradientBoostingClassifierModel>(model.Final);
        Assert.Equal(["colour"], boosted.CategoricalFeatureNames);

        var direct = Boosting().Fit(x.Select("x", "colour"), y);
        var expected = direct.PredictProba(x);
        var actual = model.PredictProba(x);
        Assert.Equal(expected.Rows, actual.Rows);
        for (int i = 0; i < expected.Rows; i++)
        {
            Assert.Equal(expected[i, 1], actual[i, 1]);
        }

        // Other models keep the imputing, one-hot encoding column transformer.
        Assert.IsType<ColumnTransformer>(DefaultPreprocessing.For(x, new LogisticRegression(), scale: true).Steps[0].Estimator);
    }

    [Fact]
    public void An_unseen_category_is_predicted_as_a_missing_value_as_in_scikit_learn()
    {
        var (x, y) = Data(600, 2);
        var model = (ClassifierPipelineModel)DefaultPreprocessing.For(x, Boosting(), scale: false).Fit(x, y);
        Table Row(string? colour) => new(new TextColumn("name", ["new"]), new NumericColumn("x", [0.25]), CategoricalColumn.FromValues("colour", [colour]), new NumericColumn("empty", [double.NaN]));
        var unseen = model.PredictProba(Row("purple"));
        var missing = model.PredictProba(Row(null));
        var known = model.PredictProba(Row("green"));
        Assert.Equal(missing[0, 1], unseen[0, 1]);
        Assert.NotEqual(known[0, 1], unseen[0, 1]);
    }

    [Fact]
    public void A_text_column_named_in_categorical_features_is_used_and_the_pipeline_round_trips()
    {
        var (x, y) = Data(300, 3);
        var codes = new string?[x.RowCount];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = $"code{i % 40}";
        }

        x = x.With(new TextColumn("code", codes));
        Assert.DoesNotContain("code", DefaultPreprocessing.PlanFor(x).Used);
        var estimator = Boosting(["colour", "code"]);
        var plan = DefaultPreprocessing.PlanFor(x, estimator);
        Assert.Equal(["x", "colour", "code"], plan.Used);
        Assert.Contains(plan.Ignored, i => i.Column == "name");
        Assert.Contains(plan.Ignored, i => i.Column == "empty");

        var model = (ClassifierPipelineModel)DefaultPreprocessing.For(x, estimator, scale: false).Fit(x, y);
        Assert.Equal(["colour", "code"], ((HistGradientBoostingClassifierModel)model.Final).CategoricalFeatureNames);
        string path = Path.Combine(Path.GetTempPath(), $"netlearn-native-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, model);
            var loaded = ModelFile.Load<ClassifierPipelineModel>(path);
            var before = model.PredictProba(x);
            var after = loaded.PredictProba(x);
            for (int i = 0; i < before.Rows; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(before[i, 0]), BitConverter.DoubleToInt64Bits(after[i, 0]));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ColumnPassthrough_names_a_missing_column()
    {
        var (x, _) = Data(50, 4);
        var error = Assert.Throws<DataValidationException>(() => new ColumnPassthrough(["x", "nope"]).Fit(x));
        Assert.Equal("nope", error.Column);
    }
}
