using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Estimators;

/// <summary>The estimator contract every algorithm follows: options, immutability, validation in Fit, progress, cancellation.</summary>
public class ContractTests
{
    [Fact]
    public void HyperparametersUseScikitLearnNames()
    {
        var names = new LogisticRegressionOptions().ParameterNames;
        Assert.Equal(["penalty", "solver", "l1_ratio", "intercept_scaling", "C", "fit_intercept", "max_iter", "tol", "class_weight"], names);
        var changed = (LogisticRegression)new LogisticRegression().WithParameter("max_iter", "250").WithParameter("C", "0.5").WithParameter("class_weight", "balanced").WithParameter("penalty", "none");
        Assert.Equal(250, changed.Options.MaxIter);
        Assert.Equal(0.5, changed.Options.C);
        Assert.Equal(ClassWeight.Balanced, changed.Options.ClassWeight);
        Assert.Equal(Penalty.None, changed.Options.Penalty);
        var weights = (LogisticRegression)new LogisticRegression().WithParameter("class_weight", "{\"yes\": 2}");
        Assert.Equal(2.0, weights.Options.ClassWeight!.Weights!["yes"]);
    }

    [Fact]
    public void TextHyperparametersAcceptNumberLikeValues()
    {
        var imputer = (SimpleImputer)new SimpleImputer().WithParameter("strategy", "constant").WithParameter("fill_value", "0");
        Assert.Equal("0", imputer.Options.FillValue);
        Assert.Equal(ImputeStrategy.Constant, imputer.Options.Strategy);
    }

    [Theory]
    [InlineData("max_depth", "3", "Valid names")]
    [InlineData("C", "-1", "positive")]
    [InlineData("max_iter", "lots", "cannot use 'lots'")]
    [InlineData("tol", "-0.1", "non-negative")]
    public void BadHyperparametersNameTheParameter(string name, string value, string message)
    {
        var e = Assert.Throws<HyperparameterException>(() => new LogisticRegression().WithParameter(name, value));
        Assert.Equal(name, e.Parameter);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitDoesNotChangeTheEstimatorAndModelsAreIndependent()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var estimator = new LinearRegression();
        var options = estimator.Options;
        var first = estimator.Fit(x.Take([.. Enumerable.Range(0, 200)]), y.Take([.. Enumerable.Range(0, 200)]));
        var second = estimator.Fit(x, y);
        Assert.Same(options, estimator.Options);
        Assert.NotEqual(first.Coefficients, second.Coefficients);
    }

    [Fact]
    public void MissingFeatureValueNamesRowAndColumn()
    {
        var x = new Table(new NumericColumn("a", [1, 2, double.NaN, 4]), new NumericColumn("b", [1, 0, 1, 0]));
        var e = Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x, new NumericColumn("y", [1, 2, 3, 4])));
        Assert.Equal("a", e.Column);
        Assert.Equal(2, e.Row);
        Assert.Contains("SimpleImputer", e.Message, StringComparison.Ordinal);
        var inf = new Table(new NumericColumn("a", [1, double.PositiveInfinity]));
        Assert.Contains("infinite", Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(inf, new NumericColumn("y", [1, 2]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadTargetsAreClearErrors()
    {
        var x = new Table(new NumericColumn("a", [1, 2, 3]));
        Assert.Contains("only one class", Assert.Throws<DataValidationException>(() => new LogisticRegression().Fit(x, Column.Create("y", ["a", "a", "a"]))).Message, StringComparison.Ordinal);
        Assert.Contains("predicts numbers", Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x, Column.Create("y", ["a", "b", "a"]))).Message, StringComparison.Ordinal);
        Assert.Contains("same rows", Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x, new NumericColumn("y", [1, 2]))).Message, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Throws<DataValidationException>(() => new LogisticRegression().Fit(x, Column.Create("y", ["a", null, "b"]))).Row);
        Assert.Contains("supervised", Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyDataAndNonNumericFeaturesAreClearErrors()
    {
        var empty = new Table(new NumericColumn("a", []));
        Assert.Contains("at least one row", Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(empty, new NumericColumn("y", []))).Message, StringComparison.Ordinal);
        var text = new Table(Column.Create("city", ["Oslo", "Bergen"]));
        var e = Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(text, new NumericColumn("y", [1, 2])));
        Assert.Equal("city", e.Column);
        Assert.Contains("OneHotEncoder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadSampleWeightsAreClearErrors()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x, y, new FitContext { SampleWeight = [1.0, 2.0] }));
        double[] negative = [.. Enumerable.Repeat(1.0, x.RowCount)];
        negative[5] = -1;
        Assert.Equal(5, Assert.Throws<DataValidationException>(() => new LinearRegression().Fit(x, y, new FitContext { SampleWeight = negative })).Row);
    }

    [Fact]
    public void PredictChecksColumnsByName()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var model = new LogisticRegression().Fit(x, y);
        var reordered = x.Select([.. x.ColumnNames.Reverse()]).With(Column.Create("extra", [.. Enumerable.Repeat("z", x.RowCount).Select(s => (string?)s)]));
        Assert.Equal(model.PredictProba(x).AsSpan().ToArray(), model.PredictProba(reordered).AsSpan().ToArray());
        var e = Assert.Throws<DataValidationException>(() => model.Predict(x.Drop("petal_width")));
        Assert.Equal("petal_width", e.Column);
    }

    [Fact]
    public void ProgressIsReportedAndCancellationHonoured()
    {
        var (x, y) = Dataset.LoadXy("digits");
        var reports = new List<FitProgress>();
        var progress = new SynchronousProgress(reports.Add);
        new LogisticRegression(new LogisticRegressionOptions { MaxIter = 20 }).Fit(x, y, new FitContext { Progress = progress });
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal("logistic_regression", r.Estimator));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Iteration < p.Second.Iteration));

        using var cts = new CancellationTokenSource();
        var cancelling = new SynchronousProgress(r =>
        {
            if (r.Iteration == 3)
            {
                cts.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => new LogisticRegression().Fit(x, y, new FitContext { Progress = cancelling, CancellationToken = cts.Token }));
    }

    [Fact]
    public void PipelineFitsAndPredictsAsOneAndExposesNestedParameters()
    {
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var split = TrainTestSplit.Split(x, y, 0.25, seed: 1, stratify: true);
        var pipeline = new Pipeline(new Step("scaler", new StandardScaler()), new Step("model", new LogisticRegression()));
        var tuned = (Pipeline)pipeline.WithParameter("model.C", "0.1");
        Assert.Equal(0.1, ((LogisticRegression)tuned.Steps[1].Estimator).Options.C);
        Assert.Equal(1.0, ((LogisticRegression)pipeline.Steps[1].Estimator).Options.C);
        var model = Assert.IsType<ClassifierPipelineModel>(tuned.Fit(split.XTrain, split.YTrain));
        double accuracy = ClassificationMetrics.Accuracy(split.YTest, model.Predict(split.XTest));
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
        Assert.Equal(["benign", "malignant"], Enumerable.Range(0, 2).Select(model.Classes.FormatValue));
        Assert.Throws<HyperparameterException>(() => pipeline.WithParameter("nope.C", "1"));
    }

    private sealed class SynchronousProgress(Action<FitProgress> report) : IProgress<FitProgress>
    {
        public void Report(FitProgress value) => report(value);
    }
}
