using System.Text.Json;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Linear;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>Ridge, Lasso, ElasticNet and the regularisation paths against scikit-learn 1.2 (fixtures linear/ridge.json, linear/enet.json).</summary>
public class PenalizedRegressionReferenceTests
{
    public static TheoryData<string> RidgeCases => ["alpha1", "alpha0.01_no_intercept", "alpha0.1_weighted"];

    public static TheoryData<string> EnetCases => ["lasso_0.1", "lasso_1_no_intercept", "enet_0.01_0.5", "enet_0.1_0.2_weighted"];

    [Theory]
    [MemberData(nameof(RidgeCases))]
    public void RidgeMatchesScikitLearn(string name)
    {
        var c = Case("ridge.json", name);
        var (x, y) = Dataset.LoadXy("diabetes");
        var context = Weights(c, x.RowCount);
        foreach (var solver in new[] { RidgeSolver.Cholesky, RidgeSolver.SparseCg })
        {
            var options = new RidgeOptions { Alpha = c.GetProperty("alpha").GetDouble(), FitIntercept = c.GetProperty("fit_intercept").GetBoolean(), Solver = solver, Tol = 1e-13, MaxIter = 10_000 };
            var model = new Ridge(options).Fit(x, y, context);
            Fixture.Close(c.GetProperty("coef").Doubles(), [.. model.Coefficients], rel: 1e-6, abs: 1e-9, what: $"{solver} coef");
            Fixture.Close(c.GetProperty("intercept").GetDouble(), model.Intercept, rel: 1e-6, abs: 1e-9, what: $"{solver} intercept");
            Fixture.Close(c.GetProperty("predictions").Doubles(), model.Predict(x).ToDoubleArray(), rel: 1e-6, abs: 1e-9, what: $"{solver} predictions");
        }
    }

    [Theory]
    [MemberData(nameof(EnetCases))]
    public void LassoAndElasticNetMatchScikitLearnOptimum(string name)
    {
        var c = Case("enet.json", name);
        var (x, y) = Dataset.LoadXy("diabetes");
        var context = Weights(c, x.RowCount);
        double alpha = c.GetProperty("alpha").GetDouble();
        bool intercept = c.GetProperty("fit_intercept").GetBoolean();
        LinearRegressorModel<LassoOptions>? lasso = null;
        LinearRegressorModel<ElasticNetOptions>? enet = null;
        if (c.GetProperty("kind").GetString() == "lasso")
        {
            lasso = new Lasso(new LassoOptions { Alpha = alpha, FitIntercept = intercept, Tol = 1e-14, MaxIter = 1_000_000 }).Fit(x, y, context);
        }
        else
        {
            enet = new ElasticNet(new ElasticNetOptions { Alpha = alpha, L1Ratio = c.GetProperty("l1_ratio").GetDouble(), FitIntercept = intercept, Tol = 1e-14, MaxIter = 1_000_000 }).Fit(x, y, context);
        }

        double[] coef = lasso is not null ? [.. lasso.Coefficients] : [.. enet!.Coefficients];
        double b = lasso?.Intercept ?? enet!.Intercept;
        double[] expected = c.GetProperty("coef").Doubles();
        double scale = expected.Max(Math.Abs);
        Fixture.Close(expected, coef, rel: 1e-6, abs: 1e-7 * scale, what: "coef");
        Fixture.Close(c.GetProperty("intercept").GetDouble(), b, rel: 1e-6, abs: 1e-7 * scale, what: "intercept");
        var predictions = lasso is not null ? lasso.Predict(x) : enet!.Predict(x);
        Fixture.Close(c.GetProperty("predictions").Doubles(), predictions.ToDoubleArray(), rel: 1e-6, abs: 1e-9, what: "predictions");
        Assert.Equal(expected.Select(v => v == 0), coef.Select(v => v == 0));
    }

    [Fact]
    public void LassoWithMoreFeaturesThanRowsMatchesScikitLearn()
    {
        var wide = Fixture.Load("linear/enet.json").GetProperty("wide");
        var x = Table.FromMatrix(wide.GetProperty("X").ToMatrix());
        var y = new NumericColumn("y", wide.GetProperty("y").Doubles());
        var model = new Lasso(new LassoOptions { Alpha = wide.GetProperty("alpha").GetDouble(), Tol = 1e-14, MaxIter = 1_000_000 }).Fit(x, y);
        double[] expected = wide.GetProperty("coef").Doubles();
        Fixture.Close(expected, [.. model.Coefficients], rel: 1e-6, abs: 1e-7 * expected.Max(Math.Abs), what: "coef");
        Fixture.Close(wide.GetProperty("intercept").GetDouble(), model.Intercept, rel: 1e-6, abs: 1e-6, what: "intercept");
    }

