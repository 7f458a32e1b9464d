using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Anomaly;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary>
/// <c>netlearn detect</c>: anomaly detection (isolation forest, local outlier factor) on the rows of a data file. Writes
/// scikit-learn's <c>fit_predict</c> label (1 inlier, -1 outlier) and <c>score_samples</c> value (lower = more abnormal) per row.
/// </summary>
public static class DetectCommand
{
    /// <summary>How many of the most abnormal rows the report lists.</summary>
    internal const int Top = 10;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "The rows to check: CSV, Parquet or Arrow.", Required = true };
        var model = new Option<string>("--model") { Description = $"Detector: {string.Join(", ", ClusterCommand.Names(ModelTask.AnomalyDetection))}.", Required = true };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter as key=value (scikit-learn's names, e.g. contamination=0.05, n_neighbors=20); repeatable." };
        var output = new Option<string>("--out") { Description = "Where to write one row per input row: 'anomaly' (1 inlier, -1 outlier) and 'score' (lower = more abnormal).", Required = true };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out (an ID or a label, say); repeatable." };
        var scale = new Option<bool>("--scale") { Description = "Standardise numeric columns first (recommended for lof, whose distances are scale-sensitive)." };
        var seed = new Option<int>("--seed") { Description = "random_state of the model unless --set gives one.", DefaultValueFactory = _ => 42 };
        var saveModel = new Option<string>("--save-model") { Description = "Also save the fitted preprocessing + detector (.nlm); 'netlearn predict' then labels new rows (lof needs --set novelty=true)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var command = new Command("detect", "Find the anomalous rows of a data file (isolation forest or local outlier factor).") { data, model, set, output, drop, scale, seed, saveModel, json };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            var run = UnsupervisedRun.Fit(
                console, dataPath, parse.GetValue(model)!, parse.GetValue(set) ?? [], parse.GetValue(drop) ?? [], null, parse.GetValue(scale), parse.GetValue(seed), [ModelTask.AnomalyDetection], "detect");
            var (labels, scores, offset) = Score(run);
            string outPath = parse.GetValue(output)!;
            new Table(new NumericColumn("anomaly", [.. labels.Select(l => (double)l)]), new NumericColumn("score", scores)).Save(outPath);
            string? modelPath = parse.GetValue(saveModel);
            int outliers = labels.Count(l => l == -1);
            if (modelPath is not null)
            {
                ModelFile.Save(modelPath, run.Pipeline, new TrainingInfo
                {
                    Estimator = run.Entry.Name,
                    Rows = run.Rows,
                    FitSeconds = run.FitSeconds,
                    Seed = parse.GetValue(seed),
                    Data = Path.GetFileName(dataPath),
                    Metrics = new Dictionary<string, double> { ["outlier_fraction"] = (double)outliers / run.Rows },
                });
            }

            int[] top = [.. Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).Take(Top)];
            if (parse.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["model"] = run.Entry.Name,
                    ["rows"] = run.Rows,
                    ["n_outliers"] = outliers,
                    ["outlier_fraction"] = (double)outliers / run.Rows,
                    ["offset"] = offset,
                    ["most_abnormal_rows"] = new JsonArray([.. top.Select(i => (JsonNode?)i)]),
                    ["fit_seconds"] = Math.Round(run.FitSeconds, 4),
                    ["out"] = outPath,
                };
                if (modelPath is not null)
                {
                    result["model_out"] = modelPath;
                }

                console.WriteJson(result);
                return ExitCodes.Ok;
            }

            console.Human.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{run.Entry.Name}: {outliers} outliers in {run.Rows} rows ({Training.Format(run.FitSeconds)} s); threshold on the score {Training.Format(offset)}.")));
            var report = new Spectre.Console.Table().AddColumn("row (0-based)").AddColumn(new TableColumn("score").RightAligned()).AddColumn("label");
            foreach (int i in top)
            {
                report.AddRow(i.ToString(CultureInfo.InvariantCulture), Training.Format(scores[i]), labels[i] == -1 ? "outlier" : "inlier");
            }

            console.Human.Write(report);
            console.Human.MarkupLine($"Wrote the labels and scores to [bold]{Markup.Escape(outPath)}[/].");
            return ExitCodes.Ok;
        });
        return command;
    }

    // scikit-learn's fit_predict labels and score_samples of the training rows, and the threshold (offset_) between them.
    private static (int[] Labels, double[] Scores, double Offset) Score(UnsupervisedRun run) => run.Model switch
    {
        LocalOutlierFactorModel lof => ([.. lof.Labels], [.. lof.NegativeOutlierFactor], lof.Offset),
        IsolationForestModel forest => Forest(forest, run.Transformed),
        _ => throw new UsageException($"'{run.Entry.Name}' is not an anomaly detector."),
    };

    private static (int[] Labels, double[] Scores, double Offset) Forest(IsolationForestModel forest, Table transformed)
    {
        double[] scores = forest.ScoreSamples(transformed);
        return ([.. scores.Select(s => s < forest.Offset ? -1 : 1)], scores, forest.Offset);
    }
}
