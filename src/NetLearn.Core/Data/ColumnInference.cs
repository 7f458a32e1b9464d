using System.Globalization;
using NetLearn.Data.IO;

namespace NetLearn.Data;

/// <summary>
/// Infers a column's kind from its text cells and parses it. The rules, in order: every non-missing cell parses as an
/// invariant-culture number → numeric; every one is true/false (any case) → boolean; every one is an ISO-8601 date or
/// date-time → date-time; few distinct values (see <see cref="HasFewLevels"/>) → categorical;
/// otherwise text. A column with no values at all is numeric (all missing).
/// </summary>
public static class ColumnInference
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", "yyyy/MM/dd",
    ];

    /// <summary>Infers the kind of a column from raw cells (already <c>null</c> where missing).</summary>
    public static ColumnKind InferKind(IReadOnlyList<string?> cells, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(options);
        bool numeric = true, boolean = true, date = true;
        int present = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? cell in cells)
        {
            if (cell is null)
            {
                continue;
            }

            present++;
            if (numeric && !TryParseNumber(cell, out _))
            {
                numeric = false;
            }

            if (boolean && !TryParseBoolean(cell, out _))
            {
                boolean = false;
            }

            if (date && !TryParseDate(cell, out _))
            {
                date = false;
            }

            if (distinct.Count <= options.MaxCategories)
            {
                distinct.Add(cell);
            }
        }

        if (present == 0 || numeric)
        {
            return ColumnKind.Numeric;
        }

        if (boolean)
        {
            return ColumnKind.Boolean;
        }

        if (date)
        {
            return ColumnKind.DateTime;
        }

        return HasFewLevels(distinct.Count, present, options) ? ColumnKind.Categorical : ColumnKind.Text;
    }

    /// <summary>
    /// The categorical-versus-text rule: some value repeats, and the distinct values number at most
    /// max(20, <see cref="CsvOptions.MaxCategoricalFraction"/> × present values) and at most <see cref="CsvOptions.MaxCategories"/>.
    /// A column whose values are all different (names, identifiers) is text.
    /// </summary>
    internal static bool HasFewLevels(int distinct, int present, CsvOptions options) =>
        present > 0
        && distinct < present
        && distinct <= options.MaxCategories
        && distinct <= Math.Max(20, options.MaxCategoricalFraction * present);

    /// <summary>
    /// Parses raw cells as <paramref name="kind"/>. A cell that does not parse throws a <see cref="DataValidationException"/>
    /// naming the row (offset by <paramref name="firstRow"/>) and column.
    /// </summary>
    public static Column Parse(string name, IReadOnlyList<string?> cells, ColumnKind kind, long firstRow = 0, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        switch (kind)
        {
            case ColumnKind.Numeric:
                var numbers = new double[cells.Count];
                for (int i = 0; i < numbers.Length; i++)
                {
                    if (cells[i] is not { } cell)
                    {
                        numbers[i] = double.NaN;
                    }
                    else if (!TryParseNumber(cell, out numbers[i]))
                    {
                        throw CannotParse(cell, "a number", name, firstRow + i, file);
                    }
                }

                return new NumericColumn(name, numbers);
            case ColumnKind.Boolean:
                var flags = new bool?[cells.Count];
                for (int i = 0; i < flags.Length; i++)
                {
                    if (cells[i] is { } cell)
                    {
                        flags[i] = TryParseBoolean(cell, out bool b) ? b : throw CannotParse(cell, "true or false", name, firstRow + i, file);
                    }
                }

                return new BooleanColumn(name, flags);
            case ColumnKind.DateTime:
                var dates = new DateTime?[cells.Count];
                for (int i = 0; i < dates.Length; i++)
                {
                    if (cells[i] is { } cell)
                    {
                        dates[i] = TryParseDate(cell, out var d) ? d : throw CannotParse(cell, "an ISO-8601 date (yyyy-MM-dd[THH:mm:ss])", name, firstRow + i, file);
                    }
                }

                return new DateTimeColumn(name, dates);
            case ColumnKind.Categorical:
                return CategoricalColumn.FromValues(name, cells);
            case ColumnKind.Text:
                return new TextColumn(name, [.. cells]);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown column kind.");
        }
    }

    /// <summary>Infers and parses in one step.</summary>
    public static Column InferAndParse(string name, IReadOnlyList<string?> cells, CsvOptions options, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var kind = options.ColumnKinds.TryGetValue(name, out var forced) ? forced : InferKind(cells, options);
        return Parse(name, cells, kind, 0, file);
    }

    /// <summary>Parses an invariant-culture number (also <c>inf</c>/<c>-inf</c>).</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        || TryParseInfinity(text, out value);

    private static bool TryParseInfinity(string text, out double value)
    {
        value = text switch
        {
            "inf" or "Inf" or "+inf" or "Infinity" => double.PositiveInfinity,
            "-inf" or "-Inf" or "-Infinity" => double.NegativeInfinity,
            _ => 0,
        };
        return value != 0;
    }

    /// <summary>Parses true/false in any letter case.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses the ISO-8601 date and date-time forms NetLearn recognises.</summary>
    public static bool TryParseDate(string text, out DateTime value) =>
        DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);

    private static DataValidationException CannotParse(string cell, string expected, string column, long row, string? file) =>
        new($"Cannot read '{cell}' as {expected}. Fix the cell, mark it missing (empty), or read the column as text", column, row, file);
}
