using CsCheck;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.ModelSelection;
using Xunit;

namespace NetLearn.Core.Tests.ModelSelection;

public class TrainTestSplitTests
{
    [Fact]
    public void SplitsArePartitionsOfTheRightSize()
    {
        Gen.Select(Gen.Int[2, 500], Gen.Double[0.01, 0.99], Gen.Int).Sample((n, testSize, seed) =>
        {
            int expectedTest = (int)Math.Ceiling(testSize * n);
            if (expectedTest < 1 || expectedTest > n - 1)
            {
                return;
            }

            var (train, test) = TrainTestSplit.Indices(n, testSize, seed);
            Assert.Equal(expectedTest, test.Length);
            Assert.Equal(Enumerable.Range(0, n), train.Concat(test).Order());
            Assert.Equal((train, test), TrainTestSplit.Indices(n, testSize, seed), new SplitComparer());
        }, iter: 200);
    }

    [Fact]
    public void StratifiedSplitKeepsClassProportions()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var split = TrainTestSplit.Split(x, y, 0.2, seed: 42, stratify: true);
        Assert.Equal(30, split.YTest.Length);
        var counts = Enumerable.Range(0, 30).GroupBy(split.YTest.FormatValue).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["setosa"] = 10, ["versicolor"] = 10, ["virginica"] = 10 }, counts);
        Assert.Equal(120, split.XTrain.RowCount);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSplits()
    {
        var a = TrainTestSplit.Indices(100, 0.2, 1).Test;
        var b = TrainTestSplit.Indices(100, 0.2, 2).Test;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Indices(10, 1.5, 0));
        Assert.Throws<DataValidationException>(() => TrainTestSplit.Indices(1, 0.5, 0));
        var y = Column.Create("y", ["a", "a", "a", "b"]);
        var e = Assert.Throws<DataValidationException>(() => TrainTestSplit.Split(new Table(new NumericColumn("x", [1, 2, 3, 4])), y, 0.5, 0, stratify: true));
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
    }

    private sealed class SplitComparer : IEqualityComparer<(int[], int[])>
    {
        public bool Equals((int[], int[]) a, (int[], int[]) b) => a.Item1.SequenceEqual(b.Item1) && a.Item2.SequenceEqual(b.Item2);

        public int GetHashCode((int[], int[]) obj) => obj.Item1.Length;
    }
}
