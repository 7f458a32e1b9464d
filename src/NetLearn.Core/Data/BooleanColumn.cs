namespace NetLearn.Data;

/// <summary>A column of booleans with explicit missing values (<c>null</c>).</summary>
public sealed class BooleanColumn : Column
{
    private readonly bool?[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public BooleanColumn(string name, bool?[] values)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Boolean;

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <summary>The value at <paramref name="row"/>, or <c>null</c> when missing.</summary>
    public bool? this[int row] => _values[row];

    /// <inheritdoc />
    public override bool IsMissing(int row) => _values[row] is null;

    /// <inheritdoc />
    public override object? GetValue(int row) => _values[row];

    /// <inheritdoc />
    public override string? FormatValue(int row) => _values[row] switch
    {
        null => null,
        true => "true",
        false => "false",
    };

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var taken = new bool?[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = _values[rows[i]];
        }

        return new BooleanColumn(Name, taken);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new BooleanColumn(name, _values);

    /// <summary>True as 1, false as 0, missing as NaN.</summary>
    public override double[] ToDoubleArray()
    {
        var result = new double[_values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _values[i] switch { null => double.NaN, true => 1.0, false => 0.0 };
        }

        return result;
    }
}
