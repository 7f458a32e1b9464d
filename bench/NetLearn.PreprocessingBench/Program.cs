// Preprocessing benchmark: fit + transform time of NetLearn's transformers and scikit-learn's on the same CSV.
// Usage: dotnet run -c Release --project bench/NetLearn.PreprocessingBench [-- REPEATS [ROWS]]
using System.Diagnostics;
using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.FeatureSelection;
using NetLearn.Preprocessing;

int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
string folder = Directory.CreateTempSubdirectory("netlearn-prep-bench-").FullName;
try
{
    var (numeric, withMissing, category, target) = Synthetic(rows, 10, seed: 7);
    string numericCsv = Write(numeric.With(target), "numeric.csv");
    string missingCsv = Write(withMissing, "missing.csv");
    string categoryCsv = Write(new Table(category), "category.csv");
    var small = withMissing.Take([.. Enumerable.Range(0, 5000)]);
    string smallCsv = Write(small, "small.csv");
    var smallNumeric = numeric.Take([.. Enumerable.Range(0, 5000)]);
    string smallTargetCsv = Write(smallNumeric.With(target.Take([.. Enumerable.Range(0, 5000)])), "small_target.csv");

    Console.WriteLine($"{"case",-40} {"rows",7} {"NetLearn s",11} {"sklearn s",10} {"ratio",7}");
    Run("minmax", "MinMaxScaler", numeric, null, numericCsv, () => new MinMaxScaler());
    Run("robust", "RobustScaler", numeric, null, numericCsv, () => new RobustScaler());
    Run("median_imputer", "SimpleImputer(median)", withMissing, null, missingCsv, () => new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Median }));
    Run("quantile", "QuantileTransformer(1000)", numeric, null, numericCsv, () => new QuantileTransformer());
    Run("yeo_johnson", "PowerTransformer(yeo-johnson)", numeric, null, numericCsv, () => new PowerTransformer());
    Run("kbins", "KBinsDiscretizer(quantile, ordinal)", numeric, null, numericCsv, () => new KBinsDiscretizer(new KBinsDiscretizerOptions { Encode = BinEncoding.Ordinal }));
    Run("poly", "PolynomialFeatures(2)", numeric, null, numericCsv, () => new PolynomialFeatures());
    Run("onehot", "OneHotEncoder(50 levels)", new Table(category), null, categoryCsv, () => new OneHotEncoder());
    Run("f_regression", "SelectKBest(f_regression, 5)", numeric, target, numericCsv, () => new SelectKBest(new SelectKBestOptions { K = 5, ScoreFunc = ScoreFunction.FRegression }));
    Run("knn_imputer", "KNNImputer (5000 rows)", small, null, smallCsv, () => new KnnImputer());
    Run("iterative_imputer", "IterativeImputer (5000 rows)", small, null, smallCsv, () => new IterativeImputer());
    Run("mutual_info", "SelectKBest(mutual_info_regression)", smallNumeric, target.Take([.. Enumerable.Range(0, 5000)]), smallTargetCsv, () => new SelectKBest(new SelectKBestOptions { K = 5, ScoreFunc = ScoreFunction.MutualInfoRegression }));
}
finally
{
    Directory.Delete(folder, recursive: true);
}

string Write(Table table, string name)
{
    string path = Path.Combine(folder, name);
    table.WriteCsv(path);
    return path;
}

void Run(string peerCase, string name, Table x, Column? y, string csv, Func<IEstimator> create)
{
    _ = ((ITransformerModel)create().FitModel(x, y)).Transform(x); // warm-up (JIT)
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        _ = ((ITransformerModel)create().FitModel(x, y)).Transform(x);
        times.Add(clock.Elapsed.TotalSeconds);
    }

    double ours = times.Order().ElementAt(times.Count / 2);
    double peer = Peer(peerCase, csv);
    Console.WriteLine(FormattableString.Invariant($"{name,-40} {x.RowCount,7} {ours,11:F4} {peer,10:F4} {peer / ours,6:F2}x"));
}

double Peer(string name, string csv)
{
    var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "peer_preprocess.py"), name, csv, repeats.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardOutput = true,
    };
    using var process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
}

static (Table Numeric, Table WithMissing, Column Category, Column Target) Synthetic(int rows, int columns, int seed)
{
    var rng = new Random(seed);
    var numeric = new List<Column>();
    var missing = new List<Column>();
    double[] target = new double[rows];
    for (int c = 0; c < columns; c++)
    {
        double[] values = new double[rows];
        double[] holes = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            values[i] = c % 2 == 0 ? z : Math.Exp(z / 2);
            holes[i] = rng.NextDouble() < 0.05 ? double.NaN : values[i];
            target[i] += (c + 1) * 0.1 * values[i];
        }

        numeric.Add(new NumericColumn($"x{c}", values));
        missing.Add(new NumericColumn($"x{c}", holes));
    }

    string?[] levels = [.. Enumerable.Range(0, rows).Select(_ => "level" + rng.Next(50).ToString(CultureInfo.InvariantCulture))];
    return (new Table(numeric), new Table(missing), Column.Create("city", levels), new NumericColumn("target", target));
}
