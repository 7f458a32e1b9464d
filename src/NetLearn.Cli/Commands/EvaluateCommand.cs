using System.CommandLine;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn evaluate</c>: score a saved model on labelled data.</summary>
public static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "The model file (.nlm).", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled data: CSV, Parquet or Arrow; a folder of images with one sub-folder per class; or an IDX images file.", Required = true };
        var target = new Option<string>("--target") { Description = "The column with the true values (not needed for image folders and IDX files)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the evaluation (.png or .svg): a confusion matrix for classifiers, predicted vs actual for regressors." };
        var command = new Command("evaluate", "Score a saved model on labelled data.") { model, data, target, json, plot };
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string? plotPath = parse.GetValue(plot);
            EvaluationPlot.CheckPath(plotPath);
            var (loaded, manifest) = ModelFile.LoadWithManifest(modelPath);
            var fitted = loaded as IPredictor
                ?? throw new UsageException("The model is a transformer and makes no predictions.");
            var (all, defaultTarget) = DataSources.Load(parse.GetValue(data)!, loaded);
            string targetName = parse.GetValue(target) ?? defaultTarget ?? throw new UsageException("--target is required: name the column with the true values.");
            var table = all.DropMissing(targetName);
            if (table.RowCount < all.RowCount)
            {
                console.Notice($"note: {all.RowCount - table.RowCount} rows without a target value were left out.");
            }

            var metrics = ModelEvaluation.Evaluate(fitted, table, table[targetName]);
            if (plotPath is not null)
            {
                EvaluationPlot.Save(fitted, table, table[targetName], plotPath);
                console.Notice($"Plot: {Path.GetFullPath(plotPath)}");
            }
            if (parse.GetValue(json))
            {
                console.WriteJson(new JsonObject
                {
                    ["model"] = manifest.Training["estimator"]?.GetValue<string>() ?? manifest.ModelKind,
                    ["task"] = fitted.Task.ToString().ToLowerInvariant(),
                    ["metrics"] = Training.MetricsJson(metrics),
                    ["test_rows"] = table.RowCount,
                });
                return ExitCodes.Ok;
            }

            var report = new Spectre.Console.Table().AddColumn("metric").AddColumn($"{table.RowCount} rows");
            foreach (var (name, value) in metrics)
            {
                report.AddRow(name, Training.Format(value));
            }

            console.Human.Write(report);
            return ExitCodes.Ok;
        });
        return command;
    }
}
