using System.CommandLine;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn predict</c>: apply a saved model to a data file.</summary>
public static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "The model file (.nlm).", Required = true };
        var data = new Option<string>("--data") { Description = "Data to predict: CSV, Parquet or Arrow, with the model's input columns (others are ignored); or a folder of images.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write predictions (CSV, Parquet or Arrow by extension).", Required = true };
        var proba = new Option<bool>("--proba") { Description = "Also write one probability column per class (classifiers)." };
        var command = new Command("predict", "Predict with a saved model; writes one row per input row.") { model, data, output, proba };
        command.SetAction(parse =>
        {
            var fitted = ModelFile.Load(parse.GetValue(model)!) as IPredictor
                ?? throw new UsageException("The model is a transformer and makes no predictions.");
            var (table, _) = DataSources.Load(parse.GetValue(data)!, fitted);
            var predictions = fitted.Predict(table).WithName("prediction");
            var columns = new List<Column> { predictions };
            if (parse.GetValue(proba))
            {
                if (fitted is not IClassifier classifier)
                {
                    throw new UsageException("--proba needs a classifier; this model is a regressor.");
                }

                if (!classifier.SupportsProbabilities())
                {
                    throw new UsageException("--proba: this classifier was fitted without probabilities (for SVC, train with --set probability=true).");
                }

                var p = classifier.PredictProba(table);
                for (int k = 0; k < classifier.Classes.Length; k++)
                {
                    columns.Add(new NumericColumn($"proba_{classifier.Classes.FormatValue(k)}", p.Column(k)));
                }
            }

            string outPath = parse.GetValue(output)!;
            new Table(columns).Save(outPath);
            console.Notice($"Wrote {table.RowCount} predictions to {outPath}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
