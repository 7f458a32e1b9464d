using NetLearn.Clustering;
using NetLearn.Estimators;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>DBSCAN against scikit-learn 1.2 (fixture: unsupervised/dbscan.json): labels identical.</summary>
public class DBSCANTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("dbscan.json");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LabelsAreIdentical(int index)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("X").Table();
        var options = new DBSCANOptions { Eps = c.GetProperty("eps").GetDouble(), MinSamples = c.GetProperty("min_samples").GetInt32() };
        var context = c.GetProperty("weighted").GetBoolean() ? new FitContext { SampleWeight = F.GetProperty("sample_weight").Doubles() } : null;
        var model = new DBSCAN(options).Fit(x, context: context);
        Assert.Equal(c.GetProperty("labels").Ints(), model.Labels);
        Assert.Equal(c.GetProperty("core").Ints(), model.CoreSampleIndices);
    }

    [Fact]
    public void ManhattanLabelsAreIdentical()
    {
        var x = F.GetProperty("X").Table();
        var model = new DBSCAN(new DBSCANOptions { Eps = 0.15, MinSamples = 5, Metric = DistanceMetric.Manhattan }).Fit(x);
        Assert.Equal(F.GetProperty("manhattan_015_5").Ints(), model.Labels);
        var loaded = Unsup.RoundTrip(model);
        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Equal(model.NoiseCount, loaded.NoiseCount);
    }
}
