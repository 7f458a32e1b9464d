using CsCheck;
using NetLearn.Data;
using NetLearn.Data.IO;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace NetLearn.Core.Tests.Data.IO;

public sealed class ParquetFormatTests : IDisposable
{
    private readonly IoTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_kind_round_trips_with_missing_values()
    {
        var table = IoTables.AllKinds();
        string path = _dir.File("all.parquet");

        ParquetFormat.Write(table, path);
        var read = ParquetFormat.Read(path);

        IoTables.AssertEqual(table, read);
        IoTables.AssertUtc(read);

        // Parquet keeps the values, not the level list: levels come back as the sorted distinct values in use.
        Assert.Equal(["blue", "red"], ((CategoricalColumn)read["colour"]).Levels);
        Assert.Equal(2, read["colour"].MissingCount);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Table_save_and_load_choose_parquet_by_extension()
    {
        var table = IoTables.AllKinds();
        string path = _dir.File("data.parquet");

        table.Save(path);

        Assert.Equal("PAR1"u8.ToArray(), File.ReadAllBytes(path)[..4]);
        IoTables.AssertEqual(table, Table.Load(path));
    }

    [Fact]
    public async Task Several_row_groups_are_written_and_read_back_in_order()
    {
        var table = new Table(
            new NumericColumn("x", [.. Enumerable.Range(0, 10).Select(i => i % 4 == 0 ? double.NaN : i)]),
            CategoricalColumn.FromValues("level", [.. Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? null : $"l{i % 2}")]),
            new TextColumn("text", [.. Enumerable.Range(0, 10).Select(i => i == 9 ? null : $"row {i}")]));
        string path = _dir.File("groups.parquet");

        ParquetFormat.Write(table, path, rowGroupSize: 3);

        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            Assert.Equal([3L, 3L, 3L, 1L], reader.RowGroups.Select(g => g.RowCount));
        }

