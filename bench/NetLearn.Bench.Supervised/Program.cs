// Supervised side-by-side benchmark: NetLearn, scikit-learn, XGBoost and ML.NET on the same data, in one run.
//
//   /work/bin/bench dotnet bench/NetLearn.Bench.Supervised/bin/Release/net10.0/NetLearn.Bench.Supervised.dll all [DATA_DIR] [TASK ...]
//     TASK: random_forest hist_gradient_boosting logistic_regression linear_regression birdstrikes_hgb hgb_regression
//           birdstrikes_hgb_regression (default: all)
//   dotnet bench/NetLearn.Bench.Supervised/bin/Release/net10.0/NetLearn.Bench.Supervised.dll splits [DATA_DIR] [K] [THREADS] [SIDE ...]
//
// "splits" compares accuracy on bird strikes over K stratified random 80/20 splits (RepeatedSplits; no timings, so it
// needs no quiet machine); SIDE is an index into RepeatedSplits.Sides or an ad-hoc KIND|ARG (default: all); differences
// are taken against the first side. "splits-regression" does the same for R² of the bird-strike speed
// (RepeatedSplits.RegressionSides).
//
// Every case runs in a fresh process (so peak memory is per case) with the same thread count for every library.
// Internal modes: netlearn TASK DATA_DIR THREADS [VARIANT] | mlnet TRAINER TASK DATA_DIR THREADS.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetLearn.Bench.Supervised;

if (args.Length >= 4 && args[0] == "netlearn")
{
    Console.WriteLine(NetLearnRunner.Run(args.Length > 4 ? args[4] : string.Empty, args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)).ToJson());
    return 0;
}

if (args.Length >= 5 && args[0] == "mlnet")
{
    Console.WriteLine(MlNetRunner.Run(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)).ToJson());
    return 0;
}

if (args.Length >= 1 && args[0] == "all")
{
    string dataDir = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "netlearn-bench-data");
    string[] tasks = args.Length > 2 ? args[2..] : ["random_forest", "hist_gradient_boosting", "logistic_regression", "linear_regression", "birdstrikes_hgb", "hgb_regression", "birdstrikes_hgb_regression"];
    Harness.PrepareData(dataDir, tasks);
    var results = new List<Measurement>();
    // NETLEARN_BENCH_THREADS=1 (or 2) runs one thread count only, e.g. to keep each quiet-machine invocation short.
    int[] threadCounts = Environment.GetEnvironmentVariable("NETLEARN_BENCH_THREADS") is { Length: > 0 } only
        ? [.. only.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture))]
        : [1, 2];
    foreach (int threads in threadCounts)
    {
        foreach (string task in tasks)
        {
            foreach (var (kind, arg) in Harness.Sides(task))
            {
                var m = Harness.Run(kind, arg, task, dataDir, threads);
                if (m is not null)
                {
                    results.Add(m);
                    Console.Error.WriteLine(m.ToJson());
                }
            }
        }
    }

    Console.WriteLine(Harness.Table(results));
    return 0;
}

if (args.Length >= 1 && args[0] is "splits" or "splits-regression")
{
    bool regression = args[0] == "splits-regression";
    string dataDir = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "netlearn-bench-data");
    int splits = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
    int threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
    var sides = RepeatedSplits.Parse([.. args.Skip(4)], regression);
    return RepeatedSplits.Run(dataDir, splits, threads, sides, regression);
}

Console.Error.WriteLine("usage: all [DATA_DIR] [TASK ...] | splits[-regression] [DATA_DIR] [K] [THREADS] [SIDE ...] | netlearn TASK DATA_DIR THREADS [VARIANT] | mlnet TRAINER TASK DATA_DIR THREADS");
return 2;

/// <summary>Starts the sides and formats the table.</summary>
internal static class Harness
{
    public static IEnumerable<(string Kind, string Arg)> Sides(string task)
    {
        yield return ("netlearn", string.Empty);
        if (task == "random_forest")
        {
            // NetLearn's defaults (histogram splitter) and scikit-learn's algorithm (max_bins=null, max_samples=null).
            yield return ("netlearn", "exact");
        }

        yield return ("python", "sklearn");
        switch (task)
        {
            case "random_forest":
                yield return ("mlnet", "fastforest");
                yield return ("python", "xgboost");
                break;
            case "hist_gradient_boosting" or "hgb_regression" or "birdstrikes_hgb_regression":
                yield return ("mlnet", "lightgbm");
                yield return ("mlnet", "fasttree");
                yield return ("python", "xgboost");
                break;
            case "logistic_regression":
                yield return ("mlnet", "lbfgs");
                break;
            case "birdstrikes_hgb":
                yield return ("mlnet", "lightgbm");
                yield return ("python", "xgboost");
                break;
        }
    }

