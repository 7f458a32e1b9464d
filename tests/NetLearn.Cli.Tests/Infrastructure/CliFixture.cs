using System.Text.Json.Nodes;

namespace NetLearn.Cli.Tests.Infrastructure;

/// <summary>
/// Files most tests start from, made through the command line itself: <c>iris.csv</c> and <c>diabetes.csv</c> from
/// <c>datasets export</c>, and <c>iris.nlm</c> from <c>train --model logistic-regression</c>. One per test class.
/// </summary>
public sealed class CliFixture : IAsyncLifetime, IDisposable
{
    public static readonly string[] IrisFeatures = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    public static readonly string[] IrisClasses = ["setosa", "versicolor", "virginica"];

    private readonly TempDir _dir = new();

    public string Dir => _dir.Path;

    public string IrisCsv => _dir.File("iris.csv");

    public string DiabetesCsv => _dir.File("diabetes.csv");

    public string IrisModel => _dir.File("iris.nlm");

    public string DiabetesModel => _dir.File("diabetes.nlm");

    public async Task InitializeAsync()
    {
        await Expect.OkAsync("datasets", "export", "iris", "--out", IrisCsv);
        await Expect.OkAsync("datasets", "export", "diabetes", "--out", DiabetesCsv);
        await Expect.OkAsync("train", "--data", IrisCsv, "--target", "target", "--model", "logistic-regression", "--out", IrisModel);
        await Expect.OkAsync("train", "--data", DiabetesCsv, "--target", "target", "--model", "linear-regression", "--out", DiabetesModel);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Assertions shared by the tests.</summary>
public static class Expect
{
    /// <summary>Runs the command in-process and asserts it succeeded.</summary>
    public static async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.True(result.ExitCode == ExitCodes.Ok, $"netlearn {string.Join(' ', args)}\n{result}");
        return result;
    }

    /// <summary>Runs the command in-process with <c>--json</c> output and returns the single JSON object it printed.</summary>
    public static async Task<JsonObject> JsonAsync(params string[] args)
    {
        var result = await OkAsync(args);
        return SingleJsonObject(result.Stdout);
    }

    /// <summary>Asserts that stdout is exactly one JSON object (one line) and returns it.</summary>
    public static JsonObject SingleJsonObject(string stdout)
    {
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected exactly one line of JSON on stdout, got {lines.Length}:\n{stdout}");
        var node = JsonNode.Parse(lines[0]);
        return Assert.IsType<JsonObject>(node);
    }

    /// <summary>
    /// Asserts a bad-input failure: exit code 2, an <c>error:</c> message on stderr that mentions every one of
    /// <paramref name="mentions"/>, no stack trace, nothing on stdout.
    /// </summary>
    public static void BadInput(CliResult result, params string[] mentions)
    {
        Assert.True(result.ExitCode == ExitCodes.BadInput, $"expected exit code 2\n{result}");
        Assert.Contains("error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stdout.Trim().Length == 0, $"expected nothing on stdout\n{result}");
        foreach (string mention in mentions)
        {
            Assert.True(result.Stderr.Contains(mention, StringComparison.Ordinal), $"expected stderr to mention '{mention}'\n{result}");
        }
    }

    /// <summary>Asserts that no file (nor a leftover temporary file of an atomic write) exists at <paramref name="path"/>.</summary>
    public static void NoFile(string path)
    {
        Assert.False(File.Exists(path), $"{path} should not exist after a failed command");
        string folder = Path.GetDirectoryName(path)!;
        if (Directory.Exists(folder))
        {
            Assert.Empty(Directory.GetFiles(folder, $".{Path.GetFileName(path)}.*.tmp"));
        }
    }
}
