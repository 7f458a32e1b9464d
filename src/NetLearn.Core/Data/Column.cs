using System.Globalization;

namespace NetLearn.Data;

/// <summary>
/// An immutable, named, typed column of a <see cref="Table"/> with explicit missing values.
/// Concrete kinds: <see cref="NumericColumn"/>, <see cref="CategoricalColumn"/>, <see cref="TextColumn"/>,
/// <see cref="BooleanColumn"/> and <see cref="DateTimeColumn"/>.
/// </summary>
public abstract class Column
{
    private protected Column(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The logical type.</summary>
    public abstract ColumnKind Kind { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>Name and kind together.</summary>
    public ColumnInfo Info => new(Name, Kind);

    /// <summary>True when the value in <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>The number of missing values.</summary>
    public int MissingCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Length; i++)
            {
                if (IsMissing(i))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The boxed value in <paramref name="row"/> (<c>double</c>, <c>string</c>, <c>bool</c> or <c>DateTime</c>), or <c>null</c> when missing.</summary>
    public abstract object? GetValue(int row);

    /// <summary>
    /// The value in <paramref name="row"/> as invariant-culture text (the form written to CSV), or <c>null</c> when missing.
    /// Numbers use the shortest round-trippable form.
    /// </summary>
    public abstract string? FormatValue(int row);

    /// <summary>A new column with the rows at <paramref name="rows"/>, in that order (rows may repeat).</summary>
    public abstract Column Take(ReadOnlySpan<int> rows);

    /// <summary>The same data under another name.</summary>
    public abstract Column WithName(string name);

    /// <summary>A numeric view: numbers as they are, booleans as 0/1; other kinds throw <see cref="DataValidationException"/>.</summary>
    public virtual double[] ToDoubleArray() =>
        throw new DataValidationException(
            $"Column '{Name}' is {Kind.ToString().ToLowerInvariant()}, not numeric. Encode it first (for example with OneHotEncoder) or drop it.",
            column: Name);

    /// <summary>Creates a numeric column.</summary>
    public static NumericColumn Create(string name, double[] values) => new(name, values);

    /// <summary>Creates a categorical column from string values (<c>null</c> = missing); levels are sorted ordinally.</summary>
    public static CategoricalColumn Create(string name, string?[] values) => CategoricalColumn.FromValues(name, values);

    /// <summary>Creates a boolean column.</summary>
    public static BooleanColumn Create(string name, bool?[] values) => new(name, values);

    /// <summary>Creates a date-time column.</summary>
    public static DateTimeColumn Create(string name, DateTime?[] values) => new(name, values);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Kind} [{Length}]");
}
