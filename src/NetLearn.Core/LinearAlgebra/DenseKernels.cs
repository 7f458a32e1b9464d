using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetLearn.LinearAlgebra;

/// <summary>
/// Register-blocked dense products for tall, narrow matrices (n rows ≫ p columns), the shapes that k-means,
/// PCA and randomized SVD spend their time on. All matrices are row-major arrays. Work is split into row blocks whose
/// number depends only on the shape (never on the thread count) and partial sums are added in block order, so results
/// are bit-for-bit the same on any machine.
/// </summary>
internal static class DenseKernels
{
    private const int BlockRows = 2048;
    private const int MaxBlocks = 64;

    /// <summary>Rows per parallel block and block count for <paramref name="n"/> rows.</summary>
    internal static (int Blocks, int RowsPerBlock) Partition(int n, int minRows = BlockRows)
    {
        int blocks = Math.Clamp((n + minRows - 1) / minRows, 1, MaxBlocks);
        return (blocks, (n + blocks - 1) / blocks);
    }

    /// <summary>C (n×m) = A (n×p) · B (p×m).</summary>
    public static double[] Multiply(ReadOnlySpan<double> a, int n, int p, double[] b, int m)
    {
        var c = new double[n * m];
        double[] aa = a.ToArray();
        var (blocks, rows) = Partition(n);
        Parallel.For(0, blocks, blk =>
        {
            int from = blk * rows, to = Math.Min(n, from + rows);
            if (from < to)
            {
                MultiplyRows(aa, p, b, m, c, from, to);
            }
        });
        return c;
    }

    /// <summary>C (n×m) = A (n×p) · B (p×m), without copying A (the array form).</summary>
    public static double[] Multiply(double[] a, int n, int p, double[] b, int m)
    {
        var c = new double[n * m];
        var (blocks, rows) = Partition(n);
        Parallel.For(0, blocks, blk =>
        {
            int from = blk * rows, to = Math.Min(n, from + rows);
            if (from < to)
            {
                MultiplyRows(a, p, b, m, c, from, to);
            }
        });
        return c;
    }

