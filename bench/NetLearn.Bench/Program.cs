// Fit-time benchmark: NetLearn and scikit-learn side by side on the same standardised data, same hyperparameters.
// Usage: dotnet run -c Release --project bench/NetLearn.Bench [-- REPEATS]
//        dotnet run -c Release --project bench/NetLearn.Bench -- linear [REPEATS] [TASK ...]   (see LinearPeer.cs)
using System.Diagnostics;
using System.Globalization;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Preprocessing;

if (args.Length > 0 && args[0] == "linear")
{
    NetLearn.Bench.LinearPeer.Run(args[1..]);
    return;
}

int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
string folder = Directory.CreateTempSubdirectory("netlearn-bench-").FullName;
Console.WriteLine($"{"case",-34} {"rows",6} {"cols",5} {"NetLearn s",11} {"sklearn s",10} {"ratio",7}");
try
{
    Run("logistic", "digits (10 classes)", Dataset.LoadXy("digits"), () => new LogisticRegression());
    Run("logistic", "breast_cancer (binary)", Dataset.LoadXy("breast_cancer"), () => new LogisticRegression());
    Run("linear", "diabetes", Dataset.LoadXy("diabetes"), () => new LinearRegression());
    var (bigX, bigY) = Synthetic(20_000, 50, seed: 1);
    Run("linear", "synthetic 20000x50", (bigX, bigY), () => new LinearRegression());
    var bands = Column.Create("y", [.. bigY.ToDoubleArray().Select(v => (string?)(v < -2 ? "low" : v < 0 ? "mid" : v < 2 ? "high" : "top"))]);
    Run("logistic", "synthetic 20000x50 (4 classes)", (bigX, bands), () => new LogisticRegression());
}
finally
{
    Directory.Delete(folder, recursive: true);
}

void Run(string peerModel, string name, (Table X, Column Y) data, Func<IEstimator> create)
{
    var x = new StandardScaler().Fit(data.X).Transform(data.X);
    string csv = Path.Combine(folder, "train.csv");
    x.With(data.Y.WithName("target")).WriteCsv(csv);
    create().FitModel(x, data.Y); // warm-up (JIT)
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        create().FitModel(x, data.Y);
        times.Add(clock.Elapsed.TotalSeconds);
    }

    double ours = times.Order().ElementAt(times.Count / 2);
    double peer = Peer(peerModel, csv);
    Console.WriteLine(FormattableString.Invariant($"{name,-34} {x.RowCount,6} {x.ColumnCount,5} {ours,11:F5} {peer,10:F5} {peer / ours,6:F2}x"));
}

double Peer(string model, string csv)
{
    var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "peer_fit.py"), model, csv, repeats.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardOutput = true,
    };
    using var process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
}

static (Table X, Column Y) Synthetic(int rows, int columns, int seed)
{
    var random = new Random(seed);
    var features = new Column[columns];
    var y = new double[rows];
    for (int c = 0; c < columns; c++)
    {
        var values = new double[rows];
        double weight = random.NextDouble() - 0.5;
        for (int r = 0; r < rows; r++)
        {
            values[r] = random.NextDouble() * 10;
            y[r] += weight * values[r];
        }

        features[c] = new NumericColumn(FormattableString.Invariant($"f{c}"), values);
    }

    for (int r = 0; r < rows; r++)
    {
        y[r] += random.NextDouble();
    }

    return (new Table(features), new NumericColumn("y", y));
}
