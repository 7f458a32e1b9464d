using System.Data.Common;
using System.IO.Compression;
using System.Text;
using Sylvan.Data.Csv;

namespace NetLearn.Data.IO;

/// <summary>
/// CSV reading and writing over Sylvan.Data.Csv: RFC 4180 quoting, any single-character delimiter, optional header,
/// gzip (<c>.csv.gz</c>) transparently, streaming in batches for files larger than memory, atomic writes.
/// </summary>
public static class CsvFormat
{
    /// <summary>Reads a whole CSV file into a table, inferring each column's kind over all its rows.</summary>
    /// <exception cref="DataValidationException">The file is missing, empty, ragged or a cell does not parse; the message names the file, row and column.</exception>
    public static Table Read(string path, CsvOptions? options = null)
    {
        options = WithDelimiter(path, options ?? new CsvOptions());
        using var text = OpenText(path);
        return Read(text, options, path);
    }

    /// <summary>Reads CSV text from a reader; <paramref name="source"/> names it in error messages. Without a delimiter in <paramref name="options"/>, comma.</summary>
    public static Table Read(TextReader reader, CsvOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvOptions();
        options = options.Delimiter is null ? options with { Delimiter = ',' } : options;
        using var csv = Open(reader, options, source);
        string[] names = ColumnNames(csv, options, source);
        var cells = names.Select(_ => new List<string?>()).ToArray();
        long row = 0;
        while (ReadRow(csv, names.Length, row, source))
        {
            for (int c = 0; c < names.Length; c++)
            {
                cells[c].Add(Cell(csv, c, options));
            }

            row++;
        }

        return new Table(names.Select((name, c) => ColumnInference.InferAndParse(name, cells[c], options, source)));
    }

    /// <summary>
    /// Streams a CSV file as tables of at most <paramref name="batchRows"/> rows. Column kinds are inferred from the
    /// first batch (or forced with <see cref="CsvOptions.ColumnKinds"/>) and held for the rest of the file, so every batch
    /// has the same schema; a later cell that does not fit throws with its row and column.
    /// </summary>
    public static IEnumerable<Table> ReadBatches(string path, int batchRows = 65_536, CsvOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        options = WithDelimiter(path, options ?? new CsvOptions());
        using var text = OpenText(path);
        using var csv = Open(text, options, path);
        string[] names = ColumnNames(csv, options, path);
        ColumnKind[]? kinds = null;
        long row = 0;
        while (true)
        {
            var cells = names.Select(_ => new List<string?>(Math.Min(batchRows, 4096))).ToArray();
            long first = row;
            while (cells[0].Count < batchRows && ReadRow(csv, names.Length, row, path))
            {
                for (int c = 0; c < names.Length; c++)
                {
                    cells[c].Add(Cell(csv, c, options));
                }

                row++;
            }

            if (cells.Length == 0 || cells[0].Count == 0)
            {
                yield break;
            }

            kinds ??= names.Select((n, c) => options.ColumnKinds.TryGetValue(n, out var k) ? k : ColumnInference.InferKind(cells[c], options)).ToArray();
            yield return new Table(names.Select((n, c) => ColumnInference.Parse(n, cells[c], kinds[c], first, path)));
        }
    }

