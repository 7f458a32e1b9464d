using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using NetLearn.Data;
using NetLearn.LinearAlgebra;
using NetLearn.Serving.Protocols;

namespace NetLearn.Serving.Tests;

/// <summary>
/// The byte-level fast path — number parsing (<see cref="JsonNumbers"/>), the row scanner in front of the reader, and the
/// direct answer writer (<see cref="RowsResponse"/>) — gives bit for bit what System.Text.Json gives.
/// </summary>
public sealed class FastPathExactnessTests
{
    private static readonly Schema Mixed = new([new("a", ColumnKind.Numeric), new("b", ColumnKind.Numeric), new("city", ColumnKind.Categorical)]);

    /// <summary>JSON number text: doubles as .NET writes them in several formats, and free-form digit strings.</summary>
    private static readonly Gen<string> NumberText = Gen.OneOf(
        Gen.Select(Gen.Long, Gen.Int[0, 4], (bits, format) => (BitConverter.Int64BitsToDouble(bits), format)).Where(t => double.IsFinite(t.Item1))
            .Select(t => t.Item1.ToString(t.format switch { 0 => "R", 1 => "E16", 2 => "E3", 3 => "G17", _ => "R" }, CultureInfo.InvariantCulture)),
        Gen.Select(Gen.Double[-1e6, 1e6], Gen.Int[0, 12], (d, decimals) => d.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
        Gen.Select(Gen.Bool, Gen.String[Gen.Char['0', '9'], 1, 25], Gen.String[Gen.Char['0', '9'], 0, 25], Gen.Int[-340, 340], Gen.Int[0, 3],
            (negative, integer, fraction, exponent, style) =>
            {
                integer = integer.TrimStart('0');
                var text = new StringBuilder(negative ? "-" : "").Append(integer.Length == 0 ? "0" : integer);
                if (fraction.Length > 0)
                {
                    text.Append('.').Append(fraction);
                }

                if (style > 0)
                {
                    text.Append(style == 1 ? 'e' : 'E').Append(exponent >= 0 && style == 3 ? "+" : "").Append(exponent.ToString(CultureInfo.InvariantCulture));
                }

                return text.ToString();
            }));

    [Fact]
    public void Numbers_are_read_bit_for_bit_as_Utf8JsonReader_reads_them()
    {
        int fast = 0;
        NumberText.Sample(text =>
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            var reader = new Utf8JsonReader(bytes);
            Assert.True(reader.Read(), text);
            bool expected = reader.TryGetDouble(out double reference) && double.IsFinite(reference);
            bool actual = JsonNumbers.TryRead(bytes, out double value, out int length);
            Assert.True(expected == actual, $"{text}: reader {expected}, fast path {actual}");
            if (actual)
            {
                Assert.Equal(bytes.Length, length);
                Assert.True(BitConverter.DoubleToInt64Bits(reference) == BitConverter.DoubleToInt64Bits(value), $"{text}: {reference:R} expected, got {value:R}");
                if (text.Length <= 12)
                {
                    Interlocked.Increment(ref fast);
                }
            }
        }, iter: 20_000);
        Assert.True(fast > 100, "short decimals must be among the samples");
    }

    [Theory]
    [InlineData("", -1)]
    [InlineData("-", -1)]
    [InlineData("+1", -1)]
    [InlineData(".5", -1)]
    [InlineData("1.", -1)]
    [InlineData("1.e5", -1)]
    [InlineData("1e", -1)]
    [InlineData("1e+", -1)]
    [InlineData("1e999", -1)]
    [InlineData("-1e999", -1)]
    [InlineData("01", 1)]
    [InlineData("1.5,", 3)]
    [InlineData("-0.000123e-2}", 12)]
    [InlineData("123456789012345678901234567890", 30)]
    public void Number_text_ends_where_the_JSON_grammar_says(string text, int length)
    {
        bool ok = JsonNumbers.TryRead(Encoding.ASCII.GetBytes(text), out double value, out int read);
        Assert.Equal(length >= 0, ok);
        if (ok)
        {
            Assert.Equal(length, read);
            Assert.Equal(double.Parse(text.AsSpan(0, read), CultureInfo.InvariantCulture), value);
        }
    }

