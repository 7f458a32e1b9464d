using System.Text.Json;
using NetLearn.Plotting.Profiling;

namespace NetLearn.Plotting.Tests;

/// <summary>Numbers behind the plots and the profile, against scikit-learn, SciPy and pandas (tests/reference/make_plotting_fixtures.py).</summary>
public sealed class ReferenceTests
{
    private static readonly JsonElement CurvesFixture = Fixture.Load("curves.json");

    private static bool[] Labels => [.. CurvesFixture.GetProperty("y").EnumerateArray().Select(v => v.GetBoolean())];

    [Fact]
    public void Roc_curve_matches_scikit_learn()
    {
        var roc = Curves.Roc(Labels, CurvesFixture.GetProperty("score").Doubles());
        var expected = CurvesFixture.GetProperty("roc");
        Fixture.Close(expected.GetProperty("fpr").Doubles(), roc.FalsePositiveRate, 1e-12, "fpr");
        Fixture.Close(expected.GetProperty("tpr").Doubles(), roc.TruePositiveRate, 1e-12, "tpr");
        // scikit-learn 1.2 puts thresholds[0] = max + 1 where NetLearn puts +inf; the rest are the distinct scores.
        Fixture.Close(expected.GetProperty("thresholds").Doubles()[1..], roc.Thresholds[1..], 1e-12, "thresholds");
        Fixture.Close(expected.GetProperty("auc").GetDouble(), roc.Auc, 1e-12, "auc");
    }

    [Fact]
    public void Precision_recall_curve_matches_scikit_learn()
    {
        var pr = Curves.PrecisionRecall(Labels, CurvesFixture.GetProperty("score").Doubles());
        var expected = CurvesFixture.GetProperty("pr");
        Fixture.Close(expected.GetProperty("precision").Doubles(), pr.Precision, 1e-12, "precision");
        Fixture.Close(expected.GetProperty("recall").Doubles(), pr.Recall, 1e-12, "recall");
        Fixture.Close(expected.GetProperty("thresholds").Doubles(), pr.Thresholds, 1e-12, "thresholds");
        Fixture.Close(expected.GetProperty("average_precision").GetDouble(), pr.AveragePrecision, 1e-12, "average precision");
    }

    [Fact]
    public void Calibration_curve_matches_scikit_learn()
    {
        var curve = Curves.Calibration(Labels, CurvesFixture.GetProperty("prob").Doubles(), 10);
        var expected = CurvesFixture.GetProperty("calibration");
        Fixture.Close(expected.GetProperty("prob_true").Doubles(), curve.FractionPositive, 1e-12, "fraction positive");
        Fixture.Close(expected.GetProperty("prob_pred").Doubles(), curve.MeanPredicted, 1e-12, "mean predicted");
    }

