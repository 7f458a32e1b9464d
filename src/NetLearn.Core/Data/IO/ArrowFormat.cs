using System.Globalization;
using System.Numerics;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using ArrowSchema = Apache.Arrow.Schema;

namespace NetLearn.Data.IO;

/// <summary>
/// Apache Arrow IPC reading and writing over Apache.Arrow: the file format (<c>.arrow</c>, Feather v2 <c>.feather</c>) is
/// written; the file and the stream format are both read (uncompressed, LZ4 or ZSTD).
/// <list type="bullet">
/// <item>Numeric columns are nullable <c>double</c> (<see cref="double.NaN"/> is written as null and null reads as NaN).
/// On read, every integer, floating-point and decimal type becomes numeric.</item>
/// <item>Boolean columns are nullable <c>bool</c>.</item>
/// <item>Date-time columns are <c>timestamp[us, tz=UTC]</c>: microseconds cover the whole <see cref="DateTime"/> range
/// (nanoseconds would stop at 1677–2262), at the cost of dropping ticks below a microsecond. Local times are converted to
/// UTC, unspecified ones are taken to be UTC. On read, timestamps of any unit (with or without a time zone) and
/// <c>date32</c>/<c>date64</c> become UTC date-times.</item>
/// <item>Categorical columns are dictionary-encoded: <c>dictionary&lt;values=string, indices=int32&gt;</c> whose dictionary
/// is the column's levels in order, so codes and levels read back exactly. On read, any dictionary of strings is
/// categorical (batches may use different dictionaries; levels are matched by text).</item>
/// <item>Text columns are <c>string</c> (UTF-8). Plain string columns of other files are categorical or text by the CSV
/// inference rule (see <see cref="ColumnInference"/>), but stay strings even when their values look like numbers.</item>
/// </list>
/// Every field carries a <c>netlearn.kind</c> metadata entry, so NetLearn's own files read back with the same kinds.
/// Record batches are concatenated. Nested, binary, interval and other types are rejected with a
/// <see cref="DataValidationException"/> naming the file and column. Writes are atomic (see <see cref="AtomicFile"/>).
/// </summary>
public static class ArrowFormat
{
    /// <summary>Rows per record batch when writing, unless told otherwise.</summary>
    public const int DefaultBatchSize = 1 << 16;

    private static readonly byte[] FileMagic = "ARROW1"u8.ToArray();
    private static readonly byte[] FeatherV1Magic = "FEA1"u8.ToArray();
    private static readonly TimestampType TimestampUtc = new(TimeUnit.Microsecond, "UTC");
    private static readonly DictionaryType CategoricalType = new(Int32Type.Default, StringType.Default, ordered: false);

    /// <summary>Reads a whole Arrow IPC file (file or stream format) into a table.</summary>
    /// <exception cref="DataValidationException">The file is missing, is not Arrow IPC, is truncated or holds a column of an unsupported type; the message names the file and column.</exception>
    public static Table Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataValidationException("The file does not exist. Check the path", file: path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var head = new byte[FileMagic.Length];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= FeatherV1Magic.Length && head.AsSpan(0, FeatherV1Magic.Length).SequenceEqual(FeatherV1Magic))
        {
            throw new DataValidationException(
                "The file is Feather version 1, which NetLearn does not read. Re-save it as Feather version 2 / Arrow IPC (for example pandas' DataFrame.to_feather)",
                file: path);
        }

