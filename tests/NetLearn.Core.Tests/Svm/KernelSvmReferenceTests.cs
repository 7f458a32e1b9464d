using NetLearn.Core.Tests.Linear;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Preprocessing;
using NetLearn.Svm;
using Xunit;

namespace NetLearn.Core.Tests.Svm;

/// <summary>
/// SVC and SVR against scikit-learn 1.2's libsvm at tol = 1e-10 (fixture linear/svm.json): support vectors, dual
/// coefficients, intercepts and decision values at 1e-6. Probabilities use a 5-fold cross-validation whose shuffle
/// cannot be reproduced, so they are compared loosely; their invariants are checked exactly.
/// </summary>
public class KernelSvmReferenceTests
{
    public static TheoryData<string> Cases => ["iris_rbf", "iris_poly", "breast_cancer_rbf", "breast_cancer_sigmoid", "breast_cancer_linear", "wine_rbf"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SvcMatchesLibsvm(string name)
    {
        var c = PenalizedRegressionReferenceTests.Case("svm.json", name);
        var (x, y) = Standardized(c.GetProperty("dataset").GetString()!);
        var options = Options<SvcOptions>(c.GetProperty("kernel").GetString()!, c.GetProperty("params"), new SvcOptions { Tol = 1e-10 });
        var model = new Svc(options).Fit(x, y);
        Assert.True(model.Converged);
        Assert.Equal(c.GetProperty("classes").Strings(), Enumerable.Range(0, model.Classes.Length).Select(model.Classes.FormatValue));
        var m = x.ToMatrix();
        var ovr = c.GetProperty("decision_ovr").ValueKind == System.Text.Json.JsonValueKind.Array && c.GetProperty("decision_ovr")[0].ValueKind == System.Text.Json.JsonValueKind.Number
            ? c.GetProperty("decision_ovr").Doubles().Select(v => new[] { v }).ToArray()
            : c.GetProperty("decision_ovr").Rows();
        Fixture.Close(ovr, model.DecisionFunction(m), rel: 1e-6, abs: 1e-7, what: "decision ovr");
        if (model.Classes.Length > 2)
        {
            Fixture.Close(c.GetProperty("decision_ovo").Rows(), model.PairwiseDecision(m), rel: 1e-6, abs: 1e-7, what: "decision ovo");
        }

        Assert.Equal(c.GetProperty("predictions").Strings(), Enumerable.Range(0, y.Length).Select(model.Predict(x).FormatValue));
        if (c.GetProperty("kernel").GetString() != "linear")
        {
            // With a strictly positive definite kernel the dual solution is unique up to duplicate rows (iris has
            // some), so the coefficients summed per distinct row must agree.
            var expectedSupport = c.GetProperty("support").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var expectedCoef = c.GetProperty("dual_coef").Rows();
            var actualCoef = model.DualCoef;
            for (int k = 0; k < expectedCoef.Length; k++)
            {
                var expectedByRow = ByDistinctRow(m, expectedSupport, expectedCoef[k]);
                var actualByRow = ByDistinctRow(m, [.. model.Support], actualCoef.Row(k).ToArray());
                Assert.Equal(expectedByRow.Keys.Order(), actualByRow.Keys.Order());
                foreach (var (key, value) in expectedByRow)
                {
                    Fixture.Close(value, actualByRow[key], rel: 1e-6, abs: 1e-6, what: $"dual_coef row {k} at {key}");
                }
            }

            Fixture.Close(c.GetProperty("intercept").Doubles(), [.. model.Intercept], rel: 1e-6, abs: 1e-7, what: "intercept");
        }

        var proba = new Svc(options with { Probability = true, RandomState = 0 }).Fit(x, y).PredictProba(x);
        var expected = c.GetProperty("proba").Rows();
        double meanDifference = 0;
        for (int r = 0; r < proba.Rows; r++)
        {
            Assert.Equal(1.0, proba.Row(r).ToArray().Sum(), 9);
            for (int k = 0; k < proba.Columns; k++)
            {
                meanDifference += Math.Abs(proba[r, k] - expected[r][k]) / (proba.Rows * proba.Columns);
            }
        }

        Assert.True(meanDifference < 0.03, $"mean |proba − scikit-learn's| = {meanDifference}");
    }

    public static TheoryData<string> RegressionCases => ["diabetes_rbf", "diabetes_poly"];

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void SvrMatchesLibsvm(string name)
    {
        var c = Svm("regression").Single(e => e.GetProperty("name").GetString() == name);
        var (x, yRaw) = Standardized("diabetes");
        var y = new NumericColumn("target", [.. yRaw.ToDoubleArray().Select(v => v / 100.0)]);
        var options = Options<SvrOptions>(c.GetProperty("kernel").GetString()!, c.GetProperty("params"), new SvrOptions { Tol = 1e-10 });
        var model = new Svr(options).Fit(x, y);
        Assert.Equal(c.GetProperty("support").EnumerateArray().Select(v => v.GetInt32()), model.Support);
        Fixture.Close(c.GetProperty("dual_coef").Rows()[0], [.. model.DualCoef], rel: 1e-6, abs: 1e-7, what: "dual_coef");
        Fixture.Close(c.GetProperty("intercept").Doubles()[0], model.Intercept, rel: 1e-6, abs: 1e-7, what: "intercept");
        Fixture.Close(c.GetProperty("predictions").Doubles(), model.Predict(x).ToDoubleArray(), rel: 1e-6, abs: 1e-7, what: "predictions");
    }

    [Fact]
    public void ModelsWithoutProbabilitiesSaySo()
    {
        var (x, y) = Standardized("iris");
        var model = new Svc().Fit(x, y);
        Assert.False(model.SupportsProbabilities);
        Assert.False(((IClassifier)model).SupportsProbabilities());
        Assert.Equal("probability", Assert.Throws<HyperparameterException>(() => model.PredictProba(x)).Parameter);
        Assert.Equal("gamma", Assert.Throws<HyperparameterException>(() => new Svc().WithParameter("gamma", "fast")).Parameter);
        Assert.Equal(0.5, ((SvcOptions)new Svc().WithParameter("gamma", "0.5").Options).Gamma is "0.5" ? 0.5 : 0);
    }

    private static Dictionary<string, double> ByDistinctRow(NetLearn.LinearAlgebra.Matrix x, int[] support, double[] coef)
    {
        var result = new Dictionary<string, double>();
        for (int s = 0; s < support.Length; s++)
        {
            if (coef[s] == 0)
            {
                continue;
            }

            string key = string.Join(",", x.Row(support[s]).ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            result[key] = result.GetValueOrDefault(key) + coef[s];
        }

        return result;
    }

    internal static T Options<T>(string kernel, System.Text.Json.JsonElement p, T start)
        where T : KernelSvmOptions
    {
        T options = start with { Kernel = Enum.Parse<KernelType>(kernel, ignoreCase: true) };
        foreach (var property in p.EnumerateObject())
        {
            string value = property.Value.ValueKind == System.Text.Json.JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            options = HyperParameters.With(options, property.Name, value);
        }

        return options;
    }

    internal static (Table X, Column Y) Standardized(string dataset)
    {
        var (x, y) = Dataset.LoadXy(dataset);
        return (new StandardScaler().Fit(x).Transform(x), y);
    }

    private static IEnumerable<System.Text.Json.JsonElement> Svm(string key) => Fixture.Load("linear/svm.json").GetProperty(key).EnumerateArray();
}
