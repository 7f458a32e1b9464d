using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Neighbors;
using Xunit;

namespace NetLearn.Core.Tests.Neighbors;

/// <summary>k-nearest neighbours against scikit-learn 1.2 (fixture linear/knn.json): every search method must give scikit-learn's brute-force answer.</summary>
public class KNeighborsReferenceTests
{
    private static readonly System.Text.Json.JsonElement Data = Fixture.Load("linear/knn.json");

    public static TheoryData<NeighborAlgorithm> Algorithms => [NeighborAlgorithm.Brute, NeighborAlgorithm.KdTree, NeighborAlgorithm.BallTree, NeighborAlgorithm.Auto];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void MatchesScikitLearn(NeighborAlgorithm algorithm)
    {
        var (xc, yc) = Split(Data.GetProperty("classification"));
        var (xr, yr) = Split(Data.GetProperty("regression"));
        var trainC = xc.Take([.. Enumerable.Range(0, 200)]);
        var testC = xc.Take([.. Enumerable.Range(200, 100)]);
        var labels = new NumericColumn("y", [.. yc.Take(200)]);
        var trainR = xr.Take([.. Enumerable.Range(0, 200)]);
        var testR = xr.Take([.. Enumerable.Range(200, 100)]);
        var target = new NumericColumn("y", [.. yr.Take(200)]);
        foreach (var c in Data.GetProperty("cases").EnumerateArray())
        {
            var metric = Enum.Parse<DistanceMetric>(c.GetProperty("metric").GetString()!, ignoreCase: true);
            var weights = Enum.Parse<NeighborWeights>(c.GetProperty("weights").GetString()!, ignoreCase: true);
            int k = c.GetProperty("k").GetInt32();
            string what = $"{metric} p={c.GetProperty("p").GetDouble()} {weights} k={k}";
            var classifier = new KNeighborsClassifier(new KNeighborsClassifierOptions { NNeighbors = k, Weights = weights, Metric = metric, P = c.GetProperty("p").GetDouble(), Algorithm = algorithm, LeafSize = 7 }).Fit(trainC, labels);
            var (indices, distances) = classifier.KNeighbors(testC);
            var expectedIndices = c.GetProperty("neighbor_indices").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
            var expectedDistances = c.GetProperty("neighbor_distances").Rows();
            for (int i = 0; i < indices.Length; i++)
            {
                Assert.Equal(expectedIndices[i], indices[i]);
                Fixture.Close(expectedDistances[i], distances[i], rel: 1e-9, abs: 1e-12, what: $"{what} distances row {i}");
            }

            Fixture.Close(c.GetProperty("class_proba").Rows(), classifier.PredictProba(testC), rel: 1e-6, abs: 1e-12, what: $"{what} proba");
            Assert.Equal(c.GetProperty("class_predictions").Doubles(), classifier.Predict(testC).ToDoubleArray());

            var regressor = new KNeighborsRegressor(new KNeighborsRegressorOptions { NNeighbors = k, Weights = weights, Metric = metric, P = c.GetProperty("p").GetDouble(), Algorithm = algorithm, LeafSize = 7 }).Fit(trainR, target);
            Fixture.Close(c.GetProperty("reg_predictions").Doubles(), regressor.Predict(testR).ToDoubleArray(), rel: 1e-6, abs: 1e-9, what: $"{what} regression");
        }
    }

    [Fact]
    public void AutoPicksScikitLearnsMethod()
    {
        var (x, y) = Split(Data.GetProperty("classification"));
        var labels = new NumericColumn("y", y);
        Assert.Equal(NeighborAlgorithm.KdTree, new KNeighborsClassifier().Fit(x, labels).FitMethod);
        Assert.Equal(NeighborAlgorithm.Brute, new KNeighborsClassifier(new KNeighborsClassifierOptions { NNeighbors = 150 }).Fit(x, labels).FitMethod);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var x = new Table([new NumericColumn("a", [1, 2, 3])]);
        Assert.Equal("n_neighbors", Assert.Throws<HyperparameterException>(() => new KNeighborsRegressor().Fit(x, new NumericColumn("y", [1, 2, 3]))).Parameter);
        Assert.Equal("p", Assert.Throws<HyperparameterException>(() => new KNeighborsClassifier(new KNeighborsClassifierOptions { P = 0.5 })).Parameter);
        var model = new KNeighborsClassifier(new KNeighborsClassifierOptions { NNeighbors = 1 }).Fit(x, Column.Create("y", ["a", "b", "a"]));
        var e = Assert.Throws<DataValidationException>(() => model.Predict(new Table([new NumericColumn("a", [double.NaN])])));
        Assert.Equal("a", e.Column);
    }

    internal static (Table X, double[] Y) Split(System.Text.Json.JsonElement e) => (Table.FromMatrix(e.GetProperty("X").ToMatrix()), e.GetProperty("y").Doubles());
}