    public static void PrepareData(string dir, string[] tasks)
    {
        Directory.CreateDirectory(dir);
        var wanted = new List<string>();
        if (tasks.Any(t => t is "random_forest" or "hist_gradient_boosting" or "logistic_regression") && !File.Exists(Path.Combine(dir, "classification_test.csv")))
        {
            wanted.Add("classification");
        }

        if (tasks.Contains("linear_regression") && !File.Exists(Path.Combine(dir, "regression_test.csv")))
        {
            wanted.Add("regression");
        }

        if (tasks.Contains("hgb_regression") && !File.Exists(Path.Combine(dir, "hgb_regression_test.csv")))
        {
            wanted.Add("hgb_regression");
        }

        if (wanted.Count > 0)
        {
            Exec("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "make_data.py"), dir, .. wanted], []);
        }

        // The real data set: FAA bird strikes (vega-datasets; U.S. Government work), already split in the repository.
        string parity = Path.Combine(RepositoryRoot(), "tests", "NetLearn.Cli.Tests", "Parity");
        foreach (string part in new[] { "train", "test" })
        {
            File.Copy(Path.Combine(parity, $"birdstrikes_{part}.csv"), Path.Combine(dir, $"birdstrikes_{part}.csv"), overwrite: true);
            WithoutMissing(Path.Combine(parity, $"birdstrikes_{part}.csv"), BenchData.BirdSpeed, Path.Combine(dir, $"birdstrikes_regression_{part}.csv"));
        }
    }

    /// <summary>
    /// Copies the CSV lines of <paramref name="source"/> whose <paramref name="target"/> is present (the regression
    /// sides all read this one file, so they see the same rows).
    /// </summary>
    private static void WithoutMissing(string source, string target, string destination)
    {
        string[] lines = File.ReadAllLines(source);
        var column = (NetLearn.Data.NumericColumn)NetLearn.Data.Table.ReadCsv(source)[target];
        if (column.Length != lines.Length - 1)
        {
            throw new InvalidOperationException($"{source}: {column.Length} rows read from {lines.Length - 1} lines; a field spans lines, so lines cannot be copied");
        }

        File.WriteAllLines(destination, [lines[0], .. Enumerable.Range(0, column.Length).Where(i => !double.IsNaN(column[i])).Select(i => lines[i + 1])]);
    }

    public static Measurement? Run(string kind, string arg, string task, string dataDir, int threads)
    {
        string t = threads.ToString(CultureInfo.InvariantCulture);
        string self = Path.Combine(AppContext.BaseDirectory, "NetLearn.Bench.Supervised.dll");
        var env = new Dictionary<string, string>
        {
            ["OMP_NUM_THREADS"] = t,
            ["OPENBLAS_NUM_THREADS"] = t,
            ["MKL_NUM_THREADS"] = t,
            ["DOTNET_PROCESSOR_COUNT"] = t,
        };
        string output = kind switch
        {
            "netlearn" => Exec("dotnet", [self, "netlearn", task, dataDir, t, arg], env),
            "mlnet" => Exec("dotnet", [self, "mlnet", arg, task, dataDir, t], env),
            _ => Exec("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "peer.py"), arg, task, dataDir, t], env),
        };
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : Measurement.FromJson(line);
    }

    public static string Table(List<Measurement> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| task | threads | library | fit s (wall) | fit s (CPU) | predict s | peak MB | accuracy / R² | NetLearn fit ratio (wall) | NetLearn fit ratio (CPU) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => (r.Task, r.Threads)))
        {
            var ours = group.FirstOrDefault(r => r.Library == "NetLearn");
            foreach (var r in group)
            {
                string ratio = ours is null || r == ours ? "" : (ours.FitSeconds / r.FitSeconds).ToString("0.00", CultureInfo.InvariantCulture) + "x";
                string ratioCpu = ours is null || r == ours || r.FitCpuSeconds <= 0 ? "" : (ours.FitCpuSeconds / r.FitCpuSeconds).ToString("0.00", CultureInfo.InvariantCulture) + "x";
                string single = r.SingleRowMicroseconds is { } us ? FormattableString.Invariant($" (1 row: {us:0.0} µs{r.Extra})") : "";
                text.AppendLine(FormattableString.Invariant(
                    $"| {r.Task} | {r.Threads} | {r.Library} | {r.FitSeconds:0.000} | {r.FitCpuSeconds:0.000} | {r.PredictSeconds:0.000}{single} | {r.PeakMegabytes:0} | {r.Score:0.0000} | {ratio} | {ratioCpu} |"));
            }
        }

        return text.ToString();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetLearn.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    private static string Exec(string file, string[] arguments, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return output;
    }
}
