using CsCheck;
using NetLearn.Data;
using NetLearn.Deep.Data;

namespace NetLearn.Deep.Tests.Data;

public sealed class SequencePropertyTests
{
    [Fact]
    public void PrePaddingKeepsTheLastTokensAndPadsTheFrontWithZeros()
    {
        Gen.Select(Gen.Int[1, 50].List[0, 15].List[1, 8], Gen.Int[1, 12]).Sample((sequences, length) =>
        {
            var table = Sequences.Pad([.. sequences.Select(s => (IReadOnlyList<int>)s)], length);
            Assert.Equal(length, table.ColumnCount);
            for (int i = 0; i < sequences.Count; i++)
            {
                double[] row = [.. Enumerable.Range(0, length).Select(t => ((NumericColumn)table[t])[i])];
                int take = Math.Min(length, sequences[i].Count);
                Assert.All(row[..(length - take)], v => Assert.Equal(0, v));
                Assert.Equal(sequences[i].Skip(sequences[i].Count - take).Select(v => (double)v), row[(length - take)..]);
            }
        });
    }

    [Fact]
    public void EverySlidingWindowRowIsAContiguousSliceFollowedByItsTarget()
    {
        Gen.Select(Gen.Double[-100, 100].Array[10, 60], Gen.Int[1, 6], Gen.Int[1, 3]).Sample((series, window, horizon) =>
        {
            var table = Sequences.SlidingWindow(series, window, horizon);
            Assert.Equal(series.Length - window - horizon + 1, table.RowCount);
            for (int i = 0; i < table.RowCount; i++)
            {
                for (int k = 0; k < window; k++)
                {
                    Assert.Equal(series[i + k], ((NumericColumn)table[$"t{k}"])[i]);
                }

                Assert.Equal(series[i + window - 1 + horizon], ((NumericColumn)table["target"])[i]);
            }
        });
    }
}
