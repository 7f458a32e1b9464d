using NetLearn.Anomaly;
using NetLearn.Clustering;
using NetLearn.LinearAlgebra;
using Xunit;

namespace NetLearn.Core.Tests.Anomaly;

/// <summary>The KD-tree path of the rows' own k nearest neighbours gives exactly the brute-force answer, duplicates included.</summary>
public class NeighbourSearchTests
{
    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Manhattan)]
    public void TreeMatchesTheScan(DistanceMetric metric)
    {
        var rng = new Random(11);
        int n = Neighbours.TreeRows + 300;
        var x = new Matrix(n, 3);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                // Coarse grid values: many exact duplicates and tied distances.
                x[i, c] = i % 7 == 0 ? 0.0 : Math.Round(rng.NextDouble() * 20) / 4;
            }
        }

        const int k = 9;
        var (treeIndices, treeDistances) = Neighbours.Nearest(x, x, k, excludeSelf: true, metric, CancellationToken.None);

        // The same query on a copy takes the scan path (the tree is used only for a matrix against itself).
        var copy = new Matrix(n, 3, x.AsSpan().ToArray());
        var (scanIndices, scanDistances) = Neighbours.Nearest(copy, x, k, excludeSelf: true, metric, CancellationToken.None);
        Assert.Equal(scanIndices, treeIndices);
        for (int i = 0; i < scanDistances.Length; i++)
        {
            Assert.Equal(scanDistances[i], treeDistances[i], 1e-12);
        }
    }
}