        IoTables.AssertEqual(table, ParquetFormat.Read(path));
    }

    [Fact]
    public void Empty_table_round_trips()
    {
        var table = new Table(new NumericColumn("x", []), new CategoricalColumn("c", [], []), new TextColumn("t", []), new BooleanColumn("b", []), new DateTimeColumn("d", []));
        string path = _dir.File("empty.parquet");

        ParquetFormat.Write(table, path);

        IoTables.AssertEqual(table, ParquetFormat.Read(path));
    }

    [Fact]
    public void Date_times_are_stored_as_utc_microseconds()
    {
        var local = new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var precise = new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        string path = _dir.File("dates.parquet");

        ParquetFormat.Write(new Table(new DateTimeColumn("d", [local, precise])), path);
        var read = (DateTimeColumn)ParquetFormat.Read(path)["d"];

        Assert.Equal(local.ToUniversalTime(), read[0]);
        Assert.Equal(DateTimeKind.Utc, read[0]!.Value.Kind);
        Assert.Equal(precise.AddTicks(-7), read[1]);
    }

    [Fact]
    public void Reads_a_file_written_by_another_implementation()
    {
        // hyparquet-writer: two row groups (4 + 2 rows), snappy, optional and required columns, int16/uint8 logical
        // types, TIMESTAMP(MICROS), DATE and strings without NetLearn's kind metadata.
        var read = ParquetFormat.Read(Path.Combine(IoTables.FixtureDir, "reference.parquet"));

        IoTables.AssertEqual(IoTables.Reference(["oslo", "paris"]), read, sameLevels: true);
        IoTables.AssertUtc(read);
    }

    [Theory]
    [InlineData(DateTimeFormat.Timestamp, false)]
    [InlineData(DateTimeFormat.Timestamp, true)]
    [InlineData(DateTimeFormat.DateAndTime, true)]
    [InlineData(DateTimeFormat.Impala, true)]
    public async Task Timestamps_of_other_writers_read_as_utc_clock_readings(DateTimeFormat format, bool adjustedToUtc)
    {
        // Naive timestamps (isAdjustedToUTC=false, as pandas writes them) keep their clock reading; none is shifted by
        // the machine's time zone.
        string path = _dir.File("naive.parquet");
        var field = new DateTimeDataField("d", format, adjustedToUtc, DateTimeTimeUnit.Millis, isNullable: true);
        var noon = new DateTime(2024, 1, 15, 12, 0, 0, DateTimeKind.Utc);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<DateTime>(field, new DateTime?[] { noon, null });
        }

        var read = (DateTimeColumn)ParquetFormat.Read(path)["d"];

        Assert.Equal(noon, read[0]);
        Assert.Equal(DateTimeKind.Utc, read[0]!.Value.Kind);
        Assert.Null(read[1]);
    }

    [Fact]
    public async Task String_columns_without_kind_metadata_are_inferred_and_stay_strings()
    {
        string path = _dir.File("strings.parquet");
        var codes = new DataField<string>("code", nullable: true);
        var names = new DataField<string>("name", nullable: true);
        var zips = new DataField<string>("zip", nullable: true);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(codes, names, zips), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(codes, ["a", "b", "a", null, "a", "b"]);
            await group.WriteAsync(names, ["ann", "bob", "cy", "dee", null, "eve"]);
            await group.WriteAsync(zips, ["01234", "01234", "99999", "01234", "99999", "01234"]);
        }

        var read = ParquetFormat.Read(path);

        Assert.Equal(ColumnKind.Categorical, read["code"].Kind);
        Assert.Equal(ColumnKind.Text, read["name"].Kind);
        Assert.Equal(ColumnKind.Categorical, read["zip"].Kind);
        Assert.Equal("01234", read["zip"].GetValue(0));
    }

    [Fact]
    public async Task Unsupported_column_type_names_the_file_and_column()
    {
        string path = _dir.File("blob.parquet");
        var id = new DataField<int>("id");
        var blob = new DataField<byte[]>("blob");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, blob), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(id, new[] { 1, 2 });
            await group.WriteAsync(blob, [[1, 2], [3]]);
        }

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Read(path));

        Assert.Equal("blob", e.Column);
        Assert.Equal(path, e.File);
        Assert.Contains("blob.parquet", e.Message);
        Assert.Contains("convert the column", e.Message);
    }

    [Fact]
    public void Missing_file_is_reported_with_its_name()
    {
        string path = _dir.File("nope.parquet");

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Read(path));

        Assert.Contains("nope.parquet", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(100)]
    public void Garbage_is_reported_as_not_parquet(int length)
    {
        string path = _dir.File("garbage.parquet");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, length).Select(i => (byte)(i * 37))]);

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Read(path));

        Assert.Equal(path, e.File);
        Assert.Contains("garbage.parquet", e.Message);
        Assert.Contains("not a readable Parquet file", e.Message);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Truncated_file_is_reported_with_its_name(double keep)
    {
        string path = _dir.File("cut.parquet");
        ParquetFormat.Write(IoTables.AllKinds(), path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Read(path));

        Assert.Contains("cut.parquet", e.Message);
        Assert.Contains("re-export", e.Message);
    }

    [Fact]
    public void Corrupt_column_data_names_the_column()
    {
        string path = _dir.File("corrupt.parquet");
        var table = new Table(new TextColumn("t", [.. Enumerable.Range(0, 200).Select(i => $"value number {i}")]));
        ParquetFormat.Write(table, path);
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 8; i < bytes.Length / 2; i++)
        {
            bytes[i] = 0xFF;
        }

        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Read(path));

        Assert.Contains("corrupt.parquet", e.Message);
        Assert.Equal("t", e.Column);
    }

    [Fact]
    public void Writing_into_a_missing_folder_fails_cleanly()
    {
        string path = Path.Combine(_dir.Path, "no", "such", "x.parquet");

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Write(IoTables.AllKinds(), path));

        Assert.Contains("folder does not exist", e.Message);
    }

    [Fact]
    public void A_table_without_columns_is_refused()
    {
        string path = _dir.File("none.parquet");

        var e = Assert.Throws<DataValidationException>(() => ParquetFormat.Write(new Table(), path));

        Assert.Contains("no columns", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Random_tables_round_trip_exactly()
    {
        IoTables.Tables.Sample(
            table =>
            {
                string path = _dir.File($"{Guid.NewGuid():N}.parquet");
                ParquetFormat.Write(table, path, rowGroupSize: 7);
                var read = ParquetFormat.Read(path);
                File.Delete(path);
                IoTables.AssertEqual(table, read);
            },
            iter: 200);
    }
}
