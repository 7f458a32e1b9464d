using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using NetLearn.Data;
using RegressionMetrics = NetLearn.Metrics.RegressionMetrics;

namespace NetLearn.Bench.Supervised;

/// <summary>Runs one benchmark case with ML.NET 5 in this process.</summary>
internal static class MlNetRunner
{
    public static Measurement Run(string trainer, string task, string dataDir, int threads)
    {
        var ml = new MLContext(seed: 0);
        if (task == "birdstrikes_hgb")
        {
            return Birdstrikes(ml, trainer, dataDir, threads);
        }

        if (task is "hgb_regression" or "birdstrikes_hgb_regression")
        {
            return Regression(ml, trainer, task, dataDir, threads);
        }

        var (train, test, target, _) = BenchData.Load(task, dataDir);
        var trainRows = Rows(train, target);
        var testRows = Rows(test, target);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, trainRows[0].Features.Length);
        var trainView = ml.Data.LoadFromEnumerable(trainRows, schema);
        var testView = ml.Data.LoadFromEnumerable(testRows, schema);
        IEstimator<ITransformer> estimator = trainer switch
        {
            "fastforest" => ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options { NumberOfTrees = 100, NumberOfThreads = threads }),
            "fasttree" => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 100, NumberOfThreads = threads }),
            "lightgbm" => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 100, NumberOfThreads = threads }),
            "lbfgs" => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = threads }),
            _ => throw new ArgumentException($"unknown ML.NET trainer {trainer}"),
        };

        var (model, fit, fitCpu) = TimedFit(estimator, trainView);
        var clock = Stopwatch.StartNew();
        var predicted = ml.Data.CreateEnumerable<Prediction>(model.Transform(testView), reuseRowObject: false).ToArray();
        double predict = clock.Elapsed.TotalSeconds;
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            correct += predicted[i].PredictedLabel == testRows[i].Label ? 1 : 0;
        }

        return new Measurement("ML.NET " + Name(trainer), task, threads, fit, predict, Memory.PeakMegabytes(), (double)correct / predicted.Length) { FitCpuSeconds = fitCpu };
    }

    private static string Name(string trainer) => trainer switch
    {
        "fastforest" => "FastForest",
        "fasttree" => "FastTree",
        "lightgbm" => "LightGBM",
        _ => "L-BFGS",
    };

    private static Row[] Rows(Table table, string target)
    {
        var x = table.Drop(target).ToMatrix();
        var y = table[target];
        var rows = new Row[x.Rows];
        for (int i = 0; i < rows.Length; i++)
        {
            var features = new float[x.Columns];
            for (int j = 0; j < features.Length; j++)
            {
                features[j] = (float)x[i, j];
            }

            rows[i] = new Row { Features = features, Label = y.FormatValue(i) == "1" };
        }

        return rows;
    }

    /// <summary>
    /// Bird strikes through ML.NET's usual route: categories one-hot encoded, then LightGBM. "lightgbm" keeps ML.NET's
    /// defaults (below 50,000 rows ML.NET picks learning rate 0.2, 20 leaves, rows per leaf from the class count,
    /// one-vs-all binary objectives and no categorical splits); "lightgbm-sk" sets scikit-learn's hyperparameters
    /// (0.1, 31 leaves, 20 rows per leaf, softmax, no L2, min hessian 1e-3); "lightgbm-sk-cat" also lets LightGBM
    /// split the one-hot slot ranges as native categories.
    /// </summary>
    private static Measurement Birdstrikes(MLContext ml, string trainer, string dataDir, int threads)
    {
        var train = Table.ReadCsv(Path.Combine(dataDir, "birdstrikes_train.csv"));
        var test = Table.ReadCsv(Path.Combine(dataDir, "birdstrikes_test.csv"));
        const string target = BenchData.BirdDamage;
        string[] categorical = [.. train.Columns.Where(c => c.Name != target && c.Kind != ColumnKind.Numeric).Select(c => c.Name)];
        string[] numeric = [.. train.Columns.Where(c => c.Name != target && c.Kind == ColumnKind.Numeric).Select(c => c.Name)];
        var trainView = ml.Data.LoadFromEnumerable(BirdRows(train, target, categorical, numeric), BirdSchema(categorical.Length, numeric.Length));
        var testView = ml.Data.LoadFromEnumerable(BirdRows(test, target, categorical, numeric), BirdSchema(categorical.Length, numeric.Length));
        var options = new LightGbmMulticlassTrainer.Options { NumberOfIterations = 100, NumberOfThreads = threads };
        if (trainer is "lightgbm-sk" or "lightgbm-sk-cat")
        {
            options.LearningRate = 0.1;
            options.NumberOfLeaves = 31;
            options.MinimumExampleCountPerLeaf = 20;
            options.UseSoftmax = true;
            options.Booster = new GradientBooster.Options { L2Regularization = 0, MinimumChildWeight = 1e-3 };
            options.UseCategoricalSplit = trainer == "lightgbm-sk-cat";
        }
        else if (trainer != "lightgbm")
        {
            throw new ArgumentException($"unknown ML.NET trainer {trainer} for bird strikes");
        }

        var lightGbm = ml.MulticlassClassification.Trainers.LightGbm(options);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Target")
            .Append(ml.Transforms.Categorical.OneHotEncoding("Categories", "Categories"))
            .Append(ml.Transforms.Concatenate("Features", "Categories", "Numbers"))
            .Append(lightGbm);
        var (model, fit, fitCpu) = TimedFit(pipeline, trainView);
        var clock = Stopwatch.StartNew();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
        double predict = clock.Elapsed.TotalSeconds;
        string library = trainer == "lightgbm" ? "ML.NET LightGBM" : $"ML.NET LightGBM ({trainer})";
        return new Measurement(library, "birdstrikes_hgb", threads, fit, predict, Memory.PeakMegabytes(), metrics.MicroAccuracy) { FitCpuSeconds = fitCpu, Extra = EffectiveParameters(lightGbm), LogLoss = metrics.LogLoss };
    }

    /// <summary>
    /// The regression cases at ML.NET's defaults (100 iterations / trees): numbers as they are on the synthetic task;
    /// on bird strikes every feature is categorical and goes through ML.NET's usual one-hot encoding, as in the
    /// classification case. R² and RMSE are computed here from the predictions, with the formulas every side uses.
    /// </summary>
    private static Measurement Regression(MLContext ml, string trainer, string task, string dataDir, int threads)
    {
        var (train, test, target, _) = BenchData.Load(task, dataDir);
        string[] categorical = [.. train.Columns.Where(c => c.Name != target && c.Kind != ColumnKind.Numeric).Select(c => c.Name)];
        string[] numeric = [.. train.Columns.Where(c => c.Name != target && c.Kind == ColumnKind.Numeric).Select(c => c.Name)];
        var schema = SchemaDefinition.Create(typeof(RegressionRow));
        schema["Categories"].ColumnType = new VectorDataViewType(TextDataViewType.Instance, Math.Max(1, categorical.Length));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Math.Max(1, numeric.Length));
        var trainView = ml.Data.LoadFromEnumerable(RegressionRows(train, target, categorical, numeric), schema);
        var testView = ml.Data.LoadFromEnumerable(RegressionRows(test, target, categorical, numeric), schema);
        IEstimator<ITransformer> learner = trainer switch
        {
            "lightgbm" => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 100, NumberOfThreads = threads }),
            "fasttree" => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfTrees = 100, NumberOfThreads = threads }),
            _ => throw new ArgumentException($"unknown ML.NET regression trainer {trainer}"),
        };

        // Numbers go to the trainer as they are (the numeric input column is "Features", as in the classification cases);
        // categories are one-hot encoded first. A vector column cannot be empty, so the part the data lacks holds one
        // placeholder value that the pipeline never reads.
        IEstimator<ITransformer> pipeline = (categorical.Length, numeric.Length) switch
        {
            (0, _) => learner,
            (_, 0) => ml.Transforms.Categorical.OneHotEncoding("Features", "Categories").Append(learner),
            _ => ml.Transforms.Categorical.OneHotEncoding("Categories", "Categories").Append(ml.Transforms.Concatenate("Features", "Categories", "Features")).Append(learner),
        };
        var (model, fit, fitCpu) = TimedFit(pipeline, trainView);
        var clock = Stopwatch.StartNew();
        double[] predicted = [.. ml.Data.CreateEnumerable<RegressionPrediction>(model.Transform(testView), reuseRowObject: false).Select(r => (double)r.Score)];
        double predict = clock.Elapsed.TotalSeconds;
        double[] truth = ((NumericColumn)test[target]).Values.ToArray();
        string extra = FormattableString.Invariant($"rmse={RegressionMetrics.RootMeanSquaredError(truth, predicted):0.####}; ")
            + (trainer == "lightgbm" ? EffectiveParameters(learner) : "FastTree regression, 100 trees, ML.NET defaults");
        return new Measurement("ML.NET " + Name(trainer), task, threads, fit, predict, Memory.PeakMegabytes(), RegressionMetrics.R2(truth, predicted)) { FitCpuSeconds = fitCpu, Extra = extra };
    }

    private static RegressionRow[] RegressionRows(Table table, string target, string[] categorical, string[] numeric)
    {
        var y = (NumericColumn)table[target];
        var rows = new RegressionRow[table.RowCount];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new RegressionRow
            {
                Label = (float)y[i],
                Categories = categorical.Length == 0 ? [string.Empty] : [.. categorical.Select(c => table[c].FormatValue(i) ?? string.Empty)],
                Features = numeric.Length == 0 ? [0f] : [.. numeric.Select(c => (float)((NumericColumn)table[c])[i])],
            };
        }

        return rows;
    }

    /// <summary>
    /// Fits and measures the fit: wall-clock and processor seconds (all threads). NETLEARN_BENCH_REPEAT=n fits n times
    /// and keeps the fastest, as the NetLearn runner does (for comparisons on a machine with intermittent load).
    /// </summary>
    private static (ITransformer Model, double Wall, double Cpu) TimedFit(IEstimator<ITransformer> estimator, IDataView data)
    {
        int repeat = int.TryParse(Environment.GetEnvironmentVariable("NETLEARN_BENCH_REPEAT"), out int r) && r > 1 ? r : 1;
        ITransformer model = null!;
        double wall = double.PositiveInfinity, processor = double.PositiveInfinity;
        for (int run = 0; run < repeat; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            model = estimator.Fit(data);
            wall = Math.Min(wall, clock.Elapsed.TotalSeconds);
            processor = Math.Min(processor, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        return (model, wall, processor);
    }

    /// <summary>The parameters ML.NET handed to LightGBM in the last fit (its internal <c>GetGbmParameters</c>, read by reflection).</summary>
    private static string EffectiveParameters(object trainer)
    {
        var method = trainer.GetType().GetMethod("GetGbmParameters", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);
        if (method?.Invoke(trainer, null) is not Dictionary<string, object> parameters)
        {
            return "(ML.NET did not expose its LightGBM parameters)";
        }

        return string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => FormattableString.Invariant($"{p.Key}={p.Value}")));
    }

    private static SchemaDefinition BirdSchema(int categories, int numbers)
    {
        var schema = SchemaDefinition.Create(typeof(BirdRow));
        schema["Categories"].ColumnType = new VectorDataViewType(TextDataViewType.Instance, categories);
        schema["Numbers"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, numbers);
        return schema;
    }

    private static BirdRow[] BirdRows(Table table, string target, string[] categorical, string[] numeric)
    {
        var rows = new BirdRow[table.RowCount];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new BirdRow
            {
                Target = table[target].FormatValue(i) ?? string.Empty,
                Categories = [.. categorical.Select(c => table[c].FormatValue(i) ?? string.Empty)],
                Numbers = [.. numeric.Select(c => (float)((NumericColumn)table[c])[i])],
            };
        }

        return rows;
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }

        public string[] Categories { get; set; } = [];

        public float[] Features { get; set; } = [];
    }

    private sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    private sealed class BirdRow
    {
        public string Target { get; set; } = string.Empty;

        public string[] Categories { get; set; } = [];

        public float[] Numbers { get; set; } = [];
    }
}
