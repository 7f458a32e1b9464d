using NetLearn.Core.Tests.Clustering;
using NetLearn.Datasets;
using NetLearn.Decomposition;
using Xunit;

namespace NetLearn.Core.Tests.Decomposition;

/// <summary>TruncatedSVD against scikit-learn 1.2's arpack solver (fixture: unsupervised/truncated_svd.json).</summary>
public class TruncatedSVDTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("truncated_svd.json");

    [Theory]
    [InlineData(TruncatedSvdAlgorithm.Exact, 1e-8)]
    [InlineData(TruncatedSvdAlgorithm.Randomized, 1e-4)]
    public void MatchesScikitLearn(TruncatedSvdAlgorithm algorithm, double tolerance)
    {
        var (x, _) = Dataset.LoadXy("digits");
        var model = new TruncatedSVD(new TruncatedSVDOptions { NComponents = 5, Algorithm = algorithm, RandomState = 0, NIter = 7 }).Fit(x);
        Fixture.Close(F.GetProperty("singular_values").Doubles(), model.SingularValues, rel: tolerance, what: "singular_values");
        Fixture.Close(F.GetProperty("explained_variance_ratio").Doubles(), model.ExplainedVarianceRatio, rel: tolerance * 10, abs: 1e-12, what: "ratio");
        Fixture.Close(F.GetProperty("components").Rows(), model.Components, rel: 0, abs: tolerance * 10, what: "components");
        Fixture.Close(F.GetProperty("transform_head").Rows(), model.Transform(x.Head(5)).ToMatrix(), rel: tolerance * 10, abs: tolerance * 100, what: "transform");
        var loaded = Unsup.RoundTrip(model);
        Unsup.SameMatrix(model.Components, loaded.Components);
    }
}
