using System.Diagnostics;
using NetLearn.Boosting;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Preprocessing;

namespace NetLearn.Bench.Supervised;

/// <summary>Runs one benchmark case with NetLearn in this process.</summary>
internal static class NetLearnRunner
{
    public static Measurement Run(string variant, string task, string dataDir, int threads)
    {
        var (train, test, target, classification) = BenchData.Load(task, dataDir);
        var (x, y) = train.SplitTarget(target);
        var (xt, yt) = test.SplitTarget(target);
        if (variant.StartsWith("onehot", StringComparison.Ordinal))
        {
            // The input ML.NET's LightGBM gets: categories one-hot encoded (unknown → all zeros), numbers as they are;
            // "onehot:key=value,..." sets hyperparameters too.
            string extra = variant.Length > "onehot:".Length ? "," + variant["onehot:".Length..] : string.Empty;
            (x, xt) = OneHot(x, xt);
            variant = "set:categorical_features=[]" + extra;
        }

        IEstimator estimator = task switch
        {
            "random_forest" => new RandomForestClassifier(variant == "exact"
                ? new RandomForestClassifierOptions { RandomState = 0, NJobs = threads, MaxBins = null, MaxSamples = null }
                : new RandomForestClassifierOptions { RandomState = 0, NJobs = threads }),
            "hist_gradient_boosting" or "birdstrikes_hgb" => new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { EarlyStopping = false, RandomState = 0, NJobs = threads }),
            "hgb_regression" or "birdstrikes_hgb_regression" => new HistGradientBoostingRegressor(new HistGradientBoostingRegressorOptions { EarlyStopping = false, RandomState = 0, NJobs = threads }),
            "logistic_regression" => new LogisticRegression(),
            "linear_regression" => new LinearRegression(),
            _ => throw new ArgumentException($"unknown task {task}"),
        };

        // "set:key=value,key=value" tries other hyperparameters (for experiments; the table rows use "" and "exact").
        if (variant.StartsWith("set:", StringComparison.Ordinal))
        {
            foreach (string pair in variant[4..].Split(','))
            {
                estimator = estimator.WithParameter(pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            }
        }

        // One untimed fit on a small slice, and a prediction with it, compile the hot paths, as the peers' libraries are
        // compiled ahead of time.
        var warm = (IPredictor)estimator.FitModel(x.Take([.. Enumerable.Range(0, Math.Min(2000, x.RowCount))]), y.Take([.. Enumerable.Range(0, Math.Min(2000, x.RowCount))]));
        warm.Predict(xt.Take([.. Enumerable.Range(0, Math.Min(2000, xt.RowCount))]));
        // NETLEARN_BENCH_REPEAT=n fits n times and keeps the fastest (for A/B checks of a change on a noisy machine;
        // the table's rows use one fit, as the peers get).
        int repeat = int.TryParse(Environment.GetEnvironmentVariable("NETLEARN_BENCH_REPEAT"), out int r) && r > 1 ? r : 1;
        IPredictor model = null!;
        double fit = double.PositiveInfinity, fitCpu = double.PositiveInfinity;
        for (int run = 0; run < repeat; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            model = (IPredictor)estimator.FitModel(x, y);
            fit = Math.Min(fit, clock.Elapsed.TotalSeconds);
            fitCpu = Math.Min(fitCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        // NETLEARN_BENCH_SAVE=path keeps the fitted model, to check that a speed change leaves the trees identical.
        if (Environment.GetEnvironmentVariable("NETLEARN_BENCH_SAVE") is { Length: > 0 } savePath)
        {
            ModelFile.Save(savePath, (IModel)model);
        }

        var predictClock = Stopwatch.StartNew();
        var predicted = model.Predict(xt);
        double predict = predictClock.Elapsed.TotalSeconds;
        double score = classification ? ClassificationMetrics.Accuracy(yt, predicted) : RegressionMetrics.R2(yt, predicted);
        double? single = model is RandomForestClassifierModel forest ? SingleRowMicroseconds(forest, xt) : null;
        string? batch = model is RandomForestClassifierModel f ? BatchMicrosecondsPerRow(f, xt) : null;
        string library = variant.Length == 0 ? "NetLearn" : $"NetLearn ({variant})";
        double? logLoss = task == "birdstrikes_hgb" && model is IClassifier classifier ? ClassificationMetrics.LogLoss(yt, classifier.PredictProba(xt), classifier.Classes) : null;
        string rmse = classification ? "" : FormattableString.Invariant($"rmse={RegressionMetrics.RootMeanSquaredError(yt, predicted):0.####}; ");
        return new Measurement(library, task, threads, fit, predict, Memory.PeakMegabytes(), score, single) { FitCpuSeconds = fitCpu, Extra = batch ?? rmse + estimator.Options.ToJson().ToJsonString(), LogLoss = logLoss };
    }

    /// <summary>One-hot encodes the non-numeric columns (fitted on the training part); the numeric ones are kept.</summary>
    private static (Table Train, Table Test) OneHot(Table x, Table xt)
    {
        string[] categorical = [.. x.Columns.Where(c => c.Kind != ColumnKind.Numeric).Select(c => c.Name)];
        var encoder = new OneHotEncoder(new OneHotEncoderOptions { HandleUnknown = HandleUnknown.Ignore }).Fit(x.Select(categorical));
        Table Encode(Table t)
        {
            var encoded = encoder.Transform(t.Select(categorical));
            var result = t.Drop(categorical);
            foreach (var column in encoded.Columns)
            {
                result = result.With(column);
            }

            return result;
        }

        return (Encode(x), Encode(xt));
    }

    /// <summary>Batch Predict cost per row at 200, 2,000 and 20,000 rows (median of 5 runs each): flat when linear in rows.</summary>
    private static string BatchMicrosecondsPerRow(RandomForestClassifierModel forest, Table xt)
    {
        var parts = new List<string>();
        foreach (int rows in new[] { 200, 2000, xt.RowCount })
        {
            var slice = xt.Take([.. Enumerable.Range(0, rows)]);
            forest.Predict(slice);
            var runs = new List<double>();
            for (int r = 0; r < 5; r++)
            {
                var clock = Stopwatch.StartNew();
                forest.Predict(slice);
                runs.Add(clock.Elapsed.TotalMicroseconds / rows);
            }

            runs.Sort();
            parts.Add(FormattableString.Invariant($"{rows}: {runs[2]:0.0}"));
        }

        return "; batch µs/row " + string.Join(", ", parts);
    }

    private static double SingleRowMicroseconds(RandomForestClassifierModel forest, Table xt)
    {
        var rows = xt.ToMatrix();
        var proba = new double[forest.Classes.Length];
        for (int i = 0; i < 2000; i++)
        {
            forest.PredictProba(rows.Row(i % rows.Rows), proba);
        }

        // The median of 20 batches of 1,000 single-row calls (the machine is shared; the median resists preemption).
        var batches = new List<double>();
        for (int b = 0; b < 20; b++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++)
            {
                forest.PredictProba(rows.Row(((b * 1000) + i) % rows.Rows), proba);
            }

            batches.Add(clock.Elapsed.TotalMicroseconds / 1000);
        }

        batches.Sort();
        return batches[batches.Count / 2];
    }
}
