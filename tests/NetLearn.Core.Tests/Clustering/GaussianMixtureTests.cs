using NetLearn.Clustering;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>GaussianMixture against scikit-learn 1.2 from the same initial parameters (fixture: unsupervised/gmm.json).</summary>
public class GaussianMixtureTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("gmm.json");

    [Theory]
    [InlineData(0, CovarianceType.Full)]
    [InlineData(1, CovarianceType.Tied)]
    [InlineData(2, CovarianceType.Diag)]
    [InlineData(3, CovarianceType.Spherical)]
    public void MatchesScikitLearnFromTheSameInitialisation(int index, CovarianceType type)
    {
        var c = F.GetProperty("cases")[index];
        var xTable = F.GetProperty("X").Table();
        var x = xTable.ToMatrix();
        var precisions = c.GetProperty("precisions_init");
        double[] flat = precisions.ValueKind == System.Text.Json.JsonValueKind.Array && precisions[0].ValueKind == System.Text.Json.JsonValueKind.Array
            ? Flatten(precisions)
            : precisions.Doubles();
        var model = new GaussianMixture(new GaussianMixtureOptions
        {
            NComponents = 3,
            CovarianceType = type,
            WeightsInit = F.GetProperty("weights_init").Doubles(),
            MeansInit = F.GetProperty("means_init").Rows(),
            PrecisionsInit = flat,
            MaxIter = 200,
            Tol = 1e-6,
        }).Fit(xTable);
        Fixture.Close(c.GetProperty("lower_bound").GetDouble(), model.LowerBound, rel: 1e-9, what: "lower_bound");
        Fixture.Close(c.GetProperty("score").GetDouble(), model.Score(x), rel: 1e-9, what: "score");
        Assert.Equal(c.GetProperty("n_iter").GetInt32(), model.Iterations);
        Assert.Equal(c.GetProperty("converged").GetBoolean(), model.Converged);
        Fixture.Close(c.GetProperty("weights").Doubles(), model.Weights, rel: 1e-7, abs: 1e-9, what: "weights");
        Fixture.Close(c.GetProperty("means").Rows(), model.Means, rel: 1e-7, abs: 1e-8, what: "means");
        Fixture.Close(Flatten(c.GetProperty("covariances")), model.Covariances, rel: 1e-6, abs: 1e-8, what: "covariances");
        Assert.Equal(c.GetProperty("labels").Ints(), model.Labels);
        Fixture.Close(c.GetProperty("proba_head").Rows(), model.PredictProba(xTable.Head(5)), rel: 1e-6, abs: 1e-9, what: "proba");
        Fixture.Close(c.GetProperty("score_samples_head").Doubles(), model.ScoreSamples(xTable.Head(5).ToMatrix()), rel: 1e-8, what: "score_samples");
        Fixture.Close(c.GetProperty("bic").GetDouble(), model.Bic(x), rel: 1e-9, what: "bic");
        Fixture.Close(c.GetProperty("aic").GetDouble(), model.Aic(x), rel: 1e-9, what: "aic");
    }

    [Fact]
    public void KMeansInitialisationFindsTheBlobsAndRoundTrips()
    {
        var x = F.GetProperty("X").Table();
        var model = new GaussianMixture(new GaussianMixtureOptions { NComponents = 3, RandomState = 0 }).Fit(x);
        var best = F.GetProperty("cases")[0].GetProperty("score").GetDouble();
        Fixture.Close(best, model.Score(x.ToMatrix()), rel: 1e-4, what: "score from k-means initialisation");
        var loaded = Unsup.RoundTrip(model);
        Assert.Equal(model.Predict(x).ToDoubleArray(), loaded.Predict(x).ToDoubleArray());
        Unsup.SameMatrix(model.PredictProba(x), loaded.PredictProba(x));
        Assert.Throws<DataValidationException>(() => new GaussianMixture(new GaussianMixtureOptions { NComponents = 3 }).Fit(x, context: new NetLearn.Estimators.FitContext { SampleWeight = new double[x.RowCount] }));
    }

    private static double[] Flatten(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.Array
        ? [.. e.EnumerateArray().SelectMany(Flatten)]
        : [e.GetDouble()];
}
