using System.CommandLine;
using NetLearn.Data;
using NetLearn.Estimators;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn train</c>: fit a model with default preprocessing, report hold-out metrics, save a model file.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "Training data: CSV (.csv, .csv.gz, .tsv), Parquet or Arrow file; a folder of images with one sub-folder per class; or an IDX images file.", Required = true };
        var target = new Option<string>("--target") { Description = "The column to predict (not needed for image folders and IDX files: their class is 'label')." };
        var model = new Option<string>("--model") { Description = $"Model name: {string.Join(", ", EstimatorCatalog.All.Select(e => e.Name))}.", Required = true };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter as key=value (scikit-learn's names, e.g. C=0.5, max_iter=200); repeatable." };
        var seed = new Option<int>("--seed") { Description = "Seed for the split and any randomness.", DefaultValueFactory = _ => 42 };
        var testSize = new Option<double>("--test-size") { Description = "Fraction of rows held out for evaluation (stratified for classification); 0 trains on every row.", DefaultValueFactory = _ => 0.2 };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out (an ID, say); repeatable." };
        var output = new Option<string>("--out") { Description = "Where to write the model file (.nlm).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var command = new Command("train", "Train a model on a data file and save it.") { data, target, model, set, seed, testSize, drop, output, json };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            var (table, defaultTarget) = DataSources.Load(dataPath);
            var request = new TrainRequest
            {
                Data = table,
                DataName = dataPath,
                Target = parse.GetValue(target) ?? defaultTarget ?? throw new UsageException("--target is required: name the column to predict."),
                Model = parse.GetValue(model)!,
                Settings = parse.GetValue(set) ?? [],
                Drop = parse.GetValue(drop) ?? [],
                TestSize = parse.GetValue(testSize),
                Seed = parse.GetValue(seed),
            };
            string outPath = parse.GetValue(output)!;
            var result = console.WithProgress($"Training {request.Model}", progress => Training.Run(request, progress));
            Training.Save(result, request, outPath);
            Report(console, result, outPath, parse.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Report(CliConsole console, TrainResult result, string outPath, bool json)
    {
        foreach (var (column, reason) in result.Ignored)
        {
            console.Notice($"note: column '{column}' is not used: it {reason}. Use --drop to silence this.");
        }

        if (result.DroppedRows > 0)
        {
            console.Notice($"note: {result.DroppedRows} rows without a target value were left out.");
        }

        WarnIfNotConverged(console, result.Model.Final);
        if (json)
        {
            console.WriteJson(result.ToJson(outPath));
            return;
        }

        console.Human.MarkupLine($"Trained [bold]{Markup.Escape(result.Entry.Name)}[/] ({result.Entry.Task.ToString().ToLowerInvariant()}) on {result.TrainRows} rows in {Training.Format(result.FitSeconds)} s.");
        if (result.Model.Final is Deep.Estimators.ITrainedNetwork { History.Epochs: [.., var last] } network)
        {
            string validation = last.ValidationLoss is { } vl ? $", validation loss {Training.Format(vl)}" : string.Empty;
            console.Human.MarkupLine(Markup.Escape($"{network.History.Epochs.Count} epochs: training loss {Training.Format(last.TrainLoss)}{validation} (best epoch {network.History.BestEpoch}{(network.History.StoppedEarly ? ", stopped early" : string.Empty)})."));
        }

        if (result.Metrics.Count > 0)
        {
            var table = new Spectre.Console.Table().AddColumn("metric").AddColumn(new TableColumn($"hold-out ({result.TestRows} rows)").RightAligned());
            foreach (var (name, value) in result.Metrics)
            {
                table.AddRow(name, Training.Format(value));
            }

            console.Human.Write(table);
        }
        else
        {
            console.Human.WriteLine("No rows were held out (--test-size 0), so there are no hold-out metrics.");
        }

        console.Human.MarkupLine($"Saved the model to [bold]{Markup.Escape(outPath)}[/].");
    }

    private static void WarnIfNotConverged(CliConsole console, IModel model)
    {
        if (model is Linear.LogisticRegressionModel { Converged: false } logistic)
        {
            console.Notice($"warning: the solver stopped after max_iter={logistic.Options.MaxIter} iterations before reaching tol={logistic.Options.Tol}; results may be inaccurate. Raise it with --set max_iter=1000.");
        }
    }
}
