namespace NetLearn.Data.IO;

/// <summary>Chooses a table format from the file extension: <c>.csv</c>/<c>.csv.gz</c>/<c>.tsv</c>, <c>.parquet</c>, <c>.arrow</c>/<c>.feather</c>.</summary>
public static class TableFile
{
    /// <summary>Reads a table, choosing the format by extension.</summary>
    public static Table Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FormatOf(path) switch
        {
            "tsv" => CsvFormat.Read(path, new CsvOptions { Delimiter = '\t' }),
            "parquet" => ParquetFormat.Read(path),
            "arrow" => ArrowFormat.Read(path),
            _ => CsvFormat.Read(path),
        };
    }

    /// <summary>Writes a table, choosing the format by extension.</summary>
    public static void Write(Table table, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (FormatOf(path))
        {
            case "tsv":
                CsvFormat.Write(table, path, new CsvOptions { Delimiter = '\t' });
                break;
            case "parquet":
                ParquetFormat.Write(table, path);
                break;
            case "arrow":
                ArrowFormat.Write(table, path);
                break;
            default:
                CsvFormat.Write(table, path);
                break;
        }
    }

    private static string FormatOf(string path)
    {
        string name = path.ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }

        return Path.GetExtension(name) switch
        {
            ".tsv" => "tsv",
            ".parquet" => "parquet",
            ".arrow" or ".feather" or ".ipc" => "arrow",
            _ => "csv",
        };
    }
}
