using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary>The real <c>netlearn</c> executable run as a separate process (<c>dotnet netlearn.dll …</c>), as a user runs it.</summary>
public sealed class ProcessTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public ProcessTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Quickstart_exits_0_and_prints_the_servers_answer_with_predictions()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunProcessAsync(dir.Path, "quickstart");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("predictions", result.Stdout, StringComparison.Ordinal);
        string answer = result.Stdout.Split('\n').Single(l => l.Contains("Answer", StringComparison.Ordinal));
        var json = JsonNode.Parse(answer[answer.IndexOf('{', StringComparison.Ordinal)..])!.AsObject();
        Assert.Contains(json["predictions"]![0]!.GetValue<string>(), CliFixture.IrisClasses);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal); // no escape codes when not a terminal
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path)); // the model went to a temporary folder
    }

    [Fact]
    public async Task Train_json_prints_exactly_one_json_object_with_the_documented_keys()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunProcessAsync(dir.Path, "train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", "model.nlm", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = Expect.SingleJsonObject(result.Stdout);
        foreach (string key in new[] { "model", "task", "metrics", "train_rows", "test_rows", "fit_seconds" })
        {
            Assert.True(json.ContainsKey(key), $"missing key '{key}' in {json.ToJsonString()}");
        }

        Assert.Equal("logistic-regression", json["model"]!.GetValue<string>());
        Assert.Equal("classification", json["task"]!.GetValue<string>());
        Assert.Equal(120, json["train_rows"]!.GetValue<int>());
        Assert.Equal(30, json["test_rows"]!.GetValue<int>());
        Assert.IsType<JsonObject>(json["metrics"]);
        Assert.True(File.Exists(Path.Combine(dir.Path, "model.nlm")), "relative --out is relative to the working directory");
    }

    [Fact]
    public async Task Missing_data_file_exits_2_with_a_message_and_no_stack_trace()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunProcessAsync(dir.Path, "train", "--data", "no-such-file.csv", "--target", "target", "--model", "logistic-regression", "--out", "model.nlm");

        Expect.BadInput(result, "no-such-file.csv", "does not exist");
        Expect.NoFile(Path.Combine(dir.Path, "model.nlm"));
    }

    [Fact]
    public async Task Damaged_model_file_exits_2_with_a_message_and_no_stack_trace()
    {
        using var dir = new TempDir();
        byte[] bytes = await File.ReadAllBytesAsync(_files.IrisModel);
        await File.WriteAllBytesAsync(dir.File("half.nlm"), bytes[..(bytes.Length / 2)]);
        var result = await CliRunner.RunProcessAsync(dir.Path, "predict", "--model", "half.nlm", "--data", _files.IrisCsv, "--out", "p.csv");

        Expect.BadInput(result, "half.nlm");
        Expect.NoFile(dir.File("p.csv"));
    }

    [Fact]
    public async Task Unknown_command_exits_2_and_points_to_help()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunProcessAsync(dir.Path, "frobnicate");

        Expect.BadInput(result, "frobnicate", "--help");
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_commands()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunProcessAsync(dir.Path, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string command in new[] { "train", "predict", "evaluate", "inspect", "datasets", "serve", "quickstart" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// SIGTERM is what service managers and <c>docker stop</c> send. (Ctrl+C / SIGINT takes the same path, but a process
    /// started in the background by a non-interactive shell inherits SIGINT as ignored, so it is not tested here.)
    /// </summary>
    [Fact]
    public async Task Serve_answers_requests_and_stops_gracefully_on_SIGTERM()
    {
        const string signal = "TERM";
        using var dir = new TempDir();
        await using var server = await ServeProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60), "--model", _files.IrisModel, "--port", "0", "--name", "iris");
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

        using (var ready = await http.GetAsync(new Uri("v2/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var body = new JsonObject { ["rows"] = new JsonArray(new JsonObject { ["sepal_length"] = 5.1, ["sepal_width"] = 3.5, ["petal_length"] = 1.4, ["petal_width"] = 0.2 }) };
        using (var response = await http.PostAsJsonAsync("v1/models/iris:predict", body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("setosa", answer["predictions"]![0]!.GetValue<string>());
        }

        await server.SignalAsync(signal);
        int? exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode is not null, $"'netlearn serve' still runs 20 s after SIG{signal}; it must stop gracefully.\n{server.Stderr}");
        Assert.True(exitCode == 0, $"exit code {exitCode} after SIG{signal}\n{server.Stderr}");
    }
}
