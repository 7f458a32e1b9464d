using System.Text.Json;

namespace NetLearn.Data.IO;

/// <summary>
/// What the typed formats (Parquet, Arrow IPC, DataFrame) share: turning string values into a categorical or text
/// column, the kind marker NetLearn writes next to string columns, and date-time normalisation to UTC.
/// </summary>
internal static class TypedColumns
{
    /// <summary>Metadata key (Arrow field metadata; Parquet file metadata holds <see cref="KindsKey"/>) naming a column's NetLearn kind.</summary>
    internal const string KindKey = "netlearn.kind";

    /// <summary>Parquet file metadata key whose value is a JSON object mapping column names to NetLearn kinds.</summary>
    internal const string KindsKey = "netlearn.kinds";

    private static readonly CsvOptions Defaults = new();

    /// <summary>
    /// A categorical or text column from strings (<c>null</c> = missing). <paramref name="kind"/> is the kind recorded by
    /// the writer, if any; otherwise the kind is inferred as for CSV, except that a typed string column stays a string
    /// column even when its values look like numbers, booleans or dates.
    /// </summary>
    internal static Column FromStrings(string name, string?[] values, ColumnKind? kind = null)
    {
        kind = kind is ColumnKind.Categorical or ColumnKind.Text ? kind : InferStringKind(values);
        return kind == ColumnKind.Categorical ? CategoricalColumn.FromValues(name, values) : new TextColumn(name, values);
    }

    /// <summary>Categorical or text, by the rule of <see cref="ColumnInference.InferKind"/> with default <see cref="CsvOptions"/>.</summary>
    internal static ColumnKind InferStringKind(IReadOnlyList<string?> values)
    {
        var kind = ColumnInference.InferKind(values, Defaults);
        if (kind is ColumnKind.Categorical or ColumnKind.Text)
        {
            return kind;
        }

        // The values all look like numbers, booleans or dates (or are all missing). The file stored them as strings on
        // purpose (codes, zip codes, ...), so keep them as strings and apply InferKind's few-levels rule directly.
        int present = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? value in values)
        {
            if (value is null)
            {
                continue;
            }

            present++;
            if (distinct.Count <= Defaults.MaxCategories)
            {
                distinct.Add(value);
            }
        }

        return ColumnInference.HasFewLevels(distinct.Count, present, Defaults) ? ColumnKind.Categorical : ColumnKind.Text;
    }

    /// <summary>The marker text for a kind (<c>numeric</c>, <c>categorical</c>, <c>text</c>, <c>boolean</c>, <c>datetime</c>).</summary>
    internal static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "numeric",
        ColumnKind.Categorical => "categorical",
        ColumnKind.Text => "text",
        ColumnKind.Boolean => "boolean",
        ColumnKind.DateTime => "datetime",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown column kind."),
    };

    /// <summary>The kind a marker names, or <c>null</c> for no or an unknown marker.</summary>
    internal static ColumnKind? ParseKind(string? name) => name switch
    {
        "numeric" => ColumnKind.Numeric,
        "categorical" => ColumnKind.Categorical,
        "text" => ColumnKind.Text,
        "boolean" => ColumnKind.Boolean,
        "datetime" => ColumnKind.DateTime,
        _ => null,
    };

    /// <summary>The JSON object of column names to kind markers stored under <see cref="KindsKey"/>.</summary>
    internal static string SerializeKinds(Table table) =>
        JsonSerializer.Serialize(table.Columns.ToDictionary(c => c.Name, c => KindName(c.Kind), StringComparer.Ordinal));

    /// <summary>Reads <see cref="SerializeKinds"/>' output; anything unreadable gives an empty map (the kinds are then inferred).</summary>
    internal static Dictionary<string, ColumnKind> DeserializeKinds(string? json)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return kinds;
        }

        try
        {
            foreach (var (name, marker) in JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
            {
                if (ParseKind(marker) is { } kind)
                {
                    kinds[name] = kind;
                }
            }
        }
        catch (JsonException)
        {
            kinds.Clear();
        }

        return kinds;
    }

    /// <summary>
    /// The UTC date-time NetLearn stores: local times are converted to UTC, unspecified ones are taken to be UTC already
    /// (so their clock reading is kept), and the result is marked <see cref="DateTimeKind.Utc"/>.
    /// </summary>
    internal static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    /// <summary>The whole rows from <paramref name="start"/> of a column as strings (categorical and text columns).</summary>
    internal static string?[] Strings(Column column, int start, int count)
    {
        var values = new string?[count];
        switch (column)
        {
            case CategoricalColumn categorical:
                for (int i = 0; i < count; i++)
                {
                    values[i] = categorical[start + i];
                }

                break;
            case TextColumn text:
                for (int i = 0; i < count; i++)
                {
                    values[i] = text[start + i];
                }

                break;
            default:
                throw new ArgumentException($"Column '{column.Name}' is {column.Kind}, not categorical or text.", nameof(column));
        }

        return values;
    }

    /// <summary>The table of columns read from <paramref name="path"/>; a column name used twice is reported with the file.</summary>
    internal static Table NewTable(IReadOnlyList<Column> columns, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!seen.Add(column.Name))
            {
                throw new DataValidationException("The file has two columns of this name, and a table's column names must be unique. Rename one of them and save the file again", column: column.Name, file: path);
            }
        }

        return new Table(columns);
    }

    /// <summary>Rejects tables a typed file cannot hold: no columns at all.</summary>
    internal static void RequireColumns(Table table, string format, string path)
    {
        if (table.ColumnCount == 0)
        {
            throw new DataValidationException($"The table has no columns, and a {format} file needs at least one. Add a column before saving", file: path);
        }
    }
}
