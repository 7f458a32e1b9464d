using CsCheck;
using NetLearn.Boosting;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Trees;
using Xunit;

namespace NetLearn.Core.Tests.Trees;

/// <summary>Invariants of trees, forests and boosting on generated data (CsCheck prints a reproducing seed on failure).</summary>
public class TreePropertyTests
{
    // 2–5 numeric columns, 10–80 rows, a label of 2–4 classes.
    private static readonly Gen<(double[][] Columns, int Seed, int Classes)> Data =
        Gen.Select(Gen.Int[2, 5], Gen.Int[10, 80], Gen.Int, Gen.Int[2, 4]).SelectMany((p, n, seed, k) =>
            Gen.Double[-100, 100].Array[n].Array[p].Select(columns => (columns, seed, k)));

    private static Table ToTable(double[][] columns) => new(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));

    private static Column Labels(int n, int seed, int classes)
    {
        var random = new Random(seed);
        return Column.Create("y", [.. Enumerable.Range(0, n).Select(i => (string?)$"c{(i < classes ? i : random.Next(classes))}")]);
    }

    [Fact]
    public void AnUnlimitedTreeFitsDistinctRowsPerfectly()
    {
        Data.Sample(data =>
        {
            // Values on a 0.001 grid: distinct values differ by far more than the trees' 1e-7 tie tolerance.
            data.Columns = [.. data.Columns.Select(c => c.Select(v => Math.Round(v, 3) + 0.0).ToArray())]; // + 0.0 turns -0 into 0
            var x = ToTable(data.Columns);
            var y = Labels(x.RowCount, data.Seed, data.Classes);
            var distinct = Enumerable.Range(0, x.RowCount).GroupBy(r => string.Join(",", data.Columns.Select(c => (float)c[r]))).All(g => g.Select(r => y.FormatValue(r)).Distinct().Count() == 1);
            if (!distinct)
            {
                return;
            }

            var model = new DecisionTreeClassifier(new DecisionTreeClassifierOptions { RandomState = data.Seed }).Fit(x, y);
            Assert.Equal(1.0, ClassificationMetrics.Accuracy(y, model.Predict(x)));
            // Trees compare 32-bit floats (as scikit-learn): rows equal as floats are one point, so check targets only where they are distinct.
            var groups = Enumerable.Range(0, x.RowCount).GroupBy(r => string.Join(",", data.Columns.Select(c => (float)c[r])));
            if (groups.All(g => g.Select(r => data.Columns[0][r]).Distinct().Count() == 1))
            {
                var reg = new DecisionTreeRegressor(new DecisionTreeRegressorOptions { RandomState = data.Seed }).Fit(x, x["f0"]);
                Assert.Equal(x["f0"].ToDoubleArray(), reg.Predict(x).ToDoubleArray());
            }
        }, iter: 60);
    }

    [Fact]
    public void ProbabilitiesAreDistributions()
    {
        Data.Sample(data =>
        {
            var x = ToTable(data.Columns);
            var y = Labels(x.RowCount, data.Seed, data.Classes);
            IClassifier[] models =
            [
                new DecisionTreeClassifier(new DecisionTreeClassifierOptions { MaxDepth = 3, Criterion = SplitCriterion.Entropy }).Fit(x, y),
                new RandomForestClassifier(new RandomForestClassifierOptions { NEstimators = 5, RandomState = data.Seed, NJobs = 1 }).Fit(x, y),
                new ExtraTreesClassifier(new ExtraTreesClassifierOptions { NEstimators = 5, RandomState = data.Seed, NJobs = 1 }).Fit(x, y),
                new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { MaxIter = 5, MinSamplesLeaf = 3, NJobs = 1 }).Fit(x, y),
            ];
            foreach (var model in models)
            {
                var proba = model.PredictProba(x);
                Assert.Equal(data.Classes, proba.Columns);
                for (int r = 0; r < proba.Rows; r++)
                {
                    Assert.Equal(1.0, proba.Row(r).ToArray().Sum(), 12);
                    Assert.All(proba.Row(r).ToArray(), p => Assert.InRange(p, 0.0, 1.0 + 1e-12));
                }
            }
        }, iter: 25);
    }

    [Fact]
    public void EveryModelRoundTripsThroughAModelFileBitExactly()
    {
        Data.Sample(data =>
        {
            var x = ToTable(data.Columns);
            var y = Labels(x.RowCount, data.Seed, data.Classes);
            var target = x["f0"];
            IModel[] models =
            [
                new DecisionTreeClassifier(new DecisionTreeClassifierOptions { CcpAlpha = 0.01, MaxFeatures = MaxFeatures.Sqrt, RandomState = 1 }).Fit(x, y),
                new DecisionTreeRegressor(new DecisionTreeRegressorOptions { MaxLeafNodes = 6, Criterion = SplitCriterion.AbsoluteError }).Fit(x, target),
                new RandomForestClassifier(new RandomForestClassifierOptions { NEstimators = 4, OobScore = true, RandomState = 2, NJobs = 1 }).Fit(x, y),
                new ExtraTreesRegressor(new ExtraTreesRegressorOptions { NEstimators = 3, NJobs = 1 }).Fit(x, target),
                new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { MaxIter = 4, MinSamplesLeaf = 2, NJobs = 1 }).Fit(x, y),
                new HistGradientBoostingRegressor(new HistGradientBoostingRegressorOptions { MaxIter = 4, MinSamplesLeaf = 2, NJobs = 1 }).Fit(x, target),
            ];
            foreach (var model in models)
            {
                string path = Path.Combine(Path.GetTempPath(), $"netlearn-tree-{Guid.NewGuid():N}.nlm");
                try
                {
                    ModelFile.Save(path, model);
                    var loaded = ModelFile.Load(path);
                    Assert.Equal(model.GetType(), loaded.GetType());
                    Assert.Equal(model.Options, loaded.Options);
                    Assert.Equal(((IPredictor)model).Predict(x).ToDoubleArraySafe(), ((IPredictor)loaded).Predict(x).ToDoubleArraySafe());
                    if (model is IClassifier c)
                    {
                        Assert.Equal(c.PredictProba(x).AsSpan().ToArray(), ((IClassifier)loaded).PredictProba(x).AsSpan().ToArray());
                    }
                }
                finally
                {
                    File.Delete(path);
                }
            }
        }, iter: 10);
    }
}

internal static class ColumnTestExtensions
{
    public static string?[] ToDoubleArraySafe(this Column column) => [.. Enumerable.Range(0, column.Length).Select(column.FormatValue)];
}
