using System.Net;
using NetLearn.Client;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>NetLearn.Client against a real server (with authentication on, so the credentials path is exercised).</summary>
public sealed class ClientTests
{
    [Fact]
    public async Task The_client_covers_health_metadata_rows_v2_and_repository_calls()
    {
        var config = new ServerConfig { Auth = new AuthConfig { ApiKeys = [new ApiKeyConfig { Name = "ops", Hash = ApiKeyHash.Sha256("k"), Permissions = ["admin:*"] }] } };
        await using var s = await TestServer.StartAsync(config);
        using var client = new NetLearnClient(s.Server.Address, apiKey: "k");

        Assert.True(await client.IsLiveAsync());
        Assert.True(await client.IsReadyAsync());
        Assert.Equal("netlearn", (await client.GetServerMetadataAsync()).Name);
        var metadata = await client.GetModelMetadataAsync("iris");
        Assert.Equal(TestModels.IrisColumns, metadata.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, 3L], metadata.Outputs[1].Shape);

        var rows = TestModels.ThreeIrisRows.Select(r => (IReadOnlyDictionary<string, object?>)TestModels.IrisColumns.Select((n, c) => (n, (object?)r[c])).ToDictionary(p => p.n, p => p.Item2)).ToList();
        var prediction = await client.PredictAsync("iris", rows);
        Assert.Equal("1", prediction.ModelVersion);
        Assert.Equal(["setosa", "versicolor", "virginica"], prediction.Predictions.Select(p => p.GetString()));
        Assert.Equal(TestModels.Iris.PredictProba(TestModels.IrisTable(TestModels.ThreeIrisRows)).ToRowArrays(), prediction.Probabilities!.Select(r => r.ToArray()));

        var request = new InferenceRequest([InferenceInput.Fp64("x", [3, 4], TestModels.ThreeIrisRows.SelectMany(r => r))], Id: "c1", Outputs: [new RequestedOutput("predictions")]);
        var response = await client.InferAsync("iris", request, version: "1");
        Assert.Equal("c1", response.Id);
        Assert.Equal(["setosa", "versicolor", "virginica"], Assert.Single(response.Outputs).Data.Select(d => d.GetString()));

        await client.UnloadModelAsync("iris");
        var error = await Assert.ThrowsAsync<NetLearnServerException>(() => client.PredictAsync("iris", rows));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("'iris'", error.ServerMessage, StringComparison.Ordinal);
        await client.LoadModelAsync("iris");
        Assert.Equal("READY", Assert.Single(await client.GetRepositoryIndexAsync()).State);

        using var anonymous = new NetLearnClient(s.Server.Address);
        Assert.True(await anonymous.IsLiveAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<NetLearnServerException>(() => anonymous.GetServerMetadataAsync())).StatusCode);
    }
}
