using System.Globalization;

namespace NetLearn.Data;

/// <summary>A column of date-times with explicit missing values (<c>null</c>).</summary>
public sealed class DateTimeColumn : Column
{
    private readonly DateTime?[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public DateTimeColumn(string name, DateTime?[] values)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.DateTime;

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <summary>The value at <paramref name="row"/>, or <c>null</c> when missing.</summary>
    public DateTime? this[int row] => _values[row];

    /// <inheritdoc />
    public override bool IsMissing(int row) => _values[row] is null;

    /// <inheritdoc />
    public override object? GetValue(int row) => _values[row];

    /// <inheritdoc />
    public override string? FormatValue(int row)
    {
        if (_values[row] is not { } value)
        {
            return null;
        }

        return value.TimeOfDay == TimeSpan.Zero
            ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override Column Take(ReadOnlySpan<int> rows)
    {
        var taken = new DateTime?[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = _values[rows[i]];
        }

        return new DateTimeColumn(Name, taken);
    }

    /// <inheritdoc />
    public override Column WithName(string name) => new DateTimeColumn(name, _values);
}
