using System.Globalization;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn cluster</c> and <c>netlearn embed</c>, run as a user runs them.</summary>
public sealed class UnsupervisedCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public UnsupervisedCommandTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Cluster_kmeans_writes_one_label_per_row_and_reports_the_metrics()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--set", "n_clusters=3", "--target", "target", "--out", dir.File("labels.csv"), "--json");

        Assert.Equal("kmeans", json["model"]!.GetValue<string>());
        Assert.Equal(3, json["n_clusters"]!.GetValue<int>());
        var metrics = json["metrics"]!;
        foreach (string name in new[] { "silhouette", "calinski_harabasz", "davies_bouldin", "inertia", "adjusted_rand", "nmi" })
        {
            Assert.NotNull(metrics[name]);
        }

        // k-means on raw iris: scikit-learn's best inertia is 78.85; ARI against the species is about 0.73.
        Assert.Equal(78.851, metrics["inertia"]!.GetValue<double>(), 2);
        Assert.InRange(metrics["adjusted_rand"]!.GetValue<double>(), 0.7, 0.76);
        Assert.InRange(metrics["silhouette"]!.GetValue<double>(), 0.5, 0.6);

        var labels = CsvText.Read(dir.File("labels.csv"));
        Assert.Equal(["cluster"], labels.Header);
        Assert.Equal(150, labels.Rows.Count);
        var sizes = labels.Column("cluster").GroupBy(l => l).Select(g => g.Count()).Order().ToArray();
        Assert.Equal(json["cluster_sizes"]!.AsArray().Select(v => v!.GetValue<int>()).Order().ToArray(), sizes);
    }

    [Fact]
    public async Task Cluster_dbscan_marks_noise_and_the_saved_kmeans_model_predicts()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "dbscan", "--set", "eps=0.5", "--drop", "target", "--out", dir.File("db.csv"), "--json");
        int noise = json["n_noise"]!.GetValue<int>();
        Assert.Equal(noise, CsvText.Read(dir.File("db.csv")).Column("cluster").Count(l => l == "-1"));
        Assert.Equal(2, json["n_clusters"]!.GetValue<int>());

        await Expect.OkAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--set", "n_clusters=3", "--drop", "target", "--out", dir.File("k.csv"), "--save-model", dir.File("k.nlm"));
        await Expect.OkAsync("predict", "--model", dir.File("k.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"));
        Assert.Equal(CsvText.Read(dir.File("k.csv")).Column("cluster"), CsvText.Read(dir.File("p.csv")).Column("prediction"));
    }

    [Fact]
    public async Task Cluster_agglomerative_ward_finds_three_groups()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "agglomerative", "--set", "n_clusters=3", "--target", "target", "--out", dir.File("a.csv"), "--json");
        Assert.Equal(3, json["n_clusters"]!.GetValue<int>());
        Assert.InRange(json["metrics"]!["adjusted_rand"]!.GetValue<double>(), 0.7, 0.8); // scikit-learn: 0.731
    }

    [Fact]
    public async Task Embed_pca_writes_coordinates_and_explained_variance()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("embed", "--data", _files.IrisCsv, "--model", "pca", "--set", "n_components=2", "--target", "target", "--out", dir.File("e.csv"), "--json");
        var ratio = json["explained_variance_ratio"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(0.92461872, ratio[0], 6); // scikit-learn's PCA(2) on iris
        Assert.Equal(0.05306648, ratio[1], 6);
        Assert.InRange(json["trustworthiness"]!.GetValue<double>(), 0.97, 1.0);

        var e = CsvText.Read(dir.File("e.csv"));
        Assert.Equal(["pca0", "pca1", "target"], e.Header);
        Assert.Equal(150, e.Rows.Count);
        Assert.Equal(-2.684125625969538, double.Parse(e.Rows[0][0], CultureInfo.InvariantCulture), 9);
    }

    [Fact]
    public async Task Cluster_gmm_reports_bic_and_embed_tsne_reports_kl_and_trustworthiness()
    {
        using var dir = new TempDir();
        var gmm = await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "gmm", "--set", "n_components=3", "--set", "covariance_type=diag", "--drop", "target", "--out", dir.File("g.csv"), "--json");
        Assert.Equal(3, gmm["n_clusters"]!.GetValue<int>());
        Assert.True(gmm["metrics"]!["bic"]!.GetValue<double>() > gmm["metrics"]!["aic"]!.GetValue<double>());

        var tsne = await Expect.JsonAsync("embed", "--data", _files.IrisCsv, "--model", "tsne", "--set", "perplexity=20", "--set", "n_iter=300", "--target", "target", "--out", dir.File("t.csv"), "--json");
        Assert.InRange(tsne["kl_divergence"]!.GetValue<double>(), 0.0, 1.0);
        Assert.InRange(tsne["trustworthiness"]!.GetValue<double>(), 0.95, 1.0);
        Assert.Equal(["tsne0", "tsne1", "target"], CsvText.Read(dir.File("t.csv")).Header);
    }

    [Fact]
    public async Task Bad_requests_exit_with_code_2_and_say_what_to_do()
    {
        using var dir = new TempDir();
        Expect.BadInput(await CliRunner.RunAsync("cluster", "--data", _files.IrisCsv, "--model", "pca", "--out", dir.File("x.csv")), "netlearn cluster", "kmeans");
        Expect.BadInput(await CliRunner.RunAsync("embed", "--data", _files.IrisCsv, "--model", "kmeans", "--out", dir.File("x.csv")), "netlearn embed", "pca");
        Expect.BadInput(await CliRunner.RunAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--set", "n_clusters=500", "--drop", "target", "--out", dir.File("x.csv")), "n_clusters=500");
        Expect.BadInput(await CliRunner.RunAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--set", "clusters=3", "--out", dir.File("x.csv")), "clusters", "n_clusters");
        Expect.BadInput(await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "kmeans", "--out", dir.File("x.nlm")), "netlearn cluster");
        string one = dir.Write("one.csv", "a,b\n1,2\n");
        Expect.BadInput(await CliRunner.RunAsync("cluster", "--data", one, "--model", "kmeans", "--set", "n_clusters=1", "--out", dir.File("x.csv")), "at least 2 rows");
        Assert.False(File.Exists(dir.File("x.csv")));
    }

    [Fact]
    public async Task Cluster_and_embed_plot_draw_a_silhouette_plot_and_a_coloured_scatter()
    {
        using var dir = new TempDir();
        string silhouette = dir.File("silhouette.png");
        await Expect.JsonAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--set", "n_clusters=3", "--drop", "target", "--out", dir.File("labels.csv"), "--plot", silhouette, "--json");
        Assert.True(new FileInfo(silhouette).Length > 10_000, "the silhouette PNG is suspiciously small");

        string scatter = dir.File("pca.svg");
        await Expect.JsonAsync("embed", "--data", _files.IrisCsv, "--model", "pca", "--set", "n_components=2", "--target", "target", "--out", dir.File("xy.csv"), "--plot", scatter, "--json");
        var svg = System.Xml.Linq.XDocument.Load(scatter);
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value.Contains("coloured by target", StringComparison.Ordinal));

        // One cluster cannot have a silhouette; a one-dimensional embedding has no scatter: exit 2 with the reason.
        Expect.BadInput(await CliRunner.RunAsync("embed", "--data", _files.IrisCsv, "--model", "pca", "--set", "n_components=1", "--drop", "target", "--out", dir.File("x1.csv"), "--plot", dir.File("x1.png")), "n_components=2");
        Expect.BadInput(await CliRunner.RunAsync("cluster", "--data", _files.IrisCsv, "--model", "kmeans", "--drop", "target", "--out", dir.File("x2.csv"), "--plot", dir.File("x.jpg")), ".png or .svg");
    }
}
