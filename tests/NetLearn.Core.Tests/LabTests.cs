using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using Xunit;

namespace NetLearn.Core.Tests;

/// <summary>The README's "seed lab" runs exactly as printed there.</summary>
public sealed class LabTests : IDisposable
{
    private readonly string _previous = Directory.GetCurrentDirectory();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netlearn-lab-");

    public LabTests()
    {
        Dataset.Load("diabetes").WriteCsv(Path.Combine(_dir.FullName, "data.csv"));
        Directory.SetCurrentDirectory(_dir.FullName);
    }

    public void Dispose()
    {
        Directory.SetCurrentDirectory(_previous);
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void ReadmeLabRuns()
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            // --- begin README lab (keep identical to README.md) ---
            var data = Table.ReadCsv("data.csv");
            var (X, y) = data.SplitTarget("target");
            var split = TrainTestSplit.Split(X, y, testSize: 0.2, seed: 42);
            var model = new LinearRegression().Fit(split.XTrain, split.YTrain);
            Console.WriteLine(RegressionMetrics.MeanSquaredError(split.YTest, model.Predict(split.XTest)));
            // --- end README lab ---
        }
        finally
        {
            Console.SetOut(console);
        }

        double mse = double.Parse(output.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mse, 2000, 4500); // The diabetes target's variance is ~5900; OLS explains about half of it.
    }
}
