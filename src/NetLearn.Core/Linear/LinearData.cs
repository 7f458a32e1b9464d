using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Linear;

/// <summary>
/// A regression design prepared as scikit-learn's <c>_preprocess_data</c> + <c>_rescale_data</c> do: optionally centred
/// on the weighted column means, then every row multiplied by √wᵢ. Stored column-major so that coordinate-wise
/// kernels (coordinate descent, Gram products) run over contiguous memory.
/// </summary>
internal sealed class LinearData
{
    private LinearData(double[] columns, double[] y, double[] xOffset, double yOffset, int n, int p)
    {
        Columns = columns;
        Y = y;
        XOffset = xOffset;
        YOffset = yOffset;
        N = n;
        P = p;
    }

    /// <summary>The prepared design, column-major (column j is <c>Columns[j·N .. (j+1)·N)</c>).</summary>
    public double[] Columns { get; }

    /// <summary>The prepared target.</summary>
    public double[] Y { get; }

    /// <summary>The weighted column means subtracted (zeros without an intercept).</summary>
    public double[] XOffset { get; }

    /// <summary>The weighted target mean subtracted (0 without an intercept).</summary>
    public double YOffset { get; }

    /// <summary>Rows.</summary>
    public int N { get; }

    /// <summary>Columns.</summary>
    public int P { get; }

    /// <summary>Column <paramref name="j"/>.</summary>
    public Span<double> Column(int j) => Columns.AsSpan(j * N, N);

    /// <summary>The intercept that goes with <paramref name="coef"/> on the original scale.</summary>
    public double Intercept(ReadOnlySpan<double> coef, bool fitIntercept) => fitIntercept ? YOffset - TensorPrimitives.Dot(XOffset, coef) : 0.0;

    /// <summary>Wraps an already prepared column-major design (no centring; used by the path functions).</summary>
    public static LinearData Raw(Matrix x, double[] y)
    {
        int n = x.Rows, p = x.Columns;
        var columns = new double[n * p];
        for (int r = 0; r < n; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < p; c++)
            {
                columns[(c * n) + r] = row[c];
            }
        }

