using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace NetLearn.Cli.Tests.Infrastructure;

/// <summary><c>netlearn serve</c> running as a separate process; <see cref="Address"/> is read from its startup notice.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task<string> _stdout;

    private ServeProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _stdout = process.StandardOutput.ReadToEndAsync();
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    /// <summary>Starts the server and waits for its "Serving 'NAME' at URL" notice on stderr.</summary>
    public static async Task<ServeProcess> StartAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var process = CliRunner.Start(workingDirectory, ["serve", .. args]);
        process.StandardInput.Close();
        var seen = new StringBuilder();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardError.ReadLineAsync(deadline.Token) is { } line)
            {
                seen.AppendLine(line);
                var match = ServingAt().Match(line);
                if (match.Success)
                {
                    var server = new ServeProcess(process, new Uri(match.Groups[1].Value));
                    server._stderr.Append(seen);
                    _ = server.DrainStderrAsync();
                    return server;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        string rest = await process.StandardError.ReadToEndAsync();
        process.Dispose();
        throw new TimeoutException($"'netlearn serve' did not report its address within {timeout.TotalSeconds} s:\n{seen}{rest}");
    }

    /// <summary>Sends a POSIX signal (TERM, INT) with <c>kill</c>, as a service manager or Ctrl+C would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit; returns its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Everything the server wrote to standard output (its log), once it has exited.</summary>
    public Task<string> StdoutAfterExit => _stdout;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _stdout;
        _process.Dispose();
    }

    private async Task DrainStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone.
        }
    }

    [GeneratedRegex(@"Serving '[^']*' at (http://\S+/)")]
    private static partial Regex ServingAt();
}
