using NetLearn.Clustering;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>AgglomerativeClustering against SciPy 1.10's linkage and scikit-learn 1.2's labels (fixture: unsupervised/agglomerative.json).</summary>
public class AgglomerativeTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("agglomerative.json");

    [Theory]
    [InlineData(0, Linkage.Ward)]
    [InlineData(1, Linkage.Complete)]
    [InlineData(2, Linkage.Average)]
    [InlineData(3, Linkage.Single)]
    public void LinkageMatrixAndLabelsMatch(int index, Linkage linkage)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("X").Table();
        var model = new AgglomerativeClustering(new AgglomerativeClusteringOptions { NClusters = 4, Linkage = linkage }).Fit(x);
        var z = c.GetProperty("Z").Rows();
        for (int k = 0; k < z.Length; k++)
        {
            Assert.Equal(z[k][0], model.LinkageMatrix[k, 0]);
            Assert.Equal(z[k][1], model.LinkageMatrix[k, 1]);
            Fixture.Close(z[k][2], model.LinkageMatrix[k, 2], rel: 1e-13, what: $"height {k}");
            Assert.Equal(z[k][3], model.LinkageMatrix[k, 3]);
        }

        Assert.Equal(c.GetProperty("labels_4").Ints(), model.Labels);
        var threshold = new AgglomerativeClustering(new AgglomerativeClusteringOptions
        {
            NClusters = null,
            DistanceThreshold = c.GetProperty("distance_threshold").GetDouble(),
            Linkage = linkage,
        }).Fit(x);
        Assert.Equal(c.GetProperty("n_clusters_threshold").GetInt32(), threshold.ClusterCount);
        Assert.Equal(c.GetProperty("labels_threshold").Ints(), threshold.Labels);
        Assert.Equal(c.GetProperty("labels_4").Ints(), threshold.Cut(4));
    }

    [Fact]
    public void ManhattanAverageMatches()
    {
        var x = F.GetProperty("X").Table();
        var model = new AgglomerativeClustering(new AgglomerativeClusteringOptions { NClusters = 3, Linkage = Linkage.Average, Metric = DistanceMetric.Manhattan }).Fit(x);
        Assert.Equal(F.GetProperty("manhattan_average_labels_3").Ints(), model.Labels);
        Fixture.Close(F.GetProperty("manhattan_average_Z").Rows(), model.LinkageMatrix, rel: 1e-13, what: "Z");
    }

    [Fact]
    public void RoundTripsAndValidates()
    {
        var x = F.GetProperty("X").Table();
        var model = new AgglomerativeClustering().Fit(x);
        var loaded = Unsup.RoundTrip(model);
        Unsup.SameMatrix(model.LinkageMatrix, loaded.LinkageMatrix);
        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Throws<HyperparameterException>(() => new AgglomerativeClustering(new AgglomerativeClusteringOptions { Linkage = Linkage.Ward, Metric = DistanceMetric.Manhattan }));
        Assert.Throws<HyperparameterException>(() => new AgglomerativeClustering(new AgglomerativeClusteringOptions { NClusters = 3, DistanceThreshold = 1 }));
    }
}
