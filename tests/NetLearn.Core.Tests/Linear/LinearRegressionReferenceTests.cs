using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using Xunit;

namespace NetLearn.Core.Tests.Linear;

/// <summary>LinearRegression against scikit-learn 1.2 on diabetes (fixture: linear_regression.json).</summary>
public class LinearRegressionReferenceTests
{
    public static TheoryData<string> Cases => ["default", "no_intercept", "sample_weight"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScikitLearn(string name)
    {
        var fixture = Fixture.Load("linear_regression.json");
        var c = fixture.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var (x, y) = Dataset.LoadXy("diabetes");
        var weights = c.GetProperty("sample_weight").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("sample_weight").Doubles();
        var model = new LinearRegression(new LinearRegressionOptions { FitIntercept = c.GetProperty("fit_intercept").GetBoolean() })
            .Fit(x, y, new FitContext { SampleWeight = weights });

        Fixture.Close(c.GetProperty("coef").Doubles(), model.Coefficients, what: "coef");
        Fixture.Close(c.GetProperty("intercept").GetDouble(), model.Intercept, what: "intercept");
        Fixture.Close(c.GetProperty("predictions").Doubles(), ((NumericColumn)model.Predict(x)).Values.ToArray(), what: "predictions");
        Assert.Equal(x.ColumnNames, model.FeatureNames);
    }

    [Fact]
    public void IntegerWeightsEqualRepeatedRows()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        int[] repeats = [.. Enumerable.Range(0, x.RowCount).Select(i => 1 + (i % 3))];
        int[] rows = [.. repeats.SelectMany((r, i) => Enumerable.Repeat(i, r))];
        var weighted = new LinearRegression().Fit(x, y, new FitContext { SampleWeight = [.. repeats.Select(r => (double)r)] });
        var repeated = new LinearRegression().Fit(x.Take(rows), y.Take(rows));
        Fixture.Close(repeated.Coefficients, weighted.Coefficients, rel: 1e-9, what: "coef");
        Fixture.Close(repeated.Intercept, weighted.Intercept, rel: 1e-9, what: "intercept");
    }

    [Fact]
    public void NearlyCollinearColumnsAreStillSolvedAccurately()
    {
        // cond(X) ~ 1e7: the normal equations would lose ~14 digits, so the solver must take the QR path.
        var random = new Random(3);
        double[] a = [.. Enumerable.Range(0, 200).Select(_ => random.NextDouble())];
        double[] b = [.. a.Select(v => v + (1e-7 * (random.NextDouble() - 0.5)))];
        var x = new Table(new NumericColumn("a", a), new NumericColumn("b", b));
        var y = new NumericColumn("y", [.. a.Select((v, i) => (3 * v) - (2 * b[i]) + 5)]);
        var model = new LinearRegression().Fit(x, y);
        Fixture.Close(3.0, model.Coefficients[0], rel: 1e-5, what: "a");
        Fixture.Close(-2.0, model.Coefficients[1], rel: 1e-5, what: "b");
        Fixture.Close(5.0, model.Intercept, rel: 1e-9, what: "intercept");
    }

    [Fact]
    public void CollinearColumnsGiveTheMinimumNormSolution()
    {
        // x2 = 2·x1: infinitely many least-squares solutions; the minimum-norm one splits the effect as 1:2.
        double[] x1 = [1, 2, 3, 4, 5, 6];
        var x = new Table(new NumericColumn("a", x1), new NumericColumn("b", [.. x1.Select(v => 2 * v)]));
        var y = new NumericColumn("y", [.. x1.Select(v => (5 * v) + 1)]);
        var model = new LinearRegression().Fit(x, y);
        Fixture.Close(1.0, model.Coefficients[0], rel: 1e-9, what: "a");
        Fixture.Close(2.0, model.Coefficients[1], rel: 1e-9, what: "b");
        Fixture.Close(1.0, model.Intercept, rel: 1e-9, what: "intercept");
    }
}