    /// <summary>Rows [from, to) of C = A·B, written at C's rows from − <paramref name="cRowBase"/>. Accumulates 4 vectors of C's row in registers while streaming B's rows.</summary>
    internal static void MultiplyRows(double[] a, int p, double[] b, int m, double[] c, int from, int to, int cRowBase = 0)
    {
        int w = Vector<double>.Count;
        int tile = 4 * w;
        ref double bRef = ref MemoryMarshal.GetArrayDataReference(b);
        for (int r = from; r < to; r++)
        {
            int aRow = r * p, cRow = (r - cRowBase) * m;
            int col = 0;
            for (; col + tile <= m; col += tile)
            {
                Vector<double> acc0 = Vector<double>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (int j = 0; j < p; j++)
                {
                    var x = new Vector<double>(a[aRow + j]);
                    ref double bj = ref Unsafe.Add(ref bRef, (j * m) + col);
                    acc0 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref bj), acc0);
                    acc1 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref bj, (nuint)w), acc1);
                    acc2 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref bj, (nuint)(2 * w)), acc2);
                    acc3 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref bj, (nuint)(3 * w)), acc3);
                }

                acc0.CopyTo(c, cRow + col);
                acc1.CopyTo(c, cRow + col + w);
                acc2.CopyTo(c, cRow + col + (2 * w));
                acc3.CopyTo(c, cRow + col + (3 * w));
            }

            for (; col + w <= m; col += w)
            {
                Vector<double> acc = Vector<double>.Zero;
                for (int j = 0; j < p; j++)
                {
                    acc = Vector.FusedMultiplyAdd(new Vector<double>(a[aRow + j]), Vector.LoadUnsafe(ref Unsafe.Add(ref bRef, (j * m) + col)), acc);
                }

                acc.CopyTo(c, cRow + col);
            }

            for (; col < m; col++)
            {
                double s = 0;
                for (int j = 0; j < p; j++)
                {
                    s += a[aRow + j] * b[(j * m) + col];
                }

                c[cRow + col] = s;
            }
        }
    }

    /// <summary>C (p×m) = Aᵀ · B for A (n×p) and B (n×m): blocks of A are transposed so the inner loop runs over rows with C's tile in registers.</summary>
    public static double[] TransposeMultiply(double[] a, int n, int p, double[] b, int m)
    {
        var (blocks, rows) = Partition(n, 4096);
        var partial = new double[blocks][];
        Parallel.For(0, blocks, blk =>
        {
            int from = blk * rows, to = Math.Min(n, from + rows);
            var result = new double[p * m];
            if (from < to)
            {
                TransposeMultiplyRows(a, p, b, m, result, from, to);
            }

            partial[blk] = result;
        });
        var c = partial[0];
        for (int blk = 1; blk < blocks; blk++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(c, partial[blk], c);
        }

        return c;
    }

    private static void TransposeMultiplyRows(double[] a, int p, double[] b, int m, double[] c, int from, int to)
    {
        const int Chunk = 256;
        int w = Vector<double>.Count;
        var at = new double[p * Chunk];
        for (int start = from; start < to; start += Chunk)
        {
            int len = Math.Min(Chunk, to - start);
            for (int r = 0; r < len; r++)
            {
                int aRow = (start + r) * p;
                for (int j = 0; j < p; j++)
                {
                    at[(j * Chunk) + r] = a[aRow + j];
                }
            }

            ref double bRef = ref MemoryMarshal.GetArrayDataReference(b);
            for (int j = 0; j < p; j++)
            {
                int atRow = j * Chunk;
                int col = 0;
                for (; col + (4 * w) <= m; col += 4 * w)
                {
                    var acc0 = new Vector<double>(c, (j * m) + col);
                    var acc1 = new Vector<double>(c, (j * m) + col + w);
                    var acc2 = new Vector<double>(c, (j * m) + col + (2 * w));
                    var acc3 = new Vector<double>(c, (j * m) + col + (3 * w));
                    for (int r = 0; r < len; r++)
                    {
                        var x = new Vector<double>(at[atRow + r]);
                        ref double br = ref Unsafe.Add(ref bRef, ((start + r) * m) + col);
                        acc0 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref br), acc0);
                        acc1 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref br, (nuint)w), acc1);
                        acc2 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref br, (nuint)(2 * w)), acc2);
                        acc3 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref br, (nuint)(3 * w)), acc3);
                    }

                    acc0.CopyTo(c, (j * m) + col);
                    acc1.CopyTo(c, (j * m) + col + w);
                    acc2.CopyTo(c, (j * m) + col + (2 * w));
                    acc3.CopyTo(c, (j * m) + col + (3 * w));
                }

                for (; col + w <= m; col += w)
                {
                    var acc = new Vector<double>(c, (j * m) + col);
                    for (int r = 0; r < len; r++)
                    {
                        acc = Vector.FusedMultiplyAdd(new Vector<double>(at[atRow + r]), Vector.LoadUnsafe(ref Unsafe.Add(ref bRef, ((start + r) * m) + col)), acc);
                    }

                    acc.CopyTo(c, (j * m) + col);
                }

                for (; col < m; col++)
                {
                    double s = c[(j * m) + col];
                    for (int r = 0; r < len; r++)
                    {
                        s += at[atRow + r] * b[((start + r) * m) + col];
                    }

                    c[(j * m) + col] = s;
                }
            }
        }
    }

    /// <summary>The Gram matrix AᵀA (p×p) of A (n×p).</summary>
    public static double[] Gram(double[] a, int n, int p) => TransposeMultiply(a, n, p, a, p);

    /// <summary>Squared row norms of A (n×p).</summary>
    public static double[] RowSquaredNorms(double[] a, int n, int p)
    {
        var result = new double[n];
        for (int r = 0; r < n; r++)
        {
            var row = a.AsSpan(r * p, p);
            result[r] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
        }

        return result;
    }

    /// <summary>Bᵀ padded: a (p × mPad) row-major copy of the transpose of B (m×p), zero-padded to a multiple of the vector width.</summary>
    public static double[] TransposePadded(ReadOnlySpan<double> b, int m, int p, out int mPad)
    {
        int w = Vector<double>.Count;
        mPad = ((m + w - 1) / w) * w;
        var t = new double[p * mPad];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < p; j++)
            {
                t[(j * mPad) + i] = b[(i * p) + j];
            }
        }

        return t;
    }

    /// <summary>Symmetric eigendecomposition of a small p×p matrix (row-major): eigenvalues descending and eigenvectors as rows.</summary>
    public static (double[] Values, double[] Vectors) SymmetricEigen(double[] s, int p)
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p, p, (r, c) => 0.5 * (s[(r * p) + c] + s[(c * p) + r]));
        var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        var order = Enumerable.Range(0, p).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        var vectors = new double[p * p];
        var outValues = new double[p];
        for (int k = 0; k < p; k++)
        {
            outValues[k] = values[order[k]];
            for (int j = 0; j < p; j++)
            {
                vectors[(k * p) + j] = evd.EigenVectors[j, order[k]];
            }
        }

        return (outValues, vectors);
    }
}
