using System.CommandLine;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Plotting;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn cv</c>: cross-validate a model with default preprocessing.</summary>
public static class CvCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "Labelled data: CSV, Parquet or Arrow.", Required = true };
        var target = new Option<string>("--target") { Description = "The column to predict.", Required = true };
        var model = new Option<string>("--model") { Description = $"Model name: {string.Join(", ", EstimatorCatalog.All.Select(e => e.Name))}.", Required = true };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter as key=value; repeatable." };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out; repeatable." };
        var folds = new Option<int>("--folds") { Description = "Number of folds (stratified for classification).", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeat the K folds with different shuffles.", DefaultValueFactory = _ => 1 };
        var scoring = new Option<string>("--scoring") { Description = "Comma-separated scikit-learn scorer names (accuracy, f1_macro, roc_auc_ovr, neg_mean_squared_error, r2, ...). Default: accuracy or r2." };
        var seed = new Option<int>("--seed") { Description = "Seed of the fold shuffle.", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the per-fold test scores as box plots, one per scorer (.png or .svg)." };
        var command = new Command("cv", "Cross-validate a model: fit and score it on K folds, each with preprocessing fitted on its own training rows.")
        {
            data, target, model, set, drop, folds, repeats, scoring, seed, json, plot,
        };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            string? plotPath = parse.GetValue(plot);
            EvaluationPlot.CheckPath(plotPath);
            var prepared = ModelSetup.Prepare(Table.Load(dataPath), dataPath, parse.GetValue(target)!, parse.GetValue(model)!, parse.GetValue(set) ?? [], parse.GetValue(drop) ?? []);
            ModelSetup.Notes(console, prepared);
            var task = prepared.Entry.Task;
            var scorers = Scorers.Parse(parse.GetValue(scoring), task);
            var cv = ModelSetup.Splitter(task, parse.GetValue(folds), parse.GetValue(repeats), parse.GetValue(seed));
            var result = CrossValidation.CrossValidate(prepared.Pipeline, prepared.Features, prepared.Target, new CrossValidationOptions { Cv = cv, Scoring = scorers });
            if (plotPath is not null)
            {
                var foldScores = new NumericColumn("test score", [.. scorers.SelectMany(s => result.TestScore(s.Name).Folds)]);
                var scorerNames = Column.Create("scorer", [.. scorers.SelectMany(s => Enumerable.Repeat(s.Name, result.Folds.Count))]);
                Plot.Box(foldScores, scorerNames)
                    .Title(FormattableString.Invariant($"{prepared.Entry.Name}: test scores over {result.Folds.Count} folds"))
                    .Save(plotPath);
                console.Notice($"Plot: {Path.GetFullPath(plotPath)}");
            }
            if (parse.GetValue(json))
            {
                var scores = new JsonObject();
                foreach (var scorer in scorers)
                {
                    scores[scorer.Name] = ModelSetup.SummaryJson(result.TestScore(scorer.Name));
                }

                console.WriteJson(new JsonObject
                {
                    ["model"] = prepared.Entry.Name,
                    ["task"] = task.ToString().ToLowerInvariant(),
                    ["folds"] = result.Folds.Count,
                    ["repeats"] = parse.GetValue(repeats),
                    ["rows"] = prepared.Features.RowCount,
                    ["scores"] = scores,
                    ["fit_seconds"] = Math.Round(result.FitSeconds.Average(), 4),
                });
                return ExitCodes.Ok;
            }

            console.Human.MarkupLine($"Cross-validated [bold]{Markup.Escape(prepared.Entry.Name)}[/] on {prepared.Features.RowCount} rows with {result.Folds.Count} folds.");
            var table = new Spectre.Console.Table().AddColumn("scorer").AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("std").RightAligned()).AddColumn("folds");
            foreach (var scorer in scorers)
            {
                var summary = result.TestScore(scorer.Name);
                table.AddRow(scorer.Name, Training.Format(summary.Mean), Training.Format(summary.Std), string.Join(" ", summary.Folds.Select(Training.Format)));
            }

            console.Human.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
