using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

public sealed partial class BatchingTests
{
    private static string Row(double[] r) =>
        "{\"rows\":[{" + string.Join(",", TestModels.IrisColumns.Select((n, c) => $"\"{n}\":{r[c].ToString("R", CultureInfo.InvariantCulture)}")) + "}]}";

    [Fact]
    public async Task Concurrent_requests_are_batched_and_each_gets_its_own_rows()
    {
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { MaxBatchSize = 32, MaxQueueDelayMs = 20 } } };
        await using var s = await TestServer.StartAsync(config);
        var rows = TestModels.IrisRows(150);
        var expected = TestModels.Iris.Predict(rows);
        double[][] data = [.. Enumerable.Range(0, 150).Select(r => rows.Columns.Select(c => c.ToDoubleArray()[r]).ToArray())];

        var answers = await Task.WhenAll(Enumerable.Range(0, 150).Select(async r =>
        {
            var (status, body, _) = await s.PostAsync("v1/models/iris:predict", Row(data[r]));
            Assert.Equal(200, status);
            return body!["predictions"]![0]!.GetValue<string>();
        }));

        Assert.Equal(Enumerable.Range(0, 150).Select(expected.FormatValue), answers);
        string metrics = await s.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        long runs = long.Parse(BatchCount().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(runs < 150, $"150 concurrent requests should share model runs, got {runs} runs");
        Assert.Contains("netlearn_inference_rows_total{model=\"iris\",version=\"1\"} 150", metrics, StringComparison.Ordinal);
        Assert.Contains("netlearn_queue_seconds_bucket{model=\"iris\",version=\"1\",le=\"+Inf\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_in_a_batch_fails_alone()
    {
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { MaxBatchSize = 64, MaxQueueDelayMs = 50 } } };
        await using var s = await TestServer.StartAsync(config);
        var good = Enumerable.Range(0, 20).Select(_ => s.PostAsync("v1/models/iris:predict", Row(TestModels.ThreeIrisRows[2])));
        var bad = s.PostAsync("v2/models/iris/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[null,3,1,0]}]}");
        var results = await Task.WhenAll(good.Append(bad));
        Assert.All(results.Take(20), r => Assert.Equal("virginica", r.Body!["predictions"]![0]!.GetValue<string>()));
        Assert.Equal(200, results[^1].Status); // missing values are imputed by default
    }

    [Fact]
    public async Task Missing_values_are_refused_when_the_model_does_not_allow_them()
    {
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { AllowMissing = false } } };
        await using var s = await TestServer.StartAsync(config);
        var (status, body, _) = await s.PostAsync("v1/models/iris:predict", "{\"rows\":[{\"sepal_length\":null,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}");
        Assert.Equal(400, status);
        Assert.Contains("Missing values", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'sepal_length'", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_and_inference_is_traced()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "NetLearn.Serving",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var s = await TestServer.StartAsync();
        string id = Guid.NewGuid().ToString("N");
        Assert.Equal(200, (await s.PostAsync("v1/models/iris:predict", Row(TestModels.ThreeIrisRows[0]), h => h.Add("X-Request-Id", id))).Status);
        Assert.Equal(400, (await s.PostAsync("v1/models/iris:predict", "{\"rows\":[1]}", h => h.Add("X-Request-Id", id))).Status);

        using var response = await s.Http.GetAsync(new Uri("metrics", UriKind.Relative));
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE netlearn_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("netlearn_requests_total{model=\"iris\",version=\"1\",protocol=\"v1\",code=\"400\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("netlearn_inference_errors_total{model=\"iris\",version=\"1\",protocol=\"v1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("netlearn_model_ready{model=\"iris\",version=\"1\"} 1", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(MetricLine(), line));

        lock (spans)
        {
            var infer = spans.Where(a => a.OperationName == "netlearn.infer" && (string?)a.GetTagItem("netlearn.request_id") == id).ToList();
            Assert.Equal(2, infer.Count);
            Assert.All(infer, a => Assert.Equal("iris", a.GetTagItem("netlearn.model")));
        }
    }

    [GeneratedRegex(@"netlearn_batch_size_rows_count\{model=""iris"",version=""1""\} (\d+)")]
    private static partial Regex BatchCount();

    [GeneratedRegex(@"^(# (HELP|TYPE) \w+ .+|[a-z_]+\{[^}]*\} [0-9.eE+-]+)$")]
    private static partial Regex MetricLine();
}
