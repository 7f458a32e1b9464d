using System.CommandLine;
using NetLearn.Cli.Commands;

namespace NetLearn.Cli;

/// <summary>Exit codes of <c>netlearn</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>An internal error (a bug): please report it.</summary>
    public const int Internal = 1;

    /// <summary>Bad usage or bad input; the message says what to fix.</summary>
    public const int BadInput = 2;
}

/// <summary>A command-line usage error (exit code 2).</summary>
public sealed class UsageException(string message) : NetLearnException(message);

/// <summary>The <c>netlearn</c> command line: builds the commands and maps failures to exit codes and messages.</summary>
public static class CliApp
{
    /// <summary>Runs the command line with the given output writers and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = new CliConsole(stdout, stderr);
        Deep.DeepModels.Register(); // network estimators (mlp, cnn, lstm) and their model files
        var root = new RootCommand("NetLearn: machine learning for .NET. Train, evaluate, inspect and serve models.")
        {
            TrainCommand.Create(console),
            PredictCommand.Create(console),
            EvaluateCommand.Create(console),
            CvCommand.Create(console),
            TuneCommand.Create(console),
            InspectCommand.Create(console),
            DatasetsCommand.Create(console),
            ServeCommand.Create(console),
            SecureCommand.Create(console),
            QuickstartCommand.Create(console),
            ClusterCommand.Create(console),
            EmbedCommand.Create(console),
            DetectCommand.Create(console),
            ProfileCommand.Create(console),
            CleanCommand.Create(console),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'netlearn --help' (or 'netlearn COMMAND --help') for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        try
        {
            var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (NetLearnException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"internal error: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync("This is a bug in NetLearn; please report it with the command you ran. Set NETLEARN_DEBUG=1 for details.").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("NETLEARN_DEBUG") == "1")
            {
                await stderr.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Internal;
        }
    }
}
