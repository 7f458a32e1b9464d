using System.Globalization;
using Microsoft.Data.Analysis;

namespace NetLearn.Data.IO;

/// <summary>
/// Conversions between NetLearn's <see cref="Table"/> and Microsoft.Data.Analysis' <see cref="DataFrame"/>.
/// <list type="bullet">
/// <item>Numeric ↔ <see cref="DoubleDataFrameColumn"/>: NaN becomes null and null becomes NaN. Coming back, every other
/// numeric primitive column (integers of any width, <see cref="float"/>, <see cref="decimal"/>) becomes numeric too.</item>
/// <item>Boolean ↔ <see cref="BooleanDataFrameColumn"/>, missing as null.</item>
/// <item>Date-time ↔ <see cref="DateTimeDataFrameColumn"/> (any <c>PrimitiveDataFrameColumn&lt;DateTime&gt;</c> coming back),
/// missing as null; values are copied as they are (no time-zone conversion).</item>
/// <item>Categorical and text → <see cref="StringDataFrameColumn"/>, missing as null. A data frame cannot say which of the
/// two a string column is, so coming back string columns (and <see cref="ArrowStringDataFrameColumn"/> and
/// <c>char</c> columns) are categorical or text by the CSV inference rule (see <see cref="ColumnInference"/>); they stay
/// strings even when their values look like numbers.</item>
/// </list>
/// The way back is <see cref="ToNetLearnTable"/>, not <c>ToTable</c>: <see cref="DataFrame"/> already has an instance
/// method <c>ToTable()</c> (returning a <see cref="System.Data.DataTable"/>), which would always win over an extension.
/// </summary>
public static class DataFrameInterop
{
    /// <summary>A new data frame holding a copy of the table's columns, in order.</summary>
    public static DataFrame ToDataFrame(this Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = new List<DataFrameColumn>(table.ColumnCount);
        foreach (var column in table.Columns)
        {
            columns.Add(column switch
            {
                NumericColumn numeric => new DoubleDataFrameColumn(column.Name, Rows(numeric).Select(i => double.IsNaN(numeric[i]) ? (double?)null : numeric[i])),
                BooleanColumn boolean => new BooleanDataFrameColumn(column.Name, Rows(boolean).Select(i => boolean[i])),
                DateTimeColumn dates => new DateTimeDataFrameColumn(column.Name, Rows(dates).Select(i => dates[i])),
                _ => new StringDataFrameColumn(column.Name, TypedColumns.Strings(column, 0, column.Length)!),
            });
        }

        return new DataFrame(columns);
    }

    /// <summary>A new table holding a copy of the data frame's columns, in order.</summary>
    /// <exception cref="DataValidationException">A column is of a type a table cannot hold (the message names it), or the frame is too long.</exception>
    public static Table ToNetLearnTable(this DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = new List<Column>(frame.Columns.Count);
        foreach (var source in frame.Columns)
        {
            if (source.Length > Array.MaxLength)
            {
                throw new DataValidationException(
                    string.Create(CultureInfo.InvariantCulture, $"The column has {source.Length} rows, more than a table can hold ({Array.MaxLength}). Convert the frame in parts"),
                    column: source.Name);
            }

            int length = (int)source.Length;
            string name = source.Name;
            Type type = source.DataType;
            if (type == typeof(string) || type == typeof(char))
            {
                var values = new string?[length];
                for (int i = 0; i < length; i++)
                {
                    values[i] = source[i]?.ToString();
                }

                columns.Add(TypedColumns.FromStrings(name, values));
            }
            else if (type == typeof(bool))
            {
                var values = new bool?[length];
                for (int i = 0; i < length; i++)
                {
                    values[i] = (bool?)source[i];
                }

                columns.Add(new BooleanColumn(name, values));
            }
            else if (type == typeof(DateTime))
            {
                var values = new DateTime?[length];
                for (int i = 0; i < length; i++)
                {
                    values[i] = (DateTime?)source[i];
                }

                columns.Add(new DateTimeColumn(name, values));
            }
            else if (IsNumber(type))
            {
                var values = new double[length];
                for (int i = 0; i < length; i++)
                {
                    values[i] = source[i] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : double.NaN;
                }

                columns.Add(new NumericColumn(name, values));
            }
            else
            {
                throw new DataValidationException(
                    $"The data frame column holds {type.Name} values, which a table cannot hold. Tables hold numbers, booleans, date-times and strings: convert the column to one of these or remove it first",
                    column: name);
            }
        }

        return new Table(columns);
    }

    private static IEnumerable<int> Rows(Column column) => Enumerable.Range(0, column.Length);

    private static bool IsNumber(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(decimal)
        || type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong);
}
