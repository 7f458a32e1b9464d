using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Datasets;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>KMeans against scikit-learn 1.2 from the same initial centres (fixture: unsupervised/kmeans.json).</summary>
public class KMeansTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("kmeans.json");

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, F.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScikitLearnFromTheSameInitialCentres(int index)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("X").Table();
        var options = new KMeansOptions
        {
            NClusters = c.GetProperty("k").GetInt32(),
            InitCenters = c.GetProperty("init").Rows(),
            Algorithm = c.GetProperty("algorithm").GetString() == "elkan" ? KMeansAlgorithm.Elkan : KMeansAlgorithm.Lloyd,
        };
        var context = c.GetProperty("weighted").GetBoolean() ? new NetLearn.Estimators.FitContext { SampleWeight = F.GetProperty("sample_weight").Doubles() } : null;
        var model = new KMeans(options).Fit(x, context: context);
        Fixture.Close(c.GetProperty("inertia").GetDouble(), model.Inertia, rel: 1e-9, what: "inertia");
        Fixture.Close(c.GetProperty("centers").Rows(), model.ClusterCenters, rel: 1e-9, abs: 1e-9, what: "centers");
        Assert.Equal(c.GetProperty("labels").Ints(), model.Labels);
        Assert.Equal(c.GetProperty("labels").Ints(), model.Predict(x.ToMatrix()));
    }

    [Fact]
    public void KMeansPlusPlusFindsTheIrisOptimum()
    {
        var (x, _) = Dataset.LoadXy("iris");
        var model = new KMeans(new KMeansOptions { NClusters = 3, RandomState = 0 }).Fit(x);
        Fixture.Close(F.GetProperty("iris_k3_inertia").GetDouble(), model.Inertia, rel: 1e-3, what: "inertia");
        Assert.Equal(3, model.Labels.Distinct().Count());
    }

    [Fact]
    public void ElkanAndLloydAgree()
    {
        var x = F.GetProperty("X").Table();
        var lloyd = new KMeans(new KMeansOptions { NClusters = 6, RandomState = 4, NInit = 2 }).Fit(x);
        var elkan = new KMeans(new KMeansOptions { NClusters = 6, RandomState = 4, NInit = 2, Algorithm = KMeansAlgorithm.Elkan }).Fit(x);
        Fixture.Close(lloyd.Inertia, elkan.Inertia, rel: 1e-9, what: "inertia");
        Assert.Equal(lloyd.Labels, elkan.Labels);
    }

    [Fact]
    public void SavesAndPredictsAfterLoading()
    {
        var x = F.GetProperty("X").Table();
        var model = new KMeans(new KMeansOptions { NClusters = 4, RandomState = 1, NInit = 1 }).Fit(x);
        var loaded = Unsup.RoundTrip(model);
        Unsup.SameMatrix(model.ClusterCenters, loaded.ClusterCenters);
        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Equal(model.Inertia, loaded.Inertia);
        Assert.Equal(model.Predict(x).ToDoubleArray(), loaded.Predict(x).ToDoubleArray());
        Assert.Equal(4, loaded.Transform(x).ColumnCount);
    }

    [Fact]
    public void SameSeedSameResult()
    {
        var x = F.GetProperty("X").Table();
        var a = new KMeans(new KMeansOptions { NClusters = 5, RandomState = 9, NInit = 3 }).Fit(x);
        var b = new KMeans(new KMeansOptions { NClusters = 5, RandomState = 9, NInit = 3 }).Fit(x);
        Unsup.SameMatrix(a.ClusterCenters, b.ClusterCenters);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var identical = new Table(new NumericColumn("a", [1, 1, 1, 1]), new NumericColumn("b", [2, 2, 2, 2]));
        var e = Assert.Throws<DataValidationException>(() => new KMeans(new KMeansOptions { NClusters = 2 }).Fit(identical));
        Assert.Contains("identical", e.Message, StringComparison.Ordinal);

        var few = new Table(new NumericColumn("a", [1, 2, 3]));
        e = Assert.Throws<DataValidationException>(() => new KMeans(new KMeansOptions { NClusters = 4 }).Fit(few));
        Assert.Contains("n_clusters=4", e.Message, StringComparison.Ordinal);

        var withNaN = new Table(new NumericColumn("a", [1, double.NaN, 3]));
        e = Assert.Throws<DataValidationException>(() => new KMeans(new KMeansOptions { NClusters = 2 }).Fit(withNaN));
        Assert.Equal("a", e.Column);
        Assert.Equal(1, e.Row);

        var one = new Table(new NumericColumn("a", [1.0]));
        Assert.Throws<DataValidationException>(() => new KMeans(new KMeansOptions { NClusters = 1 }).Fit(one));
        Assert.Throws<HyperparameterException>(() => new KMeans(new KMeansOptions { NClusters = 0 }));
    }
}

/// <summary>MiniBatchKMeans: close to full k-means on well-separated blobs.</summary>
public class MiniBatchKMeansTests
{
    [Fact]
    public void ReachesNearlyTheFullKMeansInertia()
    {
        var f = Unsup.Load("kmeans.json");
        var x = f.GetProperty("X").Table();
        var full = new KMeans(new KMeansOptions { NClusters = 5, RandomState = 0 }).Fit(x);
        var mini = new MiniBatchKMeans(new MiniBatchKMeansOptions { NClusters = 5, BatchSize = 100, RandomState = 0 }).Fit(x);
        Assert.InRange(mini.Inertia, full.Inertia, full.Inertia * 1.05);
        Assert.Equal(5, mini.Labels.Distinct().Count());
        Assert.Equal(mini.Labels, mini.Predict(x.ToMatrix()));
        var again = new MiniBatchKMeans(new MiniBatchKMeansOptions { NClusters = 5, BatchSize = 100, RandomState = 0 }).Fit(x);
        Unsup.SameMatrix(mini.ClusterCenters, again.ClusterCenters);
    }
}
