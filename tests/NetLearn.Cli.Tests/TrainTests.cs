using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

public sealed class TrainTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public TrainTests(CliFixture files)
    {
        _files = files;
    }

    private Task<JsonObject> TrainIrisAsync(TempDir dir, params string[] extra) =>
        Expect.JsonAsync(["train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", dir.File("m.nlm"), "--json", .. extra]);

    [Fact]
    public async Task Logistic_regression_on_iris_is_accurate_on_a_20_percent_hold_out()
    {
        using var dir = new TempDir();
        var json = await TrainIrisAsync(dir);

        Assert.Equal("logistic-regression", json["model"]!.GetValue<string>());
        Assert.Equal("classification", json["task"]!.GetValue<string>());
        Assert.Equal(120, json["train_rows"]!.GetValue<int>());
        Assert.Equal(30, json["test_rows"]!.GetValue<int>());
        double accuracy = json["metrics"]!["accuracy"]!.GetValue<double>();
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
        foreach (string metric in new[] { "f1_macro", "log_loss", "precision_macro", "recall_macro" })
        {
            Assert.NotNull(json["metrics"]![metric]);
        }

        Assert.True(json["fit_seconds"]!.GetValue<double>() >= 0);
        Assert.Equal(dir.File("m.nlm"), json["out"]!.GetValue<string>());
        Assert.True(File.Exists(dir.File("m.nlm")));
    }

    [Fact]
    public async Task Linear_regression_on_diabetes_explains_a_plausible_share_of_variance()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("train", "--data", _files.DiabetesCsv, "--target", "target", "--model", "linear-regression", "--out", dir.File("d.nlm"), "--json");

        Assert.Equal("regression", json["task"]!.GetValue<string>());
        Assert.Equal(442, json["train_rows"]!.GetValue<int>() + json["test_rows"]!.GetValue<int>());
        double r2 = json["metrics"]!["r2"]!.GetValue<double>();
        Assert.InRange(r2, 0.3, 0.7);
        Assert.True(json["metrics"]!["rmse"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task Test_size_0_trains_on_every_row_and_reports_no_metrics()
    {
        using var dir = new TempDir();
        var json = await TrainIrisAsync(dir, "--test-size", "0");

        Assert.Equal(0, json["test_rows"]!.GetValue<int>());
        Assert.Equal(150, json["train_rows"]!.GetValue<int>());
        Assert.Empty(json["metrics"]!.AsObject());
    }

    [Fact]
    public async Task Test_size_0_text_report_says_there_are_no_hold_out_metrics()
    {
        using var dir = new TempDir();
        var result = await Expect.OkAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", dir.File("m.nlm"), "--test-size", "0");

        Assert.Contains("No rows were held out", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_report_shows_metrics_and_where_the_model_was_saved()
    {
        using var dir = new TempDir();
        var result = await Expect.OkAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", dir.File("m.nlm"));

        Assert.Contains("Trained logistic-regression", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("accuracy", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("hold-out (30 rows)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(dir.File("m.nlm"), result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_hyperparameters_are_used_and_recorded_in_the_manifest()
    {
        using var dir = new TempDir();
        await TrainIrisAsync(dir, "--set", "C=0.1", "--set", "max_iter=500");

        var inspect = await Expect.OkAsync("inspect", dir.File("m.nlm"));
        var manifest = JsonNode.Parse(inspect.Stdout)!;
        Assert.Equal(0.1, manifest["hyperparameters"]!["model.C"]!.GetValue<double>());
        Assert.Equal(500, manifest["hyperparameters"]!["model.max_iter"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stronger_regularisation_changes_the_fitted_model()
    {
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var loose = await TrainIrisAsync(dirA);
        var strong = await TrainIrisAsync(dirB, "--set", "C=0.01");

        Assert.True(
            strong["metrics"]!["log_loss"]!.GetValue<double>() > loose["metrics"]!["log_loss"]!.GetValue<double>(),
            $"C=0.01 should give less confident probabilities: {strong["metrics"]} vs {loose["metrics"]}");
    }

    [Fact]
    public async Task The_seed_decides_the_split_deterministically()
    {
        using var dir = new TempDir();
        var first = await TrainIrisAsync(dir, "--seed", "7");
        var again = await TrainIrisAsync(dir, "--seed", "7");
        var other = await TrainIrisAsync(dir, "--seed", "8");

        Assert.Equal(first["metrics"]!.ToJsonString(), again["metrics"]!.ToJsonString());
        Assert.NotEqual(first["metrics"]!.ToJsonString(), other["metrics"]!.ToJsonString());
        var manifest = JsonNode.Parse((await Expect.OkAsync("inspect", dir.File("m.nlm"))).Stdout)!;
        Assert.Equal(8, manifest["training"]!["seed"]!.GetValue<int>());
    }

    [Fact]
    public async Task Drop_leaves_a_column_out_of_the_model()
    {
        using var dir = new TempDir();
        await TrainIrisAsync(dir, "--drop", "sepal_width");

        var manifest = JsonNode.Parse((await Expect.OkAsync("inspect", dir.File("m.nlm"))).Stdout)!;
        var inputs = manifest["input_schema"]!.AsArray().Select(c => c!["name"]!.GetValue<string>());
        Assert.Equal(["sepal_length", "petal_length", "petal_width"], inputs);
    }

    [Fact]
    public async Task Rows_without_a_target_are_left_out_with_a_note()
    {
        using var dir = new TempDir();
        var lines = File.ReadAllLines(_files.IrisCsv);
        lines[1] = lines[1][..lines[1].LastIndexOf(',')] + ",";
        lines[2] = lines[2][..lines[2].LastIndexOf(',')] + ",";
        File.WriteAllLines(dir.File("iris.csv"), lines);

        var result = await Expect.OkAsync("train", "--data", dir.File("iris.csv"), "--target", "target", "--model", "logistic-regression", "--out", dir.File("m.nlm"), "--json");

        var json = Expect.SingleJsonObject(result.Stdout);
        Assert.Equal(2, json["dropped_rows"]!.GetValue<int>());
        Assert.Equal(148, json["train_rows"]!.GetValue<int>() + json["test_rows"]!.GetValue<int>());
        Assert.Contains("2 rows without a target value", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Training_overwrites_an_existing_model_file()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("m.nlm"), "old");
        await TrainIrisAsync(dir);

        await Expect.OkAsync("inspect", dir.File("m.nlm"));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
