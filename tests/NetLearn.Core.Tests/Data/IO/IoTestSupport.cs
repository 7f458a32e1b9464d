using CsCheck;
using NetLearn.Data;
using Xunit;

namespace NetLearn.Core.Tests.Data.IO;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class IoTempDir : IDisposable
{
    public IoTempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netlearn-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}

/// <summary>Table comparison, the reference fixture's expected content and random tables for property tests.</summary>
internal static class IoTables
{
    /// <summary>The folder with the files made by tests/reference/make_io_fixtures.mjs.</summary>
    public static string FixtureDir { get; } = FindFixtures();

    /// <summary>
    /// Asserts same names, kinds and values row by row: numbers bit for bit (any NaN equals any NaN), date-times by
    /// ticks and marked UTC when read, categories by level text. <paramref name="sameLevels"/> also compares the
    /// categorical levels list (formats that keep it).
    /// </summary>
    public static void AssertEqual(Table expected, Table actual, bool sameLevels = false, bool kindsOfStrings = true)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.RowCount, actual.RowCount);
        for (int c = 0; c < expected.ColumnCount; c++)
        {
            var e = expected[c];
            var a = actual[c];
            if (kindsOfStrings || e.Kind is not (ColumnKind.Categorical or ColumnKind.Text))
            {
                Assert.True(e.Kind == a.Kind, $"Column '{e.Name}': expected {e.Kind}, got {a.Kind}.");
            }
            else
            {
                Assert.True(a.Kind is ColumnKind.Categorical or ColumnKind.Text, $"Column '{e.Name}': expected a string kind, got {a.Kind}.");
            }

            for (int r = 0; r < expected.RowCount; r++)
            {
                Assert.True(e.IsMissing(r) == a.IsMissing(r), $"Column '{e.Name}' row {r}: missing {e.IsMissing(r)} vs {a.IsMissing(r)}.");
                switch (e)
                {
                    case NumericColumn n:
                        double x = n[r], y = ((NumericColumn)a)[r];
                        Assert.True(
                            (double.IsNaN(x) && double.IsNaN(y)) || BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
                            $"Column '{e.Name}' row {r}: {x:R} vs {y:R}.");
                        break;
                    case DateTimeColumn d when d[r] is { } when:
                        var got = ((DateTimeColumn)a)[r]!.Value;
                        Assert.True(when.Ticks == got.Ticks, $"Column '{e.Name}' row {r}: {when:O} vs {got:O}.");
                        break;
                    default:
                        Assert.Equal(e.GetValue(r), a.GetValue(r));
                        break;
                }
            }

            if (sameLevels && e is CategoricalColumn ec)
            {
                var ac = Assert.IsType<CategoricalColumn>(a);
                Assert.Equal(ec.Levels, ac.Levels);
                Assert.Equal(ec.Codes.ToArray(), ac.Codes.ToArray());
            }
        }
    }

    /// <summary>Every date-time value read from a file is marked UTC.</summary>
    public static void AssertUtc(Table table)
    {
        foreach (var column in table.Columns.OfType<DateTimeColumn>())
        {
            for (int r = 0; r < column.Length; r++)
            {
                if (column[r] is { } d)
                {
                    Assert.Equal(DateTimeKind.Utc, d.Kind);
                }
            }
        }
    }

    /// <summary>One column of every kind, each with a missing value (numeric NaN, categorical code -1, null otherwise).</summary>
    public static Table AllKinds() => new(
        new NumericColumn("number", [1.5, double.NaN, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-300, double.MaxValue]),
        new CategoricalColumn("colour", [2, -1, 0, 0, 2, -1, 2], ["red", "unused", "blue"]),
        new TextColumn("comment", ["first", null, "", "with, comma", "quote \"q\"", "ünï ✓ 😀", "line\nbreak"]),
        new BooleanColumn("flag", [true, null, false, true, null, false, true]),
        new DateTimeColumn("when", [
            new DateTime(2024, 1, 31, 12, 30, 15, 250, DateTimeKind.Utc).AddTicks(1230),
            null,
            new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9990),
            new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified).AddTicks(9990),
            new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            null,
        ]));

    /// <summary>The content of Fixtures/io/reference.* as NetLearn reads it (see make_io_fixtures.mjs).</summary>
    public static Table Reference(string[] cityLevels)
    {
        const double NaN = double.NaN;
        static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) => new(y, mo, d, h, mi, s, ms, DateTimeKind.Utc);
        string?[] city = ["paris", "oslo", "paris", null, "oslo", "paris"];
        return new Table(
            new NumericColumn("f64", [1.5, NaN, -2.25, 1e300, 0, 3]),
            new NumericColumn("i32", [1, 2, NaN, -4, 5, 2147483647]),
            new NumericColumn("i64", [10, NaN, 30, -40, 50, 9007199254740992]),
            new NumericColumn("f32", [0.5, 1.25, NaN, -8, 3.75, 0.125]),
            new NumericColumn("i16", [-32768, 1, 2, NaN, 4, 32767]),
            new NumericColumn("u8", [0, 255, 7, 8, NaN, 9]),
            new BooleanColumn("flag", [true, false, null, true, true, false]),
            new DateTimeColumn("when", [Utc(2024, 1, 31, 12, 30, 15, 250), Utc(1999, 12, 31, 23, 59, 59), Utc(1970, 1, 1), null, Utc(2000, 2, 29, 6, 0, 0, 1), Utc(1960, 6, 15)]),
            new DateTimeColumn("day", [Utc(2024, 1, 31), null, Utc(1970, 1, 1), Utc(2000, 2, 29), Utc(1969, 12, 31), Utc(2038, 1, 19)]),
            new CategoricalColumn("city", [.. city.Select(v => v is null ? -1 : Array.IndexOf(cityLevels, v))], cityLevels),
            new TextColumn("note", ["first note", "second", null, "fourth, with comma", "fifth \"quoted\"", "sixth ünïcödé"]),
            new NumericColumn("req", [1, 2, 3, 4, 5, 6]));
    }

    /// <summary>Text that survives UTF-8: printable ASCII and BMP characters outside the surrogate range.</summary>
    public static readonly Gen<string> Text =
        Gen.OneOf(Gen.Char[' ', '~'], Gen.Char['\u00A0', '\uD7FF']).Array[0, 8].Select(chars => new string(chars));

    /// <summary>Random tables: 0–30 rows, 1–5 columns of any kind, with missing values everywhere.</summary>
    public static readonly Gen<Table> Tables =
        from rows in Gen.Int[0, 30]
        from columns in ColumnOf(rows).Array[1, 5]
        select new Table(columns.Select((c, i) => c.WithName($"c{i} {c.Kind}")));

    private static Gen<Column> ColumnOf(int rows) => Gen.OneOf(
        Gen.Double.Special.Array[rows].Select(v => (Column)new NumericColumn("x", v)),
        Gen.Bool.Nullable().Array[rows].Select(v => (Column)new BooleanColumn("x", v)),
        Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks / 10], Gen.Bool, (micros, utc) => new DateTime(micros * 10, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified))
            .Nullable().Array[rows].Select(v => (Column)new DateTimeColumn("x", v)),
        Text.Null().Array[rows].Select(v => (Column)new TextColumn("x", v)),
        from levels in Text.Array[1, 6].Select(a => a.Distinct(StringComparer.Ordinal).ToArray())
        from codes in Gen.Int[-1, levels.Length - 1].Array[rows]
        select (Column)new CategoricalColumn("x", codes, levels));

    private static string FindFixtures()
    {
        // The source tree's copy, found by walking up from the test binaries (works whether or not the project copies
        // fixtures to its output folder).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { System.IO.Path.Combine(dir.FullName, "tests", "NetLearn.Core.Tests", "Fixtures", "io"), System.IO.Path.Combine(dir.FullName, "Fixtures", "io") })
            {
                if (System.IO.File.Exists(System.IO.Path.Combine(candidate, "reference.parquet")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Fixtures/io/reference.parquet not found above " + AppContext.BaseDirectory);
    }
}
