using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

public sealed class InspectTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public InspectTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Inspect_prints_the_manifest_as_json()
    {
        var result = await Expect.OkAsync("inspect", _files.IrisModel);
        var manifest = Assert.IsType<JsonObject>(JsonNode.Parse(result.Stdout));

        Assert.Equal(1, manifest["format_version"]!.GetValue<int>());
        Assert.Equal("pipeline", manifest["model_kind"]!.GetValue<string>());
        Assert.Equal("classification", manifest["task"]!.GetValue<string>());
        Assert.Equal(CliFixture.IrisFeatures, manifest["input_schema"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(manifest["input_schema"]!.AsArray(), c => Assert.Equal("numeric", c!["type"]!.GetValue<string>()));
        Assert.Equal(CliFixture.IrisClasses, manifest["output_schema"]!["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("target", manifest["training"]!["target"]!.GetValue<string>());
        Assert.Equal(120, manifest["training"]!["rows"]!.GetValue<int>());
        Assert.Equal("iris.csv", manifest["training"]!["data"]!.GetValue<string>());
        Assert.NotNull(manifest["training"]!["metrics"]!["accuracy"]);
        Assert.Contains(manifest["payload"]!.AsArray(), p => p!["path"]!.GetValue<string>() == "model.json");
        Assert.All(manifest["payload"]!.AsArray(), p => Assert.Matches("^[0-9a-f]{64}$", p!["sha256"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Inspect_of_a_regression_model_describes_a_numeric_output()
    {
        var manifest = JsonNode.Parse((await Expect.OkAsync("inspect", _files.DiabetesModel)).Stdout)!;

        Assert.Equal("regression", manifest["task"]!.GetValue<string>());
        Assert.Equal("double", manifest["output_schema"]!["type"]!.GetValue<string>());
        Assert.Equal(10, manifest["input_schema"]!.AsArray().Count);
    }
}
