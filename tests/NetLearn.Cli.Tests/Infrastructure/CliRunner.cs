using System.Diagnostics;
using System.Globalization;

namespace NetLearn.Cli.Tests.Infrastructure;

/// <summary>What a run of <c>netlearn</c> produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the <c>netlearn</c> command line: in-process through <see cref="CliApp.RunAsync"/>, or as a real process.</summary>
public static class CliRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The built <c>netlearn.dll</c> (the Cli project reference copies it next to the test assembly).</summary>
    public static string NetlearnDll
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "netlearn.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"netlearn.dll is not next to the test assembly in {AppContext.BaseDirectory}; build the test project.", path);
        }
    }

    /// <summary>The <c>dotnet</c> host that runs this test process (the SDK exports DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost
    {
        get
        {
            string? fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
            {
                return fromSdk;
            }

            string? current = Environment.ProcessPath;
            return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        }
    }

    /// <summary>Runs <c>netlearn ARGS</c> in this process with string writers for stdout and stderr (fast). Pass absolute paths.</summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int exitCode = await CliApp.RunAsync(args, stdout, stderr);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts <c>dotnet netlearn.dll ARGS</c> in <paramref name="workingDirectory"/> with redirected streams.</summary>
    public static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NetlearnDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("NETLEARN_DEBUG");
        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
    }

    /// <summary>Runs <c>dotnet netlearn.dll ARGS</c> as a separate process, as a user would, and waits for it (killing it after <paramref name="timeout"/>).</summary>
    public static async Task<CliResult> RunProcessAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'netlearn {string.Join(' ', args)}' did not finish within {timeout.TotalSeconds} s.\n--- stdout ---\n{await stdout}\n--- stderr ---\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>dotnet netlearn.dll ARGS</c> as a separate process with the default timeout.</summary>
    public static Task<CliResult> RunProcessAsync(string workingDirectory, params string[] args) => RunProcessAsync(workingDirectory, DefaultTimeout, args);
}
