using NetLearn.Core.Tests.Svm;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>LinearSVC and LinearSVR against scikit-learn 1.2's liblinear at tol = 1e-10 (fixture linear/linear_svm.json).</summary>
public class LinearSvmReferenceTests
{
    public static TheoryData<string> Cases => ["breast_cancer_squared_hinge_1.0", "breast_cancer_hinge_0.1", "iris_squared_hinge_1.0", "wine_hinge_0.5"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void LinearSvcMatchesLiblinear(string name)
    {
        var c = PenalizedRegressionReferenceTests.Case("linear_svm.json", name);
        var (x, y) = KernelSvmReferenceTests.Standardized(c.GetProperty("dataset").GetString()!);
        var options = new LinearSvcOptions
        {
            C = c.GetProperty("C").GetDouble(),
            Loss = c.GetProperty("loss").GetString() == "hinge" ? LinearSvcLoss.Hinge : LinearSvcLoss.SquaredHinge,
            Tol = 1e-10,
            MaxIter = 100_000,
        };
        var model = new LinearSvc(options).Fit(x, y);
        var expected = c.GetProperty("coef").Rows();
        double scale = expected.SelectMany(r => r).Max(Math.Abs);
        Fixture.Close(expected, model.Coefficients, rel: 1e-6, abs: 1e-6 * scale, what: "coef");
        Fixture.Close(c.GetProperty("intercept").Doubles(), [.. model.Intercept], rel: 1e-6, abs: 1e-6 * scale, what: "intercept");
        var decision = c.GetProperty("decision");
        var expectedDecision = decision[0].ValueKind == System.Text.Json.JsonValueKind.Number ? decision.Doubles().Select(v => new[] { v }).ToArray() : decision.Rows();
        Fixture.Close(expectedDecision, model.DecisionFunction(x), rel: 1e-6, abs: 1e-6, what: "decision");
        Assert.Equal(c.GetProperty("predictions").Strings(), Enumerable.Range(0, y.Length).Select(model.Predict(x).FormatValue));
        Assert.False(((IClassifier)model).SupportsProbabilities());
        Assert.Equal("probability", Assert.Throws<HyperparameterException>(() => model.PredictProba(x)).Parameter);
        Assert.Equal(model.Coefficients.Columns, model.FeatureImportances.Count);
    }

    public static TheoryData<string> RegressionCases => ["diabetes_epsilon_insensitive", "diabetes_squared_epsilon_insensitive"];

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void LinearSvrMatchesLiblinear(string name)
    {
        var c = Fixture.Load("linear/linear_svm.json").GetProperty("regression").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var (x, yRaw) = KernelSvmReferenceTests.Standardized("diabetes");
        var y = new NumericColumn("target", [.. yRaw.ToDoubleArray().Select(v => v / 100.0)]);
        var options = new LinearSvrOptions
        {
            C = c.GetProperty("C").GetDouble(),
            Epsilon = c.GetProperty("epsilon").GetDouble(),
            Loss = c.GetProperty("loss").GetString() == "epsilon_insensitive" ? LinearSvrLoss.EpsilonInsensitive : LinearSvrLoss.SquaredEpsilonInsensitive,
            Tol = 1e-10,
            MaxIter = 100_000,
        };
        var model = new LinearSvr(options).Fit(x, y);
        double[] expected = c.GetProperty("coef").Doubles();
        double scale = expected.Max(Math.Abs);
        Fixture.Close(expected, [.. model.Coefficients], rel: 1e-6, abs: 1e-6 * scale, what: "coef");
        Fixture.Close(c.GetProperty("intercept").Doubles()[0], model.Intercept, rel: 1e-6, abs: 1e-6 * scale, what: "intercept");
        Fixture.Close(c.GetProperty("predictions").Doubles(), model.Predict(x).ToDoubleArray(), rel: 1e-6, abs: 1e-6, what: "predictions");
    }
}
