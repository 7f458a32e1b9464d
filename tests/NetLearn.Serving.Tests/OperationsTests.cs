using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>Operations: graceful shutdown, request timeouts and warm-up on load.</summary>
public sealed class OperationsTests
{
    private const string Row = "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}";

    [Fact]
    public async Task Stopping_lets_in_flight_requests_finish_and_refuses_new_ones()
    {
        // A long batching delay keeps the request in flight while the server is asked to stop.
        var config = new ServerConfig { Models = { ["iris"] = new ModelConfig { MaxBatchSize = 64, MaxQueueDelayMs = 3000 } } };
        await using var s = await TestServer.StartAsync(config);
        var inFlight = s.PostAsync("v1/models/iris:predict", Row);
        await Task.Delay(1000);
        Assert.False(inFlight.IsCompleted, "the request should still be waiting for its batch");

        var clock = Stopwatch.StartNew();
        await s.Server.StopAsync();
        var (status, body, _) = await inFlight;
        Assert.Equal(200, status);
        Assert.Equal("setosa", body!["predictions"]![0]!.GetValue<string>());
        Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(1000), "stop must wait for the in-flight request");

        using var fresh = new HttpClient { BaseAddress = s.Server.Address, Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => fresh.GetAsync(new Uri("v2/health/live", UriKind.Relative)));
    }

    [Fact]
    public async Task A_client_that_stalls_while_sending_headers_is_disconnected_after_the_request_timeout()
    {
        await using var s = await TestServer.StartAsync(new ServerConfig { RequestTimeoutSeconds = 1 });
        using var client = new TcpClient();
        await client.ConnectAsync(s.Server.Address.Host, s.Server.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/models/iris:predict HTTP/1.1\r\nHost: localhost\r\n"));

        // Kestrel checks its timeouts once a second: the connection must end within a few seconds, not hang.
        var clock = Stopwatch.StartNew();
        var buffer = new byte[4096];
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answer = new StringBuilder();
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, cap.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset connection is a disconnect too.
        }

        Assert.False(cap.IsCancellationRequested, "the stalled connection was not closed");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"closed after {clock.Elapsed}");
        if (answer.Length > 0)
        {
            Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_loaded_version_is_warmed_up_before_it_serves()
    {
        var logs = new CapturingLogger();
        string root = Directory.CreateTempSubdirectory("netlearn-repo-").FullName;
        TestServer.AddVersion(root, "iris", 1, TestModels.IrisPath);
        TestServer.AddVersion(root, "diabetes", 1, TestModels.DiabetesPath);
        await using var server = ModelServer.Create(new ServerOptions { ModelRepository = root, Port = 0, LoggerProvider = logs, Config = new ServerConfig { PollIntervalSeconds = 0 } });
        await server.StartAsync();
        foreach (string model in new[] { "iris", "diabetes" })
        {
            Assert.Contains(logs.Lines, l => l.StartsWith($"Loaded model '{model}' version 1", StringComparison.Ordinal) && l.Contains("warm-up prediction done", StringComparison.Ordinal));
        }
    }

    private sealed class CapturingLogger : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
