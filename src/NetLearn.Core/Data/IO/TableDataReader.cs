using System.Collections;
using System.Collections.ObjectModel;
using System.Data.Common;
using System.Globalization;

namespace NetLearn.Data.IO;

/// <summary>
/// Reads a <see cref="Table"/> through ADO.NET's <see cref="DbDataReader"/>, so any consumer of data readers
/// (CSV writers, bulk copy into databases) can take NetLearn data. Missing values read as <see cref="DBNull"/>.
/// </summary>
public sealed class TableDataReader : DbDataReader, IDbColumnSchemaGenerator
{
    private readonly Table _table;
    private readonly bool _asText;
    private int _row = -1;

    /// <summary>Creates a reader over <paramref name="table"/>.</summary>
    /// <param name="table">The table to read.</param>
    /// <param name="asText">When true every field reads as its invariant-culture text (what CSV stores); otherwise as its typed value.</param>
    public TableDataReader(Table table, bool asText = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        _asText = asText;
    }

    /// <inheritdoc />
    public override int FieldCount => _table.ColumnCount;

    /// <inheritdoc />
    public override bool HasRows => _table.RowCount > 0;

    /// <inheritdoc />
    public override bool IsClosed => false;

    /// <inheritdoc />
    public override int RecordsAffected => -1;

    /// <inheritdoc />
    public override int Depth => 0;

    /// <inheritdoc />
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc />
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc />
    public override bool Read() => ++_row < _table.RowCount;

    /// <inheritdoc />
    public override bool NextResult() => false;

    /// <inheritdoc />
    public override string GetName(int ordinal) => _table[ordinal].Name;

    /// <inheritdoc />
    public override int GetOrdinal(string name) => _table.Schema.IndexOf(name) is var i and >= 0
        ? i
        : throw new IndexOutOfRangeException($"No column '{name}'.");

    /// <inheritdoc />
    public override Type GetFieldType(int ordinal) => _asText ? typeof(string) : _table[ordinal].Kind switch
    {
        ColumnKind.Numeric => typeof(double),
        ColumnKind.Boolean => typeof(bool),
        ColumnKind.DateTime => typeof(DateTime),
        _ => typeof(string),
    };

    /// <inheritdoc />
    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    /// <inheritdoc />
    public override bool IsDBNull(int ordinal) => _table[ordinal].IsMissing(_row);

    /// <inheritdoc />
    public override object GetValue(int ordinal)
    {
        var column = _table[ordinal];
        if (column.IsMissing(_row))
        {
            return DBNull.Value;
        }

        return _asText ? column.FormatValue(_row)! : column.GetValue(_row)!;
    }

    /// <inheritdoc />
    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = Math.Min(values.Length, FieldCount);
        for (int i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }

        return n;
    }

    /// <inheritdoc />
    public override string GetString(int ordinal) => IsDBNull(ordinal) ? string.Empty : _asText ? (string)GetValue(ordinal) : Convert.ToString(GetValue(ordinal), CultureInfo.InvariantCulture)!;

    /// <inheritdoc />
    public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override bool GetBoolean(int ordinal) => Convert.ToBoolean(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override DateTime GetDateTime(int ordinal) => Convert.ToDateTime(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override byte GetByte(int ordinal) => Convert.ToByte(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException("Tables hold no binary columns.");

    /// <inheritdoc />
    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    /// <inheritdoc />
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        string s = GetString(ordinal);
        if (buffer is null)
        {
            return s.Length;
        }

        int n = (int)Math.Min(length, s.Length - dataOffset);
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    /// <inheritdoc />
    public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override float GetFloat(int ordinal) => Convert.ToSingle(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override int GetInt32(int ordinal) => Convert.ToInt32(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override long GetInt64(int ordinal) => Convert.ToInt64(GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    /// <summary>The column schema (name, type, nullability); consumers such as CSV writers read it instead of <see cref="DbDataReader.GetSchemaTable"/>.</summary>
    public ReadOnlyCollection<DbColumn> GetColumnSchema() =>
        new([.. Enumerable.Range(0, FieldCount).Select(i => (DbColumn)new TableDbColumn(i, GetName(i), GetFieldType(i)))]);

    private sealed class TableDbColumn : DbColumn
    {
        public TableDbColumn(int ordinal, string name, Type type)
        {
            ColumnOrdinal = ordinal;
            ColumnName = name;
            DataType = type;
            DataTypeName = type.Name;
            AllowDBNull = true;
        }
    }
}