    [Fact]
    public void Negative_zero_and_subnormals_keep_their_bits()
    {
        foreach (string text in new[] { "-0", "-0.0", "0e5", "4.9e-324", "2.2250738585072011e-308", "1.7976931348623157e308", "9007199254740993", "0.1", "1e22", "1e23" })
        {
            Assert.True(JsonNumbers.TryRead(Encoding.ASCII.GetBytes(text), out double value, out _), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
        }
    }

    /// <summary>A body of clean rows in the scanner's shape, with JSON whitespace sprinkled between tokens.</summary>
    private static readonly Gen<string> CleanBody = Gen.Select(
        Gen.Select(Gen.OneOf(NumberText, Gen.Const("null")), Gen.OneOf(NumberText, Gen.Const("null")), Gen.OneOf(Gen.Const("null"), Gen.String[Gen.Char[' ', '~'], 0, 8].Where(s => !s.Contains('"') && !s.Contains('\\')).Select(s => "\"" + s + "\"")), Gen.Shuffle(new[] { 0, 1, 2 }),
            (a, b, city, order) => (Cells: new[] { a, b, city }, Order: order)).Array[1, 20],
        Gen.String[Gen.Char[" \t\r\n"], 0, 2].Array[8],
        (rows, spaces) =>
        {
            var body = new StringBuilder(spaces[0]).Append('{').Append(spaces[1]).Append("\"rows\"").Append(spaces[2]).Append(':').Append("[");
            for (int r = 0; r < rows.Length; r++)
            {
                body.Append(r > 0 ? "," + spaces[3] : spaces[3]).Append('{');
                for (int k = 0; k < 3; k++)
                {
                    int c = rows[r].Order[k];
                    body.Append(k > 0 ? "," : "").Append(spaces[4]).Append('"').Append(Mixed.Columns[c].Name).Append('"').Append(spaces[5]).Append(':').Append(spaces[6]).Append(rows[r].Cells[c]);
                }

                body.Append(spaces[7]).Append('}');
            }

            return body.Append(']').Append(spaces[4]).Append('}').Append(spaces[5]).ToString();
        });

    private static (Table? Table, string? Error) General(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (JsonInputs.Rows(document.RootElement.GetProperty("rows"), Mixed, "rows").ToTable(), null);
        }
        catch (Exception e) when (e is NetLearnException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, e.Message);
        }
    }

    private static void AssertSameTable(Table expected, Table actual, string body)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            Assert.Equal(expected.Columns[c].Kind, actual.Columns[c].Kind);
            for (int r = 0; r < expected.RowCount; r++)
            {
                if (expected.Columns[c] is NumericColumn numbers)
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(numbers[r]) == BitConverter.DoubleToInt64Bits(((NumericColumn)actual.Columns[c])[r]), body);
                }
                else
                {
                    Assert.Equal(expected.Columns[c].FormatValue(r), actual.Columns[c].FormatValue(r));
                }
            }
        }
    }

    [Fact]
    public void The_scanner_takes_clean_bodies_and_reads_them_as_the_general_path()
    {
        CleanBody.Sample(text =>
        {
            byte[] body = Encoding.ASCII.GetBytes(text);
            if (FastRows.TryRead(body, Mixed, scanner: false, reader: true, out var viaReader))
            {
                Assert.True(FastRows.TryRead(body, Mixed, scanner: true, reader: false, out var scanned), $"the scanner declined a body the reader takes: {text}");
                var (table, error) = General(body);
                Assert.True(error is null, error);
                AssertSameTable(table!, scanned!.ToTable(), text);
                AssertSameTable(viaReader!.ToTable(), scanned.ToTable(), text);
            }
            else
            {
                // Only out-of-range numbers (±∞) make the reader decline a clean body; the scanner must decline too.
                Assert.Contains("e", text, StringComparison.OrdinalIgnoreCase);
                Assert.False(FastRows.TryRead(body, Mixed, scanner: true, reader: false, out _), text);
            }
        }, iter: 2000);
    }

    [Fact]
    public void Whatever_the_scanner_takes_from_damaged_bodies_is_valid_JSON_read_as_the_general_path()
    {
        const string Damage = "{}[]\",:.-+eE0123456789 \\nul\u00e9\u0001a";
        int taken = 0;
        int declined = 0;
        Gen.Select(CleanBody, Gen.Int[1, 4].SelectMany(n => Gen.Select(Gen.Int[0, 2], Gen.Double.Unit, Gen.Char[Damage]).Array[n]), (text, edits) =>
        {
            var body = new StringBuilder(text);
            foreach (var (kind, where, c) in edits)
            {
                int at = Math.Min(body.Length - 1, (int)(where * body.Length));
                _ = kind switch { 0 => body.Remove(at, 1), 1 => body.Insert(at, c), _ => body.Replace(body[at], c, at, 1) };
            }

            return body.ToString();
        }).Sample(text =>
        {
            byte[] body = Encoding.UTF8.GetBytes(text);
            if (FastRows.TryRead(body, Mixed, scanner: true, reader: false, out var scanned))
            {
                Interlocked.Increment(ref taken);
                var (table, error) = General(body);
                Assert.True(error is null, $"the scanner took a body the general path refuses ({error}): {text}");
                AssertSameTable(table!, scanned!.ToTable(), text);
            }
            else
            {
                Interlocked.Increment(ref declined);
            }
        }, iter: 4000);
        Assert.True(taken > 50 && declined > 50, $"taken {taken}, declined {declined}: the damage must both keep and break bodies");
    }

    [Theory]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}], \"model\": \"m\"}")]
    [InlineData("{\"model\": \"m\", \"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\", \"extra\": 1}]}")]
    [InlineData("{\"rows\": [{\"\\u0061\": 1, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"Z\\u00fcrich\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"Z\u00fcrich\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}]}}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"},]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"a\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 01, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": nul, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": \"2\", \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": []}")]
    public void The_scanner_declines_anything_outside_its_shape(string body)
    {
        Assert.False(FastRows.TryRead(Encoding.UTF8.GetBytes(body), Mixed, scanner: true, reader: false, out var batch));
        Assert.Null(batch);
    }

    /// <summary>A classifier with given class labels (only its classes matter to the answer writer).</summary>
    private sealed class Labels(Column classes) : Servable
    {
        public override Schema InputSchema => Mixed;

        public override string Platform => "test";

        public override Column? Classes => classes;

        public override ColumnKind PredictionKind => classes.Kind;

        public override JsonObject Manifest => [];

        public override Prediction Predict(InputBatch batch) => throw new NotSupportedException();
    }

    private static readonly Gen<double> Probability = Gen.OneOf(
        Gen.Double.Unit,
        Gen.Double[0, 1e-6],
        Gen.Select(Gen.Long[0, 0x3FF0000000000000], bits => BitConverter.Int64BitsToDouble(bits)),
        Gen.Const(0.0), Gen.Const(1.0), Gen.Const(0.5), Gen.Const(1e-5), Gen.Const(-0.0));

    [Fact]
    public void The_direct_answer_is_byte_for_byte_what_Utf8JsonWriter_writes()
    {
        Column[] classSets =
        [
            new CategoricalColumn("y", [0, 1, 2], ["a", "b\"q", "Zürich <&> \u2028"]),
            new NumericColumn("y", [0, 1, 2.5]),
            new BooleanColumn("y", [false, true]),
        ];
        Gen.Select(Gen.Int[0, classSets.Length - 1], Gen.Int[1, 40], Gen.Int[0, 3], (set, rows, start) => (set, rows, start))
            .SelectMany(t => Gen.Select(Probability.Array[(t.rows + t.start) * classSets[t.set].Length], Gen.Int[0, classSets[t.set].Length - 1].Array[t.rows + t.start], (p, index) => (t.set, t.rows, t.start, p, index)))
            .Sample(t =>
            {
                var classes = classSets[t.set];
                var version = new ModelVersion("model \"é\"", 7, "unused", default, new Labels(classes), new ModelConfig(), new ServerMetrics());
                var probabilities = new Matrix(t.rows + t.start, classes.Length, t.p);
                var prediction = new Prediction(classes, t.index, probabilities).Slice(t.start, t.rows);

                var direct = new ArrayBufferWriter<byte>();
                Assert.True(RowsResponse.TryWrite(direct, version, prediction));
                var reference = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(reference, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    JsonOutputs.WriteRows(writer, version, prediction);
                }

                Assert.Equal(Encoding.UTF8.GetString(reference.WrittenSpan), Encoding.UTF8.GetString(direct.WrittenSpan));
            }, iter: 500);
    }

    [Fact]
    public void The_direct_answer_leaves_regressors_and_non_finite_probabilities_to_the_writer()
    {
        var classes = new CategoricalColumn("y", [0, 1], ["a", "b"]);
        var version = new ModelVersion("m", 1, "unused", default, new Labels(classes), new ModelConfig(), new ServerMetrics());
        var output = new ArrayBufferWriter<byte>();
        Assert.False(RowsResponse.TryWrite(output, version, new Prediction(classes, [0, 1], new Matrix(2, 2, [0.5, 0.5, double.NaN, 1]))));
        Assert.False(RowsResponse.TryWrite(output, version, new Prediction(new NumericColumn("y", [1.5, 2]), null)));
        Assert.False(RowsResponse.TryWrite(output, version, new Prediction(classes.Take([0, 1]), new Matrix(2, 2, [0.5, 0.5, 0, 1]))));
        Assert.Equal(0, output.WrittenCount);
    }
}

