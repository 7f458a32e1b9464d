using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetLearn.Boosting;

/// <summary>One histogram bin: the sums of gradients and hessians of its rows, and how many rows fell in it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HistBin
{
    public double G;
    public double H;
    public int Count;
}

/// <summary>
/// The hot loops of histogram boosting, written the way LightGBM's and scikit-learn's are: gradient/hessian pairs packed
/// side by side and gathered once per node into row order, bins stored column-major as bytes, several features
/// accumulated per pass over a node's rows (one row index and one gradient load serve four independent histogram updates,
/// which also hides the store-to-load latency of consecutive rows falling in the same bin), and no bounds checks inside
/// the loops (bins are below 256 and every feature owns 256 histogram entries, so all addresses are in range by
/// construction). Methods are compiled fully optimised on first call: each runs a few hundred times per fit, too few for
/// tiered compilation to reach its optimised code early.
/// </summary>
internal static class HistKernels
{
    /// <summary>Entries per feature in a node histogram (bins 0..254, plus 255 for missing values).</summary>
    public const int Bins = 256;

    /// <summary>
    /// Copies the packed (gradient, hessian) pairs of <paramref name="rows"/> into <paramref name="ordered"/> in row
    /// order and returns their sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(ReadOnlySpan<int> rows, ReadOnlySpan<double> gh, Span<double> ordered)
    {
        if (ordered.Length < 2 * rows.Length)
        {
            throw new ArgumentException("The ordered buffer is too small.", nameof(ordered));
        }

        ref double source = ref MemoryMarshal.GetReference(gh);
        ref double target = ref MemoryMarshal.GetReference(ordered);
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            if ((uint)((2 * row) + 1) >= (uint)gh.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rows));
            }

            Vector128.LoadUnsafe(ref source, (nuint)(2 * row)).StoreUnsafe(ref target, (nuint)(2 * i));
        }
    }

    /// <summary>
    /// Adds the rows to the histograms of features <paramref name="first"/>..<paramref name="last"/> (exclusive) of
    /// <paramref name="hist"/>; <paramref name="bins"/> is column-major with <paramref name="n"/> rows per feature and
    /// <paramref name="ordered"/> holds the rows' packed gradient pairs in the order of <paramref name="rows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(ReadOnlySpan<byte> bins, int n, ReadOnlySpan<int> rows, ReadOnlySpan<double> ordered, Span<HistBin> hist, int first, int last)
    {
        if ((long)last * n > bins.Length || (long)last * Bins > hist.Length || ordered.Length < 2 * rows.Length || first < 0 || first > last)
        {
            throw new ArgumentException("Histogram buffers do not match the feature range.");
        }

        foreach (int row in rows)
        {
            if ((uint)row >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(rows));
            }
        }

        ref byte column = ref MemoryMarshal.GetReference(bins);
        ref HistBin target = ref MemoryMarshal.GetReference(hist);
        ref int index = ref MemoryMarshal.GetReference(rows);
        ref double gh = ref MemoryMarshal.GetReference(ordered);
        int f = first;
        for (; f + 4 <= last; f += 4)
        {
            Four(ref Unsafe.Add(ref column, (nint)f * n), n, ref index, ref gh, rows.Length, ref Unsafe.Add(ref target, f * Bins));
        }

        for (; f < last; f++)
        {
            One(ref Unsafe.Add(ref column, (nint)f * n), ref index, ref gh, rows.Length, ref Unsafe.Add(ref target, f * Bins));
        }
    }

    /// <summary>
    /// Zeroes the bins a histogram can use: bins 0 … binCount[f] − 1 and the missing bin of every feature f (the
    /// accumulation never touches the others, so a reused histogram needs nothing more; few-category features cost
    /// a few bins instead of 256).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Clear(Span<HistBin> hist, ReadOnlySpan<int> binCount)
    {
        for (int f = 0; f < binCount.Length; f++)
        {
            var feature = hist.Slice(f * Bins, Bins);
            feature[..binCount[f]].Clear();
            feature[Bins - 1] = default;
        }
    }

    /// <summary>
    /// <paramref name="parent"/> −= <paramref name="child"/> over the bins in use (see <see cref="Clear"/>), bin by bin
    /// (histogram subtraction).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(Span<HistBin> parent, ReadOnlySpan<HistBin> child, ReadOnlySpan<int> binCount)
    {
        if (child.Length != parent.Length || parent.Length < binCount.Length * Bins)
        {
            throw new ArgumentException("Histograms differ in size.", nameof(child));
        }

        for (int f = 0; f < binCount.Length; f++)
        {
            var p = parent.Slice(f * Bins, Bins);
            var c = child.Slice(f * Bins, Bins);
            int used = Math.Min(binCount[f], Bins - 1);
            for (int b = 0; b < used; b++)
            {
                Sub(ref p[b], c[b]);
            }

            Sub(ref p[Bins - 1], c[Bins - 1]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sub(ref HistBin parent, in HistBin child)
    {
        ref double sums = ref Unsafe.As<HistBin, double>(ref parent);
        (Vector128.LoadUnsafe(ref sums) - Vector128.LoadUnsafe(ref Unsafe.As<HistBin, double>(ref Unsafe.AsRef(in child)))).StoreUnsafe(ref sums);
        parent.Count -= child.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Four(ref byte c0, int n, ref int index, ref double gh, int count, ref HistBin h0)
    {
        ref byte c1 = ref Unsafe.Add(ref c0, n);
        ref byte c2 = ref Unsafe.Add(ref c1, n);
        ref byte c3 = ref Unsafe.Add(ref c2, n);
        ref HistBin h1 = ref Unsafe.Add(ref h0, Bins);
        ref HistBin h2 = ref Unsafe.Add(ref h1, Bins);
        ref HistBin h3 = ref Unsafe.Add(ref h2, Bins);
        for (int i = 0; i < count; i++)
        {
            nint row = Unsafe.Add(ref index, i);
            var v = Vector128.LoadUnsafe(ref gh, (nuint)(2 * i));
            Add(ref Unsafe.Add(ref h0, Unsafe.Add(ref c0, row)), v);
            Add(ref Unsafe.Add(ref h1, Unsafe.Add(ref c1, row)), v);
            Add(ref Unsafe.Add(ref h2, Unsafe.Add(ref c2, row)), v);
            Add(ref Unsafe.Add(ref h3, Unsafe.Add(ref c3, row)), v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(ref byte c0, ref int index, ref double gh, int count, ref HistBin h0)
    {
        for (int i = 0; i < count; i++)
        {
            nint row = Unsafe.Add(ref index, i);
            Add(ref Unsafe.Add(ref h0, Unsafe.Add(ref c0, row)), Vector128.LoadUnsafe(ref gh, (nuint)(2 * i)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref HistBin bin, Vector128<double> v)
    {
        ref double sums = ref Unsafe.As<HistBin, double>(ref bin);
        (Vector128.LoadUnsafe(ref sums) + v).StoreUnsafe(ref sums);
        bin.Count++;
    }
}
