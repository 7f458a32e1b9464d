using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Deep.Data;
using NetLearn.Deep.Estimators;
using NetLearn.Deep.Training;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;

namespace NetLearn.Deep.Tests.Estimators;

public sealed class EstimatorTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fashion-mnist", name);

    internal static Table FashionTrain(int rows) => IdxFile.LoadTable(Fixture("train-images-idx3-ubyte.gz"), Fixture("train-labels-idx1-ubyte.gz"), rows);

    internal static Table FashionTest(int rows) => IdxFile.LoadTable(Fixture("t10k-images-idx3-ubyte.gz"), Fixture("t10k-labels-idx1-ubyte.gz"), rows);

    private static string TempModel() => Path.Combine(Path.GetTempPath(), $"netlearn-deep-{Guid.NewGuid():N}.nlm");

    private static T RoundTrip<T>(T model)
        where T : class, IModel
    {
        string path = TempModel();
        try
        {
            ModelFile.Save(path, model);
            return ModelFile.Load<T>(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSameMatrix(Matrix a, Matrix b)
    {
        Assert.Equal(a.Rows, b.Rows);
        Assert.True(a.AsSpan().SequenceEqual(b.AsSpan()), "the loaded model's probabilities differ");
    }

    [Fact]
    public void MlpClassifierLearnsIrisRoundTripsExactlyAndIsReproducible()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var split = TrainTestSplit.Split(x, y, 0.3, seed: 1, stratify: true);
        var options = new MLPClassifierOptions { HiddenLayerSizes = [16], Epochs = 60, BatchSize = 16, LearningRate = 0.01, RandomState = 3 };
        var model = new MLPClassifier(options).Fit(split.XTrain, split.YTrain);
        double accuracy = ClassificationMetrics.Accuracy(split.YTest, model.Predict(split.XTest));
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy}");
        Assert.Equal(60, model.History.Epochs.Count);
        Assert.NotNull(model.History.Epochs[^1].ValidationLoss); // 10 % of the 105 rows validate every epoch
        Assert.True(model.History.Epochs[^1].TrainLoss < model.History.Epochs[0].TrainLoss);

        var loaded = RoundTrip(model);
        AssertSameMatrix(model.PredictProba(split.XTest), loaded.PredictProba(split.XTest));
        Assert.Equal(model.Spec, loaded.Spec);
        Assert.Equal(model.Options, loaded.Options);
        Assert.Equal(model.History.Epochs, loaded.History.Epochs);

        var again = new MLPClassifier(options).Fit(split.XTrain, split.YTrain);
        AssertSameMatrix(model.PredictProba(split.XTest), again.PredictProba(split.XTest));
        var probabilities = model.PredictProba(split.XTest);
        for (int i = 0; i < probabilities.Rows; i++)
        {
            Assert.Equal(1.0, probabilities.Row(i).ToArray().Sum(), 5);
        }
    }

    [Fact]
    public void MlpWorksInAPipelineWithTextLabelsAndClassWeights()
    {
        var rows = 120;
        var random = new Random(5);
        double[] a = [.. Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 4)];
        string?[] colour = [.. Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? "red" : "blue")];
        string?[] label = [.. Enumerable.Range(0, rows).Select(i => a[i] > 2 == (colour[i] == "red") ? "yes" : "no")];
        var table = new Table(new NumericColumn("a", a), Column.Create("colour", colour));
        var pipeline = new Pipeline(
            new Step("encode", new ColumnTransformer([new ColumnBranch("num", new StandardScaler(), ColumnSelector.ByName("a")), new ColumnBranch("cat", new OneHotEncoder(), ColumnSelector.ByName("colour"))])),
            new Step("model", new MLPClassifier(new MLPClassifierOptions { HiddenLayerSizes = [16, 16], Epochs = 80, LearningRate = 0.02, ClassWeight = NetLearn.Linear.ClassWeight.Balanced, ValidationFraction = 0 })));
        var model = (ClassifierPipelineModel)pipeline.Fit(table, Column.Create("label", label));
        double accuracy = ClassificationMetrics.Accuracy(Column.Create("label", label), model.Predict(table));
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
        Assert.Equal(["no", "yes"], Enumerable.Range(0, 2).Select(i => model.Classes.FormatValue(i)));
        var loaded = RoundTrip(model);
        AssertSameMatrix(model.PredictProba(table), loaded.PredictProba(table));
    }

    [Fact]
    public void MlpRegressorFitsASmoothFunction()
    {
        var random = new Random(2);
        int n = 300;
        double[] u = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 6) - 3)];
        double[] v = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 6) - 3)];
        double[] y = [.. Enumerable.Range(0, n).Select(i => (100 * Math.Sin(u[i])) + (50 * v[i]) + 1000)];
        var x = new Table(new NumericColumn("u", u), new NumericColumn("v", v));
        var model = new MLPRegressor(new MLPRegressorOptions { HiddenLayerSizes = [32, 32], Epochs = 80, LearningRate = 0.01, Activation = NetLearn.Deep.Layers.Activation.Tanh }).Fit(x, new NumericColumn("y", y));
        var predicted = model.Predict(x);
        double r2 = RegressionMetrics.R2(new NumericColumn("y", y), predicted);
        Assert.True(r2 > 0.97, $"R² {r2}");
        Assert.Equal("y", predicted.Name);
        Assert.InRange(model.TargetMean, 980, 1020);
        var loaded = RoundTrip(model);
        Assert.Equal(((NumericColumn)predicted).Values.ToArray(), ((NumericColumn)loaded.Predict(x)).Values.ToArray());
    }

    [Fact]
    public void ConvNetLearnsFashionMnistSubsetAndRoundTrips()
    {
        var train = FashionTrain(600);
        var test = FashionTest(200);
        var (x, y) = train.SplitTarget("label");
        var (tx, ty) = test.SplitTarget("label");
        var options = new ConvNetClassifierOptions { Filters = [8], DenseUnits = 32, Epochs = 3, BatchSize = 16, LearningRate = 0.003, ValidationFraction = 0, Threads = 1 };
        var model = new ConvNetClassifier(options).Fit(x, y);
        double accuracy = ClassificationMetrics.Accuracy(ty, model.Predict(tx));
        Assert.True(accuracy > 0.6, $"test accuracy {accuracy} (chance: 0.1)");
        Assert.Equal(10, model.Classes.Length);
        var loaded = RoundTrip(model);
        AssertSameMatrix(model.PredictProba(tx.Take([0, 1, 2, 3, 4])), loaded.PredictProba(tx.Take([0, 1, 2, 3, 4])));

        var wrongSize = new Table(Enumerable.Range(0, 100).Select(j => (Column)new NumericColumn($"pixel_{j}", [1.0])));
        var error = Assert.Throws<DataValidationException>(() => model.Predict(wrongSize));
        Assert.Equal("pixel_100", error.Column);
        var notSquare = new Table(Enumerable.Range(0, 10).Select(j => (Column)new NumericColumn($"pixel_{j}", [1.0, 2.0])));
        Assert.Contains("image_height", Assert.Throws<DataValidationException>(() => new ConvNetClassifier().Fit(notSquare, new NumericColumn("label", [0, 1]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecurrentClassifierSeparatesRisingFromFallingSequences()
    {
        var random = new Random(9);
        int n = 200, length = 8;
        var rows = new double[n][];
        var labels = new string?[n];
        for (int i = 0; i < n; i++)
        {
            bool rising = i % 2 == 0;
            double start = random.NextDouble() * 10, step = (0.2 + random.NextDouble()) * (rising ? 1 : -1);
            rows[i] = [.. Enumerable.Range(0, length).Select(t => start + (step * t) + (random.NextDouble() * 0.3))];
            labels[i] = rising ? "up" : "down";
        }

        var x = new Table(Enumerable.Range(0, length).Select(t => (Column)new NumericColumn($"t{t}", [.. rows.Select(r => r[t])])));
        var y = Column.Create("trend", labels);
        foreach (var cell in new[] { NetLearn.Deep.Layers.RecurrentCell.Lstm, NetLearn.Deep.Layers.RecurrentCell.Gru })
        {
            var model = new RecurrentClassifier(new RecurrentClassifierOptions { Cell = cell, HiddenSize = 8, Epochs = 25, LearningRate = 0.02, Bidirectional = cell == NetLearn.Deep.Layers.RecurrentCell.Gru }).Fit(x, y);
            double accuracy = ClassificationMetrics.Accuracy(y, model.Predict(x));
            Assert.True(accuracy > 0.95, $"{cell}: accuracy {accuracy}");
            var loaded = RoundTrip(model);
            AssertSameMatrix(model.PredictProba(x), loaded.PredictProba(x));
        }
    }

    [Fact]
    public void RecurrentClassifierReadsPaddedTokenSequences()
    {
        // Class 1 sequences contain token 7 somewhere; class 0 never do. Lengths vary; pre-padding with 0.
        var random = new Random(4);
        var sequences = new List<IReadOnlyList<int>>();
        var labels = new List<double>();
        for (int i = 0; i < 240; i++)
        {
            var s = Enumerable.Range(0, random.Next(3, 10)).Select(_ => random.Next(1, 7)).ToList();
            if (i % 2 == 1)
            {
                s[random.Next(s.Count)] = 7;
            }

            sequences.Add(s);
            labels.Add(i % 2);
        }

        var x = Sequences.Pad(sequences, 10);
        Assert.Equal(0, ((NumericColumn)x["t0"])[0]); // shorter sequences start with padding
        var y = new NumericColumn("has7", [.. labels]);
        var model = new RecurrentClassifier(new RecurrentClassifierOptions { VocabSize = 8, EmbeddingDim = 8, HiddenSize = 16, Epochs = 30, LearningRate = 0.02 }).Fit(x, y);
        double accuracy = ClassificationMetrics.Accuracy(y, model.Predict(x));
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}");

        var bad = Sequences.Pad([[1, 2, 9]], 10);
        var error = Assert.Throws<DataValidationException>(() => model.Predict(bad));
        Assert.Equal("t9", error.Column);
        Assert.Equal(0, error.Row);
        Assert.Contains("vocab_size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecurrentRegressorForecastsASeriesFromSlidingWindows()
    {
        double[] series = [.. Enumerable.Range(0, 400).Select(t => (10 * Math.Sin(t * 0.2)) + (0.02 * t) + 50)];
        var windows = Sequences.SlidingWindow(series, window: 12, horizon: 1);
        Assert.Equal(400 - 12, windows.RowCount);
        Assert.Equal(series[12], ((NumericColumn)windows["target"])[0]);
        Assert.Equal(series[11], ((NumericColumn)windows["t11"])[0]);
        var (x, y) = windows.SplitTarget("target");
        var model = new RecurrentRegressor(new RecurrentRegressorOptions { HiddenSize = 16, Epochs = 30, LearningRate = 0.01 }).Fit(x, y);
        double rmse = RegressionMetrics.RootMeanSquaredError(y, model.Predict(x));
        Assert.True(rmse < 1.0, $"RMSE {rmse} (series amplitude 10)");
        var loaded = RoundTrip(model);
        Assert.Equal(((NumericColumn)model.Predict(x)).Values.ToArray(), ((NumericColumn)loaded.Predict(x)).Values.ToArray());
    }

    [Fact]
    public void BadInputGivesClearErrors()
    {
        var (x, y) = Dataset.LoadXy("iris");
        Assert.Throws<DataValidationException>(() => new MLPClassifier().Fit(x.Take([]), y.Take([])));
        var diverging = new MLPRegressor(new MLPRegressorOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 1e6, Epochs = 5, ValidationFraction = 0 });
        var (dx, dy) = Dataset.LoadXy("diabetes");
        var error = Assert.Throws<TrainingDivergedException>(() => diverging.Fit(dx, dy));
        Assert.Contains("epoch 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lower the learning rate", error.Message, StringComparison.Ordinal);
        Assert.Equal("lr", Assert.Throws<HyperparameterException>(() => new MLPClassifier().WithParameter("lr", "-1")).Parameter);
        Assert.Equal("hidden_layer_sizes", Assert.Throws<HyperparameterException>(() => new MLPClassifier().WithParameter("hidden_layer_sizes", "[0]")).Parameter);
        var withMissing = x.Take([0, 1, 50, 100]).Drop("sepal_length").With(new NumericColumn("sepal_length", [1, double.NaN, 3, 4]));
        var missing = Assert.Throws<DataValidationException>(() => new MLPClassifier().Fit(withMissing, y.Take([0, 1, 50, 100])));
        Assert.Equal(1, missing.Row);
        Assert.Equal("sepal_length", missing.Column);
    }

    [Fact]
    public void EstimatorsAreInTheCatalogAndLoadersAreRegistered()
    {
        DeepModels.Register();
        foreach (string name in new[] { "mlp", "mlp-regressor", "cnn", "lstm", "lstm-regressor" })
        {
            var estimator = EstimatorCatalog.Get(name).Create();
            Assert.Equal(estimator.Options.ParameterNames.Count, estimator.Options.ToJson().Count);
            Assert.Contains("epochs", estimator.Options.ParameterNames);
            Assert.Contains("lr", estimator.Options.ParameterNames);
        }

        Assert.Contains(ConvNetClassifier.KindName, ModelRegistry.Kinds);
        Assert.Contains(RecurrentRegressor.KindName, ModelRegistry.Kinds);
        var tuned = (MLPClassifier)new MLPClassifier().WithParameter("hidden_layer_sizes", "[8, 4]").WithParameter("optimizer", "sgd");
        Assert.Equal([8, 4], tuned.Options.HiddenLayerSizes);
        Assert.Equal(OptimizerKind.Sgd, tuned.Options.Optimizer);
    }
}
