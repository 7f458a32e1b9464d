using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>OpenTelemetry tracing: off by default, switched on by the configuration or the OTEL_* environment convention, and exported for real.</summary>
public sealed class TracingTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Tracing_is_off_unless_configured_or_asked_for_by_the_environment()
    {
        Assert.Null(TraceExport.Resolve(null, Environment()));
        Assert.Equal("otlp", TraceExport.Resolve(null, Environment(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")))!.Exporter);
        Assert.Equal("otlp", TraceExport.Resolve(null, Environment(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")))!.Exporter);
        Assert.Equal("console", TraceExport.Resolve(null, Environment(("OTEL_TRACES_EXPORTER", "console")))!.Exporter);
        Assert.Null(TraceExport.Resolve(null, Environment(("OTEL_TRACES_EXPORTER", "none"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))));
        Assert.Null(TraceExport.Resolve(new TracingConfig(), Environment(("OTEL_SDK_DISABLED", "true"))));
        Assert.Null(TraceExport.Resolve(new TracingConfig { Exporter = "none" }, Environment(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))));
        var configured = new TracingConfig { Endpoint = "http://collector:4318", Protocol = "http/protobuf" };
        Assert.Same(configured, TraceExport.Resolve(configured, Environment()));
    }

    [Theory]
    [InlineData("""{"tracing": {"exporter": "jaeger"}}""", "tracing.exporter")]
    [InlineData("""{"tracing": {"protocol": "thrift"}}""", "tracing.protocol")]
    [InlineData("""{"tracing": {"endpoint": "collector:4317"}}""", "tracing.endpoint")]
    [InlineData("""{"tracing": {"sample_ratio": 2}}""", "tracing.sample_ratio")]
    public void Bad_tracing_settings_are_refused_with_the_setting_named(string json, string setting)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("netlearn-tracing-").FullName, "server.json");
        File.WriteAllText(file, json);
        var e = Assert.Throws<DataValidationException>(() => ServerConfig.Load(file));
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inference_request_is_exported_over_otlp_with_model_and_version_attributes()
    {
        // A stand-in OpenTelemetry collector: OTLP/HTTP protobuf export requests are POSTed to /v1/traces.
        var exports = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpContext c) =>
        {
            using var copy = new MemoryStream();
            await c.Request.Body.CopyToAsync(copy);
            exports.Enqueue(copy.ToArray());
            c.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();
        string endpoint = collector.Urls.Single();

        var config = new ServerConfig { Tracing = new TracingConfig { Endpoint = endpoint, Protocol = "http/protobuf", ServiceName = "netlearn-test" } };
        var s = await TestServer.StartAsync(config);
        string requestId;
        try
        {
            var (status, _, response) = await s.SendAsync(HttpMethod.Post, "/v1/models/iris:predict",
                """{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""");
            Assert.Equal(200, status);
            requestId = response.Headers.GetValues("X-Request-Id").Single();
            Assert.Equal(200, (await s.GetAsync("/v2/health/live")).Status);
        }
        finally
        {
            // Stopping the server flushes the batch export processor.
            await s.DisposeAsync();
        }

        // Protobuf keeps strings as UTF-8 bytes: the spans, attribute keys and values can be found in the export.
        string exported = Encoding.UTF8.GetString([.. exports.SelectMany(e => e)]);
        Assert.NotEmpty(exports);
        foreach (string expected in new[] { "netlearn-test", "NetLearn.Serving", "netlearn.infer", "netlearn.model", "iris", "netlearn.model_version", "netlearn.protocol", requestId, "/v1/models/{name}:predict" })
        {
            Assert.Contains(expected, exported, StringComparison.Ordinal);
        }

        // Health probes are not traced.
        Assert.DoesNotContain("/v2/health/live", exported, StringComparison.Ordinal);
    }
}
