using System.Buffers.Text;

namespace NetLearn.Serving.Protocols;

/// <summary>
/// Shortest round-trip text of a <see cref="double"/> in UTF-8, the same bytes as <see cref="Utf8Formatter"/> (and so
/// <c>Utf8JsonWriter</c>) writes, several times faster for the values a model answers with (probabilities, scores).
/// <para>
/// The digits are found by exact integer arithmetic on the rounding interval, as in Steele and White's shortest-output
/// criterion ("How to Print Floating-Point Numbers Accurately", PLDI 1990) and Ryu (U. Adams, PLDI 2018): every decimal
/// strictly inside (v − ½ulp, v + ½ulp) reads back as v; the output is the one with the fewest significant digits, and
/// among those the one closest to v (ties to even). Scaling v by 10^k with k ≤ 31 keeps every quantity exact in 128 bits,
/// so the fast path covers 1e-15 ≤ |v| &lt; 2^53 (where no interval endpoint can itself be a ≤ 17-digit decimal, so
/// open and closed intervals agree); zero, subnormals, huge values and non-finite values use <see cref="Utf8Formatter"/>.
/// Layout follows .NET's shortest format: fixed notation for decimal exponents −5 &lt; E (up to E = 15, the largest the
/// fast range reaches), else <c>d.dddE±XX</c>.
/// </para>
/// </summary>
internal static class ShortestDouble
{
    private const int MaxScale = 31;

    private static readonly UInt128[] PowersOfFive = BuildPowersOfFive();

    private static readonly ulong[] PowersOfTen = BuildPowersOfTen();

    /// <summary>Writes <paramref name="value"/>; false only when <paramref name="destination"/> is too small.</summary>
    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong fraction = (ulong)bits & ((1UL << 52) - 1);
        int q = biased - 1075;
        int e2 = q + 52; // v is in [2^e2, 2^(e2 + 1))
        int k = 16 - ((e2 * 78913) >> 18); // 16 - floor(e2 * log10(2)): v * 10^k is in [10^16, 2 * 10^17)
        int shift = 2 - q - k; // quantities below are in units of 2^-shift at scale 10^k
        if (biased == 0 || biased == 0x7FF || k < 0 || k > MaxScale || shift <= 2 || shift > 120 || destination.Length < 25)
        {
            return Utf8Formatter.TryFormat(value, destination, out written);
        }

        ulong m = fraction | (1UL << 52);
        UInt128 five = PowersOfFive[k];
        UInt128 center = (UInt128)(m << 2) * five;
        UInt128 high = (UInt128)((m << 2) + 2) * five;
        // At a power of two (fraction 0) the double below is twice as close: the lower half-interval is halved.
        UInt128 low = (UInt128)((m << 2) - (fraction == 0 && biased > 1 ? 1UL : 2UL)) * five;
        UInt128 mask = (UInt128.One << shift) - 1;
        ulong lo = (ulong)(low >> shift);
        ulong hi = (ulong)(high >> shift);
        bool hiExact = (high & mask) == 0;
        ulong c = (ulong)(center >> shift);
        UInt128 cFraction = center & mask;

        // Largest j such that a multiple of 10^j lies strictly inside (low, high); j = 0 always qualifies (width > 1).
        int j = 0;
        while (j < 18)
        {
            ulong p = PowersOfTen[j + 1];
            ulong a = ((lo / p) + 1) * p;
            if (a < hi || (a == hi && !hiExact))
            {
                j++;
            }
            else
            {
                break;
            }
        }

        ulong pow = PowersOfTen[j];
        ulong d = c / pow;
        ulong rem = c - (d * pow);
        bool up;
        if (j == 0)
        {
            UInt128 half = UInt128.One << (shift - 1);
            up = cFraction > half || (cFraction == half && (d & 1) == 1);
        }
        else
        {
            up = 2 * rem > pow || (2 * rem == pow && (cFraction != 0 || (d & 1) == 1));
        }

        d += up ? 1UL : 0UL;
        ulong smallest = (lo / pow) + 1;
        ulong largest = hiExact ? (hi - 1) / pow : hi / pow;
        d = Math.Clamp(d, smallest, largest);

        written = Write(destination, value < 0, d, j - k);
        return true;
    }

    /// <summary>Lays out digits <paramref name="digits"/> × 10^<paramref name="exponent"/> as .NET's shortest format does.</summary>
    private static int Write(Span<byte> destination, bool negative, ulong digits, int exponent)
    {
        Span<byte> text = stackalloc byte[20];
        int count = 0;
        for (ulong rest = digits; rest > 0; rest /= 10)
        {
            text[19 - count++] = (byte)('0' + (int)(rest % 10));
        }

        var significant = text[(20 - count)..];
        int scientific = count - 1 + exponent; // the exponent of the leading digit
        int n = 0;
        if (negative)
        {
            destination[n++] = (byte)'-';
        }

        if (scientific is > -5 and < 16)
        {
            if (scientific >= 0)
            {
                int integerDigits = scientific + 1;
                if (integerDigits >= count)
                {
                    significant.CopyTo(destination[n..]);
                    n += count;
                    destination.Slice(n, integerDigits - count).Fill((byte)'0');
                    n += integerDigits - count;
                }
                else
                {
                    significant[..integerDigits].CopyTo(destination[n..]);
                    n += integerDigits;
                    destination[n++] = (byte)'.';
                    significant[integerDigits..].CopyTo(destination[n..]);
                    n += count - integerDigits;
                }
            }
            else
            {
                destination[n++] = (byte)'0';
                destination[n++] = (byte)'.';
                destination.Slice(n, -scientific - 1).Fill((byte)'0');
                n += -scientific - 1;
                significant.CopyTo(destination[n..]);
                n += count;
            }

            return n;
        }

        destination[n++] = significant[0];
        if (count > 1)
        {
            destination[n++] = (byte)'.';
            significant[1..].CopyTo(destination[n..]);
            n += count - 1;
        }

        destination[n++] = (byte)'E';
        destination[n++] = scientific < 0 ? (byte)'-' : (byte)'+';
        int magnitude = Math.Abs(scientific);
        if (magnitude >= 100)
        {
            destination[n++] = (byte)('0' + (magnitude / 100));
        }

        destination[n++] = (byte)('0' + (magnitude / 10 % 10));
        destination[n++] = (byte)('0' + (magnitude % 10));
        return n;
    }

    private static UInt128[] BuildPowersOfFive()
    {
        var powers = new UInt128[MaxScale + 1];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 5;
        }

        return powers;
    }

    private static ulong[] BuildPowersOfTen()
    {
        var powers = new ulong[20];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
