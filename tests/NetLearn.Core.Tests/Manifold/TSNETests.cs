using NetLearn.Core.Tests.Clustering;
using NetLearn.Datasets;
using NetLearn.Manifold;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Manifold;

/// <summary>t-SNE quality against scikit-learn 1.2's Barnes-Hut run on digits (fixture: unsupervised/tsne.json).</summary>
public class TSNETests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("tsne.json");

    [Fact]
    public void BarnesHutOnDigitsIsAsTrustworthyAsScikitLearn()
    {
        var (x, _) = Dataset.LoadXy("digits");
        var model = new TSNE(new TSNEOptions { RandomState = 0 }).Fit(x);
        double trust = ClusteringMetrics.Trustworthiness(x.ToMatrix(), model.Embedding, 5);
        Assert.True(trust >= 0.99, $"trustworthiness {trust}");
        Assert.True(trust >= F.GetProperty("trustworthiness").GetDouble() - 0.002, $"trustworthiness {trust} vs scikit-learn {F.GetProperty("trustworthiness").GetDouble()}");
        Assert.True(model.KlDivergence <= F.GetProperty("kl_divergence").GetDouble() * 1.05, $"KL {model.KlDivergence} vs scikit-learn {F.GetProperty("kl_divergence").GetDouble()}");
    }

    [Fact]
    public void ExactAndBarnesHutAgreeOnIris()
    {
        var (x, _) = Dataset.LoadXy("iris");
        var exact = new TSNE(new TSNEOptions { Method = TSNEMethod.Exact, RandomState = 1, Perplexity = 20 }).Fit(x);
        var bh = new TSNE(new TSNEOptions { RandomState = 1, Perplexity = 20 }).Fit(x);
        var m = x.ToMatrix();
        Assert.True(ClusteringMetrics.Trustworthiness(m, exact.Embedding, 5) > 0.97);
        Assert.True(ClusteringMetrics.Trustworthiness(m, bh.Embedding, 5) > 0.97);
        Assert.InRange(bh.KlDivergence, exact.KlDivergence * 0.8, exact.KlDivergence * 1.25);
        var loaded = Unsup.RoundTrip(bh);
        Unsup.SameMatrix(bh.Embedding, loaded.Embedding);
        Assert.Throws<HyperparameterException>(() => new TSNE(new TSNEOptions { Perplexity = 200 }).Fit(x));
    }
}
