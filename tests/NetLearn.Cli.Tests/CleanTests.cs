using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;
using NetLearn.Data;

namespace NetLearn.Cli.Tests;

/// <summary><c>netlearn clean</c> end to end: what it changes, what it reports, and bad input (exit 2, nothing written).</summary>
public sealed class CleanTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // 12 rows: row 3 repeats row 2; 'price' has a typo and a missing value; 'city' a missing value; 'source' is constant.
    private string Messy() => _dir.Write("messy.csv", """
        id,price,city,source,rooms
        1,100.5,Oslo,web,3
        2,120,Bergen,web,2
        2,120,Bergen,web,2
        3,,Oslo,web,4
        4,99,Oslo,web,
        5,130,Bergen,web,3
        6,1O5,Oslo,web,2
        7,111,,web,3
        8,140,Bergen,web,5
        9,90,Oslo,web,1
        10,125,Bergen,web,3
        11,101,Oslo,web,2

        """.Replace("        ", "", StringComparison.Ordinal));

    [Fact]
    public async Task Cleans_and_reports_every_change_as_json()
    {
        string output = _dir.File("clean.csv");
        var json = await Expect.JsonAsync("clean", "--data", Messy(), "--out", output, "--dedupe", "--impute", "median", "--drop-constant", "--json");
        Assert.Equal(12, json["rows_in"]!.GetValue<int>());
        Assert.Equal(11, json["rows_out"]!.GetValue<int>());
        Assert.Equal(1, json["duplicates_removed"]!.GetValue<int>());
        Assert.Equal(["source"], json["dropped_constant"]!.AsArray().Select(n => n!.GetValue<string>()));

        var coerced = Assert.Single(json["coerced"]!.AsArray())!;
        Assert.Equal("price", coerced["column"]!.GetValue<string>());
        Assert.Equal(1, coerced["failed"]!.GetValue<int>());
        Assert.Equal("1O5", coerced["failures"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(7, coerced["failures"]![0]!["row"]!.GetValue<int>());

        var imputed = json["imputed"]!.AsArray().ToDictionary(n => n!["column"]!.GetValue<string>(), n => n!);
        Assert.Equal(["price", "city", "rooms"], imputed.Keys);
        Assert.Equal("median", imputed["price"]["strategy"]!.GetValue<string>());
        Assert.Equal("most_frequent", imputed["city"]["strategy"]!.GetValue<string>());
        Assert.Equal("Oslo", imputed["city"]["value"]!.GetValue<string>());
        Assert.Equal(2, imputed["price"]["count"]!.GetValue<int>());
        Assert.Equal(0, json["missing_cells_after"]!.GetValue<int>());

        var table = Table.ReadCsv(output);
        Assert.Equal(["id", "price", "city", "rooms"], table.ColumnNames);
        Assert.Equal(11, table.RowCount);
        Assert.Equal(0, table.Columns.Sum(c => c.MissingCount));
        Assert.Equal(ColumnKind.Numeric, table["price"].Kind);

        // The median of the 9 prices that parse (after removing the duplicate row) fills both gaps.
        double[] present = [100.5, 120, 99, 130, 111, 140, 90, 125, 101];
        Array.Sort(present);
        double median = present[4];
        Assert.Equal(median, double.Parse(imputed["price"]["value"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.Equal(median, ((NumericColumn)table["price"])[2]);
        Assert.Equal(median, ((NumericColumn)table["price"])[5]);
    }

    [Fact]
    public async Task Human_report_names_the_changes()
    {
        var result = await Expect.OkAsync("clean", "--data", Messy(), "--out", _dir.File("out.parquet"), "--dedupe-on", "id", "--report");
        Assert.Contains("duplicates: 1 row(s) removed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("'1O5'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing before", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(11, Table.Load(_dir.File("out.parquet")).RowCount);
    }

    [Fact]
    public async Task Dedupe_on_a_key_subset_keeps_the_first_row()
    {
        string data = _dir.Write("keys.csv", "k,v\na,1\nb,2\na,3\nc,4\nb,5\n");
        string output = _dir.File("keys-out.csv");
        var json = await Expect.JsonAsync("clean", "--data", data, "--out", output, "--dedupe-on", "k", "--json");
        Assert.Equal(2, json["duplicates_removed"]!.GetValue<int>());
        Assert.Equal("k,v\na,1\nb,2\nc,4\n", File.ReadAllText(output).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Ragged_csv_is_refused_naming_file_and_row()
    {
        string output = _dir.File("o.csv");
        var result = await CliRunner.RunAsync("clean", "--data", _dir.Write("ragged.csv", "a,b\n1,2\n3\n4,5\n"), "--out", output);
        Expect.BadInput(result, "ragged.csv", "data row 2");
        Expect.NoFile(output);
    }

    [Fact]
    public async Task Empty_file_is_refused()
    {
        string output = _dir.File("o.csv");
        var result = await CliRunner.RunAsync("clean", "--data", _dir.Write("empty.csv", ""), "--out", output);
        Expect.BadInput(result, "empty.csv");
        Expect.NoFile(output);
        var headerOnly = await CliRunner.RunAsync("clean", "--data", _dir.Write("header.csv", "a,b\n"), "--out", output);
        Expect.BadInput(headerOnly, "header.csv");
        Expect.NoFile(output);
    }

    [Fact]
    public async Task A_99_percent_unparseable_numeric_column_is_refused_and_the_old_output_kept()
    {
        var text = new StringBuilder("id,amount\n");
        for (int i = 0; i < 100; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{(i == 0 ? "12.5" : "item" + i)}\n");
        }

        string output = _dir.Write("kept.csv", "previous contents\n");
        var result = await CliRunner.RunAsync("clean", "--data", _dir.Write("bad.csv", text.ToString()), "--out", output, "--numeric", "amount");
        Expect.BadInput(result, "bad.csv", "amount", "99 of 100", "'item1'");
        Assert.Equal("previous contents\n", File.ReadAllText(output));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".kept.csv.*.tmp"));
    }

    [Fact]
    public async Task Unknown_columns_and_strategies_are_refused()
    {
        string output = _dir.File("o.csv");
        var unknown = await CliRunner.RunAsync("clean", "--data", Messy(), "--out", output, "--dedupe-on", "identifier");
        Expect.BadInput(unknown, "messy.csv", "identifier", "--dedupe-on", "price");
        Expect.NoFile(output);
        var numeric = await CliRunner.RunAsync("clean", "--data", Messy(), "--out", output, "--numeric", "cost");
        Expect.BadInput(numeric, "cost", "--numeric");
        var strategy = await CliRunner.RunAsync("clean", "--data", Messy(), "--out", output, "--impute", "average");
        Assert.Equal(2, strategy.ExitCode);
        Assert.Contains("average", strategy.Stderr, StringComparison.Ordinal);
        Expect.NoFile(output);
    }

    [Fact]
    public async Task Runs_as_a_real_process()
    {
        string output = _dir.File("p.csv");
        var result = await CliRunner.RunProcessAsync(_dir.Path, TimeSpan.FromSeconds(60), "clean", "--data", Messy(), "--out", output, "--dedupe", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout.Trim())!;
        Assert.Equal(1, json["duplicates_removed"]!.GetValue<int>());
        Assert.True(File.Exists(output));
    }
}
