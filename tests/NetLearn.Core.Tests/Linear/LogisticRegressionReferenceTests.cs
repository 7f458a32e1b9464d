using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>
/// LogisticRegression against scikit-learn 1.2 (fixture: logistic_regression.json). Coefficients are compared at 1e-6
/// relative with the exact optimum of scikit-learn's objective (its newton-cg solver at gradient ≤ 1e-8); scikit-learn's
/// lbfgs stops ~1e-4 short of it (SciPy's ftol), so its probabilities are compared at that tolerance.
/// </summary>
public class LogisticRegressionReferenceTests
{
    public static TheoryData<string> Cases => ["iris_C1", "iris_C0.1", "wine_C1", "breast_cancer_C1", "breast_cancer_C1_balanced", "digits_C1"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScikitLearn(string name)
    {
        var c = Fixture.Load("logistic_regression.json").GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var (x, y) = Dataset.LoadXy(c.GetProperty("dataset").GetString()!);
        var scaled = new StandardScaler().Fit(x).Transform(x);
        var options = new LogisticRegressionOptions
        {
            C = c.GetProperty("C").GetDouble(),
            ClassWeight = c.GetProperty("class_weight").ValueKind == System.Text.Json.JsonValueKind.Null ? null : ClassWeight.Balanced,
            Tol = 1e-10,
            MaxIter = 10_000,
        };
        var model = new LogisticRegression(options).Fit(scaled, y);

        Assert.True(model.Converged, $"not converged after {model.Iterations} iterations");
        Assert.Equal(c.GetProperty("classes").Strings(), Enumerable.Range(0, model.Classes.Length).Select(model.Classes.FormatValue));
        var optimum = c.GetProperty("optimum");
        var expectedCoef = optimum.GetProperty("coef").Rows();
        double scale = expectedCoef.SelectMany(r => r).Max(Math.Abs);
        Fixture.Close(expectedCoef, model.Coefficients, rel: 1e-6, abs: 1e-6 * scale, what: "coef");
        Fixture.Close(Centred(optimum.GetProperty("intercept").Doubles()), Centred([.. model.Intercept]), rel: 1e-6, abs: 1e-6 * scale, what: "intercept");

        var proba = model.PredictProba(scaled);
        Fixture.Close(c.GetProperty("proba").Rows(), proba, rel: 0, abs: 1e-4, what: "proba vs sklearn lbfgs");
        Fixture.Close(optimum.GetProperty("train_log_loss").GetDouble(), ClassificationMetrics.LogLoss(y, proba, model.Classes), rel: 1e-6, what: "log loss");
        Assert.Equal(c.GetProperty("predictions").Strings(), Enumerable.Range(0, y.Length).Select(model.Predict(scaled).FormatValue));
        Fixture.Close(c.GetProperty("train_accuracy").GetDouble(), ClassificationMetrics.Accuracy(y, model.Predict(scaled)), rel: 0, abs: 0, what: "accuracy");
    }

    private static double[] Centred(double[] values) => values.Length == 1 ? values : [.. values.Select(v => v - values.Average())];
}
