using NetLearn.Anomaly;
using NetLearn.Core.Tests.Clustering;
using NetLearn.Data;
using Xunit;

namespace NetLearn.Core.Tests.Anomaly;

/// <summary>LocalOutlierFactor against scikit-learn 1.2 (fixture: unsupervised/lof.json) and IsolationForest on the same data.</summary>
public class AnomalyTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("lof.json");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void LocalOutlierFactorMatches(int index)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("X").Table();
        var model = new LocalOutlierFactor(new LocalOutlierFactorOptions { NNeighbors = c.GetProperty("n_neighbors").GetInt32() }).Fit(x);
        Fixture.Close(c.GetProperty("negative_outlier_factor").Doubles(), model.NegativeOutlierFactor, rel: 1e-10, what: "negative_outlier_factor");
        Assert.Equal(c.GetProperty("labels").Ints(), model.Labels);
        Assert.Equal(c.GetProperty("offset").GetDouble(), model.Offset);
    }

    [Fact]
    public void LocalOutlierFactorContaminationAndNovelty()
    {
        var x = F.GetProperty("X").Table();
        var model = new LocalOutlierFactor(new LocalOutlierFactorOptions { NNeighbors = 10, Contamination = 0.1 }).Fit(x);
        Fixture.Close(F.GetProperty("contamination_01_offset").GetDouble(), model.Offset, rel: 1e-10, what: "offset");
        Assert.Equal(F.GetProperty("contamination_01_labels").Ints(), model.Labels);
        Assert.Throws<HyperparameterException>(() => model.ScoreSamples(x));

        var novelty = Unsup.RoundTrip(new LocalOutlierFactor(new LocalOutlierFactorOptions { Novelty = true }).Fit(x.Head(150)));
        var far = new Table(new NumericColumn("x0", [0.1, 8.0]), new NumericColumn("x1", [-0.2, 8.0]));
        Assert.Equal([1.0, -1.0], novelty.Predict(far).ToDoubleArray());
    }

    [Fact]
    public void IsolationForestRanksTheUniformOutliersLowest()
    {
        var x = F.GetProperty("X").Table();
        var model = new IsolationForest(new IsolationForestOptions { RandomState = 0 }).Fit(x);
        double[] scores = model.ScoreSamples(x);
        // Rows 150..164 are uniform noise on [-6, 6]²; the rest a standard normal blob. AUC of "is outlier" vs -score:
        int pairs = 0, correct = 0;
        for (int o = 150; o < 165; o++)
        {
            for (int i = 0; i < 150; i++)
            {
                pairs++;
                correct += scores[o] < scores[i] ? 1 : 0;
            }
        }

        Assert.True(correct / (double)pairs > 0.9, $"AUC {correct / (double)pairs}");
        Assert.All(scores, s => Assert.InRange(s, -1.0, 0.0));
        Assert.Equal(256 > x.RowCount ? x.RowCount : 256, model.MaxSamplesUsed);

        var contaminated = new IsolationForest(new IsolationForestOptions { RandomState = 0, Contamination = 0.1 }).Fit(x);
        int outliers = contaminated.Predict(x).ToDoubleArray().Count(v => v < 0);
        Assert.InRange(outliers, 15, 18);
        var loaded = Unsup.RoundTrip(contaminated);
        Assert.Equal(contaminated.ScoreSamples(x), loaded.ScoreSamples(x));
        Assert.Equal(contaminated.Offset, loaded.Offset);
    }
}
