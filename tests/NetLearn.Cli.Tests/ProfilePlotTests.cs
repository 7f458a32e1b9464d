using System.Buffers.Binary;
using System.Xml.Linq;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn profile</c> and <c>netlearn evaluate --plot</c>, run as a user runs them.</summary>
public sealed class ProfilePlotTests : IClassFixture<CliFixture>, IDisposable
{
    private readonly CliFixture _files;
    private readonly TempDir _dir = new();

    public ProfilePlotTests(CliFixture files)
    {
        _files = files;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Profile_writes_a_self_contained_report_and_a_json_summary()
    {
        string outDir = _dir.File("report");
        var json = await Expect.JsonAsync("profile", "--data", _files.IrisCsv, "--target", "target", "--out", outDir, "--json");
        string index = Path.Combine(outDir, "index.html");
        Assert.Equal(Path.GetFullPath(index), json["report"]!.GetValue<string>());
        Assert.Equal(150, json["rows"]!.GetValue<int>());
        Assert.Equal(5, json["columns"]!.GetValue<int>());
        Assert.Equal(1, json["duplicate_rows"]!.GetValue<int>());
        string html = await File.ReadAllTextAsync(index);
        Assert.Contains("Target: target", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Equal([index], Directory.GetFiles(outDir));
    }

    [Fact]
    public async Task Profile_prints_the_warnings_and_the_report_path()
    {
        string data = _dir.Write("people.csv", "id,age,country\n" + string.Join("\n", Enumerable.Range(1, 60).Select(i => $"{i},{20 + (i % 37)},NO")) + "\n");
        var result = await Expect.OkAsync("profile", "--data", data, "--out", _dir.File("people"));
        Assert.Contains("'id' looks like a row identifier", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("'country' is constant", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("index.html", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_bad_input_exits_2_and_writes_nothing()
    {
        string outDir = _dir.File("bad");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _dir.File("nope.csv"), "--out", outDir), "nope.csv", "does not exist");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _dir.Write("empty.csv", ""), "--out", outDir), "empty.csv", "empty");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _dir.Write("header.csv", "a,b\n"), "--out", outDir), "header.csv", "no rows");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _dir.Write("ragged.csv", "a,b\n1,2\n3,4,5\n"), "--out", outDir), "ragged.csv", "row 2");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _files.IrisCsv, "--target", "species", "--out", outDir), "species", "sepal_length");
        Expect.BadInput(await CliRunner.RunAsync("profile", "--data", _files.IrisCsv, "--out", _files.IrisCsv), "is a file");
        Assert.False(File.Exists(Path.Combine(outDir, "index.html")));
    }

    [Fact]
    public async Task Evaluate_plot_draws_a_confusion_matrix_for_a_classifier()
    {
        string png = _dir.File("confusion.png");
        var result = await Expect.OkAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target", "--plot", png);
        Assert.Contains("accuracy", result.Stdout, StringComparison.Ordinal);
        var (width, height) = PngSize(png);
        Assert.True(width >= 500 && height >= 400, $"{width}x{height}");
        Assert.True(new FileInfo(png).Length > 10_000, "the confusion matrix PNG is suspiciously small");
    }

    [Fact]
    public async Task Evaluate_plot_draws_predicted_vs_actual_for_a_regressor_as_svg()
    {
        string svg = _dir.File("diabetes.svg");
        await Expect.OkAsync("evaluate", "--model", _files.DiabetesModel, "--data", _files.DiabetesCsv, "--target", "target", "--plot", svg, "--json");
        var doc = XDocument.Load(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "text" && e.Value.Contains("Predicted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_plot_with_a_bad_file_name_exits_2_before_any_work()
    {
        string jpg = _dir.File("confusion.jpg");
        Expect.BadInput(await CliRunner.RunAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target", "--plot", jpg), ".png or .svg");
        Expect.NoFile(jpg);
        string nested = _dir.File("no/such/folder/plot.png");
        Expect.BadInput(await CliRunner.RunAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target", "--plot", nested), "does not exist");
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] header = new byte[24];
        using (var stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }

        Assert.Equal(0x89, header[0]);
        Assert.Equal((byte)'P', header[1]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }
}
