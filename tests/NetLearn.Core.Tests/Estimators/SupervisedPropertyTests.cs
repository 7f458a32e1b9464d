using CsCheck;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using Xunit;

namespace NetLearn.Core.Tests.Estimators;

/// <summary>Invariants of the linear family, SVMs, neighbours and naive Bayes on generated data (CsCheck prints a reproducing seed on failure).</summary>
public class SupervisedPropertyTests
{
    private static readonly string[] Classifiers = ["gaussian-nb", "multinomial-nb", "bernoulli-nb", "complement-nb", "knn-classifier", "svc", "linear-svc", "sgd-classifier"];

    private static readonly string[] Regressors = ["ridge", "lasso", "elastic-net", "knn-regressor", "svr", "linear-svr", "sgd-regressor"];

    // 2–4 non-negative continuous columns, 12–50 rows, and a seed for the labels.
    private static readonly Gen<(double[][] Columns, int Seed)> Data =
        Gen.Select(Gen.Int[2, 4], Gen.Int[12, 50], Gen.Int).SelectMany((p, n, seed) =>
            Gen.Double[0, 10].Array[n].Array[p].Select(columns => (columns, seed)));

    private static string?[] Values(Column c) => [.. Enumerable.Range(0, c.Length).Select(c.FormatValue)];

    private static Table ToTable(double[][] columns) => new(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));

    private static Column Labels(double[][] columns, int seed)
    {
        var random = new Random(seed);
        int n = columns[0].Length;
        return Column.Create("y", [.. Enumerable.Range(0, n).Select(i => (string?)(i < 3 ? $"c{i}" : columns[0][i] + (random.NextDouble() * 3) > 6.5 ? "c0" : columns[1][i] > 5 ? "c1" : "c2"))]);
    }

    private static NumericColumn Target(double[][] columns) => new("y", [.. Enumerable.Range(0, columns[0].Length).Select(i => (2 * columns[0][i]) - columns[1][i] + Math.Sin(i))]);

    [Fact]
    public void ProbabilitiesAreDistributions()
    {
        Data.Sample(data =>
        {
            var x = ToTable(data.Columns);
            var y = Labels(data.Columns, data.Seed);
            foreach (var name in Classifiers.Where(n => n is not ("linear-svc" or "sgd-classifier")))
            {
                var estimator = EstimatorCatalog.Get(name).Create();
                if (name == "svc")
                {
                    estimator = estimator.WithParameter("probability", "true");
                }

                if (name == "knn-classifier")
                {
                    estimator = estimator.WithParameter("weights", "distance");
                }

                var model = (IClassifier)estimator.FitModel(x, y);
                var proba = model.PredictProba(x);
                for (int r = 0; r < proba.Rows; r++)
                {
                    Assert.True(Math.Abs(proba.Row(r).ToArray().Sum() - 1) < 1e-9, $"{name} row {r} sums to {proba.Row(r).ToArray().Sum()}");
                    Assert.All(proba.Row(r).ToArray(), p => Assert.InRange(p, 0.0, 1.0));
                }
            }
        }, iter: 15);
    }

    [Fact]
    public void PredictionsDoNotDependOnTrainingRowOrder()
    {
        Data.Sample(data =>
        {
            // Jitter so that no two distances tie (with ties, neighbours are chosen by row index, as in scikit-learn).
            var jitter = new Random(data.Seed);
            var x = ToTable([.. data.Columns.Select(c => c.Select(v => v + (jitter.NextDouble() * 1e-3)).ToArray())]);
            var y = Target(data.Columns);
            var labels = Labels(data.Columns, data.Seed);
            int[] order = [.. Enumerable.Range(0, x.RowCount).OrderBy(i => (i * 7919) % 101).ThenBy(i => i)];
            var xs = x.Take(order);
            foreach (var name in new[] { "ridge", "lasso", "elastic-net", "svr", "knn-regressor" })
            {
                var estimator = EstimatorCatalog.Get(name).Create();
                estimator = name switch
                {
                    "lasso" or "elastic-net" => estimator.WithParameter("tol", "1e-12").WithParameter("max_iter", "100000").WithParameter("alpha", "0.1"),
                    "svr" => estimator.WithParameter("tol", "1e-10"),
                    _ => estimator,
                };
                double[] a = ((IPredictor)estimator.FitModel(x, y)).Predict(x).ToDoubleArray();
                double[] b = ((IPredictor)estimator.FitModel(xs, y.Take(order))).Predict(x).ToDoubleArray();
                Fixture.Close(a, b, rel: 1e-6, abs: 1e-6, what: name);
            }

            foreach (var name in new[] { "gaussian-nb", "multinomial-nb", "complement-nb", "svc" })
            {
                var estimator = EstimatorCatalog.Get(name).Create();
                if (name == "svc")
                {
                    estimator = estimator.WithParameter("tol", "1e-10");
                    var first = (NetLearn.Svm.SvcModel)estimator.FitModel(x, labels);
                    var second = (NetLearn.Svm.SvcModel)estimator.FitModel(xs, labels.Take(order));
                    Fixture.Close(first.DecisionFunction(x).AsSpan().ToArray(), second.DecisionFunction(x).AsSpan().ToArray(), rel: 1e-5, abs: 1e-5, what: name);
                    continue;
                }

                var p1 = ((IClassifier)estimator.FitModel(x, labels)).PredictProba(x);
                var p2 = ((IClassifier)estimator.FitModel(xs, labels.Take(order))).PredictProba(x);
                Fixture.Close(p1.AsSpan().ToArray(), p2.AsSpan().ToArray(), rel: 1e-9, abs: 1e-12, what: name);
            }
        }, iter: 15);
    }

    [Fact]
    public void SavedModelsPredictExactlyAsBefore()
    {
        var dir = Directory.CreateTempSubdirectory("netlearn-supervised-");
        try
        {
            Data.Sample(data =>
            {
                var x = ToTable(data.Columns);
                foreach (var name in Classifiers.Concat(Regressors))
                {
                    var entry = EstimatorCatalog.Get(name);
                    var estimator = entry.Create();
                    if (name == "svc")
                    {
                        estimator = estimator.WithParameter("probability", "true");
                    }

                    Column y = entry.Task == ModelTask.Classification ? Labels(data.Columns, data.Seed) : Target(data.Columns);
                    var model = (IPredictor)estimator.FitModel(x, y);
                    string path = Path.Combine(dir.FullName, $"{Guid.NewGuid():N}.nlm"); // CsCheck runs samples in parallel.
                    ModelFile.Save(path, model);
                    var loaded = (IPredictor)ModelFile.Load(path);
                    Assert.Equal(model.Kind, loaded.Kind);
                    Assert.Equal(Values(model.Predict(x)), Values(loaded.Predict(x)));
                    if (model is IClassifier classifier && classifier.SupportsProbabilities())
                    {
                        Assert.Equal(classifier.PredictProba(x).AsSpan().ToArray(), ((IClassifier)loaded).PredictProba(x).AsSpan().ToArray());
                    }

                    if (model is IFeatureImportances importances)
                    {
                        Assert.Equal(importances.FeatureImportances, ((IFeatureImportances)loaded).FeatureImportances);
                    }
                }
            }, iter: 10);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
