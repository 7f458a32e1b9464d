namespace NetLearn.Data;

/// <summary>The ordered column names and kinds of a <see cref="Table"/>.</summary>
public sealed class Schema : IEquatable<Schema>
{
    private readonly ColumnInfo[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a schema; names must be unique.</summary>
    public Schema(IEnumerable<ColumnInfo> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _index = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            if (!_index.TryAdd(_columns[i].Name, i))
            {
                throw new DataValidationException($"Duplicate column name '{_columns[i].Name}'. Rename one of the columns.", column: _columns[i].Name);
            }
        }
    }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<ColumnInfo> Columns => _columns;

    /// <summary>Number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column names in order.</summary>
    public IEnumerable<string> Names => _columns.Select(c => c.Name);

    /// <summary>The index of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;

    /// <summary>True when a column of that name exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The column called <paramref name="name"/>.</summary>
    /// <exception cref="DataValidationException">No such column; the message lists the available ones.</exception>
    public ColumnInfo this[string name] => _index.TryGetValue(name, out int i)
        ? _columns[i]
        : throw UnknownColumn(name, Names);

    /// <inheritdoc />
    public bool Equals(Schema? other) => other is not null && _columns.AsSpan().SequenceEqual(other._columns);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Schema);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var c in _columns)
        {
            hash.Add(c);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _columns.Select(c => $"{c.Name}:{c.Kind}"));

    internal static DataValidationException UnknownColumn(string name, IEnumerable<string> available)
    {
        string list = string.Join(", ", available.Take(30));
        return new DataValidationException($"There is no column '{name}'. Available columns: {list}", column: name);
    }
}
