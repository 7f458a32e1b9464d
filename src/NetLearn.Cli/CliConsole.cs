using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetLearn.Estimators;
using Spectre.Console;

namespace NetLearn.Cli;

/// <summary>
/// Output of the command line: human-readable text through Spectre.Console on stdout, notices and progress on stderr,
/// JSON on stdout with <c>--json</c>. No escape codes when a stream is not a terminal.
/// </summary>
public sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOutput = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Creates the console over two writers.</summary>
    public CliConsole(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Error = stderr;
        bool isTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        bool errorIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        Human = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        ProgressConsole = errorIsTerminal
            ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Detect, Interactive = InteractionSupport.Detect, Out = new AnsiConsoleOutput(stderr) })
            : null;
        if (!isTerminal)
        {
            Human.Profile.Width = 200;
        }
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Spectre console over stdout.</summary>
    public IAnsiConsole Human { get; }

    /// <summary>Spectre console over stderr for progress bars, or <c>null</c> when stderr is not a terminal.</summary>
    public IAnsiConsole? ProgressConsole { get; }

    /// <summary>Writes one line of JSON to stdout.</summary>
    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(JsonOutput));

    /// <summary>Writes a notice to stderr.</summary>
    public void Notice(string message) => Error.WriteLine(message);

    /// <summary>Runs <paramref name="work"/> with a progress bar on a terminal, or plainly otherwise.</summary>
    public T WithProgress<T>(string title, Func<IProgress<FitProgress>?, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (ProgressConsole is null)
        {
            return work(null);
        }

        T result = default!;
        ProgressConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1.0);
                var progress = new Progress<FitProgress>(p =>
                {
                    if (p.MaxIterations is { } max && max > 0)
                    {
                        task.Value = Math.Min(1.0, (double)p.Iteration / max);
                    }

                    if (p.Loss is { } loss)
                    {
                        task.Description = Markup.Escape(FormattableString.Invariant($"{title} (loss {loss:G6})"));
                    }
                });
                result = work(progress);
                task.Value = 1.0;
            });
        return result;
    }
}
