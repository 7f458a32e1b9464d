using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn tune</c>: hyperparameter search by cross-validation; saves the best model refitted on all rows.</summary>
public static class TuneCommand
{
    private const string ModelStep = "model.";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "Labelled data: CSV, Parquet or Arrow.", Required = true };
        var target = new Option<string>("--target") { Description = "The column to predict.", Required = true };
        var model = new Option<string>("--model") { Description = $"Model name: {string.Join(", ", EstimatorCatalog.All.Select(e => e.Name))}.", Required = true };
        var search = new Option<string>("--search") { Description = "grid, random, bayes (TPE), halving (successive halving over rows) or hyperband.", DefaultValueFactory = _ => "random" };
        var space = new Option<string>("--space")
        {
            Description = "The search space: \"C=loguniform(0.001,100); max_iter=int(50,500); penalty=choice(l2,none)\". Also uniform(lo,hi), intlog(lo,hi), a fixed value, and 'name=... if other=a|b'. Names are the model's hyperparameters; prefix preprocess. to tune preprocessing.",
            Required = true,
        };
        var trials = new Option<int?>("--trials") { Description = "Trials to run (halving: first-round candidates). Default: the whole grid, or 20." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds per trial.", DefaultValueFactory = _ => 5 };
        var scoring = new Option<string>("--scoring") { Description = "Scorer to maximise (scikit-learn's names); more after commas are reported too. Default: accuracy or r2." };
        var seed = new Option<int>("--seed") { Description = "Seed of the whole search (folds, sampling).", DefaultValueFactory = _ => 42 };
        var parallel = new Option<int>("--parallel") { Description = "Trials run at the same time (0: one per core). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var patience = new Option<int?>("--patience") { Description = "Stop after this many trials without improvement." };
        var set = new Option<string[]>("--set") { Description = "A fixed hyperparameter as key=value; repeatable." };
        var drop = new Option<string[]>("--drop") { Description = "A column to leave out; repeatable." };
        var output = new Option<string>("--out") { Description = "Where to write the best model, refitted on all rows (.nlm).", Required = true };
        var trialsOut = new Option<string>("--trials-out") { Description = "Also write the trials table as CSV." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a report." };
        var command = new Command("tune", "Search hyperparameters by cross-validation and save the best model.")
        {
            data, target, model, search, space, trials, folds, scoring, seed, parallel, patience, set, drop, output, trialsOut, json,
        };
        command.SetAction(parse =>
        {
            string dataPath = parse.GetValue(data)!;
            var strategy = ParseStrategy(parse.GetValue(search)!);
            var userSpace = SearchSpace.Parse(parse.GetValue(space)!);
            var prepared = ModelSetup.Prepare(Table.Load(dataPath), dataPath, parse.GetValue(target)!, parse.GetValue(model)!, parse.GetValue(set) ?? [], parse.GetValue(drop) ?? []);
            ModelSetup.Notes(console, prepared);
            var pipelineSpace = new SearchSpace(userSpace.Parameters.Select(p => p with
            {
                Name = Qualify(p.Name),
                When = p.When is { } w ? w with { Parent = Qualify(w.Parent) } : null,
            }));
            CheckNames(prepared, pipelineSpace);
            var task = prepared.Entry.Task;
            var scorers = Scorers.Parse(parse.GetValue(scoring), task);
            int seedValue = parse.GetValue(seed);
            var options = new SearchOptions
            {
                Strategy = strategy,
                Trials = parse.GetValue(trials),
                Seed = seedValue,
                Parallelism = parse.GetValue(parallel),
                Patience = parse.GetValue(patience),
                Cv = ModelSetup.Splitter(task, parse.GetValue(folds), 1, seedValue),
                Scoring = scorers,
            };
            var result = WithProgress(console, prepared.Entry.Name, progress => HyperparameterSearch.Run(prepared.Pipeline, pipelineSpace, prepared.Features, prepared.Target, options with { Progress = progress }));
            if (result.Best is null)
            {
                string firstError = result.Trials.FirstOrDefault(t => t.Error is not null)?.Error ?? "unknown error";
                throw new UsageException($"Every one of the {result.Trials.Count} trials failed; the first error: {firstError}. Fix the search space.");
            }

            string outPath = parse.GetValue(output)!;
            ModelFile.Save(outPath, result.BestModel!, new TrainingInfo
            {
                Estimator = prepared.Entry.Name,
                Rows = prepared.Features.RowCount,
                TestRows = 0,
                Seed = seedValue,
                Target = prepared.Target.Name,
                Data = Path.GetFileName(dataPath),
                Metrics = scorers.ToDictionary(s => "cv_" + s.Name, s => result.Best.Scores[s.Name].Mean, StringComparer.Ordinal),
            });
            string? csvPath = parse.GetValue(trialsOut);
            if (csvPath is not null)
            {
                result.WriteCsv(csvPath);
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(ToJson(prepared, strategy, scorers, result, outPath, csvPath));
                return ExitCodes.Ok;
            }

            Report(console, prepared, strategy, scorers, result, outPath);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static SearchStrategy ParseStrategy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "grid" => SearchStrategy.Grid,
        "random" => SearchStrategy.Random,
        "bayes" or "bayesian" or "tpe" => SearchStrategy.Bayes,
        "halving" => SearchStrategy.Halving,
        "hyperband" => SearchStrategy.Hyperband,
        _ => throw new UsageException($"--search '{text}' is not one of grid, random, bayes, halving, hyperband."),
    };

    // Space names are the model's hyperparameters unless they name a pipeline step already.
    private static string Qualify(string name) =>
        name.StartsWith(ModelStep, StringComparison.Ordinal) || name.StartsWith("preprocess.", StringComparison.Ordinal) ? name : ModelStep + name;

    private static string Unqualify(string name) => name.StartsWith(ModelStep, StringComparison.Ordinal) ? name[ModelStep.Length..] : name;

    private static void CheckNames(PreparedModel prepared, SearchSpace space)
    {
        var modelNames = prepared.Pipeline.Steps[^1].Estimator.Options.ParameterNames;
        foreach (var p in space.Parameters.Where(p => p.Name.StartsWith(ModelStep, StringComparison.Ordinal)))
        {
            string name = Unqualify(p.Name);
            if (!modelNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new UsageException($"--space: '{name}' is not a hyperparameter of {prepared.Entry.Name}. Valid names: {string.Join(", ", modelNames)}.");
            }
        }
    }

    private static SearchResult WithProgress(CliConsole console, string model, Func<IProgress<SearchProgress>?, SearchResult> work)
    {
        if (console.ProgressConsole is null)
        {
            return work(null);
        }

        SearchResult result = null!;
        console.ProgressConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"Tuning {model}"), maxValue: 1.0);
                var progress = new SynchronousProgress<SearchProgress>(p =>
                {
                    task.Value = p.Total > 0 ? Math.Min(1.0, (double)p.Done / p.Total) : 0;
                    string best = double.IsNaN(p.BestScore) ? "-" : Training.Format(p.BestScore);
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Tuning {model}: trial {p.Done}/{p.Total}, best {best}"));
                });
                result = work(progress);
                task.Value = 1.0;
            });
        return result;
    }

    private static JsonObject ToJson(PreparedModel prepared, SearchStrategy strategy, IReadOnlyList<Scorer> scorers, SearchResult result, string outPath, string? csvPath)
    {
        var trials = new JsonArray();
        foreach (var t in result.Trials)
        {
            var scores = new JsonObject();
            foreach (var (name, summary) in t.Scores)
            {
                scores[name] = ModelSetup.SummaryJson(summary, withFolds: false);
            }

            var row = new JsonObject
            {
                ["number"] = t.Number,
                ["state"] = t.State == TrialState.Complete ? "complete" : "failed",
                ["rank"] = t.Rank,
                ["params"] = Params(t.Parameters),
                ["score"] = double.IsNaN(t.Score) ? null : t.Score,
                ["scores"] = scores,
                ["seconds"] = Math.Round(t.Seconds, 4),
            };
            if (t.Resource is { } resource)
            {
                row["round"] = t.Round;
                row["resource"] = resource;
            }

            if (t.Error is not null)
            {
                row["error"] = t.Error;
            }

            trials.Add(row);
        }

        return new JsonObject
        {
            ["model"] = prepared.Entry.Name,
            ["task"] = prepared.Entry.Task.ToString().ToLowerInvariant(),
            ["search"] = strategy.ToString().ToLowerInvariant(),
            ["scoring"] = scorers[0].Name,
            ["best_params"] = Params(result.BestParameters),
            ["best_score"] = result.BestScore,
            ["best_scores"] = new JsonObject([.. result.Best!.Scores.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)ModelSetup.SummaryJson(s.Value, withFolds: false)))]),
            ["trials"] = trials,
            ["failed_trials"] = result.Trials.Count(t => t.State == TrialState.Failed),
            ["stop_reason"] = result.StopReason,
            ["out"] = outPath,
            ["trials_out"] = csvPath,
        };
    }

    private static JsonObject Params(IReadOnlyDictionary<string, string> parameters) =>
        new([.. parameters.Select(p => KeyValuePair.Create(Unqualify(p.Key), ModelSetup.ValueJson(p.Value)))]);

    private static void Report(CliConsole console, PreparedModel prepared, SearchStrategy strategy, IReadOnlyList<Scorer> scorers, SearchResult result, string outPath)
    {
        var best = result.Best!;
        int failed = result.Trials.Count(t => t.State == TrialState.Failed);
        console.Human.MarkupLine($"Tuned [bold]{Markup.Escape(prepared.Entry.Name)}[/] with {strategy.ToString().ToLowerInvariant()} search: {result.Trials.Count} trials{(failed > 0 ? $" ({failed} failed)" : string.Empty)}.");
        if (result.StopReason is not null)
        {
            console.Human.WriteLine($"Stopped early: {result.StopReason}.");
        }

        console.Human.MarkupLine($"Best {Markup.Escape(scorers[0].Name)}: [bold]{Training.Format(best.Score)}[/] (± {Training.Format(best.Scores[scorers[0].Name].Std)}) with {Markup.Escape(string.Join(", ", best.Parameters.Select(p => $"{Unqualify(p.Key)}={p.Value}")))}");
        var names = result.Trials.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal).ToList();
        var table = new Spectre.Console.Table().AddColumn("rank").AddColumn("trial");
        foreach (string n in names)
        {
            table.AddColumn(Markup.Escape(Unqualify(n)));
        }

        table.AddColumn(new TableColumn(Markup.Escape(scorers[0].Name)).RightAligned()).AddColumn(new TableColumn("std").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var t in result.Trials.OrderBy(t => t.Rank).ThenBy(t => t.Number).Take(10))
        {
            var cells = new List<string> { t.Rank.ToString(CultureInfo.InvariantCulture), t.Number.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(names.Select(n => Markup.Escape(t.Parameters.TryGetValue(n, out var v) ? v : string.Empty)));
            cells.Add(t.State == TrialState.Complete ? Training.Format(t.Score) : "failed");
            cells.Add(t.Scores.TryGetValue(scorers[0].Name, out var s) ? Training.Format(s.Std) : string.Empty);
            cells.Add(Training.Format(t.Seconds));
            table.AddRow([.. cells]);
        }

        console.Human.Write(table);
        console.Human.MarkupLine($"Saved the best model, refitted on all {prepared.Features.RowCount} rows, to [bold]{Markup.Escape(outPath)}[/].");
    }

    /// <summary>Reports progress on the caller's thread (no synchronisation context involved).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
