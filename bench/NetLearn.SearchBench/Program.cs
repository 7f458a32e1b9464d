// Bayesian (TPE) vs random search at equal budgets, averaged over seeds: Branin, Hartmann-6 and real tuning tasks.
// Usage: dotnet bench/NetLearn.SearchBench/bin/Release/net10.0/NetLearn.SearchBench.dll functions [SEEDS]
//        dotnet .../NetLearn.SearchBench.dll TASK FIRST_SEED LAST_SEED [TRIALS]   (TASK: hgb, svc, logistic)
// The tasks print one line per seed and a summary; seeds can run in separate invocations and be pooled with
//        dotnet .../NetLearn.SearchBench.dll summary FILE...   (the per-seed lines of earlier runs).
using System.Diagnostics;
using System.Globalization;
using NetLearn.Boosting;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using NetLearn.Svm;

string mode = args.Length > 0 ? args[0] : "functions";
string header = $"{"problem",-38} {"budget",6} {"seeds",5} {"random best",16} {"TPE best",16} {"optimum",9} {"regret ratio",12} {"TPE W/T/L",9} {"TPE s/run",9}";
if (mode == "summary")
{
    Summarise(args[1..]);
    return;
}

Console.WriteLine(header);
if (mode == "functions")
{
    int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
    var branin = SearchSpace.Parse("x1=uniform(-5,10); x2=uniform(0,15)");
    Compare("Branin (2-d, minimise)", branin, p => -Branin(N(p, "x1"), N(p, "x2")), seeds, budget: 50, optimum: 0.397887);
    Compare("Branin (2-d, minimise)", branin, p => -Branin(N(p, "x1"), N(p, "x2")), seeds, budget: 100, optimum: 0.397887);
    var hartmann = SearchSpace.Parse("x1=uniform(0,1); x2=uniform(0,1); x3=uniform(0,1); x4=uniform(0,1); x5=uniform(0,1); x6=uniform(0,1)");
    Compare("Hartmann-6 (6-d, minimise)", hartmann, p => -Hartmann6([N(p, "x1"), N(p, "x2"), N(p, "x3"), N(p, "x4"), N(p, "x5"), N(p, "x6")]), seeds, budget: 100, optimum: -3.32237);
    Compare("Hartmann-6 (6-d, minimise)", hartmann, p => -Hartmann6([N(p, "x1"), N(p, "x2"), N(p, "x3"), N(p, "x4"), N(p, "x5"), N(p, "x6")]), seeds, budget: 200, optimum: -3.32237);
    return;
}

int first = int.Parse(args[1], CultureInfo.InvariantCulture), last = int.Parse(args[2], CultureInfo.InvariantCulture);
int trials = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40;
var (name, estimator, space, dataset, scorer) = Task(mode);
var (x, y) = Dataset.LoadXy(dataset);
var random = new List<double>();
var tpe = new List<double>();
var seconds = new List<double>();
for (int seed = first; seed <= last; seed++)
{
    // Both strategies of a seed see the same folds; the folds change with the seed.
    SearchOptions Options(SearchStrategy strategy) => new()
    {
        Strategy = strategy,
        Trials = trials,
        Seed = seed,
        Parallelism = 1,
        Cv = new StratifiedKFold(3, Shuffle: true, Seed: 1000 + seed),
        Scoring = [Scorers.Get(scorer)],
        Refit = false,
    };
    double r = Loss(HyperparameterSearch.Run(estimator, space, x, y, Options(SearchStrategy.Random)).BestScore);
    var clock = Stopwatch.StartNew();
    double t = Loss(HyperparameterSearch.Run(estimator, space, x, y, Options(SearchStrategy.Bayes)).BestScore);
    seconds.Add(clock.Elapsed.TotalSeconds);
    random.Add(r);
    tpe.Add(t);
    Console.WriteLine(FormattableString.Invariant($"seed\t{name}\t{trials}\t{seed}\t{r:R}\t{t:R}\t{clock.Elapsed.TotalSeconds:F3}"));
}

// Every column is a loss: the negated score of neg_ scorers, the error rate for accuracy.
double Loss(double score) => scorer.StartsWith("neg_", StringComparison.Ordinal) ? -score : 1 - score;

Report(name, trials, random.Count, random, tpe, double.NaN, seconds.Average());

