using NetLearn.Clustering;
using NetLearn.Estimators;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>
/// Agglomerative clustering with a k-NN connectivity constraint against scikit-learn 1.2.1's AgglomerativeClustering
/// with connectivity=kneighbors_graph(X, k) (fixture: unsupervised/agglomerative_connectivity.json from
/// tests/reference/make_connectivity_fixtures.py): merge order, heights and labels identical.
/// </summary>
public class AgglomerativeConnectivityTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("agglomerative_connectivity.json");

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, F.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TreeAndLabelsMatchScikitLearn(int index)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("data").GetProperty(c.GetProperty("data").GetString()!).Table();
        var options = new AgglomerativeClusteringOptions
        {
            NClusters = c.GetProperty("n_clusters").GetInt32(),
            Linkage = Enum.Parse<Linkage>(c.GetProperty("linkage").GetString()!, ignoreCase: true),
            ConnectivityNNeighbors = c.GetProperty("n_neighbors").GetInt32(),
        };
        var model = new AgglomerativeClustering(options).Fit(x);
        // scikit-learn orders each pair (smaller id first) except for single linkage, which comes from SciPy's MST labelling.
        var children = c.GetProperty("children").EnumerateArray().Select(r => (Math.Min(r[0].GetInt32(), r[1].GetInt32()), Math.Max(r[0].GetInt32(), r[1].GetInt32()))).ToArray();
        Assert.Equal(children, model.Children);
        double[] distances = c.GetProperty("distances").Doubles();
        for (int i = 0; i < distances.Length; i++)
        {
            Assert.Equal(distances[i], model.Distances[i], 1e-9);
        }

        if (options.Linkage == Linkage.Single)
        {
            HDBSCANTests.AssertSamePartition(c.GetProperty("labels").Ints(), [.. model.Labels]);
        }
        else
        {
            Assert.Equal(c.GetProperty("labels").Ints(), model.Labels);
        }
    }

    [Fact]
    public void ConstrainedTreeSavesAndLoads()
    {
        // Single linkage along a 5-NN graph separates the two moons exactly (80 rows each).
        var x = F.GetProperty("data").GetProperty("moons").Table();
        var model = new AgglomerativeClustering(new AgglomerativeClusteringOptions { NClusters = 2, Linkage = Linkage.Single, ConnectivityNNeighbors = 5 }).Fit(x);
        Assert.Equal(80, model.Labels.Count(l => l == 0));
        var loaded = Unsup.RoundTrip(model);
        Assert.Equal(model.Labels, loaded.Labels);
        Unsup.SameMatrix(model.LinkageMatrix, loaded.LinkageMatrix);
    }

    [Fact]
    public void BadNeighbourCountIsRefused()
    {
        var x = F.GetProperty("data").GetProperty("moons").Table();
        var e = Assert.Throws<HyperparameterException>(() => new AgglomerativeClustering(new AgglomerativeClusteringOptions { ConnectivityNNeighbors = 0 }).Fit(x));
        Assert.Contains("connectivity_n_neighbors", e.Message);
    }
}
