using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetLearn.Data;
using NetLearn.Data.IO;
using NetLearn.Estimators;
using NetLearn.Metrics;

namespace NetLearn.ModelSelection;

/// <summary>How a search chooses its trials.</summary>
public enum SearchStrategy
{
    /// <summary>Every combination of grid values.</summary>
    Grid,

    /// <summary>Independent random draws.</summary>
    Random,

    /// <summary>Bayesian optimisation with the Tree-structured Parzen Estimator (<see cref="TpeSampler"/>).</summary>
    Bayes,

    /// <summary>Successive halving: many random candidates on a small budget, the best third promoted to three times the budget, and so on.</summary>
    Halving,

    /// <summary>Hyperband: several successive-halving brackets trading the number of candidates against their starting budget.</summary>
    Hyperband,
}

/// <summary>Whether a trial finished.</summary>
public enum TrialState
{
    /// <summary>The trial was scored.</summary>
    Complete,

    /// <summary>The trial threw (a bad parameter combination, a fit that failed); <see cref="TrialResult.Error"/> says why.</summary>
    Failed,
}

/// <summary>One trial of a search: a parameter configuration and how it scored.</summary>
/// <param name="Number">The trial number, from 0, in the order trials were proposed.</param>
/// <param name="Parameters">The parameter values, as text.</param>
/// <param name="State">Complete or failed.</param>
/// <param name="Score">The mean of the primary score (larger is better); NaN for a failed trial.</param>
/// <param name="Scores">Mean, std and fold values per scorer name (empty for function searches and failed trials).</param>
/// <param name="Error">The error of a failed trial.</param>
/// <param name="Seconds">Wall-clock seconds of the trial.</param>
/// <param name="Resource">The budget of a halving round (rows or iterations), null otherwise.</param>
/// <param name="Round">The halving round (0 outside halving).</param>
public sealed record TrialResult(int Number, IReadOnlyDictionary<string, string> Parameters, TrialState State, double Score, IReadOnlyDictionary<string, ScoreSummary> Scores, string? Error, double Seconds, int? Resource = null, int Round = 0)
{
    /// <summary>Rank by score (1 = best, ties share the smaller rank); failed trials rank last.</summary>
    public int Rank { get; init; }
}

