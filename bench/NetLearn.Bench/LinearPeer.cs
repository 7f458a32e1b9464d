using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.Neighbors;
using NetLearn.Svm;

namespace NetLearn.Bench;

/// <summary>
/// `linear` mode: the linear family, SVC and kNN side by side with scikit-learn on the same data (bench/linear_peer.py
/// generates it as raw float64 files). Both sides use the same thread count: Environment.ProcessorCount here (set it
/// with DOTNET_PROCESSOR_COUNT), OMP_NUM_THREADS/OPENBLAS_NUM_THREADS for scikit-learn.
/// Usage: dotnet run -c Release --project bench/NetLearn.Bench -- linear [REPEATS] [TASK ...]
/// </summary>
internal static class LinearPeer
{
    private static readonly string[] AllTasks = ["linreg", "ridge", "logistic", "logistic_l1", "logistic_l1_saga", "logistic_l1_multinomial", "lasso", "svc", "svc_noshrink", "knn"];

    public static void Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        string[] tasks = args.Length > 1 ? args[1..] : AllTasks;
        string script = Path.Combine(AppContext.BaseDirectory, "linear_peer.py");
        string folder = Path.Combine(Path.GetTempPath(), "netlearn-linear-bench");
        if (!File.Exists(Path.Combine(folder, "svc.json")))
        {
            Python(script, ["gen", folder], threads: Environment.ProcessorCount);
        }
        else if (!File.Exists(Path.Combine(folder, "multiclass.json")))
        {
            Python(script, ["gen", folder, "multiclass"], threads: Environment.ProcessorCount);
        }

        int threads = Environment.ProcessorCount;
        Console.WriteLine(FormattableString.Invariant($"threads: {threads} (both sides)"));
        Console.WriteLine($"{"task",-10} {"rows",9} {"cols",5} {"fit NetLearn",13} {"fit sklearn",12} {"ratio",7} {"predict NL",11} {"predict sk",11} {"score NL",9} {"score sk",9}");
        foreach (string task in tasks)
        {
            string data = task switch { "ridge" => "linreg", "svc_noshrink" => "svc", "logistic_l1" or "logistic_l1_saga" => "logistic", "logistic_l1_multinomial" => "multiclass", _ => task };
            var (xTrain, yTrain, xTest, yTest) = Load(folder, data);
            bool classifier = task is "logistic" or "logistic_l1" or "logistic_l1_saga" or "logistic_l1_multinomial" or "svc" or "svc_noshrink" or "knn";
            Column target = classifier ? new NumericColumn("y", yTrain) : new NumericColumn("y", yTrain);
            Func<IEstimator> create = task switch
            {
                "linreg" => () => new LinearRegression(),
                "ridge" => () => new Ridge(new RidgeOptions { Alpha = 1.0 }),
                "logistic" => () => new LogisticRegression(),
                "logistic_l1" => () => new LogisticRegression(new LogisticRegressionOptions { Penalty = Penalty.L1, Solver = LogisticSolver.Liblinear, C = 1.0 }),
                "logistic_l1_saga" or "logistic_l1_multinomial" => () => new LogisticRegression(new LogisticRegressionOptions { Penalty = Penalty.L1, Solver = LogisticSolver.Saga, C = 1.0 }),
                "lasso" => () => new Lasso(new LassoOptions { Alpha = 1.0 }),
                "svc" => () => new Svc(),
                "svc_noshrink" => () => new Svc(new SvcOptions { Shrinking = false }),
                "knn" => () => new KNeighborsClassifier(),
                _ => throw new ArgumentException($"unknown task {task}"),
            };

            // One untimed fit on a 2,000-row slice compiles the hot paths (scikit-learn's are compiled ahead of time),
            // as in bench/NetLearn.Bench.Supervised.
            int[] slice = [.. Enumerable.Range(0, Math.Min(2000, xTrain.RowCount))];
            create().FitModel(xTrain.Take(slice), target.Take(slice));

            var fits = new List<double>();
            var predicts = new List<double>();
            double score = 0;
            IPredictor? model = null;
            var pause = GC.GetTotalPauseDuration();
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                model = (IPredictor)create().FitModel(xTrain, target);
                fits.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                var predicted = model.Predict(xTest);
                predicts.Add(clock.Elapsed.TotalSeconds);
                var truth = new NumericColumn("y", yTest);
                score = classifier ? ClassificationMetrics.Accuracy(truth, predicted) : RegressionMetrics.R2(truth, predicted);
            }