// The real tuning tasks: the estimator, its search space, the data set and the scorer (losses, negated by the scorer).
static (string Name, IEstimator Estimator, SearchSpace Space, string Dataset, string Scorer) Task(string task) => task switch
{
    // Gradient boosting: the learning rate interacts with the number of iterations and the tree size, and bad
    // corners (large rate, many iterations, tiny leaves) overfit the log loss badly.
    "hgb" => ("breast_cancer HGB, 3-fold CV log loss", new HistGradientBoostingClassifier(),
        SearchSpace.Parse("learning_rate=loguniform(0.001,1); max_iter=intlog(10,300); max_leaf_nodes=intlog(2,64); min_samples_leaf=intlog(1,100); l2_regularization=loguniform(0.000001,10)"),
        "breast_cancer", "neg_log_loss"),

    // RBF SVM on raw pixels: the good region is a narrow diagonal ridge in (log C, log gamma).
    "svc" => ("digits RBF SVC, 3-fold CV error", new Svc(),
        SearchSpace.Parse("C=loguniform(0.01,10000); gamma=loguniform(0.000001,1)"),
        "digits", "accuracy"),
    "logistic" => ("breast_cancer logistic, CV log loss", new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression())),
        SearchSpace.Parse("model.C=loguniform(0.0001,1000); model.max_iter=intlog(2,300); model.tol=loguniform(0.000001,0.5); model.fit_intercept=choice(true,false); scale.with_std=choice(true,false)"),
        "breast_cancer", "neg_log_loss"),
    _ => throw new ArgumentException($"unknown task '{task}': use functions, hgb, svc, logistic or summary"),
};

void Summarise(string[] files)
{
    var rows = files.SelectMany(File.ReadLines).Where(l => l.StartsWith("seed\t", StringComparison.Ordinal)).Select(l => l.Split('\t'))
        .GroupBy(f => (f[1], f[2])).ToList();
    Console.WriteLine(header);
    foreach (var g in rows)
    {
        var bySeed = g.GroupBy(f => f[3]).Select(s => s.Last()).ToList();
        Report(g.Key.Item1, int.Parse(g.Key.Item2, CultureInfo.InvariantCulture), bySeed.Count,
            [.. bySeed.Select(f => double.Parse(f[4], CultureInfo.InvariantCulture))],
            [.. bySeed.Select(f => double.Parse(f[5], CultureInfo.InvariantCulture))], double.NaN,
            bySeed.Average(f => double.Parse(f[6], CultureInfo.InvariantCulture)));
    }
}

void Compare(string name, SearchSpace searchSpace, Func<IReadOnlyDictionary<string, string>, double> objective, int seeds, int budget, double optimum)
{
    var r = new List<double>();
    var t = new List<double>();
    var time = new List<double>();
    for (int seed = 0; seed < seeds; seed++)
    {
        r.Add(-HyperparameterSearch.Optimize(searchSpace, (p, _) => objective(p), new SearchOptions { Strategy = SearchStrategy.Random, Trials = budget, Seed = seed, Parallelism = 1 }).BestScore);
        var clock = Stopwatch.StartNew();
        t.Add(-HyperparameterSearch.Optimize(searchSpace, (p, _) => objective(p), new SearchOptions { Strategy = SearchStrategy.Bayes, Trials = budget, Seed = seed, Parallelism = 1 }).BestScore);
        time.Add(clock.Elapsed.TotalSeconds);
    }

    // r and t hold the smallest function value each search found; regret is its distance to the known minimum.
    Report(name, budget, seeds, r, t, optimum, time.Average());
}

void Report(string name, int budget, int n, List<double> randomBest, List<double> tpeBest, double optimum, double tpeSeconds)
{
    // Values are losses (smaller is better).
    double reference = double.IsNaN(optimum) ? Math.Min(randomBest.Min(), tpeBest.Min()) : optimum;
    double regretRandom = randomBest.Average() - reference, regretTpe = tpeBest.Average() - reference;
    int wins = randomBest.Zip(tpeBest).Count(p => p.Second < p.First), losses = randomBest.Zip(tpeBest).Count(p => p.Second > p.First);
    Console.WriteLine(FormattableString.Invariant($"{name,-38} {budget,6} {n,5} {Fmt(randomBest),16} {Fmt(tpeBest),16} {(double.IsNaN(optimum) ? "-" : optimum.ToString("F5", CultureInfo.InvariantCulture)),9} {regretTpe / regretRandom,12:F3} {$"{wins}/{n - wins - losses}/{losses}",9} {tpeSeconds,9:F3}"));
}

static string Fmt(List<double> values)
{
    double mean = values.Average();
    double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    return FormattableString.Invariant($"{mean:F4}±{std:F4}");
}

static double N(IReadOnlyDictionary<string, string> p, string key) => double.Parse(p[key], CultureInfo.InvariantCulture);

static double Branin(double x1, double x2)
{
    const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
    return Math.Pow(x2 - (b * x1 * x1) + (c * x1) - 6, 2) + (10 * (1 - t) * Math.Cos(x1)) + 10;
}

static double Hartmann6(double[] x)
{
    double[] alpha = [1.0, 1.2, 3.0, 3.2];
    double[,] a = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    double[,] p =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };
    double sum = 0;
    for (int i = 0; i < 4; i++)
    {
        double inner = 0;
        for (int j = 0; j < 6; j++)
        {
            inner += a[i, j] * (x[j] - p[i, j]) * (x[j] - p[i, j]);
        }

        sum += alpha[i] * Math.Exp(-inner);
    }

    return -sum;
}
