using System.CommandLine;
using NetLearn.Serving;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn serve</c>: serve a model over HTTP until stopped.</summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "The model file (.nlm).", Required = true };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to bind; 127.0.0.1 keeps the server local, 0.0.0.0 exposes it.", DefaultValueFactory = _ => "127.0.0.1" };
        var name = new Option<string?>("--name") { Description = "Name to serve the model under (default: the file name)." };
        var command = new Command("serve", "Serve a model over HTTP: POST /v1/models/NAME:predict with {\"rows\": [...]}.") { model, port, host, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int portValue = parse.GetValue(port);
            if (portValue is < 0 or > 65535)
            {
                throw new UsageException($"--port must be between 0 and 65535 (got {portValue}).");
            }

            await using var server = ModelServer.Create(new ServerOptions
            {
                ModelPath = parse.GetValue(model)!,
                Port = portValue,
                Host = parse.GetValue(host)!,
                ModelName = parse.GetValue(name),
            });
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            console.Notice($"Serving '{server.ModelName}' at {server.Address} — POST {server.Address}v1/models/{server.ModelName}:predict. Press Ctrl+C to stop.");
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
