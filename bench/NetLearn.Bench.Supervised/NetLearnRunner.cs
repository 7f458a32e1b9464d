using System.Diagnostics;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;

namespace NetLearn.Bench.Supervised;

/// <summary>Runs one benchmark case with NetLearn in this process.</summary>
internal static class NetLearnRunner
{
    public static Measurement Run(string task, string dataDir, int threads)
    {
        var (train, test, target, classification) = BenchData.Load(task, dataDir);
        var (x, y) = train.SplitTarget(target);
        var (xt, yt) = test.SplitTarget(target);
        IEstimator estimator = task switch
        {
            "random_forest" => new RandomForestClassifier(new RandomForestClassifierOptions { RandomState = 0, NJobs = threads }),
            "logistic_regression" => new LogisticRegression(),
            "linear_regression" => new LinearRegression(),
            _ => throw new ArgumentException($"unknown task {task}"),
        };

        var clock = Stopwatch.StartNew();
        var model = (IPredictor)estimator.FitModel(x, y);
        double fit = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var predicted = model.Predict(xt);
        double predict = clock.Elapsed.TotalSeconds;
        double score = classification ? ClassificationMetrics.Accuracy(yt, predicted) : RegressionMetrics.R2(yt, predicted);
        double? single = model is RandomForestClassifierModel forest ? SingleRowMicroseconds(forest, xt) : null;
        return new Measurement("NetLearn", task, threads, fit, predict, Memory.PeakMegabytes(), score, single);
    }

    private static double SingleRowMicroseconds(RandomForestClassifierModel forest, Table xt)
    {
        var rows = xt.ToMatrix();
        var proba = new double[forest.Classes.Length];
        for (int i = 0; i < 1000; i++)
        {
            forest.PredictProba(rows.Row(i % rows.Rows), proba);
        }

        const int count = 20_000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            forest.PredictProba(rows.Row(i % rows.Rows), proba);
        }

        return clock.Elapsed.TotalMicroseconds / count;
    }
}
