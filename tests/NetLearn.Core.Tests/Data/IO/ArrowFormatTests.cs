using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using CsCheck;
using NetLearn.Data;
using NetLearn.Data.IO;
using Xunit;
using ArrowSchema = Apache.Arrow.Schema;
using Table = NetLearn.Data.Table;

namespace NetLearn.Core.Tests.Data.IO;

public sealed class ArrowFormatTests : IDisposable
{
    private readonly IoTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_kind_round_trips_with_missing_values_and_categorical_levels()
    {
        var table = IoTables.AllKinds();
        string path = _dir.File("all.arrow");

        ArrowFormat.Write(table, path);
        var read = ArrowFormat.Read(path);

        // The dictionary keeps the level list as it was, unused and unsorted levels included.
        IoTables.AssertEqual(table, read, sameLevels: true);
        IoTables.AssertUtc(read);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Writes_the_documented_arrow_types()
    {
        string path = _dir.File("types.arrow");
        ArrowFormat.Write(IoTables.AllKinds(), path);

        using var reader = ArrowFileReader.FromFile(path);
        var fields = reader.Schema.FieldsList;

        Assert.IsType<DoubleType>(fields[0].DataType);
        var dictionary = Assert.IsType<DictionaryType>(fields[1].DataType);
        Assert.IsType<Int32Type>(dictionary.IndexType);
        Assert.IsType<StringType>(dictionary.ValueType);
        Assert.IsType<StringType>(fields[2].DataType);
        Assert.IsType<BooleanType>(fields[3].DataType);
        var timestamp = Assert.IsType<TimestampType>(fields[4].DataType);
        Assert.Equal(TimeUnit.Microsecond, timestamp.Unit);
        Assert.Equal("UTC", timestamp.Timezone);
        Assert.Equal("categorical", fields[1].Metadata["netlearn.kind"]);
    }

    [Theory]
    [InlineData("data.arrow")]
    [InlineData("data.feather")]
    [InlineData("data.ipc")]
    public void Table_save_and_load_choose_arrow_by_extension(string name)
    {
        var table = IoTables.AllKinds();
        string path = _dir.File(name);

        table.Save(path);

        Assert.Equal("ARROW1"u8.ToArray(), File.ReadAllBytes(path)[..6]);
        IoTables.AssertEqual(table, Table.Load(path), sameLevels: true);
    }

    [Fact]
    public async Task Several_record_batches_are_written_and_concatenated_in_order()
    {
        var table = new Table(
            new NumericColumn("x", [.. Enumerable.Range(0, 10).Select(i => i % 4 == 0 ? double.NaN : i)]),
            new CategoricalColumn("level", [.. Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? -1 : i % 2)], ["odd", "even"]),
            new TextColumn("text", [.. Enumerable.Range(0, 10).Select(i => i == 9 ? null : $"row {i}")]));
        string path = _dir.File("batches.arrow");

        ArrowFormat.Write(table, path, batchSize: 3);

        using (var reader = ArrowFileReader.FromFile(path))
        {
            Assert.Equal(4, await reader.RecordBatchCountAsync());
        }

        IoTables.AssertEqual(table, ArrowFormat.Read(path), sameLevels: true);
    }

    [Fact]
    public void Empty_table_round_trips()
    {
        var table = new Table(new NumericColumn("x", []), new CategoricalColumn("c", [], ["a", "b"]), new TextColumn("t", []), new BooleanColumn("b", []), new DateTimeColumn("d", []));
        string path = _dir.File("empty.arrow");

        ArrowFormat.Write(table, path);

        IoTables.AssertEqual(table, ArrowFormat.Read(path), sameLevels: true);
    }

    [Fact]
    public void Date_times_are_stored_as_utc_microseconds()
    {
        var local = new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var precise = new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        string path = _dir.File("dates.arrow");

        ArrowFormat.Write(new Table(new DateTimeColumn("d", [local, precise])), path);
        var read = (DateTimeColumn)ArrowFormat.Read(path)["d"];

        Assert.Equal(local.ToUniversalTime(), read[0]);
        Assert.Equal(DateTimeKind.Utc, read[0]!.Value.Kind);
        Assert.Equal(precise.AddTicks(-7), read[1]);
    }

    [Fact]
    public void Reads_a_file_written_by_another_implementation()
    {
        // JavaScript Apache Arrow: file format, two record batches, int16/uint8/int64/float32, timestamp[us, UTC],
        // date32, a dictionary in non-sorted order and plain strings, no NetLearn metadata.
        var read = ArrowFormat.Read(Path.Combine(IoTables.FixtureDir, "reference.arrow"));

        IoTables.AssertEqual(IoTables.Reference(["paris", "oslo"]), read, sameLevels: true);
        IoTables.AssertUtc(read);
    }

