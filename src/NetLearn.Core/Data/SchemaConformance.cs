using NetLearn.Data.IO;

namespace NetLearn.Data;

/// <summary>
/// Makes a table match the schema a model was fitted on: selects the expected columns by name, in order (extra columns
/// are ignored), and converts kinds where the data allows it — text and categorical interchangeably, numbers read from
/// text, numbers and booleans used as category labels. This is what lets a model fitted on one CSV predict on another
/// whose types were inferred differently (a one-row request, say).
/// </summary>
public static class SchemaConformance
{
    /// <summary>Returns <paramref name="table"/> restricted and converted to <paramref name="expected"/>.</summary>
    /// <exception cref="DataValidationException">A column is missing, or a value cannot be converted (the message names the row and column).</exception>
    public static Table ConformTo(this Table table, Schema expected)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(expected);
        var columns = new Column[expected.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            var info = expected.Columns[c];
            if (!table.Contains(info.Name))
            {
                throw new DataValidationException($"The model needs column '{info.Name}' ({info.Kind.ToString().ToLowerInvariant()}), which the data does not have. Add it (missing values are allowed if the model imputes them)", column: info.Name);
            }

            columns[c] = Convert(table[info.Name], info.Kind);
        }

        return new Table(columns);
    }

    /// <summary>Converts one column to <paramref name="kind"/> (a no-op when it already is).</summary>
    public static Column Convert(Column column, ColumnKind kind)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Kind == kind)
        {
            return column;
        }

        // Every kind has a text form; parse it as the wanted kind. Numbers survive exactly ("R" format).
        var cells = new string?[column.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            cells[i] = column.FormatValue(i);
        }

        return ColumnInference.Parse(column.Name, cells, kind);
    }
}
