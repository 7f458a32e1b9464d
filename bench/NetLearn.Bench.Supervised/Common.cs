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

/// <summary>The benchmark data sets (written by make_data.py / prepare_real.py).</summary>
internal static class BenchData
{
    public static (Table Train, Table Test, string Target, bool Classification) Load(string task, string dir)
    {
        string name = task switch
        {
            "linear_regression" => "regression",
            "birdstrikes_hgb" => "birdstrikes",
            _ => "classification",
        };
        var train = Table.ReadCsv(Path.Combine(dir, name + "_train.csv"));
        var test = Table.ReadCsv(Path.Combine(dir, name + "_test.csv"));
        bool classification = name != "regression";
        if (classification && name == "classification")
        {
            // Integer labels as categories, so accuracy compares labels.
            train = train.With(Categorical(train["target"]));
            test = test.With(Categorical(test["target"]));
        }

        return (train, test, name == "birdstrikes" ? "Effect Amount of damage" : "target", classification);
    }

    private static Column Categorical(Column c) =>
        CategoricalColumn.FromValues(c.Name, [.. Enumerable.Range(0, c.Length).Select(c.FormatValue)]);
}
