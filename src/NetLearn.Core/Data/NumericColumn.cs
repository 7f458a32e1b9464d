using System.Globalization;

namespace NetLearn.Data;

/// <summary>A column of doubles; <see cref="double.NaN"/> marks a missing value (as in scikit-learn and pandas).</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied: the caller gives up ownership).</summary>
    public NumericColumn(string name, double[] values)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Numeric;

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <summary>The values, read-only.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value at <paramref name="row"/> (NaN when missing).</summary>
    public double this[int row] => _values[row];

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    /// <inheritdoc />
    public override object? GetValue(int row) => IsMissing(row) ? null : _values[row];

    /// <inheritdoc />
    public override string? FormatValue(int row) =>
        IsMissing(row) ? null : _values[row].ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var taken = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = _values[rows[i]];
        }

        return new NumericColumn(Name, taken);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new NumericColumn(name, _values);

    /// <inheritdoc />
    public override double[] ToDoubleArray() => (double[])_values.Clone();
}
