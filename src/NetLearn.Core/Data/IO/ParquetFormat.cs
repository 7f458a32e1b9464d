using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace NetLearn.Data.IO;

/// <summary>
/// Apache Parquet reading and writing over Parquet.Net.
/// <list type="bullet">
/// <item>Numeric columns are optional <c>DOUBLE</c> (<see cref="double.NaN"/> is written as null and null reads as NaN).
/// On read, integer (8–64 bit, signed or not), float, double and decimal columns all become numeric.</item>
/// <item>Boolean columns are optional <c>BOOLEAN</c>.</item>
/// <item>Date-time columns are optional <c>INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true)</c>. Values are stored as UTC:
/// local times are converted, unspecified ones are taken to be UTC; ticks below a microsecond are dropped. On read,
/// every timestamp (of any unit, INT96 included) and date column becomes a date-time column marked UTC; naive timestamps
/// (<c>isAdjustedToUTC=false</c>) keep their clock reading.</item>
/// <item>Categorical and text columns are optional UTF-8 strings. NetLearn records each column's kind in the file's
/// key-value metadata (<c>netlearn.kinds</c>), so its own files read back with the same kinds; string columns of other
/// files are categorical or text by the CSV inference rule (see <see cref="ColumnInference"/>), but stay strings even
/// when their values look like numbers.</item>
/// </list>
/// Any number of row groups is read; nested, repeated and binary columns are rejected with a
/// <see cref="DataValidationException"/> naming the file and column. Writes are atomic (see <see cref="AtomicFile"/>).
/// </summary>
public static class ParquetFormat
{
    /// <summary>Rows per row group when writing, unless told otherwise (the same as pyarrow's default).</summary>
    public const int DefaultRowGroupSize = 1 << 20;

