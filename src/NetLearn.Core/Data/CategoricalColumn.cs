namespace NetLearn.Data;

/// <summary>
/// A column of string levels stored as integer codes into <see cref="Levels"/>; code -1 marks a missing value.
/// </summary>
public sealed class CategoricalColumn : Column
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    /// <summary>Wraps codes and levels (not copied). Every code must be -1 or a valid index into <paramref name="levels"/>.</summary>
    public CategoricalColumn(string name, int[] codes, string[] levels)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(levels);
        foreach (int code in codes)
        {
            if (code < -1 || code >= levels.Length)
            {
                throw new ArgumentException($"Code {code} is outside the {levels.Length} levels of column '{name}'.", nameof(codes));
            }
        }

        _codes = codes;
        _levels = levels;
    }

    /// <summary>Builds a column from raw strings (<c>null</c> = missing); levels are the distinct values sorted ordinally.</summary>
    public static CategoricalColumn FromValues(string name, IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var distinct = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string? v in values)
        {
            if (v is not null)
            {
                distinct.Add(v);
            }
        }

        string[] levels = [.. distinct];
        var index = new Dictionary<string, int>(levels.Length, StringComparer.Ordinal);
        for (int i = 0; i < levels.Length; i++)
        {
            index[levels[i]] = i;
        }

        var codes = new int[values.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = values[i] is { } v ? index[v] : -1;
        }

        return new CategoricalColumn(name, codes, levels);
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Categorical;

    /// <inheritdoc />
    public override int Length => _codes.Length;

    /// <summary>The integer code per row (-1 = missing).</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The distinct levels; a code indexes into this list.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>The level at <paramref name="row"/>, or <c>null</c> when missing.</summary>
    public string? this[int row] => _codes[row] < 0 ? null : _levels[_codes[row]];

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <inheritdoc />
    public override object? GetValue(int row) => this[row];

    /// <inheritdoc />
    public override string? FormatValue(int row) => this[row];

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var taken = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = _codes[rows[i]];
        }

        return new CategoricalColumn(Name, taken, _levels);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new CategoricalColumn(name, _codes, _levels);
}