        bool fileFormat = read == head.Length && head.AsSpan().SequenceEqual(FileMagic);
        var codecs = new CompressionCodecFactory();
        try
        {
            using ArrowStreamReader reader = fileFormat
                ? new ArrowFileReader(stream, MemoryAllocator.Default.Value, codecs, leaveOpen: true)
                : new ArrowStreamReader(stream, codecs, leaveOpen: true);
            return ReadBatches(reader, path);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new DataValidationException(
                $"The file is not a readable Arrow IPC file ({e.Message}). Check that it is an Arrow IPC or Feather v2 file and was copied or written completely; re-export it if it was cut short",
                file: path,
                inner: e);
        }
    }

    /// <summary>Writes a table as an Arrow IPC file (uncompressed) with at most <paramref name="batchSize"/> rows per record batch. The file appears whole or not at all.</summary>
    /// <exception cref="DataValidationException">The output folder does not exist or the table has no columns.</exception>
    public static void Write(Table table, string path, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        TypedColumns.RequireColumns(table, "Arrow", path);
        var schema = SchemaOf(table);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);

            // An empty table still gets one (empty) batch, which also carries the categorical dictionaries.
            for (int start = 0; start == 0 || start < table.RowCount; start += batchSize)
            {
                int count = Math.Min(batchSize, table.RowCount - start);
                using var batch = new RecordBatch(schema, table.Columns.Select(c => ToArray(c, start, count)), count);
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        });
    }

    private static Table ReadBatches(ArrowStreamReader reader, string path)
    {
        var schema = reader.Schema;
        var builders = new ColumnBuilder[schema.FieldsList.Count];
        for (int c = 0; c < builders.Length; c++)
        {
            builders[c] = ColumnBuilder.For(schema.FieldsList[c], path);
        }

        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                rows += batch.Length;
                if (rows > System.Array.MaxLength)
                {
                    throw new DataValidationException(
                        string.Create(CultureInfo.InvariantCulture, $"The file has more rows than a table can hold ({System.Array.MaxLength}). Split it into smaller files"),
                        file: path);
                }

                for (int c = 0; c < builders.Length; c++)
                {
                    try
                    {
                        builders[c].Append(batch.Column(c));
                    }
                    catch (Exception e) when (IsDecodeFailure(e))
                    {
                        throw new DataValidationException($"The column's data cannot be decoded ({e.Message}). The file is damaged; re-export it", column: builders[c].Name, file: path, inner: e);
                    }
                }
            }
        }

        return TypedColumns.NewTable([.. builders.Select(b => b.Build())], path);
    }

    private static ArrowSchema SchemaOf(Table table)
    {
        var builder = new ArrowSchema.Builder();
        foreach (var column in table.Columns)
        {
            IArrowType type = column.Kind switch
            {
                ColumnKind.Numeric => DoubleType.Default,
                ColumnKind.Boolean => BooleanType.Default,
                ColumnKind.DateTime => TimestampUtc,
                ColumnKind.Categorical => CategoricalType,
                _ => StringType.Default,
            };
            builder.Field(new Field(column.Name, type, nullable: true, [new(TypedColumns.KindKey, TypedColumns.KindName(column.Kind))]));
        }

        return builder.Build();
    }

    private static IArrowArray ToArray(Column column, int start, int count)
    {
        switch (column)
        {
            case NumericColumn numeric:
            {
                var builder = new DoubleArray.Builder().Reserve(count);
                foreach (double v in numeric.Values.Slice(start, count))
                {
                    if (double.IsNaN(v))
                    {
                        builder.AppendNull();
                    }
                    else
                    {
                        builder.Append(v);
                    }
                }

                return builder.Build();
            }

            case BooleanColumn boolean:
            {
                var builder = new BooleanArray.Builder().Reserve(count);
                for (int i = start; i < start + count; i++)
                {
                    if (boolean[i] is { } v)
                    {
                        builder.Append(v);
                    }
                    else
                    {
                        builder.AppendNull();
                    }
                }

                return builder.Build();
            }

            case DateTimeColumn dates:
            {
                var builder = new TimestampArray.Builder(TimestampUtc).Reserve(count);
                for (int i = start; i < start + count; i++)
                {
                    if (dates[i] is { } v)
                    {
                        builder.Append(new DateTimeOffset(TypedColumns.ToUtc(v)));
                    }
                    else
                    {
                        builder.AppendNull();
                    }
                }

                return builder.Build();
            }

            case CategoricalColumn categorical:
            {
                var indices = new Int32Array.Builder().Reserve(count);
                foreach (int code in categorical.Codes.Slice(start, count))
                {
                    if (code < 0)
                    {
                        indices.AppendNull();
                    }
                    else
                    {
                        indices.Append(code);
                    }
                }

                // Every batch carries the full level list: the file format allows one dictionary per column.
                var levels = new StringArray.Builder().AppendRange(categorical.Levels).Build();
                return new DictionaryArray(CategoricalType, indices.Build(), levels);
            }

            default:
            {
                var builder = new StringArray.Builder();
                foreach (string? v in TypedColumns.Strings(column, start, count))
                {
                    if (v is null)
                    {
                        builder.AppendNull();
                    }
                    else
                    {
                        builder.Append(v);
                    }
                }

                return builder.Build();
            }
        }
    }

    private static bool IsDecodeFailure(Exception e) =>
        e is not (DataValidationException or OperationCanceledException or OutOfMemoryException);

    /// <summary>Collects one column's values across record batches.</summary>
    private abstract class ColumnBuilder
    {
        protected ColumnBuilder(string name) => Name = name;

        public string Name { get; }

        public static ColumnBuilder For(Field field, string path)
        {
            var marked = field.HasMetadata && field.Metadata.TryGetValue(TypedColumns.KindKey, out string? marker) ? TypedColumns.ParseKind(marker) : null;
            var type = field.DataType;
            switch (type.TypeId)
            {
                case ArrowTypeId.Null:
                case ArrowTypeId.Double:
                case ArrowTypeId.Float:
                case ArrowTypeId.HalfFloat:
                case ArrowTypeId.Int8:
                case ArrowTypeId.Int16:
                case ArrowTypeId.Int32:
                case ArrowTypeId.Int64:
                case ArrowTypeId.UInt8:
                case ArrowTypeId.UInt16:
                case ArrowTypeId.UInt32:
                case ArrowTypeId.UInt64:
                case ArrowTypeId.Decimal32:
                case ArrowTypeId.Decimal64:
                case ArrowTypeId.Decimal128:
                case ArrowTypeId.Decimal256:
                    return new NumericBuilder(field.Name);
                case ArrowTypeId.Boolean:
                    return new BooleanBuilder(field.Name);
                case ArrowTypeId.Timestamp:
                case ArrowTypeId.Date32:
                case ArrowTypeId.Date64:
                    return new DateTimeBuilder(field.Name);
                case ArrowTypeId.String:
                case ArrowTypeId.LargeString:
                case ArrowTypeId.StringView:
                    return new StringColumnBuilder(field.Name, marked);
                case ArrowTypeId.Dictionary when IsString(((DictionaryType)type).ValueType):
                    return marked == ColumnKind.Text ? new StringColumnBuilder(field.Name, marked) : new CategoricalBuilder(field.Name);
                default:
                    throw new DataValidationException(
                        $"The column is of Arrow type {type.Name}, which NetLearn cannot read. Tables hold numbers, booleans, date-times and strings: convert the column to one of these or drop it before saving the file",
                        column: field.Name,
                        file: path);
            }
        }

        public abstract void Append(IArrowArray array);

        public abstract Column Build();

        protected static bool IsString(IArrowType type) => type.TypeId is ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.StringView;

        protected static string? GetString(IArrowArray array, int i) => array.IsNull(i) ? null : array switch
        {
            StringArray a => a.GetString(i),
            LargeStringArray a => a.GetString(i),
            StringViewArray a => a.GetString(i),
            _ => throw new InvalidDataException($"Expected a string array, found {array.Data.DataType.Name}."),
        };

        /// <summary>Every value of a string array, or of a dictionary of strings decoded through its indices.</summary>
        protected static IEnumerable<string?> Strings(IArrowArray array)
        {
            if (array is DictionaryArray dictionary)
            {
                var indices = Indices(dictionary);
                for (int i = 0; i < indices.Length; i++)
                {
                    yield return indices[i] < 0 ? null : GetString(dictionary.Dictionary, indices[i]);
                }

                yield break;
            }

            for (int i = 0; i < array.Length; i++)
            {
                yield return GetString(array, i);
            }
        }

        /// <summary>The dictionary index of each row (-1 where the row is null).</summary>
        protected static int[] Indices(DictionaryArray array) => array.Indices switch
        {
            Int8Array a => Indices(a),
            Int16Array a => Indices(a),
            Int32Array a => Indices(a),
            Int64Array a => Indices(a),
            UInt8Array a => Indices(a),
            UInt16Array a => Indices(a),
            UInt32Array a => Indices(a),
            UInt64Array a => Indices(a),
            var other => throw new InvalidDataException($"Unexpected dictionary index type {other.Data.DataType.Name}."),
        };

        private static int[] Indices<T>(PrimitiveArray<T> indices)
            where T : struct, IBinaryInteger<T>
        {
            var result = new int[indices.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = indices.GetValue(i) is { } index ? int.CreateChecked(index) : -1;
            }

            return result;
        }
    }

    private sealed class NumericBuilder(string name) : ColumnBuilder(name)
    {
        private readonly List<double> _values = [];

        public override void Append(IArrowArray array)
        {
            switch (array)
            {
                case DoubleArray a: AppendNumbers(a); break;
                case FloatArray a: AppendNumbers(a); break;
                case HalfFloatArray a: AppendNumbers(a); break;
                case Int8Array a: AppendNumbers(a); break;
                case Int16Array a: AppendNumbers(a); break;
                case Int32Array a: AppendNumbers(a); break;
                case Int64Array a: AppendNumbers(a); break;
                case UInt8Array a: AppendNumbers(a); break;
                case UInt16Array a: AppendNumbers(a); break;
                case UInt32Array a: AppendNumbers(a); break;
                case UInt64Array a: AppendNumbers(a); break;
                case NullArray a: _values.AddRange(Enumerable.Repeat(double.NaN, a.Length)); break;
                case Decimal32Array a: AppendDecimals(a, a.GetString); break;
                case Decimal64Array a: AppendDecimals(a, a.GetString); break;
                case Decimal128Array a: AppendDecimals(a, a.GetString); break;
                case Decimal256Array a: AppendDecimals(a, a.GetString); break;
                default: throw new InvalidDataException($"Unexpected numeric array type {array.Data.DataType.Name}.");
            }
        }

        public override Column Build() => new NumericColumn(Name, [.. _values]);

        private void AppendNumbers<T>(PrimitiveArray<T> array)
            where T : struct, INumberBase<T>
        {
            for (int i = 0; i < array.Length; i++)
            {
                _values.Add(array.GetValue(i) is { } v ? double.CreateSaturating(v) : double.NaN);
            }
        }

        // Decimals go through their exact text: 256-bit values do not fit System.Decimal.
        private void AppendDecimals(IArrowArray array, Func<int, string?> text)
        {
            for (int i = 0; i < array.Length; i++)
            {
                _values.Add(array.IsNull(i) ? double.NaN : double.Parse(text(i)!, CultureInfo.InvariantCulture));
            }
        }
    }

    private sealed class BooleanBuilder(string name) : ColumnBuilder(name)
    {
        private readonly List<bool?> _values = [];

        public override void Append(IArrowArray array)
        {
            var booleans = (BooleanArray)array;
            for (int i = 0; i < booleans.Length; i++)
            {
                _values.Add(booleans.GetValue(i));
            }
        }

        public override Column Build() => new BooleanColumn(Name, [.. _values]);
    }

    private sealed class DateTimeBuilder(string name) : ColumnBuilder(name)
    {
        private readonly List<DateTime?> _values = [];

        public override void Append(IArrowArray array)
        {
            for (int i = 0; i < array.Length; i++)
            {
                // A timestamp without a time zone is a wall-clock reading: it is kept as is and taken to be UTC.
                _values.Add(array switch
                {
                    TimestampArray a => a.GetTimestamp(i)?.UtcDateTime,
                    Date32Array a => a.GetDateTime(i) is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null,
                    Date64Array a => a.GetDateTime(i) is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null,
                    _ => throw new InvalidDataException($"Unexpected date-time array type {array.Data.DataType.Name}."),
                });
            }
        }

        public override Column Build() => new DateTimeColumn(Name, [.. _values]);
    }

    private sealed class StringColumnBuilder(string name, ColumnKind? kind) : ColumnBuilder(name)
    {
        private readonly List<string?> _values = [];

        public override void Append(IArrowArray array) => _values.AddRange(Strings(array));

        public override Column Build() => TypedColumns.FromStrings(Name, [.. _values], kind);
    }

    private sealed class CategoricalBuilder(string name) : ColumnBuilder(name)
    {
        private readonly List<int> _codes = [];
        private readonly List<string> _levels = [];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public override void Append(IArrowArray array)
        {
            var dictionary = (DictionaryArray)array;

            // Map this batch's dictionary onto the column's levels by text: batches may carry different dictionaries.
            var entries = dictionary.Dictionary;
            var map = new int[entries.Length];
            for (int d = 0; d < map.Length; d++)
            {
                if (GetString(entries, d) is not { } level)
                {
                    map[d] = -1;
                    continue;
                }

                if (!_index.TryGetValue(level, out int code))
                {
                    code = _levels.Count;
                    _levels.Add(level);
                    _index[level] = code;
                }

                map[d] = code;
            }

            foreach (int index in Indices(dictionary))
            {
                _codes.Add(index < 0 ? -1 : map[index]);
            }
        }

        public override Column Build() => new CategoricalColumn(Name, [.. _codes], [.. _levels]);
    }
}
