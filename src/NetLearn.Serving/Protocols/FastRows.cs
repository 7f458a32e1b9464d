using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>
/// The fast path of the named-column request (<c>{"rows": [{"f0": 1.5, …}, …]}</c>): one forward pass of
/// <see cref="Utf8JsonReader"/> over the request bytes, numbers parsed straight into per-thread scratch columns, then one
/// copy into the batch. No DOM, no per-cell strings for numbers, no property lookups by scanning.
/// <para>
/// It accepts only the common, unambiguous shape: a root object whose <c>rows</c> is a non-empty array of objects that
/// name every column once, with numbers or <c>null</c> in numeric columns and strings or <c>null</c> in the others.
/// Anything else (another protocol's body, a numeric string, a missing or repeated column, invalid JSON) returns false and
/// the request goes through <see cref="JsonInputs"/>, which gives the precise error or the conversion — so both paths
/// give the same answer and the same message for every body.
/// </para>
/// <para>
/// Before the reader, a byte scanner (<see cref="ScanRows"/>) takes the most common body of all — only the <c>rows</c>
/// key at the root, every row naming exactly the schema's columns, plain ASCII strings without escapes — at a fraction of
/// the reader's cost per token; whatever it does not take goes on to the reader unchanged.
/// </para>
/// </summary>
internal static partial class FastRows
{
    private const int MaxKeptRows = 4096;

    private static readonly ConditionalWeakTable<Schema, byte[][]> Utf8Names = [];

    [ThreadStatic]
    private static Scratch? _scratch;

    /// <summary>Reads the rows, or returns false when the body is not in the fast path's shape.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, Schema schema, out InputBatch? batch) => TryRead(json, schema, scanner: true, reader: true, out batch);

    /// <summary>Reads the rows with the byte scanner, the reader, or both in turn (tests take them one at a time).</summary>
    internal static bool TryRead(ReadOnlySpan<byte> json, Schema schema, bool scanner, bool reader, out InputBatch? batch)
    {
        var names = Utf8Names.GetValue(schema, s => [.. s.Names.Select(Encoding.UTF8.GetBytes)]);
        var scratch = _scratch ??= new Scratch();
        scratch.Prepare(schema);
        try
        {
            // The byte scanner takes the common body; it declines anything unusual, and the reader starts over.
            int rows = scanner ? ScanRows(json, names, scratch) : -1;
            if (rows > 0 || !reader)
            {
                batch = rows > 0 ? scratch.ToBatch(schema, rows) : null;
                return rows > 0;
            }

            scratch.Prepare(schema);
            var tokens = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            return TryReadRows(ref tokens, schema, names, scratch, out batch);
        }
        finally
        {
            if (scratch.Capacity > MaxKeptRows)
            {
                // Do not keep one huge request's buffers alive on every thread that ever served one.
                _scratch = null;
            }
        }
    }

    private static bool TryReadRows(ref Utf8JsonReader reader, Schema schema, byte[][] names, Scratch scratch, out InputBatch? batch)
    {
        batch = null;
        int rows = -1;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("rows"u8))
                {
                    if (rows >= 0 || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                    {
                        return false;
                    }

                    rows = ReadRows(ref reader, schema, names, scratch);
                    if (rows <= 0)
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The root object has ended; anything after it is invalid JSON, which the reader reports by throwing.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || rows <= 0)
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        batch = scratch.ToBatch(schema, rows);
        return true;
    }

    /// <summary>Reads the rows array (the reader is on its <c>[</c>); returns the row count, or -1 for a shape it does not take.</summary>
    private static int ReadRows(ref Utf8JsonReader reader, Schema schema, byte[][] names, Scratch scratch)
    {
        int columns = names.Length;
        int row = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return row;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return -1;
            }

            scratch.EnsureRows(row + 1);
            int found = 0;
            int expected = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int c = Find(ref reader, names, expected);
                reader.Read();
                if (c < 0)
                {
                    reader.Skip();
                    continue;
                }

