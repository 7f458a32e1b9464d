using System.Globalization;
using System.Text;
using NetLearn.Data;
using NetLearn.Metrics;
using NetLearn.ModelSelection;

namespace NetLearn.Bench.Supervised;

/// <summary>
/// Accuracy on bird strikes over many stratified random 80/20 splits of its 10,000 rows, every side on the same splits,
/// with paired differences against the first side (NetLearn's defaults unless told): is a gap on the single committed split noise or real? Accuracy only; the
/// timings of the <c>all</c> mode stay the speed measurement. The regression variant does the same for R² of the
/// speed target on plain random 80/20 splits of the 7,163 rows whose speed is present.
/// </summary>
/// <remarks>
/// The standard error of a mean paired difference over random splits is too small when the splits overlap (the same rows
/// train every model); next to the naive SE = sd(d)/√K this prints the corrected resampled-t SE of Nadeau and Bengio
/// (2003, "Inference for the generalization error"): sd(d)·√(1/K + n_test/n_train).
/// </remarks>
internal static class RepeatedSplits
{
    /// <summary>
    /// The sides: the table's four libraries at their defaults, then diagnostic swaps. On the command line a side is an
    /// index into this list (or <see cref="RegressionSides"/>) or an ad-hoc <c>KIND|ARG</c> (for example
    /// <c>netlearn|set:learning_rate=0.08</c>).
    /// </summary>
    public static readonly (string Label, string Kind, string Arg)[] Sides =
    [
        ("NetLearn defaults (one-vs-rest categories below 50k rows, Friedman multiclass step)", "netlearn", string.Empty),
        ("ML.NET LightGBM (one-hot, ML.NET's defaults, as in the table)", "mlnet", "lightgbm"),
        ("scikit-learn 1.2 HGB (categorical_features)", "python", "sklearn"),
        ("XGBoost hist (enable_categorical)", "python", "xgboost"),
        ("NetLearn with scikit-learn's algorithm (categorical_split=partition, scale_multiclass_step=false)", "netlearn", "set:categorical_split=partition,scale_multiclass_step=false"),
        ("ML.NET LightGBM (one-hot) at scikit-learn's hyperparameters", "mlnet", "lightgbm-sk"),
        ("ML.NET LightGBM native categorical at scikit-learn's hyperparameters", "mlnet", "lightgbm-sk-cat"),
        ("NetLearn defaults on one-hot columns (ML.NET's input)", "netlearn", "onehot"),
        ("NetLearn partition splits + cat_l2=10, min_data_per_group=100 (LightGBM's)", "netlearn", "set:categorical_split=partition,cat_l2=10,min_data_per_group=100"),
        ("NetLearn partition splits, Friedman step (categorical_split=partition)", "netlearn", "set:categorical_split=partition"),
        ("NetLearn one-vs-rest, scikit-learn's step (scale_multiclass_step=false)", "netlearn", "set:scale_multiclass_step=false"),
    ];

    /// <summary>The sides of the regression variant (bird-strike speed): the table's five libraries, then diagnostics.</summary>
    public static readonly (string Label, string Kind, string Arg)[] RegressionSides =
    [
        ("NetLearn defaults (one-vs-rest categories below 50k rows)", "netlearn", string.Empty),
        ("ML.NET LightGBM (one-hot, ML.NET's defaults, as in the table)", "mlnet", "lightgbm"),
        ("scikit-learn 1.2 HGB (categorical_features)", "python", "sklearn"),
        ("XGBoost hist (enable_categorical)", "python", "xgboost"),
        ("ML.NET FastTree (one-hot)", "mlnet", "fasttree"),
        ("NetLearn defaults on one-hot columns (ML.NET's input)", "netlearn", "onehot"),
        ("NetLearn with scikit-learn's algorithm (categorical_split=partition)", "netlearn", "set:categorical_split=partition"),
        ("NetLearn partition splits + cat_l2=10, min_data_per_group=100 (LightGBM's)", "netlearn", "set:categorical_split=partition,cat_l2=10,min_data_per_group=100"),
        ("NetLearn at ML.NET LightGBM's effective lr 0.2 / 20 leaves / L2 0.01", "netlearn", "set:learning_rate=0.2,max_leaf_nodes=20,l2_regularization=0.01"),
    ];

