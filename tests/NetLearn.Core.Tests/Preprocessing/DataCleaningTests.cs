using CsCheck;
using NetLearn.Data;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>Duplicate removal, missing-value reports, type coercion and constant columns on tables.</summary>
public class DataCleaningTests
{


    private static Table Sample => new(
        Column.Create("k", ["a", "b", "a", "c", null, null]),
        new NumericColumn("v", [1, 2, 1, 3, double.NaN, double.NaN]),
        Column.Create("w", ["x", "y", "z", "x", "x", "x"]));

    [Fact]
    public void DropDuplicatesOnAllColumnsAndOnKeys()
    {
        var all = Sample.DropDuplicates();
        Assert.Equal([5], all.RemovedRows);
        Assert.Equal(5, all.Table.RowCount);
        Assert.Equal([2, 5], Sample.DropDuplicates("k", "v").RemovedRows);
        Assert.Equal(new string?[] { "a", "b", "c", null }, Sample.DropDuplicates("k", "v").Table["k"].FormatAll().AsEnumerable());
        Assert.Contains("nope", Assert.Throws<DataValidationException>(() => Sample.DropDuplicates("nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingValueReportCountsCellsRowsAndColumns()
    {
        var report = Sample.MissingValues();
        Assert.Equal(6, report.Rows);
        Assert.Equal(18, report.Cells);
        Assert.Equal(4, report.MissingCells);
        Assert.Equal(2, report.RowsWithMissing);
        Assert.Equal([2, 2, 0], report.Columns.Select(c => c.Missing));
        Assert.Equal(2 / 6.0, report.Columns[0].Fraction);
    }

    [Fact]
    public void CoercionReportsWhatFailedAndRefusesAMostlyTextColumn()
    {
        var t = new Table(Column.Create("price", ["1.5", "2", "oops", "4", null]));
        var (coerced, report) = t.Coerce("price", ColumnKind.Numeric);
        Assert.Equal(ColumnKind.Numeric, coerced["price"].Kind);
        Assert.Equal(3, report.Converted);
        Assert.Equal(new ParseFailure(2, "oops"), Assert.Single(report.Failures));
        Assert.True(coerced["price"].IsMissing(2));

        var text = new Table(Column.Create("name", ["ann", "bob", "7", "eve"]));
        var e = Assert.Throws<DataValidationException>(() => text.Coerce("name", ColumnKind.Numeric, file: "people.csv"));
        Assert.Equal("name", e.Column);
        Assert.Equal("people.csv", e.File);
        Assert.Contains("3 of 4", e.Message, StringComparison.Ordinal);

        var (auto, reports) = new Table(Column.Create("n", [.. Enumerable.Range(0, 19).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "-"]), Column.Create("name", [.. Enumerable.Range(0, 20).Select(i => "n" + (i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture))])).CoerceMostlyNumeric();
        Assert.Equal("n", Assert.Single(reports).Column);
        Assert.Equal(ColumnKind.Numeric, auto["n"].Kind);
        Assert.Equal(ColumnKind.Categorical, auto["name"].Kind);
    }

    [Fact]
    public void ConstantColumns() =>
        Assert.Equal(["c", "empty"], new Table(new NumericColumn("c", [1, 1, double.NaN]), new NumericColumn("v", [1, 2, 3]), new NumericColumn("empty", [double.NaN, double.NaN, double.NaN])).ConstantColumns());

    [Fact]
    public void DeduplicationKeepsFirstOccurrencesAndIsIdempotent() =>
        Gen.Int[0, 3].Array[0, 40].Sample(values =>
        {
            var t = new Table(new NumericColumn("x", [.. values.Select(v => (double)v)]));
            var once = t.DropDuplicates();
            Assert.Equal(values.Distinct().Select(v => (double)v), once.Table["x"].ToDoubleArray());
            Assert.Empty(once.Table.DropDuplicates().RemovedRows);
            Assert.Equal(values.Length, once.Table.RowCount + once.RemovedRows.Count);
        });
}

internal static class ColumnText
{
    public static string?[] FormatAll(this Column c) => [.. Enumerable.Range(0, c.Length).Select(c.FormatValue)];
}