            var peer = JsonDocument.Parse(Python(script, ["run", folder, task, repeats.ToString(CultureInfo.InvariantCulture)], threads)).RootElement;
            double ours = Median(fits), theirs = peer.GetProperty("fit").GetDouble();
            Console.WriteLine(FormattableString.Invariant(
                $"{task,-10} {xTrain.RowCount,9} {xTrain.ColumnCount,5} {ours,13:F4} {theirs,12:F4} {theirs / ours,6:F2}x {Median(predicts),11:F4} {peer.GetProperty("predict").GetDouble(),11:F4} {score,9:F4} {peer.GetProperty("score").GetDouble(),9:F4}"));
            Console.WriteLine(FormattableString.Invariant($"           NetLearn GC pauses over {repeats} fits and predicts: {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F3} s"));
            if (model is LogisticRegressionModel logistic && peer.TryGetProperty("coef", out var peerCoef))
            {
                double[] theirsCoef = [.. peerCoef.EnumerateArray().Select(v => v.GetDouble())];
                double[] oursCoef = [.. logistic.Coefficients.AsSpan().ToArray(), .. logistic.Intercept];
                double scale = theirsCoef.Max(Math.Abs), gap = oursCoef.Zip(theirsCoef, (a, b) => Math.Abs(a - b)).Max();
                Console.WriteLine(FormattableString.Invariant(
                    $"           solution: max |coef NetLearn - coef scikit-learn| = {gap:E2} ({gap / scale:E2} of the largest); iterations NetLearn {logistic.Iterations}, scikit-learn {peer.GetProperty("n_iter").GetInt32()}; zero coefficients {oursCoef.Count(v => v == 0)} / {theirsCoef.Count(v => v == 0)}"));
                double ourObjective = Objective(task, xTrain, yTrain, oursCoef), theirObjective = Objective(task, xTrain, yTrain, theirsCoef);
                Console.WriteLine(FormattableString.Invariant(
                    $"           objective (train): NetLearn {ourObjective:F6}, scikit-learn {theirObjective:F6} (difference {ourObjective - theirObjective:E2})"));
            }
        }
    }

    // The problem's objective at coefficients w (intercept last): Σ logloss + penalty with C = 1 (l2: ½‖w‖²;
    // l1: ‖w‖₁, the intercept included for liblinear, whose intercept is a penalised feature of value 1).
    private static double Objective(string task, Table x, double[] y, double[] w)
    {
        var m = x.ToMatrix();
        int p = m.Columns;
        if (task == "logistic_l1_multinomial")
        {
            return MultinomialObjective(m, y, w);
        }

        double loss = 0;
        for (int r = 0; r < m.Rows; r++)
        {
            double z = System.Numerics.Tensors.TensorPrimitives.Dot<double>(m.Row(r), w.AsSpan(0, p)) + w[p];
            loss += Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - (y[r] * z);
        }

        var coef = w.AsSpan(0, p);
        return task switch
        {
            "logistic" => loss + (0.5 * System.Numerics.Tensors.TensorPrimitives.Dot<double>(coef, coef)),
            "logistic_l1" => loss + System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes<double>(w),
            _ => loss + System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes<double>(coef),
        };
    }

    // k classes (labels 0..k−1): w = k rows of p coefficients, then k intercepts; Σ (log Σ_c e^{z_c} − z_y) + ‖coef‖₁.
    private static double MultinomialObjective(Matrix m, double[] y, double[] w)
    {
        int p = m.Columns, k = w.Length / (p + 1);
        var z = new double[k];
        double loss = 0;
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < k; c++)
            {
                z[c] = System.Numerics.Tensors.TensorPrimitives.Dot<double>(m.Row(r), w.AsSpan(c * p, p)) + w[(k * p) + c];
            }

            double max = z.Max();
            loss += max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[(int)y[r]];
        }

        return loss + System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes<double>(w.AsSpan(0, k * p));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static (Table XTrain, double[] YTrain, Table XTest, double[] YTest) Load(string folder, string name)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, $"{name}.json")));
        int p = meta.RootElement.GetProperty("columns").GetInt32();
        return (Features(Path.Combine(folder, $"{name}.xtrain.f64"), p), Values(Path.Combine(folder, $"{name}.ytrain.f64")),
            Features(Path.Combine(folder, $"{name}.xtest.f64"), p), Values(Path.Combine(folder, $"{name}.ytest.f64")));
    }

    private static double[] Values(string path) => MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path)).ToArray();

    private static Table Features(string path, int p)
    {
        double[] all = Values(path);
        int n = all.Length / p;
        var columns = new Column[p];
        for (int c = 0; c < p; c++)
        {
            var values = new double[n];
            for (int r = 0; r < n; r++)
            {
                values[r] = all[(r * p) + c];
            }

            columns[c] = new NumericColumn(FormattableString.Invariant($"x{c}"), values);
        }

        return new Table(columns);
    }

    private static string Python(string script, string[] arguments, int threads)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [script, .. arguments]) { RedirectStandardOutput = true };
        string count = threads.ToString(CultureInfo.InvariantCulture);
        start.Environment["OMP_NUM_THREADS"] = count;
        start.Environment["OPENBLAS_NUM_THREADS"] = count;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"python3 {string.Join(' ', arguments)} failed ({process.ExitCode})");
    }
}
