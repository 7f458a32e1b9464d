namespace NetLearn.Data.IO;

/// <summary>How CSV files are read and written.</summary>
public sealed record CsvOptions
{
    /// <summary>Field delimiter; <c>null</c> detects it from the first line of a file (comma, tab, semicolon or pipe; see <see cref="CsvFormat.DetectDelimiter"/>). Writing defaults to comma.</summary>
    public char? Delimiter { get; init; }

    /// <summary>Whether the first row names the columns; without a header, columns are named <c>column_0</c>, <c>column_1</c>, ….</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Cell texts that mean "missing" (compared after trimming, case-sensitively). An empty cell is always missing.</summary>
    public IReadOnlySet<string> MissingValues { get; init; } = DefaultMissingValues;

    /// <summary>Forces the kind of named columns instead of inferring it.</summary>
    public IReadOnlyDictionary<string, ColumnKind> ColumnKinds { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>
    /// A non-numeric string column is categorical (else text) when some value repeats and its distinct values are at
    /// most max(20, this fraction of its non-missing values) and at most <see cref="MaxCategories"/>.
    /// </summary>
    public double MaxCategoricalFraction { get; init; } = 0.5;

    /// <summary>Upper bound on the number of levels of an inferred categorical column.</summary>
    public int MaxCategories { get; init; } = 1000;

    /// <summary>The missing-value markers used by default: empty, NA, N/A, NaN, nan, null, NULL and ? (not "None", which is often a real category).</summary>
    public static IReadOnlySet<string> DefaultMissingValues { get; } =
        new HashSet<string>(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"], StringComparer.Ordinal);
}
