using System.Globalization;
using System.Text;

namespace NetLearn.Cli.Tests.Infrastructure;

/// <summary>A deliberately independent, minimal RFC 4180 reader, so output files are checked without NetLearn's own CSV code.</summary>
public sealed class CsvText
{
    private CsvText(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public int ColumnIndex(string name)
    {
        int i = Array.IndexOf(Header, name);
        Assert.True(i >= 0, $"No column '{name}' in [{string.Join(", ", Header)}]");
        return i;
    }

    public string[] Column(string name)
    {
        int i = ColumnIndex(name);
        return [.. Rows.Select(r => r[i])];
    }

    public double[] NumericColumn(string name) => [.. Column(name).Select(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))];

    public static CsvText Read(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8));
        Assert.NotEmpty(records);
        var header = records[0];
        var rows = records.Skip(1).ToList();
        foreach (var row in rows)
        {
            Assert.True(row.Length == header.Length, $"{path}: a row has {row.Length} fields, the header {header.Length}");
        }

        return new CsvText(header, rows);
    }

    private static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        records.Add([.. fields]);
                    }

                    fields.Clear();
                    field.Clear();
                    any = false;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }
}
