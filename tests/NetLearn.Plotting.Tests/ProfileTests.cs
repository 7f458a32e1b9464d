using CsCheck;
using NetLearn.Data;
using NetLearn.Plotting.Profiling;

namespace NetLearn.Plotting.Tests;

public sealed class ProfileTests
{
    [Fact]
    public void Warnings_cover_constant_id_leakage_missing_cardinality_skew_and_duplicates()
    {
        int n = 400;
        var random = new Random(5);
        var constant = new string?[n];
        var leak = new double[n];
        var sparse = new double[n];
        var skewed = new double[n];
        var code = new string?[n];
        var target = new string?[n];
        var noise = new double[n];
        for (int i = 0; i < n; i++)
        {
            int cls = i % 2;
            constant[i] = "same";
            leak[i] = cls * 10;
            sparse[i] = i % 3 == 0 ? random.NextDouble() : double.NaN;
            skewed[i] = Math.Exp(3 * TestData.Normal(random));
            code[i] = $"c{random.Next(120)}";
            target[i] = cls == 0 ? "no" : "yes";
            noise[i] = TestData.Normal(random);
        }

        var rowsOf = new Table(
            Column.Create("constant", constant), Column.Create("leak", leak), Column.Create("sparse", sparse),
            Column.Create("skewed", skewed), Column.Create("code", code), Column.Create("noise", noise), Column.Create("target", target));
        int[] withRepeats = [.. Enumerable.Range(0, n), 0, 0, 1];
        var table = new Table([Column.Create("id", [.. Enumerable.Range(0, n + 3).Select(i => 1000.0 + i)]), .. rowsOf.Take(withRepeats).Columns]);
        var profile = DataProfiler.Profile(table, new ProfileOptions { Target = "target" });

        void Has(ProfileWarningKind kind, string? column) =>
            Assert.True(profile.Warnings.Any(w => w.Kind == kind && w.Column == column), $"expected {kind} for {column}; got:\n{string.Join("\n", profile.Warnings)}");

        Has(ProfileWarningKind.LikelyId, "id");
        Has(ProfileWarningKind.Constant, "constant");
        Has(ProfileWarningKind.LikelyLeakage, "leak");
        Has(ProfileWarningKind.ManyMissing, "sparse");
        Has(ProfileWarningKind.HeavySkew, "skewed");
        Has(ProfileWarningKind.HighCardinality, "code");
        Assert.DoesNotContain(profile.Warnings, w => w.Column == "noise");
        Assert.DoesNotContain(profile.Warnings, w => w.Kind == ProfileWarningKind.LikelyLeakage && w.Column == "id");
        Assert.Equal(0, profile.DuplicateRows); // the id makes the repeated rows distinct
        var withoutId = DataProfiler.Profile(table.Drop("id"));
        Assert.Equal(3, withoutId.DuplicateRows);
        Assert.Contains(withoutId.Warnings, w => w.Kind == ProfileWarningKind.DuplicateRows);
        Assert.Equal(1.0, profile.Columns.Single(c => c.Name == "leak").TargetAssociation!.Value, 9);
    }

    [Fact]
    public void Streaming_in_small_batches_gives_the_same_statistics_as_one_batch()
    {
        Gen.Int[1, 200].Select(Gen.Int[1, 50], Gen.Int[0, 1000]).Sample((rows, batch, seed) =>
        {
            var table = TestData.Mixed(rows, seed);
            var whole = DataProfiler.Profile(table, new ProfileOptions { BatchRows = 100_000 });
            var streamed = DataProfiler.Profile(table, new ProfileOptions { BatchRows = batch });
            Assert.Equal(whole.Rows, streamed.Rows);
            Assert.Equal(whole.DuplicateRows, streamed.DuplicateRows);
            Assert.Equal(whole.MissingCells, streamed.MissingCells);
            for (int c = 0; c < whole.Columns.Count; c++)
            {
                var a = whole.Columns[c];
                var b = streamed.Columns[c];
                Assert.Equal(a.Count, b.Count);
                Assert.Equal(a.Distinct, b.Distinct);
                Assert.Equal(a.TopValues, b.TopValues);
                Assert.Equal(a.Min, b.Min);
                Assert.Equal(a.Max, b.Max);
                Assert.True(double.IsNaN(a.Mean) ? double.IsNaN(b.Mean) : Math.Abs(a.Mean - b.Mean) <= 1e-9 * Math.Max(1, Math.Abs(a.Mean)));
            }
        }, iter: 30);
    }

