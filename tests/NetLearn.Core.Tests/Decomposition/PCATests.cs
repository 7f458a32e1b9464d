using NetLearn.Core.Tests.Clustering;
using NetLearn.Datasets;
using NetLearn.Decomposition;
using Xunit;

namespace NetLearn.Core.Tests.Decomposition;

/// <summary>PCA against scikit-learn 1.2's full solver (fixture: unsupervised/pca.json).</summary>
public class PCATests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("pca.json");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void FullSolverMatchesScikitLearn(int index)
    {
        var c = F.GetProperty("cases")[index];
        var (x, _) = Dataset.LoadXy(c.GetProperty("dataset").GetString()!);
        double? k = c.GetProperty("n_components").ValueKind == System.Text.Json.JsonValueKind.Null ? null : c.GetProperty("n_components").GetDouble();
        var model = new PCA(new PCAOptions { NComponents = k, SvdSolver = SvdSolver.Full }).Fit(x);
        var ev = c.GetProperty("explained_variance").Doubles();
        double scale = ev[0];
        Fixture.Close(ev, model.ExplainedVariance, rel: 1e-8, abs: 1e-8 * scale, what: "explained_variance");
        Fixture.Close(c.GetProperty("explained_variance_ratio").Doubles(), model.ExplainedVarianceRatio, rel: 1e-8, abs: 1e-12, what: "ratio");
        Fixture.Close(c.GetProperty("singular_values").Doubles(), model.SingularValues, rel: 1e-8, abs: 1e-6, what: "singular_values");
        Fixture.Close(c.GetProperty("noise_variance").GetDouble(), model.NoiseVariance, rel: 1e-8, abs: 1e-8 * scale, what: "noise_variance");
        Fixture.Close(c.GetProperty("mean").Doubles(), model.Mean, rel: 1e-12, what: "mean");
        Fixture.Close(c.GetProperty("components").Rows(), model.Components, rel: 0, abs: 1e-8, what: "components");
        Fixture.Close(c.GetProperty("transform_head").Rows(), model.Transform(x.Head(5)).ToMatrix(), rel: 1e-8, abs: 1e-8, what: "transform");
    }

    [Fact]
    public void WhitenFractionAndInverse()
    {
        var (x, _) = Dataset.LoadXy("wine");
        var white = new PCA(new PCAOptions { NComponents = 3, Whiten = true, SvdSolver = SvdSolver.Full }).Fit(x);
        Fixture.Close(F.GetProperty("wine_whiten_transform_head").Rows(), white.Transform(x.Head(5)).ToMatrix(), rel: 1e-8, abs: 1e-8, what: "whitened");
        Fixture.Close(F.GetProperty("wine_whiten_inverse_head").Rows(), white.InverseTransform(white.Transform(x.Head(5))).ToMatrix(), rel: 1e-8, abs: 1e-8, what: "inverse");
        var frac = new PCA(new PCAOptions { NComponents = 0.95, SvdSolver = SvdSolver.Full }).Fit(x);
        Assert.Equal(F.GetProperty("wine_fraction_095_components").GetInt32(), frac.ComponentCount);
    }

    [Fact]
    public void RandomizedAgreesWithFullOnDigits()
    {
        var (x, _) = Dataset.LoadXy("digits");
        var full = new PCA(new PCAOptions { NComponents = 8, SvdSolver = SvdSolver.Full }).Fit(x);
        var randomized = new PCA(new PCAOptions { NComponents = 8, SvdSolver = SvdSolver.Randomized, RandomState = 3 }).Fit(x);
        Fixture.Close(full.ExplainedVariance.Take(5).ToArray(), randomized.ExplainedVariance.Take(5).ToArray(), rel: 1e-6, what: "explained_variance");
        Fixture.Close(full.ExplainedVariance, randomized.ExplainedVariance, rel: 1e-4, what: "explained_variance (all 8)");
        for (int c = 0; c < 5; c++)
        {
            Fixture.Close(full.Components.Row(c).ToArray(), randomized.Components.Row(c).ToArray(), rel: 0, abs: 1e-4, what: $"component {c}");
        }
    }

    [Fact]
    public void RoundTripsAndRejectsTooManyComponents()
    {
        var (x, _) = Dataset.LoadXy("iris");
        var model = new PCA(new PCAOptions { NComponents = 2 }).Fit(x);
        var loaded = Unsup.RoundTrip(model);
        Unsup.SameMatrix(model.Transform(x.Head(10)).ToMatrix(), loaded.Transform(x.Head(10)).ToMatrix());
        Assert.Equal(["pca0", "pca1"], loaded.FeatureNamesOut);
        var e = Assert.Throws<HyperparameterException>(() => new PCA(new PCAOptions { NComponents = 5 }).Fit(x));
        Assert.Equal("n_components", e.Parameter);
    }
}
