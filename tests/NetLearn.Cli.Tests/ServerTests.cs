using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;
using NetLearn.Serving;

namespace NetLearn.Cli.Tests;

/// <summary>A <see cref="ModelServer"/> on a free port serving a model trained by <c>netlearn train</c>.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public CliFixture Files { get; } = new();

    public ModelServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Files.InitializeAsync();
        Server = ModelServer.Create(new ServerOptions { ModelPath = Files.IrisModel, Port = 0 });
        await Server.StartAsync();
        Http = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Server is not null)
        {
            await Server.StopAsync();
            await Server.DisposeAsync();
        }

        await Files.DisposeAsync();
    }
}

public sealed class ServerTests : IClassFixture<ServerFixture>
{
    private static readonly JsonObject Setosa = new() { ["sepal_length"] = 5.1, ["sepal_width"] = 3.5, ["petal_length"] = 1.4, ["petal_width"] = 0.2 };
    private static readonly JsonObject Virginica = new() { ["sepal_length"] = 6.7, ["sepal_width"] = 3.0, ["petal_length"] = 5.2, ["petal_width"] = 2.3 };

    private readonly ServerFixture _fixture;

    public ServerTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    private HttpClient Http => _fixture.Http;

    private static string Rows(params JsonObject[] rows) => new JsonObject { ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)r.DeepClone())]) }.ToJsonString();

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string model, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri($"v1/models/{model}:predict", UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    private async Task<string> ErrorAsync(HttpStatusCode expected, string model, string body)
    {
        var (status, answer) = await PostAsync(model, body);
        Assert.True(status == expected, $"expected {(int)expected}, got {(int)status}: {answer.ToJsonString()}");
        var error = Assert.IsType<JsonObject>(answer)["error"];
        Assert.NotNull(error);
        string message = error.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        return message;
    }

    [Theory]
    [InlineData("v2/health/ready", "ready")]
    [InlineData("v2/health/live", "live")]
    public async Task Health_endpoints_answer_200(string path, string key)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())![key]!.GetValue<bool>());
    }

    [Fact]
    public void The_server_listens_on_loopback_on_a_free_port()
    {
        Assert.Equal("127.0.0.1", _fixture.Server.Address.Host);
        Assert.NotEqual(0, _fixture.Server.Address.Port);
        Assert.Equal("iris", _fixture.Server.ModelName); // the file name without extension
    }

    [Fact]
    public async Task Model_endpoint_returns_the_manifest()
    {
        using var response = await Http.GetAsync(new Uri("v1/models/iris/manifest", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var expected = JsonNode.Parse((await Expect.OkAsync("inspect", _fixture.Files.IrisModel)).Stdout)!;

        Assert.True(JsonNode.DeepEquals(expected, manifest), $"{manifest.ToJsonString()}\n!=\n{expected.ToJsonString()}");
        Assert.Equal(1, manifest["format_version"]!.GetValue<int>());
        Assert.Equal(CliFixture.IrisFeatures, manifest["input_schema"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Predict_two_rows_returns_two_predictions_and_probability_rows_summing_to_1()
    {
        var (status, answer) = await PostAsync("iris", Rows(Setosa, Virginica));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("iris", answer["model"]!.GetValue<string>());
        Assert.Equal(["setosa", "virginica"], answer["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(CliFixture.IrisClasses, answer["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        var probabilities = answer["probabilities"]!.AsArray();
        Assert.Equal(2, probabilities.Count);
        Assert.All(probabilities, row =>
        {
            double[] p = [.. row!.AsArray().Select(v => v!.GetValue<double>())];
            Assert.Equal(3, p.Length);
            Assert.Equal(1.0, p.Sum(), 1e-9);
        });
    }

    [Fact]
    public async Task Server_and_cli_predict_the_same_values()
    {
        using var dir = new TempDir();
        string data = dir.Write("rows.csv", string.Create(CultureInfo.InvariantCulture, $"sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3,5.2,2.3\n5.9,3,4.2,1.5\n"));
        await Expect.OkAsync("predict", "--model", _fixture.Files.IrisModel, "--data", data, "--out", dir.File("p.csv"), "--proba");
        var cli = CsvText.Read(dir.File("p.csv"));
        var third = new JsonObject { ["sepal_length"] = 5.9, ["sepal_width"] = 3, ["petal_length"] = 4.2, ["petal_width"] = 1.5 };

        var (status, answer) = await PostAsync("iris", Rows(Setosa, Virginica, third));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(cli.Column("prediction"), answer["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
        for (int k = 0; k < 3; k++)
        {
            double[] fromCli = cli.NumericColumn($"proba_{CliFixture.IrisClasses[k]}");
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(fromCli[r], answer["probabilities"]![r]![k]!.GetValue<double>(), 12);
            }
        }
    }

    [Fact]
    public async Task Numbers_sent_as_strings_and_extra_keys_are_accepted()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row["sepal_width"] = "3.5";
        row["id"] = "customer-17";
        var (status, answer) = await PostAsync("iris", Rows(row));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("setosa", answer["predictions"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Null_is_a_missing_value_and_is_imputed()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row["sepal_width"] = null;
        var (status, answer) = await PostAsync("iris", Rows(row));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(answer["predictions"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"rows\": [{\"sepal_length\": 5.1,")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Invalid_json_is_a_400_with_an_error(string body)
    {
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", body);
        Assert.Contains("not valid JSON", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]", "rows")]
    [InlineData("{\"data\": []}", "rows")]
    [InlineData("{\"rows\": []}", "empty")]
    [InlineData("{\"rows\": {\"a\": 1}}", "array")]
    [InlineData("{\"rows\": [1]}", "object")]
    public async Task A_body_of_the_wrong_shape_is_a_400_explaining_the_shape(string body, string mention)
    {
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", body);
        Assert.Contains(mention, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_column_is_a_400_naming_the_column()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row.Remove("petal_width");
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", Rows(Setosa, row));

        Assert.Contains("'petal_width'", message, StringComparison.Ordinal);
        Assert.Contains("row 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_column_is_a_400_naming_the_expected_column()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row.Remove("petal_width");
        row["petal_widht"] = 0.2;
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", Rows(row));

        Assert.Contains("'petal_width'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_string_in_a_numeric_column_is_a_400_naming_the_column()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row["sepal_width"] = "wide";
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", Rows(row));

        Assert.Contains("'sepal_width'", message, StringComparison.Ordinal);
        Assert.Contains("'wide'", message, StringComparison.Ordinal);
        Assert.Contains("row 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nested_value_is_a_400_naming_the_column()
    {
        var row = (JsonObject)Setosa.DeepClone();
        row["petal_length"] = new JsonArray(1, 2);
        string message = await ErrorAsync(HttpStatusCode.BadRequest, "iris", Rows(row));

        Assert.Contains("'petal_length'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404()
    {
        string message = await ErrorAsync(HttpStatusCode.NotFound, "wine", Rows(Setosa));
        Assert.Contains("'wine'", message, StringComparison.Ordinal);

        using var response = await Http.GetAsync(new Uri("v1/models/wine", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task The_server_works_with_curl_as_users_call_it()
    {
        string url = new Uri(_fixture.Server.Address, "v1/models/iris:predict").ToString();
        string body = Rows(Setosa, Virginica);
        string health;
        int status;
        string answer;
        if (File.Exists("/usr/bin/curl"))
        {
            (_, health) = await CurlAsync(new Uri(_fixture.Server.Address, "v2/health/ready").ToString());
            (status, answer) = await CurlAsync(url, "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body);
            var (badStatus, badAnswer) = await CurlAsync(url, "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "{oops");
            Assert.Equal(400, badStatus);
            Assert.NotNull(JsonNode.Parse(badAnswer)!["error"]);
        }
        else
        {
            // No curl on this machine: make the same requests with HttpClient.
            health = await Http.GetStringAsync(new Uri("v2/health/ready", UriKind.Relative));
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await Http.PostAsync(new Uri(url), content);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsStringAsync();
        }

        Assert.True(JsonNode.Parse(health)!["ready"]!.GetValue<bool>());
        Assert.Equal(200, status);
        Assert.Equal(["setosa", "virginica"], JsonNode.Parse(answer)!["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    /// <summary>Runs curl; returns the HTTP status and the body.</summary>
    private static async Task<(int Status, string Body)> CurlAsync(string url, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-sS", "--max-time", "30", "-w", "\n%{http_code}", .. args, url])
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start)!;
        var stdout = curl.StandardOutput.ReadToEndAsync();
        var stderr = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        string output = await stdout;
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {await stderr}");
        int split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..], CultureInfo.InvariantCulture), output[..split]);
    }
}
