using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;

namespace NetLearn.Cli;

/// <summary>What <see cref="Training.Run"/> needs.</summary>
public sealed record TrainRequest
{
    /// <summary>The data (already loaded).</summary>
    public required Table Data { get; init; }

    /// <summary>A name for the data in messages and the manifest.</summary>
    public required string DataName { get; init; }

    /// <summary>The target column.</summary>
    public required string Target { get; init; }

    /// <summary>The catalog name of the model.</summary>
    public required string Model { get; init; }

    /// <summary>Hyperparameters as <c>key=value</c> texts.</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>Columns to leave out.</summary>
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Fraction held out for evaluation; 0 trains on every row.</summary>
    public double TestSize { get; init; } = 0.2;

    /// <summary>Seed of the split and of any randomness in the model.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>The result of a training run.</summary>
/// <param name="Model">The fitted pipeline.</param>
/// <param name="Entry">The catalog entry of the model.</param>
/// <param name="Metrics">Hold-out metrics (empty when nothing was held out).</param>
/// <param name="TrainRows">Rows fitted on.</param>
/// <param name="TestRows">Rows held out.</param>
/// <param name="FitSeconds">Seconds spent fitting.</param>
/// <param name="Ignored">Columns left out by default preprocessing, with reasons.</param>
/// <param name="DroppedRows">Rows dropped because their target was missing.</param>
/// <param name="Test">The held-out rows (features and target), if any.</param>
public sealed record TrainResult(PipelineModel Model, CatalogEntry Entry, SortedDictionary<string, double> Metrics, int TrainRows, int TestRows, double FitSeconds, IReadOnlyList<(string Column, string Reason)> Ignored, int DroppedRows, Table? Test)
{
    /// <summary>The JSON summary printed by <c>train --json</c>.</summary>
    public JsonObject ToJson(string? outPath)
    {
        var json = Summary(outPath);
        if (Model.Final is Deep.Estimators.ITrainedNetwork network)
        {
            json["history"] = network.History.ToJson(); // per-epoch loss and metrics of networks
        }

        return json;
    }

    private JsonObject Summary(string? outPath) => new()
    {
        ["model"] = Entry.Name,
        ["task"] = Entry.Task.ToString().ToLowerInvariant(),
        ["metrics"] = Training.MetricsJson(Metrics),
        ["train_rows"] = TrainRows,
        ["test_rows"] = TestRows,
        ["fit_seconds"] = Math.Round(FitSeconds, 4),
        ["dropped_rows"] = DroppedRows,
        ["ignored_columns"] = new JsonArray([.. Ignored.Select(i => (JsonNode?)i.Column)]),
        ["out"] = outPath,
    };
}

/// <summary>The train workflow shared by <c>netlearn train</c> and <c>netlearn quickstart</c>.</summary>
public static class Training
{
    /// <summary>
    /// Builds the default pipeline for the model, holds out <see cref="TrainRequest.TestSize"/> of the rows (stratified
    /// for classification), fits, and evaluates on the held-out rows.
    /// </summary>
    public static TrainResult Run(TrainRequest request, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = EstimatorCatalog.Get(request.Model);
        if (entry.Task is ModelTask.Clustering or ModelTask.Transform or ModelTask.AnomalyDetection)
        {
            string command = entry.Task switch { ModelTask.Clustering => "cluster", ModelTask.Transform => "embed", _ => "detect" };
            throw new UsageException($"'{entry.Name}' is unsupervised; run 'netlearn {command} --data FILE --model {entry.Name} --out FILE' instead.");
        }

        var estimator = entry.Create();
        estimator = HyperparameterSettings.Apply(estimator, entry.Name, request.Settings);

        if (request.TestSize is < 0 or >= 1 || double.IsNaN(request.TestSize))
        {
            throw new UsageException(FormattableString.Invariant($"--test-size must be at least 0 and below 1 (got {request.TestSize}); 0 trains on every row."));
        }

        var data = request.Data;
        if (request.Drop.Count > 0)
        {
            data = data.Drop(request.Drop);
        }

        var labelled = data.DropMissing(request.Target);
        int droppedRows = data.RowCount - labelled.RowCount;
        data = labelled;

        var (features, y) = data.SplitTarget(request.Target);
        var plan = DefaultPreprocessing.PlanFor(features, estimator);
        if (plan.Numeric.Count + plan.Categorical.Count == 0)
        {
            throw new DataValidationException($"No usable feature columns remain besides the target ({string.Join("; ", plan.Ignored.Select(i => $"'{i.Column}' {i.Reason}"))}). Add numeric or categorical columns", file: request.DataName);
        }

        features = features.Select([.. features.ColumnNames.Where(n => plan.Numeric.Contains(n) || plan.Categorical.Contains(n))]);
        Table trainX = features, testX = features.Take([]);
        Column trainY = y, testY = y.Take([]);
        if (request.TestSize > 0)
        {
            var split = TrainTestSplit.Split(features, y, request.TestSize, request.Seed, stratify: entry.Task == ModelTask.Classification);
            (trainX, testX, trainY, testY) = (split.XTrain, split.XTest, split.YTrain, split.YTest);
        }

        var pipeline = new Pipeline(new Step("preprocess", DefaultPreprocessing.BuildFor(plan, estimator, entry.NeedsScaling)), new Step("model", estimator));
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(trainX, trainY, new FitContext { Progress = progress, CancellationToken = cancellationToken });
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = testX.RowCount > 0 ? ModelEvaluation.Evaluate(model, testX, testY) : new SortedDictionary<string, double>(StringComparer.Ordinal);
        return new TrainResult(model, entry, metrics, trainX.RowCount, testX.RowCount, seconds, plan.Ignored, droppedRows, testX.RowCount > 0 ? testX.With(testY) : null);
    }

    /// <summary>Saves the trained model with its training metadata.</summary>
    public static void Save(TrainResult result, TrainRequest request, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        ModelFile.Save(path, result.Model, new TrainingInfo
        {
            Estimator = result.Entry.Name,
            Rows = result.TrainRows,
            TestRows = result.TestRows,
            FitSeconds = result.FitSeconds,
            Seed = request.Seed,
            Target = request.Target,
            Data = Path.GetFileName(request.DataName),
            Metrics = result.Metrics,
        });
    }

    /// <summary>Metrics as the JSON object <c>--json</c> prints.</summary>
    public static JsonObject MetricsJson(IEnumerable<KeyValuePair<string, double>> metrics) =>
        new([.. metrics.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]);

    /// <summary>Formats a metric for people.</summary>
    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