    [Fact]
    public void Reservoir_sample_is_bounded_uniform_and_in_file_order()
    {
        int n = 50_000;
        var table = new Table(Column.Create("row", [.. Enumerable.Range(0, n).Select(i => (double)i)]));
        var profile = DataProfiler.Profile(table, new ProfileOptions { SampleRows = 2000, BatchRows = 4096 });
        double[] rows = profile.Sample["row"].ToDoubleArray();
        Assert.Equal(2000, rows.Length);
        Assert.Equal(rows.Order(), rows);
        Assert.Equal(2000, rows.Distinct().Count());
        // uniform: each tenth of the file holds about a tenth of the sample (binomial sd ≈ 13)
        foreach (var decile in rows.GroupBy(r => (int)(r / (n / 10))))
        {
            Assert.InRange(decile.Count(), 140, 260);
        }

        Assert.Equal((n - 1) / 2.0, profile.Columns[0].Mean, 9);
        Assert.Equal(n, profile.Columns[0].Distinct);
    }

    [Fact]
    public void Large_distinct_counts_fall_back_to_an_estimate_within_two_percent()
    {
        int n = 150_000;
        var table = new Table(Column.Create("x", [.. Enumerable.Range(0, n).Select(i => (double)((i * 7919L) % n))]));
        var column = DataProfiler.Profile(table).Columns[0];
        Assert.False(column.DistinctIsExact);
        Assert.InRange(column.Distinct, n * 0.98, n * 1.0);
    }

    [Fact]
    public void Report_has_every_section_and_embedded_images()
    {
        var profile = DataProfiler.Profile(TestData.Mixed(800), new ProfileOptions { Target = "label" });
        string folder = Images.PathFor("report-unit");
        string path = ProfileReport.Write(profile, folder);
        string html = File.ReadAllText(path);
        foreach (string section in new[] { "id=\"overview\"", "id=\"warnings\"", "id=\"variables\"", "id=\"correlations\"", "id=\"interactions\"", "id=\"missing\"", "id=\"target\"" })
        {
            Assert.Contains(section, html, StringComparison.Ordinal);
        }

        int images = html.Split("src=\"data:image/png;base64,").Length - 1;
        Assert.True(images >= TestData.Mixed(10).ColumnCount + 4, $"only {images} images");
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_target_empty_data_and_missing_file_are_clear_errors()
    {
        var e = Assert.Throws<DataValidationException>(() => DataProfiler.Profile(TestData.Mixed(10), new ProfileOptions { Target = "price" }));
        Assert.Contains("'price'", e.Message, StringComparison.Ordinal);
        Assert.Contains("skewed", e.Message, StringComparison.Ordinal);
        string headerOnly = Images.PathFor("header-only.csv");
        File.WriteAllText(headerOnly, "a,b\n");
        var empty = Assert.Throws<DataValidationException>(() => DataProfiler.Profile(headerOnly));
        Assert.Contains("no rows", empty.Message, StringComparison.Ordinal);
        string blank = Images.PathFor("blank.csv");
        File.WriteAllText(blank, "");
        Assert.Throws<DataValidationException>(() => DataProfiler.Profile(blank));
        Assert.Throws<DataValidationException>(() => DataProfiler.Profile(Images.PathFor("no-such-file.csv")));
    }
}
