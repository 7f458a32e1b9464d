using CsCheck;
using NetLearn.Boosting;
using NetLearn.Data;
using Xunit;

namespace NetLearn.Core.Tests.Boosting;

/// <summary>
/// The fast paths of histogram boosting: the radix sort and branch-free bin search of the binner agree with the
/// textbook versions, the thread team runs every part once, and a fit gives bit-identical models with 1 and 2 threads.
/// </summary>
public class HistSpeedPathTests
{
    [Fact]
    public void RadixSortSortsLikeArraySort()
    {
        var special = Gen.OneOfConst(0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue);
        var value = Gen.Frequency((4, Gen.Double.Where(v => !double.IsNaN(v))), (2, Gen.Int[-20, 20].Select(i => i * 0.5)), (1, special));
        // Lengths on both sides of the comparison-sort threshold (512).
        Gen.Int[0, 3000].SelectMany(n => value.Array[n]).Sample(values =>
        {
            var expected = (double[])values.Clone();
            Array.Sort(expected);
            var actual = (double[])values.Clone();
            DoubleRadixSort.Sort(actual);
            for (int i = 0; i < actual.Length; i++)
            {
                // -0.0 and 0.0 are equal for Array.Sort; the radix sort puts -0.0 first.
                Assert.True(expected[i] == actual[i], $"position {i}: {expected[i]} vs {actual[i]}");
            }
        }, iter: 60);
    }

    [Fact]
    public void BranchFreeBinSearchMatchesBinarySearch()
    {
        var edges = Gen.Double[-50, 50].Array[0, 254].Select(e => e.Distinct().Order().ToArray());
        Gen.Select(edges, Gen.Frequency((8, Gen.Double[-60, 60]), (1, Gen.Const(double.NaN)), (1, Gen.Double[-50, 50].Select(Math.Round))).Array[1, 300]).Sample((e, values) =>
        {
            var binner = new HistBinner([false], [e], [[]]);
            byte[] bins = binner.Transform(new Table(new NumericColumn("x", values)), threads: 1);
            for (int i = 0; i < values.Length; i++)
            {
                // Bin = number of edges below the value (numpy's searchsorted side="left"); 255 for missing.
                byte expected = double.IsNaN(values[i]) ? HistBinner.MissingBin : (byte)e.Count(t => t < values[i]);
                Assert.Equal(expected, bins[i]);
            }
        }, iter: 200);
    }

    [Fact]
    public void TeamRunsEveryPartOnceAndRethrowsTheOriginalException()
    {
        using var team = new HistTeam(2);
        var hits = new int[2];
        for (int round = 0; round < 20_000; round++)
        {
            team.Run(2, t => Interlocked.Increment(ref hits[t]));
        }

        Assert.Equal([20_000, 20_000], hits);
        team.Run(1, t => hits[t]++);
        Assert.Equal(20_001, hits[0]);
        Assert.Throws<DataValidationException>(() => team.Run(2, t =>
        {
            if (t == 1)
            {
                throw new DataValidationException("part 1 failed");
            }
        }));
        team.Run(2, t => Interlocked.Increment(ref hits[t]));
        Assert.Equal(20_001, hits[1]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SameModelWithOneAndTwoThreads(int classes)
    {
        // 6,000 rows: the root and the large nodes take the parallel histogram, split-search and gradient paths.
        var random = new Random(11);
        int n = 6000;
        var a = new double[n];
        var b = new double[n];
        var colour = new string?[n];
        var y = new string?[n];
        string[] levels = ["red", "green", "blue"];
        for (int i = 0; i < n; i++)
        {
            a[i] = random.NextDouble() < 0.1 ? double.NaN : random.NextDouble() * 10;
            b[i] = Math.Round(random.NextDouble() * 4, 1);
            colour[i] = random.NextDouble() < 0.05 ? null : levels[random.Next(3)];
            double score = (double.IsNaN(a[i]) ? 3 : a[i]) + b[i] + (colour[i] == "red" ? 2 : 0) + random.NextDouble() * 4;
            y[i] = ((int)(score / 4) % classes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var columns = new List<Column> { new NumericColumn("a", a), new NumericColumn("b", b), Column.Create("colour", colour) };
        // Enough features (over 2,048 bins) for the parallel split search as well.
        for (int f = 0; f < 8; f++)
        {
            columns.Add(new NumericColumn($"noise{f}", [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())]));
        }

        var x = new Table(columns);
        var target = Column.Create("y", y);
        double[] Fit(int threads) => new HistGradientBoostingClassifier(new HistGradientBoostingClassifierOptions { MaxIter = 15, NJobs = threads, RandomState = 4 })
            .Fit(x, target).PredictProba(x).AsSpan().ToArray();

        Assert.Equal(Fit(1), Fit(2));
    }
}
