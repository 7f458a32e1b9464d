namespace NetLearn.Data;

/// <summary>A column of free text; <c>null</c> marks a missing value.</summary>
public sealed class TextColumn : Column
{
    private readonly string?[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public TextColumn(string name, string?[] values)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Text;

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <summary>The text at <paramref name="row"/>, or <c>null</c> when missing.</summary>
    public string? this[int row] => _values[row];

    /// <inheritdoc />
    public override bool IsMissing(int row) => _values[row] is null;

    /// <inheritdoc />
    public override object? GetValue(int row) => _values[row];

    /// <inheritdoc />
    public override string? FormatValue(int row) => _values[row];

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var taken = new string?[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = _values[rows[i]];
        }

        return new TextColumn(Name, taken);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new TextColumn(name, _values);

    /// <summary>Converts to a categorical column with sorted levels.</summary>
    public CategoricalColumn ToCategorical() => CategoricalColumn.FromValues(Name, _values);
}