    /// <summary>The sides named on the command line (indices or <c>KIND|ARG</c>); every side when none is named.</summary>
    public static IReadOnlyList<(string Label, string Kind, string Arg)> Parse(IReadOnlyList<string> names, bool regression)
    {
        var known = regression ? RegressionSides : Sides;
        return names.Count == 0
            ? known
            : [.. names.Select(a => a.Contains('|')
                ? (a, a[..a.IndexOf('|')], a[(a.IndexOf('|') + 1)..])
                : known[int.Parse(a, CultureInfo.InvariantCulture)])];
    }

    /// <summary>Fits every side on every split; differences are taken against the first side.</summary>
    public static int Run(string dataDir, int splits, int threads, IReadOnlyList<(string Label, string Kind, string Arg)> sides, bool regression = false)
    {
        string task = regression ? "birdstrikes_hgb_regression" : "birdstrikes_hgb";
        var dirs = Prepare(Path.Combine(dataDir, regression ? "birdstrikes-regression-splits" : "birdstrikes-splits"), splits, regression, out double nTrain, out double nTest, out double[] majority);
        var scores = new double[sides.Count][];
        var logLosses = new double[sides.Count][];
        var parameters = new string?[sides.Count];
        for (int s = 0; s < sides.Count; s++)
        {
            scores[s] = new double[splits];
            logLosses[s] = new double[splits];
            var (label, kind, arg) = sides[s];
            for (int k = 0; k < splits; k++)
            {
                var m = Harness.Run(kind, arg, task, dirs[k], threads)
                    ?? throw new InvalidOperationException($"{label} produced no result on split {k}");
                scores[s][k] = m.Score;
                logLosses[s][k] = m.LogLoss ?? double.NaN;
                parameters[s] ??= m.Extra;
                Console.Error.WriteLine(FormattableString.Invariant($"split {k} | {label} | {m.Score:0.0000}{(m.LogLoss is { } l ? $" | log loss {l:0.0000}" : "")}"));
            }
        }

        Console.WriteLine(Report(sides, regression, scores, logLosses, parameters, majority, nTest / nTrain));
        return 0;
    }

    /// <summary>
    /// Writes split k's train/test CSVs (the source lines, unchanged) under <paramref name="root"/>/k: stratified by
    /// damage class, or for <paramref name="regression"/> plain random splits of the rows whose speed is present.
    /// <paramref name="majority"/> is the score of the constant model on each test part: the majority class's accuracy,
    /// or the R² of the training mean.
    /// </summary>
    private static string[] Prepare(string root, int splits, bool regression, out double nTrain, out double nTest, out double[] majority)
    {
        string parity = Path.Combine(Harness.RepositoryRoot(), "tests", "NetLearn.Cli.Tests", "Parity");
        string[] trainLines = File.ReadAllLines(Path.Combine(parity, "birdstrikes_train.csv"));
        string[] testLines = File.ReadAllLines(Path.Combine(parity, "birdstrikes_test.csv"));
        string header = trainLines[0];
        string[] rows = [.. trainLines.Skip(1), .. testLines.Skip(1)];
        Directory.CreateDirectory(root);
        string all = Path.Combine(root, "all.csv");
        File.WriteAllLines(all, [header, .. rows]);
        var table = Table.ReadCsv(all);
        if (table.RowCount != rows.Length)
        {
            throw new InvalidOperationException($"{all}: {table.RowCount} rows read from {rows.Length} lines; a field spans lines, so lines cannot be copied");
        }

        if (regression)
        {
            var speed = (NumericColumn)table[BenchData.BirdSpeed];
            rows = [.. rows.Where((_, i) => !double.IsNaN(speed[i]))];
            table = table.Take([.. Enumerable.Range(0, speed.Length).Where(i => !double.IsNaN(speed[i]))]);
        }

        var target = table[regression ? BenchData.BirdSpeed : BenchData.BirdDamage];
        string stem = regression ? "birdstrikes_regression" : "birdstrikes";
        var dirs = new string[splits];
        majority = new double[splits];
        nTrain = nTest = 0;
        for (int k = 0; k < splits; k++)
        {
            var (train, test) = TrainTestSplit.Indices(rows.Length, 0.2, seed: k, stratifyBy: regression ? null : target);
            dirs[k] = Path.Combine(root, k.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dirs[k]);
            File.WriteAllLines(Path.Combine(dirs[k], stem + "_train.csv"), [header, .. train.Select(i => rows[i])]);
            File.WriteAllLines(Path.Combine(dirs[k], stem + "_test.csv"), [header, .. test.Select(i => rows[i])]);
            if (regression)
            {
                var y = (NumericColumn)target;
                double mean = train.Average(i => y[i]);
                majority[k] = RegressionMetrics.R2([.. test.Select(i => y[i])], [.. test.Select(_ => mean)]);
            }
            else
            {
                string mostFrequent = train.GroupBy(i => target.FormatValue(i)).OrderByDescending(g => g.Count()).First().Key!;
                majority[k] = test.Count(i => target.FormatValue(i) == mostFrequent) / (double)test.Length;
            }

            (nTrain, nTest) = (train.Length, test.Length);
        }

        return dirs;
    }

