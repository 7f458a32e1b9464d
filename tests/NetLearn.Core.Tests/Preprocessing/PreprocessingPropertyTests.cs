using CsCheck;
using NetLearn.Data;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>Invariants of the transformers on any numeric data (CsCheck; failures print a reproducing seed).</summary>
public class PreprocessingPropertyTests
{
    private static readonly Gen<double[][]> Numeric =
        Gen.Select(Gen.Int[1, 4], Gen.Int[5, 50]).SelectMany((p, n) => Gen.Double[-1000, 1000].Array[n].Array[p]);

    private static Table ToTable(double[][] columns) => new(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));

    [Fact]
    public void MinMaxScalerMapsTrainingDataIntoTheRange() => Numeric.Sample(columns =>
    {
        var x = ToTable(columns);
        foreach (var column in new MinMaxScaler().Fit(x).Transform(x).Columns)
        {
            Assert.All(column.ToDoubleArray(), v => Assert.InRange(v, -1e-12, 1 + 1e-12));
        }
    }, iter: 100);

    [Fact]
    public void NormalizerGivesUnitRows() => Numeric.Sample(columns =>
    {
        var x = ToTable(columns);
        var z = new Normalizer().Fit(x).Transform(x).ToMatrix();
        var raw = x.ToMatrix();
        for (int r = 0; r < z.Rows; r++)
        {
            double norm = Math.Sqrt(z.Row(r).ToArray().Sum(v => v * v));
            double rawNorm = Math.Sqrt(raw.Row(r).ToArray().Sum(v => v * v));

            // As scikit-learn, a row whose norm is below 10 ulp of 1 counts as zero and is left as it is.
            Assert.True(Math.Abs(norm - 1) < 1e-12 || (rawNorm < 2.220446049250313e-15 && norm == rawNorm), $"row {r} norm {norm}");
        }
    }, iter: 100);

    [Fact]
    public void QuantileTransformIsMonotoneAndBounded() => Numeric.Sample(columns =>
    {
        var x = ToTable(columns);
        var model = new QuantileTransformer(new QuantileTransformerOptions { NQuantiles = 20 }).Fit(x);
        var t = model.Transform(x);
        for (int c = 0; c < columns.Length; c++)
        {
            double[] input = columns[c], output = t[c].ToDoubleArray();
            int[] order = [.. Enumerable.Range(0, input.Length).OrderBy(i => input[i])];
            for (int k = 1; k < order.Length; k++)
            {
                Assert.True(output[order[k]] >= output[order[k - 1]] - 1e-12, "not monotone");
            }

            Assert.All(output, v => Assert.InRange(v, 0, 1));
        }
    }, iter: 100);

    [Fact]
    public void BinsAreWithinRangeAndOneHotRowsSumToOne() => Numeric.Sample(columns =>
    {
        var x = ToTable(columns);
        var ordinal = new KBinsDiscretizer(new KBinsDiscretizerOptions { NBins = 3, Encode = BinEncoding.Ordinal, Strategy = BinStrategy.Kmeans }).Fit(x);
        var bins = ordinal.Transform(x);
        for (int c = 0; c < columns.Length; c++)
        {
            Assert.All(bins[c].ToDoubleArray(), b => Assert.InRange(b, 0, ordinal.NBins[c] - 1));
        }

        var onehot = new KBinsDiscretizer(new KBinsDiscretizerOptions { NBins = 4 }).Fit(x).Transform(x).ToMatrix();
        for (int r = 0; r < onehot.Rows; r++)
        {
            Assert.Equal(columns.Length, onehot.Row(r).ToArray().Sum());
        }
    }, iter: 60);

    [Fact]
    public void PowerTransformStandardisesAndYeoJohnsonIsMonotone() => Numeric.Sample(columns =>
    {
        var x = ToTable(columns);
        var t = new PowerTransformer().Fit(x).Transform(x);
        for (int c = 0; c < columns.Length; c++)
        {
            double[] input = columns[c], output = t[c].ToDoubleArray();
            double mean = output.Average();
            Assert.True(Math.Abs(mean) < 1e-6, $"mean {mean}");
            int[] order = [.. Enumerable.Range(0, input.Length).OrderBy(i => input[i])];
            for (int k = 1; k < order.Length; k++)
            {
                Assert.True(output[order[k]] >= output[order[k - 1]] - 1e-9, "not monotone");
            }
        }
    }, iter: 60);
}
