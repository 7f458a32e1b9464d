// Bayesian (TPE) vs random search at equal budgets, averaged over seeds: Branin, Hartmann-6 and a real tuning task.
// Usage: dotnet run -c Release --project bench/NetLearn.SearchBench [-- SEEDS [TASK_SEEDS]]
using System.Diagnostics;
using System.Globalization;
using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;

int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
int taskSeeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;

Console.WriteLine($"{"problem",-34} {"budget",6} {"seeds",5} {"random best",14} {"TPE best",14} {"optimum",9} {"regret ratio",12} {"TPE wins",8} {"TPE s/run",9}");

var branin = SearchSpace.Parse("x1=uniform(-5,10); x2=uniform(0,15)");
Compare("Branin (2-d, minimise)", branin, p => -Branin(N(p, "x1"), N(p, "x2")), budget: 50, optimum: 0.397887);
Compare("Branin (2-d, minimise)", branin, p => -Branin(N(p, "x1"), N(p, "x2")), budget: 100, optimum: 0.397887);

var hartmann = SearchSpace.Parse("x1=uniform(0,1); x2=uniform(0,1); x3=uniform(0,1); x4=uniform(0,1); x5=uniform(0,1); x6=uniform(0,1)");
Compare("Hartmann-6 (6-d, minimise)", hartmann, p => -Hartmann6([N(p, "x1"), N(p, "x2"), N(p, "x3"), N(p, "x4"), N(p, "x5"), N(p, "x6")]), budget: 100, optimum: -3.32237);
Compare("Hartmann-6 (6-d, minimise)", hartmann, p => -Hartmann6([N(p, "x1"), N(p, "x2"), N(p, "x3"), N(p, "x4"), N(p, "x5"), N(p, "x6")]), budget: 200, optimum: -3.32237);

// A real tuning task: scaled logistic regression on breast cancer, 3-fold CV log loss, five hyperparameters
// (two of them can ruin the model: too few iterations, or a loose tolerance).
var (x, y) = Dataset.LoadXy("breast_cancer");
var pipeline = new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression()));
var space = SearchSpace.Parse("model.C=loguniform(0.0001,1000); model.max_iter=intlog(2,300); model.tol=loguniform(0.000001,0.5); model.fit_intercept=choice(true,false); scale.with_std=choice(true,false)");
var random = new List<double>();
var tpe = new List<double>();
var seconds = new List<double>();
for (int seed = 0; seed < taskSeeds; seed++)
{
    SearchOptions Options(SearchStrategy strategy) => new()
    {
        Strategy = strategy,
        Trials = 30,
        Seed = seed,
        Parallelism = 2,
        Cv = new StratifiedKFold(3, Shuffle: true, Seed: seed),
        Scoring = [Scorers.Get("neg_log_loss")],
        Refit = false,
    };
    random.Add(HyperparameterSearch.Run(pipeline, space, x, y, Options(SearchStrategy.Random)).BestScore);
    var clock = Stopwatch.StartNew();
    tpe.Add(HyperparameterSearch.Run(pipeline, space, x, y, Options(SearchStrategy.Bayes)).BestScore);
    seconds.Add(clock.Elapsed.TotalSeconds);
}

if (taskSeeds > 0)
{
    Report("breast_cancer logistic, CV log loss", 30, taskSeeds, [.. random.Select(v => -v)], [.. tpe.Select(v => -v)], double.NaN, seconds.Average());
}

void Compare(string name, SearchSpace searchSpace, Func<IReadOnlyDictionary<string, string>, double> objective, int budget, double optimum)
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
    int wins = randomBest.Zip(tpeBest).Count(p => p.Second < p.First);
    Console.WriteLine(FormattableString.Invariant($"{name,-34} {budget,6} {n,5} {Fmt(randomBest),14} {Fmt(tpeBest),14} {(double.IsNaN(optimum) ? "-" : optimum.ToString("F5", CultureInfo.InvariantCulture)),9} {regretTpe / regretRandom,12:F3} {wins,4}/{n,-3} {tpeSeconds,9:F3}"));
}

static string Fmt(List<double> values)
{
    double mean = values.Average();
    double sem = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
    return FormattableString.Invariant($"{mean:F4}±{sem:F4}");
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
