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
    private const int TransposeChunk = 256;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no slow tier-0 pass over big data
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no slow tier-0 pass over big data
    private static void TransposeMultiplyRows(double[] a, int p, double[] b, int m, double[] c, int from, int to)
    {
        const int Chunk = TransposeChunk;
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

    /// <summary>
    /// One fused pass of subspace iteration: for each cache-sized block of rows, Y = A·Z (n×m) is formed and
    /// immediately used for W = Aᵀ·Y (p×m, returned) and, when <paramref name="gram"/> is given, G = YᵀY (m×m, added
    /// into it), so A is read from memory once instead of twice. <paramref name="y"/>, when given, receives Y.
    /// </summary>
    public static double[] NormalTimes(double[] a, int n, int p, double[] z, int m, double[]? y = null, double[]? gram = null)
    {
        var (blocks, rows) = Partition(n, 4096);
        var partialW = new double[blocks][];
        var partialG = new double[blocks][];
        Parallel.For(0, blocks, blk =>
        {
            int from = blk * rows, to = Math.Min(n, from + rows);
            var w = new double[p * m];
            var g = gram is null ? null : new double[m * m];
            var local = new double[TransposeChunk * m];
            for (int start = from; start < to; start += TransposeChunk)
            {
                int end = Math.Min(to, start + TransposeChunk);
                PanelTimes(a, p, z, m, local, start, end - start);
                PanelTransposeTimes(a, p, local, m, w, start, end - start);
                if (g is not null)
                {
                    PanelTransposeTimes(local, m, local, m, g, 0, end - start);
                }

                if (y is not null)
                {
                    Array.Copy(local, 0, y, (long)start * m, (end - start) * m);
                }
            }

            partialW[blk] = w;
            partialG[blk] = g!;
        });
        for (int blk = 1; blk < blocks; blk++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(partialW[0], partialW[blk], partialW[0]);
        }

        if (gram is not null)
        {
            for (int blk = 0; blk < blocks; blk++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(gram, partialG[blk], gram);
            }
        }

        return partialW[0];
    }

    // Y (len×m) = A[start, start+len) · Z (p×m), for a cache-resident panel of A. Two rows at a time share every load of
    // Z; a column tile of 4 vectors keeps 8 accumulators in registers; leftover vectors split the sum over j into even and
    // odd halves so that no single chain of dependent FMAs sets the pace.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no slow tier-0 pass over big data
    private static void PanelTimes(double[] a, int p, double[] z, int m, double[] y, int start, int len)
    {
        int w = Vector<double>.Count;
        ref double zRef = ref MemoryMarshal.GetArrayDataReference(z);
        ref double yRef = ref MemoryMarshal.GetArrayDataReference(y);
        int r = 0;
        for (; r + 2 <= len; r += 2)
        {
            ref double a0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)(start + r) * p);
            ref double a1 = ref Unsafe.Add(ref a0, p);
            ref double y0 = ref Unsafe.Add(ref yRef, (nint)r * m);
            ref double y1 = ref Unsafe.Add(ref y0, m);
            int col = 0;
            for (; col + (4 * w) <= m; col += 4 * w)
            {
                Vector<double> c00 = Vector<double>.Zero, c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                for (int j = 0; j < p; j++)
                {
                    ref double zj = ref Unsafe.Add(ref zRef, (nint)(j * m) + col);
                    var b0 = Vector.LoadUnsafe(ref zj);
                    var b1 = Vector.LoadUnsafe(ref zj, (nuint)w);
                    var b2 = Vector.LoadUnsafe(ref zj, (nuint)(2 * w));
                    var b3 = Vector.LoadUnsafe(ref zj, (nuint)(3 * w));
                    var x0 = new Vector<double>(Unsafe.Add(ref a0, j));
                    var x1 = new Vector<double>(Unsafe.Add(ref a1, j));
                    c00 = Vector.FusedMultiplyAdd(x0, b0, c00);
                    c01 = Vector.FusedMultiplyAdd(x0, b1, c01);
                    c02 = Vector.FusedMultiplyAdd(x0, b2, c02);
                    c03 = Vector.FusedMultiplyAdd(x0, b3, c03);
                    c10 = Vector.FusedMultiplyAdd(x1, b0, c10);
                    c11 = Vector.FusedMultiplyAdd(x1, b1, c11);
                    c12 = Vector.FusedMultiplyAdd(x1, b2, c12);
                    c13 = Vector.FusedMultiplyAdd(x1, b3, c13);
                }

                c00.StoreUnsafe(ref y0, (nuint)col);
                c01.StoreUnsafe(ref y0, (nuint)(col + w));
                c02.StoreUnsafe(ref y0, (nuint)(col + (2 * w)));
                c03.StoreUnsafe(ref y0, (nuint)(col + (3 * w)));
                c10.StoreUnsafe(ref y1, (nuint)col);
                c11.StoreUnsafe(ref y1, (nuint)(col + w));
                c12.StoreUnsafe(ref y1, (nuint)(col + (2 * w)));
                c13.StoreUnsafe(ref y1, (nuint)(col + (3 * w)));
            }

            for (; col + w <= m; col += w)
            {
                Vector<double> e0 = Vector<double>.Zero, o0 = e0, e1 = e0, o1 = e0;
                int j = 0;
                for (; j + 2 <= p; j += 2)
                {
                    var be = Vector.LoadUnsafe(ref Unsafe.Add(ref zRef, (nint)(j * m) + col));
                    var bo = Vector.LoadUnsafe(ref Unsafe.Add(ref zRef, (nint)((j + 1) * m) + col));
                    e0 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a0, j)), be, e0);
                    o0 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a0, j + 1)), bo, o0);
                    e1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a1, j)), be, e1);
                    o1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a1, j + 1)), bo, o1);
                }

                if (j < p)
                {
                    var be = Vector.LoadUnsafe(ref Unsafe.Add(ref zRef, (nint)(j * m) + col));
                    e0 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a0, j)), be, e0);
                    e1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref a1, j)), be, e1);
                }

                (e0 + o0).StoreUnsafe(ref y0, (nuint)col);
                (e1 + o1).StoreUnsafe(ref y1, (nuint)col);
            }

            for (; col < m; col++)
            {
                double s0 = 0, s1 = 0;
                for (int j = 0; j < p; j++)
                {
                    double b = Unsafe.Add(ref zRef, (nint)(j * m) + col);
                    s0 += Unsafe.Add(ref a0, j) * b;
                    s1 += Unsafe.Add(ref a1, j) * b;
                }

                Unsafe.Add(ref y0, col) = s0;
                Unsafe.Add(ref y1, col) = s1;
            }
        }

        if (r < len)
        {
            MultiplyRows(a, p, z, m, y, start + r, start + len, start);
        }
    }

    // C (p×m) += A[start, start+len)ᵀ · Y (len×m, row-major, row i pairs with A's row start + i), for a cache-resident
    // panel. Two rows of C at a time share every load of Y; A's entries are broadcast straight from the panel (no
    // transposed copy); leftover vectors split the sum over the panel's rows into even and odd halves.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no slow tier-0 pass over big data
    private static void PanelTransposeTimes(double[] a, int p, double[] y, int m, double[] c, int start, int len)
    {
        int w = Vector<double>.Count;
        ref double aRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)start * p);
        ref double yRef = ref MemoryMarshal.GetArrayDataReference(y);
        ref double cRef = ref MemoryMarshal.GetArrayDataReference(c);
        int j = 0;
        for (; j + 2 <= p; j += 2)
        {
            ref double c0 = ref Unsafe.Add(ref cRef, (nint)j * m);
            ref double c1 = ref Unsafe.Add(ref c0, m);
            int col = 0;
            for (; col + (4 * w) <= m; col += 4 * w)
            {
                var c00 = Vector.LoadUnsafe(ref c0, (nuint)col);
                var c01 = Vector.LoadUnsafe(ref c0, (nuint)(col + w));
                var c02 = Vector.LoadUnsafe(ref c0, (nuint)(col + (2 * w)));
                var c03 = Vector.LoadUnsafe(ref c0, (nuint)(col + (3 * w)));
                var c10 = Vector.LoadUnsafe(ref c1, (nuint)col);
                var c11 = Vector.LoadUnsafe(ref c1, (nuint)(col + w));
                var c12 = Vector.LoadUnsafe(ref c1, (nuint)(col + (2 * w)));
                var c13 = Vector.LoadUnsafe(ref c1, (nuint)(col + (3 * w)));
                for (int r = 0; r < len; r++)
                {
                    ref double yr = ref Unsafe.Add(ref yRef, (nint)(r * m) + col);
                    var b0 = Vector.LoadUnsafe(ref yr);
                    var b1 = Vector.LoadUnsafe(ref yr, (nuint)w);
                    var b2 = Vector.LoadUnsafe(ref yr, (nuint)(2 * w));
                    var b3 = Vector.LoadUnsafe(ref yr, (nuint)(3 * w));
                    ref double ar = ref Unsafe.Add(ref aRef, (nint)(r * p) + j);
                    var x0 = new Vector<double>(ar);
                    var x1 = new Vector<double>(Unsafe.Add(ref ar, 1));
                    c00 = Vector.FusedMultiplyAdd(x0, b0, c00);
                    c01 = Vector.FusedMultiplyAdd(x0, b1, c01);
                    c02 = Vector.FusedMultiplyAdd(x0, b2, c02);
                    c03 = Vector.FusedMultiplyAdd(x0, b3, c03);
                    c10 = Vector.FusedMultiplyAdd(x1, b0, c10);
                    c11 = Vector.FusedMultiplyAdd(x1, b1, c11);
                    c12 = Vector.FusedMultiplyAdd(x1, b2, c12);
                    c13 = Vector.FusedMultiplyAdd(x1, b3, c13);
                }

                c00.StoreUnsafe(ref c0, (nuint)col);
                c01.StoreUnsafe(ref c0, (nuint)(col + w));
                c02.StoreUnsafe(ref c0, (nuint)(col + (2 * w)));
                c03.StoreUnsafe(ref c0, (nuint)(col + (3 * w)));
                c10.StoreUnsafe(ref c1, (nuint)col);
                c11.StoreUnsafe(ref c1, (nuint)(col + w));
                c12.StoreUnsafe(ref c1, (nuint)(col + (2 * w)));
                c13.StoreUnsafe(ref c1, (nuint)(col + (3 * w)));
            }

            for (; col + w <= m; col += w)
            {
                Vector<double> e0 = Vector<double>.Zero, o0 = e0, e1 = e0, o1 = e0;
                int r = 0;
                for (; r + 2 <= len; r += 2)
                {
                    var be = Vector.LoadUnsafe(ref Unsafe.Add(ref yRef, (nint)(r * m) + col));
                    var bo = Vector.LoadUnsafe(ref Unsafe.Add(ref yRef, (nint)((r + 1) * m) + col));
                    ref double ae = ref Unsafe.Add(ref aRef, (nint)(r * p) + j);
                    ref double ao = ref Unsafe.Add(ref ae, p);
                    e0 = Vector.FusedMultiplyAdd(new Vector<double>(ae), be, e0);
                    e1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref ae, 1)), be, e1);
                    o0 = Vector.FusedMultiplyAdd(new Vector<double>(ao), bo, o0);
                    o1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref ao, 1)), bo, o1);
                }

                if (r < len)
                {
                    var be = Vector.LoadUnsafe(ref Unsafe.Add(ref yRef, (nint)(r * m) + col));
                    ref double ae = ref Unsafe.Add(ref aRef, (nint)(r * p) + j);
                    e0 = Vector.FusedMultiplyAdd(new Vector<double>(ae), be, e0);
                    e1 = Vector.FusedMultiplyAdd(new Vector<double>(Unsafe.Add(ref ae, 1)), be, e1);
                }

                (Vector.LoadUnsafe(ref c0, (nuint)col) + e0 + o0).StoreUnsafe(ref c0, (nuint)col);
                (Vector.LoadUnsafe(ref c1, (nuint)col) + e1 + o1).StoreUnsafe(ref c1, (nuint)col);
            }

            for (; col < m; col++)
            {
                double s0 = 0, s1 = 0;
                for (int r = 0; r < len; r++)
                {
                    double b = Unsafe.Add(ref yRef, (nint)(r * m) + col);
                    s0 += Unsafe.Add(ref aRef, (nint)(r * p) + j) * b;
                    s1 += Unsafe.Add(ref aRef, (nint)(r * p) + j + 1) * b;
                }

                Unsafe.Add(ref c0, col) += s0;
                Unsafe.Add(ref c1, col) += s1;
            }
        }

        for (; j < p; j++)
        {
            for (int col = 0; col < m; col++)
            {
                double s = 0;
                for (int r = 0; r < len; r++)
                {
                    s += Unsafe.Add(ref aRef, (nint)(r * p) + j) * Unsafe.Add(ref yRef, (nint)(r * m) + col);
                }

                c[(j * m) + col] += s;
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
