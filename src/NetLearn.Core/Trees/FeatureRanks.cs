namespace NetLearn.Trees;

/// <summary>
/// The features of an exact (sorting) tree fit as dense ranks, computed once per fit and shared by every tree of a
/// forest: rank r of feature f is the r-th smallest distinct float of that feature (distinct by bit pattern, so −0 and
/// +0 get two ranks, as the float-keyed sort ordered them). Each value is stored as the code <c>2·rank + close</c>, where
/// <c>close</c> says that the value is within the splitter's 1e-7 of the next smaller distinct value. Sorting a node's
/// codes gives exactly the order of sorting its float values, with keys of about ⌈log₂ distinct⌉ + 1 bits instead of 32,
/// so the builder's radix sort needs fewer and narrower passes. A split scan sees a boundary between two different codes
/// without looking at the values unless the larger one is <c>close</c> (values v &gt; u with v's predecessor w ≥ u and
/// v &gt; w + 1e-7 also have v &gt; u + 1e-7), so the value table is read only at those rare codes and at new best splits.
/// </summary>
internal sealed class FeatureRanks
{
    private const double FeatureThreshold = 1e-7;

    private FeatureRanks(uint[] codes, float[][] values)
    {
        Codes = codes;
        Values = values;
    }

    /// <summary>The code (2·rank + close) of every value, column-major (<c>[feature * rows + row]</c>).</summary>
    public uint[] Codes { get; }

    /// <summary>The distinct values of every feature, ascending: <c>Values[f][r]</c> is the float of rank r.</summary>
    public float[][] Values { get; }

    /// <summary>Ranks column-major float features.</summary>
    public static FeatureRanks Build(float[] columnMajor, int rows, int columns, int threads)
    {
        var codes = new uint[(long)rows * columns];
        var values = new float[columns][];
        Parallel.For(0, columns, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => new ulong[rows], (f, _, keys) =>
        {
            var column = columnMajor.AsSpan(f * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                keys[r] = ((ulong)SortableBits(column[r]) << 32) | (uint)r;
            }

            Array.Sort(keys);
            var target = codes.AsSpan(f * rows, rows);
            var distinct = new List<float>();
            uint previous = 0, code = 0;
            for (int i = 0; i < rows; i++)
            {
                uint bits = (uint)(keys[i] >> 32);
                if (i == 0 || bits != previous)
                {
                    // The same test as the split scan's (a float plus a double threshold).
                    float value = column[(int)(uint)keys[i]];
                    bool close = distinct.Count > 0 && value <= distinct[^1] + FeatureThreshold;
                    code = ((uint)distinct.Count << 1) | (close ? 1u : 0u);
                    distinct.Add(value);
                    previous = bits;
                }

                target[(int)(uint)keys[i]] = code;
            }

            values[f] = [.. distinct];
            return keys;
        },
        _ => { });
        return new FeatureRanks(codes, values);
    }

    /// <summary>The largest code of <paramref name="feature"/> whose value is at most <paramref name="threshold"/> (−1 if none).</summary>
    public long CodeAtMost(int feature, double threshold)
    {
        var v = Values[feature];
        int lo = 0, hi = v.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (v[mid] <= threshold)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        // Every code of a rank ≤ lo − 1 is at most 2·(lo − 1) + 1.
        return ((long)lo << 1) - 1;
    }

    /// <summary>Order-preserving unsigned bits of a float (negative values reversed below the positive ones).</summary>
    public static uint SortableBits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    }
}
