using System.Text.Json;
using NetLearn.Data;
using NetLearn.LinearAlgebra;
using Xunit;

namespace NetLearn.Core.Tests;

/// <summary>Reads the scikit-learn reference fixtures made by tests/reference/make_fixtures.py.</summary>
internal static class Fixture
{
    public static JsonElement Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    public static string[] Strings(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null! : v.ToString())];

    public static double[][] Rows(this JsonElement e) => [.. e.EnumerateArray().Select(Doubles)];

    public static Matrix ToMatrix(this JsonElement e) => Matrix.FromRows(e.Rows());

    /// <summary>|actual − expected| ≤ abs + rel·|expected|, element by element, with the index in the message.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rel = 1e-6, double abs = 1e-12, string what = "")
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Close(expected[i], actual[i], rel, abs, $"{what}[{i}]");
        }
    }

    public static void Close(double expected, double actual, double rel = 1e-6, double abs = 1e-12, string what = "")
    {
        double tolerance = abs + (rel * Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E2} > {tolerance:E2})");
    }

    public static void Close(double[][] expected, Matrix actual, double rel = 1e-6, double abs = 1e-12, string what = "")
    {
        Assert.Equal(expected.Length, actual.Rows);
        for (int r = 0; r < expected.Length; r++)
        {
            Close(expected[r], actual.Row(r).ToArray(), rel, abs, $"{what} row {r}");
        }
    }

    public static Column Labels(this JsonElement e, string name = "y") =>
        e.EnumerateArray().First().ValueKind == JsonValueKind.Number
            ? new NumericColumn(name, e.Doubles())
            : CategoricalColumn.FromValues(name, e.Strings());
}