    [Fact]
    public void Reads_the_stream_format_with_a_replaced_dictionary()
    {
        // Same data in the IPC stream format; the second batch replaces the dictionary with the levels reversed.
        var read = ArrowFormat.Read(Path.Combine(IoTables.FixtureDir, "reference_stream.arrows"));

        IoTables.AssertEqual(IoTables.Reference(["paris", "oslo"]), read, sameLevels: true);
    }

    [Theory]
    [InlineData(CompressionCodecType.Lz4Frame)]
    [InlineData(CompressionCodecType.Zstd)]
    public void Reads_compressed_files(CompressionCodecType codec)
    {
        string path = _dir.File("compressed.feather");
        var schema = new ArrowSchema.Builder()
            .Field(f => f.Name("x").DataType(DoubleType.Default).Nullable(true))
            .Field(f => f.Name("s").DataType(StringType.Default).Nullable(true))
            .Build();
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema, leaveOpen: false, new IpcOptions { CompressionCodec = codec, CompressionCodecFactory = new CompressionCodecFactory() }))
        {
            var x = new DoubleArray.Builder().AppendRange([.. Enumerable.Range(0, 100).Select(i => (double)i)]).AppendNull().Build();
            var s = new StringArray.Builder().AppendRange([.. Enumerable.Range(0, 101).Select(i => $"text {i}")]).Build();
            writer.WriteRecordBatch(new RecordBatch(schema, [x, s], 101));
            writer.WriteEnd();
        }

        var read = ArrowFormat.Read(path);

        Assert.Equal(101, read.RowCount);
        Assert.Equal(99.0, ((NumericColumn)read["x"])[99]);
        Assert.True(read["x"].IsMissing(100));
        Assert.Equal(ColumnKind.Text, read["s"].Kind);
        Assert.Equal("text 100", read["s"].GetValue(100));
    }

    [Fact]
    public void Reads_other_numeric_date_and_string_types()
    {
        string path = _dir.File("types.arrow");
        var dictionary = new DictionaryType(Int8Type.Default, StringType.Default, ordered: false);
        var schema = new ArrowSchema.Builder()
            .Field(f => f.Name("i8").DataType(Int8Type.Default))
            .Field(f => f.Name("u32").DataType(UInt32Type.Default))
            .Field(f => f.Name("u64").DataType(UInt64Type.Default))
            .Field(f => f.Name("dec").DataType(new Decimal128Type(10, 3)))
            .Field(f => f.Name("ns").DataType(new TimestampType(TimeUnit.Nanosecond, (string?)null)))
            .Field(f => f.Name("date64").DataType(Date64Type.Default))
            .Field(f => f.Name("small").DataType(dictionary))
            .Field(f => f.Name("large").DataType(LargeStringType.Default))
            .Build();
        var clock = new DateTime(2024, 1, 15, 12, 0, 0, DateTimeKind.Unspecified).AddTicks(123);
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            IArrowArray[] arrays =
            [
                new Int8Array.Builder().Append(-128).AppendNull().Append(127).Build(),
                new UInt32Array.Builder().Append(uint.MaxValue).Append(0).AppendNull().Build(),
                new UInt64Array.Builder().AppendNull().Append(ulong.MaxValue).Append(1).Build(),
                new Decimal128Array.Builder(new Decimal128Type(10, 3)).Append(1.5m).Append(-2.125m).AppendNull().Build(),
                new TimestampArray.Builder(new TimestampType(TimeUnit.Nanosecond, (string?)null)).Append(new DateTimeOffset(clock, TimeSpan.Zero)).AppendNull().Append(DateTimeOffset.UnixEpoch).Build(),
                new Date64Array.Builder().Append(new DateTime(2000, 2, 29)).AppendNull().Append(new DateTime(1969, 7, 20)).Build(),
                new DictionaryArray(dictionary, new Int8Array.Builder().Append(1).Append(1).AppendNull().Build(), new StringArray.Builder().Append("zeta").Append("alpha").Build()),
                new LargeStringArray.Builder().Append("x").AppendNull().Append("x").Build(),
            ];
            writer.WriteRecordBatch(new RecordBatch(schema, arrays, 3));
            writer.WriteEnd();
        }

        var read = ArrowFormat.Read(path);

        Assert.Equal([-128, double.NaN, 127], ((NumericColumn)read["i8"]).Values.ToArray());
        Assert.Equal([uint.MaxValue, 0, double.NaN], ((NumericColumn)read["u32"]).Values.ToArray());
        Assert.Equal([double.NaN, ulong.MaxValue, 1], ((NumericColumn)read["u64"]).Values.ToArray());
        Assert.Equal([1.5, -2.125, double.NaN], ((NumericColumn)read["dec"]).Values.ToArray());
        var ns = (DateTimeColumn)read["ns"];
        Assert.Equal(clock, ns[0]);
        Assert.Equal(DateTimeKind.Utc, ns[0]!.Value.Kind);
        Assert.Null(ns[1]);
        Assert.Equal(DateTime.UnixEpoch, ns[2]);
        var date64 = (DateTimeColumn)read["date64"];
        Assert.Equal(new DateTime(2000, 2, 29), date64[0]);
        Assert.Equal(new DateTime(1969, 7, 20), date64[2]);
        var small = Assert.IsType<CategoricalColumn>(read["small"]);
        Assert.Equal(["zeta", "alpha"], small.Levels);
        Assert.Equal([1, 1, -1], small.Codes.ToArray());
        Assert.Equal(ColumnKind.Categorical, read["large"].Kind);
        Assert.Equal("x", read["large"].GetValue(2));
    }

    [Fact]
    public void Unsupported_column_type_names_the_file_and_column()
    {
        string path = _dir.File("blob.arrow");
        var schema = new ArrowSchema.Builder()
            .Field(f => f.Name("id").DataType(Int32Type.Default))
            .Field(f => f.Name("blob").DataType(BinaryType.Default))
            .Build();
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            var id = new Int32Array.Builder().Append(1).Build();
            var blob = new BinaryArray.Builder().Append([1, 2, 3]).Build();
            writer.WriteRecordBatch(new RecordBatch(schema, [id, blob], 1));
            writer.WriteEnd();
        }

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Equal("blob", e.Column);
        Assert.Equal(path, e.File);
        Assert.Contains("blob.arrow", e.Message);
        Assert.Contains("convert the column", e.Message);
    }

    [Fact]
    public void Duplicate_column_names_are_reported_with_the_file()
    {
        string path = _dir.File("twice.arrow");
        var schema = new ArrowSchema.Builder()
            .Field(f => f.Name("x").DataType(DoubleType.Default))
            .Field(f => f.Name("x").DataType(DoubleType.Default))
            .Build();
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            writer.WriteRecordBatch(new RecordBatch(schema, [new DoubleArray.Builder().Append(1).Build(), new DoubleArray.Builder().Append(2).Build()], 1));
            writer.WriteEnd();
        }

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Equal("x", e.Column);
        Assert.Equal(path, e.File);
        Assert.Contains("Rename one", e.Message);
    }

    [Fact]
    public void Missing_file_is_reported_with_its_name()
    {
        string path = _dir.File("nope.arrow");

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Contains("nope.arrow", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(100)]
    public void Garbage_is_reported_as_not_arrow(int length)
    {
        string path = _dir.File("garbage.arrow");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, length).Select(i => (byte)(i * 37))]);

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Equal(path, e.File);
        Assert.Contains("garbage.arrow", e.Message);
    }

    [Fact]
    public void Feather_version_1_is_refused_with_advice()
    {
        string path = _dir.File("old.feather");
        File.WriteAllBytes(path, [.. "FEA1"u8, 0, 0, 0, 0]);

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Contains("old.feather", e.Message);
        Assert.Contains("Feather version 2", e.Message);
    }

    [Theory]
    [InlineData("all.arrow", 0.25)]
    [InlineData("all.arrow", 0.5)]
    [InlineData("all.arrow", 0.9)]
    [InlineData("stream", 0.5)]
    [InlineData("stream", 0.9)]
    public void Truncated_file_is_reported_with_its_name(string source, double keep)
    {
        byte[] bytes;
        if (source == "stream")
        {
            bytes = File.ReadAllBytes(Path.Combine(IoTables.FixtureDir, "reference_stream.arrows"));
        }
        else
        {
            string full = _dir.File(source);
            ArrowFormat.Write(IoTables.AllKinds(), full);
            bytes = File.ReadAllBytes(full);
        }

        string path = _dir.File("cut.arrow");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Read(path));

        Assert.Contains("cut.arrow", e.Message);
        Assert.Contains("re-export", e.Message);
    }

    [Fact]
    public void Writing_into_a_missing_folder_fails_cleanly()
    {
        string path = Path.Combine(_dir.Path, "no", "such", "x.arrow");

        var e = Assert.Throws<DataValidationException>(() => ArrowFormat.Write(IoTables.AllKinds(), path));

        Assert.Contains("folder does not exist", e.Message);
    }

    [Fact]
    public void Random_tables_round_trip_exactly()
    {
        IoTables.Tables.Sample(
            table =>
            {
                string path = _dir.File($"{Guid.NewGuid():N}.arrow");
                ArrowFormat.Write(table, path, batchSize: 7);
                var read = ArrowFormat.Read(path);
                File.Delete(path);
                IoTables.AssertEqual(table, read, sameLevels: true);
            },
            iter: 200);
    }
}
