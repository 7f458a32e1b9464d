using System.Text.Json;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>Helpers for the unsupervised reference tests (fixtures from tests/reference/make_unsupervised_fixtures.py).</summary>
internal static class Unsup
{
    public static JsonElement Load(string name) => Fixture.Load(Path.Combine("unsupervised", name));

    public static Table Table(this JsonElement rows) => NetLearn.Data.Table.FromMatrix(rows.ToMatrix());

    public static int[] Ints(this JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetInt32())];

    /// <summary>Saves and reloads a model through a .nlm file.</summary>
    public static T RoundTrip<T>(T model)
        where T : IModel
    {
        string path = Path.Combine(Path.GetTempPath(), $"netlearn-unsup-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, model);
            return Assert.IsType<T>(ModelFile.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static void SameMatrix(Matrix expected, Matrix actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.True(expected.AsSpan().SequenceEqual(actual.AsSpan()));
    }
}
