using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;
using NetLearn.Neighbors;

namespace NetLearn.Manifold;

/// <summary>
/// Exact Euclidean k nearest neighbours by a blocked scan for many features: the data rows are packed transposed in
/// chunks of 256 that stay in cache while a block of 64 query rows is multiplied against them (register-blocked
/// <see cref="DenseKernels.MultiplyRows"/>); ‖x‖² − 2x·q + ‖q‖² screens the candidates, which are then measured
/// exactly. The result equals <see cref="NeighborIndex"/>'s scan (sorted by distance, ties by row index); query
/// blocks run in parallel with a deterministic result.
/// </summary>
internal static class UmapBruteNeighbors
{
    private const int Chunk = 256;
    private const int QueryBlock = 64;

    /// <summary>The <paramref name="k"/> nearest rows of <paramref name="data"/> for every row of <paramref name="queries"/>.</summary>
    public static (int[][] Indices, double[][] Distances) Query(Matrix data, Matrix queries, int k)
    {
        int n = data.Rows, p = data.Columns, m = queries.Rows;
        int chunks = (n + Chunk - 1) / Chunk;
        var packed = new double[chunks][];
        var norms = new double[n];
        for (int c = 0; c < chunks; c++)
        {
            var block = packed[c] = new double[p * Chunk];
            for (int r = 0, j = c * Chunk; r < Chunk && j < n; r++, j++)
            {
                var row = data.Row(j);
                norms[j] = TensorPrimitives.Dot<double>(row, row);
                for (int f = 0; f < p; f++)
                {
                    block[(f * Chunk) + r] = row[f];
                }
            }
        }

        double[] q = queries.AsSpan().ToArray();
        var indices = new int[m][];
        var distances = new double[m][];
        int blocks = (m + QueryBlock - 1) / QueryBlock;
        Parallel.For(0, blocks, () => (Heaps: Enumerable.Range(0, QueryBlock).Select(_ => new NeighborIndex.Heap(k)).ToArray(), Dots: new double[QueryBlock * Chunk]), (b, _, state) =>
        {
            int from = b * QueryBlock, to = Math.Min(m, from + QueryBlock);
            Span<double> qq = stackalloc double[QueryBlock];
            for (int i = from; i < to; i++)
            {
                state.Heaps[i - from].Clear();
                var qi = q.AsSpan(i * p, p);
                qq[i - from] = TensorPrimitives.Dot<double>(qi, qi);
            }

            for (int c = 0; c < chunks; c++)
            {
                DenseKernels.MultiplyRows(q, p, packed[c], Chunk, state.Dots, from, to, from);
                int rows = Math.Min(Chunk, n - (c * Chunk));
                for (int i = from; i < to; i++)
                {
                    var heap = state.Heaps[i - from];
                    var dots = state.Dots.AsSpan((i - from) * Chunk, rows);
                    double qn = qq[i - from];
                    for (int r = 0; r < rows; r++)
                    {
                        int j = (c * Chunk) + r;
                        double approx = norms[j] - (2 * dots[r]) + qn;
                        if (heap.Accepts(approx - (1e-10 * (norms[j] + qn))))
                        {
                            heap.Push(Squared(data.Row(j), q.AsSpan(i * p, p)), j);
                        }
                    }
                }
            }

            for (int i = from; i < to; i++)
            {
                (indices[i], distances[i]) = state.Heaps[i - from].Sorted(2);
            }

            return state;
        }, _ => { });
        return (indices, distances);
    }

    // The same sum, in the same order, as NeighborIndex's exact Euclidean distance.
    private static double Squared(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = a[j] - b[j];
            s += d * d;
        }

        return s;
    }
}