        return new LinearData(columns, (double[])y.Clone(), new double[p], 0, n, p);
    }

    /// <summary>
    /// Prepares the columns of <paramref name="features"/> directly (no row-major copy): every value must be finite.
    /// Columns are processed in parallel; each column's result does not depend on the thread count.
    /// </summary>
    /// <exception cref="DataValidationException">A missing or infinite value (names the column and row).</exception>
    public static LinearData FromTable(Table features, double[] y, double[]? weights, bool fitIntercept)
    {
        int n = features.RowCount, p = features.ColumnCount;
        if ((long)n * p > Array.MaxLength)
        {
            throw new DataValidationException($"The data have {n} rows × {p} columns, more values than one array can hold. Use fewer rows or columns");
        }

        var columns = new double[n * p];
        var xOffset = new double[p];
        double total = weights is null ? n : TensorPrimitives.Sum<double>(weights);
        double[]? sqrtWeights = weights is null ? null : [.. weights.Select(Math.Sqrt)];
        double yOffset = 0;
        if (fitIntercept)
        {
            yOffset = weights is null ? TensorPrimitives.Sum<double>(y) / n : TensorPrimitives.Dot<double>(weights, y) / total;
        }

        // Non-numeric columns are converted first, in order, so that a text column fails with its own clear error.
        var converted = new double[]?[p];
        for (int c = 0; c < p; c++)
        {
            converted[c] = features.Columns[c] is NumericColumn ? null : features.Columns[c].ToDoubleArray();
        }

        var badRow = new int[p];
        Parallel.For(0, p, c =>
        {
            var source = converted[c] is { } array ? array : ((NumericColumn)features.Columns[c]).Values;
            var target = columns.AsSpan(c * n, n);
            badRow[c] = -1;
            for (int r = 0; r < n; r++)
            {
                if (!double.IsFinite(source[r]))
                {
                    badRow[c] = r;
                    return;
                }
            }

            double mean = 0;
            if (fitIntercept)
            {
                mean = weights is null ? TensorPrimitives.Sum(source) / n : TensorPrimitives.Dot(weights, source) / total;
            }

            xOffset[c] = mean;
            TensorPrimitives.Subtract(source, mean, target);
            if (sqrtWeights is not null)
            {
                TensorPrimitives.Multiply(target, sqrtWeights, target);
            }
        });

        ThrowIfNonFinite(features, badRow);

        var prepared = new double[n];
        TensorPrimitives.Subtract(y, yOffset, prepared);
        if (sqrtWeights is not null)
        {
            TensorPrimitives.Multiply<double>(prepared, sqrtWeights, prepared);
        }

        return new LinearData(columns, prepared, xOffset, yOffset, n, p);
    }

    /// <summary>
    /// The columns of <paramref name="features"/> copied column-major into one array (column j at <c>[j·n, (j+1)·n)</c>),
    /// followed by <paramref name="extraColumns"/> columns filled with <paramref name="extraValue"/> (an intercept
    /// column). Every value must be finite; columns are copied in parallel.
    /// </summary>
    /// <exception cref="DataValidationException">A missing or infinite value (names the column and row).</exception>
    public static double[] ColumnMajor(Table features, int extraColumns = 0, double extraValue = 1.0)
    {
        int n = features.RowCount, p = features.ColumnCount;
        if ((long)n * (p + extraColumns) > Array.MaxLength)
        {
            throw new DataValidationException($"The data have {n} rows × {p} columns, more values than one array can hold. Use fewer rows or columns");
        }

        var columns = new double[n * (p + extraColumns)];
        var converted = new double[]?[p];
        for (int c = 0; c < p; c++)
        {
            converted[c] = features.Columns[c] is NumericColumn ? null : features.Columns[c].ToDoubleArray();
        }

        var badRow = new int[p];
        Parallel.For(0, p, c =>
        {
            ReadOnlySpan<double> source = converted[c] is { } array ? array : ((NumericColumn)features.Columns[c]).Values;
            badRow[c] = -1;
            if (!TensorPrimitives.IsFiniteAll(source))
            {
                for (int r = 0; r < n; r++)
                {
                    if (!double.IsFinite(source[r]))
                    {
                        badRow[c] = r;
                        return;
                    }
                }
            }

            source.CopyTo(columns.AsSpan(c * n, n));
        });

        ThrowIfNonFinite(features, badRow);
        columns.AsSpan(p * n).Fill(extraValue);
        return columns;
    }

    // badRow[c] ≥ 0: the first row of column c that is missing or infinite.
    private static void ThrowIfNonFinite(Table features, int[] badRow)
    {
        for (int c = 0; c < badRow.Length; c++)
        {
            if (badRow[c] >= 0)
            {
                double v = features.Columns[c].ToDoubleArray()[badRow[c]];
                string what = double.IsNaN(v) ? "a missing value" : "an infinite value";
                throw new DataValidationException($"Found {what}. Impute it (SimpleImputer), drop the row, or use a model that accepts missing values", column: features.Columns[c].Name, row: badRow[c]);
            }
        }
    }

    /// <summary>
    /// AᵀA (p×p, row-major) and Aᵀy as a blocked SYRK: rows are cut into blocks of 512 (all p column slices of a block
    /// fit in L2), and each block's products are computed four columns at a time with 256-bit vectors, so every load of
    /// column i feeds four multiply-adds. Blocks are grouped into a number of chunks that depends only on n; chunks run
    /// in parallel into their own buffers, summed in chunk order, so the result is the same on any machine.
    /// </summary>
    public (double[] Gram, double[] Xty) GramAndXty()
    {
        const int blockRows = 512;
        int n = N, p = P, q = p + 1; // the target rides along as column p.
        int blocks = (n + blockRows - 1) / blockRows;
        int chunks = Math.Clamp(blocks / 8, 1, 32);
        var partial = new double[chunks][];
        Parallel.For(0, chunks, chunk =>
        {
            var g = new double[q * q];
            int first = (int)((long)blocks * chunk / chunks), last = (int)((long)blocks * (chunk + 1) / chunks);
            for (int b = first; b < last; b++)
            {
                int from = b * blockRows, length = Math.Min(blockRows, n - from);
                for (int i = 0; i < q; i++)
                {
                    var ci = Segment(i, from, length);
                    int j = i;
                    for (; j + 3 < q; j += 4)
                    {
                        Dot4(ci, Segment(j, from, length), Segment(j + 1, from, length), Segment(j + 2, from, length), Segment(j + 3, from, length), g.AsSpan((i * q) + j, 4));
                    }

                    for (; j < q; j++)
                    {
                        g[(i * q) + j] += TensorPrimitives.Dot<double>(ci, Segment(j, from, length));
                    }
                }
            }

            partial[chunk] = g;
        });

        var gram = new double[p * p];
        var xty = new double[p];
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            var g = partial[chunk];
            for (int i = 0; i < p; i++)
            {
                for (int j = i; j < p; j++)
                {
                    gram[(i * p) + j] += g[(i * q) + j];
                }

                xty[i] += g[(i * q) + p];
            }
        }

        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < i; j++)
            {
                gram[(i * p) + j] = gram[(j * p) + i];
            }
        }

        return (gram, xty);
    }

    private ReadOnlySpan<double> Segment(int column, int from, int length) =>
        column == P ? Y.AsSpan(from, length) : Columns.AsSpan((column * N) + from, length);

    // target[k] += a · b_k for four vectors at once: a is loaded once per step.
    internal static void Dot4(ReadOnlySpan<double> a, ReadOnlySpan<double> b0, ReadOnlySpan<double> b1, ReadOnlySpan<double> b2, ReadOnlySpan<double> b3, Span<double> target)
    {
        int length = a.Length, k = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var v0 = Vector256<double>.Zero;
            var v1 = Vector256<double>.Zero;
            var v2 = Vector256<double>.Zero;
            var v3 = Vector256<double>.Zero;
            ref double ra = ref MemoryMarshal.GetReference(a);
            ref double r0 = ref MemoryMarshal.GetReference(b0);
            ref double r1 = ref MemoryMarshal.GetReference(b1);
            ref double r2 = ref MemoryMarshal.GetReference(b2);
            ref double r3 = ref MemoryMarshal.GetReference(b3);
            for (; k + Vector256<double>.Count <= length; k += Vector256<double>.Count)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)k);
                v0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref r0, (nuint)k), v0);
                v1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref r1, (nuint)k), v1);
                v2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref r2, (nuint)k), v2);
                v3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref r3, (nuint)k), v3);
            }

            s0 = Vector256.Sum(v0);
            s1 = Vector256.Sum(v1);
            s2 = Vector256.Sum(v2);
            s3 = Vector256.Sum(v3);
        }

        for (; k < length; k++)
        {
            s0 += a[k] * b0[k];
            s1 += a[k] * b1[k];
            s2 += a[k] * b2[k];
            s3 += a[k] * b3[k];
        }

        target[0] += s0;
        target[1] += s1;
        target[2] += s2;
        target[3] += s3;
    }
}
