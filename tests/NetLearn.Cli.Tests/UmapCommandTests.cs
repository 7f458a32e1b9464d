using NetLearn.Cli.Tests.Infrastructure;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn embed --model umap</c>, run as a user runs it.</summary>
public sealed class UmapCommandTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public UmapCommandTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Embed_umap_writes_coordinates_reports_trustworthiness_and_saves_a_model_that_transforms()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync(
            "embed", "--data", _files.IrisCsv, "--model", "umap", "--set", "n_neighbors=10", "--set", "n_epochs=100", "--target", "target",
            "--out", dir.File("u.csv"), "--save-model", dir.File("u.nlm"), "--json");
        Assert.Equal("umap", json["model"]!.GetValue<string>());
        Assert.Equal(2, json["n_components"]!.GetValue<int>());
        Assert.InRange(json["trustworthiness"]!.GetValue<double>(), 0.95, 1.0);
        Assert.Equal(1.576943460405378, json["a"]!.GetValue<double>(), 4); // umap-learn's find_ab_params(1.0, 0.1)
        Assert.Equal(0.8950608781227859, json["b"]!.GetValue<double>(), 4);
        Assert.Equal(100, json["n_epochs"]!.GetValue<int>());

        var e = CsvText.Read(dir.File("u.csv"));
        Assert.Equal(["umap0", "umap1", "target"], e.Header);
        Assert.Equal(150, e.Rows.Count);

        // The saved preprocessing + UMAP places new rows (umap-learn's transform).
        var model = Assert.IsType<PipelineModel>(ModelFile.Load(dir.File("u.nlm")));
        var rows = Data.Table.Load(_files.IrisCsv);
        var placed = model.Transform(rows);
        Assert.Equal(["umap0", "umap1"], placed.Schema.Names);
        Assert.Equal(150, placed.RowCount);
    }

    [Fact]
    public async Task Embed_umap_refuses_bad_requests_with_exit_code_2()
    {
        using var dir = new TempDir();
        Expect.BadInput(await CliRunner.RunAsync("embed", "--data", _files.IrisCsv, "--model", "umap", "--set", "n_neighbors=150", "--drop", "target", "--out", dir.File("x.csv")), "n_neighbors", "150");
        Expect.BadInput(await CliRunner.RunAsync("embed", "--data", _files.IrisCsv, "--model", "umap", "--set", "min_dist=3", "--drop", "target", "--out", dir.File("x.csv")), "min_dist");
        string one = dir.Write("one.csv", "a,b\n1,2\n");
        Expect.BadInput(await CliRunner.RunAsync("embed", "--data", one, "--model", "umap", "--out", dir.File("x.csv")), "at least 2 rows");
        Assert.False(File.Exists(dir.File("x.csv")));
    }
}
