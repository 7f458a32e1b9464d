using System.Runtime.CompilerServices;

namespace NetLearn.Boosting;

/// <summary>
/// Sorts doubles ascending with an LSD radix sort (Knuth, <i>TAOCP</i> vol. 3, 5.2.5) on their order-preserving 64-bit
/// keys (sign bit flipped for positives, all bits flipped for negatives): six counting passes of 11 bits (the last 9),
/// all digit counts taken in one first pass, and a pass skipped when every key has the same digit there (frequent in
/// the sign and exponent bits). O(n) against Array.Sort's O(n log n) comparisons. NaN must not occur; -0.0 sorts
/// before 0.0.
/// </summary>
internal static class DoubleRadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const int Passes = 6;

    /// <summary>Below this many values a comparison sort is cheaper than six counting passes.</summary>
    private const int Threshold = 512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(Span<double> values)
    {
        if (values.Length < Threshold)
        {
            values.Sort();
            return;
        }

        var keys = new ulong[values.Length];
        var buffer = new ulong[values.Length];
        var counts = new int[Passes * Buckets];
        for (int i = 0; i < values.Length; i++)
        {
            ulong key = Key(values[i]);
            keys[i] = key;
            for (int pass = 0; pass < Passes; pass++)
            {
                counts[(pass * Buckets) + (int)((key >> (pass * DigitBits)) & (Buckets - 1))]++;
            }
        }

        ulong[] source = keys, target = buffer;
        for (int pass = 0; pass < Passes; pass++)
        {
            int shift = pass * DigitBits, offset = pass * Buckets;
            if (counts[offset + (int)((source[0] >> shift) & (Buckets - 1))] == values.Length)
            {
                continue;
            }

            int sum = 0;
            for (int b = 0; b < Buckets; b++)
            {
                int c = counts[offset + b];
                counts[offset + b] = sum;
                sum += c;
            }

            foreach (ulong key in source)
            {
                target[counts[offset + (int)((key >> shift) & (Buckets - 1))]++] = key;
            }

            (source, target) = (target, source);
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = FromKey(source[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double FromKey(ulong key) =>
        BitConverter.UInt64BitsToDouble((key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key);
}
