using CsCheck;
using NetLearn.Clustering;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
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

    [Fact]
    public void TreeRadiusSearchEqualsTheScan()
    {
        // Data on a coarse grid: many duplicates and many pairs at exactly eps, the cases a pruning bound could get wrong.
        Gen.Select(Gen.Int[0, 100_000], Gen.Int[1, 4], Gen.Int[0, 1]).Sample((seed, dims, manhattan) =>
        {
            var rng = new Random(seed);
            var x = new Matrix(300, dims);
            for (int i = 0; i < x.Rows; i++)
            {
                for (int j = 0; j < dims; j++)
                {
                    x[i, j] = rng.Next(0, 12) * 0.25;
                }
            }

            var metric = manhattan == 1 ? DistanceMetric.Manhattan : DistanceMetric.Euclidean;
            foreach (double eps in new[] { 0.25, 0.5, Math.Sqrt(2) * 0.25 })
            {
                var scan = DBSCAN.RadiusNeighbours(x, eps, metric, tree: false, CancellationToken.None);
                var tree = DBSCAN.RadiusNeighbours(x, eps, metric, tree: true, CancellationToken.None);
                for (int i = 0; i < x.Rows; i++)
                {
                    Assert.Equal(scan[i], tree[i]);
                }
            }
        }, iter: 20);
    }

    [Fact]
    public void LargeDataGetsTheScansNeighbourhoods()
    {
        // 2,400 rows (above the tree threshold, so the tree is used): the fixture's rows repeated with small shifts.
        var x = F.GetProperty("X").Table().ToMatrix();
        int copies = (2_400 / x.Rows) + 1;
        var big = new Matrix(x.Rows * copies, x.Columns);
        for (int c = 0; c < copies; c++)
        {
            for (int i = 0; i < x.Rows; i++)
            {
                for (int j = 0; j < x.Columns; j++)
                {
                    big[(c * x.Rows) + i, j] = x[i, j] + (c * 1e-3);
                }
            }
        }

        var scan = DBSCAN.RadiusNeighbours(big, 0.3, DistanceMetric.Euclidean, tree: false, CancellationToken.None);
        var automatic = DBSCAN.RadiusNeighbours(big, 0.3, DistanceMetric.Euclidean, CancellationToken.None);
        for (int i = 0; i < big.Rows; i++)
        {
            Assert.Equal(scan[i], automatic[i]);
        }
    }
}
