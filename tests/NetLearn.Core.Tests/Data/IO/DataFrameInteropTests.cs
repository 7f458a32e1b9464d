using CsCheck;
using Microsoft.Data.Analysis;
using NetLearn.Data;
using NetLearn.Data.IO;
using Xunit;

namespace NetLearn.Core.Tests.Data.IO;

public sealed class DataFrameInteropTests
{
    [Fact]
    public void Table_becomes_the_documented_data_frame_columns()
    {
        var frame = IoTables.AllKinds().ToDataFrame();

        Assert.Equal(["number", "colour", "comment", "flag", "when"], frame.Columns.Select(c => c.Name));
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["number"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["colour"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["comment"]);
        Assert.IsType<BooleanDataFrameColumn>(frame.Columns["flag"]);
        Assert.IsType<DateTimeDataFrameColumn>(frame.Columns["when"]);
        Assert.Equal(1, frame.Columns["number"].NullCount);
        Assert.Null(frame.Columns["number"][1]);
        Assert.Equal(2, frame.Columns["colour"].NullCount);
        Assert.Equal("blue", frame.Columns["colour"][0]);
        Assert.Null(frame.Columns["comment"][1]);
        Assert.Null(frame.Columns["flag"][1]);
        Assert.Null(frame.Columns["when"][1]);
    }

    [Fact]
    public void Every_kind_round_trips_with_missing_values()
    {
        var table = IoTables.AllKinds();

        var back = table.ToDataFrame().ToNetLearnTable();

        // "colour" has 2 levels over 5 values (categorical); "comment" has 6 distinct of 6 (text).
        IoTables.AssertEqual(table, back);
        Assert.Equal(DateTimeKind.Unspecified, ((DateTimeColumn)back["when"])[4]!.Value.Kind);
    }

    [Fact]
    public void Other_primitive_columns_become_numeric()
    {
        var frame = new DataFrame(
            new Int32DataFrameColumn("i32", [1, null, -3]),
            new Int64DataFrameColumn("i64", [long.MaxValue, 2, null]),
            new SingleDataFrameColumn("f32", [0.5f, null, 2.25f]),
            new DecimalDataFrameColumn("dec", [1.25m, 2m, null]),
            new ByteDataFrameColumn("u8", [0, 255, null]),
            new Int16DataFrameColumn("i16", [short.MinValue, null, 7]),
            new UInt64DataFrameColumn("u64", [ulong.MaxValue, null, 1]));

        var table = frame.ToNetLearnTable();

        Assert.All<Column>(table.Columns, c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        Assert.Equal([1, double.NaN, -3], ((NumericColumn)table["i32"]).Values.ToArray());
        Assert.Equal([long.MaxValue, 2, double.NaN], ((NumericColumn)table["i64"]).Values.ToArray());
        Assert.Equal([0.5, double.NaN, 2.25], ((NumericColumn)table["f32"]).Values.ToArray());
        Assert.Equal([1.25, 2, double.NaN], ((NumericColumn)table["dec"]).Values.ToArray());
        Assert.Equal([0, 255, double.NaN], ((NumericColumn)table["u8"]).Values.ToArray());
        Assert.Equal([short.MinValue, double.NaN, 7], ((NumericColumn)table["i16"]).Values.ToArray());
        Assert.Equal([ulong.MaxValue, double.NaN, 1], ((NumericColumn)table["u64"]).Values.ToArray());
    }

    [Fact]
    public void String_columns_are_inferred_and_stay_strings()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("code", ["a", "b", "a", null, "a", "b"]),
            new StringDataFrameColumn("name", ["ann", "bob", "cy", "dee", null, "eve"]),
            new StringDataFrameColumn("zip", ["01234", "01234", "99999", "01234", "99999", "01234"]),
            new StringDataFrameColumn("empty", [null, null, null, null, null, null]),
            new CharDataFrameColumn("grade", ['a', 'b', 'a', 'a', null, 'b']));

        var table = frame.ToNetLearnTable();

        Assert.Equal(ColumnKind.Categorical, table["code"].Kind);
        Assert.Equal(["a", "b"], ((CategoricalColumn)table["code"]).Levels);
        Assert.True(table["code"].IsMissing(3));
        Assert.Equal(ColumnKind.Text, table["name"].Kind);
        Assert.Equal(ColumnKind.Categorical, table["zip"].Kind);
        Assert.Equal("01234", table["zip"].GetValue(0));
        Assert.Equal(ColumnKind.Text, table["empty"].Kind);
        Assert.Equal(6, table["empty"].MissingCount);
        Assert.Equal(ColumnKind.Categorical, table["grade"].Kind);
        Assert.Equal("b", table["grade"].GetValue(1));
    }

    [Fact]
    public void Unsupported_column_type_is_reported_with_its_name()
    {
        var frame = new DataFrame(new PrimitiveDataFrameColumn<TimeSpan>("span", [TimeSpan.FromHours(1)]));

        var e = Assert.Throws<DataValidationException>(() => frame.ToNetLearnTable());

        Assert.Equal("span", e.Column);
        Assert.Contains("TimeSpan", e.Message);
    }

    [Fact]
    public void Empty_table_round_trips()
    {
        var table = new Table(new NumericColumn("x", []), new BooleanColumn("b", []), new DateTimeColumn("d", []));

        IoTables.AssertEqual(table, table.ToDataFrame().ToNetLearnTable());
    }

    [Fact]
    public void Random_tables_round_trip_values_exactly()
    {
        // A data frame cannot say whether a string column is categorical or text, so only the string kinds may differ.
        IoTables.Tables.Sample(table => IoTables.AssertEqual(table, table.ToDataFrame().ToNetLearnTable(), kindsOfStrings: false), iter: 200);
    }
}
