using CsCheck;
using NetLearn.Data;
using NetLearn.Data.IO;
using Xunit;

namespace NetLearn.Core.Tests.Data;

public sealed class CsvFormatTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netlearn-csv-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void InfersKindsAndMissingValues()
    {
        string path = Write("a.csv", "n,flag,when,city,note\n1.5,true,2024-01-02,Oslo,alpha\n,false,2024-01-03T10:00:00,Oslo,beta\nNA,TRUE,,Bergen,gamma\n-2e3,,2024-02-01,,delta\n");
        var t = Table.ReadCsv(path);
        Assert.Equal([ColumnKind.Numeric, ColumnKind.Boolean, ColumnKind.DateTime, ColumnKind.Categorical, ColumnKind.Text], t.Columns.Select(c => c.Kind));
        Assert.Equal(4, t.RowCount);
        Assert.Equal([false, true, true, false], Enumerable.Range(0, 4).Select(t["n"].IsMissing));
        Assert.Equal(-2000.0, ((NumericColumn)t["n"])[3]);
        Assert.Equal(new DateTime(2024, 1, 3, 10, 0, 0, DateTimeKind.Utc), ((DateTimeColumn)t["when"])[1]);
        Assert.Equal(["Bergen", "Oslo"], ((CategoricalColumn)t["city"]).Levels);
        Assert.Equal(1, t["city"].MissingCount);
    }

    [Fact]
    public void QuotedFieldsCustomDelimiterAndNoHeader()
    {
        string path = Write("b.txt", "\"Smith; John\";3\n\"say \"\"hi\"\"\";4\n");
        var t = Table.ReadCsv(path, new CsvOptions { Delimiter = ';', HasHeader = false });
        Assert.Equal(["column_0", "column_1"], t.ColumnNames);
        Assert.Equal("Smith; John", t["column_0"].FormatValue(0));
        Assert.Equal("say \"hi\"", t["column_0"].FormatValue(1));
        Assert.Equal(4.0, ((NumericColumn)t["column_1"])[1]);
    }

    [Theory]
    [InlineData("a;b\n1;2\n", ';', 2)]
    [InlineData("a\tb\n1\t2\n", '\t', 2)]
    [InlineData("\"x,y\";b\n1;2\n", ';', 2)]
    [InlineData("only\n;\n", ',', 1)]
    public void DetectsTheDelimiterFromTheFirstLine(string text, char delimiter, int columns)
    {
        string path = Write("d.csv", text);
        Assert.Equal(delimiter, CsvFormat.DetectDelimiter(path));
        Assert.Equal(columns, Table.ReadCsv(path).ColumnCount);
    }

    [Fact]
    public void NoneIsARealCategoryNotMissing()
    {
        var t = Table.ReadCsv(Write("c.csv", "damage\nNone\nMinor\nNone\nMinor\n"));
        Assert.Equal(0, t["damage"].MissingCount);
    }

    [Fact]
    public void RaggedRowNamesFileAndRow()
    {
        string path = Write("r.csv", "a,b\n1,2\n3\n");
        var e = Assert.Throws<DataValidationException>(() => Table.ReadCsv(path));
        Assert.Equal(1, e.Row);
        Assert.Contains("r.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("data row 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForcedKindThatDoesNotParseNamesCell()
    {
        string path = Write("f.csv", "a\n1\nx\n");
        var e = Assert.Throws<DataValidationException>(() => Table.ReadCsv(path, new CsvOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["a"] = ColumnKind.Numeric } }));
        Assert.Equal("a", e.Column);
        Assert.Equal(1, e.Row);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyMissingAndDuplicateHeaderFilesAreClearErrors()
    {
        Assert.Contains("empty", Assert.Throws<DataValidationException>(() => Table.ReadCsv(Write("e.csv", ""))).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<DataValidationException>(() => Table.ReadCsv(Path.Combine(_dir.FullName, "none.csv"))).Message, StringComparison.Ordinal);
        Assert.Equal("a", Assert.Throws<DataValidationException>(() => Table.ReadCsv(Write("d.csv", "a,a\n1,2\n"))).Column);
    }

    [Fact]
    public void StreamingBatchesEqualAWholeRead()
    {
        var lines = Enumerable.Range(0, 1000).Select(i => $"{i},{(i % 3 == 0 ? "x" : "y")},{i * 0.5}");
        string path = Write("s.csv", "id,cat,v\n" + string.Join('\n', lines) + "\n");
        var whole = Table.ReadCsv(path);
        var batches = CsvFormat.ReadBatches(path, batchRows: 300).ToList();
        Assert.Equal([300, 300, 300, 100], batches.Select(b => b.RowCount));
        Assert.All(batches, b => Assert.Equal(whole.Schema, b.Schema));
        Assert.Equal(whole["v"].ToDoubleArray(), batches.SelectMany(b => b["v"].ToDoubleArray()));
    }

    [Fact]
    public void LaterBatchThatBreaksTheSchemaNamesItsRow()
    {
        string path = Write("l.csv", "a\n1\n2\n3\nfour\n");
        var e = Assert.Throws<DataValidationException>(() => CsvFormat.ReadBatches(path, batchRows: 2).ToList());
        Assert.Equal(3, e.Row);
    }

    [Fact]
    public void TablesRoundTripThroughCsv()
    {
        var cell = Gen.OneOf(Gen.Double[-1e6, 1e6], Gen.Const(double.NaN));
        Gen.Select(cell.Array[1, 20], Gen.Int[0, 1000]).Sample((values, seed) =>
        {
            var random = new Random(seed);
            string?[] strings = [.. values.Select(_ => random.Next(4) == 0 ? null : $"w{random.Next(3)}")];
            var table = new Table(new NumericColumn("num", values), Column.Create("cat", strings));
            string path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.csv"); // CsCheck runs samples in parallel.
            table.WriteCsv(path);
            var back = Table.ReadCsv(path, new CsvOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["num"] = ColumnKind.Numeric, ["cat"] = ColumnKind.Categorical } });
            Assert.Equal(table["num"].ToDoubleArray(), back["num"].ToDoubleArray());
            Assert.Equal(strings, Enumerable.Range(0, back.RowCount).Select(back["cat"].FormatValue));
        }, iter: 100);
    }

    [Fact]
    public void TextWithDelimitersQuotesAndNewlinesRoundTrips()
    {
        Gen.String[Gen.Char["ab,\"\n; "], 1, 8].Array[1, 15].Sample(values =>
        {
            string?[] cells = [.. values.Select(v => v.Trim().Length == 0 ? null : v.Trim())];
            var table = new Table(new TextColumn("t", cells));
            string path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.csv"); // CsCheck runs samples in parallel.
            table.WriteCsv(path);
            var back = Table.ReadCsv(path, new CsvOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["t"] = ColumnKind.Text } });
            Assert.Equal(cells, Enumerable.Range(0, back.RowCount).Select(back["t"].FormatValue));
        }, iter: 200);
    }
}
