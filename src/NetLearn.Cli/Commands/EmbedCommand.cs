using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Decomposition;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Manifold;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Plotting;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn embed</c>: reduce the rows of a data file to a few dimensions (PCA, t-SNE) and write the coordinates.</summary>
public static class EmbedCommand
{
    /// <summary>Trustworthiness is O(n²): above this many rows it is computed on a seeded sample of this size.</summary>
    internal const int TrustworthinessSample = 5_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "The rows to embed: CSV, Parquet or Arrow.", Required = true };
        var model = new Option<string>("--model") { Description = $"Embedding: {string.Join(", ", EmbeddingNames())}.", Required = true };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter as key=value (e.g. n_components=2, perplexity=30, n_neighbors=15); repeatable." };
        var output = new Option<string>("--out") { Description = "Where to write the coordinates, one row per input row (plus the --target column, if given).", Required = true };
        var target = new Option<string>("--target") { Description = "A label column: left out of the features and copied next to the coordinates (for plotting)." };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out (an ID, say); repeatable." };
        var scale = new Option<bool>("--scale") { Description = "Standardise numeric columns first (PCA on standardised data is PCA of the correlation matrix)." };
        var seed = new Option<int>("--seed") { Description = "random_state of the model unless --set gives one.", DefaultValueFactory = _ => 42 };
        var saveModel = new Option<string>("--save-model") { Description = "Also save the fitted preprocessing + model (.nlm); PCA and UMAP can then transform new rows." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the first two dimensions as a scatter plot (.png or .svg), coloured by --target when given." };
        var command = new Command("embed", "Reduce the rows of a data file to a few dimensions (PCA, t-SNE, UMAP).") { data, model, set, output, target, drop, scale, seed, saveModel, json, plot };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            string? plotPath = parse.GetValue(plot);
            EvaluationPlot.CheckPath(plotPath);
            string modelName = parse.GetValue(model)!;
            if (!EmbeddingNames().Contains(modelName))
            {
                throw new UsageException($"'{modelName}' is not a model for 'netlearn embed'. Use one of: {string.Join(", ", EmbeddingNames())}");
            }

            int seedValue = parse.GetValue(seed);
            var run = UnsupervisedRun.Fit(
                console, dataPath, modelName, parse.GetValue(set) ?? [], parse.GetValue(drop) ?? [], parse.GetValue(target), parse.GetValue(scale), seedValue, [ModelTask.Transform], "embed");
            var (embedding, names) = run.Model switch
            {
                IEmbeddingModel e => (e.Embedding, e.EmbeddingNames),
                ITransformerModel t => (t.Transform(run.Transformed).ToMatrix(), t.FeatureNamesOut),
                _ => throw new UsageException($"'{modelName}' does not produce an embedding."),
            };

            var x = run.Transformed.ToMatrix();
            double? trust = Trustworthiness(x, embedding, seedValue, console);
            var info = new JsonObject
            {
                ["model"] = run.Entry.Name,
                ["n_components"] = embedding.Columns,
                ["rows"] = run.Rows,
            };
            switch (run.Model)
            {
                case PCAModel pca:
                    info["explained_variance"] = new JsonArray([.. pca.ExplainedVariance.Select(v => (JsonNode?)v)]);
                    info["explained_variance_ratio"] = new JsonArray([.. pca.ExplainedVarianceRatio.Select(v => (JsonNode?)v)]);
                    info["explained_variance_ratio_total"] = pca.ExplainedVarianceRatio.Sum();
                    break;
                case TruncatedSVDModel svd:
                    info["explained_variance"] = new JsonArray([.. svd.ExplainedVariance.Select(v => (JsonNode?)v)]);
                    info["explained_variance_ratio"] = new JsonArray([.. svd.ExplainedVarianceRatio.Select(v => (JsonNode?)v)]);
                    break;
                case IObjectiveEmbedding objective:
                    foreach (var (key, value) in objective.EmbeddingMetrics)
                    {
                        info[key] = value;
                    }

                    break;
            }

            info["trustworthiness"] = trust;
            info["fit_seconds"] = Math.Round(run.FitSeconds, 4);
            string outPath = parse.GetValue(output)!;
            var columns = new List<Column>();
            for (int c = 0; c < embedding.Columns; c++)
            {
                columns.Add(new NumericColumn(names[c], embedding.Column(c)));
            }

            if (run.Target is { } labels)
            {
                columns.Add(labels);
            }

            new Table(columns).Save(outPath);
            if (plotPath is not null)
            {
                if (embedding.Columns < 2)
                {
                    throw new UsageException("--plot draws the first two dimensions; set n_components=2 or more.");
                }

                Plot.Embedding(embedding, run.Target, run.Entry.Name.ToUpperInvariant()).Save(plotPath);
                console.Notice($"Plot: {Path.GetFullPath(plotPath)}");
            }
            info["out"] = outPath;
            string? modelPath = parse.GetValue(saveModel);
            if (modelPath is not null)
            {
                ModelFile.Save(modelPath, run.Pipeline, new TrainingInfo { Estimator = run.Entry.Name, Rows = run.Rows, FitSeconds = run.FitSeconds, Seed = seedValue, Data = Path.GetFileName(dataPath) });
                info["model_out"] = modelPath;
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(info);
                return ExitCodes.Ok;
            }

            console.Human.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{run.Entry.Name}: {run.Rows} rows -> {embedding.Columns} dimensions ({Training.Format(run.FitSeconds)} s).")));
            var report = new Spectre.Console.Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            foreach (var (key, value) in info)
            {
                if (key is not ("model" or "out" or "model_out") && value is not null)
                {
                    report.AddRow(key, Markup.Escape(value is JsonArray array ? string.Join(", ", array.Select(v => Training.Format(v!.GetValue<double>()))) : value is JsonValue jv && jv.TryGetValue<double>(out double d) ? Training.Format(d) : value.ToJsonString()));
                }
            }

            console.Human.Write(report);
            console.Human.MarkupLine($"Wrote the coordinates to [bold]{Markup.Escape(outPath)}[/].");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The catalog entries that make embeddings: transformers of the decomposition and manifold families.</summary>
    internal static List<string> EmbeddingNames() => [.. EstimatorCatalog.All.Where(e => e.Task == ModelTask.Transform && e.Create() is PCA or TruncatedSVD or IEmbeddingEstimator).Select(e => e.Name)];

    private static double? Trustworthiness(Matrix x, Matrix embedding, int seed, CliConsole console)
    {
        int n = x.Rows;
        if (n < 12)
        {
            return null;
        }

        if (n > TrustworthinessSample)
        {
            int[] rows = RowSample.Of(n, TrustworthinessSample, seed);
            console.Notice(string.Create(CultureInfo.InvariantCulture, $"note: trustworthiness computed on a sample of {TrustworthinessSample} rows."));
            return ClusteringMetrics.Trustworthiness(x.TakeRows(rows), embedding.TakeRows(rows), 5);
        }

        return ClusteringMetrics.Trustworthiness(x, embedding, 5);
    }
}
