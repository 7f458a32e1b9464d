using System.Globalization;
using NetLearn.Data.IO;
using NetLearn.LinearAlgebra;

namespace NetLearn.Data;

/// <summary>
/// An immutable table of named, typed columns of equal length: NetLearn's tabular data type.
/// Every operation returns a new table; columns are shared, never copied needlessly.
/// </summary>
public sealed class Table
{
    private readonly Column[] _columns;
    private readonly Schema _schema;

    /// <summary>Creates a table; columns must have unique names and equal lengths.</summary>
    public Table(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _schema = new Schema(_columns.Select(c => c.Info));
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        foreach (var column in _columns)
        {
            if (column.Length != RowCount)
            {
                throw new DataValidationException(
                    string.Create(CultureInfo.InvariantCulture, $"Column has {column.Length} rows but column '{_columns[0].Name}' has {RowCount}. All columns of a table must have the same length."),
                    column: column.Name);
            }
        }
    }

    /// <summary>Creates a table from columns.</summary>
    public Table(params Column[] columns)
        : this((IEnumerable<Column>)columns)
    {
    }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<Column> Columns => _columns;

    /// <summary>Column names and kinds.</summary>
    public Schema Schema => _schema;

    /// <summary>The column names in order.</summary>
    public IReadOnlyList<string> ColumnNames => [.. _schema.Names];

    /// <summary>The column called <paramref name="name"/>.</summary>
    /// <exception cref="DataValidationException">No such column; the message lists the available ones.</exception>
    public Column this[string name]
    {
        get
        {
            int i = _schema.IndexOf(name);
            return i >= 0 ? _columns[i] : throw Schema.UnknownColumn(name, _schema.Names);
        }
    }

    /// <summary>The column at position <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>True when a column of that name exists.</summary>
    public bool Contains(string name) => _schema.Contains(name);

    /// <summary>A table with only the named columns, in the given order.</summary>
    public Table Select(params IEnumerable<string> names) => new(names.Select(n => this[n]));

    /// <summary>A table without the named columns. Unknown names throw, so typos do not go unnoticed.</summary>
    public Table Drop(params IEnumerable<string> names)
    {
        var drop = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            _ = this[name];
            drop.Add(name);
        }

        return new Table(_columns.Where(c => !drop.Contains(c.Name)));
    }

    /// <summary>A table with <paramref name="column"/> added, or replacing the column of the same name in place.</summary>
    public Table With(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        int i = _schema.IndexOf(column.Name);
        if (i < 0)
        {
            return new Table([.. _columns, column]);
        }

        var columns = (Column[])_columns.Clone();
        columns[i] = column;
        return new Table(columns);
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public Table Take(ReadOnlySpan<int> rows)
    {
        var taken = new Column[_columns.Length];
        for (int c = 0; c < taken.Length; c++)
        {
            taken[c] = _columns[c].Take(rows);
        }

        return new Table(taken);
    }

    /// <summary>The rows whose value in <paramref name="column"/> is not missing (for example, rows that have a target).</summary>
    public Table DropMissing(string column)
    {
        var values = this[column];
        int[] kept = [.. Enumerable.Range(0, RowCount).Where(i => !values.IsMissing(i))];
        return kept.Length == RowCount ? this : Take(kept);
    }

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public Table Head(int count = 5)
    {
        int n = Math.Min(Math.Max(count, 0), RowCount);
        return Take(Enumerable.Range(0, n).ToArray());
    }

    /// <summary>Splits off the target column: the features (every other column) and the target.</summary>
    public (Table Features, Column Target) SplitTarget(string target) => (Drop(target), this[target]);

    /// <summary>
    /// The table as a dense row-major matrix. Every column must be numeric or boolean.
    /// </summary>
    /// <param name="allowMissing">When false (the default), a missing value throws a <see cref="DataValidationException"/> naming its row and column.</param>
    public Matrix ToMatrix(bool allowMissing = false)
    {
        var matrix = new Matrix(RowCount, ColumnCount);
        var data = matrix.AsSpan();
        for (int c = 0; c < _columns.Length; c++)
        {
            double[] values = _columns[c].ToDoubleArray();
            for (int r = 0; r < values.Length; r++)
            {
                double v = values[r];
                if (!allowMissing && !double.IsFinite(v))
                {
                    string what = double.IsNaN(v) ? "a missing value" : "an infinite value";
                    throw new DataValidationException(
                        $"Found {what}. Impute it (SimpleImputer), drop the row, or use a model that accepts missing values",
                        column: _columns[c].Name,
                        row: r);
                }

                data[(r * ColumnCount) + c] = v;
            }
        }

        return matrix;
    }

    /// <summary>A table of numeric columns from a matrix; <paramref name="names"/> default to <c>x0, x1, …</c> (scikit-learn's convention).</summary>
    public static Table FromMatrix(Matrix matrix, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (names is not null && names.Count != matrix.Columns)
        {
            throw new ArgumentException($"Got {names.Count} names for {matrix.Columns} columns.", nameof(names));
        }

        var columns = new Column[matrix.Columns];
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = new NumericColumn(names?[c] ?? string.Create(CultureInfo.InvariantCulture, $"x{c}"), matrix.Column(c));
        }

        return new Table(columns);
    }

    /// <summary>Reads a CSV file, inferring column types (see <see cref="CsvOptions"/>).</summary>
    public static Table ReadCsv(string path, CsvOptions? options = null) => CsvFormat.Read(path, options);

    /// <summary>Writes the table to a CSV file atomically (a failed write leaves no partial file).</summary>
    public void WriteCsv(string path, CsvOptions? options = null) => CsvFormat.Write(this, path, options);

    /// <summary>Reads a table from CSV, Parquet or Arrow IPC, chosen by the file extension.</summary>
    public static Table Load(string path) => TableFile.Read(path);

    /// <summary>Writes the table as CSV, Parquet or Arrow IPC, chosen by the file extension.</summary>
    public void Save(string path) => TableFile.Write(this, path);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Table {RowCount} rows x {ColumnCount} columns ({_schema})");
}
