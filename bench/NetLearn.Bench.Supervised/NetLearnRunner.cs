using System.Diagnostics;
using NetLearn.Boosting;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;

namespace NetLearn.Bench.Supervised;

/// <summary>Runs one benchmark case with NetLearn in this process.</summary>
internal static class NetLearnRunner
{
    public static Measurement Run(string variant, string task, string dataDir, int threads)
    {
        var (train, test, target, classification) = BenchData.Load(task, dataDir);
        var (x, y) = train.SplitTarget(target);
        var (xt, yt) = test.SplitTarget(target);
        IEstimator estimator = task switch
        {
            "random_forest" => new RandomForestClassifier(new RandomForestClassifierOptions { RandomState = 0, NJobs = threads }),
            "hist_gradient_boosting" or "birdstrikes_hgb" => new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { EarlyStopping = false, RandomState = 0, NJobs = threads }),
            "logistic_regression" => new LogisticRegression(),
            "linear_regression" => new LinearRegression(),
            _ => throw new ArgumentException($"unknown task {task}"),
        };

        // One untimed fit on a small slice compiles the hot paths, as the peers' libraries are compiled ahead of time.
        estimator.FitModel(x.Take([.. Enumerable.Range(0, Math.Min(2000, x.RowCount))]), y.Take([.. Enumerable.Range(0, Math.Min(2000, x.RowCount))]));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = (IPredictor)estimator.FitModel(x, y);
        double fit = clock.Elapsed.TotalSeconds;
        double fitCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        clock.Restart();
        var predicted = model.Predict(xt);
        double predict = clock.Elapsed.TotalSeconds;
        double score = classification ? ClassificationMetrics.Accuracy(yt, predicted) : RegressionMetrics.R2(yt, predicted);
        double? single = model is RandomForestClassifierModel forest ? SingleRowMicroseconds(forest, xt) : null;
        return new Measurement("NetLearn" + variant, task, threads, fit, predict, Memory.PeakMegabytes(), score, single) { FitCpuSeconds = fitCpu };
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