    /// <summary>Reads a whole Parquet file into a table.</summary>
    /// <exception cref="DataValidationException">The file is missing, is not Parquet, is truncated or holds a column of an unsupported type; the message names the file and column.</exception>
    public static Table Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataValidationException("The file does not exist. Check the path", file: path);
        }

        // Parquet.Net is asynchronous only; run it on the thread pool so no caller's synchronization context can deadlock it.
        return Task.Run(() => ReadAsync(path)).GetAwaiter().GetResult();
    }

    /// <summary>Writes a table as Parquet (snappy-compressed) with at most <paramref name="rowGroupSize"/> rows per row group. The file appears whole or not at all.</summary>
    /// <exception cref="DataValidationException">The output folder does not exist or the table has no columns.</exception>
    public static void Write(Table table, string path, int rowGroupSize = DefaultRowGroupSize)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        TypedColumns.RequireColumns(table, "Parquet", path);
        AtomicFile.Write(path, stream => Task.Run(() => WriteAsync(table, stream, rowGroupSize)).GetAwaiter().GetResult());
    }

    private static async Task<Table> ReadAsync(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true).ConfigureAwait(false);
            }
            catch (Exception e) when (IsDecodeFailure(e))
            {
                throw new DataValidationException(
                    $"The file is not a readable Parquet file ({e.Message}). Check that it is Parquet and was copied or written completely; re-export it if it was cut short",
                    file: path,
                    inner: e);
            }

            await using (reader.ConfigureAwait(false))
            {
                long total = reader.RowGroups.Sum(g => g.RowCount);
                if (total > Array.MaxLength)
                {
                    throw new DataValidationException(
                        string.Create(CultureInfo.InvariantCulture, $"The file has {total} rows, more than a table can hold ({Array.MaxLength}). Split it into smaller files"),
                        file: path);
                }

                var kinds = TypedColumns.DeserializeKinds(reader.CustomMetadata.GetValueOrDefault(TypedColumns.KindsKey));
                var columns = new List<Column>(reader.Schema.Fields.Count);
                foreach (var field in reader.Schema.Fields)
                {
                    if (field is not DataField data || data.IsArray || data.MaxRepetitionLevel > 0)
                    {
                        throw Unsupported(field.Name, $"a nested or repeated {field.SchemaType.ToString().ToLowerInvariant()} field", path);
                    }

                    try
                    {
                        columns.Add(await ReadColumnAsync(reader, data, (int)total, kinds.GetValueOrDefault(data.Name), path).ConfigureAwait(false));
                    }
                    catch (Exception e) when (IsDecodeFailure(e))
                    {
                        throw new DataValidationException(
                            $"The column's data cannot be decoded ({e.Message}). The file is damaged or cut short; re-export it",
                            column: data.Name,
                            file: path,
                            inner: e);
                    }
                }

                return TypedColumns.NewTable(columns, path);
            }
        }
    }

    private static async Task<Column> ReadColumnAsync(ParquetReader reader, DataField field, int total, ColumnKind kind, string path)
    {
        string name = field.Name;
        Type type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[total];
            int offset = 0;
            foreach (var group in reader.RowGroups)
            {
                int n = (int)group.RowCount;
                await group.ReadAsync(field, values.AsMemory(offset, n)).ConfigureAwait(false);
                offset += n;
            }

            return TypedColumns.FromStrings(name, values, kind);
        }

        if (type == typeof(bool))
        {
            return new BooleanColumn(name, await ReadValuesAsync<bool>(reader, field, total).ConfigureAwait(false));
        }

        if (type == typeof(DateTime))
        {
            // Parquet.Net returns the stored clock reading, marked Local for isAdjustedToUTC=false (naive) timestamps
            // without converting it; converting here would shift naive values by the machine's offset.
            var values = await ReadValuesAsync<DateTime>(reader, field, total).ConfigureAwait(false);
            return new DateTimeColumn(name, Array.ConvertAll(values, v => v is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : (DateTime?)null));
        }

        if (type == typeof(DateTimeOffset))
        {
            var values = await ReadValuesAsync<DateTimeOffset>(reader, field, total).ConfigureAwait(false);
            return new DateTimeColumn(name, Array.ConvertAll(values, v => v?.UtcDateTime));
        }

        if (type == typeof(DateOnly))
        {
            var values = await ReadValuesAsync<DateOnly>(reader, field, total).ConfigureAwait(false);
            return new DateTimeColumn(name, Array.ConvertAll(values, v => v?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
        }

        var numbers = type switch
        {
            _ when type == typeof(double) => await ReadNumbersAsync<double>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(float) => await ReadNumbersAsync<float>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(Half) => await ReadNumbersAsync<Half>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(decimal) => await ReadNumbersAsync<decimal>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(long) => await ReadNumbersAsync<long>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(int) => await ReadNumbersAsync<int>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(short) => await ReadNumbersAsync<short>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(sbyte) => await ReadNumbersAsync<sbyte>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(ulong) => await ReadNumbersAsync<ulong>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(uint) => await ReadNumbersAsync<uint>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(ushort) => await ReadNumbersAsync<ushort>(reader, field, total).ConfigureAwait(false),
            _ when type == typeof(byte) => await ReadNumbersAsync<byte>(reader, field, total).ConfigureAwait(false),
            _ => throw Unsupported(name, $"of type {type.Name}", path),
        };
        return new NumericColumn(name, numbers);
    }

    private static async Task<T?[]> ReadValuesAsync<T>(ParquetReader reader, DataField field, int total)
        where T : struct
    {
        var values = new T?[total];
        int offset = 0;
        foreach (var group in reader.RowGroups)
        {
            int n = (int)group.RowCount;
            await group.ReadAsync(field, values.AsMemory(offset, n)).ConfigureAwait(false);
            offset += n;
        }

        return values;
    }

    private static async Task<double[]> ReadNumbersAsync<T>(ParquetReader reader, DataField field, int total)
        where T : struct, INumberBase<T>
    {
        var values = await ReadValuesAsync<T>(reader, field, total).ConfigureAwait(false);
        var numbers = new double[values.Length];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = values[i] is { } v ? double.CreateSaturating(v) : double.NaN;
        }

        return numbers;
    }

    private static async Task WriteAsync(Table table, Stream stream, int rowGroupSize)
    {
        var fields = table.Columns.Select(FieldOf).ToArray();
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TypedColumns.KindsKey] = TypedColumns.SerializeKinds(table),
            };

            // An empty table still gets one (empty) row group so every reader sees the columns' chunks.
            for (int start = 0; start == 0 || start < table.RowCount; start += rowGroupSize)
            {
                int count = Math.Min(rowGroupSize, table.RowCount - start);
                using var group = writer.CreateRowGroup();
                for (int c = 0; c < fields.Length; c++)
                {
                    await WriteColumnAsync(group, fields[c], table[c], start, count).ConfigureAwait(false);
                }

                group.CompleteValidate();
            }
        }
    }

    private static DataField FieldOf(Column column) => column.Kind switch
    {
        ColumnKind.Numeric => new DataField<double>(column.Name, nullable: true),
        ColumnKind.Boolean => new DataField<bool>(column.Name, nullable: true),
        ColumnKind.DateTime => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        _ => new DataField<string>(column.Name, nullable: true),
    };

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, Column column, int start, int count)
    {
        switch (column)
        {
            case NumericColumn numeric:
            {
                var values = new double?[count];
                var source = numeric.Values.Slice(start, count);
                for (int i = 0; i < count; i++)
                {
                    values[i] = double.IsNaN(source[i]) ? null : source[i];
                }

                return group.WriteAsync<double>(field, values);
            }

            case BooleanColumn boolean:
            {
                var values = new bool?[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = boolean[start + i];
                }

                return group.WriteAsync<bool>(field, values);
            }

            case DateTimeColumn dates:
            {
                // Parquet.Net writes a DateTime's clock reading whatever its Kind: convert local times to UTC first.
                var values = new DateTime?[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = dates[start + i] is { } d ? TypedColumns.ToUtc(d) : null;
                }

                return group.WriteAsync<DateTime>(field, values);
            }

            default:
                return group.WriteAsync(field, TypedColumns.Strings(column, start, count)!);
        }
    }

    private static DataValidationException Unsupported(string column, string what, string path) =>
        new($"The column is {what}, which NetLearn cannot read. Tables hold numbers, booleans, date-times and strings: convert the column to one of these or drop it before saving the file", column: column, file: path);

    // Parquet.Net reports damaged input with many exception types (its own, IO, format, index and argument errors).
    private static bool IsDecodeFailure(Exception e) =>
        e is not (DataValidationException or OperationCanceledException or OutOfMemoryException);
}
