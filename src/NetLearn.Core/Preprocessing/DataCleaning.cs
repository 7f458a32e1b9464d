using System.Globalization;
using System.Text;
using NetLearn.Data;

namespace NetLearn.Preprocessing;

/// <summary>The missing values of one column.</summary>
/// <param name="Column">Column name.</param>
/// <param name="Kind">Column kind.</param>
/// <param name="Missing">Number of missing values.</param>
/// <param name="Fraction">Missing values / rows (0 for an empty table).</param>
public sealed record ColumnMissing(string Column, ColumnKind Kind, int Missing, double Fraction);

/// <summary>Where a table has missing values.</summary>
/// <param name="Rows">Number of rows.</param>
/// <param name="Cells">Number of cells.</param>
/// <param name="MissingCells">Missing cells in total.</param>
/// <param name="RowsWithMissing">Rows with at least one missing value.</param>
/// <param name="Columns">Per column, in table order.</param>
public sealed record MissingValueReport(int Rows, long Cells, long MissingCells, int RowsWithMissing, IReadOnlyList<ColumnMissing> Columns);

/// <summary>The result of removing duplicate rows.</summary>
/// <param name="Table">The table without duplicates (first occurrences kept, order preserved).</param>
/// <param name="RemovedRows">Zero-based indices of the removed rows in the input.</param>
public sealed record DeduplicationResult(Table Table, IReadOnlyList<int> RemovedRows);

/// <summary>A cell that could not be read as the wanted kind and became missing.</summary>
/// <param name="Row">Zero-based data row.</param>
/// <param name="Value">The text that failed to parse.</param>
public sealed record ParseFailure(int Row, string Value);

/// <summary>What converting one column did.</summary>
/// <param name="Column">Column name.</param>
/// <param name="From">The kind before.</param>
/// <param name="To">The kind after.</param>
/// <param name="Converted">Values read successfully.</param>
/// <param name="Failures">Values that failed to parse (now missing).</param>
public sealed record CoercionReport(string Column, ColumnKind From, ColumnKind To, int Converted, IReadOnlyList<ParseFailure> Failures);

/// <summary>
/// Cleaning operations on whole tables: duplicate rows, missing-value reports, type coercion with a report of what
/// failed to parse, and constant columns. They return new tables (a <see cref="Table"/> is immutable).
/// </summary>
public static class DataCleaning
{
    /// <summary>
    /// Removes rows that repeat an earlier row, comparing all columns or only <paramref name="keys"/> (pandas'
    /// <c>drop_duplicates(subset, keep="first")</c>). Missing values compare equal to each other, as in pandas.
    /// </summary>
    /// <exception cref="DataValidationException">A key column does not exist.</exception>
    public static DeduplicationResult DropDuplicates(this Table table, params IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        Column[] columns = keys.Count == 0 ? [.. table.Columns] : [.. keys.Select(k => table[k])];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<int>(table.RowCount);
        var removed = new List<int>();
        var key = new StringBuilder();
        for (int i = 0; i < table.RowCount; i++)
        {
            key.Clear();
            foreach (var column in columns)
            {
                // Length-prefixed cells, so no separator can make two different rows look alike; missing is "-1:".
                string? cell = column.FormatValue(i);
                key.Append(cell?.Length ?? -1).Append(':').Append(cell).Append('|');
            }

            (seen.Add(key.ToString()) ? kept : removed).Add(i);
        }

        return new DeduplicationResult(removed.Count == 0 ? table : table.Take([.. kept]), removed);
    }

    /// <summary>Counts missing values per column and overall.</summary>
    public static MissingValueReport MissingValues(this Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rowHasMissing = new bool[table.RowCount];
        var columns = new List<ColumnMissing>(table.ColumnCount);
        long total = 0;
        foreach (var column in table.Columns)
        {
            int missing = 0;
            for (int i = 0; i < column.Length; i++)
            {
                if (column.IsMissing(i))
                {
                    missing++;
                    rowHasMissing[i] = true;
                }
            }

            total += missing;
            columns.Add(new ColumnMissing(column.Name, column.Kind, missing, table.RowCount == 0 ? 0 : missing / (double)table.RowCount));
        }

        return new MissingValueReport(table.RowCount, (long)table.RowCount * table.ColumnCount, total, rowHasMissing.Count(b => b), columns);
    }

