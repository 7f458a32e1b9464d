using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetLearn.Cli;
using NetLearn.Serving;
using Xunit;

namespace NetLearn.Cli.Tests;

/// <summary>The CLI and the server as a user runs them: the real program in a process, and the HTTP API.</summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netlearn-e2e-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public async Task QuickstartRunsTheWholeLifecycleAsAProcess()
    {
        var (code, stdout, stderr) = await Process("quickstart");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"predictions\":[", stdout, StringComparison.Ordinal);
        Assert.Contains("8. Stop", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal); // no escape codes when not a terminal
    }

    [Fact]
    public async Task TrainPredictEvaluateInspect()
    {
        string data = PathOf("iris.csv"), model = PathOf("iris.nlm"), predictions = PathOf("pred.csv");
        Assert.Equal(0, (await InProcess("datasets", "export", "iris", "--out", data)).Code);

        var train = await InProcess("train", "--data", data, "--target", "target", "--model", "logistic-regression", "--set", "C=0.5", "--out", model, "--json");
        Assert.True(train.Code == 0, train.Stderr);
        var summary = JsonNode.Parse(train.Stdout)!;
        Assert.Equal("logistic-regression", summary["model"]!.GetValue<string>());
        Assert.Equal("classification", summary["task"]!.GetValue<string>());
        Assert.Equal(120, summary["train_rows"]!.GetValue<int>());
        Assert.Equal(30, summary["test_rows"]!.GetValue<int>());
        Assert.True(summary["metrics"]!["accuracy"]!.GetValue<double>() > 0.9);
        Assert.True(summary["fit_seconds"]!.GetValue<double>() >= 0);

        var predict = await InProcess("predict", "--model", model, "--data", data, "--out", predictions, "--proba");
        Assert.True(predict.Code == 0, predict.Stderr);
        var written = NetLearn.Data.Table.ReadCsv(predictions);
        Assert.Equal(150, written.RowCount);
        Assert.Equal(["prediction", "proba_setosa", "proba_versicolor", "proba_virginica"], written.ColumnNames);

        var evaluate = await InProcess("evaluate", "--model", model, "--data", data, "--target", "target", "--json");
        Assert.True(evaluate.Code == 0, evaluate.Stderr);
        Assert.True(JsonNode.Parse(evaluate.Stdout)!["metrics"]!["accuracy"]!.GetValue<double>() > 0.9);

        var inspect = await InProcess("inspect", model);
        var manifest = JsonNode.Parse(inspect.Stdout)!;
        Assert.Equal(1, manifest["format_version"]!.GetValue<int>());
        Assert.Equal(0.5, manifest["hyperparameters"]!["model.C"]!.GetValue<double>());
    }

    [Fact]
    public async Task ParquetInArrowOutAndEvaluateReportsTheEstimator()
    {
        string data = PathOf("diabetes.parquet"), model = PathOf("d.nlm"), predictions = PathOf("pred.arrow");
        Assert.Equal(0, (await InProcess("datasets", "export", "diabetes", "--out", data)).Code);
        var train = await InProcess("train", "--data", data, "--target", "target", "--model", "linear-regression", "--out", model, "--json");
        Assert.True(train.Code == 0, train.Stderr);
        Assert.InRange(JsonNode.Parse(train.Stdout)!["metrics"]!["r2"]!.GetValue<double>(), 0.3, 0.7);
        Assert.Equal(0, (await InProcess("predict", "--model", model, "--data", data, "--out", predictions)).Code);
        Assert.Equal(442, NetLearn.Data.Table.Load(predictions).RowCount);
        var evaluate = await InProcess("evaluate", "--model", model, "--data", data, "--target", "target", "--json");
        Assert.Equal("linear-regression", JsonNode.Parse(evaluate.Stdout)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadInputExitsWithCode2AndLeavesNoOutput()
    {
        string data = PathOf("iris.csv"), model = PathOf("m.nlm");
        await InProcess("datasets", "export", "iris", "--out", data);
        File.WriteAllText(PathOf("ragged.csv"), "a,target\n1,x\n2\n");
        (string[] Args, string Message)[] cases =
        [
            (["train", "--data", PathOf("none.csv"), "--target", "target", "--model", "logistic-regression", "--out", model], "does not exist"),
            (["train", "--data", data, "--target", "species", "--model", "logistic-regression", "--out", model], "Available columns"),
            (["train", "--data", data, "--target", "target", "--model", "forest", "--out", model], "logistic-regression"),
            (["train", "--data", data, "--target", "target", "--model", "logistic-regression", "--set", "C", "--out", model], "key=value"),
            (["train", "--data", data, "--target", "target", "--model", "logistic-regression", "--set", "depth=3", "--out", model], "Valid names"),
            (["train", "--data", data, "--target", "target", "--model", "logistic-regression", "--set", "C=-1", "--out", model], "positive"),
            (["train", "--data", data, "--target", "target", "--model", "logistic-regression", "--test-size", "1.5", "--out", model], "--test-size"),
            (["train", "--data", data, "--target", "target", "--model", "linear-regression", "--out", model], "predicts numbers"),
            (["train", "--data", PathOf("ragged.csv"), "--target", "target", "--model", "logistic-regression", "--out", model], "data row 2"),
            (["train", "--data", data, "--model", "logistic-regression", "--out", model], "--target"),
            (["predict", "--model", PathOf("none.nlm"), "--data", data, "--out", PathOf("p.csv")], "does not exist"),
            (["fly"], "fly"),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, _, stderr) = await InProcess(args);
            Assert.True(code == 2, $"{string.Join(' ', args)} exited {code}: {stderr}");
            Assert.Contains(message, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(model));
            Assert.False(File.Exists(PathOf("p.csv")));
        }
    }

    [Fact]
    public async Task DamagedModelFilesAreRefused()
    {
        string data = PathOf("iris.csv"), model = PathOf("m.nlm");
        await InProcess("datasets", "export", "iris", "--out", data);
        await InProcess("train", "--data", data, "--target", "target", "--model", "logistic-regression", "--out", model);
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(PathOf("half.nlm"), bytes[..(bytes.Length / 2)]);
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 3] ^= 0xFF;
        File.WriteAllBytes(PathOf("flipped.nlm"), flipped);
        foreach (string damaged in new[] { "half.nlm", "flipped.nlm" })
        {
            var (code, _, stderr) = await InProcess("predict", "--model", PathOf(damaged), "--data", data, "--out", PathOf("p.csv"));
            Assert.Equal(2, code);
            Assert.Contains(damaged, stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(PathOf("p.csv")));
        }
    }

    [Fact]
    public async Task ServerAnswersRowsAndRejectsBadRequests()
    {
        string data = PathOf("iris.csv"), model = PathOf("iris.nlm");
        await InProcess("datasets", "export", "iris", "--out", data);
        await InProcess("train", "--data", data, "--target", "target", "--model", "logistic-regression", "--out", model);
        await using var server = ModelServer.Create(new ServerOptions { ModelPath = model, Port = 0 });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v2/health/ready")).StatusCode);
        var metadata = JsonNode.Parse(await http.GetStringAsync("v1/models/iris/manifest"))!;
        Assert.Equal("classification", metadata["task"]!.GetValue<string>());

        var body = new JsonObject
        {
            ["rows"] = new JsonArray(
                new JsonObject { ["sepal_length"] = 5.1, ["sepal_width"] = 3.5, ["petal_length"] = 1.4, ["petal_width"] = 0.2 },
                new JsonObject { ["sepal_length"] = "6.7", ["sepal_width"] = 3.0, ["petal_length"] = 5.2, ["petal_width"] = 2.3, ["unused"] = "x" }),
        };
        using var ok = await http.PostAsJsonAsync("v1/models/iris:predict", body);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var answer = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal(["setosa", "virginica"], answer["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.All(answer["probabilities"]!.AsArray(), row => Assert.Equal(1.0, row!.AsArray().Sum(p => p!.GetValue<double>()), 12));

        await AssertError(await http.PostAsync("v1/models/iris:predict", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "not valid JSON");
        await AssertError(await http.PostAsJsonAsync("v1/models/iris:predict", new JsonObject { ["rows"] = new JsonArray(new JsonObject { ["sepal_length"] = "long", ["sepal_width"] = 3.0, ["petal_length"] = 1.0, ["petal_width"] = 0.1 }) }), HttpStatusCode.BadRequest, "sepal_length");
        await AssertError(await http.PostAsJsonAsync("v1/models/nope:predict", body), HttpStatusCode.NotFound, "nope");
        await AssertError(await http.PostAsJsonAsync("v1/models/iris:predict", new JsonObject { ["data"] = 1 }), HttpStatusCode.BadRequest, "rows");
    }

    [Fact]
    public async Task CurlCanCallTheServer()
    {
        string data = PathOf("iris.csv"), model = PathOf("iris.nlm");
        await InProcess("datasets", "export", "iris", "--out", data);
        await InProcess("train", "--data", data, "--target", "target", "--model", "logistic-regression", "--out", model);
        await using var server = ModelServer.Create(new ServerOptions { ModelPath = model, Port = 0 });
        await server.StartAsync();
        var start = new ProcessStartInfo("curl", ["-s", "-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}", $"{server.Address}v1/models/iris:predict"])
        {
            RedirectStandardOutput = true,
        };
        using var curl = System.Diagnostics.Process.Start(start)!;
        string output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.Equal(0, curl.ExitCode);
        Assert.Equal("setosa", JsonNode.Parse(output)!["predictions"]![0]!.GetValue<string>());
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string fragment)
    {
        Assert.Equal(status, response.StatusCode);
        string error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> InProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Process(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "netlearn.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