    [Fact]
    public void Silhouette_values_match_scikit_learn()
    {
        var s = CurvesFixture.GetProperty("silhouette");
        var points = s.GetProperty("X").EnumerateArray().Select(r => r.Doubles()).ToList();
        int[] labels = [.. s.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32())];
        Fixture.Close(s.GetProperty("values").Doubles(), Curves.Silhouette(points, labels), 1e-9, "silhouette");
    }

    [Fact]
    public void Kernel_density_matches_scipy_gaussian_kde()
    {
        var kde = Fixture.Load("kde.json");
        double[] density = Numerics.Kde(kde.GetProperty("sample").Doubles(), kde.GetProperty("grid").Doubles());
        Fixture.Close(kde.GetProperty("density").Doubles(), density, 1e-9, "density");
    }

    [Fact]
    public void Profile_statistics_match_pandas_and_scipy()
    {
        var expected = Fixture.Load("profile.json");
        var profile = DataProfiler.Profile(Fixture.PathOf("profile_input.csv"), new ProfileOptions { BatchRows = 700 });
        Assert.Equal(expected.GetProperty("rows").GetInt64(), profile.Rows);
        Assert.Equal(expected.GetProperty("duplicate_rows").GetInt64(), profile.DuplicateRows);
        Assert.Equal(profile.Rows, profile.Sample.RowCount);
        foreach (string name in new[] { "row_id", "normal", "skewed", "counts" })
        {
            var e = expected.GetProperty("columns").GetProperty(name);
            var c = profile.Columns.Single(p => p.Name == name);
            Assert.Equal(e.GetProperty("count").GetInt64(), c.Count);
            Assert.Equal(e.GetProperty("missing").GetInt64(), c.Missing);
            Assert.Equal(e.GetProperty("distinct").GetInt64(), c.Distinct);
            Assert.True(c.DistinctIsExact);
            Assert.Equal(e.GetProperty("zeros").GetInt64(), c.Zeros);
            Fixture.Close(e.GetProperty("mean").GetDouble(), c.Mean, 1e-12, $"{name} mean");
            Fixture.Close(e.GetProperty("std").GetDouble(), c.StdDev, 1e-10, $"{name} std");
            Fixture.Close(e.GetProperty("min").GetDouble(), c.Min, 0, $"{name} min");
            Fixture.Close(e.GetProperty("max").GetDouble(), c.Max, 0, $"{name} max");
            Fixture.Close(e.GetProperty("skewness").GetDouble(), c.Skewness, 1e-9, $"{name} skewness");
            Fixture.Close(e.GetProperty("kurtosis").GetDouble(), c.Kurtosis, 1e-9, $"{name} kurtosis");
            Fixture.Close(e.GetProperty("quantiles").Doubles(), c.Quantiles, 1e-12, $"{name} quantiles");
        }

        foreach (string name in new[] { "city", "label" })
        {
            var e = expected.GetProperty("columns").GetProperty(name);
            var c = profile.Columns.Single(p => p.Name == name);
            Assert.Equal(e.GetProperty("count").GetInt64(), c.Count);
            Assert.Equal(e.GetProperty("missing").GetInt64(), c.Missing);
            Assert.Equal(e.GetProperty("distinct").GetInt64(), c.Distinct);
            foreach (var top in e.GetProperty("top").EnumerateObject())
            {
                Assert.Equal(top.Value.GetInt64(), c.TopValues.Single(kv => kv.Key == top.Name).Value);
            }
        }

        string[] names = [.. expected.GetProperty("correlation_names").EnumerateArray().Select(v => v.GetString()!)];
        var matrix = Numerics.CorrelationMatrix([.. names.Select(n => profile.Sample[n].ToDoubleArray())]);
        var rows = expected.GetProperty("correlation").EnumerateArray().Select(r => r.Doubles()).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            for (int j = 0; j < names.Length; j++)
            {
                Fixture.Close(rows[i][j], matrix[i, j], 1e-12, $"corr[{names[i]}, {names[j]}]");
            }
        }
    }
}

/// <summary>The dendrogram layout against <c>scipy.cluster.hierarchy.dendrogram</c> (which puts leaf k at x = 5 + 10k).</summary>
public sealed class DendrogramReferenceTests
{
    [Fact]
    public void Leaf_order_and_links_match_scipy()
    {
        var fixture = Fixture.Load("dendrogram.json");
        var rows = fixture.GetProperty("linkage").EnumerateArray().Select(r => r.Doubles()).ToArray();
        var z = new double[rows.Length, 4];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                z[i, j] = rows[i][j];
            }
        }

        var (leaves, links) = DendrogramDiagram.Layout(z);
        Assert.Equal(fixture.GetProperty("leaves").EnumerateArray().Select(v => v.GetInt32()), leaves);
        var expected = fixture.GetProperty("icoord").EnumerateArray().Select(r => r.Doubles())
            .Zip(fixture.GetProperty("dcoord").EnumerateArray().Select(r => r.Doubles()))
            .Select(p => Key(p.First.Select(x => (x - 5) / 10).ToArray(), p.Second))
            .Order().ToList();
        var actual = links.Select(l => Key(l.X, l.Y)).Order().ToList();
        Assert.Equal(expected, actual);
    }

    private static string Key(double[] x, double[] y) =>
        string.Join(";", x.Zip(y, (a, b) => FormattableString.Invariant($"{a:F6},{b:F6}")));
}
