using System.Diagnostics;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Pipelines;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary>What <c>cluster</c> and <c>embed</c> share: reading the data, default preprocessing, building the estimator from --set, fitting.</summary>
internal sealed record UnsupervisedRun(CatalogEntry Entry, PipelineModel Pipeline, Table Features, Table Transformed, Column? Target, double FitSeconds, int Rows)
{
    /// <summary>The fitted unsupervised model (the pipeline's last step).</summary>
    public IModel Model => Pipeline.Final;

    /// <summary>
    /// Loads <paramref name="dataPath"/>, leaves out <paramref name="drop"/> and the target, preprocesses (mean/most-frequent
    /// imputation, one-hot; standardisation with <paramref name="scale"/>), and fits the named estimator with its settings.
    /// <c>random_state</c> defaults to <paramref name="seed"/>.
    /// </summary>
    public static UnsupervisedRun Fit(CliConsole console, string dataPath, string modelName, IReadOnlyList<string> settings, IReadOnlyList<string> drop, string? target, bool scale, int seed, ModelTask[] tasks, string command)
    {
        var entry = EstimatorCatalog.Get(modelName);
        var allowed = EstimatorCatalog.All.Where(e => tasks.Contains(e.Task)).Select(e => e.Name).ToList();
        if (!tasks.Contains(entry.Task) || (command == "embed" && !allowed.Contains(entry.Name)))
        {
            throw new UsageException($"'{modelName}' is not a model for 'netlearn {command}'. Use one of: {string.Join(", ", allowed)}");
        }

        var estimator = entry.Create();
        bool seedSet = settings.Any(s => s.Split('=')[0].Trim() == "random_state");
        estimator = HyperparameterSettings.Apply(estimator, entry.Name, settings);

        if (!seedSet && estimator.Options.ParameterNames.Contains("random_state"))
        {
            estimator = estimator.WithParameter("random_state", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var data = Table.Load(dataPath);
        if (drop.Count > 0)
        {
            data = data.Drop(drop);
        }

        Column? truth = null;
        var features = data;
        if (target is not null)
        {
            truth = data[target];
            features = data.Drop([target]);
        }

        var plan = DefaultPreprocessing.PlanFor(features);
        foreach (var (column, reason) in plan.Ignored)
        {
            console.Notice($"note: column '{column}' is not used: it {reason}. Use --drop to silence this.");
        }

        if (plan.Numeric.Count + plan.Categorical.Count == 0)
        {
            throw new DataValidationException("No usable feature columns (numeric or categorical) in the data", file: dataPath);
        }

        features = features.Select([.. features.ColumnNames.Where(n => plan.Numeric.Contains(n) || plan.Categorical.Contains(n))]);
        var pipeline = new Pipeline(new Step("preprocess", DefaultPreprocessing.Build(plan, scale)), new Step("model", estimator));
        var clock = Stopwatch.StartNew();
        var fitted = console.WithProgress($"Fitting {entry.Name}", progress => pipeline.Fit(features, null, new FitContext { Progress = progress }));
        double seconds = clock.Elapsed.TotalSeconds;
        var transformed = ((ITransformerModel)fitted.Steps[0].Model).Transform(features);
        return new UnsupervisedRun(entry, fitted, features, transformed, truth, seconds, features.RowCount);
    }
}

/// <summary>Seeded row samples for the O(n²) measures and plots of <c>cluster</c> and <c>embed</c>.</summary>
internal static class RowSample
{
    /// <summary>All row indices when <paramref name="rows"/> ≤ <paramref name="size"/>, else a seeded sample of that size in row order.</summary>
    public static int[] Of(int rows, int size, int seed)
    {
        if (rows <= size)
        {
            return [.. Enumerable.Range(0, rows)];
        }

        var rng = new Random(seed);
        return [.. Enumerable.Range(0, rows).OrderBy(_ => rng.Next()).Take(size).Order()];
    }
}

