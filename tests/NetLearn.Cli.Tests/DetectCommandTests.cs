using System.Globalization;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn detect</c> (isolation forest, LOF) and <c>netlearn cluster --model hdbscan</c>, run as a user runs them.</summary>
public sealed class DetectCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public DetectCommandTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Detect_isolation_forest_flags_the_contamination_share_and_the_saved_model_predicts_the_same()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("detect", "--data", _files.IrisCsv, "--model", "isolation-forest", "--set", "contamination=0.05", "--drop", "target", "--out", dir.File("a.csv"), "--save-model", dir.File("f.nlm"), "--json");
        Assert.Equal("isolation-forest", json["model"]!.GetValue<string>());
        int outliers = json["n_outliers"]!.GetValue<int>();
        Assert.InRange(outliers, 6, 8); // 5 % of 150 rows, below the 5th percentile of the scores

        var table = CsvText.Read(dir.File("a.csv"));
        Assert.Equal(["anomaly", "score"], table.Header);
        var labels = table.Column("anomaly").ToArray();
        var scores = table.Column("score").Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(outliers, labels.Count(l => l == "-1"));
        double offset = json["offset"]!.GetValue<double>();
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(scores[i] < offset ? "-1" : "1", labels[i]);
        }

        // The most abnormal row listed first has the lowest score.
        int first = json["most_abnormal_rows"]![0]!.GetValue<int>();
        Assert.Equal(scores.Min(), scores[first]);

        await Expect.OkAsync("predict", "--model", dir.File("f.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"));
        Assert.Equal(labels, CsvText.Read(dir.File("p.csv")).Column("prediction"));
    }

    [Fact]
    public async Task Detect_lof_uses_the_automatic_threshold()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("detect", "--data", _files.IrisCsv, "--model", "lof", "--set", "n_neighbors=10", "--drop", "target", "--scale", "--out", dir.File("l.csv"), "--json");
        Assert.Equal(-1.5, json["offset"]!.GetValue<double>());
        var table = CsvText.Read(dir.File("l.csv"));
        var scores = table.Column("score").Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(scores, s => Assert.True(s <= -0.5)); // negative outlier factors are about -1 for inliers
        Assert.Equal(scores.Count(s => s < -1.5), json["n_outliers"]!.GetValue<int>());
    }

    [Fact]
    public async Task Detect_refuses_a_clustering_model_and_train_points_to_detect()
    {
        using var dir = new TempDir();
        Expect.BadInput(await CliRunner.RunAsync(["detect", "--data", _files.IrisCsv, "--model", "kmeans", "--out", dir.File("x.csv")]), "isolation-forest", "lof");
        Expect.BadInput(await CliRunner.RunAsync(["train", "--data", _files.IrisCsv, "--target", "target", "--model", "lof", "--out", dir.File("m.nlm")]), "netlearn detect");
        Expect.NoFile(dir.File("x.csv"));
    }

    [Fact]
    public async Task Cluster_hdbscan_finds_clusters_and_noise()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "hdbscan", "--set", "min_cluster_size=10", "--set", "cluster_selection_method=eom", "--target", "target", "--out", dir.File("h.csv"), "--save-model", dir.File("h.nlm"), "--json");
        Assert.Equal("hdbscan", json["model"]!.GetValue<string>());
        Assert.Equal(2, json["n_clusters"]!.GetValue<int>()); // setosa apart, versicolor and virginica together
        var labels = CsvText.Read(dir.File("h.csv")).Column("cluster").ToArray();
        Assert.Equal(json["n_noise"]!.GetValue<int>(), labels.Count(l => l == "-1"));
        Assert.True(File.Exists(dir.File("h.nlm")));
        Expect.BadInput(await CliRunner.RunAsync(["cluster", "--data", _files.IrisCsv, "--model", "hdbscan", "--set", "min_cluster_size=1", "--drop", "target", "--out", dir.File("x.csv")]), "min_cluster_size");
    }
}
