using System.Text.Json;
using NetLearn.Cli;
using Xunit;

namespace NetLearn.Cli.Tests;

/// <summary>
/// `netlearn train` then `evaluate` on real CSVs nobody here wrote (vega-datasets), against scikit-learn 1.2 with the
/// same preprocessing and split (tests/reference/make_cli_parity.py → Parity/parity.json): within 1 percentage point.
/// </summary>
public sealed class ParityTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netlearn-parity-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("penguins", "logistic-regression")]
    [InlineData("birdstrikes", "logistic-regression")]
    [InlineData("seattle_weather", "linear-regression")]
    public async Task CliMatchesScikitLearn(string task, string model)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Parity");
        using var parity = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "parity.json")));
        var expected = parity.RootElement.GetProperty("tasks").GetProperty(task);
        string target = expected.GetProperty("target").GetString()!;
        string modelPath = Path.Combine(_dir.FullName, $"{task}.nlm");

        var (code, _, stderr) = await Run("train", "--data", Path.Combine(folder, $"{task}_train.csv"), "--target", target, "--model", model, "--test-size", "0", "--set", model == "logistic-regression" ? "max_iter=1000" : "fit_intercept=true", "--out", modelPath, "--json");
        Assert.True(code == 0, stderr);
        var (evalCode, stdout, evalError) = await Run("evaluate", "--model", modelPath, "--data", Path.Combine(folder, $"{task}_test.csv"), "--target", target, "--json");
        Assert.True(evalCode == 0, evalError);

        var metrics = JsonDocument.Parse(stdout).RootElement.GetProperty("metrics");
        foreach (var metric in expected.GetProperty("metrics").EnumerateObject())
        {
            double ours = metrics.GetProperty(metric.Name).GetDouble(), theirs = metric.Value.GetDouble();
            double tolerance = metric.Name is "mse" or "mae" ? 0.01 * Math.Abs(theirs) : 0.01;
            Assert.True(Math.Abs(ours - theirs) <= tolerance, $"{task} {metric.Name}: NetLearn {ours}, scikit-learn {theirs}");
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