    /// <summary>Writes a table as CSV. The file appears whole or not at all.</summary>
    public static void Write(Table table, string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new CsvOptions();
        AtomicFile.Write(path, stream =>
        {
            Stream target = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
            try
            {
                using var writer = new StreamWriter(target, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                Write(table, writer, options);
            }
            finally
            {
                if (!ReferenceEquals(target, stream))
                {
                    target.Dispose();
                }
            }
        });
    }

    /// <summary>Writes a table as CSV text (missing values as empty fields).</summary>
    public static void Write(Table table, TextWriter writer, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new CsvOptions();
        var writerOptions = new CsvDataWriterOptions { Delimiter = options.Delimiter ?? ',', WriteHeaders = options.HasHeader, NewLine = "\n" };
        using var csv = CsvDataWriter.Create(writer, writerOptions);
        using var reader = new TableDataReader(table, asText: true);
        csv.Write(reader);
    }

    /// <summary>
    /// The delimiter of a file: the candidate (comma, tab, semicolon, pipe) that occurs most often outside quotes in the
    /// first line; comma when none does (a one-column file). Decided here rather than by the CSV reader's own guess,
    /// so a one-column file whose values contain a semicolon still reads as one column.
    /// </summary>
    public static char DetectDelimiter(string path)
    {
        using var text = OpenText(path);
        string header = text.ReadLine() ?? "";
        char[] candidates = [',', '\t', ';', '|'];
        var counts = new int[candidates.Length];
        bool quoted = false;
        foreach (char ch in header)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && Array.IndexOf(candidates, ch) is var k and >= 0)
            {
                counts[k]++;
            }
        }

        int best = 0;
        for (int k = 1; k < candidates.Length; k++)
        {
            if (counts[k] > counts[best])
            {
                best = k;
            }
        }

        return candidates[best];
    }

    private static CsvOptions WithDelimiter(string path, CsvOptions options) =>
        options.Delimiter is null ? options with { Delimiter = DetectDelimiter(path) } : options;

    internal static TextReader OpenText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataValidationException("The file does not exist. Check the path", file: path);
        }

        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    private static CsvDataReader Open(TextReader reader, CsvOptions options, string? source)
    {
        var readerOptions = new CsvDataReaderOptions { HasHeaders = options.HasHeader, BufferSize = 1 << 16 };
        if (options.Delimiter is { } delimiter)
        {
            readerOptions.Delimiter = delimiter;
        }

        try
        {
            return CsvDataReader.Create(reader, readerOptions);
        }
        catch (CsvMissingHeadersException e)
        {
            throw new DataValidationException("The file is empty: a CSV file needs a header row and at least one data row", file: source, inner: e);
        }
        catch (Exception e) when (e is CsvFormatException or InvalidDataException)
        {
            throw new DataValidationException($"The file is not valid CSV: {e.Message}", file: source, inner: e);
        }
    }

    private static string[] ColumnNames(CsvDataReader csv, CsvOptions options, string? source)
    {
        var names = new string[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
        {
            string name = options.HasHeader ? csv.GetName(c).Trim() : $"column_{c}";
            if (name.Length == 0)
            {
                name = $"column_{c}";
            }

            if (!seen.Add(name))
            {
                throw new DataValidationException("The header names this column twice. Give every column a unique name", column: name, file: source);
            }

            names[c] = name;
        }

        if (names.Length == 0)
        {
            throw new DataValidationException("The file is empty: a CSV file needs a header row and at least one data row", file: source);
        }

        return names;
    }

    private static bool ReadRow(CsvDataReader csv, int fields, long row, string? source)
    {
        bool more;
        try
        {
            more = csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new DataValidationException($"The row is not valid CSV ({e.Message}); check for an unclosed quote", row: row, file: source, inner: e);
        }

        if (more && csv.RowFieldCount != fields)
        {
            // A trailing blank line reads as a single empty field: treat it as the end, not as a ragged row.
            if (csv.RowFieldCount == 1 && csv.GetString(0).Length == 0)
            {
                return ReadRow(csv, fields, row, source);
            }

            throw new DataValidationException(
                $"The row has {csv.RowFieldCount} fields but the header has {fields}. Quote fields that contain the delimiter, or fix the row",
                row: row,
                file: source);
        }

        return more;
    }

    private static string? Cell(DbDataReader csv, int column, CsvOptions options)
    {
        string raw = csv.GetString(column);
        string trimmed = raw.Trim();
        return trimmed.Length == 0 || options.MissingValues.Contains(trimmed) ? null : raw;
    }
}
