using System.Globalization;
using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Bench.Supervised;

/// <summary>One side's result on one case.</summary>
internal sealed record Measurement(string Library, string Task, int Threads, double FitSeconds, double PredictSeconds, double PeakMegabytes, double Score, double? SingleRowMicroseconds = null)
{
    /// <summary>Processor time of the fit (all threads); on a loaded machine it is steadier than wall time.</summary>
    public double FitCpuSeconds { get; init; }

    /// <summary>Extra per-case detail: the forest's batch prediction cost per row (printed after the single-row latency), otherwise the effective hyperparameters.</summary>
    public string? Extra { get; init; }

    /// <summary>Mean log loss on the test part (bird strikes only): the classifiers' probabilities, not just their argmax.</summary>
    public double? LogLoss { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static Measurement FromJson(string json) => JsonSerializer.Deserialize<Measurement>(json)!;
}

/// <summary>Peak resident memory of this process.</summary>
internal static class Memory
{
    public static double PeakMegabytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }
}

/// <summary>The benchmark data sets (written by make_data.py and <c>Harness.PrepareData</c>).</summary>
internal static class BenchData
{
    /// <summary>The bird-strikes regression target (its rows with a missing speed are dropped by <c>Harness.PrepareData</c>).</summary>
    public const string BirdSpeed = "Speed IAS in knots";

    /// <summary>The bird-strikes classification target.</summary>
    public const string BirdDamage = "Effect Amount of damage";

    /// <summary>The file stem (DATA_DIR/STEM_train.csv, STEM_test.csv), target column and kind of a task.</summary>
    public static (string Name, string Target, bool Classification) Describe(string task) => task switch
    {
        "linear_regression" => ("regression", "target", false),
        "hgb_regression" => ("hgb_regression", "target", false),
        "birdstrikes_hgb" => ("birdstrikes", BirdDamage, true),
        "birdstrikes_hgb_regression" => ("birdstrikes_regression", BirdSpeed, false),
        _ => ("classification", "target", true),
    };

    public static (Table Train, Table Test, string Target, bool Classification) Load(string task, string dir)
    {
        var (name, target, classification) = Describe(task);
        var train = Table.ReadCsv(Path.Combine(dir, name + "_train.csv"));
        var test = Table.ReadCsv(Path.Combine(dir, name + "_test.csv"));
        if (name == "classification")
        {
            // Integer labels as categories, so accuracy compares labels.
            train = train.With(Categorical(train["target"]));
            test = test.With(Categorical(test["target"]));
        }

        return (train, test, target, classification);
    }

    private static Column Categorical(Column c) =>
        CategoricalColumn.FromValues(c.Name, [.. Enumerable.Range(0, c.Length).Select(c.FormatValue)]);
}