/// <summary>Progress of a search.</summary>
/// <param name="Done">Trials finished.</param>
/// <param name="Total">Trials planned (an upper bound when the search may stop early).</param>
/// <param name="BestScore">Best score so far (NaN before the first success).</param>
/// <param name="Elapsed">Time since the search started.</param>
/// <param name="Remaining">Estimated time left.</param>
public readonly record struct SearchProgress(int Done, int Total, double BestScore, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>Settings of <see cref="HyperparameterSearch"/>.</summary>
public sealed record SearchOptions
{
    /// <summary>How trials are chosen.</summary>
    public SearchStrategy Strategy { get; init; } = SearchStrategy.Random;

    /// <summary>A custom sampler; overrides <see cref="Strategy"/> for grid, random and Bayesian searches.</summary>
    public ISearchSampler? Sampler { get; init; }

    /// <summary>Trials to run (halving: candidates of the first round). Null: the whole grid, or 20.</summary>
    public int? Trials { get; init; }

    /// <summary>Seed of the whole search: the same seed and settings give the same trials and results, at any parallelism.</summary>
    public int? Seed { get; init; }

    /// <summary>Trials run at the same time; 0 or less: one per processor core.</summary>
    public int Parallelism { get; init; }

    /// <summary>The splitter; null: 5 folds, stratified for classifiers.</summary>
    public ICrossValidator? Cv { get; init; }

    /// <summary>The scorers; the first one is optimised. Null or empty: accuracy or R².</summary>
    public IReadOnlyList<Scorer>? Scoring { get; init; }

    /// <summary>Group labels for group splitters.</summary>
    public Column? Groups { get; init; }

    /// <summary>Fit the best configuration on all the data at the end.</summary>
    public bool Refit { get; init; } = true;

    /// <summary>Stop when this many trials in a row have not improved the best score.</summary>
    public int? Patience { get; init; }

    /// <summary>Stop as soon as a trial reaches this score.</summary>
    public double? TargetScore { get; init; }

    /// <summary>Values per continuous range in a grid search.</summary>
    public int GridPoints { get; init; } = 5;

    /// <summary>Halving: the factor η by which candidates are cut and budgets grown each round.</summary>
    public int HalvingFactor { get; init; } = 3;

    /// <summary>Halving: the budget, <c>n_samples</c> (rows) or the name of an integer hyperparameter (<c>max_iter</c>, <c>model.n_estimators</c>).</summary>
    public string HalvingResource { get; init; } = "n_samples";

    /// <summary>Halving: the smallest budget; null: 2 · folds · classes rows (2 · folds for regression), or 1/η² of the largest iteration budget.</summary>
    public int? MinResources { get; init; }

    /// <summary>Halving over a hyperparameter: the largest budget (required then).</summary>
    public int? MaxResources { get; init; }

    /// <summary>Receives progress after every trial.</summary>
    public IProgress<SearchProgress>? Progress { get; init; }

    /// <summary>
    /// Bayesian proposals per batch: each batch is proposed from the trials finished before it and then run in parallel.
    /// Fixed (not the parallelism) so that a seeded search gives the same trials on every machine; larger batches use
    /// more cores at some cost in sample efficiency.
    /// </summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Stops the search gracefully after the running trials (the result holds the trials so far).</summary>
    public CancellationToken StopToken { get; init; }
}

/// <summary>The outcome of a search.</summary>
public sealed class SearchResult
{
    internal SearchResult(IReadOnlyList<TrialResult> trials, TrialResult? best, IReadOnlyList<string> scorers, IEstimator? bestEstimator, IModel? bestModel, string? stopReason)
    {
        Trials = trials;
        Best = best;
        ScorerNames = scorers;
        BestEstimator = bestEstimator;
        BestModel = bestModel;
        StopReason = stopReason;
    }

    /// <summary>Every trial, in trial-number order (scikit-learn's <c>cv_results_</c>).</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>The best complete trial (for halving: the best of the last round), or null when every trial failed.</summary>
    public TrialResult? Best { get; }

    /// <summary>The best parameters.</summary>
    public IReadOnlyDictionary<string, string> BestParameters => Best?.Parameters ?? throw new InvalidOperationException("Every trial failed; see Trials for the errors.");

    /// <summary>The best mean score.</summary>
    public double BestScore => Best?.Score ?? double.NaN;

    /// <summary>The scorer names; the first is the one optimised.</summary>
    public IReadOnlyList<string> ScorerNames { get; }

    /// <summary>The estimator with the best parameters (estimator searches).</summary>
    public IEstimator? BestEstimator { get; }

    /// <summary>The best estimator fitted on all the data (when <see cref="SearchOptions.Refit"/>).</summary>
    public IModel? BestModel { get; }

    /// <summary>Why the search stopped before its last trial (patience, target, stop request), or null.</summary>
    public string? StopReason { get; }

    /// <summary>The trials table as CSV: number, state, rank, resource, one column per parameter, mean and std per scorer, seconds, error.</summary>
    public string ToCsv()
    {
        string[] names = [.. Trials.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal)];
        bool resource = Trials.Any(t => t.Resource is not null);
        var header = new List<string> { "number", "state", "rank" };
        if (resource)
        {
            header.AddRange(["round", "resource"]);
        }

        header.AddRange(names.Select(n => "param_" + n));
        header.Add("score");
        foreach (string s in ScorerNames)
        {
            header.AddRange(["mean_test_" + s, "std_test_" + s]);
        }

        header.AddRange(["seconds", "error"]);
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', header.Select(Quote)));
        foreach (var t in Trials)
        {
            var row = new List<string> { Num(t.Number), t.State == TrialState.Complete ? "complete" : "failed", Num(t.Rank) };
            if (resource)
            {
                row.AddRange([Num(t.Round), t.Resource is { } r ? Num(r) : string.Empty]);
            }

            row.AddRange(names.Select(n => t.Parameters.TryGetValue(n, out var v) ? v : string.Empty));
            row.Add(Num(t.Score));
            foreach (string s in ScorerNames)
            {
                bool has = t.Scores.TryGetValue(s, out var summary);
                row.AddRange([has ? Num(summary!.Mean) : string.Empty, has ? Num(summary!.Std) : string.Empty]);
            }

            row.AddRange([Num(Math.Round(t.Seconds, 4)), t.Error ?? string.Empty]);
            text.AppendLine(string.Join(',', row.Select(Quote)));
        }

        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> atomically.</summary>
    public void WriteCsv(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(ToCsv());
    });

    private static string Num(double v) => double.IsNaN(v) ? string.Empty : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Num(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}

/// <summary>
/// Hyperparameter search: grid, random, Bayesian (TPE), successive halving and Hyperband, over any estimator or
/// pipeline (nested names such as <c>model.C</c>) scored by cross-validation, or over any function. Trials run in
/// parallel batches; each trial's random generator is derived from the seed and the trial number, and a Bayesian batch
/// (of fixed size <see cref="SearchOptions.BatchSize"/>) is proposed from the trials finished before it, so a seeded
/// search gives the same trials at any parallelism, on any machine. A trial
/// that throws is recorded as failed with its error, and the search goes on.
/// </summary>
public static class HyperparameterSearch
{
    /// <summary>Tunes <paramref name="estimator"/> over <paramref name="space"/> by cross-validation on the data.</summary>
    /// <exception cref="HyperparameterException">Bad settings (an unknown scorer, a halving resource that is not a parameter).</exception>
    public static SearchResult Run(IEstimator estimator, SearchSpace space, Table features, Column target, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new SearchOptions();
        var task = EstimatorTasks.TaskOf(estimator, target);
        var scorers = options.Scoring is { Count: > 0 } s ? s : [Scorers.Default(task)];
        var cv = options.Cv ?? CrossValidation.DefaultSplitter(task);
        int parallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount;
        int foldParallelism = parallelism > 1 ? 1 : Environment.ProcessorCount;

        TrialEvaluation Evaluate(IReadOnlyDictionary<string, string> parameters, int[]? rows, CancellationToken token)
        {
            var configured = Configure(estimator, parameters);
            var x = rows is null ? features : features.Take(rows);
            var y = rows is null ? target : target.Take(rows);
            var result = CrossValidation.CrossValidate(configured, x, y, new CrossValidationOptions
            {
                Cv = cv,
                Scoring = scorers,
                Groups = rows is null ? options.Groups : options.Groups?.Take(rows),
                MaxParallelism = foldParallelism,
                CancellationToken = token,
            });
            var summaries = scorers.ToDictionary(sc => sc.Name, sc => result.TestScore(sc.Name), StringComparer.Ordinal);
            return new TrialEvaluation(summaries[scorers[0].Name].Mean, summaries);
        }

        List<TrialResult> trials;
        TrialResult? best;
        string? stopReason;
        if (options.Strategy is SearchStrategy.Halving or SearchStrategy.Hyperband)
        {
            (trials, best, stopReason) = Halving(estimator, space, features, target, task, cv, options, parallelism, Evaluate);
        }
        else
        {
            (trials, best, stopReason) = RunTrials(space, SamplerFor(options), (p, _, token) => Evaluate(p, null, token), TrialCount(space, options), options, parallelism, null, 0, 0);
        }

        IEstimator? bestEstimator = best is null ? null : Configure(estimator, best.Parameters);
        IModel? bestModel = options.Refit && bestEstimator is not null ? bestEstimator.FitModel(features, target) : null;
        var ranked = Ranked(trials);
        return new SearchResult(ranked, Find(ranked, best), [.. scorers.Select(sc => sc.Name)], bestEstimator, bestModel, stopReason);
    }

    /// <summary>
    /// Maximises <paramref name="objective"/> over <paramref name="space"/> (grid, random or Bayesian). The objective
    /// returns the score to maximise; a trial that throws is recorded as failed.
    /// </summary>
    public static SearchResult Optimize(SearchSpace space, Func<IReadOnlyDictionary<string, string>, CancellationToken, double> objective, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new SearchOptions();
        if (options.Strategy is SearchStrategy.Halving or SearchStrategy.Hyperband)
        {
            throw new HyperparameterException("search", "halving needs a budget (rows or iterations); use it through HyperparameterSearch.Run with an estimator");
        }

        int parallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount;
        var (trials, best, stopReason) = RunTrials(space, SamplerFor(options), (p, _, token) =>
        {
            double score = objective(p, token);
            return new TrialEvaluation(score, new Dictionary<string, ScoreSummary>(StringComparer.Ordinal));
        }, TrialCount(space, options), options, parallelism, null, 0, 0);
        var ranked = Ranked(trials);
        return new SearchResult(ranked, Find(ranked, best), ["score"], null, null, stopReason);
    }

    /// <summary>The estimator with every parameter of <paramref name="parameters"/> set (nested names go to pipeline steps).</summary>
    public static IEstimator Configure(IEstimator estimator, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (name, value) in parameters)
        {
            estimator = estimator.WithParameter(name, value);
        }

        return estimator;
    }

    internal sealed record TrialEvaluation(double Score, IReadOnlyDictionary<string, ScoreSummary> Scores);

    private static ISearchSampler SamplerFor(SearchOptions options) => options.Sampler ?? options.Strategy switch
    {
        SearchStrategy.Grid => new GridSampler(options.GridPoints),
        SearchStrategy.Bayes => new TpeSampler(),
        _ => new RandomSampler(),
    };

    private static int TrialCount(SearchSpace space, SearchOptions options)
    {
        if (options.Trials is { } n && n < 1)
        {
            throw new HyperparameterException("trials", "must be at least 1");
        }

        if ((options.Sampler ?? (options.Strategy == SearchStrategy.Grid ? new GridSampler(options.GridPoints) : null)) is GridSampler grid)
        {
            int size = grid.Size(space);
            return Math.Min(options.Trials ?? size, size);
        }

        return options.Trials ?? 20;
    }

    private static int TrialSeed(int seed, int trial) => unchecked((seed * 1_000_003) + (trial * 7919) + 17);

    /// <summary>Runs trials in parallel batches until the budget, an early stop or the sampler's end.</summary>
    private static (List<TrialResult> Trials, TrialResult? Best, string? StopReason) RunTrials(
        SearchSpace space,
        ISearchSampler sampler,
        Func<IReadOnlyDictionary<string, string>, int, CancellationToken, TrialEvaluation> evaluate,
        int count,
        SearchOptions options,
        int parallelism,
        int? resource,
        int round,
        int firstNumber,
        IReadOnlyList<Dictionary<string, string>>? fixedCandidates = null,
        List<TrialResult>? progressSoFar = null,
        int? progressTotal = null,
        Stopwatch? clock = null)
    {
        int seed = options.Seed ?? Random.Shared.Next();
        clock ??= Stopwatch.StartNew();
        var trials = new List<TrialResult>();
        var history = new List<Observation>();
        TrialResult? best = null;
        int sinceImprovement = 0;
        string? stopReason = null;
        int done = progressSoFar?.Count ?? 0;
        int total = progressTotal ?? count;
        double bestForProgress = progressSoFar?.Where(t => t.State == TrialState.Complete).Select(t => t.Score).DefaultIfEmpty(double.NaN).Max() ?? double.NaN;
        for (int start = 0; start < count && stopReason is null;)
        {
            // Proposals that learn from history come in batches of a fixed size, independent of the parallelism, so a seeded
            // search proposes the same trials on any machine; history-free samplers fill every worker.
            int batchSize = fixedCandidates is null && sampler is not (RandomSampler or GridSampler) ? options.BatchSize : Math.Max(parallelism, options.BatchSize);
            int batch = Math.Min(batchSize, count - start);
            var proposals = new List<(int Number, Dictionary<string, string> Parameters)>();
            for (int j = 0; j < batch; j++)
            {
                int number = firstNumber + start + j;
                var parameters = fixedCandidates is not null
                    ? fixedCandidates[start + j]
                    : sampler.Suggest(space, history, start + j, new Random(TrialSeed(seed, number)));
                if (parameters is null)
                {
                    break;
                }

                proposals.Add((number, parameters));
            }

            if (proposals.Count == 0)
            {
                break;
            }

            var results = new TrialResult[proposals.Count];
            Parallel.For(0, proposals.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, j =>
            {
                var (number, parameters) = proposals[j];
                var watch = Stopwatch.StartNew();
                try
                {
                    var evaluation = evaluate(parameters, number, CancellationToken.None);
                    results[j] = double.IsNaN(evaluation.Score)
                        ? new TrialResult(number, parameters, TrialState.Failed, double.NaN, evaluation.Scores, "the score is not a number", watch.Elapsed.TotalSeconds, resource, round)
                        : new TrialResult(number, parameters, TrialState.Complete, evaluation.Score, evaluation.Scores, null, watch.Elapsed.TotalSeconds, resource, round);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    var error = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : e;
                    results[j] = new TrialResult(number, parameters, TrialState.Failed, double.NaN, new Dictionary<string, ScoreSummary>(StringComparer.Ordinal), error is NetLearnException ? error.Message : $"{error.GetType().Name}: {error.Message}", watch.Elapsed.TotalSeconds, resource, round);
                }
            });

            foreach (var result in results)
            {
                if (stopReason is not null)
                {
                    // An early stop is decided trial by trial; later trials of the batch are dropped so the result
                    // does not depend on how many ran at once.
                    break;
                }

                trials.Add(result);
                done++;
                if (result.State == TrialState.Complete)
                {
                    history.Add(new Observation(result.Parameters, result.Score));
                    if (best is null || result.Score > best.Score)
                    {
                        best = result;
                        sinceImprovement = 0;
                    }
                    else
                    {
                        sinceImprovement++;
                    }

                    bestForProgress = double.IsNaN(bestForProgress) ? result.Score : Math.Max(bestForProgress, result.Score);
                }
                else
                {
                    sinceImprovement++;
                }

                if (options.TargetScore is { } target && best is not null && best.Score >= target)
                {
                    stopReason = string.Create(CultureInfo.InvariantCulture, $"reached the target score {target}");
                }
                else if (options.Patience is { } patience && sinceImprovement >= patience)
                {
                    stopReason = string.Create(CultureInfo.InvariantCulture, $"no improvement in {patience} trials");
                }
            }

            start += proposals.Count;
            var elapsed = clock.Elapsed;
            options.Progress?.Report(new SearchProgress(done, total, bestForProgress, elapsed, done > 0 ? elapsed * ((double)(total - done) / done) : null));
            if (stopReason is null && options.StopToken.IsCancellationRequested)
            {
                stopReason = "stopped on request";
            }
        }

        return (trials, best, stopReason);
    }

    private static (List<TrialResult> Trials, TrialResult? Best, string? StopReason) Halving(
        IEstimator estimator,
        SearchSpace space,
        Table features,
        Column target,
        ModelTask task,
        ICrossValidator cv,
        SearchOptions options,
        int parallelism,
        Func<IReadOnlyDictionary<string, string>, int[]?, CancellationToken, TrialEvaluation> evaluate)
    {
        int eta = options.HalvingFactor;
        if (eta < 2)
        {
            throw new HyperparameterException("halving_factor", "must be at least 2");
        }

        bool bySamples = options.HalvingResource == "n_samples";
        int folds = cv.SplitCount(features.RowCount, target, options.Groups);
        int maxResource, minResource;
        if (bySamples)
        {
            int classes = task == ModelTask.Classification ? ClassLabels.FromTarget(target).Count : 1;
            maxResource = features.RowCount;
            minResource = options.MinResources ?? Math.Min(maxResource, 2 * folds * classes);
        }
        else
        {
            maxResource = options.MaxResources ?? throw new HyperparameterException("max_resources", $"halving over '{options.HalvingResource}' needs the largest budget (MaxResources)");
            minResource = options.MinResources ?? Math.Max(1, maxResource / (eta * eta));
            _ = Configure(estimator, new Dictionary<string, string> { [options.HalvingResource] = maxResource.ToString(CultureInfo.InvariantCulture) });
        }

        if (minResource < 1 || minResource > maxResource)
        {
            throw new HyperparameterException("min_resources", string.Create(CultureInfo.InvariantCulture, $"must be between 1 and the largest budget {maxResource} (got {minResource})"));
        }

        int seed = options.Seed ?? Random.Shared.Next();
        int[] order = SubsampleOrder(target, task, seed);
        int maxLevels = (int)Math.Floor(Math.Log((double)maxResource / minResource, eta) + 1e-9);

        // Brackets: halving is one bracket with as many rounds as the candidates allow; Hyperband runs s = s_max .. 0 (Li et al. 2018).
        var brackets = new List<(int Candidates, int Rounds)>();
        if (options.Strategy == SearchStrategy.Halving)
        {
            int candidates = options.Trials ?? 27;
            int rounds = Math.Min(maxLevels, (int)Math.Ceiling(Math.Log(candidates, eta) - 1e-9)) + 1;
            brackets.Add((candidates, Math.Max(rounds, 1)));
        }
        else
        {
            for (int s = maxLevels; s >= 0; s--)
            {
                brackets.Add(((int)Math.Ceiling((maxLevels + 1.0) / (s + 1) * Math.Pow(eta, s)), s + 1));
            }
        }

        int plannedTotal = brackets.Sum(b => Enumerable.Range(0, b.Rounds).Sum(r => (int)Math.Ceiling(b.Candidates / Math.Pow(eta, r))));
        var clock = Stopwatch.StartNew();
        var all = new List<TrialResult>();
        TrialResult? overallBest = null;
        int bestResource = -1;
        string? stopReason = null;
        var random = new Random(seed);
        foreach (var (candidateCount, rounds) in brackets)
        {
            var candidates = Enumerable.Range(0, candidateCount).Select(_ => space.Sample(random)).ToList();
            for (int round = 0; round < rounds && candidates.Count > 0 && stopReason is null; round++)
            {
                int resource = (int)Math.Round(maxResource / Math.Pow(eta, rounds - 1 - round));
                resource = Math.Clamp(resource, minResource, maxResource);
                int[]? rows = bySamples && resource < maxResource ? [.. order.Take(resource).Order()] : null;
                var roundCandidates = candidates;
                if (!bySamples)
                {
                    string value = resource.ToString(CultureInfo.InvariantCulture);
                    roundCandidates = [.. candidates.Select(c => new Dictionary<string, string>(c, StringComparer.Ordinal) { [options.HalvingResource] = value })];
                }

                var (trials, _, reason) = RunTrials(space, new RandomSampler(), (p, _, token) => evaluate(p, rows, token), roundCandidates.Count, options with { Patience = null }, parallelism, resource, round, all.Count, roundCandidates, all, plannedTotal, clock);
                all.AddRange(trials);
                stopReason = reason;
                var ranked = trials.Select((t, i) => (t, i)).Where(x => x.t.State == TrialState.Complete).OrderByDescending(x => x.t.Score).ThenBy(x => x.i).ToList();
                if (ranked.Count > 0 && (resource > bestResource || (resource == bestResource && ranked[0].t.Score > overallBest!.Score)))
                {
                    overallBest = ranked[0].t;
                    bestResource = resource;
                }

                int keep = (int)Math.Ceiling(candidates.Count / (double)eta);
                candidates = [.. ranked.Take(keep).Select(x => candidates[x.i])];
            }

            if (stopReason is not null)
            {
                break;
            }
        }

        return (all, overallBest, stopReason);
    }

    /// <summary>A seeded row order whose every prefix keeps the class proportions (for classification), so halving rounds use nested, stratified subsets.</summary>
    private static int[] SubsampleOrder(Column target, ModelTask task, int seed)
    {
        var random = new Random(seed);
        int n = target.Length;
        int[] rows = [.. Enumerable.Range(0, n)];
        random.Shuffle(rows);
        if (task != ModelTask.Classification)
        {
            return rows;
        }

        int[] codes = ClassLabels.FromTarget(target).Encode(target);
        var sizes = new int[codes.Max() + 1];
        foreach (int c in codes)
        {
            sizes[c]++;
        }

        var position = new int[sizes.Length];
        var key = new double[n];
        foreach (int r in rows)
        {
            int c = codes[r];
            key[r] = (position[c]++ + 0.5) / sizes[c];
        }

        return [.. rows.OrderBy(r => key[r])];
    }

    private static TrialResult? Find(List<TrialResult> ranked, TrialResult? best) =>
        best is null ? null : ranked.First(t => t.Number == best.Number);

    private static List<TrialResult> Ranked(List<TrialResult> trials)
    {
        double[] scores = [.. trials.Where(t => t.State == TrialState.Complete).Select(t => t.Score)];
        return [.. trials.Select(t => t with
        {
            Rank = t.State == TrialState.Complete ? 1 + scores.Count(s => s > t.Score) : scores.Length + 1,
        })];
    }
}
