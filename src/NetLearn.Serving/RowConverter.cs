using System.Globalization;
using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Serving;

/// <summary>Turns named-column JSON rows (<c>[{"age": 41, "city": "Oslo"}, …]</c>) into a table with a model's input schema.</summary>
public static class RowConverter
{
    /// <summary>
    /// Builds a table from JSON objects. Every column of <paramref name="schema"/> is read by name and must be present in
    /// every row (as with a CSV file, where the column must exist but cells may be empty): <c>null</c> is a missing value,
    /// while an absent key is an error, so a misspelt column name is reported instead of being silently imputed. Keys the
    /// model does not use are ignored. Values are converted to the column's kind (numbers may come as JSON numbers or
    /// numeric strings).
    /// </summary>
    /// <exception cref="DataValidationException">A row is not an object, lacks a column, or a value cannot be converted; the message names the row and column.</exception>
    public static Table ToTable(JsonElement rows, Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw new DataValidationException("'rows' must be a JSON array of objects, one per row, keyed by column name");
        }

        int n = rows.GetArrayLength();
        if (n == 0)
        {
            throw new DataValidationException("'rows' is empty; send at least one row");
        }

        var cells = schema.Columns.Select(_ => new string?[n]).ToArray();
        int r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw new DataValidationException("Each row must be a JSON object keyed by column name", row: r);
            }

            for (int c = 0; c < schema.Count; c++)
            {
                var info = schema.Columns[c];
                if (!row.TryGetProperty(info.Name, out var value))
                {
                    throw new DataValidationException($"The model needs column '{info.Name}' ({info.Kind.ToString().ToLowerInvariant()}), which the row does not have. Add it to every row; send null for a missing value", info.Name, r);
                }

                cells[c][r] = Text(value, info.Name, r);
            }

            r++;
        }

        return new Table(schema.Columns.Select((info, c) => ColumnInference.Parse(info.Name, cells[c], info.Kind)));
    }

    private static string? Text(JsonElement value, string column, int row) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new DataValidationException("Values must be numbers, strings, booleans or null, not arrays or objects", column, row),
    };
}
