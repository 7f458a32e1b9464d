using System.Globalization;
using System.Text.Json;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.Core.Tests.Trees;

/// <summary>Reads tree fixtures made by tests/reference/make_trees_fixtures.py.</summary>
internal static class TreeFixtures
{
    public static Table Features(JsonElement rows, string prefix = "x")
    {
        var data = rows.Rows();
        int p = data[0].Length;
        return new Table(Enumerable.Range(0, p).Select(c => (Column)new NumericColumn(prefix + c.ToString(CultureInfo.InvariantCulture), [.. data.Select(r => r[c])])));
    }

    public static IEstimator WithParams(IEstimator estimator, JsonElement parameters)
    {
        foreach (var p in parameters.EnumerateObject())
        {
            estimator = estimator.WithParameter(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
        }

        return estimator;
    }

    public static JsonElement Case(string file, string name) =>
        Fixture.Load(file).GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static int[] Ints(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetInt32())];
}
