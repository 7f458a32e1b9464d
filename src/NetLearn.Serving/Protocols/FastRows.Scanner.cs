using System.Text;

namespace NetLearn.Serving.Protocols;

/// <summary>The byte scanner in front of the reader (see <see cref="FastRows"/>).</summary>
internal static partial class FastRows
{
    /// <summary>
    /// Reads <c>{"rows": [{...}, ...]}</c> straight from the bytes when the body is in the narrowest common shape: the
    /// root object has only the <c>rows</c> key, each row names exactly the schema's columns once (plain keys, no
    /// escapes), numeric columns hold JSON numbers or <c>null</c>, the others printable-ASCII strings without escapes or
    /// <c>null</c>. Everything it accepts is valid JSON (RFC 8259) and is read exactly as <c>Utf8JsonReader</c> reads it
    /// (numbers through <see cref="JsonNumbers"/>, which agrees bit for bit with <c>TryGetDouble</c>).
    /// </summary>
    /// <returns>The row count, or -1 when the body is not in that shape (the reader then decides).</returns>
    private static int ScanRows(ReadOnlySpan<byte> json, byte[][] names, Scratch scratch)
    {
        int columns = names.Length;
        if (!PlainNames(names))
        {
            return -1;
        }

        int i = SkipSpace(json, 0);
        if (At(json, i) != '{')
        {
            return -1;
        }

        i = SkipSpace(json, i + 1);
        if (!json[i..].StartsWith("\"rows\""u8))
        {
            return -1;
        }

        i = SkipSpace(json, i + 6);
        if (At(json, i) != ':')
        {
            return -1;
        }

        i = SkipSpace(json, i + 1);
        if (At(json, i) != '[')
        {
            return -1;
        }

        i = SkipSpace(json, i + 1);
        int row = 0;
        while (true)
        {
            if (At(json, i) != '{' || columns == 0)
            {
                return -1;
            }

            i = SkipSpace(json, i + 1);
            scratch.EnsureRows(row + 1);
            int expected = 0;
            for (int found = 0; found < columns; found++)
            {
                if (found > 0)
                {
                    if (At(json, i) != ',')
                    {
                        return -1;
                    }

                    i = SkipSpace(json, i + 1);
                }

                if (At(json, i) != '"')
                {
                    return -1;
                }

                i++;
                int c = expected;
                int keyLength = names[c].Length;
                if (!json[i..].StartsWith(names[c]) || At(json, i + keyLength) != '"')
                {
                    // Not the next column in schema order: find the key's end, then its column.
                    keyLength = json[i..].IndexOfAny((byte)'"', (byte)'\\');
                    if (keyLength < 0 || json[i + keyLength] != '"')
                    {
                        return -1;
                    }

                    c = FindName(json.Slice(i, keyLength), names);
                }

                if (c < 0 || scratch.Seen[c] == row + 1)
                {
                    return -1;
                }

                scratch.Seen[c] = row + 1;
                expected = c + 1 == columns ? 0 : c + 1;
                i = SkipSpace(json, i + keyLength + 1);
                if (At(json, i) != ':')
                {
                    return -1;
                }

                i = SkipSpace(json, i + 1);
                int length = ScanValue(json[i..], scratch, c, row);
                if (length <= 0)
                {
                    return -1;
                }

                i = SkipSpace(json, i + length);
            }

            if (At(json, i) != '}')
            {
                return -1;
            }

            row++;
            i = SkipSpace(json, i + 1);
            if (At(json, i) == ',')
            {
                i = SkipSpace(json, i + 1);
                continue;
            }

            if (At(json, i) != ']')
            {
                return -1;
            }

            break;
        }

        i = SkipSpace(json, i + 1);
        if (At(json, i) != '}')
        {
            return -1;
        }

        return SkipSpace(json, i + 1) == json.Length ? row : -1;
    }

    /// <summary>Stores one cell; returns the bytes its value takes, or -1 for a value the scanner does not take.</summary>
    private static int ScanValue(ReadOnlySpan<byte> json, Scratch scratch, int column, int row)
    {
        if (json.StartsWith("null"u8))
        {
            if (scratch.Numbers[column] is { } missing)
            {
                missing[row] = double.NaN;
            }
            else
            {
                scratch.Texts[column]![row] = null;
            }

            return 4;
        }

        if (scratch.Numbers[column] is { } numbers)
        {
            if (!JsonNumbers.TryRead(json, out double value, out int length))
            {
                return -1;
            }

            numbers[row] = value;
            return length;
        }

        if (At(json, 0) != '"')
        {
            return -1;
        }

        int end = json[1..].IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0 || json[1 + end] != '"')
        {
            return -1;
        }

        var text = json.Slice(1, end);
        if (text.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7F) >= 0)
        {
            return -1; // control characters are invalid JSON; other bytes need UTF-8 validation: the reader's job
        }

        scratch.Texts[column]![row] = Encoding.ASCII.GetString(text);
        return end + 2;
    }

    private static int FindName(ReadOnlySpan<byte> key, byte[][] names)
    {
        for (int c = 0; c < names.Length; c++)
        {
            if (key.SequenceEqual(names[c]))
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>
    /// True when no column name holds a quote, a backslash or a control character: only then is a key whose bytes equal a
    /// name, closed by a quote, exactly that name in valid JSON (names with such characters are left to the reader).
    /// </summary>
    private static bool PlainNames(byte[][] names)
    {
        foreach (byte[] name in names)
        {
            if (name.AsSpan().IndexOfAny((byte)'"', (byte)'\\') >= 0 || name.AsSpan().IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int At(ReadOnlySpan<byte> json, int i) => (uint)i < (uint)json.Length ? json[i] : -1;

    private static int SkipSpace(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }
}
