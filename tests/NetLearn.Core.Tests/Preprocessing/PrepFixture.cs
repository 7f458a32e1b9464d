using System.Text.Json;
using NetLearn.Data;
using Xunit;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>The fixtures of tests/reference/make_preprocessing_fixtures.py: prep_input.csv and prep_reference.json (null = NaN).</summary>
internal static class PrepFixture
{
    public static readonly JsonElement Ref = Fixture.Load("prep_reference.json");

    private static readonly Lazy<Table> LazyInput = new(() => Table.ReadCsv(Path.Combine(AppContext.BaseDirectory, "Fixtures", "prep_input.csv")));

    public static Table Input => LazyInput.Value;

    public static JsonElement At(string path)
    {
        var e = Ref;
        foreach (string part in path.Split('/'))
        {
            e = e.GetProperty(part);
        }

        return e;
    }

    public static double[] Vector(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble())];

    public static double[][] Matrix(this JsonElement e) => [.. e.EnumerateArray().Select(Vector)];

    public static string[] Texts(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetString()!)];

    public static bool[] Flags(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetBoolean())];

    public static int[] Ints(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetInt32())];

    /// <summary>Row-major expected values against a table's columns; NaN must match NaN.</summary>
    public static void Close(double[][] expected, Table actual, double rel = 1e-9, double abs = 1e-12, string what = "")
    {
        Assert.Equal(expected.Length, actual.RowCount);
        Assert.Equal(expected[0].Length, actual.ColumnCount);
        var columns = actual.Columns.Select(c => c.ToDoubleArray()).ToArray();
        for (int r = 0; r < expected.Length; r++)
        {
            for (int c = 0; c < expected[r].Length; c++)
            {
                Close(expected[r][c], columns[c][r], rel, abs, $"{what}[{r},{c}] ({actual[c].Name})");
            }
        }
    }

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rel = 1e-9, double abs = 1e-12, string what = "")
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Close(expected[i], actual[i], rel, abs, $"{what}[{i}]");
        }
    }

    public static void Close(double expected, double actual, double rel, double abs, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        Fixture.Close(expected, actual, rel, abs, what);
    }

    /// <summary>A numeric table from row-major values with the given column names.</summary>
    public static Table TableOf(double[][] rows, params string[] names) =>
        new(names.Select((n, c) => (Column)new NumericColumn(n, [.. rows.Select(r => r[c])])));
}
