using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn serve --model-repository DIR --config server.json</c> as a user runs it, called with curl.</summary>
public sealed class ServeRepositoryTests(CliFixture files) : IClassFixture<CliFixture>
{
    private const string V2Body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP64\",\"data\":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}";

    [Fact]
    public async Task Serve_a_repository_with_an_api_key_and_an_encrypted_signed_model()
    {
        using var dir = new TempDir();
        string repo = Directory.CreateDirectory(dir.File("models")).FullName;
        Directory.CreateDirectory(Path.Combine(repo, "iris", "1"));
        File.Copy(files.IrisModel, Path.Combine(repo, "iris", "1", "model.nlm"));

        // An encrypted, signed copy made with the CLI.
        string key = (await Expect.OkAsync("secure", "model-key")).Stdout.Trim();
        File.WriteAllText(dir.File("model.key"), key);
        string secretDir = Directory.CreateDirectory(Path.Combine(repo, "secret", "1")).FullName;
        await Expect.OkAsync("secure", "encrypt", "--model", files.IrisModel, "--key-file", dir.File("model.key"), "--out", Path.Combine(secretDir, "model.nlm.enc"));
        await Expect.OkAsync("secure", "sign", "--model", Path.Combine(secretDir, "model.nlm.enc"));
        File.Move(Path.Combine(secretDir, "signing-key.pub.pem"), dir.File("signing.pub.pem"));
        File.Move(Path.Combine(secretDir, "signing-key.pem"), dir.File("signing.pem"));

        var apiKey = await Expect.JsonAsync("secure", "api-key", "--name", "app", "--permission", "infer:*", "--permission", "metadata:*");
        var config = new JsonObject
        {
            ["models"] = new JsonObject { ["iris"] = new JsonObject { ["max_batch_size"] = 16, ["max_queue_delay_ms"] = 1 } },
            ["auth"] = new JsonObject { ["api_keys"] = new JsonArray(apiKey["config_entry"]!.DeepClone()) },
            ["model_protection"] = new JsonObject { ["key_file"] = dir.File("model.key"), ["signature_public_key_file"] = dir.File("signing.pub.pem") },
        };
        File.WriteAllText(dir.File("server.json"), config.ToJsonString());
        string secret = apiKey["api_key"]!.GetValue<string>();

        await using var server = await ServeProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60), "--model-repository", repo, "--config", dir.File("server.json"), "--port", "0", "--grpc-port", "0");
        string url = server.Address.ToString();

        var (live, _) = await CurlAsync($"{url}v2/health/live");
        Assert.Equal(200, live);
        var (anonymous, anonymousBody) = await CurlAsync($"{url}v2/models/iris/infer", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", V2Body);
        Assert.Equal(401, anonymous);
        Assert.NotNull(JsonNode.Parse(anonymousBody)!["error"]);

        foreach (string model in new[] { "iris", "secret" })
        {
            var (status, body) = await CurlAsync($"{url}v2/models/{model}/infer", "-X", "POST", "-H", "Content-Type: application/json", "-H", $"X-API-Key: {secret}", "--data-binary", V2Body);
            Assert.True(status == 200, $"{model}: {status} {body}\n{server.Stderr}");
            Assert.Equal(["setosa", "virginica"], JsonNode.Parse(body)!["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        }

        var (forbidden, _) = await CurlAsync($"{url}v2/repository/index", "-X", "POST", "-H", $"X-API-Key: {secret}");
        Assert.Equal(403, forbidden);

        // A new version dropped into the repository is served without a restart (polling).
        Directory.CreateDirectory(Path.Combine(repo, "iris", "2"));
        File.Copy(files.IrisModel, Path.Combine(repo, "iris", "2", "model.nlm"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string version = "1";
        while (version != "2" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            var (_, body) = await CurlAsync($"{url}v2/models/iris/infer", "-X", "POST", "-H", $"X-API-Key: {secret}", "--data-binary", V2Body);
            version = JsonNode.Parse(body)!["model_version"]!.GetValue<string>();
        }

        Assert.Equal("2", version);
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Serve_writes_one_json_object_per_log_line_when_asked()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("server.json"), "{\"log_format\": \"json\"}");
        await using var server = await ServeProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60), "--model", files.IrisModel, "--config", dir.File("server.json"), "--port", "0");
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        string[] lines = (await server.StdoutAfterExit).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(l => JsonNode.Parse(l)!).ToList();
        var loaded = Assert.Single(entries, e => e["Message"]!.GetValue<string>().StartsWith("Loaded model 'iris' version 1", StringComparison.Ordinal));
        Assert.Equal("Information", loaded["LogLevel"]!.GetValue<string>());
        Assert.Equal("iris", loaded["State"]!["Model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Serve_refuses_both_or_neither_model_options()
    {
        Expect.BadInput(await CliRunner.RunAsync("serve", "--port", "0"), "--model");
        Expect.BadInput(await CliRunner.RunAsync("serve", "--model", files.IrisModel, "--model-repository", files.Dir, "--port", "0"), "--model-repository");
    }

    private static async Task<(int Status, string Body)> CurlAsync(string url, params string[] args)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-sS", "--max-time", "30", "-w", "\n%{http_code}", .. args, url])
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start)!;
        string output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {await curl.StandardError.ReadToEndAsync()}");
        int split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..], CultureInfo.InvariantCulture), output[..split]);
    }
}
