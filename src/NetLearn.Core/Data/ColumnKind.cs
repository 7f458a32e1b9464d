namespace NetLearn.Data;

/// <summary>The logical type of a <see cref="Column"/>.</summary>
public enum ColumnKind
{
    /// <summary>64-bit floating point values; missing is <see cref="double.NaN"/>.</summary>
    Numeric,

    /// <summary>A small set of string levels stored as integer codes; missing is code -1.</summary>
    Categorical,

    /// <summary>Free text (many distinct values); missing is <c>null</c>.</summary>
    Text,

    /// <summary>True/false values with an explicit missing state.</summary>
    Boolean,

    /// <summary>Date and time values with an explicit missing state.</summary>
    DateTime,
}

/// <summary>Name and type of one column; the unit of a <see cref="Schema"/>.</summary>
/// <param name="Name">Column name, unique within a table.</param>
/// <param name="Kind">Logical type.</param>
public sealed record ColumnInfo(string Name, ColumnKind Kind);
