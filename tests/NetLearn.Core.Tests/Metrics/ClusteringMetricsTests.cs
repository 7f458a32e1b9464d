using NetLearn.Core.Tests.Clustering;
using NetLearn.Datasets;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Metrics;

/// <summary>Clustering metrics against scikit-learn 1.2 (fixture: unsupervised/metrics.json).</summary>
public class ClusteringMetricsTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("metrics.json");

    [Fact]
    public void InternalScoresMatch()
    {
        var x = F.GetProperty("X").ToMatrix();
        var pred = F.GetProperty("labels_pred").Ints();
        Fixture.Close(F.GetProperty("silhouette").GetDouble(), ClusteringMetrics.Silhouette(x, pred), rel: 1e-10, what: "silhouette");
        Fixture.Close(F.GetProperty("silhouette_samples").Doubles(), ClusteringMetrics.SilhouetteSamples(x, pred), rel: 1e-10, abs: 1e-12, what: "silhouette_samples");
        Fixture.Close(F.GetProperty("calinski_harabasz").GetDouble(), ClusteringMetrics.CalinskiHarabasz(x, pred), rel: 1e-10, what: "calinski_harabasz");
        Fixture.Close(F.GetProperty("davies_bouldin").GetDouble(), ClusteringMetrics.DaviesBouldin(x, pred), rel: 1e-10, what: "davies_bouldin");
        double sampled = ClusteringMetrics.Silhouette(x, pred, sampleSize: 150, seed: 1);
        Assert.InRange(sampled, F.GetProperty("silhouette").GetDouble() - 0.05, F.GetProperty("silhouette").GetDouble() + 0.05);
    }

    [Theory]
    [InlineData("blobs", "labels_true", "labels_pred")]
    [InlineData("random", "a", "b")]
    public void LabelAgreementScoresMatch(string pair, string trueKey, string predKey)
    {
        var e = F.GetProperty("pairs").GetProperty(pair);
        var t = F.GetProperty(trueKey).Ints();
        var p = F.GetProperty(predKey).Ints();
        Fixture.Close(e.GetProperty("ari").GetDouble(), ClusteringMetrics.AdjustedRandIndex(t, p), rel: 1e-10, what: "ari");
        Fixture.Close(e.GetProperty("mi").GetDouble(), ClusteringMetrics.MutualInformation(t, p), rel: 1e-10, what: "mi");
        Fixture.Close(e.GetProperty("ami").GetDouble(), ClusteringMetrics.AdjustedMutualInformation(t, p), rel: 1e-8, what: "ami");
        Fixture.Close(e.GetProperty("nmi").GetDouble(), ClusteringMetrics.NormalizedMutualInformation(t, p), rel: 1e-10, what: "nmi");
        var (h, c, v) = ClusteringMetrics.HomogeneityCompletenessVMeasure(t, p);
        Fixture.Close(e.GetProperty("homogeneity").GetDouble(), h, rel: 1e-10, what: "homogeneity");
        Fixture.Close(e.GetProperty("completeness").GetDouble(), c, rel: 1e-10, what: "completeness");
        Fixture.Close(e.GetProperty("v_measure").GetDouble(), v, rel: 1e-10, what: "v_measure");
        Fixture.Close(e.GetProperty("v_measure_beta2").GetDouble(), ClusteringMetrics.HomogeneityCompletenessVMeasure(t, p, beta: 2).VMeasure, rel: 1e-10, what: "v_measure beta=2");
    }

    [Fact]
    public void PerfectAndPermutedLabelsScoreOne()
    {
        int[] a = [0, 0, 1, 1, 2, 2, 2];
        int[] b = [5, 5, 3, 3, 9, 9, 9];
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(a, b), 12);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedMutualInformation(a, b), 12);
        Assert.Equal(1.0, ClusteringMetrics.NormalizedMutualInformation(a, b), 12);
    }

    [Fact]
    public void TrustworthinessMatches()
    {
        // Iris has duplicate rows, so neighbour ranks tie; NumPy's argsort breaks ties in its own (unstable) order,
        // which moves the score in the fourth decimal.
        var (x, _) = Dataset.LoadXy("iris");
        var emb = F.GetProperty("iris_pca2").ToMatrix();
        Fixture.Close(F.GetProperty("iris_trustworthiness_5").GetDouble(), ClusteringMetrics.Trustworthiness(x.ToMatrix(), emb, 5), rel: 0, abs: 5e-4, what: "k=5");
        Fixture.Close(F.GetProperty("iris_trustworthiness_12").GetDouble(), ClusteringMetrics.Trustworthiness(x.ToMatrix(), emb, 12), rel: 0, abs: 5e-4, what: "k=12");
    }

    [Fact]
    public void OneClusterIsRefused()
    {
        var x = F.GetProperty("X").ToMatrix();
        var same = new int[x.Rows];
        Assert.Throws<DataValidationException>(() => ClusteringMetrics.Silhouette(x, same));
        Assert.Throws<DataValidationException>(() => ClusteringMetrics.CalinskiHarabasz(x, same));
    }
}
