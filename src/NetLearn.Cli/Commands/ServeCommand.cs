using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetLearn.Serving;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn serve</c>: serve one model file or a versioned model repository until stopped.</summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model") { Description = "One model file (.nlm) to serve as version 1." };
        var repository = new Option<string?>("--model-repository") { Description = "A model repository: DIR/<model>/<version>/model.nlm; new versions are picked up without restart." };
        var config = new Option<string?>("--config") { Description = "Server configuration (JSON): version policies, batching, auth, TLS, limits (see README)." };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var grpcPort = new Option<int?>("--grpc-port") { Description = "Port for gRPC over cleartext HTTP/2 (0 picks a free one); with TLS gRPC is also on --port." };
        var host = new Option<string>("--host") { Description = "Address to bind; 127.0.0.1 keeps the server local, 0.0.0.0 exposes it.", DefaultValueFactory = _ => "127.0.0.1" };
        var name = new Option<string?>("--name") { Description = "Name to serve --model under (default: the file name)." };
        var command = new Command("serve", "Serve models over HTTP and gRPC: Open Inference Protocol (V2), TensorFlow Serving REST and named-column JSON.") { model, repository, config, port, grpcPort, host, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int portValue = parse.GetValue(port);
            if (portValue is < 0 or > 65535)
            {
                throw new UsageException($"--port must be between 0 and 65535 (got {portValue}).");
            }

            string? modelPath = parse.GetValue(model);
            string? repositoryPath = parse.GetValue(repository);
            if ((modelPath is null) == (repositoryPath is null))
            {
                throw new UsageException("Give either --model FILE or --model-repository DIR.");
            }

            var serverConfig = parse.GetValue(config) is { } configPath ? ServerConfig.Load(configPath) : new ServerConfig();
            if (parse.GetValue(grpcPort) is { } g)
            {
                if (g is < 0 or > 65535)
                {
                    throw new UsageException($"--grpc-port must be between 0 and 65535 (got {g}).");
                }

                serverConfig = serverConfig with { GrpcPort = g };
            }

            using var logging = LoggerFactory.Create(b =>
            {
                if (serverConfig.LogFormat == "json")
                {
                    // One JSON object per line with the message template's named values as fields, for log collectors.
                    b.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
                }
                else
                {
                    b.AddSimpleConsole(o =>
                    {
                        o.SingleLine = true;
                        o.TimestampFormat = "HH:mm:ss ";
                    });
                }

                b.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning);
            });
            await using var server = ModelServer.Create(new ServerOptions
            {
                ModelPath = modelPath,
                ModelRepository = repositoryPath,
                Port = portValue,
                Host = parse.GetValue(host)!,
                ModelName = parse.GetValue(name),
                Config = serverConfig,
                LoggerProvider = new ForwardingLoggerProvider(logging),
            });
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            string shown = server.ModelName ?? "repository";
            string example = server.ModelName is { } single ? $"POST {server.Address}v1/models/{single}:predict" : $"models: {string.Join(", ", server.Repository.Names)}";
            string grpc = server.GrpcAddress is { } ga ? $"; gRPC (h2c) at {ga}" : "";
            console.Notice($"Serving '{shown}' at {server.Address} — {example}{grpc}. Press Ctrl+C to stop.");
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Hands the server's log lines to a factory owned by the command.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
