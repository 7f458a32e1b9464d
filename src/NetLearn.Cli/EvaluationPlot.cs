using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Plotting;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli;

/// <summary>The <c>--plot FILE</c> side of commands: which chart fits a model, and checks on the file name.</summary>
public static class EvaluationPlot
{
    /// <summary>Refuses a plot path whose extension is not .png or .svg, or whose folder does not exist, before any work is done.</summary>
    public static void CheckPath(string? path)
    {
        if (path is null)
        {
            return;
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new UsageException($"--plot '{path}': give a file name ending in .png or .svg.");
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UsageException($"--plot '{path}': the folder '{folder}' does not exist. Create it first.");
        }
    }

    /// <summary>Draws a confusion matrix (classifiers) or predicted against actual values (regressors) and saves it atomically.</summary>
    public static void Save(IPredictor model, Table features, Column target, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        Chart chart = model.Task switch
        {
            ModelTask.Classification => Plot.ConfusionMatrix(target, model.Predict(features)),
            ModelTask.Regression => Plot.PredictedVsActual(target, model.Predict(features)),
            _ => throw new UsageException($"--plot draws classifiers and regressors; this model's task is {model.Task.ToString().ToLowerInvariant()}."),
        };
        chart.Title(model.Task == ModelTask.Classification
            ? FormattableString.Invariant($"Confusion matrix ({target.Length} rows)")
            : FormattableString.Invariant($"Predicted vs actual {target.Name} ({target.Length} rows)"));
        chart.Save(path);
    }
}