    [Fact]
    public void PathsMatchLassoPathAndEnetPath()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var m = x.ToMatrix();
        double[] means = [.. Enumerable.Range(0, m.Columns).Select(j => m.Column(j).Average())];
        for (int r = 0; r < m.Rows; r++)
        {
            for (int j = 0; j < m.Columns; j++)
            {
                m[r, j] -= means[j];
            }
        }

        double[] yv = y.ToDoubleArray();
        double mean = yv.Average();
        yv = [.. yv.Select(v => v - mean)];
        foreach (var path in Fixture.Load("linear/enet.json").GetProperty("paths").EnumerateArray())
        {
            double l1 = path.GetProperty("l1_ratio").GetDouble();
            var result = RegularizationPath.ElasticNet(m, yv, l1, path.GetProperty("eps").GetDouble(), path.GetProperty("n_alphas").GetInt32(), tol: 1e-14, maxIter: 1_000_000);
            Fixture.Close(path.GetProperty("alphas").Doubles(), result.Alphas, rel: 1e-12, what: $"alphas l1={l1}");
            var expected = path.GetProperty("coefs").Rows();
            double scale = expected.SelectMany(r => r).Max(Math.Abs);
            Fixture.Close(expected, result.Coefficients, rel: 1e-6, abs: 1e-7 * scale, what: $"path coefs l1={l1}");
        }
    }

    [Fact]
    public void WarmStartReachesTheSameOptimumInFewerPasses()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var first = new Lasso(new LassoOptions { Alpha = 0.11, Tol = 1e-10, MaxIter = 100_000 }).Fit(x, y);
        var estimator = new Lasso(new LassoOptions { Alpha = 0.1, Tol = 1e-10, MaxIter = 100_000 });
        var cold = estimator.Fit(x, y);
        var warm = estimator.FitFrom(first, x, y);
        Fixture.Close([.. cold.Coefficients], [.. warm.Coefficients], rel: 1e-5, abs: 1e-4, what: "coef");
        Assert.True(warm.Iterations < cold.Iterations, $"warm {warm.Iterations} vs cold {cold.Iterations}");
    }

    [Fact]
    public void BadHyperparametersAndDataAreRejected()
    {
        Assert.Equal("alpha", Assert.Throws<HyperparameterException>(() => new Ridge(new RidgeOptions { Alpha = -1 })).Parameter);
        Assert.Equal("l1_ratio", Assert.Throws<HyperparameterException>(() => new ElasticNet(new ElasticNetOptions { L1Ratio = 1.5 })).Parameter);
        Assert.Equal("tol", Assert.Throws<HyperparameterException>(() => new Lasso().WithParameter("tol", "-1")).Parameter);
        var x = new Table([new NumericColumn("a", [1, double.NaN, 3]), new NumericColumn("b", [1, 2, 4])]);
        var e = Assert.Throws<DataValidationException>(() => new Lasso().Fit(x, new NumericColumn("y", [1, 2, 3])));
        Assert.Equal("a", e.Column);
        Assert.Equal(1, e.Row);
        var good = new Table([new NumericColumn("a", [1, 2, 3]), new NumericColumn("b", [1, 2, 4])]);
        var model = new Ridge().Fit(good, new NumericColumn("y", [1, 2, 3]));
        Assert.Throws<DataValidationException>(() => model.Predict(new Table([new NumericColumn("a", [1.0])])));
    }

    [Fact]
    public void FeatureImportancesAreAbsoluteCoefficients()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var model = new Lasso(new LassoOptions { Alpha = 0.5 }).Fit(x, y);
        IFeatureImportances importances = model;
        Assert.Equal(model.FeatureNames, importances.ImportanceFeatureNames);
        Assert.Equal(model.Coefficients.Select(Math.Abs), importances.FeatureImportances);
    }

    internal static JsonElement Case(string file, string name) =>
        Fixture.Load($"linear/{file}").GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    internal static FitContext? Weights(JsonElement c, int rows) => c.GetProperty("weighted").GetBoolean()
        ? new FitContext { SampleWeight = [.. Enumerable.Range(0, rows).Select(i => 1.0 + (i % 5))] }
        : null;
}