    private static string Report(IReadOnlyList<(string Label, string Kind, string Arg)> sides, bool regression, double[][] scores, double[][] logLosses, string?[] parameters, double[] majority, double testTrainRatio)
    {
        int k = majority.Length;
        string metric = regression ? "R²" : "accuracy";
        var text = new StringBuilder();
        text.AppendLine(regression
            ? FormattableString.Invariant($"Bird-strike speed, {k} random 80/20 splits (seeds 0..{k - 1}) of the rows whose speed is present; R² on each test part.")
            : FormattableString.Invariant($"Bird strikes, {k} stratified random 80/20 splits (seeds 0..{k - 1}) of the 10,000 rows; accuracy and log loss on each test part."));
        text.AppendLine(regression
            ? FormattableString.Invariant($"The training mean on the test parts: R² {majority.Average():0.0000}.")
            : FormattableString.Invariant($"Majority class (\"None\") on the test parts: {majority.Average():0.0000}."));
        text.AppendLine($"d = side − {sides[0].Label} per split; SE(naive) = sd(d)/√K; SE(NB) = sd(d)·√(1/K + n_test/n_train) (Nadeau & Bengio 2003).");
        text.AppendLine();
        text.AppendLine($"| side | mean {metric} | sd | mean d vs the first side | SE(naive) | SE(NB) | splits side better / equal / worse |{(regression ? "" : " mean log loss | d log loss | SE(NB) |")}");
        text.AppendLine($"|---|---:|---:|---:|---:|---:|---|{(regression ? "" : "---:|---:|---:|")}");
        double[] ours = scores[0];
        for (int s = 0; s < sides.Count; s++)
        {
            double[] a = scores[s];
            string diff = " | | | ";
            if (s != 0)
            {
                double[] d = [.. a.Select((v, i) => v - ours[i])];
                double sd = StandardDeviation(d);
                diff = FormattableString.Invariant(
                    $"{d.Average():+0.0000;-0.0000;0.0000} | {sd / Math.Sqrt(k):0.0000} | {sd * Math.Sqrt((1.0 / k) + testTrainRatio):0.0000} | {d.Count(x => x > 0)} / {d.Count(x => x == 0)} / {d.Count(x => x < 0)}");
            }

            string loss = "";
            if (!regression)
            {
                double[] l = logLosses[s];
                double[] dl = [.. l.Select((v, i) => v - logLosses[0][i])];
                loss = s == 0
                    ? FormattableString.Invariant($" {l.Average():0.0000} | | |")
                    : FormattableString.Invariant($" {l.Average():0.0000} | {dl.Average():+0.0000;-0.0000;0.0000} | {StandardDeviation(dl) * Math.Sqrt((1.0 / k) + testTrainRatio):0.0000} |");
            }

            text.AppendLine(FormattableString.Invariant($"| {sides[s].Label} | {a.Average():0.0000} | {StandardDeviation(a):0.0000} | {diff} |{loss}"));
        }

        text.AppendLine();
        text.AppendLine("Effective hyperparameters (as each library reports them after the fit on split 0):");
        for (int s = 0; s < sides.Count; s++)
        {
            text.AppendLine(FormattableString.Invariant($"- {sides[s].Label}: {parameters[s] ?? "(not reported)"}"));
        }

        return text.ToString();
    }

    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
