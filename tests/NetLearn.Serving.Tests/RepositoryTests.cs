using System.Text.Json.Nodes;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

public sealed class RepositoryTests
{
    private static string Row => "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}";

    [Theory]
    [InlineData("latest", new long[] { 3 })]
    [InlineData("latest:2", new long[] { 2, 3 })]
    [InlineData("latest:9", new long[] { 1, 2, 3 })]
    [InlineData("all", new long[] { 1, 2, 3 })]
    [InlineData("specific:1,3", new long[] { 1, 3 })]
    [InlineData("specific:7", new long[] { })]
    public void Version_policies_pick_versions(string policy, long[] expected) =>
        Assert.Equal(expected, VersionPolicy.Parse(policy).Select([3, 1, 2]));

    [Theory]
    [InlineData("newest")]
    [InlineData("latest:0")]
    [InlineData("specific:")]
    [InlineData("specific:a")]
    public void Bad_version_policies_are_refused(string policy) =>
        Assert.Throws<FormatException>(() => VersionPolicy.Parse(policy));

    [Fact]
    public async Task A_new_version_is_picked_up_and_the_old_one_serves_until_then()
    {
        await using var s = await TestServer.StartAsync();
        Assert.Equal("1", (await s.PostAsync("v1/models/iris:predict", Row)).Body!["model_version"]!.GetValue<string>());

        TestServer.AddVersion(s.Root, "iris", 2, TestModels.IrisPath);
        Assert.Equal("1", (await s.PostAsync("v1/models/iris:predict", Row)).Body!["model_version"]!.GetValue<string>());
        await s.Server.Repository.ScanAsync();

        Assert.Equal("2", (await s.PostAsync("v1/models/iris:predict", Row)).Body!["model_version"]!.GetValue<string>());
        Assert.Equal(404, (await s.PostAsync("v1/models/iris/versions/1:predict", Row)).Status);
        var index = (await s.PostAsync("v2/repository/index", "")).Body!.AsArray();
        Assert.Equal([("iris", "2", "READY")], index.Select(e => (e!["name"]!.GetValue<string>(), e["version"]!.GetValue<string>(), e["state"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Polling_picks_up_a_new_model_without_a_scan_call()
    {
        string root = Directory.CreateTempSubdirectory("netlearn-repo-").FullName;
        TestServer.AddVersion(root, "iris", 1, TestModels.IrisPath);
        await using var server = ModelServer.Create(new ServerOptions { ModelRepository = root, Port = 0, Config = new ServerConfig { PollIntervalSeconds = 0.1 } });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        TestServer.AddVersion(root, "wine", 1, TestModels.DiabetesPath);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await http.GetAsync(new Uri("v2/models/wine/ready", UriKind.Relative))).StatusCode != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new model was not picked up within 20 s");
            await Task.Delay(100);
        }

        await server.StopAsync();
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task A_broken_new_version_is_reported_and_the_previous_version_keeps_serving()
    {
        await using var s = await TestServer.StartAsync();
        string bad = Path.Combine(s.Root, "iris", "2");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "model.nlm"), "this is not a model");
        await s.Server.Repository.ScanAsync();

        var answer = await s.PostAsync("v1/models/iris:predict", Row);
        Assert.Equal(200, answer.Status);
        Assert.Equal("1", answer.Body!["model_version"]!.GetValue<string>());
        var index = (await s.PostAsync("v2/repository/index", "")).Body!.AsArray();
        var failed = index.Single(e => e!["version"]!.GetValue<string>() == "2")!;
        Assert.Equal("UNAVAILABLE", failed["state"]!.GetValue<string>());
        Assert.Contains("not a NetLearn model file", failed["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var tf = (await s.GetAsync("v1/models/iris/versions/2")).Body!;
        Assert.Equal("END", tf["model_version_status"]![0]!["state"]!.GetValue<string>());
        var explicitVersion = await s.PostAsync("v1/models/iris/versions/2:predict", Row);
        Assert.Equal(404, explicitVersion.Status);
        Assert.Contains("failed to load", explicitVersion.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("netlearn_model_load_failures_total{model=\"iris\",version=\"2\"} 1", await s.Http.GetStringAsync(new Uri("metrics", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_cannot_load_does_not_stop_the_server_or_the_other_models()
    {
        await using var s = await TestServer.StartAsync(layout: root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "broken", "1"));
            File.WriteAllBytes(Path.Combine(root, "broken", "1", "model.nlm"), [1, 2, 3]);
        });

        Assert.Equal(200, (await s.PostAsync("v1/models/iris:predict", Row)).Status);
        Assert.Equal(404, (await s.PostAsync("v1/models/broken:predict", Row)).Status);
        Assert.Equal(400, (await s.GetAsync("v2/health/ready")).Status); // strict readiness: one model has no ready version
        Assert.Equal(200, (await s.GetAsync("v2/health/live")).Status);
    }

    [Fact]
    public async Task Load_and_unload_through_the_repository_api()
    {
        await using var s = await TestServer.StartAsync(layout: root => TestServer.AddVersion(root, "diabetes", 1, TestModels.DiabetesPath));
        Assert.Equal(200, (await s.PostAsync("v2/repository/models/iris/unload", "")).Status);
        Assert.Equal(404, (await s.PostAsync("v1/models/iris:predict", Row)).Status);
        await s.Server.Repository.ScanAsync(); // polling does not bring it back
        Assert.Equal(404, (await s.PostAsync("v1/models/iris:predict", Row)).Status);

        Assert.Equal(200, (await s.PostAsync("v2/repository/models/iris/load", "")).Status);
        Assert.Equal(200, (await s.PostAsync("v1/models/iris:predict", Row)).Status);
        Assert.Equal(404, (await s.PostAsync("v2/repository/models/nope/load", "")).Status);
        Assert.Equal(404, (await s.PostAsync("v2/repository/models/nope/unload", "")).Status);
    }

    [Fact]
    public async Task Version_policy_latest_two_serves_both_and_specific_pins_one()
    {
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { VersionPolicy = "latest:2" }, ["diabetes"] = new ModelConfig { VersionPolicy = "specific:1" } } };
        await using var s = await TestServer.StartAsync(config, root =>
        {
            TestServer.AddVersion(root, "iris", 2, TestModels.IrisPath);
            TestServer.AddVersion(root, "iris", 3, TestModels.IrisPath);
            TestServer.AddVersion(root, "diabetes", 1, TestModels.DiabetesPath);
            TestServer.AddVersion(root, "diabetes", 2, TestModels.DiabetesPath);
        });

        var metadata = (await s.GetAsync("v2/models/iris")).Body!;
        Assert.Equal(["2", "3"], metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["1"], (await s.GetAsync("v2/models/diabetes")).Body!["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Traffic_split_sends_requests_to_versions_by_weight_with_per_version_metrics()
    {
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { VersionPolicy = "all", TrafficSplit = { ["1"] = 80, ["2"] = 20 } } } };
        await using var s = await TestServer.StartAsync(config, root => TestServer.AddVersion(root, "iris", 2, TestModels.IrisPath));
        var counts = new Dictionary<string, int> { ["1"] = 0, ["2"] = 0 };
        const int n = 400;
        for (int i = 0; i < n; i++)
        {
            counts[(await s.PostAsync("v1/models/iris:predict", Row)).Body!["model_version"]!.GetValue<string>()]++;
        }

        // Binomial(400, 0.2): mean 80, sd 8; 40..120 is five standard deviations.
        Assert.InRange(counts["2"], 40, 120);
        Assert.Equal(counts["1"], s.Server.Metrics.RequestCount("iris", "1"));
        Assert.Equal(counts["2"], s.Server.Metrics.RequestCount("iris", "2"));
        string metrics = await s.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains($"netlearn_requests_total{{model=\"iris\",version=\"2\",protocol=\"v1\",code=\"200\"}} {counts["2"]}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_file_serving_still_works_and_reports_a_bad_file_as_an_error()
    {
        await using var server = ModelServer.Create(new ServerOptions { ModelPath = TestModels.IrisPath, Port = 0 });
        await server.StartAsync();
        Assert.Equal("iris", server.ModelName);
        Assert.NotNull(server.Model);

        string bad = Path.Combine(Directory.CreateTempSubdirectory("netlearn-bad-").FullName, "bad.nlm");
        File.WriteAllText(bad, "nope");
        await using var broken = ModelServer.Create(new ServerOptions { ModelPath = bad, Port = 0 });
        var e = await Assert.ThrowsAsync<ModelFileException>(() => broken.StartAsync());
        Assert.Contains("not a NetLearn model file", e.Message, StringComparison.Ordinal);
    }
}
