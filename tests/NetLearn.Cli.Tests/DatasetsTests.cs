using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

public sealed class DatasetsTests
{
    private static readonly string[] Names = ["iris", "wine", "breast_cancer", "digits", "diabetes"];

    [Fact]
    public async Task List_prints_a_table_naming_every_dataset()
    {
        var result = await Expect.OkAsync("datasets", "list");

        foreach (string name in Names)
        {
            Assert.Contains(name, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("classification", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("regression", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_json_is_an_array_of_five_datasets()
    {
        var result = await Expect.OkAsync("datasets", "list", "--json");

        var array = Assert.IsType<JsonArray>(JsonNode.Parse(result.Stdout));
        Assert.Equal(5, array.Count);
        Assert.Equal(Names.Order(StringComparer.Ordinal), array.Select(d => d!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var iris = array.Single(d => d!["name"]!.GetValue<string>() == "iris")!;
        Assert.Equal("classification", iris["task"]!.GetValue<string>());
        Assert.Equal(150, iris["rows"]!.GetValue<int>());
        Assert.Equal(4, iris["features"]!.GetValue<int>());
        var diabetes = array.Single(d => d!["name"]!.GetValue<string>() == "diabetes")!;
        Assert.Equal("regression", diabetes["task"]!.GetValue<string>());
        Assert.Equal(442, diabetes["rows"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("iris", 150, 5)]
    [InlineData("diabetes", 442, 11)]
    [InlineData("wine", 178, 14)]
    public async Task Export_writes_a_csv_with_every_row_and_a_target_column(string name, int rows, int columns)
    {
        using var dir = new TempDir();
        string path = dir.File($"{name}.csv");
        var result = await Expect.OkAsync("datasets", "export", name, "--out", path);

        var csv = CsvText.Read(path);
        Assert.Equal(rows, csv.Rows.Count);
        Assert.Equal(columns, csv.Header.Length);
        Assert.Equal("target", csv.Header[^1]);
        Assert.Contains($"{rows} rows", result.Stderr, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary files left behind
    }

    [Fact]
    public async Task Exported_iris_has_numeric_features_and_the_three_species()
    {
        using var dir = new TempDir();
        string path = dir.File("iris.csv");
        await Expect.OkAsync("datasets", "export", "iris", "--out", path);

        var csv = CsvText.Read(path);
        Assert.Equal(CliFixture.IrisFeatures, csv.Header[..4]);
        Assert.All(CliFixture.IrisFeatures, f => Assert.All(csv.NumericColumn(f), v => Assert.InRange(v, 0.1, 8.0)));
        Assert.Equal(CliFixture.IrisClasses, csv.Column("target").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Export_of_an_unknown_dataset_exits_2_and_lists_the_available_ones()
    {
        using var dir = new TempDir();
        string path = dir.File("x.csv");
        var result = await CliRunner.RunAsync("datasets", "export", "titanic", "--out", path);

        Expect.BadInput(result, ["titanic", .. Names]);
        Expect.NoFile(path);
    }

    [Fact]
    public async Task Export_into_a_missing_folder_exits_2()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "no", "such", "folder", "iris.csv");
        var result = await CliRunner.RunAsync("datasets", "export", "iris", "--out", path);

        Expect.BadInput(result, "folder does not exist");
        Expect.NoFile(path);
    }
}
