using NetLearn.Core.Tests.Svm;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>
/// SGD against scikit-learn 1.2 (fixture linear/sgd.json). SGD shuffles rows with its own generator, so the models are
/// compared by score: mean training accuracy over five seeds within 2 points, R² within 0.01.
/// </summary>
public class SgdReferenceTests
{
    [Fact]
    public void ClassifierScoresMatchScikitLearn()
    {
        foreach (var c in Fixture.Load("linear/sgd.json").GetProperty("cases").EnumerateArray())
        {
            var (x, y) = KernelSvmReferenceTests.Standardized(c.GetProperty("dataset").GetString()!);
            var options = With(new SgdClassifierOptions(), c.GetProperty("params"));
            double mean = Enumerable.Range(0, 5).Average(seed =>
                ClassificationMetrics.Accuracy(y, new SgdClassifier(options with { RandomState = seed }).Fit(x, y).Predict(x)));
            double expected = c.GetProperty("train_accuracy_mean").GetDouble();
            Assert.True(Math.Abs(mean - expected) <= 0.02, $"{c}: NetLearn mean accuracy {mean}, scikit-learn {expected}");
        }
    }

    [Fact]
    public void RegressorScoresMatchScikitLearn()
    {
        var (x, yRaw) = KernelSvmReferenceTests.Standardized("diabetes");
        var y = new NumericColumn("target", [.. yRaw.ToDoubleArray().Select(v => v / 100.0)]);
        foreach (var c in Fixture.Load("linear/sgd.json").GetProperty("regression").EnumerateArray())
        {
            var options = With(new SgdRegressorOptions(), c.GetProperty("params"));
            double mean = Enumerable.Range(0, 5).Average(seed => RegressionMetrics.R2(y, new SgdRegressor(options with { RandomState = seed }).Fit(x, y).Predict(x)));
            double expected = c.GetProperty("train_r2_mean").GetDouble();
            Assert.True(Math.Abs(mean - expected) <= 0.01, $"{c}: NetLearn mean R² {mean}, scikit-learn {expected}");
        }
    }

    [Fact]
    public void ProbabilitiesOnlyForProbabilisticLosses()
    {
        var (x, y) = KernelSvmReferenceTests.Standardized("iris");
        var hinge = new SgdClassifier().Fit(x, y);
        Assert.False(((IClassifier)hinge).SupportsProbabilities());
        Assert.Throws<HyperparameterException>(() => hinge.PredictProba(x));
        var log = new SgdClassifier(new SgdClassifierOptions { Loss = SgdLoss.LogLoss }).Fit(x, y);
        var proba = log.PredictProba(x);
        Assert.All(Enumerable.Range(0, proba.Rows), r => Assert.Equal(1.0, proba.Row(r).ToArray().Sum(), 9));
        Assert.Equal("loss", Assert.Throws<HyperparameterException>(() => new SgdClassifier(new SgdClassifierOptions { Loss = SgdLoss.SquaredError })).Parameter);
    }

    private static T With<T>(T options, System.Text.Json.JsonElement p)
        where T : EstimatorOptions
    {
        // All at once: learning_rate=constant is only valid together with its eta0.
        var json = options.ToJson();
        foreach (var property in p.EnumerateObject())
        {
            json[property.Name] = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText());
        }

        var result = HyperParameters.FromJson<T>(json);
        result.Validate();
        return result;
    }
}
