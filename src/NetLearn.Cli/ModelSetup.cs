using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;

namespace NetLearn.Cli;

/// <summary>A catalog model with default preprocessing, and the labelled data it is evaluated on (for <c>cv</c> and <c>tune</c>).</summary>
/// <param name="Entry">The catalog entry.</param>
/// <param name="Pipeline">Default preprocessing (step <c>preprocess</c>) then the model (step <c>model</c>).</param>
/// <param name="Features">The usable feature columns.</param>
/// <param name="Target">The target (rows without one removed).</param>
/// <param name="DroppedRows">Rows removed because their target was missing.</param>
/// <param name="Ignored">Columns default preprocessing leaves out, with reasons.</param>
public sealed record PreparedModel(CatalogEntry Entry, Pipeline Pipeline, Table Features, Column Target, int DroppedRows, IReadOnlyList<(string Column, string Reason)> Ignored);

/// <summary>Builds models and data for the evaluation commands the same way <c>train</c> does.</summary>
public static class ModelSetup
{
    /// <summary>Applies <c>--set</c>, <c>--drop</c>, drops rows without a target and builds the default pipeline.</summary>
    public static PreparedModel Prepare(Table data, string dataName, string target, string model, IReadOnlyList<string> settings, IReadOnlyList<string> drop)
    {
        ArgumentNullException.ThrowIfNull(data);
        var entry = EstimatorCatalog.Get(model);
        var estimator = entry.Create();
        estimator = HyperparameterSettings.Apply(estimator, entry.Name, settings);

        if (drop.Count > 0)
        {
            data = data.Drop(drop);
        }

        var labelled = data.DropMissing(target);
        int dropped = data.RowCount - labelled.RowCount;
        var (features, y) = labelled.SplitTarget(target);
        var plan = DefaultPreprocessing.PlanFor(features, estimator);
        if (plan.Numeric.Count + plan.Categorical.Count == 0)
        {
            throw new DataValidationException($"No usable feature columns remain besides the target ({string.Join("; ", plan.Ignored.Select(i => $"'{i.Column}' {i.Reason}"))}). Add numeric or categorical columns", file: dataName);
        }

        features = features.Select([.. features.ColumnNames.Where(n => plan.Numeric.Contains(n) || plan.Categorical.Contains(n))]);
        var pipeline = new Pipeline(new Step("preprocess", DefaultPreprocessing.BuildFor(plan, estimator, entry.NeedsScaling)), new Step("model", estimator));
        return new PreparedModel(entry, pipeline, features, y, dropped, plan.Ignored);
    }

    /// <summary>The splitter of <c>--folds</c>, <c>--repeats</c> and <c>--seed</c>: shuffled, stratified for classification.</summary>
    public static ICrossValidator Splitter(ModelTask task, int folds, int repeats, int seed)
    {
        if (folds < 2)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--folds must be at least 2 (got {folds})."));
        }

        if (repeats < 1)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--repeats must be at least 1 (got {repeats})."));
        }

        bool classification = task == ModelTask.Classification;
        return repeats == 1
            ? (classification ? new StratifiedKFold(folds, true, seed) : new KFold(folds, true, seed))
            : (classification ? new RepeatedStratifiedKFold(folds, repeats, seed) : new RepeatedKFold(folds, repeats, seed));
    }

    /// <summary>Prints notes about ignored columns and dropped rows.</summary>
    public static void Notes(CliConsole console, PreparedModel prepared)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(prepared);
        foreach (var (column, reason) in prepared.Ignored)
        {
            console.Notice($"note: column '{column}' is not used: it {reason}. Use --drop to silence this.");
        }

        if (prepared.DroppedRows > 0)
        {
            console.Notice($"note: {prepared.DroppedRows} rows without a target value were left out.");
        }
    }

    /// <summary>A score summary as JSON: mean, std and the fold values.</summary>
    public static JsonObject SummaryJson(ScoreSummary summary, bool withFolds = true)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var json = new JsonObject { ["mean"] = summary.Mean, ["std"] = summary.Std };
        if (withFolds)
        {
            json["folds"] = new JsonArray([.. summary.Folds.Select(v => (JsonNode?)v)]);
        }

        return json;
    }

    /// <summary>A parameter's text value as JSON: a number, a boolean or a string.</summary>
    public static JsonNode? ValueJson(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is "true" or "false")
        {
            return value == "true";
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer))
        {
            return integer;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number) ? number : value;
    }
}
