using System.Buffers.Text;

namespace NetLearn.Serving.Protocols;

/// <summary>
/// Exact conversion of JSON number text (UTF-8) to <see cref="double"/>, fast for the short decimals clients send.
/// <para>
/// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990): when the decimal
/// significand has at most 19 digits and fits in 53 bits, and the power of ten is at most 22 in magnitude, both the
/// significand and 10^|e| are exact doubles, so one IEEE multiplication or division gives the correctly rounded result.
/// Everything else (more digits, larger exponents, zero) goes to the runtime's correctly rounding parser, so the result is
/// always the one exact answer, bit for bit what <c>Utf8JsonReader.TryGetDouble</c> returns.
/// </para>
/// </summary>
internal static class JsonNumbers
{
    private const ulong MaxExactSignificand = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Reads one JSON number at the start of <paramref name="json"/> (grammar of RFC 8259:
    /// <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>).
    /// </summary>
    /// <param name="json">Bytes starting with the number; whatever follows it is not looked at.</param>
    /// <param name="value">The correctly rounded value; finite.</param>
    /// <param name="length">Bytes the number takes.</param>
    /// <returns>False when the text is not a JSON number or its value is out of range (±∞).</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, out double value, out int length)
    {
        value = 0;
        length = 0;
        int i = 0;
        bool negative = false;
        if (i < json.Length && json[i] == (byte)'-')
        {
            negative = true;
            i++;
        }

        ulong significand = 0;
        int digits = 0; // significant digits accumulated (after leading zeros)
        int dropped = 0; // integer digits beyond 19 that did not fit: the exponent grows by one each
        if (i >= json.Length || !IsDigit(json[i]))
        {
            return false;
        }

        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                if (digits < 19)
                {
                    significand = (significand * 10) + (uint)(json[i] - '0');
                    digits++;
                }
                else
                {
                    dropped++;
                }
            }
        }

        int exponent = dropped;
        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            int fractionStart = i;
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                if (digits == 0 && json[i] == (byte)'0')
                {
                    exponent--; // a leading zero of the fraction: not significant
                }
                else if (digits < 19)
                {
                    significand = (significand * 10) + (uint)(json[i] - '0');
                    digits++;
                    exponent--;
                }
                else
                {
                    dropped++;
                }
            }

            if (i == fractionStart)
            {
                return false;
            }
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < json.Length && (json[i] == (byte)'+' || json[i] == (byte)'-'))
            {
                negativeExponent = json[i] == (byte)'-';
                i++;
            }

            int exponentStart = i;
            int written = 0;
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                // Saturate: anything this large goes to the slow path, which decides between 0, a value and ±∞.
                written = written < 100_000 ? (written * 10) + (json[i] - '0') : written;
            }

            if (i == exponentStart)
            {
                return false;
            }

            exponent += negativeExponent ? -written : written;
        }

        length = i;
        if (dropped == 0 && significand != 0 && significand <= MaxExactSignificand && exponent is >= -22 and <= 22)
        {
            double exact = significand;
            exact = exponent < 0 ? exact / PowersOfTen[-exponent] : exact * PowersOfTen[exponent];
            value = negative ? -exact : exact;
            return true;
        }

        // The general case: the runtime's parser (correctly rounded) on exactly the number's bytes.
        return Utf8Parser.TryParse(json[..i], out value, out int consumed) && consumed == i && double.IsFinite(value);
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