/// <summary><see cref="ShortestDouble"/> writes exactly the bytes of <see cref="System.Buffers.Text.Utf8Formatter"/> (what Utf8JsonWriter writes).</summary>
public sealed class ShortestDoubleTests
{
    private static void AssertSameText(double value)
    {
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        Assert.True(System.Buffers.Text.Utf8Formatter.TryFormat(value, expected, out int expectedLength));
        Assert.True(ShortestDouble.TryFormat(value, actual, out int actualLength));
        Assert.True(expected[..expectedLength].SequenceEqual(actual[..actualLength]),
            $"{BitConverter.DoubleToInt64Bits(value):X16}: expected {Encoding.ASCII.GetString(expected[..expectedLength])}, got {Encoding.ASCII.GetString(actual[..actualLength])}");
    }

    [Fact]
    public void Any_double_is_written_as_the_runtime_writes_it()
    {
        AssertSameText(-0.0);
        Gen.Long.Sample(bits => AssertSameText(BitConverter.Int64BitsToDouble(bits)), iter: 100_000);
    }

    [Fact]
    public void Model_outputs_in_the_fast_range_are_written_as_the_runtime_writes_them()
    {
        Gen.OneOf(
            Gen.Double.Unit,
            Gen.Select(Gen.Double.Unit, Gen.Int[-16, 18], (u, e) => u * Math.Pow(10, e)),
            Gen.Select(Gen.Long[0x3CB0000000000000, 0x4350000000000000], b => BitConverter.Int64BitsToDouble(b)),
            Gen.Select(Gen.Double.Unit, u => Math.Exp(-40 * u) / (1 + Math.Exp(-40 * u))),
            Gen.Select(Gen.Int[1, 1000], Gen.Int[1, 1000], (a, b) => (double)Math.Min(a, b) / Math.Max(a, b)))
            .Sample(v => AssertSameText(-v == 0 ? v : (v.GetHashCode() & 1) == 0 ? v : -v), iter: 200_000);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-300)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(1e-5)]
    [InlineData(0.0001)]
    [InlineData(1e14)]
    [InlineData(1e15)]
    [InlineData(123456789012345.6)]
    [InlineData(9007199254740991.0)]
    [InlineData(1.7976931348623157e308)]
    [InlineData(4.9e-324)]
    [InlineData(2.2250738585072014e-308)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.3333333333333333)]
    [InlineData(2.0 / 3)]
    [InlineData(1.0 - 1e-16)]
    public void Edge_values_are_written_as_the_runtime_writes_them(double value) => AssertSameText(value);
}