                if (scratch.Seen[c] == row + 1)
                {
                    return -1; // a repeated column: let the general path decide
                }

                scratch.Seen[c] = row + 1;
                found++;
                expected = c + 1 == columns ? 0 : c + 1;
                if (!Store(ref reader, scratch, c, row))
                {
                    return -1;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || found != columns)
            {
                return -1;
            }

            row++;
        }

        return -1;
    }

    private static int Find(ref Utf8JsonReader reader, byte[][] names, int expected)
    {
        // Clients send the columns in the same order in every row, usually the schema's: try the next one first.
        if (reader.ValueTextEquals(names[expected]))
        {
            return expected;
        }

        for (int c = 0; c < names.Length; c++)
        {
            if (c != expected && reader.ValueTextEquals(names[c]))
            {
                return c;
            }
        }

        return -1;
    }

    private static bool Store(ref Utf8JsonReader reader, Scratch scratch, int column, int row)
    {
        if (scratch.Numbers[column] is { } numbers)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number when !reader.HasValueSequence && JsonNumbers.TryRead(reader.ValueSpan, out double value, out int length) && length == reader.ValueSpan.Length:
                    numbers[row] = value;
                    return true;
                case JsonTokenType.Null:
                    numbers[row] = double.NaN;
                    return true;
                default:
                    return false;
            }
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                scratch.Texts[column]![row] = reader.GetString();
                return true;
            case JsonTokenType.Null:
                scratch.Texts[column]![row] = null;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Per-thread column buffers, grown as needed and reused by every request on the thread.</summary>
    private sealed class Scratch
    {
        private int _capacity;

        public int Capacity => _capacity;

        public double[]?[] Numbers { get; private set; } = [];

        public string?[]?[] Texts { get; private set; } = [];

        public int[] Seen { get; private set; } = [];

        public void Prepare(Schema schema)
        {
            int count = schema.Count;
            if (Numbers.Length < count)
            {
                Numbers = new double[]?[count];
                Texts = new string?[]?[count];
                Seen = new int[count];
                _capacity = 0;
            }

            Seen.AsSpan().Clear();
            for (int c = 0; c < count; c++)
            {
                bool numeric = schema.Columns[c].Kind == ColumnKind.Numeric;
                if (numeric && Numbers[c] is null)
                {
                    Numbers[c] = new double[_capacity];
                    Texts[c] = null;
                }
                else if (!numeric && Texts[c] is null)
                {
                    Texts[c] = new string?[_capacity];
                    Numbers[c] = null;
                }
            }

            for (int c = count; c < Numbers.Length; c++)
            {
                Numbers[c] = null;
                Texts[c] = null;
            }
        }

        public void EnsureRows(int rows)
        {
            if (rows <= _capacity)
            {
                return;
            }

            _capacity = Math.Max(64, Math.Max(rows, _capacity * 2));
            for (int c = 0; c < Numbers.Length; c++)
            {
                if (Numbers[c] is { } numbers)
                {
                    var grown = new double[_capacity];
                    numbers.CopyTo(grown, 0);
                    Numbers[c] = grown;
                }
                else if (Texts[c] is { } texts)
                {
                    var grown = new string?[_capacity];
                    texts.CopyTo(grown, 0);
                    Texts[c] = grown;
                }
            }
        }

        public InputBatch ToBatch(Schema schema, int rows)
        {
            var numbers = new double[]?[schema.Count];
            var texts = new string?[]?[schema.Count];
            for (int c = 0; c < schema.Count; c++)
            {
                if (Numbers[c] is { } column)
                {
                    numbers[c] = column.AsSpan(0, rows).ToArray();
                }
                else
                {
                    texts[c] = Texts[c].AsSpan(0, rows).ToArray();
                    Texts[c].AsSpan(0, rows).Clear(); // do not keep request strings alive
                }
            }

            return new InputBatch(schema, rows, numbers, texts);
        }
    }
}
