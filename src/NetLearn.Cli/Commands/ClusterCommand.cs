using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Plotting;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn cluster</c>: cluster the rows of a data file, write one label per row, report cluster quality.</summary>
public static class ClusterCommand
{
    /// <summary>Silhouette is O(n²): above this many rows it is computed on a seeded sample of this size.</summary>
    internal const int SilhouetteSample = 10_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "The rows to cluster: CSV, Parquet or Arrow.", Required = true };
        var model = new Option<string>("--model") { Description = $"Clustering model: {string.Join(", ", Names(ModelTask.Clustering))}.", Required = true };
        var set = new Option<string[]>("--set") { Description = "A hyperparameter as key=value (scikit-learn's names, e.g. n_clusters=3, eps=0.3); repeatable." };
        var output = new Option<string>("--out") { Description = "Where to write the labels: one 'cluster' value per input row, in order (-1 = noise).", Required = true };
        var target = new Option<string>("--target") { Description = "A column with true labels: left out of the features and used for adjusted Rand and NMI." };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out (an ID, say); repeatable." };
        var scale = new Option<bool>("--scale") { Description = "Standardise numeric columns first (clustering is scale-sensitive; off by default, as in scikit-learn)." };
        var seed = new Option<int>("--seed") { Description = "random_state of the model unless --set gives one.", DefaultValueFactory = _ => 42 };
        var saveModel = new Option<string>("--save-model") { Description = "Also save the fitted preprocessing + model (.nlm); k-means and Gaussian mixtures then label new rows with 'netlearn predict'." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var plot = new Option<string?>("--plot") { Description = $"Also draw a silhouette plot of the clusters (.png or .svg; on a seeded sample of {PlotSample} rows above that)." };
        var command = new Command("cluster", "Cluster the rows of a data file and report cluster quality.") { data, model, set, output, target, drop, scale, seed, saveModel, json, plot };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            string? plotPath = parse.GetValue(plot);
            EvaluationPlot.CheckPath(plotPath);
            var run = UnsupervisedRun.Fit(
                console, dataPath, parse.GetValue(model)!, parse.GetValue(set) ?? [], parse.GetValue(drop) ?? [], parse.GetValue(target), parse.GetValue(scale), parse.GetValue(seed), [ModelTask.Clustering], "cluster");
            var clusters = (IClusteringModel)run.Model;
            int[] labels = [.. clusters.Labels];
            var x = run.Transformed.ToMatrix();
            var metrics = Metrics(run, x, labels, parse.GetValue(seed), console);
            string outPath = parse.GetValue(output)!;
            new Table(new NumericColumn("cluster", [.. labels.Select(l => (double)l)])).Save(outPath);
            if (plotPath is not null)
            {
                SaveSilhouettePlot(x, labels, parse.GetValue(seed), plotPath);
                console.Notice($"Plot: {Path.GetFullPath(plotPath)}");
            }
            string? modelPath = parse.GetValue(saveModel);
            if (modelPath is not null)
            {
                ModelFile.Save(modelPath, run.Pipeline, new TrainingInfo
                {
                    Estimator = run.Entry.Name,
                    Rows = run.Rows,
                    FitSeconds = run.FitSeconds,
                    Seed = parse.GetValue(seed),
                    Data = Path.GetFileName(dataPath),
                    Metrics = metrics.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value!.Value),
                });
            }

            int noise = labels.Count(l => l == -1);
            if (parse.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["model"] = run.Entry.Name,
                    ["n_clusters"] = clusters.ClusterCount,
                    ["n_noise"] = noise,
                    ["rows"] = run.Rows,
                    ["metrics"] = new JsonObject([.. metrics.Select(m => KeyValuePair.Create(m.Key, m.Value is { } v ? JsonValue.Create(v) : (JsonNode?)null))]),
                    ["cluster_sizes"] = new JsonArray([.. Enumerable.Range(0, clusters.ClusterCount).Select(c => (JsonNode?)labels.Count(l => l == c))]),
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

            console.Human.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{run.Entry.Name}: {clusters.ClusterCount} clusters{(noise > 0 ? $" and {noise} noise rows" : string.Empty)} in {run.Rows} rows ({Training.Format(run.FitSeconds)} s).")));
            var report = new Spectre.Console.Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            foreach (var (name, value) in metrics)
            {
                report.AddRow(name, value is { } v ? Training.Format(v) : "n/a");
            }

            console.Human.Write(report);
            console.Human.MarkupLine($"Wrote the labels to [bold]{Markup.Escape(outPath)}[/].");
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static IEnumerable<string> Names(params ModelTask[] tasks) => EstimatorCatalog.All.Where(e => tasks.Contains(e.Task)).Select(e => e.Name);

    /// <summary>
    /// Internal scores on the preprocessed features of the non-noise rows (null when fewer than 2 clusters), the model's own
    /// objective (inertia, BIC/AIC), and agreement with --target over all rows.
    /// </summary>
    /// <summary>Silhouette values are O(n²): above this many rows the plot is drawn for a seeded sample of this size.</summary>
    internal const int PlotSample = 5_000;

    private static void SaveSilhouettePlot(Matrix x, int[] labels, int seed, string path)
    {
        if (labels.Where(l => l != -1).Distinct().Count() < 2)
        {
            throw new UsageException("--plot draws a silhouette plot, which needs at least two clusters; this clustering found fewer.");
        }

        int[] rows = RowSample.Of(labels.Length, PlotSample, seed);

        var chart = Plot.Silhouette(rows.Length == labels.Length ? x : x.TakeRows(rows), [.. rows.Select(i => labels[i])]);
        chart.Title(FormattableString.Invariant($"Silhouette plot ({rows.Length} rows)"));
        chart.Save(path);
    }

    private static List<KeyValuePair<string, double?>> Metrics(UnsupervisedRun run, Matrix x, int[] labels, int seed, CliConsole console)
    {
        int[] kept = [.. Enumerable.Range(0, labels.Length).Where(i => labels[i] != -1)];
        var keptX = kept.Length == labels.Length ? x : x.TakeRows(kept);
        int[] keptLabels = [.. kept.Select(i => labels[i])];
        int k = keptLabels.Distinct().Count();
        bool scorable = k >= 2 && k <= kept.Length - 1;
        if (!scorable)
        {
            console.Notice($"note: {k} cluster(s) among the non-noise rows; silhouette, Calinski-Harabasz and Davies-Bouldin need at least 2.");
        }

        var metrics = new List<KeyValuePair<string, double?>>
        {
            new("silhouette", scorable ? ClusteringMetrics.Silhouette(keptX, keptLabels, keptX.Rows > SilhouetteSample ? SilhouetteSample : null, seed) : null),
            new("calinski_harabasz", scorable ? ClusteringMetrics.CalinskiHarabasz(keptX, keptLabels) : null),
            new("davies_bouldin", scorable ? ClusteringMetrics.DaviesBouldin(keptX, keptLabels) : null),
        };
        if (keptX.Rows > SilhouetteSample && scorable)
        {
            console.Notice(string.Create(CultureInfo.InvariantCulture, $"note: silhouette computed on a sample of {SilhouetteSample} rows."));
        }

        switch (run.Model)
        {
            case KMeansModel kmeans:
                metrics.Add(new("inertia", kmeans.Inertia));
                break;
            case IObjectiveReport report:
                metrics.AddRange(report.ObjectiveMetrics(x).Select(m => KeyValuePair.Create(m.Key, (double?)m.Value)));
                break;
        }

        if (run.Target is { } target)
        {
            int[] withTruth = [.. Enumerable.Range(0, labels.Length).Where(i => !target.IsMissing(i))];
            int[] truth = ClusteringMetrics.Encode(target.Take(withTruth));
            int[] predicted = [.. withTruth.Select(i => labels[i])];
            metrics.Add(new("adjusted_rand", ClusteringMetrics.AdjustedRandIndex(truth, predicted)));
            metrics.Add(new("nmi", ClusteringMetrics.NormalizedMutualInformation(truth, predicted)));
            metrics.Add(new("ami", ClusteringMetrics.AdjustedMutualInformation(truth, predicted)));
            var (h, c, v) = ClusteringMetrics.HomogeneityCompletenessVMeasure(truth, predicted);
            metrics.Add(new("homogeneity", h));
            metrics.Add(new("completeness", c));
            metrics.Add(new("v_measure", v));
        }

        return metrics;
    }
}
