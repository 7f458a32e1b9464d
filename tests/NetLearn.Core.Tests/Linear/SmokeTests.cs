using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

public class SmokeTests
{
    [Fact]
    public void LogisticRegressionFitsIrisWell()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var scaled = new StandardScaler().Fit(x).Transform(x);
        var model = new LogisticRegression().Fit(scaled, y);
        var accuracy = ClassificationMetrics.Accuracy(y, model.Predict(scaled));
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}, iterations {model.Iterations}, converged {model.Converged}, coef {string.Join(",", model.Coefficients.AsSpan().ToArray())}");
    }
}