    /// <summary>
    /// Converts <paramref name="column"/> to <paramref name="kind"/>; values that do not parse become missing and are
    /// reported. More failures than <paramref name="maxFailureFraction"/> of the present values means the column is not
    /// of that kind, and throws.
    /// </summary>
    /// <exception cref="DataValidationException">The column does not exist, or too many values fail to parse (the message shows examples).</exception>
    public static (Table Table, CoercionReport Report) Coerce(this Table table, string column, ColumnKind kind, double maxFailureFraction = 0.5, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var source = table[column];
        if (source.Kind == kind)
        {
            return (table, new CoercionReport(column, kind, kind, source.Length - source.MissingCount, []));
        }

        var cells = new string?[source.Length];
        var failures = new List<ParseFailure>();
        int present = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            string? text = source.FormatValue(i);
            if (text is null)
            {
                continue;
            }

            present++;
            if (Parses(text, kind))
            {
                cells[i] = text;
            }
            else
            {
                failures.Add(new ParseFailure(i, text));
            }
        }

        if (present > 0 && failures.Count > maxFailureFraction * present)
        {
            string examples = string.Join(", ", failures.Take(3).Select(f => $"'{f.Value}' (data row {f.Row + 1})"));
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"{failures.Count} of {present} values ({100.0 * failures.Count / present:0.#}%) cannot be read as {Describe(kind)}, for example {examples}. This is not a {kind.ToString().ToLowerInvariant()} column: choose another column, or fix the data"),
                column: column,
                file: file);
        }

        var converted = ColumnInference.Parse(column, cells, kind, 0, file);
        return (table.With(converted), new CoercionReport(column, source.Kind, kind, present - failures.Count, failures));
    }

    /// <summary>
    /// Finds text or categorical columns whose values are mostly numbers (at least <paramref name="minNumericFraction"/>
    /// of the present values, but not all: those would already be numeric) — typically a numeric column with a few typos
    /// or markers such as "n/a" or "-" — and converts them, reporting the values that did not parse.
    /// </summary>
    public static (Table Table, IReadOnlyList<CoercionReport> Reports) CoerceMostlyNumeric(this Table table, double minNumericFraction = 0.9, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var reports = new List<CoercionReport>();
        foreach (var column in table.Columns.Where(c => c.Kind is ColumnKind.Text or ColumnKind.Categorical).ToList())
        {
            int present = 0, numbers = 0;
            for (int i = 0; i < column.Length; i++)
            {
                if (column.FormatValue(i) is { } text)
                {
                    present++;
                    if (ColumnInference.TryParseNumber(text, out _))
                    {
                        numbers++;
                    }
                }
            }

            if (present > 0 && numbers < present && numbers >= minNumericFraction * present)
            {
                (table, var report) = table.Coerce(column.Name, ColumnKind.Numeric, 1 - minNumericFraction, file);
                reports.Add(report);
            }
        }

        return (table, reports);
    }

    /// <summary>The columns with at most one distinct non-missing value (constant or empty).</summary>
    public static IReadOnlyList<string> ConstantColumns(this Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var result = new List<string>();
        foreach (var column in table.Columns)
        {
            string? first = null;
            bool constant = true;
            for (int i = 0; i < column.Length && constant; i++)
            {
                if (column.FormatValue(i) is { } v)
                {
                    first ??= v;
                    constant = v == first;
                }
            }

            if (constant)
            {
                result.Add(column.Name);
            }
        }

        return result;
    }

    private static bool Parses(string text, ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => ColumnInference.TryParseNumber(text, out _),
        ColumnKind.Boolean => ColumnInference.TryParseBoolean(text, out _),
        ColumnKind.DateTime => ColumnInference.TryParseDate(text, out _),
        _ => true,
    };

    private static string Describe(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "numbers",
        ColumnKind.Boolean => "true/false",
        ColumnKind.DateTime => "ISO-8601 dates",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
