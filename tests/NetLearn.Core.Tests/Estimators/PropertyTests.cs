using CsCheck;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Estimators;

/// <summary>Invariants that must hold on any data (CsCheck generates it; failures print a reproducing seed).</summary>
public class PropertyTests
{
    // A small numeric table: 2–5 columns, 8–60 rows, values of mixed scale.
    private static readonly Gen<(double[][] Columns, int Seed)> NumericData =
        Gen.Select(Gen.Int[2, 5], Gen.Int[8, 60], Gen.Int).SelectMany((p, n, seed) =>
            Gen.Double[-1000, 1000].Array[n].Array[p].Select(columns => (columns, seed)));

    private static Table ToTable(double[][] columns) => new(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));

    [Fact]
    public void StandardScalerGivesZeroMeanAndUnitVariance()
    {
        NumericData.Sample(data =>
        {
            var x = ToTable(data.Columns);
            var z = new StandardScaler().Fit(x).Transform(x);
            foreach (var column in z.Columns)
            {
                double[] v = column.ToDoubleArray();
                double mean = v.Average(), variance = v.Select(a => (a - mean) * (a - mean)).Average();
                Assert.True(Math.Abs(mean) < 1e-9, $"mean {mean}");
                Assert.True(Math.Abs(variance - 1) < 1e-9 || variance < 1e-20, $"variance {variance}");
            }
        }, iter: 100);
    }

    [Fact]
    public void LogisticProbabilitiesAreDistributionsAndClassWeightsActLikeSampleWeights()
    {
        NumericData.Sample(data =>
        {
            var x = new StandardScaler().Fit(ToTable(data.Columns)).Transform(ToTable(data.Columns));
            var random = new Random(data.Seed);
            string?[] labels = [.. Enumerable.Range(0, x.RowCount).Select(i => i < 3 ? $"c{i}" : $"c{random.Next(3)}")];
            var y = Column.Create("y", labels);
            var options = new LogisticRegressionOptions { ClassWeight = ClassWeight.Of(new Dictionary<string, double> { ["c0"] = 3.0 }), Tol = 1e-9, MaxIter = 2000 };
            var model = new LogisticRegression(options).Fit(x, y);
            var proba = model.PredictProba(x);
            for (int r = 0; r < proba.Rows; r++)
            {
                Assert.Equal(1.0, proba.Row(r).ToArray().Sum(), 12);
                Assert.All(proba.Row(r).ToArray(), p => Assert.InRange(p, 0.0, 1.0));
            }

            double[] weights = [.. labels.Select(l => l == "c0" ? 3.0 : 1.0)];
            var weighted = new LogisticRegression(options with { ClassWeight = null }).Fit(x, y, new FitContext { SampleWeight = weights });
            Fixture.Close(weighted.Coefficients.AsSpan().ToArray(), model.Coefficients.AsSpan().ToArray(), rel: 1e-5, abs: 1e-6, what: "coef");
        }, iter: 30);
    }

    [Fact]
    public void SavedPipelinesPredictExactlyAsBefore()
    {
        var dir = Directory.CreateTempSubdirectory("netlearn-prop-");
        try
        {
            NumericData.Sample(data =>
            {
                var x = ToTable(data.Columns).With(Column.Create("group", [.. Enumerable.Range(0, data.Columns[0].Length).Select(i => (string?)(i % 4 == 0 ? null : $"g{i % 3}"))]));
                var y = new NumericColumn("y", [.. data.Columns[0].Select((v, i) => (2 * v) - data.Columns[1][i])]);
                var model = DefaultPreprocessing.For(x, new LinearRegression(), scale: true).Fit(x, y);
                string path = Path.Combine(dir.FullName, $"{Guid.NewGuid():N}.nlm"); // CsCheck runs samples in parallel.
                ModelFile.Save(path, model);
                var loaded = (IPredictor)ModelFile.Load(path);
                Assert.Equal(model.Predict(x).ToDoubleArray(), loaded.Predict(x).ToDoubleArray());
            }, iter: 40);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void OneHotRowsHaveOneIndicatorPerColumnForKnownCategories()
    {
        Gen.String[Gen.Char['a', 'e'], 1, 2].Array[5, 40].Sample(values =>
        {
            var x = new Table(Column.Create("c", [.. values.Select(v => (string?)v)]));
            var encoded = new OneHotEncoder().Fit(x).Transform(x).ToMatrix();
            for (int r = 0; r < encoded.Rows; r++)
            {
                Assert.Equal(1.0, encoded.Row(r).ToArray().Sum());
            }
        }, iter: 100);
    }
}
